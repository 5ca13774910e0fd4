"""The lag monitor's broker-reset detection: the trigger for a worker restarting in place."""
from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import time

import pytest
from aiokafka import TopicPartition
from aiokafka.errors import KafkaConnectionError
from confluent_kafka.admin import AdminClient, NewTopic

from agents import lag
from agents.broker import free_port, start_broker
from agents.lag import LagMonitor, offsets_went_back, topics_lost


def test_topics_lost_needs_no_end_offsets():
    before = {"news.raw": 2, "news.normalized": 2}
    assert topics_lost(before, dict(before)) is None
    assert topics_lost(before, {"news.raw": 0, "news.normalized": 0}) == "topics news.normalized, news.raw are gone"
    assert topics_lost(before, {"news.raw": 4, "news.normalized": 0}) == "topics news.normalized are gone"
    assert topics_lost(before, {"news.raw": 4, "news.normalized": 2}) == "news.raw has 4 partitions, not 2"
    assert topics_lost({}, {"news.raw": 0}) is None, "nothing known yet, nothing lost"


def test_offsets_going_back_is_a_reset_and_new_partitions_are_not():
    a, b = TopicPartition("news.raw", 0), TopicPartition("news.raw", 1)
    assert offsets_went_back({a: 5}, {a: 5, b: 0}) is None
    assert offsets_went_back({a: 5, b: 7}, {a: 6, b: 3}) == "news.raw[1] end offset went back from 7 to 3"
    assert offsets_went_back({}, {a: 0}) is None


class _SwallowingOffsets:
    """Stands in for `GroupOffsets` with a broker that never answers, and a `stop()` that closes the way
    aiokafka 0.14's client does: it cancels its own background task and awaits it under
    `suppress(CancelledError)`, which swallows a cancel aimed at the caller too."""

    instances: list[_SwallowingOffsets] = []

    def __init__(self, *args) -> None:
        self.stopped = False
        self.in_stop = asyncio.Event()
        _SwallowingOffsets.instances.append(self)

    async def start(self) -> None:
        pass

    async def refresh(self) -> bool:
        raise KafkaConnectionError("no broker")

    async def stop(self) -> None:
        async def background() -> None:
            try:
                await asyncio.sleep(3600)
            finally:
                await asyncio.sleep(0.3)  # closing connections takes a moment

        task = asyncio.create_task(background())
        await asyncio.sleep(0)
        task.cancel()
        self.in_stop.set()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        self.stopped = True


def test_a_cancel_swallowed_while_closing_the_clients_still_stops_the_monitor(monkeypatch):
    """The hang this guards: the test above cancelled the monitor while it dropped its clients after the broker
    died, aiokafka swallowed the cancel, and the monitor went on retrying; `gather` never returned."""
    _SwallowingOffsets.instances.clear()
    monkeypatch.setattr(lag, "GroupOffsets", _SwallowingOffsets)
    monitor = LagMonitor("kafka://127.0.0.1:9", "g", ["news.raw"], 0.05)

    async def scenario() -> bool:
        task = asyncio.create_task(monitor.run())
        while not _SwallowingOffsets.instances:
            await asyncio.sleep(0.01)
        await _SwallowingOffsets.instances[0].in_stop.wait()
        task.cancel()
        await asyncio.wait({task}, timeout=5)  # not wait_for: its own cancel would be swallowed as well
        return task.done() and task.cancelled()

    # A loop of our own, closed without cancelling what is left: asyncio.run would wait forever on a monitor
    # that ignores cancels, and the test must fail, not hang.
    loop = asyncio.new_event_loop()
    try:
        stopped = loop.run_until_complete(scenario())
    finally:
        loop.close()
    assert stopped, "the monitor did not stop within 5 s of its cancel"
    assert len(_SwallowingOffsets.instances) == 1, "the monitor went on to retry after it was cancelled"
    assert _SwallowingOffsets.instances[0].stopped


def _create(port: int, partitions: dict[str, int]) -> None:
    admin = AdminClient({"bootstrap.servers": f"127.0.0.1:{port}"})
    for future in admin.create_topics([NewTopic(t, n, 1) for t, n in partitions.items()]).values():
        future.result(15)


@pytest.mark.parametrize("comes_back_with", [{}, {"news.raw": 3, "news.normalized": 2}],
                         ids=["no-topics", "auto-created-topic"])
def test_monitor_reports_an_empty_broker_before_calling_it_reachable(comes_back_with):
    """The flake this guards: a broker killed before any lag check finished and back empty; the worker saw it
    reachable again (ready) but never restarted, and its Faust consumer never rejoined."""
    port = free_port()
    broker, _ = start_broker(port)
    _create(port, {"news.raw": 2, "news.normalized": 2})
    events: list[str] = []
    monitor = LagMonitor(f"kafka://127.0.0.1:{port}", "khabar-lag-test", ["news.raw", "news.normalized"], 1.0,
                         on_ok=lambda: events.append("ok"), on_broker_reset=lambda why: events.append(f"reset: {why}"))

    async def scenario() -> None:
        nonlocal broker
        task = asyncio.create_task(monitor.run())
        try:
            deadline = time.monotonic() + 30
            while not monitor.layout and time.monotonic() < deadline:
                await asyncio.sleep(0.1)
            assert monitor.layout == {"news.raw": 2, "news.normalized": 2}
            monitor.ends = {}  # as if no lag check had finished before the broker died
            os.killpg(broker.pid, signal.SIGKILL)
            broker.wait(10)
            await asyncio.sleep(1.5)
            events.clear()
            broker, _ = start_broker(port)
            if comes_back_with:
                _create(port, comes_back_with)
            deadline = time.monotonic() + 30
            while not any(e.startswith("reset") for e in events) and time.monotonic() < deadline:
                await asyncio.sleep(0.1)
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    try:
        asyncio.run(scenario())
    finally:
        os.killpg(broker.pid, signal.SIGKILL)
        broker.wait(10)
    resets = [e for e in events if e.startswith("reset")]
    assert resets, f"no reset reported: {events}"
    assert events[0].startswith("reset"), f"the broker was called reachable before the reset: {events}"
    expected = "are gone" if not comes_back_with else "news.raw has 3 partitions, not 2"
    assert expected in resets[0]
