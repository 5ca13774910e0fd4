"""Create Khabar's topics before any client subscribes.

Brokers with automatic topic creation (Tansu, many Kafka setups) would otherwise create a topic on the
first metadata request, with the broker's default partition count instead of ours.
"""
from __future__ import annotations

import asyncio
import logging
import time

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaConnectionError, TopicAlreadyExistsError

from agents.kafka_url import bootstrap_servers
from agents.settings import Settings

log = logging.getLogger(__name__)


def topic_specs(settings: Settings) -> list[NewTopic]:
    t = settings.topics
    n = settings.partitions
    specs = [NewTopic(name, n, 1) for name in (t.raw, t.normalized, t.enriched, t.deadletter, t.alerts, t.trending,
                                                     t.mentions)]
    # Rules are state: only the latest version of each rule matters, so the topic is compacted.
    specs.append(NewTopic(t.alert_rules, 1, 1, topic_configs={"cleanup.policy": "compact"}))
    return specs


async def ensure_topics(settings: Settings, wait_s: float | None = 600.0, client_options: dict | None = None) -> None:
    """Create missing topics, waiting (with a log line per try) for a broker that is not up yet; None: forever."""
    deadline = time.monotonic() + wait_s if wait_s is not None else float("inf")
    delay = 0.5
    while True:
        admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers(settings.broker), **(client_options or {}))
        try:
            await admin.start()
            existing = set(await admin.list_topics())
            missing = [s for s in topic_specs(settings) if s.name not in existing]
            if missing and len(missing) < len(topic_specs(settings)):
                log.info("broker %s has %d of our topics; creating the rest", settings.broker,
                         len(topic_specs(settings)) - len(missing))
            for spec in missing:  # one by one: a topic created meanwhile by another worker is fine
                try:
                    await admin.create_topics([spec])
                    log.info("created topic %s (%d partitions)", spec.name, spec.num_partitions)
                except TopicAlreadyExistsError:
                    pass
            return
        except (TimeoutError, KafkaConnectionError, OSError) as exc:
            if time.monotonic() > deadline:
                raise
            log.warning("broker %s not reachable yet (%s); retrying in %.1fs", settings.broker,
                        type(exc).__name__, delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 5.0)
        finally:
            try:
                await admin.close()
            except Exception:
                pass
