"""Shared fixtures. Integration tests start the real embedded broker (Tansu) and real workers on free ports."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data"
SAMPLE = ROOT / "agents" / "samples" / "01_tripoli_delegation.txt"
NEWS = SHARED / "news" / "saudinewsnet-3000.jsonl.gz"


@pytest.fixture(scope="session")
def sample_bytes() -> bytes:
    return SAMPLE.read_bytes()


@pytest.fixture(scope="session")
def news_articles() -> list[dict]:
    """The shared SaudiNewsNet articles (read from ../shared, never copied: their licence forbids it)."""
    import gzip
    import json

    if not NEWS.exists():
        pytest.skip(f"shared news data not found at {NEWS}")
    with gzip.open(NEWS, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def render_scraped(article: dict, total_time: float = 0.25, crumbs=("أخبار الساعة", "محليات")) -> str:
    """An article in the sample's scraped layout (breadcrumb, title, NBSP-separated paragraphs, footer)."""
    paras = [p.strip() for p in article["content"].split("\n") if p.strip()]
    return (" » ".join(crumbs) + "\n\n" + article["title"].strip() + "\n\n" + "\n\u00a0\n".join(paras)
            + f"\n\nTotal time: {total_time}")


class Worker:
    def __init__(self, proc: subprocess.Popen, metrics_port: int, log: Path) -> None:
        self.proc, self.metrics_port, self.log = proc, metrics_port, log

    def get(self, path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.metrics_port}{path}", timeout=3) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()

    def metrics(self) -> str:
        return self.get("/metrics")[1]

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                if self.get("/readyz")[0] == 200:
                    return
            except OSError:
                pass
            if self.proc.poll() is not None:
                raise RuntimeError("worker exited:\n" + self.log.read_text()[-2000:])
            time.sleep(0.3)
        raise TimeoutError("worker not ready:\n" + self.log.read_text()[-2000:])

    def stop(self, sig=signal.SIGTERM) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, sig)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


@pytest.fixture(scope="session")
def broker_port():
    from agents.broker import start_broker

    proc, port = start_broker()
    yield port
    os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(10)


@pytest.fixture
def start_worker(tmp_path):
    """Start `khabar worker` processes against a broker; all are stopped after the test."""
    from agents.broker import free_port, wait_port

    started: list[Worker] = []

    def start(port: int, *extra: str, name: str = "worker", ready: bool = True, env: dict | None = None) -> Worker:
        metrics_port = free_port()
        log = tmp_path / f"{name}.log"
        proc = subprocess.Popen(
            [sys.executable, "-m", "agents.cli", "worker", "--broker", f"kafka://127.0.0.1:{port}",
             "--metrics-port", str(metrics_port), *extra],
            stdout=open(log, "wb"), stderr=subprocess.STDOUT, start_new_session=True,
            env={**os.environ, "KHABAR_DATA_DIR": str(tmp_path / f"{name}-data"), **(env or {})})
        w = Worker(proc, metrics_port, log)
        started.append(w)
        if ready:
            assert wait_port(metrics_port, 60), log.read_text()[-2000:]
            w.wait_ready()
        return w

    yield start
    for w in started:
        w.stop()
