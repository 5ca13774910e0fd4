"""The end of Faust's recovery, as Khabar reorders it: seek (uncommitted partitions to their beginning),
clear the agents' queues, and only then fetch the stream partitions."""
import asyncio
from types import SimpleNamespace
from unittest.mock import AsyncMock, MagicMock

from faust.tables.recovery import Recovery
from faust.types import TP

import agents.app  # noqa: F401  (installs the reordering)
from agents import recovery_order

RAW0, RAW1, CHANGELOG0 = TP("news.raw", 0), TP("news.raw", 1), TP("khabar-dedup-changelog", 0)


def _recovery(calls: list[str], reset: str = "earliest"):
    def name(tps):
        return sorted(f"{tp.topic}/{tp.partition}" for tp in tps)

    consumer = SimpleNamespace(
        assignment=lambda: {RAW0, RAW1, CHANGELOG0},
        _read_offset={RAW0: 5, RAW1: None, CHANGELOG0: None},  # as perform_seek leaves them: RAW1 never committed
        perform_seek=AsyncMock(side_effect=lambda: calls.append("seek to committed")),
        _thread=SimpleNamespace(seek_to_beginning=AsyncMock(
            side_effect=lambda *tps: calls.append(f"seek to beginning {name(tps)}"))),
        resume_flow=lambda: calls.append("resume_flow"),
        resume_partitions=lambda tps: calls.append(f"resume_partitions {name(tps)}"),
    )
    app = SimpleNamespace(
        consumer=consumer, consumer_generation_id=1,
        conf=SimpleNamespace(broker_request_timeout=5, consumer_auto_offset_reset=reset),
        on_rebalance_complete=SimpleNamespace(send=AsyncMock()),
        flow_control=SimpleNamespace(resume=lambda: calls.append("flow_control.resume (clears queues)")),
        _fetcher=SimpleNamespace(maybe_start=AsyncMock()), assignor=SimpleNamespace(assigned_standbys=lambda: []),
        on_rebalance_end=lambda: None,
    )
    return SimpleNamespace(
        app=app, log=MagicMock(), tables=MagicMock(values=lambda: []), completed=asyncio.Event(),
        _set_recovery_ended=lambda: None, _is_changelog_tp=lambda tp: tp.topic.endswith("-changelog"),
        _wait=lambda coro, timeout=None: coro, actives_for_table={}, standbys_for_table={},
    )


def test_stream_partitions_are_fetched_only_after_the_seek_and_the_queue_clear():
    # Faust resumed them before the seek: messages fetched meanwhile were cleared from the agents' queues
    # with the consumer already past them, and the group's lag never fell (tests/agents/test_ops.py).
    # And a never-committed partition, which that seek leaves alone, may have been read past during recovery.
    assert Recovery.on_recovery_completed is recovery_order.on_recovery_completed
    calls: list[str] = []
    asyncio.run(recovery_order.on_recovery_completed(_recovery(calls), generation_id=1))
    assert calls == ["seek to committed", "seek to beginning ['news.raw/1']",
                     "flow_control.resume (clears queues)", "resume_flow",
                     "resume_partitions ['news.raw/0', 'news.raw/1']"]


def test_with_latest_as_the_reset_uncommitted_partitions_are_left_where_they_are():
    calls: list[str] = []
    asyncio.run(recovery_order.on_recovery_completed(_recovery(calls, reset="latest"), generation_id=1))
    assert not any(c.startswith("seek to beginning") for c in calls)
