"""`Article` ⇄ the plain dicts on the topics. Field names follow `schemas.records` exactly.

Plain dicts rather than record instances on the hot path: orjson serializes them directly, and a test
validates their shape against the generated JSON Schemas.
"""
from __future__ import annotations

from typing import Any

from schemas import ENRICHED_SCHEMA, NORMALIZED_SCHEMA
from streams.article import Article
from streams.dedup import Fingerprint


def _timing(article: Article, pipeline_ms: float | None) -> dict[str, Any]:
    return {
        "source_total_time_s": article.source_total_time_s,
        "received_at": article.received_at or "",
        "stages_ms": article.stages_ms,
        "published_at": article.published_at,
        "raw_timestamp_ms": article.message_timestamp_ms,
        "pipeline_ms": pipeline_ms,
    }


def _common(article: Article, schema: str) -> dict[str, Any]:
    return {
        "schema": schema,
        "id": article.id,
        "source": {"name": article.source_name, "url": article.url},
        "section": article.section,
        "title": article.title,
        "body": article.body,
        "language": article.language or "und",
        "redactions": article.redactions,
        "published_at": article.published_at,
        "fetched_at": article.fetched_at,
        "fingerprint": _fingerprint(article.fingerprint),
    }


def _fingerprint(fp) -> dict[str, Any] | None:
    return {"body": fp.body, "sketch": list(fp.sketch), "shingles": fp.shingles} if fp is not None else None


def normalized_event(article: Article) -> dict[str, Any]:
    event = _common(article, NORMALIZED_SCHEMA)
    event["timing"] = _timing(article, None)
    return event


def enriched_event(article: Article, pipeline_ms: float | None = None) -> dict[str, Any]:
    event = _common(article, ENRICHED_SCHEMA)
    event["entities"] = [
        {"type": m.type, "text": m.text, "field": m.field, "start": m.start, "end": m.end,
         "canonical": m.canonical or m.text}
        for m in article.entities
    ]
    event["entity_groups"] = article.entity_groups
    event["temporal"] = [
        {"text": t.text, "field": t.field, "start": t.start, "end": t.end, "kind": t.kind, "value": t.value,
         "reference": t.reference}
        for t in article.temporal
    ]
    event["timing"] = _timing(article, pipeline_ms)
    event["duplicate_of"] = article.duplicate_of
    return event


def article_from_normalized(event: dict[str, Any]) -> Article:
    """The enrich agent's input. Folded forms are recomputed there: cheaper than shipping them."""
    source = event.get("source") or {}
    timing = event.get("timing") or {}
    return Article(
        id=event["id"],
        title=event["title"],
        body=event["body"],
        section=event.get("section"),
        source_name=source.get("name"),
        url=source.get("url"),
        language=event.get("language"),
        published_at=event.get("published_at"),
        fetched_at=event.get("fetched_at"),
        message_timestamp_ms=timing.get("raw_timestamp_ms"),
        received_at=timing.get("received_at"),
        source_total_time_s=timing.get("source_total_time_s"),
        redactions=event.get("redactions", 0),
        stages_ms=dict(timing.get("stages_ms") or {}),
        fingerprint=_fingerprint_of(event.get("fingerprint")),
    )


def _fingerprint_of(value: dict[str, Any] | None) -> Fingerprint | None:
    # Events from before the field existed (or from other producers) are fingerprinted again downstream.
    if not isinstance(value, dict):
        return None
    try:
        return Fingerprint(str(value["body"]), tuple(int(h) for h in value["sketch"]), int(value["shingles"]))
    except (KeyError, TypeError, ValueError):
        return None



def alert_event(rule: str, event: dict[str, Any], matched: dict[str, Any]) -> dict[str, Any]:
    """The alert for one rule matching one enriched event (a dict as on `news.enriched`)."""
    return {
        "rule": rule,
        "article_id": event["id"],
        "title": event.get("title") or "",
        "section": event.get("section"),
        "url": (event.get("source") or {}).get("url"),
        "matched": {"entities": matched.get("entities", []), "keywords": matched.get("keywords", [])},
        "received_at": (event.get("timing") or {}).get("received_at") or "",
    }
