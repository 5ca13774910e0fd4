"""The wire contract: committed JSON Schemas are generated from the records, and real events satisfy them."""
import orjson
import pytest
from jsonschema import Draft202012Validator

from agents.inputs import Message
from agents.offline import enrich_messages
from agents.steps import EnrichStep, Meta, NormalizeStep
from schemas.generate import render, schema_path, topic_schema
from schemas.records import TOPIC_RECORDS
from streams.pipeline import PipelineConfig

ENRICHED_V1_KEYS = {"schema", "id", "source", "section", "title", "body", "language", "entities", "temporal",
                    "timing", "redactions"}


@pytest.mark.parametrize("topic", sorted(TOPIC_RECORDS))
def test_committed_schema_is_generated_from_the_record(topic):
    assert schema_path(topic).read_text(encoding="utf-8") == render(topic), (
        "schemas/json is stale: run `python -m schemas.generate`")


def test_enriched_v1_keeps_its_promised_keys():
    schema = topic_schema("enriched")
    assert ENRICHED_V1_KEYS <= set(schema["required"])
    assert {"source_total_time_s", "received_at", "stages_ms"} <= set(schema["properties"]["timing"]["required"])
    mention = schema["properties"]["entities"]["items"]
    assert {"type", "text", "field", "start", "end"} <= set(mention["required"])


@pytest.fixture(scope="module")
def steps():
    config = PipelineConfig()
    return NormalizeStep(config), EnrichStep(config)


def test_normalized_and_enriched_events_validate(steps, sample_bytes):
    normalize, enrich = steps
    out = normalize(sample_bytes, b"k", Meta("news.raw", 0, 7, 1_600_000_000_000))
    assert out.topic == "normalized"
    normalized = orjson.loads(out.value)
    Draft202012Validator(topic_schema("normalized")).validate(normalized)
    enriched = orjson.loads(enrich(out.value, b"k", Meta("news.normalized", 0, 7)).value)
    Draft202012Validator(topic_schema("enriched")).validate(enriched)
    for m in enriched["entities"]:
        assert enriched[m["field"]][m["start"]:m["end"]] == m["text"]
    for t in enriched["temporal"]:
        assert enriched[t["field"]][t["start"]:t["end"]] == t["text"]
    assert enriched["timing"]["source_total_time_s"] == 0.0587
    assert set(enriched["timing"]["stages_ms"]) >= {"parse", "normalize", "entities", "temporal"}


def test_dead_letters_validate_and_carry_the_exact_bytes(steps):
    import base64

    normalize, _ = steps
    raw = b"\xff\xfe not utf-8"
    out = normalize(raw, b"key", Meta("news.raw", 3, 42, 1))
    record = orjson.loads(out.value)
    Draft202012Validator(topic_schema("deadletter")).validate(record)
    assert base64.b64decode(record["original_b64"]) == raw
    assert base64.b64decode(record["key_b64"]) == b"key"
    assert (record["reason"], record["stage"], record["topic"], record["partition"], record["offset"]) == (
        "undecodable", "normalize", "news.raw", 3, 42)


def test_offline_enrich_writes_one_line_per_good_message(tmp_path, sample_bytes):
    import io

    out, err = io.BytesIO(), io.StringIO()
    msgs = [Message("a", sample_bytes), Message("b", b"\xff"), Message("c", b'{"title": "t", "content": "c"}')]
    counts = enrich_messages(msgs, PipelineConfig(), out=out, err=err)
    lines = out.getvalue().splitlines()
    assert counts["ok"] == 2 and counts["undecodable"] == 1
    assert [orjson.loads(x)["title"] for x in lines][1] == "t"
    assert "b: dead letter (undecodable)" in err.getvalue()
