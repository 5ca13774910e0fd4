"""Newsroom agents and tables: duplicates (in the enrich step), alert rules, trending entities.

Topology (keys in brackets):
  news.normalized [dedup key: source + MinHash bucket] → enrich (+ dedup table) → news.enriched [id]
     and, from the same agent (NewsroomSink): alerts (+ rules global table ← news.alert-rules [rule name])
     → news.alerts, and the mentions fan-out → news.entity-mentions [type] → counts (bucket table)
  a timer composes tumbling and hopping windows from the buckets and ranks them → news.trending [type]
The logic lives in streams/ (rules, dedup, trending); these are the thin Kafka-facing loops.
"""
from __future__ import annotations

import logging
import time

import faust
import orjson
from faust.types import TP

from agents import metrics
from agents.batches import Held, event_batches, set_current_event
from agents.steps import EnrichStep
from schemas.wire import alert_event
from streams import dedup, trending
from streams.rules import RuleCache, match_rules

log = logging.getLogger(__name__)


class RulesTable(faust.GlobalTable):
    """A global table whose changelog is our own `news.alert-rules` topic, written by `khabar rules`.

    Faust's assignor looks a global table's changelog up by the default name (`<app>-<table>-changelog`)
    even when another topic is given, and fails the rebalance with a KeyError; this names the real one.
    """

    version = 0  # bumped on every change to the contents, so a reader can cache what it derived from them

    def _changelog_topic_name(self) -> str:
        return self.changelog_topic.get_topic_name()

    def apply_changelog_batch(self, batch) -> None:  # how `khabar rules` writes arrive, at start and live
        super().apply_changelog_batch(batch)
        self.version += 1

    def on_key_set(self, key, value) -> None:
        super().on_key_set(key, value)
        self.version += 1

    def on_key_del(self, key) -> None:
        super().on_key_del(key)
        self.version += 1

    def on_clear(self) -> None:
        super().on_clear()
        self.version += 1

    def reset_state(self) -> None:
        super().reset_state()
        self.version += 1


class Deduplicator:
    """Looks an article up in the dedup table (its key is the message key, so the state is local)."""

    def __init__(self, table, window_s: float, min_similarity: float) -> None:
        self.table, self.window_s, self.min_similarity = table, window_s, min_similarity

    def __call__(self, article) -> str | None:
        fp = article.fingerprint or dedup.Fingerprint.of(article.folded_body)
        key = dedup.dedup_key(article, fp)
        ts = article.message_timestamp_ms / 1000 if article.message_timestamp_ms else time.time()
        verdict = dedup.check(self.table.get(key), fp, article.id, ts, self.window_s, self.min_similarity,
                              allow_near=bool(article.source_name))
        if verdict.entries is not None:
            self.table[key] = verdict.entries
        if verdict.duplicate_of:
            metrics.DUPLICATES.labels(kind=verdict.kind).inc()
        return verdict.duplicate_of


class DedupEnrichStep(EnrichStep):
    """The enrich step, plus `duplicate_of` from the dedup table. Shares the wrapped step's loaded models."""

    def __init__(self, inner: EnrichStep, deduplicate: Deduplicator) -> None:
        self.__dict__.update(inner.__dict__)
        self.deduplicate = deduplicate

    def enrich(self, article):
        article = super().enrich(article)
        article.duplicate_of = self.deduplicate(article)
        return article


