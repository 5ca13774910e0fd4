"""`khabar tail`: a topic's messages as readable JSON lines."""
from __future__ import annotations

import asyncio
import sys

import orjson
from aiokafka import AIOKafkaConsumer, TopicPartition

from agents.kafka_url import bootstrap_servers


def render(value: bytes | None, raw: bool) -> bytes:
    if value is None:
        return b"null"
    if raw:
        return value
    try:
        return orjson.dumps(orjson.loads(value))  # one line, UTF-8 Arabic as is
    except orjson.JSONDecodeError:
        return orjson.dumps({"value": value.decode("utf-8", "replace")})


async def _tail(broker: str, topic: str, from_beginning: bool, limit: int | None, raw: bool,
                client_options: dict) -> int:
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap_servers(broker), enable_auto_commit=False,
                                **client_options)
    await consumer.start()
    try:
        parts = None
        for _ in range(20):
            parts = consumer.partitions_for_topic(topic)
            if parts:
                break
            await consumer._client.force_metadata_update()
            await asyncio.sleep(0.25)
        if not parts:
            print(f"khabar tail: topic {topic!r} does not exist on {broker}", file=sys.stderr)
            return 1
        tps = [TopicPartition(topic, p) for p in sorted(parts)]
        consumer.assign(tps)
        if from_beginning:
            await consumer.seek_to_beginning(*tps)
        else:
            await consumer.seek_to_end(*tps)
        seen = 0
        out = sys.stdout.buffer
        while limit is None or seen < limit:
            batch = await consumer.getmany(timeout_ms=500)
            for records in batch.values():
                for record in records:
                    out.write(render(record.value, raw) + b"\n")
                    seen += 1
                    if limit is not None and seen >= limit:
                        break
            out.flush()
    finally:
        await consumer.stop()
    return 0


def tail_topic(broker: str, topic: str, from_beginning: bool, limit: int | None, raw: bool = False,
               client_options: dict | None = None) -> int:
    try:
        return asyncio.run(_tail(broker, topic, from_beginning, limit, raw, client_options or {}))
    except KeyboardInterrupt:
        return 0
    except Exception as exc:
        print(f"khabar tail: {type(exc).__name__}: {exc} (broker {broker})", file=sys.stderr)
        return 1
