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


def broker_reset(before: dict[TopicPartition, int], now: dict[TopicPartition, int]) -> str | None:
    """Why the broker seems to have lost its data since the last look, or None.

    Kafka's end offsets never go back and partitions never disappear; a broker that restarted empty
    (Tansu keeps everything in memory) shows both.
    """
    if not before:
        return None
    gone = sorted({tp.topic for tp in before} - {tp.topic for tp in now})
    if gone:
        return f"topics {', '.join(gone)} are gone"
    for tp, end in now.items():
        if tp in before and end < before[tp]:
            return f"{tp.topic}[{tp.partition}] end offset went back from {before[tp]} to {end}"
    if {tp for tp in before} != {tp for tp in now}:
        return "partition counts changed"
    return None


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
        self.ends: dict[TopicPartition, int] = {}

    async def run(self) -> None:
        offsets = None
        while True:
            try:
                if offsets is None:
                    offsets = GroupOffsets(self.servers, self.group, self.options)
                    await offsets.start()
                # Reachability first, on its own: the group's offsets can take a while to answer while the
                # group rebalances, and that is no reason to call the broker lost.
                if not await asyncio.wait_for(offsets.refresh(), self.interval_s * 2):
                    raise KafkaConnectionError("the broker did not answer a metadata request")
                if self.on_ok:
                    self.on_ok()
                ends: dict[TopicPartition, int] = {}
                self.last = await asyncio.wait_for(group_lag(offsets, self.topics, ends), self.interval_s * 3)
                if self.on_broker_reset and (why := broker_reset(self.ends, ends)):
                    self.on_broker_reset(why)
                self.ends = ends
                for tp, n in self.last.items():
                    metrics.CONSUMER_LAG.labels(topic=tp.topic, partition=str(tp.partition)).set(n)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the broker may be away; report not-ready and try again
                log.warning("lag check failed (%s: %s); retrying in %.0fs", type(exc).__name__, exc,
                            self.interval_s)
                if self.on_ok and not isinstance(exc, (KafkaConnectionError, OSError, asyncio.TimeoutError)):
                    # The broker answered, but not this question (a group rebalancing, say): not a reason
                    # to call the broker lost.
                    self.on_ok()
                if offsets is not None:
                    await offsets.stop()
                offsets = None
            await asyncio.sleep(self.interval_s)
