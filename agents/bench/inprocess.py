"""Stage cost without Kafka: the production steps (normalize, enrich with dedup) over raw messages, one core."""
from __future__ import annotations

import gc
import inspect
import time
from collections import Counter
from dataclasses import dataclass, field

import orjson

from agents.newsroom import DedupEnrichStep, Deduplicator
from agents.settings import Settings
from agents.steps import NORMALIZED, EnrichStep, Meta, NormalizeStep
from streams.pipeline import ENRICH_STAGES, PipelineConfig

STAGE_ORDER = ("parse", "normalize", "redactions", "language", "identity", "entities", "temporal", "dedup")


@dataclass
class StageCost:
    articles: int
    wall_s: float
    cpu_s: float  # this thread's CPU time: what one core delivers, whatever else runs on the machine
    stages_us: dict[str, float]  # mean µs per article; `other` is wall time not inside any stage
    outcomes: Counter = field(default_factory=Counter)
    normalized_keys: list[bytes] = field(default_factory=list)  # the enrich agent's partition keys, in order
    first_articles: int = 0  # the first `first` articles (measure_stages), and their CPU time
    first_cpu_s: float = 0.0

    @property
    def per_s(self) -> float:
        return self.articles / self.cpu_s if self.cpu_s > 0 else 0.0

    @property
    def first_per_s(self) -> float:
        return self.first_articles / self.first_cpu_s if self.first_cpu_s > 0 else 0.0

    @property
    def wall_per_s(self) -> float:
        return self.articles / self.wall_s if self.wall_s > 0 else 0.0


class _TimedDedup:
    """The worker's dedup lookup, timed into `stages_ms` like the other stages (it is not one in the pipeline)."""

    def __init__(self, inner: Deduplicator) -> None:
        self.inner = inner

    def __call__(self, article):
        t0 = time.perf_counter()
        verdict = self.inner(article)
        article.stages_ms["dedup"] = round((time.perf_counter() - t0) * 1000, 3)
        return verdict


def _dedup_settings(settings: Settings) -> list:
    """The Deduplicator's arguments after the table, each from the `dedup_<name>` setting, so the benchmark
    follows the worker when dedup's tuning knobs change."""
    names = list(inspect.signature(Deduplicator).parameters)[1:]
    return [getattr(settings, f"dedup_{name}", getattr(settings, name, None)) for name in names]


def build_steps(stages: tuple[str, ...] = ENRICH_STAGES, prewarm: bool = True) -> tuple[NormalizeStep, DedupEnrichStep]:
    """The steps a worker runs, with a plain dict standing in for the Faust dedup table. `prewarm`: the entity
    stage works out the worker's common words first, as a worker does at start (streams/entities/warmup.py)."""
    settings = Settings()
    config = PipelineConfig(max_message_bytes=settings.max_message_bytes, enrich_stages=stages,
                            entity_prewarm_words=settings.entity_prewarm_words if prewarm else 0)
    dedup = Deduplicator({}, *_dedup_settings(settings))
    return NormalizeStep(config), DedupEnrichStep(EnrichStep(config), _TimedDedup(dedup))


def measure_stages(values: list[bytes], warmup: int = 20, max_seconds: float | None = None,
                   progress=None, first: int = 0) -> StageCost:
    """Stage timings over `values` (or as many as fit in `max_seconds`). Rates use thread CPU time: on a
    shared machine wall time measures the neighbours too. `first`: also time the first that many articles
    (`first_per_s`), to compare like with like against a later run over just those: the word caches start
    with only the common words in every run, so a short run is slower per article than a long one on the same machine."""
    normalize, enrich = build_steps(prewarm=False)
    for value in values[:warmup]:  # first calls fill caches and import lazily
        out = normalize(value, None, Meta(timestamp_ms=int(time.time() * 1000)))
        if out.topic == NORMALIZED:
            enrich(out.value, out.key, Meta())
    # A fresh dedup table (warm-up copies must not read as duplicates), and fresh word caches holding only the
    # common words a new worker works out at start, as the worker the e2e phase starts has.
    normalize, enrich = build_steps()
    gc.freeze()  # as the worker does once its models are loaded
    totals: Counter = Counter()
    outcomes: Counter = Counter()
    keys: list[bytes] = []
    wall = 0.0
    clock = time.perf_counter
    last_report = clock()
    cpu0 = time.thread_time()
    n = 0
    first_cpu = 0.0
    for i, value in enumerate(values, 1):
        meta = Meta(topic="news.raw", timestamp_ms=int(time.time() * 1000))
        t0 = clock()
        out = normalize(value, None, meta)
        if out.topic == NORMALIZED:
            keys.append(out.key)
            out = enrich(out.value, out.key, Meta(topic="news.normalized"))
        wall += clock() - t0
        outcomes[out.topic] += 1
        if out.topic != "deadletter":
            for name, ms in orjson.loads(out.value)["timing"]["stages_ms"].items():
                totals[name] += ms
        n = i
        if i == first:
            first_cpu = time.thread_time() - cpu0
        if progress and clock() - last_report > 2:
            progress(f"in-process: {i}/{len(values)} articles ({i / wall:.0f}/s wall)")
            last_report = clock()
        if max_seconds and wall > max_seconds:
            break
    cpu = time.thread_time() - cpu0  # includes decoding the timings, a few % at most
    stages_us = {name: round(totals[name] * 1000 / n, 1) for name in STAGE_ORDER if name in totals}
    stages_us.update({name: round(ms * 1000 / n, 1) for name, ms in totals.items() if name not in stages_us})
    stages_us["other"] = round(max(0.0, wall * 1e6 / n - sum(stages_us.values())), 1)
    return StageCost(n, wall, cpu, stages_us, outcomes, keys, first if first_cpu else 0, first_cpu)
