"""The agents' per-message steps: every failure becomes a dead letter, never an exception."""
import base64

import orjson

from agents.steps import DEADLETTER, ENRICHED, EnrichStep, Meta, NormalizeStep
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
