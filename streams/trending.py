"""Trending entities: per-article mention counts by type, and ranking a closed window's counts. No Kafka.

The agent counts into one Faust tumbling table of small buckets (the hop step, 5 min); the tumbling and
hopping windows are sums of consecutive buckets. A bucket's counts of one type are split by a stable hash of
the entity into `SHARDS` dicts, keyed `TYPE\\tSHARD`: the agent sums mentions in memory (`Tally`) and writes
each touched dict about once a second. A key per entity cost a table and changelog write per entity and
batch, about four an article, and those writes were a fifth of the worker's CPU.
This module says what to count, how to sum and shard it, how to compose windows from buckets, and how to
rank them.
"""
from __future__ import annotations

import zlib
from collections import defaultdict
from datetime import UTC, datetime

KEY_SEP = "\t"
# Enough that one dict stays far below Kafka's 1 MB message limit when a bucket holds tens of thousands of
# distinct names; few enough that a flush writes a handful of changelog messages.
SHARDS = 8


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


def shard_of(canonical: str, shards: int = SHARDS) -> int:
    """A hash that is the same in every process (Python's own `hash` of a str is not)."""
    return zlib.crc32(canonical.encode()) % shards


class Tally:
    """Mention counts summed in memory per (type, bucket timestamp, shard) until they are written.

    `add` takes one `news.entity-mentions` message's counts; `merged_into` gives a table value with them
    added. Bucket timestamps are whatever the caller keys buckets by (the message timestamp)."""

    __slots__ = ("shards", "sums")

    def __init__(self, shards: int = SHARDS) -> None:
        self.shards = shards
        self.sums: dict[tuple[str, float, int], dict[str, int]] = {}

    def add(self, etype: str, bucket_ts: float, counts: dict[str, int]) -> list[tuple[str, float, int]]:
        """Adds counts; returns the (type, bucket, shard) keys they touched."""
        touched = []
        for canonical, n in counts.items():
            if not n:
                continue
            key = (etype, bucket_ts, shard_of(canonical, self.shards))
            total = self.sums.get(key)
            if total is None:
                total = self.sums[key] = {}
                touched.append(key)
            total[canonical] = total.get(canonical, 0) + n
        return touched

    @staticmethod
    def merged_into(current: dict[str, int] | None, counts: dict[str, int]) -> dict[str, int]:
        """A new dict: `current` plus `counts` (table values are never changed in place)."""
        merged = dict(current or {})
        for canonical, n in counts.items():
            merged[canonical] = merged.get(canonical, 0) + n
        return merged


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
    """Bucket-table items ((`TYPE\\tSHARD`, (start, end)), {canonical: count}) → {bucket start: {type:
    {canonical: count}}}, the shards of a type merged."""
    out: dict = defaultdict(lambda: defaultdict(dict))
    for (key, (start, _end)), counts in items:
        if not counts:
            continue
        etype, _ = split_key(key)
        if types is None or etype in types:
            out[start][etype].update(counts)  # shards hold disjoint names
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
