"""`khabar status`: topics, end offsets, the group's lag per partition, and the recent rate per stage.

Rates come from how fast each stage's output topic grows between two looks, so the view needs nothing
but the broker: it works with no worker running, which is exactly when you want it.
"""
from __future__ import annotations

import asyncio
import time

from rich.console import Group
from rich.live import Live
from rich.table import Table

from agents.kafka_security import aiokafka_options
from agents.kafka_url import bootstrap_servers
from agents.lag import GroupOffsets
from agents.settings import Settings


async def snapshot(offsets: GroupOffsets, topics: list[str]) -> dict[str, dict[int, tuple[int, int | None]]]:
    """topic → partition → (end offset, committed offset or None)."""
    await offsets.refresh()
    out: dict[str, dict[int, tuple[int, int | None]]] = {}
    for topic in topics:
        tps = offsets.partitions([topic])
        if not tps:
            continue
        ends = await offsets.ends(tps)
        out[topic] = {tp.partition: (ends[tp], await offsets.committed(tp)) for tp in tps}
    return out


def render(settings: Settings, snap, rates: dict[str, float], when: float) -> Group:
    t = settings.topics
    consumed = {t.raw: "normalize", t.normalized: "enrich"}
    topics = Table(title=f"khabar status — {settings.broker} — group {settings.app_id} — "
                         f"{time.strftime('%H:%M:%S', time.localtime(when))}")
    for col in ("topic", "partitions", "messages (end offsets)", "group lag", "rate in /s"):
        topics.add_column(col, justify="right" if col != "topic" else "left")
    for topic, parts in snap.items():
        total = sum(end for end, _ in parts.values())
        lag = sum(max(0, end - (done or 0)) for end, done in parts.values()) if topic in consumed else None
        topics.add_row(topic, str(len(parts)), f"{total:,}", "—" if lag is None else f"{lag:,}",
                       f"{rates.get(topic, 0.0):,.1f}")
    lag_table = Table(title="lag per partition (consumed topics)")
    lag_table.add_column("topic")
    lag_table.add_column("stage")
    for p in range(max((len(v) for v in snap.values()), default=0)):
        lag_table.add_column(str(p), justify="right")
    for topic, stage in consumed.items():
        parts = snap.get(topic, {})
        lag_table.add_row(topic, stage, *(str(max(0, end - (done or 0))) for end, done in parts.values()))
    stage_rates = Table(title="recent rate per stage (messages/s out)")
    stage_rates.add_column("stage")
    stage_rates.add_column("rate", justify="right")
    stage_rates.add_row("normalize → " + t.normalized, f"{rates.get(t.normalized, 0.0):,.1f}")
    stage_rates.add_row("enrich → " + t.enriched, f"{rates.get(t.enriched, 0.0):,.1f}")
    stage_rates.add_row("dead letters → " + t.deadletter, f"{rates.get(t.deadletter, 0.0):,.1f}")
    return Group(topics, lag_table, stage_rates)


async def _status(settings: Settings, once: bool, interval: float) -> int:
    t = settings.topics
    topics = [t.raw, t.normalized, t.enriched, t.deadletter, t.alerts, t.trending]
    offsets = GroupOffsets(bootstrap_servers(settings.broker), settings.app_id, aiokafka_options(settings))
    await offsets.start()
    try:
        prev, prev_t = await snapshot(offsets, topics), time.time()
        if once:
            from rich.console import Console

            Console().print(render(settings, prev, {}, prev_t))
            return 0
        with Live(render(settings, prev, {}, prev_t), refresh_per_second=4, screen=False) as live:
            while True:
                await asyncio.sleep(interval)
                snap, now = await snapshot(offsets, topics), time.time()
                rates = {topic: (sum(e for e, _ in parts.values())
                                 - sum(e for e, _ in prev.get(topic, {}).values())) / (now - prev_t)
                         for topic, parts in snap.items()}
                live.update(render(settings, snap, rates, now))
                prev, prev_t = snap, now
    finally:
        await offsets.stop()


def show_status(settings: Settings, once: bool = False, interval: float = 2.0) -> int:
    try:
        return asyncio.run(_status(settings, once, interval))
    except KeyboardInterrupt:
        return 0
    except Exception as exc:
        print(f"khabar status: {type(exc).__name__}: {exc} (broker {settings.broker})")
        return 1


def serve_lag_metrics(settings: Settings, port: int, interval: float) -> int:
    """A consumer-free lag exporter: the same gauge a worker serves, from a process that never consumes."""
    from agents.health import Health, serve
    from agents.lag import LagMonitor

    health = Health()
    health.assigned_partitions = 1  # nothing to assign: ready means the broker answers
    serve(health, settings.metrics_host, port)
    t = settings.topics
    monitor = LagMonitor(settings.broker, settings.app_id, [t.raw, t.normalized], interval, on_ok=health.broker_ok,
                         client_options=aiokafka_options(settings))
    print(f"khabar status: serving group {settings.app_id} lag on http://{settings.metrics_host}:{port}/metrics",
          flush=True)
    try:
        asyncio.run(monitor.run())
    except KeyboardInterrupt:
        pass
    return 0
