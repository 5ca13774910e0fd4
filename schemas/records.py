"""Faust records for every topic's messages: the one source of truth for the wire format.

Fields may be added in a minor change; renaming or removing one needs a new schema version.
"""
from __future__ import annotations

import faust


class Source(faust.Record, serializer="json"):
    name: str | None
    url: str | None


class Timing(faust.Record, serializer="json"):
    """When things happened: the scraper's own footer, Khabar's receipt, and each stage's cost."""

    source_total_time_s: float | None  # the raw text's `Total time:` footer
    received_at: str  # ISO 8601 UTC: when the normalize agent took the raw message
    stages_ms: dict[str, float]  # milliseconds per stage
    published_at: str | None  # from the envelope or a date line in the text
    raw_timestamp_ms: int | None  # the raw message's Kafka timestamp
    pipeline_ms: float | None  # raw message timestamp → enriched event (enriched events only)


class EntityMention(faust.Record, serializer="json"):
    type: str  # PERS | LOC | ORG | MISC
    text: str
    field: str  # title | body
    start: int
    end: int
    canonical: str


class Geo(faust.Record, serializer="json"):
    geonameid: int
    country_code: str
    lat: float
    lon: float


class Entity(faust.Record, serializer="json"):
    """Mentions grouped by canonical form (folded, clitic-stripped)."""

    canonical: str
    type: str
    count: int
    geo: Geo | None


class TemporalItem(faust.Record, serializer="json"):
    text: str
    field: str
    start: int
    end: int
    kind: str  # date | time | duration
    value: str | None  # ISO 8601 at the expression's own granularity
    reference: str  # published_at | fetched_at | message_timestamp | none


class Fingerprint(faust.Record, serializer="json"):
    """The dedup fingerprint (streams/dedup.py): a hash of the folded body and a bottom-k MinHash sketch."""

    body: str  # hash of the folded body's words in order (whitespace between them does not count)
    sketch: list[int]  # the 16 smallest 32-bit word-bigram hashes, ascending
    shingles: int  # distinct word bigrams


class NormalizedEvent(faust.Record, serializer="json"):
    """On `news.normalized`: the parsed and cleaned article, before enrichment."""

    schema: str
    id: str
    source: Source
    section: list[str] | None
    title: str
    body: str
    language: str
    redactions: int
    published_at: str | None
    fetched_at: str | None
    timing: Timing
    fingerprint: Fingerprint | None  # set by Khabar's normalize stage; consumers may dedupe with it


class EnrichedEvent(NormalizedEvent, serializer="json"):
    """On `news.enriched`: the article with entities and temporal expressions. Offsets index title/body."""

    entities: list[EntityMention]
    entity_groups: list[Entity]
    temporal: list[TemporalItem]
    duplicate_of: str | None


class DeadLetter(faust.Record, serializer="json"):
    """On `news.deadletter`: a message no stage could use, with its exact bytes and why."""

    schema: str
    reason: str  # a stable code, see streams.errors.REASONS
    error: str
    stage: str
    original_b64: str
    key_b64: str | None
    topic: str
    partition: int | None
    offset: int | None
    timestamp_ms: int | None
    failed_at: str


class MatchedEntity(faust.Record, serializer="json"):
    canonical: str
    type: str
    count: int


class MatchedKeyword(faust.Record, serializer="json"):
    keyword: str  # as written in the rule
    count: int  # occurrences in the folded title and body


class Matched(faust.Record, serializer="json"):
    entities: list[MatchedEntity]
    keywords: list[MatchedKeyword]


class Alert(faust.Record, serializer="json"):
    """On `news.alerts`: an enriched article matched an alert rule (never for a duplicate)."""

    rule: str
    article_id: str
    title: str
    section: list[str] | None
    url: str | None
    matched: Matched
    received_at: str  # when Khabar received the article (ISO 8601 UTC)


class TrendingEntity(faust.Record, serializer="json"):
    canonical: str
    count: int


class Trending(faust.Record, serializer="json"):
    """On `news.trending`: the most mentioned entities of one type in one closed window."""

    kind: str  # tumbling | hopping
    type: str  # PERS | LOC | ORG | MISC
    window_start: str  # ISO 8601 UTC, inclusive
    window_end: str  # ISO 8601 UTC, exclusive
    top: list[TrendingEntity]
    emitted_at: str


# Topic → record, for the generator and the contract tests.
TOPIC_RECORDS = {
    "normalized": NormalizedEvent,
    "enriched": EnrichedEvent,
    "deadletter": DeadLetter,
    "alerts": Alert,
    "trending": Trending,
}
