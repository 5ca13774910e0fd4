"""`khabar publish`: files → a topic, with a progress bar."""
from __future__ import annotations

import asyncio
import sys

import orjson
from aiokafka import AIOKafkaProducer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from agents.inputs import count_messages, messages
from agents.kafka_url import bootstrap_servers


def _key(value: bytes, key_from_id: bool) -> bytes | None:
    if not key_from_id or not value.lstrip().startswith(b"{"):
        return None
    try:
        ident = orjson.loads(value).get("id")
    except (orjson.JSONDecodeError, AttributeError):
        return None
    return str(ident).encode() if ident not in (None, "") else None


async def _publish(broker: str, topic: str, paths: list[str], key_from_id: bool, client_options: dict) -> int:
    total = count_messages(paths)
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap_servers(broker), acks="all", linger_ms=5,
                                max_request_size=8 * 1024 * 1024, **client_options)
    await producer.start()
    sent = 0
    try:
        columns = [TextColumn(f"publishing to {topic}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn()]
        with Progress(*columns, transient=False, disable=not sys.stderr.isatty()) as progress:
            task = progress.add_task("publish", total=total)
            pending = []
            for msg in messages(paths):
                pending.append(await producer.send(topic, msg.value, key=_key(msg.value, key_from_id)))
                sent += 1
                if len(pending) >= 500:
                    await asyncio.gather(*pending)
                    progress.update(task, advance=len(pending))
                    pending.clear()
            await asyncio.gather(*pending)
            progress.update(task, advance=len(pending))
    finally:
        await producer.stop()
    print(f"published {sent} messages to {topic}", file=sys.stderr)
    return 0


def publish_paths(broker: str, topic: str, paths: list[str], key_from_id: bool = True,
                  client_options: dict | None = None) -> int:
    """`client_options`: TLS/SASL keyword arguments for aiokafka (agents.kafka_security.aiokafka_options)."""
    try:
        return asyncio.run(_publish(broker, topic, paths, key_from_id, client_options or {}))
    except FileNotFoundError as exc:
        print(f"khabar publish: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # a broker that is not there deserves one clear line, not a traceback
        print(f"khabar publish: {type(exc).__name__}: {exc} (broker {broker})", file=sys.stderr)
        return 1
