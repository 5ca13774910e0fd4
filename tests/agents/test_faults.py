"""Fault tests on the embedded broker: SIGKILLed workers, a rebalance, a broker outage.

Regular runs use small N; `make chaos` sets KHABAR_CHAOS_N (10,000) for the long versions. Each test
prints its figures (`-s` or the chaos target shows them).
"""
from __future__ import annotations

import base64
import json
import os
import random
import re
import signal
import subprocess
import sys
import time

import pytest
from confluent_kafka import Consumer, TopicPartition

from agents.broker import free_port, start_broker, wait_port
from tests.kafka_io import produce

pytestmark = pytest.mark.integration

CHAOS_N = int(os.environ.get("KHABAR_CHAOS_N", "1500"))
SEED = int(os.environ.get("KHABAR_CHAOS_SEED", str(random.randrange(1 << 30))))
COMMIT_INTERVAL_S = 1.0  # Settings.commit_interval_s, the worker's default

BAD = [b"\xff\xfe not utf-8", b"", b'{"title": 5, "content": "x"}', b'{"text": ', b"\x00\x01\x02" * 5,
       b"[1, 2, 3]", b"   \n\t  "]


@pytest.fixture
def broker(tmp_path):
    """A broker of the test's own: topic contents and group offsets start empty."""
    proc, port = start_broker(log=open(tmp_path / "broker.log", "wb"))  # noqa: SIM115
    yield port
    os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(10)


def articles(news_articles: list[dict], n: int, prefix: str) -> list[tuple[bytes, bytes]]:
    items = []
    for i in range(n):
        a = news_articles[i % len(news_articles)]
        env = {"id": f"{prefix}-{i}", "source": a["source"], "url": a["url"] + f"#{i}", "title": a["title"],
               "content": f"[{i}] " + a["content"]}
        items.append((f"{prefix}{i}".encode(), json.dumps(env, ensure_ascii=False).encode()))
    return items


def bad_messages(n: int, prefix: str) -> list[tuple[bytes, bytes]]:
    # Each bad message made unique (a numbered suffix where that keeps it bad), keyed so it can be found.
    out = []
    for i in range(n):
        value = BAD[i % len(BAD)]
        if value and value[:1] in (b"\xff", b"{"):
            value += f" #{i}".encode()
        out.append((f"{prefix}-bad-{i}".encode(), value))
    return out


def read_topic(port: int, topic: str, done, timeout: float, settle_s: float = 5.0) -> list:
    """Every message on `topic` from the start, until `done(messages)` holds (then `settle_s` more) or timeout.

    `done` is called after every poll: it must look only at the messages it has not seen yet (see `Seen`).
    """
    c = Consumer({"bootstrap.servers": f"127.0.0.1:{port}", "group.id": f"faults-{time.time()}",
                  "enable.auto.commit": False, "auto.offset.reset": "earliest"})
    md = c.list_topics(topic, timeout=10)
    c.assign([TopicPartition(topic, p, 0) for p in md.topics[topic].partitions])
    out, deadline, settle_until = [], time.time() + timeout, None
    while time.time() < (settle_until or deadline):
        m = c.poll(0.3)
        if m is not None and not m.error():
            out.append(m)
        if settle_until is None and done(out):
            settle_until = time.time() + settle_s
    c.close()
    return out


class Seen:
    """A `done` for `read_topic`: every value in `want` has been read, each message parsed once.

    A check that parsed the whole list again after every poll made the reader quadratic: with 2,000
    enriched messages of about 10 KB, each poll cost about 0.15 s of JSON, and a run with many
    duplicates timed out with the last few hundred messages still in the client's fetch queue (reported
    as lost: the broker had them all, and a fresh read found every one).
    """

    def __init__(self, want, value_of) -> None:
        self.want, self.value_of, self.seen, self.n = set(want), value_of, set(), 0

    def __call__(self, messages: list) -> bool:
        self.seen.update(self.value_of(m) for m in messages[self.n:])
        self.n = len(messages)
        return self.want <= self.seen


def enriched_id(message) -> str:
    return json.loads(message.value())["id"]


def enriched_ids(messages) -> list[str]:
    return [enriched_id(m) for m in messages]


def dead_letter_key(message) -> bytes:
    return base64.b64decode(json.loads(message.value())["key_b64"])


