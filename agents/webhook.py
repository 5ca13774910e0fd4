"""`khabar alerts --webhook URL`: forward `news.alerts` to an HTTP endpoint, at least once, in order.

A consumer group with manual commits: an alert's offset is committed only after the endpoint answered
2xx, so a crash or an outage redelivers instead of losing. Failures are retried with exponential backoff
(with jitter) on the same alert, so later alerts never overtake it. Each POST carries an
`Idempotency-Key` (rule + article id) for endpoints that want to drop the rare redelivery after a crash.
"""
from __future__ import annotations

import asyncio
import hashlib
import logging
import random
import sys

import aiohttp
import orjson
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.structs import OffsetAndMetadata

from agents import metrics
from agents.kafka_url import bootstrap_servers

log = logging.getLogger("khabar.alerts")


def backoff(attempt: int, base_s: float = 0.5, cap_s: float = 30.0) -> float:
    """Seconds to wait before retry `attempt` (1, 2, ...): exponential, capped, with ±20% jitter."""
    return min(cap_s, base_s * 2 ** (attempt - 1)) * random.uniform(0.8, 1.2)


def idempotency_key(value: bytes) -> str:
    try:
        alert = orjson.loads(value)
        return f"{alert['rule']}:{alert['article_id']}"
    except (orjson.JSONDecodeError, KeyError, TypeError):
        return hashlib.blake2b(value, digest_size=10).hexdigest()


async def deliver(session: aiohttp.ClientSession, url: str, value: bytes, timeout_s: float,
                  max_attempts: int, base_s: float, stop: asyncio.Event | None = None) -> bool:
    headers = {"Content-Type": "application/json", "Idempotency-Key": idempotency_key(value)}
    attempt = 0
    while True:
        attempt += 1
        try:
            async with session.post(url, data=value, headers=headers,
                                    timeout=aiohttp.ClientTimeout(total=timeout_s)) as resp:
                if 200 <= resp.status < 300:
                    metrics.WEBHOOK_DELIVERIES.labels(outcome="ok").inc()
                    return True
                problem = f"HTTP {resp.status}"
        except (TimeoutError, aiohttp.ClientError, OSError) as exc:
            problem = f"{type(exc).__name__}: {exc}"
        metrics.WEBHOOK_DELIVERIES.labels(outcome="retry").inc()
        if max_attempts and attempt >= max_attempts:
            log.error("giving up on alert %s after %d attempts (%s)", headers["Idempotency-Key"], attempt, problem)
            return False
        delay = backoff(attempt, base_s)
        log.warning("webhook %s failed (%s); retry %d in %.1fs", url, problem, attempt, delay)
        await asyncio.sleep(delay)


async def forward(broker: str, topic: str, url: str, group: str, timeout_s: float = 10.0,
                  max_attempts: int = 0, base_s: float = 0.5) -> int:
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=bootstrap_servers(broker), group_id=group, enable_auto_commit=False,
        auto_offset_reset="earliest",
        # Tansu answers a JoinGroup after half the session timeout: keep it short.
        session_timeout_ms=10000, heartbeat_interval_ms=1000, max_poll_records=50)
    await consumer.start()
    log.info("forwarding %s to %s as group %s", topic, url, group)
    try:
        async with aiohttp.ClientSession() as session:
            while True:
                batch = await consumer.getmany(timeout_ms=1000)
                for tp, records in batch.items():
                    for r in records:
                        ok = r.value is None or await deliver(session, url, r.value, timeout_s, max_attempts, base_s)
                        if not ok:
                            return 1  # uncommitted: the next run starts with this alert
                        await consumer.commit({TopicPartition(tp.topic, tp.partition):
                                               OffsetAndMetadata(r.offset + 1, "")})
    finally:
        await consumer.stop()


def run_forwarder(broker: str, topic: str, url: str, group: str, max_attempts: int) -> int:
    logging.basicConfig(level="INFO", format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        return asyncio.run(forward(broker, topic, url, group, max_attempts=max_attempts))
    except KeyboardInterrupt:
        return 0
    except Exception as exc:
        print(f"khabar alerts: {type(exc).__name__}: {exc} (broker {broker})", file=sys.stderr)
        return 1
