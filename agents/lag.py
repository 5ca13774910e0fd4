"""Consumer lag per topic and partition: the broker's end offset minus the group's committed offset.

Asked of the broker directly (not Faust's view of its own partitions), so every worker reports the whole
group's lag, and the lag of partitions nobody owns still shows.
"""
from __future__ import annotations

import asyncio
import logging

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.errors import KafkaConnectionError

from agents import metrics
from agents.kafka_url import bootstrap_servers

log = logging.getLogger(__name__)


async def high_watermarks(reader: AIOKafkaConsumer, tps: list[TopicPartition],
                          timeout_s: float = 3.0) -> dict[TopicPartition, int]:
    """End offsets that hold on Tansu too. `reader` must have no group id (see `GroupOffsets`).

    Tansu answers ListOffsets(latest) with the last batch's base offset + 1, which under-counts whenever
    a producer batched several records (librdkafka, aiokafka, Faust all do). A fetch response's high
    watermark is right, so fetch once from just before that answer and take the larger of the two.
    """
    listed = await reader.end_offsets(tps)
    reader.assign(tps)
    for tp in tps:
        reader.seek(tp, max(0, listed[tp] - 1))
    deadline = asyncio.get_running_loop().time() + timeout_s
    while any(reader.highwater(tp) is None for tp in tps) and asyncio.get_running_loop().time() < deadline:
        await reader.getmany(timeout_ms=100, max_records=len(tps))
    ends = {tp: max(listed[tp], reader.highwater(tp) or 0) for tp in tps}
    reader.assign([])  # stop the background fetcher until the next look
    return ends


class GroupOffsets:
    """A group's committed offsets and the topics' end offsets, read without joining the group.

    Two clients, because one races: reading end offsets assigns and unassigns partitions, and a client
    that carries a group id then restarts its group coordinator's assignment routines on every change;
    aiokafka asserted inside them now and then (`assignment is not None and assignment.active`) and the lag
    check failed. So `reader` has no group, and `group` only ever asks for committed offsets (OffsetFetch;
    Tansu's answer to the admin-client variant is unreadable).
    """

    def __init__(self, servers: str | list[str], group: str, options: dict | None = None) -> None:
        options = options or {}
        self.reader = AIOKafkaConsumer(bootstrap_servers=servers, enable_auto_commit=False, **options)
        self.group = AIOKafkaConsumer(bootstrap_servers=servers, group_id=group, enable_auto_commit=False,
                                      **options)

    async def start(self) -> None:
        await self.reader.start()
        await self.group.start()

    async def stop(self) -> None:
        for client in (self.group, self.reader):
            try:
                await client.stop()
            except Exception:  # stopping after a lost broker may fail; the client is dropped either way
                pass

    async def refresh(self) -> bool:
        """Fresh metadata (topics, partitions); False if the broker did not answer."""
        return await self.reader._client.force_metadata_update()

    def partitions(self, topics: list[str]) -> list[TopicPartition]:
        return [TopicPartition(t, p) for t in topics for p in sorted(self.reader.partitions_for_topic(t) or ())]

    async def ends(self, tps: list[TopicPartition]) -> dict[TopicPartition, int]:
        return await high_watermarks(self.reader, tps) if tps else {}

    async def committed(self, tp: TopicPartition) -> int | None:
        return await self.group.committed(tp)


async def group_lag(offsets: GroupOffsets, topics: list[str],
                    ends_out: dict[TopicPartition, int] | None = None) -> dict[TopicPartition, int]:
    """Lag per partition of `topics`; `ends_out`, when given, receives the end offsets too."""
    await offsets.refresh()
    tps = offsets.partitions(topics)
    if not tps:
        return {}
    ends = await offsets.ends(tps)
    if ends_out is not None:
        ends_out.update(ends)
    return {tp: max(0, ends[tp] - (await offsets.committed(tp) or 0)) for tp in tps}


def topics_lost(layout_before: dict[str, int], layout_now: dict[str, int]) -> str | None:
    """Why the broker seems to have lost our topics since the first look, or None.

    A layout is topic -> partition count, known from metadata alone, so this holds even when no lag check
    ever got as far as the end offsets (the group still rebalancing when the broker died). Kafka's topics
    never disappear or lose partitions; a broker that restarted empty (Tansu keeps everything in memory)
    has none of them, or has them again as some producer auto-created them, with the broker's default count.
    """
    gone = sorted(t for t, n in layout_before.items() if n and not layout_now.get(t))
    if gone:
        return f"topics {', '.join(gone)} are gone"
    changed = sorted(t for t, n in layout_before.items() if n and layout_now[t] != n)
    return ", ".join(f"{t} has {layout_now[t]} partitions, not {layout_before[t]}" for t in changed) or None


