"""The consumer's fetch wait, which Faust does not expose (it builds aiokafka's consumer with 1,500 ms):
short while the worker keeps up, long while it is behind.

A fetch with no data is held by the broker up to that long. Apache Kafka answers early when data arrives,
but Tansu holds waits above a second to the end, so every hop would add up to 1.5 s to a quiet stream
(measured: a message produced into an idle partition took 1,466 ms to arrive at 1,500 ms, 2 ms at 500 ms).

A short wait costs CPU, though: each fetch that comes back empty cost Tansu about 6 ms and the worker about
1.5 ms (an idle worker fetching 26 partitions: 145 and 55 ms of CPU a second at 50 ms, 32 and 20 at 500 ms).
Under load most fetches are empty too: the worker has already fetched the backlog into its agents' queues,
so a fetch asks for the rest and finds nothing. So the wait follows those queues. While one holds more than
a batch, the worker is behind: its next messages are already here, a new one waits behind them anyway, and a
quick answer only buys another empty fetch. Once the queues are down to a batch the worker is keeping up,
and the short wait keeps each hop quick. (aiokafka's own buffer is no such signal: at half load it holds the
next records whenever the worker is busy with a batch, and waiting on it doubled p99.)
"""
from __future__ import annotations

from aiokafka.consumer.fetcher import Fetcher
from faust.transport.drivers.aiokafka import AIOKafkaConsumerThread

_create_worker_consumer = AIOKafkaConsumerThread._create_worker_consumer
_get_actions_per_node = Fetcher._get_actions_per_node


def _with_fetch_wait(self, transport):
    consumer = _create_worker_consumer(self, transport)
    waits = getattr(self.app, "khabar_fetch_waits_ms", None)
    if waits is not None:
        consumer._fetch_max_wait_ms = waits[0]  # read by aiokafka when the consumer starts its fetcher
        start, app = consumer.start, self.app

        async def start_then_follow_backlog():
            await start()
            consumer._fetcher.khabar_app = app

        consumer.start = start_then_follow_backlog
    return consumer


def _wait_by_backlog(self, assignment):
    app = getattr(self, "khabar_app", None)
    if app is not None:  # the fetch request built next reads the wait
        keeping_up, behind = app.khabar_fetch_waits_ms
        self._fetch_max_wait_ms = behind if is_behind(app) else keeping_up
    return _get_actions_per_node(self, assignment)


# Installed once, on import; they change nothing for an app that `set_fetch_max_wait` was not called on.
AIOKafkaConsumerThread._create_worker_consumer = _with_fetch_wait
Fetcher._get_actions_per_node = _wait_by_backlog


def set_fetch_max_wait(app, wait_ms: int, behind_wait_ms: int | None = None) -> None:
    """Use `wait_ms` for `app`'s worker consumer while it keeps up, and `behind_wait_ms` (never shorter)
    while an agent's queue holds more than a batch. Other apps in the process keep Faust's 1,500 ms."""
    app.khabar_fetch_waits_ms = (int(wait_ms), int(max(wait_ms, behind_wait_ms or 0)))
    app.khabar_backlogs = ()  # replaced, never changed in place: the consumer thread iterates it


def watch_backlog(app, queue, batch: int) -> None:
    """Count `queue` (an agent's channel queue, taken `batch` events at a time) in `is_behind(app)`."""
    backlogs = getattr(app, "khabar_backlogs", None)
    if backlogs is not None and all(q is not queue for q, _ in backlogs):
        app.khabar_backlogs = (*backlogs, (queue, batch))


def is_behind(app) -> bool:
    """Whether an agent has more than a batch waiting. Read from the consumer thread: a length, no locks."""
    return any(queue.qsize() > batch for queue, batch in app.khabar_backlogs)
