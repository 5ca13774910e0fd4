"""Ops on the real broker: a real Prometheus scrapes a worker; readiness; consumer lag rising and falling."""
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request

import pytest

from agents.broker import free_port, wait_port
from tests.conftest import render_scraped
from tests.kafka_io import consume, produce

pytestmark = pytest.mark.integration


def _lag(metrics_text: str, topic: str) -> float:
    return sum(float(line.rsplit(" ", 1)[1]) for line in metrics_text.splitlines()
               if line.startswith("khabar_consumer_lag_messages{") and f'topic="{topic}"' in line)


def _series(metrics_text: str, *prefixes: str) -> str:
    return "\n".join(line for line in metrics_text.splitlines() if line.startswith(prefixes))


def _try(read) -> str:
    """A diagnostic that must not hide the failure it explains (a loaded worker can time out a scrape)."""
    try:
        return read()
    except OSError as exc:
        return f"(unavailable: {exc})"


def _get(port: int, path: str) -> str:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=3) as r:
        return r.read().decode()


def _wait_for(predicate, timeout: float, what: str):
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        try:
            last = predicate()
            if last:
                return last
        except OSError as exc:  # not up yet
            last = exc
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what} (last {last!r})")


def test_readyz_is_not_ready_before_partitions_are_assigned(broker_port, start_worker):
    worker = start_worker(broker_port, ready=False)
    assert wait_port(worker.metrics_port, 60)
    status, body = worker.get("/readyz")
    assert status == 503 and "no partitions" in body  # Tansu answers a JoinGroup only after a few seconds
    assert worker.get("/healthz")[0] == 200
    worker.wait_ready()
    status, body = worker.get("/readyz")
    assert status == 200 and "partitions assigned" in body


@pytest.mark.skipif(not shutil.which("prometheus") or not shutil.which("promtool"),
                    reason="Debian package prometheus not installed (make test installs it)")
def test_a_real_prometheus_scrapes_the_worker(broker_port, start_worker, news_articles, tmp_path):
    worker = start_worker(broker_port)
    n = 12
    prom_port = free_port()
    (tmp_path / "prom.yml").write_text(
        "global: {scrape_interval: 1s}\nscrape_configs:\n- job_name: khabar\n  static_configs: "
        f"[{{targets: ['127.0.0.1:{worker.metrics_port}']}}]\n")
    prom = subprocess.Popen(["prometheus", f"--config.file={tmp_path}/prom.yml", f"--storage.tsdb.path={tmp_path}/tsdb",
                             f"--web.listen-address=127.0.0.1:{prom_port}"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        assert wait_port(prom_port, 30)

        def query(expr):
            url = f"http://127.0.0.1:{prom_port}/api/v1/query?" + urllib.parse.urlencode({"query": expr})
            result = json.load(urllib.request.urlopen(url, timeout=5))["data"]["result"]
            return float(result[0]["value"][1]) if result else None

        enriched = 'sum(khabar_messages_total{stage="enrich",outcome="ok"}) or vector(0)'
        _wait_for(lambda: query('up{job="khabar"}') == 1, 30, "a first scrape")
        time.sleep(2)  # a second scrape, so the rate window sees the histogram move from here
        before = query(enriched)
        produce(broker_port, "news.raw", [(None, render_scraped(a, 0.1).encode()) for a in news_articles[100:100 + n]])
        assert len(consume(broker_port, "news.enriched", n, timeout=90)) >= n
        # The worker shares the broker with other tests, so count from what it had already done.
        _wait_for(lambda: query(enriched) == before + n, 30, f"Prometheus to see {n} more enriched")
        p99_expr = "histogram_quantile(0.99, sum(rate(khabar_end_to_end_latency_seconds_bucket[1m])) by (le))"
        p99 = _wait_for(lambda: (v := query(p99_expr)) is not None and v == v and v, 30, "a p99 (not NaN)")
        assert 0 < p99 <= 60
    finally:
        os.killpg(prom.pid, signal.SIGTERM)
        prom.wait(10)

    exposition = tmp_path / "metrics.txt"
    exposition.write_text(worker.metrics())
    check = subprocess.run(f"promtool check metrics < {exposition}", shell=True, capture_output=True, text=True)
    assert check.returncode == 0 and not (check.stdout + check.stderr).strip(), check.stdout + check.stderr


def test_lag_rises_while_the_worker_is_stopped_and_falls_after_it_catches_up(tmp_path, start_worker,
                                                                             news_articles):
    from agents.broker import start_broker

    broker, port = start_broker()  # a broker of its own: lag must start from zero
    exporter_port = free_port()
    exporter = subprocess.Popen(
        [sys.executable, "-m", "agents.cli", "status", "--broker", f"kafka://127.0.0.1:{port}",
         "--serve-metrics", str(exporter_port), "--interval", "1"],
        stdout=open(tmp_path / "exporter.log", "wb"), stderr=subprocess.STDOUT, start_new_session=True)
    try:
        worker = start_worker(port, name="lag-worker")
        produce(port, "news.raw", [(None, render_scraped(a).encode()) for a in news_articles[200:205]])
        assert len(consume(port, "news.enriched", 5, timeout=60)) == 5
        worker.stop()

        backlog = 25
        produce(port, "news.raw", [(None, render_scraped(a).encode()) for a in news_articles[300:300 + backlog]])
        _wait_for(lambda: _lag(_get(exporter_port, "/metrics"), "news.raw") == backlog or
                  _lag(_get(exporter_port, "/metrics"), "news.raw"), 30, f"lag to rise to {backlog}")
        assert _lag(_get(exporter_port, "/metrics"), "news.raw") == backlog

        worker = start_worker(port, name="lag-worker")
        try:
            _wait_for(lambda: _lag(_get(exporter_port, "/metrics"), "news.raw") == 0
                      and _lag(_get(exporter_port, "/metrics"), "news.normalized") == 0, 90, "lag to fall")
        except AssertionError as exc:  # rare on CI: say whether the worker stalled or the lag reading did
            exporter_lag = _try(lambda: _series(_get(exporter_port, "/metrics"), "khabar_consumer_lag"))
            worker_counts = _try(lambda: _series(worker.metrics(), "khabar_messages_total", "khabar_consumer_lag"))
            raise AssertionError(f"{exc}\nexporter:\n{exporter_lag}\nworker:\n{worker_counts}") from None
        _wait_for(lambda: _lag(worker.metrics(), "news.raw") == 0 and "khabar_consumer_lag_messages{" in
                  worker.metrics(), 30, "the worker's own lag gauge at 0")
    finally:
        os.killpg(exporter.pid, signal.SIGTERM)
        exporter.wait(10)
        os.killpg(broker.pid, signal.SIGTERM)
        broker.wait(10)
