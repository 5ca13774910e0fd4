"""`khabar rules add|list|rm`: alert rules on the compacted `news.alert-rules` topic (key = rule name)."""
from __future__ import annotations

import asyncio
import sys

import orjson
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from agents.kafka_url import bootstrap_servers
from agents.settings import Settings
from agents.topics import ensure_topics
from streams.rules import RuleError, parse_rule_json, parse_rule_yaml


async def _write(broker: str, topic: str, key: str, value: bytes | None) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap_servers(broker), acks="all")
    await producer.start()
    try:
        await producer.send_and_wait(topic, value, key=key.encode())
    finally:
        await producer.stop()


async def read_rules(broker: str, topic: str) -> dict[str, bytes]:
    """The current rules: the topic read from the start to its end, later values and tombstones winning."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap_servers(broker), enable_auto_commit=False)
    await consumer.start()
    rules: dict[str, bytes] = {}
    try:
        parts = consumer.partitions_for_topic(topic)
        if not parts:
            await consumer._client.force_metadata_update()
            parts = consumer.partitions_for_topic(topic) or set()
        tps = [TopicPartition(topic, p) for p in sorted(parts)]
        if not tps:
            return rules
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        end = await consumer.end_offsets(tps)
        while any([await consumer.position(tp) < end[tp] for tp in tps]):
            for records in (await consumer.getmany(timeout_ms=500)).values():
                for r in records:
                    name = (r.key or b"").decode()
                    if r.value is None:
                        rules.pop(name, None)
                    else:
                        rules[name] = r.value
    finally:
        await consumer.stop()
    return rules


def _settings(broker: str) -> Settings:
    return Settings.from_env(broker=broker)


def add_rule(broker: str, path: str) -> int:
    try:
        with open(path, encoding="utf-8") as f:
            rule = parse_rule_yaml(f.read())
    except (OSError, UnicodeDecodeError) as exc:
        print(f"khabar rules add: cannot read {path}: {exc}", file=sys.stderr)
        return 2
    except RuleError as exc:
        print(f"khabar rules add: {path}: {exc}", file=sys.stderr)
        return 1
    settings = _settings(broker)

    async def run() -> None:
        await ensure_topics(settings, wait_s=15)  # the compacted topic, never one auto-created by the broker
        await _write(broker, settings.topics.alert_rules, rule.name,
                     orjson.dumps(rule.document))

    try:
        asyncio.run(run())
    except Exception as exc:
        print(f"khabar rules add: {type(exc).__name__}: {exc} (broker {broker})", file=sys.stderr)
        return 1
    print(f"rule {rule.name!r} added to {settings.topics.alert_rules}", file=sys.stderr)
    return 0


def _summary(value: bytes) -> str:
    try:
        rule = parse_rule_json(value)
    except RuleError as exc:
        return f"(invalid: {exc})"
    parts = []
    if rule.entities:
        parts.append("entities " + " | ".join(
            "/".join(x for x in (e.canonical, e.type) if x) for e in rule.entities))
    if rule.keywords:
        parts.append("keywords " + " | ".join(rule.keywords))
    for label, values in (("sections", rule.sections), ("language", rule.languages), ("source", rule.sources)):
        if values:
            parts.append(f"{label} " + " | ".join(values))
    if rule.min_mentions > 1:
        parts.append(f"min_mentions {rule.min_mentions}")
    return "; ".join(parts)


def list_rules(broker: str, as_json: bool = False) -> int:
    settings = _settings(broker)
    try:
        rules = asyncio.run(read_rules(broker, settings.topics.alert_rules))
    except Exception as exc:
        print(f"khabar rules list: {type(exc).__name__}: {exc} (broker {broker})", file=sys.stderr)
        return 1
    if as_json:
        for name in sorted(rules):
            sys.stdout.buffer.write(rules[name] + b"\n")
        return 0
    if not rules:
        print("no alert rules", file=sys.stderr)
        return 0
    from rich.console import Console
    from rich.table import Table

    table = Table("rule", "matches", title=f"alert rules on {settings.topics.alert_rules}")
    for name in sorted(rules):
        table.add_row(name, _summary(rules[name]))
    Console().print(table)
    return 0


def remove_rule(broker: str, name: str) -> int:
    settings = _settings(broker)
    topic = settings.topics.alert_rules
    try:
        rules = asyncio.run(read_rules(broker, topic))
        if name not in rules:
            print(f"khabar rules rm: no rule named {name!r} (see `khabar rules list`)", file=sys.stderr)
            return 1
        asyncio.run(_write(broker, topic, name, None))  # a tombstone: compaction forgets the rule
    except Exception as exc:
        print(f"khabar rules rm: {type(exc).__name__}: {exc} (broker {broker})", file=sys.stderr)
        return 1
    print(f"rule {name!r} removed from {topic}", file=sys.stderr)
    return 0
