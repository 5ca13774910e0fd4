"""The benchmark's own Kafka clients (aiokafka): feed raw messages, watch outputs, read their timestamps."""
from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Self

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

MAX_REQUEST_BYTES = 4 * 1024 * 1024


def _servers(port: int) -> str:
    return f"127.0.0.1:{port}"


def producer(port: int, linger_ms: int = 5) -> AIOKafkaProducer:
    # Same acks and linger as the worker's Faust producer, so the pass-through is a fair comparison.
    return AIOKafkaProducer(bootstrap_servers=_servers(port), acks="all", linger_ms=linger_ms,
                            max_batch_size=256 * 1024, max_request_size=MAX_REQUEST_BYTES)


def consumer(port: int) -> AIOKafkaConsumer:
    # Manual assignment, no group: nothing to join, and the worker's group is left alone.
    return AIOKafkaConsumer(bootstrap_servers=_servers(port), group_id=None, enable_auto_commit=False,
                            auto_offset_reset="earliest", fetch_max_bytes=16 * 1024 * 1024,
                            max_partition_fetch_bytes=4 * 1024 * 1024)


async def create_topic(port: int, name: str, partitions: int) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=_servers(port))
    await admin.start()
    try:
        await admin.create_topics([NewTopic(name, partitions, 1)])
    except TopicAlreadyExistsError:
        pass
    finally:
        await admin.close()


async def partitions_of(c: AIOKafkaConsumer, topic: str, timeout: float = 30.0) -> list[TopicPartition]:
    deadline = time.monotonic() + timeout
    while True:
        parts = c.partitions_for_topic(topic)
        if parts:
            return [TopicPartition(topic, p) for p in sorted(parts)]
        if time.monotonic() > deadline:
            raise TimeoutError(f"topic {topic} has no partitions")
        await c._client.force_metadata_update()  # aiokafka has no public way to ask for one topic's metadata
        await asyncio.sleep(0.2)


async def produce_all(port: int, items: list[tuple[bytes, bytes]], topic: str = "news.raw") -> dict[bytes, int]:
    """Send everything as fast as the client goes; returns each key's Kafka timestamp (ms)."""
    p = producer(port)
    await p.start()
    try:
        futures = [(key, await p.send(topic, value=value, key=key)) for key, value in items]
        return {key: (await fut).timestamp for key, fut in futures}
    finally:
        await p.stop()


async def produce_paced(port: int, items: list[tuple[bytes, bytes]], rate: float,
                        topic: str = "news.raw") -> dict[bytes, int]:
    """Send at a fixed rate (messages/s), each message on its own schedule, unbatched."""
    p = producer(port, linger_ms=0)
    await p.start()
    try:
        futures = []
        start = time.monotonic()
        for i, (key, value) in enumerate(items):
            delay = start + i / rate - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            futures.append((key, await p.send(topic, value=value, key=key)))
        return {key: (await fut).timestamp for key, fut in futures}
    finally:
        await p.stop()


class OutputWatch:
    """Reads the output topics from the start in the background, keeping each key's first Kafka timestamp.

    It fetches rather than asks for end offsets: Tansu's end offsets count record batches, not records.
    """

    def __init__(self, port: int, topics: tuple[str, ...]) -> None:
        self.port, self.topics = port, topics
        self.c = consumer(port)
        self.seen: dict[bytes, tuple[str, int]] = {}
        self._task: asyncio.Task | None = None

    async def __aenter__(self) -> Self:
        await self.c.start()
        tps = [tp for topic in self.topics for tp in await partitions_of(self.c, topic)]
        self.c.assign(tps)
        await self.c.seek_to_beginning(*tps)
        self._task = asyncio.create_task(self._run())
        return self

    async def __aexit__(self, *exc) -> None:
        if self._task:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
        await self.c.stop()

    async def _run(self) -> None:
        while True:
            batches = await self.c.getmany(timeout_ms=500, max_records=2000)
            for tp, records in batches.items():
                for r in records:
                    self.seen.setdefault(r.key, (tp.topic, r.timestamp))

    async def wait_for(self, keys: list[bytes], timeout: float, progress=None) -> dict[bytes, tuple[str, int]]:
        """Until every key has an output (or the timeout): {key: (topic, Kafka timestamp)} of those that do."""
        deadline = time.monotonic() + timeout
        t0 = time.monotonic()
        while True:
            if self._task.done():
                self._task.result()  # the reader failed: raise its error here
            done = sum(1 for k in keys if k in self.seen)
            if done >= len(keys) or time.monotonic() > deadline:
                return {k: self.seen[k] for k in keys if k in self.seen}
            if progress:
                progress(f"{done}/{len(keys)} out ({done / max(time.monotonic() - t0, 1e-9):.0f}/s incl. start)")
            await asyncio.sleep(0.25)


@dataclass
class Rate:
    count: int
    span_s: float

    @property
    def per_s(self) -> float:
        return (self.count - 1) / self.span_s if self.count > 1 and self.span_s > 0 else 0.0


def rate_of(timestamps_ms: list[int]) -> Rate:
    """From the first to the last message's timestamp: the rate the producer of these messages sustained."""
    if not timestamps_ms:
        return Rate(0, 0.0)
    return Rate(len(timestamps_ms), (max(timestamps_ms) - min(timestamps_ms)) / 1000)


async def passthrough(port: int, source: str, target: str, count: int, partitions: int) -> Rate:
    """The floor for any Kafka app: one consumer and one producer copying raw bytes from topic to topic."""
    await create_topic(port, target, partitions)
    c = consumer(port)
    p = producer(port)
    await c.start()
    await p.start()
    try:
        tps = await partitions_of(c, source)
        c.assign(tps)
        await c.seek_to_beginning(*tps)
        futures = []
        first = None
        while len(futures) < count:
            batches = await c.getmany(timeout_ms=1000, max_records=500)
            if batches and first is None:
                first = time.monotonic()
            for records in batches.values():
                for r in records:
                    futures.append(await p.send(target, value=r.value, key=r.key))
        await asyncio.gather(*futures[:count])
        # Wall clock from the first record fetched to the last one acknowledged: the producer's own
        # timestamps would only measure how fast records are appended to its buffer.
        return Rate(count + 1, time.monotonic() - first)  # +1: `per_s` counts gaps between records
    finally:
        await p.stop()
        await c.stop()
