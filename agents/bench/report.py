"""The benchmark's output: readable tables (rich), then the whole result as JSON on the last line."""
from __future__ import annotations

import json
import math
import sys

from rich.console import Console
from rich.table import Table

_NOTES = {
    "inprocess_per_s": "normalize + enrich + dedup, no Kafka, per CPU-second of one core; before and after e2e",
    "inprocess_wall_per_s": "the same by wall clock (lower when neighbours take the core)",
    "e2e_per_s": "1 worker, first→last output timestamp",
    "efficiency": "e2e / in-process",
    "e2e_worker_cpu_ms": "worker CPU per message during the e2e span",
    "efficiency_cpu": "in-process CPU per message / worker CPU per message",
    "plumbing_per_s": "1 worker, --plumbing-only (parse + topics)",
    "plumbing_worker_cpu_ms": "worker CPU per message, no NLP stages",
    "passthrough_per_s": "bare aiokafka consume→produce, same messages",
    "plumbing_ratio": "plumbing / pass-through",
    "scaleout": "mean e2e with workers_max workers / mean with 1, back to back, --scale-rounds times",
    "e2e_drain_s": "worker still busy after the last enriched output (trending counts)",
    "e2e_sustained_per_s": "messages / (e2e span + drain): downstream work included",
    "p50_ms": "raw → enriched Kafka timestamps, at half e2e rate",
    "p99_ms": "",
    "rss_mb": "worker VmHWM, max over workers (default stages)",
}


def _clean(value, digits: int = 3):
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else round(value, digits)
    if isinstance(value, dict):
        return {str(k): _clean(v, digits) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v, digits) for v in value]
    return value


def to_json(result) -> str:
    doc = dict(result.values)
    if result.profiles:
        doc["profile"] = result.profiles
    return json.dumps(_clean(doc), ensure_ascii=False)


def _fmt(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    if isinstance(value, float):
        return f"{value:,.3f}" if abs(value) < 10 else f"{value:,.1f}"
    return str(value)


def print_report(result, opts, json_only: bool = False) -> None:
    if not json_only:
        console = Console(soft_wrap=True)
        v = result.values
        stages = v["stages_us"]
        total = sum(stages.values()) or 1.0
        t = Table(title=f"Stage cost, in-process ({v['inprocess_articles']} articles)")
        t.add_column("stage")
        t.add_column("µs/article", justify="right")
        t.add_column("share", justify="right")
        for name, us in stages.items():
            t.add_row(name, f"{us:,.0f}", f"{us / total:.1%}")
        t.add_row("total", f"{total:,.0f}", "", style="bold")
        console.print(t)

        t = Table(title=f"Throughput and latency ({v['messages']} messages of ~{v['message_bytes_mean']} bytes)")
        t.add_column("metric")
        t.add_column("value", justify="right")
        t.add_column("how")
        for key, note in _NOTES.items():
            t.add_row(key, _fmt(v.get(key)), note)
        for k, rate in v.get("e2e_per_s_by_workers", {}).items():
            t.add_row(f"e2e_per_s, {k} worker(s)", _fmt(rate), "mean over the scale-out rounds")
        if v.get("scaleout_rounds"):
            t.add_row("scaleout by round", " ".join(f"{x:.2f}" for x in v["scaleout_rounds"]), "")
        t.add_row("topology", str(v.get("topology", "")), "of the workers above (KHABAR_TOPOLOGY)")
        for key, value in (v.get("fused") or {}).items():
            if not key.endswith("_complete"):
                t.add_row(f"fused {key}", _fmt(value), "one agent news.raw → news.enriched, same messages")
        shares = v.get("enrich_partition_shares") or []
        t.add_row("enrich partitions", " ".join(f"{x:.0%}" for x in shares),
                  "share of news.normalized per partition (keyed by source)")
        loads = ", ".join(f"{k} {x}" for k, x in v.get("loadavg_1m", {}).items())
        t.add_row("runtime_s", _fmt(v.get("runtime_s")), f"1-min load average by phase: {loads}")
        console.print(t)

        for phase, summary in result.profiles.items():
            t = Table(title=f"py-spy, {phase} phase: top functions by own time ({summary['sampled_s']:.1f} s sampled)")
            t.add_column("own", justify="right")
            t.add_column("function")
            t.add_column("file")
            for row in summary["top_own"]:
                t.add_row(f"{row['share']:.1%}", row["function"], row["file"])
            console.print(t)
            shares = ", ".join(f"{b} {s:.0%}" for b, s in summary["inclusive"].items())
            console.print(f"[dim]inclusive: {shares}[/dim]")
        if result.profiles and opts.profile_dir:
            console.print(f"[dim]profiles in {opts.profile_dir} (open the .speedscope.json files in "
                          "https://www.speedscope.app)[/dim]")
        console.file.flush()
    sys.stdout.write(to_json(result) + "\n")
    sys.stdout.flush()
