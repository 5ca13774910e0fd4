"""What each agent does to one message, without Kafka: bytes in, (topic, key, bytes) out.

The agents are async loops around these; `khabar enrich` and the tests call them directly. Any failure
becomes a dead letter here, so an agent can never be stopped by its input.
"""
from __future__ import annotations

import logging
import time
from collections import Counter
from dataclasses import dataclass

import orjson

from agents import metrics
from agents.deadletter import dead_letter, encode, utc_now_iso
from schemas.wire import article_from_normalized, enriched_event, normalized_event
from streams import errors
from streams.dedup import Fingerprint, dedup_key
from streams.errors import Rejected
from streams.normalize import add_folded
from streams.pipeline import PipelineConfig, build_enricher, build_normalizer, parse

log = logging.getLogger(__name__)

NORMALIZED, ENRICHED, DEADLETTER = "normalized", "enriched", "deadletter"


@dataclass(slots=True)
class Meta:
    """Where a message came from; copied into dead letters."""

    topic: str = ""
    partition: int | None = None
    offset: int | None = None
    timestamp_ms: int | None = None


@dataclass(slots=True)
class Output:
    topic: str  # NORMALIZED | ENRICHED | DEADLETTER
    key: bytes | None
    value: bytes
    reason: str | None = None  # for dead letters
    stage: str | None = None  # which stage made it, when one step runs several (FusedStep)
    event: dict | None = None  # an enriched event as a dict, for the newsroom sink (no decode of `value`)


_stage_duration: dict[str, object] = {}  # stage → its histogram child: `labels()` takes a lock each call


def _observe(stage: str, seconds: float) -> None:
    child = _stage_duration.get(stage)
    if child is None:
        child = _stage_duration[stage] = metrics.STAGE_DURATION.labels(stage=stage)
    child.observe(seconds)


class NormalizeStep:
    """Raw bytes → a normalized event (or a dead letter)."""

    stage = "normalize"

    def __init__(self, config: PipelineConfig | None = None) -> None:
        self.config = config or PipelineConfig()
        self.pipeline = build_normalizer(self.config)

    def __call__(self, value: bytes | None, key: bytes | None, meta: Meta) -> Output:
        try:
            article = self.article(value, meta)
            # Keyed for dedup: copies of a story (same source or same body) meet on one partition.
            key = dedup_key(article, article.fingerprint) if article.fingerprint else article.id
            return Output(NORMALIZED, key.encode(), orjson.dumps(normalized_event(article)))
        except Exception as exc:
            return _refused(exc, self.stage, value, key, meta)

    def article(self, value: bytes | None, meta: Meta):
        """Parse and normalize one raw message into an Article with its fingerprint; raises `Rejected`."""
        t0 = time.perf_counter()
        article = parse(value or b"", self.config.max_message_bytes)
        parse_s = time.perf_counter() - t0
        _observe("parse", parse_s)
        article.stages_ms["parse"] = round(parse_s * 1000, 3)
        article.message_timestamp_ms = meta.timestamp_ms
        article.received_at = utc_now_iso()
        article = self.pipeline(article, _observe)
        if not article.title and not article.body:
            raise Rejected(errors.EMPTY, "nothing left after normalizing")
        if self.config.folds:
            article.fingerprint = Fingerprint.of(article.folded_body)
        return article


class EnrichStep:
    """A normalized event → an enriched event (or a dead letter)."""

    stage = "enrich"

    def __init__(self, config: PipelineConfig | None = None) -> None:
        self.config = config or PipelineConfig()
        self.pipeline = build_enricher(self.config)

    def __call__(self, value: bytes | None, key: bytes | None, meta: Meta) -> Output:
        try:
            try:
                event = orjson.loads(value or b"")
                article = article_from_normalized(event)
            except (orjson.JSONDecodeError, KeyError, TypeError, AttributeError) as exc:
                raise Rejected(errors.INVALID_ENVELOPE, f"not a normalized event: {exc}") from None
            return self.output(self.enrich(article))
        except Exception as exc:
            return _refused(exc, self.stage, value, key, meta)

    def output(self, article) -> Output:
        """The enriched event of an enriched article, keyed by its id."""
        pipeline_ms = None
        if article.message_timestamp_ms:
            pipeline_ms = max(0.0, time.time() * 1000 - article.message_timestamp_ms)
            metrics.END_TO_END.observe(pipeline_ms / 1000)
        event = enriched_event(article, pipeline_ms)
        return Output(ENRICHED, article.id.encode(), orjson.dumps(event), event=event)

    def enrich(self, article):
        if self.config.folds and not (article.folded_title or article.folded_body):  # a decoded event: not
            article = add_folded(article)  # shipped on the topic (cheaper to recompute); fused has them already
        article = self.pipeline(article, _observe)
        # One counter update per type, not per mention: a labelled child lookup takes a lock.
        if article.entities:
            for etype, n in Counter(m.type for m in article.entities).items():
                metrics.ENTITIES.labels(type=etype).inc(n)
        if article.temporal:
            for kind, n in Counter(t.kind for t in article.temporal).items():
                metrics.TEMPORAL.labels(kind=kind).inc(n)
        return article


class FusedStep:
    """Raw bytes → an enriched event (or a dead letter) in one step: normalize then enrich, with no
    news.normalized hop in between (KHABAR_TOPOLOGY=fused). Dead letters carry the raw message and name
    the stage that refused it."""

    stage = "fused"

    def __init__(self, normalize: NormalizeStep, enrich: EnrichStep) -> None:
        self.normalize, self.enrich = normalize, enrich

    def __call__(self, value: bytes | None, key: bytes | None, meta: Meta) -> Output:
        stage = self.normalize.stage
        try:
            article = self.normalize.article(value, meta)
            stage = self.enrich.stage
            out = self.enrich.output(self.enrich.enrich(article))
        except Exception as exc:
            out = _refused(exc, stage, value, key, meta)
        out.stage = stage
        return out


def _refused(exc: Exception, stage: str, value: bytes | None, key: bytes | None, meta: Meta) -> Output:
    """The dead letter for a failure in `stage` (call from the `except` block): a `Rejected` input keeps its
    reason; anything else is a bug in a stage, logged, which must not stop the stream either."""
    if isinstance(exc, Rejected):
        return _dead(exc.reason, exc.detail, stage, value, key, meta)
    log.exception("%s failed on %s[%s]@%s", stage, meta.topic, meta.partition, meta.offset)
    return _dead(errors.STAGE_ERROR, f"{type(exc).__name__}: {exc}", stage, value, key, meta)


def _dead(reason: str, detail: str, stage: str, value: bytes | None, key: bytes | None, meta: Meta) -> Output:
    record = dead_letter(reason, detail, stage, value, key, meta.topic, meta.partition, meta.offset,
                         meta.timestamp_ms)
    return Output(DEADLETTER, key, encode(record), reason)
