"""The consumer's fetch wait, which Faust does not expose: it builds aiokafka's consumer with 1,500 ms.

A fetch with no data is held by the broker up to that long. Apache Kafka answers early when data arrives,
but Tansu holds waits above a second to the end, so every hop would add up to 1.5 s to a quiet stream
(measured: a message produced into an idle partition took 1,466 ms to arrive at 1,500 ms, 2 ms at 500 ms).
"""
from __future__ import annotations

from faust.transport.drivers.aiokafka import AIOKafkaConsumerThread

_create_worker_consumer = AIOKafkaConsumerThread._create_worker_consumer


def _with_fetch_wait(self, transport):
    consumer = _create_worker_consumer(self, transport)
    wait_ms = getattr(self.app, "khabar_fetch_max_wait_ms", None)
    if wait_ms is not None:
        consumer._fetch_max_wait_ms = int(wait_ms)  # read by aiokafka when the consumer starts its fetcher
    return consumer


# Installed once, on import; it changes nothing for an app that `set_fetch_max_wait` was not called on.
AIOKafkaConsumerThread._create_worker_consumer = _with_fetch_wait


def set_fetch_max_wait(app, wait_ms: int) -> None:
    """Use `wait_ms` for `app`'s worker consumer (other apps in the process keep Faust's value)."""
    app.khabar_fetch_max_wait_ms = wait_ms
