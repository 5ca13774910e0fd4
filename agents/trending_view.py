"""`khabar trending`: the latest ranking per window kind and entity type from `news.trending`, as tables."""
from __future__ import annotations

import asyncio
import sys

import orjson
from aiokafka import AIOKafkaConsumer, TopicPartition
from rich.console import Console, Group
from rich.live import Live
from rich.table import Table

from agents.kafka_url import bootstrap_servers


def render(latest: dict[tuple[str, str], dict], top: int) -> Group:
    tables = []
    for kind in ("tumbling", "hopping"):
        rows = {etype: msg for (k, etype), msg in latest.items() if k == kind}
        if not rows:
            continue
        any_msg = max(rows.values(), key=lambda m: m["window_end"])
        table = Table(title=f"{kind}: {any_msg['window_start']} → {any_msg['window_end']}", expand=False)
        table.add_column("#", justify="right")
        types = sorted(rows)
        for etype in types:
            table.add_column(f"{etype} ({rows[etype]['window_end'][11:16]})")
            table.add_column("n", justify="right")
        for i in range(top):
            cells = [str(i + 1)]
            for etype in types:
                items = rows[etype]["top"]
                cells += [items[i]["canonical"], str(items[i]["count"])] if i < len(items) else ["", ""]
            if any(cells[1:]):
                table.add_row(*cells)
        tables.append(table)
    return Group(*tables) if tables else Group("no trending windows yet")


def _keep(latest: dict, value: bytes | None) -> None:
    try:
        msg = orjson.loads(value or b"")
        key = (msg["kind"], msg["type"])
    except (orjson.JSONDecodeError, KeyError, TypeError):
        return
    if key not in latest or msg["window_end"] >= latest[key]["window_end"]:
        latest[key] = msg


async def _run(broker: str, topic: str, once: bool, top: int) -> int:
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap_servers(broker), enable_auto_commit=False)
    await consumer.start()
    try:
        parts = consumer.partitions_for_topic(topic)
        if not parts:
            await consumer._client.force_metadata_update()
            parts = consumer.partitions_for_topic(topic)
        if not parts:
            print(f"khabar trending: topic {topic!r} does not exist on {broker}", file=sys.stderr)
            return 1
        tps = [TopicPartition(topic, p) for p in sorted(parts)]
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        end = await consumer.end_offsets(tps)
        latest: dict = {}
        while any([await consumer.position(tp) < end[tp] for tp in tps]):
            for records in (await consumer.getmany(timeout_ms=500)).values():
                for r in records:
                    _keep(latest, r.value)
        console = Console()
        if once:
            console.print(render(latest, top))
            return 0
        with Live(render(latest, top), console=console, refresh_per_second=2) as live:
            while True:
                batch = await consumer.getmany(timeout_ms=1000)
                for records in batch.values():
                    for r in records:
                        _keep(latest, r.value)
                if batch:
                    live.update(render(latest, top))
    finally:
        await consumer.stop()


def show_trending(broker: str, topic: str, once: bool, top: int) -> int:
    try:
        return asyncio.run(_run(broker, topic, once, top))
    except KeyboardInterrupt:
        return 0
    except Exception as exc:
        print(f"khabar trending: {type(exc).__name__}: {exc} (broker {broker})", file=sys.stderr)
        return 1
