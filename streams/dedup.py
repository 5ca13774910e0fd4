"""Duplicate stories: the same folded body again, or a near-copy from the same source, within a window.

A story's fingerprint is a bottom-k MinHash sketch of its word bigrams (the k smallest CRC32 shingle
hashes): two texts share about as much of their sketches as their Jaccard similarity, and a re-scrape
with a corrected word keeps nearly all of it. The dedup key, which is also the message key of
`news.normalized`, is the source plus the sketch's smallest hash (bucketed): exact copies always meet on
one partition, near-copies with the probability of their similarity (~0.97 for two changed words), and
keys spread evenly over the partitions even when one source sends most of the news. No Kafka here.
"""
from __future__ import annotations

import hashlib
import heapq
import zlib
from dataclasses import dataclass

import numpy as np

from streams.article import Article
from streams.normalize import fold_arabic

SKETCH_SIZE = 16
# Below this many shingles a sketch says little (a headline-only item): only exact copies count.
MIN_SHINGLES_FOR_NEAR = 30
# Estimated Jaccard similarity of word bigrams above which a same-source text is a near-copy.
DEFAULT_MIN_SIMILARITY = 0.8
# Keys per source: enough to spread one busy source over every partition, few enough to stay readable.
KEY_BUCKETS = 1024
# Per dedup key: bounds the table value, which is rewritten to the changelog on each new story.
DEFAULT_MAX_ENTRIES = 32
_BIGRAM_MULTIPLIER = np.uint64(2654435761)
_LOW32 = np.uint64(0xFFFFFFFF)


def word_hashes(folded_body: str) -> np.ndarray:
    """CRC32 of each whitespace-separated word: C-speed, and the same in every process (unlike `hash`)."""
    words = folded_body.encode().split()
    return np.fromiter(map(zlib.crc32, words), dtype=np.uint64, count=len(words))


def body_hash(words: np.ndarray) -> str:
    """The folded body's words in order, whatever the whitespace between them."""
    return hashlib.blake2b(words.astype("<u4").tobytes(), digest_size=10).hexdigest()


def shingle_hashes(words: np.ndarray) -> np.ndarray:
    """The distinct 32-bit hashes of the word bigrams, ascending (the words themselves below two words)."""
    if len(words) < 2:
        return np.unique(words)
    return np.unique((words[:-1] * _BIGRAM_MULTIPLIER + words[1:]) & _LOW32)


@dataclass(frozen=True, slots=True)
class Fingerprint:
    body: str  # body_hash
    sketch: tuple[int, ...]  # the SKETCH_SIZE smallest shingle hashes, ascending
    shingles: int

    @classmethod
    def of(cls, folded_body: str) -> Fingerprint:
        words = word_hashes(folded_body)
        hashes = shingle_hashes(words)
        return cls(body_hash(words), tuple(hashes[:SKETCH_SIZE].tolist()), len(hashes))


def similarity(a: tuple[int, ...] | list[int], b: tuple[int, ...] | list[int]) -> float:
    """Estimated Jaccard similarity from two bottom-k sketches."""
    if not a or not b:
        return 0.0
    union_bottom = heapq.nsmallest(SKETCH_SIZE, set(a) | set(b))
    both = set(a) & set(b)
    return sum(1 for h in union_bottom if h in both) / len(union_bottom)


def dedup_key(article: Article, fp: Fingerprint | None = None) -> str:
    """The partition key for dedup: `source|bucket of the sketch's smallest hash`. `folded_body` must be set."""
    fp = fp or Fingerprint.of(article.folded_body)
    source = " ".join(fold_arabic(article.source_name or "").split())
    bucket = fp.sketch[0] % KEY_BUCKETS if fp.sketch else 0
    return f"{source}|{bucket}"


@dataclass(frozen=True, slots=True)
class Verdict:
    duplicate_of: str | None
    kind: str | None  # exact | near | None
    entries: list | None  # the new state to store, or None when it did not change


def check(entries: list | None, fp: Fingerprint, article_id: str, ts: float, window_s: float,
          min_similarity: float = DEFAULT_MIN_SIMILARITY, max_entries: int = DEFAULT_MAX_ENTRIES,
          allow_near: bool = True) -> Verdict:
    """Compare a fingerprint with the state of its dedup key (a list of [body, sketch, id, ts]).

    `ts` is the raw message's Kafka timestamp: a redelivery of the first copy (after a crash, before the
    commit) has the same id and timestamp and is not a duplicate of itself, whereas a second publication
    of the same text has the same content id but a later timestamp. A duplicate leaves the state alone,
    so the window runs from the first copy. Near-copies count only within a known source
    (`allow_near`): unrelated feeds share boilerplate, and a template is not a story.
    """
    live = [e for e in (entries or []) if ts - e[3] <= window_s]
    if any(e[2] == article_id and e[3] == ts for e in live):
        return Verdict(None, None, None)
    for body, _, first_id, _ in live:
        if body == fp.body:
            return Verdict(first_id, "exact", None)
    if allow_near and fp.shingles >= MIN_SHINGLES_FOR_NEAR:
        best = None
        for _, sketch, first_id, _ in live:
            s = similarity(sketch, fp.sketch)
            if s >= min_similarity and (best is None or s > best[0]):
                best = (s, first_id)
        if best is not None:
            return Verdict(best[1], "near", None)
    live.append([fp.body, list(fp.sketch), article_id, ts])
    return Verdict(None, None, live[-max_entries:])
