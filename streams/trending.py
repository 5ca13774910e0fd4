"""Trending entities: per-article mention counts by type, and ranking a closed window's counts. No Kafka.

The agent counts into one Faust tumbling table of small buckets (the hop step, 5 min), keyed
`TYPE\\tcanonical`; the tumbling and hopping windows are sums of consecutive buckets. One table write per
entity and batch instead of one per entity, article and overlapping hopping window (12 for 1 h / 5 min).
This module says what to count, how to compose windows from buckets, and how to rank them.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime

KEY_SEP = "\t"


def mentions_by_type(event: dict) -> dict[str, dict[str, int]]:
    """{type: {canonical: mentions}} of one enriched event; duplicates count nothing."""
    if event.get("duplicate_of"):
        return {}
    out: dict[str, dict[str, int]] = defaultdict(dict)
    for group in event.get("entity_groups") or []:
        canonical, etype = group.get("canonical"), group.get("type")
        if canonical and etype:
            out[etype][canonical] = out[etype].get(canonical, 0) + int(group.get("count") or 1)
    return dict(out)


def table_key(etype: str, canonical: str) -> str:
    return f"{etype}{KEY_SEP}{canonical}"


def split_key(key: str) -> tuple[str, str]:
    etype, _, canonical = key.partition(KEY_SEP)
    return etype, canonical


def closed_windows(items, now: float, grace_s: float, types: set[str] | None = None
                   ) -> dict[tuple[float, float], dict[str, dict[str, int]]]:
    """Group windowed-table items ((key, (start, end)), count) of windows that ended before `now - grace_s`
    into {(start, end): {type: {canonical: count}}}, keeping only `types` when given."""
    out: dict = defaultdict(lambda: defaultdict(dict))
    for (key, (start, end)), count in items:
        if end > now - grace_s or not count:
            continue
        etype, canonical = split_key(key)
        if types is not None and etype not in types:
            continue
        out[(start, end)][etype][canonical] = count
    return out


def top_n(counts: dict[str, int], n: int) -> list[dict]:
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:n]
    return [{"canonical": c, "count": k} for c, k in ranked]


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def trending_event(kind: str, etype: str, start: float, size_s: float, counts: dict[str, int], n: int,
                   now: float) -> dict:
    """The `news.trending` message for one window and type. Faust ends windows 0.1 s early; we use size."""
    return {"kind": kind, "type": etype, "window_start": _iso(start), "window_end": _iso(start + size_s),
            "top": top_n(counts, n), "emitted_at": _iso(now)}


def bucket_counts(items, types: set[str] | None = None) -> dict[float, dict[str, dict[str, int]]]:
    """Bucket-table items ((key, (start, end)), count) → {bucket start: {type: {canonical: count}}}."""
    out: dict = defaultdict(lambda: defaultdict(dict))
    for (key, (start, _end)), count in items:
        if not count:
            continue
        etype, canonical = split_key(key)
        if types is None or etype in types:
            out[start][etype][canonical] = count
    return out


def compose_windows(buckets: dict[float, dict[str, dict[str, int]]], size_s: float, every_s: float,
                    step_s: float, now: float, grace_s: float) -> dict[float, dict[str, dict[str, int]]]:
    """Windows of `size_s` starting at multiples of `every_s` (tumbling: every = size; hopping: every =
    step), summed from `step_s` buckets, for windows that ended before `now - grace_s` and hold counts.
    Returns {window start: {type: {canonical: count}}}."""
    if not buckets:
        return {}
    first, last = min(buckets), max(buckets)
    start = (first - size_s + step_s) // every_s * every_s
    out: dict = {}
    while start <= last:
        if start + size_s <= now - grace_s:
            window: dict = defaultdict(lambda: defaultdict(int))
            b = start
            while b < start + size_s:
                for etype, counts in buckets.get(b, {}).items():
                    for canonical, n in counts.items():
                        window[etype][canonical] += n
                b += step_s
            if window:
                out[start] = {etype: dict(counts) for etype, counts in window.items()}
        start += every_s
    return out
