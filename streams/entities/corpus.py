"""CoNLL `word TAG` files (ANERcorp, WikiFANE) → sentences with character-offset gold spans.

A sentence's text is its tokens joined by single spaces, the form `khabar eval ner` and the contract check
feed to the stage; gold spans index that text.
"""
from __future__ import annotations

import gzip
from collections.abc import Iterator
from dataclasses import dataclass

from streams.normalize import fold_arabic
from streams.tokenize import tokenize


@dataclass(slots=True)
class GoldSentence:
    text: str
    spans: list[tuple[str, int, int]]  # (type, start, end) into `text`


def read_conll(path: str) -> Iterator[list[tuple[str, str]]]:
    """Sentences as lists of (word, tag); `.gz` files are read transparently."""
    opener = gzip.open if path.endswith(".gz") else open
    sent: list[tuple[str, str]] = []
    with opener(path, "rt", encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line.strip():
                if sent:
                    yield sent
                sent = []
                continue
            parts = line.rsplit(" ", 1)
            if len(parts) != 2 or not parts[0].strip():
                continue
            sent.append((parts[0].strip(), parts[1].strip()))
    if sent:
        yield sent


def with_spans(sent: list[tuple[str, str]], type_map: dict[str, str | None] | None = None) -> GoldSentence:
    """Join the words with single spaces and turn IOB tags into (type, start, end) spans.

    `type_map` renames types (None drops the entity); an `I-` after a different type starts a new span,
    as the contract check reads it.
    """
    text = ""
    spans: list[tuple[str, int, int]] = []
    cur: list | None = None
    for word, tag in sent:
        start = len(text) + (1 if text else 0)
        text = f"{text} {word}" if text else word
        kind = tag[2:] if tag[:2] in ("B-", "I-") else None
        if kind is not None and type_map is not None:
            kind = type_map.get(kind)
        if kind is None:
            if cur:
                spans.append(tuple(cur))
            cur = None
        elif tag.startswith("B-") or cur is None or cur[0] != kind:
            if cur:
                spans.append(tuple(cur))
            cur = [kind, start, len(text)]
        else:
            cur[2] = len(text)
    if cur:
        spans.append(tuple(cur))
    return GoldSentence(text, spans)


def bio_labels(text: str, token_spans: list[tuple[int, int]], spans: list[tuple[str, int, int]]) -> list[str]:
    """Project character spans onto `token_spans` as BIO labels (a token inside a span takes its type)."""
    labels = ["O"] * len(token_spans)
    j = 0
    for kind, s, e in sorted(spans, key=lambda x: x[1]):
        first = True
        while j < len(token_spans) and token_spans[j][1] <= s:
            j += 1
        k = j
        while k < len(token_spans) and token_spans[k][0] < e:
            labels[k] = ("B-" if first else "I-") + kind
            first = False
            k += 1
    return labels


def load_gold(path: str, type_map: dict[str, str | None] | None = None) -> list[GoldSentence]:
    return [with_spans(s, type_map) for s in read_conll(path)]


def tokenized(gold: GoldSentence) -> tuple[list[tuple[int, int]], list[str]]:
    spans = tokenize(gold.text)
    return spans, bio_labels(gold.text, spans, gold.spans)


def with_appositive_commas(sentences: list[GoldSentence], heads: set[str]) -> list[GoldSentence]:
    """Copies of the sentences whose person follows a title or a nationality word (`heads`, folded), with
    that person set off by commas: `وزير الدفاع التركي ، خلوصي أكار ،`. Today's news writes appositions
    so; ANERcorp puts a comma before fewer than 1% of its people, and the taggers learned that a name
    rarely starts after one. Sentences with no such person give no copy."""
    out = []
    for gold in sentences:
        text = gold.text
        inserts: list[tuple[int, str]] = []
        for kind, s, e in gold.spans:
            before = text[:s].split()
            if kind != "PERS" or not before or fold_arabic(before[-1]) not in heads:
                continue
            inserts.append((s, "، "))
            after = text[e:].split()
            if after and after[0][:1].isalnum():
                inserts.append((e, " ،"))
        if not inserts:
            continue
        new = text
        for at, piece in sorted(inserts, reverse=True):
            new = new[:at] + piece + new[at:]
        # A start moves past the pieces inserted at or before it, an end past those inserted before it.
        spans = [(kind, s + sum(len(p) for at, p in inserts if at <= s), e + sum(len(p) for at, p in inserts if at < e))
                 for kind, s, e in gold.spans]
        out.append(GoldSentence(new, spans))
    return out
