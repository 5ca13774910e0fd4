"""The one document carried through every stage (spaCy's `Doc` for Khabar)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class Mention:
    """One entity mention; `start`/`end` index into the article's `title` or `body` as stored."""

    type: str  # PERS | LOC | ORG | MISC
    text: str
    field: str  # "title" | "body"
    start: int
    end: int
    canonical: str = ""
    score: float | None = None


@dataclass(slots=True)
class TemporalExpression:
    """A date, time or duration found in the text, resolved to an ISO 8601 `value`."""

    text: str
    field: str
    start: int
    end: int
    kind: str  # date | time | duration
    value: str | None
    reference: str  # which reference time resolved it: published_at | fetched_at | message_timestamp | none


@dataclass(slots=True)
class Article:
    """A news item: what was parsed from the raw message, then what each stage adds."""

    id: str = ""
    title: str = ""
    body: str = ""
    section: list[str] | None = None
    source_name: str | None = None
    url: str | None = None
    language: str | None = None
    published_at: str | None = None  # ISO 8601, from the envelope or a date line in the text
    fetched_at: str | None = None
    message_timestamp_ms: int | None = None  # the Kafka timestamp of the raw message
    received_at: str | None = None
    source_total_time_s: float | None = None  # the scraper's `Total time:` footer
    redactions: int = 0
    folded_title: str = ""
    folded_body: str = ""
    entities: list[Mention] = field(default_factory=list)
    entity_groups: list[dict[str, Any]] = field(default_factory=list)
    temporal: list[TemporalExpression] = field(default_factory=list)
    stages_ms: dict[str, float] = field(default_factory=dict)
    duplicate_of: str | None = None
    fingerprint: Any = None  # streams.dedup.Fingerprint: computed once when normalizing, shipped onward

    def text_of(self, field_name: str) -> str:
        return self.title if field_name == "title" else self.body
