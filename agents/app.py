"""The Faust app: topics, the stage agents, and the hooks that feed health and metrics.

One worker process runs every agent; more workers with the same app id share the partitions.
Topology (KHABAR_TOPOLOGY): `staged` runs normalize and enrich as two agents joined by news.normalized,
`fused` runs both in one agent from news.raw straight to news.enriched.
"""
from __future__ import annotations

import logging
import time

from agents import metrics, recovery_order  # noqa: F401  (recovery_order: Faust's end of recovery, reordered)
from agents.consumer import App
from agents.fetch_wait import set_fetch_max_wait
from agents.kafka_security import faust_credentials
from agents.partitioner import KeyPartitioner
from agents.settings import Settings
from agents.steps import DEADLETTER, ENRICHED, NORMALIZED, EnrichStep, FusedStep, Meta, NormalizeStep, Output
from streams.pipeline import PipelineConfig

log = logging.getLogger(__name__)

TOPOLOGIES = ("staged", "fused")


class Khabar:
    """Holds the Faust app, its topics and the per-stage steps, built once from `Settings`."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.app = App(
            settings.app_id,
            broker=settings.broker,
            broker_credentials=faust_credentials(settings),
            store="memory://",
            datadir=str(settings.data_path),
            topic_partitions=settings.partitions,
            topic_replication_factor=1,
            topic_allow_declare=True,
            value_serializer="raw",
            key_serializer="raw",
            web_enabled=False,  # Khabar serves /metrics, /healthz and /readyz itself
            broker_session_timeout=settings.session_timeout_s,
            broker_heartbeat_interval=settings.heartbeat_interval_s,
            broker_commit_interval=settings.commit_interval_s,
            consumer_auto_offset_reset="earliest",
            producer_acks=-1,
            producer_linger=settings.producer_linger_s,
            producer_max_batch_size=settings.producer_batch_bytes,
            producer_partitioner=KeyPartitioner(),  # Kafka's default (murmur2), hashed in C
            broker_max_poll_records=settings.max_poll_records,
            stream_wait_empty=False,
            recovery_consistency_check=settings.recovery_consistency_check,
            table_standby_replicas=settings.standby_replicas,
        )
        set_fetch_max_wait(self.app, settings.fetch_max_wait_ms, settings.fetch_behind_wait_ms)
        t = settings.topics
        self.topics = {
            "raw": self.app.topic(t.raw),
            NORMALIZED: self.app.topic(t.normalized),
            ENRICHED: self.app.topic(t.enriched),
            DEADLETTER: self.app.topic(t.deadletter),
        }
        self.topic_names = {kind: topic.get_topic_name() for kind, topic in self.topics.items()}
        if settings.topology not in TOPOLOGIES:
            raise ValueError(f"unknown topology {settings.topology!r}; known: {', '.join(TOPOLOGIES)}")
        self._counters = self._output_counters(("normalize", "enrich"))
        self._normalized_ok = metrics.MESSAGES.labels(stage="normalize", outcome="ok")
        if settings.plumbing_only:
            config = PipelineConfig.plumbing_only(max_message_bytes=settings.max_message_bytes)
        else:
            config = PipelineConfig(max_message_bytes=settings.max_message_bytes,
                                    enrich_stages=settings.enrich_stages, entity_tagger=settings.entity_tagger,
                                    entity_prewarm_words=settings.entity_prewarm_words)
        self.normalize_step = NormalizeStep(config)
        started = time.process_time()
        self.enrich_step = EnrichStep(config)
        if "entities" in config.enrich_stages:
            log.info("entity stage ready in %.1f s of CPU (%d common words worked out at start, "
                     "KHABAR_ENTITY_PREWARM_WORDS)", time.process_time() - started, config.entity_prewarm_words)
        self._register_agents()
        self._register_hooks()

    async def produce(self, stage: str, out: Output) -> None:
        """Hand one output to the producer and count it. Straight to the aiokafka producer inside Faust's
        rather than `Topic.send` or Faust's `Producer.send`: the value is bytes already, and those add per
        message a signal, header and timestamp handling this output has no use for. Faust's commit
        flushes this same producer first."""
        await self.app.producer._ensure_producer().send(self.topic_names[out.topic], out.value, key=out.key)
        if out.stage is not None:  # from the fused step: counted as the stages it went through
            if out.stage != "normalize":
                self._normalized_ok.inc()
            stage = out.stage
        out_counter, outcome_counter = self._counters[(stage, out.topic)]
        out_counter.inc()
        outcome_counter.inc()

    def _output_counters(self, stages: tuple[str, ...]) -> dict:
        """Metric children per (stage, output kind), looked up once rather than per message."""
        counters = {}
        for stage in stages:
            for kind, name in self.topic_names.items():
                outcome = "deadletter" if kind == DEADLETTER else "ok"
                counters[(stage, kind)] = (metrics.MESSAGES_OUT.labels(stage=stage, topic=name),
                                           metrics.MESSAGES.labels(stage=stage, outcome=outcome))
        return counters

    def _register_agents(self) -> None:
        from agents import newsroom
        from agents.stage_agent import stage_agent

        newsroom.register(self)  # dedup (wraps enrich_step), alerts, trending (self.newsroom): before the stages
        if self.settings.topology == "fused":
            stage_agent(self, "fused", self.topics["raw"], FusedStep(self.normalize_step, self.enrich_step),
                        sink=self.newsroom)
        else:
            stage_agent(self, "normalize", self.topics["raw"], self.normalize_step)
            stage_agent(self, "enrich", self.topics[NORMALIZED], self.enrich_step, sink=self.newsroom)

    def _register_hooks(self) -> None:
        app = self.app

        @app.on_partitions_assigned.connect
        async def on_assigned(app, assigned, **kwargs) -> None:
            metrics.REBALANCES.inc()
            metrics.ASSIGNED_PARTITIONS.set(len(app.consumer.assignment()))


def message_meta(message) -> Meta:
    ts = message.timestamp
    return Meta(topic=message.topic, partition=message.partition, offset=message.offset,
                timestamp_ms=int(ts * 1000) if ts else None)
