"""The consumer's fetch wait, which Faust does not expose (it builds aiokafka's consumer with 1,500 ms):
short while the worker keeps up, long while it is behind.

A fetch with no data is held by the broker up to that long. Apache Kafka answers early when data arrives,
but Tansu holds waits above a second to the end, so every hop would add up to 1.5 s to a quiet stream
(measured: a message produced into an idle partition took 1,466 ms to arrive at 1,500 ms, 2 ms at 500 ms).

A short wait costs CPU, though: each fetch that comes back empty cost Tansu about 6 ms and the worker about
1.5 ms (an idle worker fetching 26 partitions: 145 and 55 ms of CPU a second at 50 ms, 32 and 20 at 500 ms).
Under load most fetches are empty too: the worker has already fetched the backlog into its agents' queues,
so a fetch asks for the rest and finds nothing. So the wait follows the queue of the last stage (enrich, or
the fused agent): while it holds more work than the long wait lasts (its length times what a message has
lately cost it), the worker is behind: its next messages are already here, a new one waits behind them
anyway, and a quick answer only buys another empty fetch. Otherwise the short wait keeps each hop quick.

Only the last stage counts, and by time, not length. An earlier stage's backlog is work that is about to
reach the last stage through a topic, and Tansu holds an empty fetch to its end even when data arrives
meanwhile: waiting long because normalize was behind starved enrich, and a thousand queued messages are
a second of entity tagging but a tenth of a second with the NLP off (bursts of 2,100 messages, NLP off,
5 alternating runs: 2,956 messages/s at a median against 3,689 with the short wait only). aiokafka's own
buffer is no signal either: at half load it holds the next records whenever the worker is busy with a
batch, and waiting on it doubled p99.
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
    while the watched agent has more work queued than that. Other apps in the process keep Faust's 1,500 ms."""
    app.khabar_fetch_waits_ms = (int(wait_ms), int(max(wait_ms, behind_wait_ms or 0)))
    app.khabar_backlogs = ()  # replaced, never changed in place: the consumer thread iterates it


class Backlog:
    """An agent's channel queue and what a message has lately cost the agent: how long its queue will last."""

    __slots__ = ("queue", "seconds_each")

    def __init__(self, queue) -> None:
        self.queue = queue
        self.seconds_each = 0.0  # unknown until a batch is done: never behind before that

    def took(self, seconds: float, messages: int) -> None:
        """A batch of `messages` took the agent `seconds`; a moving average follows a changing load."""
        each = seconds / messages
        self.seconds_each = each if not self.seconds_each else self.seconds_each + 0.2 * (each - self.seconds_each)

    def queued_s(self) -> float:
        return self.queue.qsize() * self.seconds_each


def watch_backlog(app, queue) -> Backlog | None:
    """Count `queue` (the last stage's channel queue) in `is_behind(app)`; the agent reports its batches'
    times to the Backlog returned. None for an app without `set_fetch_max_wait`."""
    backlogs = getattr(app, "khabar_backlogs", None)
    if backlogs is None:
        return None
    for backlog in backlogs:
        if backlog.queue is queue:  # an agent restarted on the same channel
            return backlog
    backlog = Backlog(queue)
    app.khabar_backlogs = (*backlogs, backlog)
    return backlog


def is_behind(app) -> bool:
    """Whether a watched agent has more work queued than a long fetch lasts. Read from the consumer thread:
    a length and a float, no locks."""
    behind_s = app.khabar_fetch_waits_ms[1] / 1000
    return any(backlog.queued_s() > behind_s for backlog in app.khabar_backlogs)
