"""End to end on the real embedded broker: a real worker process, librdkafka as the independent client."""
import base64
import re
import time

import orjson
import pytest

from tests.conftest import render_scraped
from tests.kafka_io import consume, produce

pytestmark = pytest.mark.integration


def _counter(metrics: str, name: str, **labels) -> float:
    total = 0.0
    for line in metrics.splitlines():
        if not line.startswith(name + "{") and not line.startswith(name + " "):
            continue
        if all(f'{k}="{v}"' in line for k, v in labels.items()):
            total += float(line.rsplit(" ", 1)[1])
    return total


@pytest.fixture
def broker_port():
    """A broker of its own: the test reads whole topics and counts what is there."""
    import os
    import signal

    from agents.broker import start_broker

    proc, port = start_broker()
    yield port
    os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(10)


@pytest.mark.parametrize("topology", ["staged", "fused"])
def test_good_and_bad_messages_flow_and_the_worker_survives(broker_port, start_worker, sample_bytes,
                                                            news_articles, topology):
    worker = start_worker(broker_port, env={"KHABAR_TOPOLOGY": topology})
    good = [render_scraped(a, total_time=0.5 + i).encode() for i, a in enumerate(news_articles[:5])]
    bad = [b"\xff\xfe bad", b"", b'{"title": 5}', b'{"text": ', b"\x00" * 10, b"x" * 300_000]
    items = [(b"sample", sample_bytes)]
    for i in range(max(len(good), len(bad))):
        if i < len(bad):
            items.append((f"bad{i}".encode(), bad[i]))
        if i < len(good):
            items.append((f"good{i}".encode(), good[i]))
    produce(broker_port, "news.raw", items)

    enriched = consume(broker_port, "news.enriched", len(good) + 1, timeout=90)
    dead = consume(broker_port, "news.deadletter", len(bad), timeout=30, decode=orjson.loads)

    titles = {e["title"] for e in enriched}
    assert len(enriched) == len(good) + 1
    assert {a["title"].strip() for a in news_articles[:5]} <= titles
    sample = next(e for e in enriched if e["title"].startswith("وفد مصري"))
    assert sample["section"] == ["أخبار الساعة", "السياسية", "عربية ودولية"]
    assert sample["timing"]["source_total_time_s"] == 0.0587
    assert sample["redactions"] == 2
    for e in enriched:
        for m in e["entities"]:
            assert e[m["field"]][m["start"]:m["end"]] == m["text"]

    originals = {base64.b64decode(d["original_b64"]) for d in dead}
    assert originals == set(bad)
    reasons = {base64.b64decode(d["original_b64"]): d["reason"] for d in dead}
    assert reasons[b"x" * 300_000] == "oversized" and reasons[b"\xff\xfe bad"] == "undecodable"
    assert all(d["topic"] == "news.raw" and d["offset"] is not None for d in dead)
    assert {d["stage"] for d in dead} == {"normalize"}  # refused by parse, whichever agent ran it

    assert worker.proc.poll() is None, "the worker must survive bad input"
    metrics = worker.metrics()
    assert _counter(metrics, "khabar_messages_total", stage="enrich", outcome="ok") == len(good) + 1
    # Both stages are counted in either topology (dashboards and the stalled-stage alert read them).
    assert _counter(metrics, "khabar_messages_total", stage="normalize", outcome="ok") == len(good) + 1
    assert _counter(metrics, "khabar_messages_total", stage="normalize", outcome="deadletter") == len(bad)
    normalized_out = _counter(metrics, "khabar_topic_messages_out_total", topic="news.normalized")
    assert normalized_out == (len(good) + 1 if topology == "staged" else 0)
    assert _counter(metrics, "khabar_deadletter_total") == len(bad)
    assert _counter(metrics, "khabar_deadletter_total", reason="oversized") == 1
    assert _counter(metrics, "khabar_stage_duration_seconds_count", stage="entities") == len(good) + 1
    # The lag gauge comes from a check every few seconds (`lag_interval_s`), whose first answer can wait
    # on the group's join; the messages above can all be through before it.
    deadline = time.time() + 20
    while not re.search(r"^khabar_consumer_lag_messages\{", metrics, re.M) and time.time() < deadline:
        time.sleep(0.5)
        metrics = worker.metrics()
    assert re.search(r"^khabar_consumer_lag_messages\{", metrics, re.M)
