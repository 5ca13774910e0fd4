"""Poison input and fuzzing over every stage: nothing escapes, nothing hangs, every input ends somewhere.

- property tests (hypothesis) on arbitrary bytes and on inputs shaped like news;
- a time-boxed mutation fuzz loop (KHABAR_FUZZ_SECONDS, short here, long in `make chaos`) that reports the
  slowest input per stage in thread CPU time;
- the corpus in tests/data/fuzz: the nastiest inputs found so far, as is and scaled up to the size limit.

Budget: 100 ms per input and stage. The regex stages hold it at the full 256 KB limit; the entity tagger
costs ~20-45 µs per token and does not (see `test_entities_within_budget_at_the_size_limit`).
"""
from __future__ import annotations

import os
import random
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agents.steps import DEADLETTER, ENRICHED
from streams import errors
from tests.fuzz_harness import STAGES, TOKENS, Harness, mutate

CORPUS = Path(__file__).resolve().parents[1] / "data" / "fuzz"
SAMPLES = Path(__file__).resolve().parents[2] / "agents" / "samples"
FUZZ_SECONDS = float(os.environ.get("KHABAR_FUZZ_SECONDS", "10"))
BUDGET_S = 0.100
# CI machines are shared and slow: the asserted bound is 5x the budget; the printed report has the real
# numbers. Entities are bounded per byte (linear), since the tagger is not within budget at the limit.
CI_FACTOR = 5.0
ENTITIES_S_PER_KB = 0.150


@pytest.fixture(scope="module")
def harness() -> Harness:
    return Harness()


@pytest.fixture(scope="module")
def regex_harness() -> Harness:
    """Every stage but the entity tagger, for inputs at the full size limit."""
    return Harness(enrich_stages=("temporal",))


def bound(stage: str, size: int) -> float:
    if stage == "entities":
        return CI_FACTOR * BUDGET_S + ENTITIES_S_PER_KB * size / 1024
    return CI_FACTOR * BUDGET_S


def check(h: Harness, data: bytes, timed: bool = True) -> None:
    """The whole contract for one input."""
    outcome = h.run_stages(data)  # raises if a stage fails with anything but Rejected
    if timed:
        for stage, seconds in outcome.seconds.items():
            assert seconds <= bound(stage, len(data)), f"{stage} took {seconds * 1000:.0f} ms on {data[:60]!r}…"
    topic, result = h.run_steps(data)
    if topic == DEADLETTER:
        assert result["reason"] != errors.STAGE_ERROR, f"a stage crashed: {result['error']}"
        if result["stage"] == "normalize":
            assert result["original"] == data, "a dead letter carries the exact bytes"
    else:
        assert topic == ENRICHED and outcome.rejected is None
        assert result["id"]


# --------------------------------------------------------------------------- properties

news_text = st.lists(st.sampled_from(TOKENS) | st.text(max_size=20), max_size=60).map("".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=4096))
def test_arbitrary_bytes_end_enriched_or_dead_lettered(harness, data):
    check(harness, data, timed=False)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(breadcrumb=news_text, title=news_text, paragraphs=st.lists(news_text, max_size=6), footer=news_text)
def test_scraped_layouts_end_enriched_or_dead_lettered(harness, breadcrumb, title, paragraphs, footer):
    text = breadcrumb + " » " + "\n" + title + "\n\n" + "\n\u00a0\n".join(paragraphs) + "\nTotal time: " + footer
    check(harness, text.encode("utf-8", "surrogatepass"), timed=False)


json_value = st.none() | st.integers() | st.booleans() | news_text | st.lists(news_text, max_size=3)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(["id", "title", "content", "text", "source", "url", "published_at",
                                        "language", "author", "extra"]), json_value, max_size=8))
def test_envelopes_end_enriched_or_dead_lettered(harness, envelope):
    import json

    # json, not orjson: integers beyond 64 bits and lone surrogates must reach the parser too.
    check(harness, json.dumps(envelope, ensure_ascii=False).encode("utf-8", "surrogatepass"), timed=False)


@settings(max_examples=50, deadline=None)
@given(st.binary(min_size=1, max_size=512), st.integers(min_value=0, max_value=255))
def test_anything_over_the_limit_is_oversized_whatever_its_bytes(data, limit):
    h = Harness(max_bytes=limit, enrich_stages=())
    if len(data) > limit:
        topic, record = h.run_steps(data)
        assert topic == DEADLETTER and record["reason"] == errors.OVERSIZED and record["original"] == data


# --------------------------------------------------------------------------- corpus

def corpus() -> list[Path]:
    return sorted(p for p in CORPUS.iterdir() if p.is_file() and p.name != "README.md")


@pytest.mark.parametrize("path", corpus(), ids=lambda p: p.name)
def test_corpus_input(harness, regex_harness, path):
    data = path.read_bytes()
    check(harness, data)
    # The same shape at the full size limit, where super-linear patterns would show.
    limit = regex_harness.max_bytes
    big = (data * (limit // max(1, len(data)) + 1))[:limit]
    check(regex_harness, big)
    if path.name == "invalid_utf8_over_limit.bin":
        _, record = regex_harness.run_steps(big + b"\xff")
        assert record["reason"] == errors.OVERSIZED


def test_entities_within_budget_on_a_run_of_punctuation(harness):
    # Was ~0.3 s (every `!` a one-token sentence for the CRF); punctuation runs are no longer sentences.
    outcome = harness.run_stages(b"!" * 16 * 1024)
    assert outcome.seconds["entities"] <= BUDGET_S


# --------------------------------------------------------------------------- time-boxed fuzz

ENTITIES_MAX_FUZZ_BYTES = 16 * 1024  # bigger inputs skip the tagger, or one of them would eat the time box


def test_fuzz_time_boxed(harness, regex_harness, capsys):
    rng = random.Random(int(os.environ.get("KHABAR_FUZZ_SEED", "7")))
    seeds = [p.read_bytes() for p in sorted(SAMPLES.glob("0*"))] + [p.read_bytes()[:4096] for p in corpus()]
    slowest = {s: (0.0, 0, b"") for s in STAGES}
    outcomes: dict[str, int] = {}
    n = 0
    deadline = time.monotonic() + FUZZ_SECONDS
    while time.monotonic() < deadline:
        data = mutate(rng, seeds, harness.max_bytes)
        h = harness if len(data) <= ENTITIES_MAX_FUZZ_BYTES else regex_harness
        outcome = h.run_stages(data)
        n += 1
        outcomes[outcome.rejected or "ok"] = outcomes.get(outcome.rejected or "ok", 0) + 1
        for stage, seconds in outcome.seconds.items():
            if seconds > slowest[stage][0]:
                slowest[stage] = (seconds, len(data), data)
            assert seconds <= bound(stage, len(data)), f"{stage}: {seconds * 1000:.0f} ms on {data[:60]!r}…"
        if n % 20 == 0:
            check(h, data, timed=False)
    with capsys.disabled():
        print(f"\nfuzz: {n} inputs in {FUZZ_SECONDS:.0f}s; outcomes {dict(sorted(outcomes.items()))}")
        for stage, (seconds, size, data) in slowest.items():
            print(f"  slowest {stage:10s} {seconds * 1000:8.1f} ms  ({size} bytes: {data[:40]!r})")
    assert n > 0
