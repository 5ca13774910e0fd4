"""All of Khabar's service configuration in one place: defaults, then `KHABAR_*` environment, then flags."""
from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from streams.entities.warmup import DEFAULT_COMMON_WORDS
from streams.parse import DEFAULT_MAX_MESSAGE_BYTES
from streams.pipeline import ENRICH_STAGES, ENTITY_TAGGERS

DEFAULT_BROKER = "kafka://127.0.0.1:9092"
SECURITY_PROTOCOLS = ("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL")
SASL_MECHANISMS = ("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512")
# Never shown by repr, logs, /metrics or --help.
SECRET_FIELDS = ("sasl_password",)


@dataclass(frozen=True, slots=True)
class Topics:
    raw: str = "news.raw"
    normalized: str = "news.normalized"
    enriched: str = "news.enriched"
    deadletter: str = "news.deadletter"
    alerts: str = "news.alerts"
    alert_rules: str = "news.alert-rules"
    trending: str = "news.trending"
    # Internal: one message per (enriched article, entity type), keyed by type, so each type's counts
    # live on one partition and its top N can be ranked there.
    mentions: str = "news.entity-mentions"


@dataclass(frozen=True, slots=True)
class Settings:
    broker: str = DEFAULT_BROKER
    app_id: str = "khabar"
    topics: Topics = field(default_factory=Topics)
    partitions: int = 8
    data_dir: str = "khabar-data"
    metrics_host: str = "127.0.0.1"
    metrics_port: int = 9108
    max_message_bytes: int = DEFAULT_MAX_MESSAGE_BYTES
    enrich_stages: tuple[str, ...] = ENRICH_STAGES
    entity_tagger: str = ENTITY_TAGGERS[0]  # "ensemble"; or "crf": the CRF alone (streams/pipeline.py, README: Configuration)
    # Common words worked out once at start (streams/entities/warmup.py): 2-4 s of CPU, then a new worker tags
    # at the speed of one that has been running; 0 to start at once.
    entity_prewarm_words: int = DEFAULT_COMMON_WORDS
    plumbing_only: bool = False  # parse and route only: no normalizing, dedup or enrichment (the benchmark's)
    # staged: normalize → news.normalized → enrich, two agents (the topic is there for other consumers,
    # and dedup keys meet on one partition); fused: one agent, news.raw → news.enriched, fewer Kafka hops,
    # and dedup sees only the copies that reach the same worker (README: topology).
    topology: str = "staged"
    # Faust's default 60 s session makes a group join wait 30 s on Tansu; 10 s suits Kafka and Tansu alike.
    session_timeout_s: float = 10.0
    heartbeat_interval_s: float = 1.0
    commit_interval_s: float = 1.0
    # An agent takes what has arrived, at most batch_max messages, per turn (agents/batches.py).
    batch_max: int = 64
    # How long the broker may hold a fetch that has no data yet. Faust hard-codes 1.5 s; Tansu then holds
    # every idle fetch that long, which a message arriving meanwhile waits out at each hop.
    # Tansu also holds a fetch that finds no data for the whole wait, even if data arrives meanwhile, so
    # each hop costs up to this much latency; 50 ms: ~25 ms a hop on average, and when idle ~14% of a core
    # for Tansu and ~5% for the worker (measured with 26 partitions fetched).
    fetch_max_wait_ms: int = 50
    # ... while the worker keeps up. While the last stage has more work queued than this wait lasts it is
    # behind, a quick empty answer buys nothing, and each one costs Tansu ~6 ms of CPU: fetches then wait
    # this long (agents/fetch_wait.py).
    fetch_behind_wait_ms: int = 300
    producer_linger_s: float = 0.005
    producer_batch_bytes: int = 512 * 1024
    max_poll_records: int = 1000
    # Faust's check that a table's applied offset is not past its changelog's end. Tansu under-reports
    # end offsets after batched writes (see agents/lag.py), which made the check crash workers on
    # rebalance; docker-compose turns it on for Apache Kafka.
    recovery_consistency_check: bool = False
    lag_interval_s: float = 5.0
    # Standby copies of each table partition on other workers: quick failover, but every worker then also
    # reads every other worker's changelogs.
    standby_replicas: int = 0
    log_level: str = "info"
    # Duplicates: a story seen again within this window is marked `duplicate_of` and does not alert.
    dedup_window_s: float = 86400.0
    dedup_min_similarity: float = 0.8  # estimated word-bigram Jaccard for a near-copy from the same source
    # Trending entities: tumbling and hopping windows over entity mentions, top N per type per window.
    trending_tumbling_s: float = 300.0
    trending_hopping_s: float = 3600.0
    trending_hop_step_s: float = 300.0
    trending_top_n: int = 10
    trending_grace_s: float = 5.0  # a window is ranked this long after it ends, for stragglers
    trending_flush_s: float = 1.0  # mention counts are summed in memory this long before a table write
    # Broker security, as in aiokafka and Faust; agents/kafka_security.py turns these into client options.
    security_protocol: str = "PLAINTEXT"  # PLAINTEXT | SSL | SASL_PLAINTEXT | SASL_SSL
    sasl_mechanism: str = "PLAIN"  # PLAIN | SCRAM-SHA-256 | SCRAM-SHA-512
    sasl_username: str = ""
    sasl_password: str = ""  # prefer KHABAR_SASL_PASSWORD or sasl_password_file over a flag
    sasl_password_file: str = ""
    ssl_cafile: str = ""  # CA bundle that signed the broker's certificate; empty: the system's
    ssl_certfile: str = ""  # client certificate, for brokers that require mutual TLS
    ssl_keyfile: str = ""

    def __repr__(self) -> str:
        shown = []
        for f in fields(self):
            value = getattr(self, f.name)
            shown.append(f"{f.name}={'***' if f.name in SECRET_FIELDS and value else repr(value)}")
        return f"Settings({', '.join(shown)})"

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None, **overrides) -> Settings:
        env = os.environ if env is None else env
        values: dict = {}
        for f in fields(cls):
            raw = env.get(f"KHABAR_{f.name.upper()}")
            if raw is None or f.name == "topics":
                continue
            values[f.name] = _coerce(f.name, raw)
        topic_values = {t.name: env[f"KHABAR_TOPIC_{t.name.upper()}"] for t in fields(Topics)
                        if f"KHABAR_TOPIC_{t.name.upper()}" in env}
        settings = cls(**values)
        if topic_values:
            settings = replace(settings, topics=replace(settings.topics, **topic_values))
        overrides = {k: v for k, v in overrides.items() if v is not None}
        return replace(settings, **overrides) if overrides else settings

    @property
    def data_path(self) -> Path:
        return Path(self.data_dir).absolute()


def _coerce(name: str, raw: str):
    default = getattr(Settings(), name)
    if isinstance(default, bool):
        return raw.lower() in ("1", "true", "yes", "on")
    if isinstance(default, int):
        return int(raw)
    if isinstance(default, float):
        return float(raw)
    if isinstance(default, tuple):
        return tuple(x.strip() for x in raw.split(",") if x.strip())
    return raw