def offsets_went_back(before: dict[TopicPartition, int], now: dict[TopicPartition, int]) -> str | None:
    """Why the end offsets say the broker lost its data since the last look (they never go back), or None."""
    for tp, end in now.items():
        if tp in before and end < before[tp]:
            return f"{tp.topic}[{tp.partition}] end offset went back from {before[tp]} to {end}"
    return None


def raise_if_cancelled() -> None:
    """Re-raise a cancel that a library swallowed.

    aiokafka's client `close()` cancels its metadata task and awaits it under `suppress(CancelledError)`,
    which also swallows a cancel aimed at the task calling `close()`. Python (3.11+) still counts that cancel
    in `Task.cancelling()`, so a retry loop can notice it and stop instead of retrying forever.
    """
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        raise asyncio.CancelledError


class LagMonitor:
    """Refreshes `khabar_consumer_lag_messages` every `interval_s`; marks the broker reachable on success."""

    def __init__(self, broker: str, group: str, topics: list[str], interval_s: float, on_ok=None,
                 client_options: dict | None = None, on_broker_reset=None) -> None:
        self.servers = bootstrap_servers(broker)
        self.group, self.topics, self.interval_s = group, topics, interval_s
        self.on_ok = on_ok
        self.on_broker_reset = on_broker_reset
        self.options = client_options or {}
        self.last: dict[TopicPartition, int] = {}
        # Topic -> partition count at the first look: the worker created the topics (or found them) before
        # it started, so any later difference means the broker lost them.
        self.layout: dict[str, int] = {}
        self.ends: dict[TopicPartition, int] = {}
        self._offsets: GroupOffsets | None = None  # kept between looks, dropped after a failure

    async def run(self) -> None:
        try:
            while True:
                await self.look()
                raise_if_cancelled()
                await asyncio.sleep(self.interval_s)
        finally:  # a worker stopping, or restarting in place, must not leave the two clients behind
            if self._offsets is not None:
                await asyncio.wait_for(self._offsets.stop(), 10)

    async def look(self) -> None:
        """One lag check. The clients are kept for the next one, and dropped after a failure."""
        try:
            if self._offsets is None:
                self._offsets = GroupOffsets(self.servers, self.group, self.options)
                await self._offsets.start()
            offsets = self._offsets
            # Reachability first, on its own: the group's offsets can take a while to answer while the
            # group rebalances, and that is no reason to call the broker lost.
            if not await asyncio.wait_for(offsets.refresh(), self.interval_s * 2):
                raise KafkaConnectionError("the broker did not answer a metadata request")
            layout = {t: len(offsets.partitions([t])) for t in self.topics}
            # Checked before the broker counts as reachable, so /readyz never says ready for a broker
            # that came back without our topics.
            if self.on_broker_reset and (why := topics_lost(self.layout, layout)):
                self.on_broker_reset(why)
            if not self.layout and all(layout.values()):
                self.layout = layout
            if self.on_ok:
                self.on_ok()
            ends: dict[TopicPartition, int] = {}
            self.last = await asyncio.wait_for(group_lag(offsets, self.topics, ends), self.interval_s * 3)
            if self.on_broker_reset and (why := offsets_went_back(self.ends, ends)):
                self.on_broker_reset(why)
            self.ends = ends
            for tp, n in self.last.items():
                metrics.CONSUMER_LAG.labels(topic=tp.topic, partition=str(tp.partition)).set(n)
        except Exception as exc:  # the broker may be away; report not-ready and try again
            log.warning("lag check failed (%s: %s); retrying in %.0fs", type(exc).__name__, exc,
                        self.interval_s)
            if self.on_ok and not isinstance(exc, (KafkaConnectionError, OSError, asyncio.TimeoutError)):
                # The broker answered, but not this question (a group rebalancing, say): not a reason
                # to call the broker lost.
                self.on_ok()
            dropped, self._offsets = self._offsets, None
            if dropped is not None:
                await dropped.stop()
