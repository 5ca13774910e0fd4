"""Alerts, duplicates, trending and the webhook forwarder on a real broker with real workers."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from jsonschema import Draft202012Validator

from schemas.generate import topic_schema
from tests.conftest import render_scraped
from tests.kafka_io import consume, produce

pytestmark = pytest.mark.integration


@pytest.fixture
def broker_port():
    """A broker per test: each leaves alerts, rules and enriched articles (and the group's offsets) behind,
    which the next test's worker would otherwise pick up where the last one stopped."""
    from agents.broker import start_broker

    proc, port = start_broker()
    yield port
    os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(10)


def khabar(*args: str, port: int, check: bool = True) -> subprocess.CompletedProcess:
    r = subprocess.run([sys.executable, "-m", "agents.cli", *args, "--broker", f"kafka://127.0.0.1:{port}"],
                       capture_output=True, text=True, timeout=120)
    if check:
        assert r.returncode == 0, r.stderr
    return r


def article(token: str, place: str = "طرابلس") -> bytes:
    body = " ".join(f"قال مسؤول في {place} إن المحادثات {token} تناولت وقف إطلاق النار والملف {i} الأمني."
                    for i in range(8))
    return render_scraped({"title": f"وفد يزور {place} {token}", "content": body},
                          crumbs=("أخبار الساعة", "عربية ودولية")).encode()


def add_rule(tmp_path, port: int, text: str) -> None:
    path = tmp_path / f"rule-{uuid.uuid4().hex[:6]}.yaml"
    path.write_text(text, encoding="utf-8")
    khabar("rules", "add", str(path), port=port)


def test_live_rule_fires_once_and_a_republished_article_is_marked_duplicate(broker_port, start_worker, tmp_path):
    start_worker(broker_port)
    name = f"libya-{uuid.uuid4().hex[:6]}"
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: [\n")
    r = khabar("rules", "add", str(bad), port=broker_port, check=False)
    assert r.returncode != 0 and len(r.stderr.strip().splitlines()) == 1 and "YAML" in r.stderr
    invalid = tmp_path / "invalid.yaml"
    invalid.write_text("name: x\nmatch: {keyword: [a]}\n")
    r = khabar("rules", "add", str(invalid), port=broker_port, check=False)
    assert r.returncode != 0 and "unknown key 'keyword'" in r.stderr

    # Added while the worker runs: no restart.
    add_rule(tmp_path, broker_port, f'name: {name}\nmatch:\n  entities: [{{canonical: "طرابلس", type: LOC}}]\n'
                                    '  keywords: ["وقف إطلاق النار"]\n  sections: ["عربية ودولية"]\n')
    assert name in khabar("rules", "list", "--json", port=broker_port).stdout
    time.sleep(2)
    token = uuid.uuid4().hex[:8]
    produce(broker_port, "news.raw", [(b"k1", article(token))])
    time.sleep(4)
    produce(broker_port, "news.raw", [(b"k2", article(token))])  # the same story again

    alerts = [a for a in consume(broker_port, "news.alerts", 10**6, timeout=25) if a["rule"] == name]
    assert len(alerts) == 1, alerts
    Draft202012Validator(topic_schema("alerts")).validate(alerts[0])
    assert alerts[0]["matched"]["entities"][0]["canonical"] == "طرابلس"
    enriched = [e for e in consume(broker_port, "news.enriched", 10**6, timeout=15) if token in e["title"]]
    assert len(enriched) == 2
    assert enriched[0]["duplicate_of"] is None and enriched[1]["duplicate_of"] == enriched[0]["id"]

    khabar("rules", "rm", name, port=broker_port)
    assert name not in khabar("rules", "list", "--json", port=broker_port).stdout


def test_a_burst_about_one_place_tops_the_trending_window(broker_port, start_worker):
    env = {"KHABAR_TRENDING_TUMBLING_S": "15", "KHABAR_TRENDING_HOPPING_S": "30",
           "KHABAR_TRENDING_HOP_STEP_S": "15", "KHABAR_TRENDING_GRACE_S": "2"}
    start_worker(broker_port, env=env)
    start = time.time()
    produce(broker_port, "news.raw", [(None, article(f"{uuid.uuid4().hex[:8]} {i}", "بنغازي"))
                                      for i in range(50)])
    deadline = time.time() + 90
    while time.time() < deadline:
        msgs = consume(broker_port, "news.trending", 10**6, timeout=5)
        mine = [m for m in msgs if m["type"] == "LOC" and m["kind"] == "tumbling"
                and m["window_end"] >= time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(start - 15))]
        if any(m["top"] and m["top"][0]["canonical"] == "بنغازي" for m in mine):
            break
        time.sleep(3)
    else:
        pytest.fail(f"بنغازي never topped a tumbling LOC window: {mine}")
    Draft202012Validator(topic_schema("trending")).validate(mine[-1])
    r = subprocess.run([sys.executable, "-m", "agents.cli", "trending", "--once", "--broker",
                        f"kafka://127.0.0.1:{broker_port}"], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and "LOC" in r.stdout


class Hook(BaseHTTPRequestHandler):
    received: list = []
    fail_next = 1

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if Hook.fail_next:
            Hook.fail_next -= 1
            self.send_response(500)
            self.end_headers()
            return
        Hook.received.append((self.headers["Idempotency-Key"], json.loads(body)))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_webhook_gets_each_alert_exactly_once_across_a_failure(broker_port, start_worker, tmp_path):
    server = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    start_worker(broker_port)
    name = f"hook-{uuid.uuid4().hex[:6]}"
    add_rule(tmp_path, broker_port, f'name: {name}\nmatch:\n  keywords: ["وقف إطلاق النار"]\n')
    group = f"hook-{uuid.uuid4().hex[:6]}"

    def forwarder():
        return subprocess.Popen([sys.executable, "-m", "agents.cli", "alerts", "--webhook", url, "--group", group,
                                 "--broker", f"kafka://127.0.0.1:{broker_port}"],
                                stdout=open(tmp_path / "fwd.log", "ab"), stderr=subprocess.STDOUT,
                                start_new_session=True)

    fwd = forwarder()
    try:
        time.sleep(2)
        tokens = [uuid.uuid4().hex[:8] for _ in range(3)]
        produce(broker_port, "news.raw", [(None, article(t, "بيروت")) for t in tokens])
        deadline = time.time() + 60
        while time.time() < deadline and len([k for k, a in Hook.received if a["rule"] == name]) < 3:
            time.sleep(0.5)
        os.killpg(fwd.pid, signal.SIGTERM)
        fwd.wait(15)
        fwd = forwarder()  # a restart resumes after the last committed (= delivered) alert
        time.sleep(15)
    finally:
        os.killpg(fwd.pid, signal.SIGTERM)
        fwd.wait(15)
        server.shutdown()
    mine = [k for k, a in Hook.received if a["rule"] == name]
    assert Hook.fail_next == 0, "the forced failure never happened"
    assert len(mine) == 3 and len(set(mine)) == 3, (tmp_path / "fwd.log").read_text()[-2000:]
