"""Run one message through every stage, timing each in thread CPU time, and say how it ended.

Used by the property tests, the time-boxed fuzz loop and the corpus regression test
(tests/streams/test_fuzz.py). Stages are called one by one (not through `NormalizeStep`) so a slow or
failing stage is named; `run_steps` then checks the agents' view: enriched, or dead-lettered with its bytes.
"""
from __future__ import annotations

import base64
import gc
import random
import time
from dataclasses import dataclass, field

import orjson

from agents.steps import DEADLETTER, ENRICHED, NORMALIZED, EnrichStep, Meta, NormalizeStep
from schemas.wire import article_from_normalized
from streams.errors import Rejected
from streams.normalize import add_folded
from streams.parse import DEFAULT_MAX_MESSAGE_BYTES, parse
from streams.pipeline import PipelineConfig, build_enricher, build_normalizer

STAGES = ("parse", "normalize", "redactions", "language", "identity", "entities", "temporal")


@dataclass
class Outcome:
    seconds: dict[str, float] = field(default_factory=dict)  # stage → thread CPU seconds
    rejected: str | None = None  # the dead-letter reason, if a stage refused the input

    @property
    def total(self) -> float:
        return sum(self.seconds.values())


class Harness:
    def __init__(self, max_bytes: int = DEFAULT_MAX_MESSAGE_BYTES, enrich_stages: tuple[str, ...] | None = None):
        config = PipelineConfig(max_message_bytes=max_bytes)
        if enrich_stages is not None:
            config.enrich_stages = enrich_stages
        self.max_bytes = max_bytes
        self.normalizer, self.enricher = build_normalizer(config), build_enricher(config)
        self.normalize_step, self.enrich_step = NormalizeStep(config), EnrichStep(config)

    def run_stages(self, data: bytes) -> Outcome:
        """Every stage in order; `Rejected` ends it as a dead letter would. Any other exception propagates.
        The collector is paused meanwhile: a full collection of the test process's heap (hypothesis keeps a
        lot) once billed half a second to whichever stage it interrupted."""
        gc.disable()
        try:
            return self._run_stages(data)
        finally:
            gc.enable()

    def _run_stages(self, data: bytes) -> Outcome:
        out = Outcome()
        clock = time.thread_time
        t0 = clock()
        try:
            article = parse(data, self.max_bytes)
        except Rejected as exc:
            out.seconds["parse"] = clock() - t0
            out.rejected = exc.reason
            return out
        out.seconds["parse"] = clock() - t0
        try:
            for name, stage in self.normalizer.stages:
                t0 = clock()
                article = stage(article)
                out.seconds[name] = clock() - t0
            article = add_folded(article)
            for name, stage in self.enricher.stages:
                t0 = clock()
                article = stage(article)
                out.seconds[name] = clock() - t0
        except Rejected as exc:
            out.rejected = exc.reason
        return out

    def run_steps(self, data: bytes) -> tuple[str, bytes | dict]:
        """The agents' two steps: ('enriched', event) or ('deadletter', original bytes)."""
        meta = Meta(topic="news.raw", partition=0, offset=0)
        out = self.normalize_step(data, b"key", meta)
        if out.topic == NORMALIZED:
            article_from_normalized(orjson.loads(out.value))  # the wire form reads back
            out = self.enrich_step(out.value, out.key, Meta(topic="news.normalized", partition=0, offset=0))
            if out.topic == ENRICHED:
                return ENRICHED, orjson.loads(out.value)
            assert out.topic == DEADLETTER
            return DEADLETTER, orjson.loads(out.value)
        assert out.topic == DEADLETTER
        record = orjson.loads(out.value)
        return DEADLETTER, {**record, "original": base64.b64decode(record["original_b64"])}


# Pieces that steer inputs into the stages' patterns: layout marks, footers, dates, digits, Arabic
# letters, diacritics and tatweel, invisible marks, JSON syntax.
TOKENS = [
    "»", " » ", "›", " >> ", "\n", "\r\n", "\n\u00a0\n", "\u00a0", "\u200f", "\u200e", "\u200b", "\ufeff", "\t",
    "Total time: ", "total time = ", "0.0587", "1.2s", " sec", "ث", "Total time: 0.", "  ",
    "2015", "12", "/", "-", ":", ".", "،", "هـ", "م", "1436", "يناير", "رمضان", "الأحد", "أمس", "غدا", "الساعة",
    "قبل", "بعد", "أسبوع", "منذ", "عام", "٢٠١٥", "١٢", "ال", "و", "ب", "في", "من", "عبد", "الله", "بن", "محمد",
    "الرياض", "طرابلس", "وزارة", "شركة", "الملك", "\u064b", "\u0650", "\u0651", "ـ", "ـــــ", "xx", "XX", "***",
    "[", "]", "(", ")", "{", "}", '"', '":"', '{"title":"', '","content":"', '"}', '{"text":"', "\\u0627",
    "\\n", "http://", "@", "#", "<b>", "&nbsp;", "؟", "!", "...", "a", "0", "9" * 12,
]


def mutate(rng: random.Random, seeds: list[bytes], max_bytes: int) -> bytes:
    """One fuzz input: a seed (or nothing) changed by a few token insertions, splices, repeats or byte flips."""
    data = bytearray(rng.choice(seeds) if seeds and rng.random() < 0.7 else b"")
    for _ in range(rng.randint(1, 8)):
        op = rng.random()
        pos = rng.randint(0, len(data))
        if op < 0.35:
            data[pos:pos] = rng.choice(TOKENS).encode()
        elif op < 0.55 and data:  # repeat a chunk many times: where backtracking shows
            a = rng.randint(0, len(data) - 1)
            chunk = bytes(data[a:a + rng.randint(1, 40)])
            data[pos:pos] = chunk * rng.choice([2, 10, 100, 1000, 5000])
        elif op < 0.7:
            token = rng.choice(TOKENS).encode()
            data[pos:pos] = token * rng.choice([10, 100, 1000, 10000])
        elif op < 0.8 and data:
            a = rng.randint(0, len(data) - 1)
            data[a] = rng.randrange(256)
        elif op < 0.9 and data:
            a = rng.randint(0, len(data))
            del data[a:a + rng.randint(1, 100)]
        elif seeds:
            other = rng.choice(seeds)
            data[pos:pos] = other[: rng.randint(0, len(other))]
    return bytes(data[: max_bytes + rng.choice([0, 0, 0, 1, 100])])  # now and then just over the limit
