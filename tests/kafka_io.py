"""Talking to the broker in tests with librdkafka (confluent-kafka), an independent, non-Python client."""
from __future__ import annotations

import json
import time

from confluent_kafka import Consumer, Producer, TopicPartition


def produce(port: int, topic: str, items: list[tuple[bytes | None, bytes]]) -> None:
    p = Producer({"bootstrap.servers": f"127.0.0.1:{port}", "linger.ms": 5})
    for key, value in items:
        p.produce(topic, key=key, value=value)
    assert p.flush(30) == 0, "messages not delivered"


def consume(port: int, topic: str, want: int, timeout: float = 60, decode=json.loads, extra_wait: float = 0.0):
    """Read `topic` from the start (manual assignment: librdkafka's group join hangs on Tansu)."""
    c = Consumer({"bootstrap.servers": f"127.0.0.1:{port}", "group.id": f"test-{time.time()}",
                  "enable.auto.commit": False, "auto.offset.reset": "earliest"})
    deadline = time.time() + timeout
    parts = []
    while time.time() < deadline and not parts:
        md = c.list_topics(topic, timeout=5)
        parts = list(md.topics[topic].partitions) if topic in md.topics else []
        if not parts:
            time.sleep(0.3)
    c.assign([TopicPartition(topic, p, 0) for p in parts])
    out = []
    while len(out) < want and time.time() < deadline:
        m = c.poll(0.3)
        if m is not None and not m.error():
            out.append(decode(m.value()) if decode else m)
    # Wait a little longer to catch extras (duplicates) when asked.
    end = time.time() + extra_wait
    while time.time() < end:
        m = c.poll(0.3)
        if m is not None and not m.error():
            out.append(decode(m.value()) if decode else m)
    c.close()
    return out
