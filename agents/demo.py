"""`khabar demo`: broker, worker and the bundled samples, end to end, with a readable summary."""
from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import orjson
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from rich.console import Console

from agents.broker import free_port, start_broker
from agents.inputs import messages

SAMPLES = Path(__file__).parent / "samples"
console = Console(stderr=False)


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    except ProcessLookupError:
        pass


async def _publish_and_collect(port: int, values: list[bytes], timeout_s: float) -> list[dict]:
    servers = f"127.0.0.1:{port}"
    producer = AIOKafkaProducer(bootstrap_servers=servers, acks="all")
    await producer.start()
    try:
        for v in values:
            await producer.send_and_wait("news.raw", v)
    finally:
        await producer.stop()
    consumer = AIOKafkaConsumer(bootstrap_servers=servers, enable_auto_commit=False)
    await consumer.start()
    events: list[dict] = []
    try:
        await consumer._client.force_metadata_update()
        tps = [TopicPartition("news.enriched", p) for p in consumer.partitions_for_topic("news.enriched") or ()]
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        deadline = time.monotonic() + timeout_s
        while len(events) < len(values) and time.monotonic() < deadline:
            for records in (await consumer.getmany(timeout_ms=500)).values():
                events.extend(orjson.loads(r.value) for r in records)
    finally:
        await consumer.stop()
    return events


def summarize(event: dict) -> None:
    console.rule(f"[bold]{event['title'] or '(no title)'}")
    section = " » ".join(event.get("section") or []) or "—"
    src = event.get("source") or {}
    console.print(f"[dim]id[/] {event['id']}   [dim]section[/] {section}   [dim]language[/] {event['language']}"
                  + (f"   [dim]source[/] {src.get('name')}" if src.get("name") else ""))
    by_type: dict[str, list[str]] = {}
    mentions = event.get("entities") or []
    for group in event.get("entity_groups") or []:
        # The canonical form is folded for matching (القاهره); show how the article itself spells it.
        texts = [mentions[i]["text"] for i in group.get("mentions") or [] if i < len(mentions)]
        shown = min(texts, key=len) if texts else group["canonical"]
        name = shown + (f" ×{group['count']}" if group.get("count", 1) > 1 else "")
        if group.get("geo"):
            name += f" ({group['geo']['country_code']})"
        by_type.setdefault(group["type"], []).append(name)
    if not by_type:
        for m in event.get("entities") or []:
            by_type.setdefault(m["type"], []).append(m["text"])
    for kind in ("PERS", "LOC", "ORG", "MISC"):
        if by_type.get(kind):
            console.print(f"  [bold]{kind:<5}[/] " + "، ".join(dict.fromkeys(by_type[kind])))
    temporal = [f"{t['text']} → {t['value']}" for t in event.get("temporal") or []]
    if temporal:
        console.print("  [bold]TIME [/] " + "؛ ".join(temporal))
    timing = event.get("timing") or {}
    stages = ", ".join(f"{k} {v:.2f}" for k, v in (timing.get("stages_ms") or {}).items())
    console.print(f"  [dim]footer Total time[/] {timing.get('source_total_time_s')} s   "
                  f"[dim]published[/] {timing.get('published_at') or '—'}   "
                  f"[dim]redactions[/] {event.get('redactions')}   "
                  f"[dim]pipeline[/] {timing.get('pipeline_ms') or 0:.0f} ms   [dim]stages ms[/] {stages}")


def _wait_ready(port: int, worker: subprocess.Popen, timeout_s: float) -> bool:
    """Until /readyz answers 200: publishing before partitions are assigned only adds waiting to the timings."""
    import urllib.request

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and worker.poll() is None:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as r:
                if r.status == 200:
                    return True
        except OSError:
            pass
        time.sleep(0.3)
    return False


def run_demo(keep: bool = False, timeout_s: float = 120.0) -> int:
    values = [m.value for m in messages([str(SAMPLES)])]
    tmp = Path(tempfile.mkdtemp(prefix="khabar-demo-"))
    console.print(f"[bold]khabar demo[/]: starting the embedded broker and a worker (logs in {tmp})")
    broker, port = start_broker(log=open(tmp / "broker.log", "wb"))
    worker = None
    try:
        metrics_port = free_port()
        env = {**os.environ, "KHABAR_DATA_DIR": str(tmp / "worker-data")}
        worker = subprocess.Popen(
            [sys.executable, "-m", "agents.cli", "worker", "--broker", f"kafka://127.0.0.1:{port}",
             "--metrics-port", str(metrics_port)],
            stdout=open(tmp / "worker.log", "wb"), stderr=subprocess.STDOUT, env=env, start_new_session=True)
        if not _wait_ready(metrics_port, worker, 90):
            console.print(f"[red]the worker did not become ready; see {tmp / 'worker.log'}")
            return 1
        console.print(f"broker 127.0.0.1:{port}, worker metrics http://127.0.0.1:{metrics_port}/metrics; "
                      f"publishing {len(values)} sample messages to news.raw …")
        events = asyncio.run(_publish_and_collect(port, values, timeout_s))
        for event in events:
            summarize(event)
        console.rule()
        console.print(f"{len(events)}/{len(values)} messages enriched on news.enriched.")
        if keep:
            console.print(f"Left running: broker pid {broker.pid}, worker pid {worker.pid}. Stop them with "
                          f"kill {broker.pid} {worker.pid}")
            return 0
        return 0 if len(events) == len(values) else 1
    finally:
        if not keep:
            if worker is not None:
                _stop(worker)
            _stop(broker)
