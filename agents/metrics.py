"""Prometheus metrics, in base units, with bounded labels (stage, topic, outcome, reason, type, partition).

Never an article id or entity string as a label: cardinality must not grow with the news.
"""
from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram, Info

# Stage work takes microseconds to a few hundred milliseconds.
STAGE_BUCKETS = (0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)
# From the raw message's Kafka timestamp to the enriched event: 1 ms to 60 s fits news.
END_TO_END_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)

MESSAGES = Counter(
    "khabar_messages", "Messages handled by a stage, by outcome (ok, deadletter, duplicate).",
    ["stage", "outcome"])
MESSAGES_IN = Counter("khabar_topic_messages_in", "Messages consumed, per stage and source topic.", ["stage", "topic"])
MESSAGES_OUT = Counter("khabar_topic_messages_out", "Messages produced, per stage and target topic.", ["stage", "topic"])
BYTES_IN = Counter("khabar_topic_bytes_in", "Bytes consumed (message values), per stage and topic.", ["stage", "topic"])
STAGE_DURATION = Histogram(
    "khabar_stage_duration_seconds", "Time spent in one processing stage for one message.", ["stage"],
    buckets=STAGE_BUCKETS)
END_TO_END = Histogram(
    "khabar_end_to_end_latency_seconds",
    "From the raw message's Kafka timestamp to its enriched event being produced.", buckets=END_TO_END_BUCKETS)
DEADLETTERS = Counter("khabar_deadletter", "Messages sent to the dead-letter topic, by reason.", ["reason"])
ENTITIES = Counter("khabar_entities", "Entity mentions found, by type.", ["type"])
TEMPORAL = Counter("khabar_temporal_expressions", "Temporal expressions found, by kind.", ["kind"])
LAST_PROCESSED = Gauge(
    "khabar_last_processed_timestamp_seconds", "Unix time when a stage last finished a message.", ["stage"])
IN_FLIGHT = Gauge("khabar_messages_in_flight", "Messages taken from Kafka and not yet finished, per stage.", ["stage"])
CONSUMER_LAG = Gauge(
    "khabar_consumer_lag_messages", "End offset minus committed offset, per topic and partition.",
    ["topic", "partition"])
ASSIGNED_PARTITIONS = Gauge("khabar_assigned_partitions", "Partitions currently assigned to this worker.")
REBALANCES = Counter("khabar_rebalances", "Consumer group rebalances this worker took part in.")
BUILD = Info("khabar_build", "Version and build information.")

# Newsroom features: duplicates, alerts, trending windows, webhook deliveries.
DUPLICATES = Counter(
    "khabar_duplicates", "Enriched articles marked duplicate_of an earlier copy, by kind (exact, near).", ["kind"])
ALERTS = Counter("khabar_alerts", "Alerts sent to the alerts topic (one per matching rule and article).")
ALERT_RULES = Gauge("khabar_alert_rules", "Valid alert rules this worker currently holds.")
TRENDING_WINDOWS = Counter(
    "khabar_trending_windows", "Trending rankings sent (one per closed window and entity type), by kind.", ["kind"])
WEBHOOK_DELIVERIES = Counter(
    "khabar_webhook_deliveries", "Webhook POST attempts by `khabar alerts`, by outcome (ok, retry).", ["outcome"])
