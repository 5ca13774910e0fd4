"""`Held`: sums whose messages are acked only once the sums are written, dropped across a rebalance.

The app here is a stand-in with the three things `Held` reads (generation id, flow control, the producer
buffer it flushes before acking); the Kafka side is exercised by tests/agents/test_newsroom_e2e.py and the
SIGKILL test in test_faults.py.
"""
from __future__ import annotations

import asyncio
from types import SimpleNamespace

from agents.batches import Held


class Event:
    def __init__(self, n: int, log: list) -> None:
        self.n, self.log = n, log

    def ack(self) -> None:
        self.log.append(("ack", self.n))


def fake_app(log: list):
    async def flush():
        log.append(("producer flushed",))

    flow = SimpleNamespace(active=True)
    return SimpleNamespace(consumer_generation_id=1, flow_control=SimpleNamespace(is_active=lambda: flow.active),
                           producer=SimpleNamespace(buffer=SimpleNamespace(flush=flush)), flow=flow)


def held_with_log(every_s: float):
    """A Held over lists, its app, the log both write to, and a `write` that logs what it is given."""
    log: list = []
    app = fake_app(log)

    async def write(state):
        log.append(("write", tuple(state)))

    return Held(app, list, every_s=every_s), app, log, write


def test_events_are_acked_after_their_sums_are_written_and_in_order():
    held, _app, log, write = held_with_log(every_s=3600)

    async def run():
        held.take([Event(1, log), Event(2, log)]).extend([1, 2])
        assert not held.due()  # an hour to go
        held.take([Event(3, log)]).append(3)
        await held.flush(write)
        await held.flush(write)  # nothing held: nothing written, nothing acked

    asyncio.run(run())
    assert log == [("write", (1, 2, 3)), ("producer flushed",), ("ack", 1), ("ack", 2), ("ack", 3)]


def test_sums_taken_before_a_rebalance_are_dropped_unacked():
    held, app, log, write = held_with_log(every_s=0.0)

    async def run():
        held.take([Event(1, log)]).append(1)
        app.consumer_generation_id = 2  # a rebalance: partition 1's messages are someone else's now
        held.take([Event(2, log)]).append(2)  # the stale sum is dropped, not merged
        assert held.due()
        await held.flush(write)
        held.take([Event(3, log)]).append(3)
        app.flow.active = False  # flow stopped for the next rebalance: nothing may be written or acked
        await held.flush(write)

    asyncio.run(run())
    assert log == [("write", (2,)), ("producer flushed",), ("ack", 2)]


class _Channel:
    """What `event_batches` reads of an agent's channel: iterating it yields an object with the queue."""

    def __init__(self, queue) -> None:
        self.queue = queue

    def __aiter__(self):
        return self

    async def __anext__(self):  # never called: the queue is read directly
        raise StopAsyncIteration


def _message():
    return SimpleNamespace(generation_id=1, tracked=True)


def _stream(app, queue):
    return SimpleNamespace(app=app, channel=_Channel(queue))


def test_the_agent_that_paces_fetches_reports_what_its_batches_cost():
    from agents import fetch_wait
    from agents.batches import event_batches

    async def run():
        app = fake_app([])
        app.consumer = None
        fetch_wait.set_fetch_max_wait(app, 50, 300)
        paced, other = asyncio.Queue(), asyncio.Queue()
        for queue in (paced, other):
            for _ in range(3):
                queue.put_nowait(SimpleNamespace(message=_message()))
        batches = event_batches(_stream(app, paced), max_batch=64, paces_fetches=True)
        assert len(await anext(batches)) == 3
        await asyncio.sleep(0.03)  # "processing" the batch of three
        paced.put_nowait(SimpleNamespace(message=_message()))
        await anext(batches)
        unpaced = event_batches(_stream(app, other), max_batch=64)
        await anext(unpaced)
        await asyncio.sleep(0.03)
        other.put_nowait(SimpleNamespace(message=_message()))
        await anext(unpaced)
        return app.khabar_backlogs

    backlogs = asyncio.run(run())
    assert len(backlogs) == 1  # the other agent's queue does not count
    assert 0.009 < backlogs[0].seconds_each < 0.05  # ~30 ms over three messages
