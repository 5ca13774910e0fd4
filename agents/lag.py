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


async def high_watermarks(consumer: AIOKafkaConsumer, tps: list[TopicPartition],
                          timeout_s: float = 3.0) -> dict[TopicPartition, int]:
    """End offsets that hold on Tansu too.

    Tansu answers ListOffsets(latest) with the last batch's base offset + 1, which under-counts whenever
    a producer batched several records (librdkafka, aiokafka, Faust all do). A fetch response's high
    watermark is right, so fetch once from just before that answer and take the larger of the two.
    """
    listed = await consumer.end_offsets(tps)
    consumer.assign(tps)
    for tp in tps:
        consumer.seek(tp, max(0, listed[tp] - 1))
    deadline = asyncio.get_running_loop().time() + timeout_s
    while any(consumer.highwater(tp) is None for tp in tps) and asyncio.get_running_loop().time() < deadline:
        await consumer.getmany(timeout_ms=100, max_records=len(tps))
    ends = {tp: max(listed[tp], consumer.highwater(tp) or 0) for tp in tps}
    consumer.assign([])  # stop the background fetcher until the next look
    return ends


async def group_lag(consumer: AIOKafkaConsumer, topics: list[str],
                    ends_out: dict[TopicPartition, int] | None = None) -> dict[TopicPartition, int]:
    """`consumer` carries the group id but never subscribes, so it reads the group's offsets without joining.

    `ends_out`, when given, receives the end offsets too.
    """
    await consumer._client.force_metadata_update()
    tps = [TopicPartition(t, p) for t in topics for p in sorted(consumer.partitions_for_topic(t) or ())]
    if not tps:
        return {}
    ends = await high_watermarks(consumer, tps)
    if ends_out is not None:
        ends_out.update(ends)
    lag = {}
    for tp in tps:
        done = await consumer.committed(tp)  # OffsetFetch; Tansu's answer to the admin variant is unreadable
        lag[tp] = max(0, ends[tp] - (done or 0))
    return lag


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
        consumer = None
        while True:
            try:
                if consumer is None:
                    consumer = AIOKafkaConsumer(bootstrap_servers=self.servers, group_id=self.group,
                                                enable_auto_commit=False, **self.options)
                    await consumer.start()
                # Reachability first, on its own: the group's offsets can take a while to answer while the
                # group rebalances, and that is no reason to call the broker lost.
                if not await asyncio.wait_for(consumer._client.force_metadata_update(), self.interval_s * 2):
                    raise KafkaConnectionError("the broker did not answer a metadata request")
                if self.on_ok:
                    self.on_ok()
                ends: dict[TopicPartition, int] = {}
                self.last = await asyncio.wait_for(group_lag(consumer, self.topics, ends), self.interval_s * 3)
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
                    # The broker answered, but not this question: aiokafka's group coordinator trips an
                    # assertion while the group rebalances. Not a reason to call the broker lost.
                    self.on_ok()
                if consumer is not None:
                    try:
                        await consumer.stop()
                    except Exception:
                        pass
                consumer = None
            await asyncio.sleep(self.interval_s)
