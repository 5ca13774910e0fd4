"""The agents' per-message steps: every failure becomes a dead letter, never an exception."""
import base64

import orjson

from agents.steps import DEADLETTER, ENRICHED, EnrichStep, FusedStep, Meta, NormalizeStep
from streams.pipeline import PipelineConfig


def test_a_crashing_stage_becomes_a_stage_error_dead_letter(sample_bytes):
    step = NormalizeStep(PipelineConfig())
    step.pipeline.stages.insert(1, ("boom", lambda article: 1 / 0))
    out = step(sample_bytes, None, Meta("news.raw", 0, 5))
    record = orjson.loads(out.value)
    assert out.topic == DEADLETTER and record["reason"] == "stage_error"
    assert "ZeroDivisionError" in record["error"]
    assert base64.b64decode(record["original_b64"]) == sample_bytes


def test_enrich_rejects_what_is_not_a_normalized_event():
    step = EnrichStep(PipelineConfig(enrich_stages=()))
    for bad in (b"not json", b"[]", b'{"title": "no id"}'):
        out = step(bad, None, Meta("news.normalized", 1, 2))
        assert out.topic == DEADLETTER
        assert orjson.loads(out.value)["reason"] == "invalid_envelope"


def test_pipeline_time_is_measured_from_the_raw_timestamp(sample_bytes):
    import time

    config = PipelineConfig(enrich_stages=())
    sent_ms = int(time.time() * 1000) - 1500
    normalized = NormalizeStep(config)(sample_bytes, None, Meta("news.raw", 0, 0, sent_ms))
    enriched = EnrichStep(config)(normalized.value, None, Meta("news.normalized", 0, 0))
    assert enriched.topic == ENRICHED
    timing = orjson.loads(enriched.value)["timing"]
    assert timing["raw_timestamp_ms"] == sent_ms
    assert 1500 <= timing["pipeline_ms"] < 60_000


def _without_timings(event: dict) -> dict:
    event = dict(event)
    timing = dict(event.pop("timing"))
    for k in ("stages_ms", "pipeline_ms", "received_at"):
        timing.pop(k, None)
    return {**event, "timing": timing}


def test_fused_step_gives_the_staged_steps_event(sample_bytes, news_articles):
    from tests.conftest import render_scraped

    config = PipelineConfig()
    normalize, enrich = NormalizeStep(config), EnrichStep(config)
    fused = FusedStep(normalize, enrich)
    for raw in [sample_bytes] + [render_scraped(a).encode() for a in news_articles[:5]]:
        meta = Meta("news.raw", 0, 7, 1_700_000_000_000)
        staged = enrich(normalize(raw, None, meta).value, None, Meta("news.normalized", 0, 0))
        out = fused(raw, None, meta)
        assert (out.topic, out.key, out.stage) == (ENRICHED, staged.key, "enrich")
        assert _without_timings(orjson.loads(out.value)) == _without_timings(orjson.loads(staged.value))


def test_fused_step_dead_letters_name_the_stage_and_keep_the_raw_bytes(sample_bytes):
    config = PipelineConfig(enrich_stages=("temporal",))
    enrich = EnrichStep(config)
    enrich.pipeline.stages.insert(0, ("boom", lambda article: 1 / 0))
    fused = FusedStep(NormalizeStep(config), enrich)
    for raw, stage, reason in ((b"\xff\xfe", "normalize", "undecodable"), (sample_bytes, "enrich", "stage_error")):
        out = fused(raw, b"k", Meta("news.raw", 3, 9))
        record = orjson.loads(out.value)
        assert (out.topic, out.stage, record["stage"], record["reason"]) == (DEADLETTER, stage, stage, reason)
        assert base64.b64decode(record["original_b64"]) == raw and record["offset"] == 9


def test_plumbing_only_parses_and_routes_but_does_no_nlp(sample_bytes):
    config = PipelineConfig.plumbing_only()
    normalized = NormalizeStep(config)(sample_bytes, None, Meta("news.raw", 0, 3))
    event = orjson.loads(normalized.value)
    assert normalized.key == event["id"].encode()  # no fingerprint to key the dedup partitions by
    assert event["fingerprint"] is None and event["language"] == "und" and event["redactions"] == 0
    assert event["title"] and event["timing"]["source_total_time_s"] == 0.0587  # parse still ran
    enriched = EnrichStep(config)(normalized.value, normalized.key, Meta("news.normalized", 0, 0))
    doc = orjson.loads(enriched.value)
    assert enriched.topic == ENRICHED and doc["entities"] == [] and doc["temporal"] == []
    assert set(doc["timing"]["stages_ms"]) == {"parse", "identity"}