def metric(worker, name: str) -> float | None:
    try:
        text = worker.metrics()
    except OSError:
        return None
    m = re.search(rf"^{name} (\S+)$", text, re.MULTILINE)
    return float(m.group(1)) if m else None


def wait_for(cond, timeout: float, what: str, step: float = 0.5):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            value = cond()
        except OSError:  # a worker restarting in place closes its port for a moment
            value = None
        if value:
            return value
        time.sleep(step)
    raise AssertionError(f"timed out waiting for {what}")


# --------------------------------------------------------------------------- 1. crash

def test_three_sigkills_lose_nothing_and_duplicate_within_the_in_flight_window(broker, start_worker,
                                                                               news_articles):
    rng = random.Random(SEED)
    n_bad = max(7, CHAOS_N // 100)
    good, bad = articles(news_articles, CHAOS_N, "crash"), bad_messages(n_bad, "crash")
    items = good + bad
    rng.shuffle(items)

    worker = start_worker(broker, name="w")
    t0 = time.time()
    produce(broker, "news.raw", items)
    kills = []
    for _ in range(3):
        time.sleep(rng.uniform(2.0, 9.0))
        kills.append(round(time.time() - t0, 1))
        worker.stop(signal.SIGKILL)
        worker = start_worker(broker, name="w", ready=False)
    want = {f"crash-{i}" for i in range(CHAOS_N)}
    enriched = read_topic(broker, "news.enriched", Seen(want, enriched_id), timeout=120 + CHAOS_N / 20)
    elapsed = time.time() - t0
    bad_keys = {k for k, _ in bad}
    dead = read_topic(broker, "news.deadletter", Seen(bad_keys, dead_letter_key), timeout=60)

    ids = enriched_ids(enriched)
    missing = want - set(ids)
    duplicates = len(ids) - len(set(ids))
    dead_records = [json.loads(m.value()) for m in dead]
    dead_keys = [base64.b64decode(d["key_b64"]) for d in dead_records]
    rate = len(items) / elapsed  # a lower bound of the worker's rate: the run includes restarts and joins
    # Redelivered after a SIGKILL: what was processed since the last commit. Faust commits every
    # COMMIT_INTERVAL_S (after flushing the producer), so per kill that is at most one interval of
    # throughput, plus what the commit itself took, plus the fetched batch being worked on; both stages
    # can repeat (a repeated normalize feeds a repeated enrich), hence x2. The rate is capped from below
    # so a slow shared machine does not make the bound meaningless.
    window = 2 * (max(rate, 100.0) * (COMMIT_INTERVAL_S + 1.0)) + 500
    bound = len(kills) * window
    print(f"\ncrash (seed {SEED}): {len(items)} in ({CHAOS_N} good, {n_bad} bad), kills at {kills}s; "
          f"{len(ids)} enriched, {len(set(ids) & want)} distinct, {duplicates} duplicates (bound {bound:.0f}); "
          f"{len(dead_records)} dead letters for {n_bad} bad, {len(dead_keys) - len(set(dead_keys))} repeated; "
          f"{elapsed:.0f}s")
    assert not missing, f"{len(missing)} lost, e.g. {sorted(missing)[:5]}"
    assert duplicates <= bound
    assert bad_keys <= set(dead_keys), f"dead letters lost: {sorted(bad_keys - set(dead_keys))[:5]}"
    by_key = {base64.b64decode(d["key_b64"]): base64.b64decode(d["original_b64"]) for d in dead_records}
    assert all(by_key[k] == v for k, v in bad), "a dead letter must carry the original bytes"
    assert not (set(dead_keys) & {k for k, _ in good}), "a good article was dead-lettered"


# --------------------------------------------------------------------------- 2. rebalance

def test_partitions_move_to_the_survivor_and_come_back(broker, start_worker, news_articles):
    n = max(600, CHAOS_N // 2)
    a = start_worker(broker, name="a")
    total = wait_for(lambda: metric(a, "khabar_assigned_partitions"), 60, "worker a's assignment")
    b = start_worker(broker, name="b")

    def shared() -> bool:
        # Not pa + pb == total: the alert rules are a global table, which every worker reads whole.
        pa, pb = metric(a, "khabar_assigned_partitions"), metric(b, "khabar_assigned_partitions")
        return bool(pa and pb and pa < total and pb < total
                    and a.get("/readyz")[0] == b.get("/readyz")[0] == 200)

    wait_for(shared, 90, "a and b sharing the partitions")
    before = (metric(a, "khabar_assigned_partitions"), metric(b, "khabar_assigned_partitions"))

    produce(broker, "news.raw", articles(news_articles, n, "reb"))
    time.sleep(2.0)  # mid-stream
    b.stop(signal.SIGKILL)
    # b's partitions reach a once the broker expires b's session (10 s) and the group rejoins.
    wait_for(lambda: metric(a, "khabar_assigned_partitions") == total, 90, "a taking every partition")
    alone = (a.get("/readyz"), metric(a, "khabar_assigned_partitions"))
    b = start_worker(broker, name="b")
    wait_for(shared, 90, "b getting its share back")
    after = (metric(a, "khabar_assigned_partitions"), metric(b, "khabar_assigned_partitions"))

    want = {f"reb-{i}" for i in range(n)}
    ids = enriched_ids(read_topic(broker, "news.enriched", Seen(want, enriched_id), timeout=180))
    print(f"\nrebalance: {n} in, {len(ids)} enriched, {len(set(ids) & want)} distinct, "
          f"{len(ids) - len(set(ids))} duplicates; partitions (a, b) {before} -> a alone {alone[1]:.0f} "
          f"of {total:.0f} (/readyz {alone[0][0]}) -> {after}")
    assert want <= set(ids)
    assert alone[0][0] == 200 and alone[1] == total
    assert all(p > 0 for p in before + after)


# --------------------------------------------------------------------------- 3. broker outage

def test_worker_waits_for_the_broker_and_survives_it_coming_back_empty(tmp_path, start_worker):
    port = free_port()
    worker = start_worker(port, "--partitions", "2", name="w", ready=False)
    assert wait_port(worker.metrics_port, 60)
    wait_for(lambda: "not reachable yet" in worker.log.read_text(), 30, "the waiting log line")
    assert worker.get("/healthz")[0] == 200 and worker.get("/readyz")[0] == 503

    broker, _ = start_broker(port, log=open(tmp_path / "broker1.log", "wb"))  # noqa: SIM115
    try:
        worker.wait_ready(90)
        produce(port, "news.raw", [(b"k1", json.dumps({"id": "one", "title": "عنوان", "content": "خبر من الرياض"})
                                    .encode())])
        assert enriched_ids(read_topic(port, "news.enriched", lambda ms: len(ms) >= 1, 60, settle_s=0)) == ["one"]
        pid = worker.proc.pid
    finally:
        os.killpg(broker.pid, signal.SIGKILL)
        broker.wait(10)

    t_down = time.time()
    wait_for(lambda: worker.get("/readyz")[0] == 503, 40, "/readyz 503 with the broker gone")
    not_ready_after = time.time() - t_down
    time.sleep(5)
    assert worker.proc.poll() is None and worker.proc.pid == pid

    broker, _ = start_broker(port, log=open(tmp_path / "broker2.log", "wb"))  # noqa: SIM115
    try:
        t_up = time.time()
        worker.wait_ready(120)
        ready_after = time.time() - t_up
        produce(port, "news.raw", [(f"k{i}".encode(), json.dumps({"id": f"after-{i}", "title": "عنوان",
                                                                   "content": "خبر من جدة"}).encode())
                                   for i in range(20)])
        ids = enriched_ids(read_topic(port, "news.enriched", lambda ms: len(ms) >= 20, 90, settle_s=1))
        topics = subprocess.run([sys.executable, "-c", (
            "from confluent_kafka.admin import AdminClient;"
            f"md=AdminClient({{'bootstrap.servers':'127.0.0.1:{port}'}}).list_topics(timeout=10);"
            "print(len(md.topics['news.raw'].partitions))")], capture_output=True, text=True, check=True).stdout.strip()
    finally:
        os.killpg(broker.pid, signal.SIGTERM)
        broker.wait(10)
    log = worker.log.read_text()
    print(f"\noutage: /readyz 503 {not_ready_after:.0f}s after the broker died; ready {ready_after:.0f}s after "
          f"an empty broker came back; {len(set(ids))}/20 enriched after; news.raw partitions {topics}")
    assert sorted(set(ids)) == sorted(f"after-{i}" for i in range(20))
    assert topics == "2", "topics must be recreated with our partition count, not the broker's default"
    assert "restarting this worker in place" in log
    assert worker.proc.poll() is None and worker.proc.pid == pid, "the worker process survives"
