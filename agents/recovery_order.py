"""Faust's end of table recovery, reordered so that a restarted worker does not skip messages.

Faust (faust-streaming 0.15.3, `Recovery.on_recovery_completed`) resumes the stream partitions, then awaits
the seek to the committed offsets, and only then resumes flow control, which clears every agent's queue.
But flow control was already resumed for the changelog recovery, and the fetcher is running: whatever it
fetched from the stream partitions while the seek was in flight went into the agents' queues and was thrown
away by that clear, after the consumer's position had moved past it. Those messages were not processed
until the next rebalance, and their partition's commits stopped at the hole, so the group's lag stayed up
(a hole of a single message Faust commits over: that message was lost). Upstream: faust-streaming/faust#596.
Seen in tests/agents/test_ops.py after a worker restart: a fetch of news.raw[0] offsets 0-5 arrived during
the seek, only offset 0 was processed, and the partition's lag stayed at 5.

Here the stream partitions are resumed last: seek, clear the queues, then fetch. Nothing from the stream
partitions can reach a queue before the clear, and what arrives after it is read from the committed offsets.

The seek itself leaves out partitions the group never committed (aiokafka's `seek_to_committed` skips an
offset of None or 0), and their position may have moved too: while the changelogs are read, Faust's fetch
waits in the consumer thread with the set of active partitions, and when recovery pauses the changelog
partitions that set becomes empty, which aiokafka reads as "all partitions". The stream partitions' records
are then taken and dropped (Faust yields only active ones). Seen after a restart: news.raw[0], [6] and [7]
(never committed) were fetched from 0 during recovery and never again; their lag stayed at 4, 2 and 2.
So those partitions are sought back to the beginning, where a consumer with no committed offset starts.
"""
from __future__ import annotations

import asyncio

from aiokafka import TopicPartition
from faust.tables.recovery import Recovery


async def on_recovery_completed(self, generation_id: int = 0) -> None:
    """`Recovery.on_recovery_completed` with `resume_partitions` moved after the seek and the flow resume."""
    consumer = self.app.consumer
    self.log.info("Restore complete!")
    await self.app.on_rebalance_complete.send()
    self._set_recovery_ended()
    callback_coros = [
        asyncio.ensure_future(table.on_recovery_completed(self.actives_for_table[table],
                                                          self.standbys_for_table[table]))
        for table in self.tables.values()
    ]
    if callback_coros:
        await asyncio.wait(callback_coros)
    assignment = consumer.assignment()
    if self.app.consumer_generation_id != generation_id:
        self.log.warning(f"Recovery rebalancing again app id {self.app.consumer_generation_id} "
                         f"param {generation_id}")
        return
    if assignment:
        self.log.info("Seek stream partitions to committed offsets.")
        await self._wait(consumer.perform_seek(), timeout=self.app.conf.broker_request_timeout)
        await self._wait(_seek_uncommitted_to_beginning(self, consumer, assignment),
                         timeout=self.app.conf.broker_request_timeout)
    self.completed.set()
    self.app.flow_control.resume()  # clears the agents' queues: nothing of the stream partitions is in them
    consumer.resume_flow()
    consumer.resume_partitions({tp for tp in assignment if not self._is_changelog_tp(tp)})
    await self.app._fetcher.maybe_start()
    self.tables.on_actives_ready()
    if not self.app.assignor.assigned_standbys():
        self.tables.on_standbys_ready()
    self.app.on_rebalance_end()
    self.log.info("Worker ready")


async def _seek_uncommitted_to_beginning(self, consumer, assignment) -> None:
    """Stream partitions with no committed offset (perform_seek left their read offset None or 0) go back
    to their beginning, as `consumer_auto_offset_reset="earliest"` would start them."""
    if self.app.conf.consumer_auto_offset_reset != "earliest":
        return
    uncommitted = [TopicPartition(tp.topic, tp.partition) for tp in assignment
                   if not self._is_changelog_tp(tp) and not consumer._read_offset.get(tp)]
    if uncommitted:
        await consumer._thread.seek_to_beginning(*uncommitted)


# Installed once, on import (agents.app imports this module).
Recovery.on_recovery_completed = on_recovery_completed
