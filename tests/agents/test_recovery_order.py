"""The end of Faust's recovery, as Khabar reorders it: seek, clear the agents' queues, and only then fetch."""
import asyncio
from types import SimpleNamespace
from unittest.mock import AsyncMock, MagicMock

from faust.tables.recovery import Recovery

import agents.app  # noqa: F401  (installs the reordering)
from agents import recovery_order


def _recovery(calls: list[str]):
    consumer = SimpleNamespace(
        assignment=lambda: {"news.raw/0", "khabar-dedup-changelog/0"},
        perform_seek=AsyncMock(side_effect=lambda: calls.append("seek")),
        resume_flow=lambda: calls.append("resume_flow"),
        resume_partitions=lambda tps: calls.append(f"resume_partitions {sorted(tps)}"),
    )
    app = SimpleNamespace(
        consumer=consumer, consumer_generation_id=1, conf=SimpleNamespace(broker_request_timeout=5),
        on_rebalance_complete=SimpleNamespace(send=AsyncMock()),
        flow_control=SimpleNamespace(resume=lambda: calls.append("flow_control.resume (clears queues)")),
        _fetcher=SimpleNamespace(maybe_start=AsyncMock()), assignor=SimpleNamespace(assigned_standbys=lambda: []),
        on_rebalance_end=lambda: None,
    )
    return SimpleNamespace(
        app=app, log=MagicMock(), tables=MagicMock(values=lambda: []), completed=asyncio.Event(),
        _set_recovery_ended=lambda: None, _is_changelog_tp=lambda tp: "changelog" in tp,
        _wait=lambda coro, timeout=None: coro, actives_for_table={}, standbys_for_table={},
    )


def test_stream_partitions_are_fetched_only_after_the_seek_and_the_queue_clear():
    # Faust resumed them before the seek: messages fetched meanwhile were cleared from the agents' queues
    # with the consumer already past them, and the group's lag never fell (tests/agents/test_ops.py).
    assert Recovery.on_recovery_completed is recovery_order.on_recovery_completed
    calls: list[str] = []
    asyncio.run(recovery_order.on_recovery_completed(_recovery(calls), generation_id=1))
    assert calls == ["seek", "flow_control.resume (clears queues)", "resume_flow",
                     "resume_partitions ['news.raw/0']"]