class MentionSums:
    """A batch's entity mentions summed per (type, trending bucket): one message per type and bucket on
    `news.entity-mentions` instead of one per article, stamped with the first article's time in the bucket."""

    def __init__(self, step_s: float) -> None:
        self.step_s = step_s
        self.by_type_and_bucket: dict[tuple[str, float], dict[str, int]] = {}
        self._bucket_ts: dict[float, float] = {}

    def add(self, doc: dict, message_ts: float) -> None:
        raw_ms = (doc.get("timing") or {}).get("raw_timestamp_ms")
        ts = raw_ms / 1000 if raw_ms else message_ts
        ts = self._bucket_ts.setdefault(ts // self.step_s, ts)
        for etype, counts in trending.mentions_by_type(doc).items():
            total = self.by_type_and_bucket.setdefault((etype, ts), {})
            for canonical, n in counts.items():
                total[canonical] = total.get(canonical, 0) + n


class _Counts:
    """Mention counts summed since the last write, and for each key an event in its bucket and partition."""

    def __init__(self) -> None:
        self.tally = trending.Tally()
        self.writers: dict[tuple, object] = {}


def flush_when_due(held: Held, write):
    """A timer body flushing `held` once it is due, for when no new batch comes to do it."""
    async def flush() -> None:
        # A timer that raises stops the whole worker: log instead. Unwritten messages stay unacked, so their
        # partition's commits wait for them and a restart or rebalance reads them again.
        try:
            await held.flush_if_due(write)
        except Exception:
            log.exception("flushing held sums failed")
    return flush


def register(khabar) -> None:
    """Tables, agents and the trending timer; wraps `khabar.enrich_step` with dedup. Call before the stage
    agents are registered."""
    app, settings, t = khabar.app, khabar.settings, khabar.settings.topics

    dedup_table = app.Table("dedup", default=None,
                            partitions=settings.partitions, help="Recent fingerprints per dedup key.")
    if khabar.enrich_step.config.folds:  # dedup compares folded text; plumbing-only has none
        khabar.enrich_step = DedupEnrichStep(
            khabar.enrich_step, Deduplicator(dedup_table, settings.dedup_window_s, settings.dedup_min_similarity))

    # Sums wait up to flush_s before they are sent or written: well within the grace, twice.
    flush_s = min(settings.trending_flush_s, settings.trending_grace_s / 4)
    khabar.newsroom = NewsroomSink(app, _alerts(khabar, app, t),
                                   _register_trending(khabar, app, settings, t, flush_s),
                                   settings.trending_hop_step_s, flush_s)


class NewsroomSink:
    """Alerts and the mentions fan-out for each enriched event, in the agent that made it (enrich, or fused).

    The event is at hand there as a dict; a newsroom agent of its own re-read every article from
    news.enriched, and that consume and decode cost a third of the worker's CPU with the NLP off. Alerts go
    out at once. Mentions are summed per type and bucket for up to `flush_s` and the agent's messages are
    acked only once those sums are sent: a message on news.entity-mentions costs the worker about as much
    as the counts it carries. A crash re-delivers both (at least once). Events that something else writes
    to news.enriched are not alerted on or counted.
    """

    def __init__(self, app, match_alerts, send_mentions, step_s: float, flush_s: float) -> None:
        self.match_alerts, self.send_mentions = match_alerts, send_mentions
        self.held = Held(app, lambda: MentionSums(step_s), flush_s)
        app.timer(flush_s, name="mentions-flush")(flush_when_due(self.held, send_mentions))

    def take(self, events: list) -> MentionSums:
        """Takes over acking `events`; returns the sums to add their enriched events to."""
        return self.held.take(events)

    async def on_enriched(self, doc: dict, mentions: MentionSums, message_ts: float) -> None:
        await self.match_alerts(doc)
        mentions.add(doc, message_ts)

    async def end_batch(self) -> None:
        await self.held.flush_if_due(self.send_mentions)


def _alerts(khabar, app, t):
    """The rules global table, and a function sending an alert per rule an enriched event matches."""
    # The rules topic is the global table's changelog: every worker reads all of it, at start and live,
    # and a tombstone from `khabar rules rm` deletes the key. The writer is another process (the CLI), so
    # the partition must stay a standby after recovery too (`synchronize_all_active_partitions`), or
    # rules added at run time would only be seen after a restart.
    rules_topic = app.topic(t.alert_rules, partitions=1, key_serializer="raw", value_serializer="raw")
    rules_table = app.tables.add(RulesTable(
        app, name="alert-rules", default=None, beacon=app.tables.beacon, partitions=1, standby_buffer_size=1,
        recovery_buffer_size=1,  # a rule takes effect on arrival, not when 1000 changes have queued
        is_global=True, synchronize_all_active_partitions=True, changelog_topic=rules_topic,
        help="Alert rules by name."))
    alerts_topic = app.topic(t.alerts, key_serializer="raw", value_serializer="raw")
    cache = RuleCache()
    khabar.rules_table = rules_table
    current: list = [None, []]  # the table version the rules were parsed at, and those rules

    async def match_alerts(doc: dict) -> None:
        if current[0] != rules_table.version:  # listing the table for every article cost more than matching
            current[:] = rules_table.version, cache.rules(list(rules_table.items()))
            metrics.ALERT_RULES.set(len(current[1]))
        for rule, matched in match_rules(current[1], doc):
            await alerts_topic.send(key=str(doc["id"]).encode(),
                                    value=orjson.dumps(alert_event(rule.name, doc, matched)))
            metrics.ALERTS.inc()

    return match_alerts



def _register_trending(khabar, app, settings, t, flush_s: float):
    """Mention counts in one bucket table; a timer ranks closed windows. Returns the mentions fan-out."""
    mentions_topic = app.topic(t.mentions, key_serializer="raw", value_serializer="raw")
    trending_topic = app.topic(t.trending, key_serializer="raw", value_serializer="raw")
    grace, step = settings.trending_grace_s, settings.trending_hop_step_s
    for name in ("trending_tumbling_s", "trending_hopping_s"):
        if getattr(settings, name) % step:
            raise ValueError(f"{name} must be a multiple of trending_hop_step_s ({step:g} s)")
    kinds = {  # kind → (window size, windows start every)
        "tumbling": (settings.trending_tumbling_s, settings.trending_tumbling_s),
        "hopping": (settings.trending_hopping_s, step),
    }
    # Values are {canonical: count} dicts, one per type, bucket and shard (streams/trending.py); a new
    # table name, as the earlier one held a count per entity.
    buckets = app.Table("trending-counts", default=None, partitions=settings.partitions).tumbling(
        step, expires=max(settings.trending_tumbling_s, settings.trending_hopping_s) + max(60.0, 4 * grace))
    type_partition: dict[str, int] = {}  # types this worker counted, and their partition
    emitted: dict[tuple[str, float], float] = {}  # (kind, window start) → when

    async def send_mentions(sums: MentionSums) -> None:
        for (etype, ts), counts in sums.by_type_and_bucket.items():
            await mentions_topic.send(key=etype.encode(), value=orjson.dumps(counts), timestamp=ts)

    buffer = app.producer.buffer

    async def write_counts(counts: _Counts) -> None:
        # One table write per type, bucket and shard the mentions touched.
        for key, sums in counts.tally.sums.items():
            set_current_event(counts.writers[key])  # its timestamp picks the bucket, its partition the changelog
            etype, _bucket, shard = key
            table_key = trending.table_key(etype, str(shard))
            try:
                current = buckets[table_key].current()
            except KeyError:  # the table has no default: a missing key raises
                current = None
            buckets[table_key] = trending.Tally.merged_into(current, sums)
            if buffer.size >= 64:  # hand changelog writes over before Faust's 100-message brake
                await buffer.flush()

    held = Held(app, _Counts, flush_s)

    async def count(stream):
        async for events in event_batches(stream, settings.batch_max):
            counts = held.take(events)
            for event in events:
                message = event.message
                etype = (message.key or b"").decode()
                type_partition[etype] = message.partition
                bucket = message.timestamp // step * step
                for key in counts.tally.add(etype, bucket, orjson.loads(message.value or b"{}")):
                    counts.writers[key] = event
            await held.flush_if_due(write_counts)

    app.agent(mentions_topic, name="trending-count")(count)
    app.timer(flush_s, name="trending-flush")(flush_when_due(held, write_counts))

    def my_types() -> set[str]:
        # Standby replicas hold other workers' counts too: rank only the types of partitions we own.
        actives = app.assignor.assigned_actives()
        return {etype for etype, p in type_partition.items() if TP(t.mentions, p) in actives}

    async def rank_closed_windows():
        now = time.time()
        types = my_types()
        if not types:
            return
        by_bucket = trending.bucket_counts(list(buckets.table.data.items()), types)
        for kind, (size, every) in kinds.items():
            closed = trending.compose_windows(by_bucket, size, every, step, now, grace)
            for start, by_type in sorted(closed.items()):
                if (kind, start) in emitted:
                    continue
                for etype, counts in sorted(by_type.items()):
                    msg = trending.trending_event(kind, etype, start, size, counts, settings.trending_top_n, now)
                    await trending_topic.send(key=etype.encode(), value=orjson.dumps(msg))
                    metrics.TRENDING_WINDOWS.labels(kind=kind).inc()
                emitted[(kind, start)] = now
        for k, at in list(emitted.items()):
            if now - at > 2 * settings.trending_hopping_s + 3600:
                del emitted[k]

    tick = max(0.5, min(5.0, settings.trending_tumbling_s / 5, step / 5))
    app.timer(tick, name="trending-rank")(rank_closed_windows)
    return send_mentions
