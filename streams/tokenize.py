"""Tokenize Arabic/Latin news text into (start, end) character spans of the string as stored.

Words stay whole (Arabic proclitics such as و or ال are part of the word, as in ANERcorp and as written),
diacritics and tatweel stay inside their word, numbers stay whole (`2014`, `3.5`, `12/7`), and every
other non-space character (punctuation, quotes, symbols) is a token of its own. Offsets always index
the original string, so `text[start:end]` is the token.

The clitic helpers below strip what Arabic glues to the front of a word (و ف ب ك ل, the article ال and
their combinations) so a matcher can look `وبطرابلس` up as `طرابلس`.
"""
from __future__ import annotations

import re

# Arabic combining marks (harakat, Quranic marks, superscript alef) and tatweel belong to the word they sit in.
_MARKS = "\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640"
_DIGITS = "0-9\u0660-\u0669\u06f0-\u06f9"
# A run of letters (any script) and the marks inside it; or a number whose
# decimal/thousands/date separators are kept inside; or a single other visible character.
_TOKEN = re.compile(
    rf"[{_DIGITS}]+(?:[.,\u066b\u066c:/][{_DIGITS}]+)*"
    rf"|[^\W\d_][^\W\d_]*(?:[{_MARKS}]+[^\W\d_]*)*"
    rf"|[{_MARKS}]+"
    r"|\S"
)
_ARABIC_LETTER = re.compile(r"[\u0621-\u064a\u0671-\u06d3]")


def tokenize(text: str) -> list[tuple[int, int]]:
    """(start, end) of each token of `text`, in order; `text[start:end]` is the token."""
    return [m.span() for m in _TOKEN.finditer(text)]


def tokens(text: str) -> list[str]:
    return [m.group() for m in _TOKEN.finditer(text)]


def is_arabic(word: str) -> bool:
    return _ARABIC_LETTER.search(word) is not None


# Proclitic chains written before a (folded) word, longest first. `لل` is ل + ال with the alef dropped.
# Conjunction + preposition + article: وبال, فلل, ...; these never stand for letters of the stem when the
# remaining stem is long enough (see MIN_STEM).
_CONJ = ("و", "ف")
_PREP = ("ب", "ك", "ل")
MIN_STEM = 2


def _proclitic_chains() -> list[tuple[str, bool]]:
    """(prefix, has_article) pairs, longest prefix first."""
    chains: set[tuple[str, bool]] = set()
    for conj in ("",) + _CONJ:
        chains.add((conj + "لل", True))
        for prep in ("",) + _PREP:
            chains.add((conj + prep + "ال", True))
            if conj or prep:
                chains.add((conj + prep, False))
    return sorted(chains, key=lambda c: -len(c[0]))


PROCLITIC_CHAINS = _proclitic_chains()
_FIRST_LETTERS = frozenset(prefix[0] for prefix, _ in PROCLITIC_CHAINS)
_LONGEST_CHAIN = max(len(prefix) for prefix, _ in PROCLITIC_CHAINS)
# prefix → (clitic, keeps article): the clitic is the prefix without ال, or without the article's ل in لل.
_CHAIN_READINGS = {prefix: (prefix[:-1] if prefix.endswith("لل") else prefix[:-2] if article else prefix, article)
                   for prefix, article in PROCLITIC_CHAINS}
_CHAIN_READINGS = {p: r for p, r in _CHAIN_READINGS.items() if r[0]}


def proclitic_splits(word: str, min_stem: int = MIN_STEM) -> list[tuple[str, str]]:
    """Every (clitic, stem) reading of `word` with a proclitic chain removed, longest prefix first.

    `stem` keeps the article when the prefix is a preposition before ال (`بالقاهرة` → `ب`, `القاهرة`) and
    rebuilds it from `لل` (`للأمم` → `ل`, `الأمم`), because names are listed with their article.
    The reading with nothing removed is not included. Works on folded or unfolded words.
    """
    out: list[tuple[str, str]] = []
    if not word or word[0] not in _FIRST_LETTERS:
        return out
    for k in range(min(_LONGEST_CHAIN, len(word) - min_stem), 0, -1):
        reading = _CHAIN_READINGS.get(word[:k])
        if reading is None:
            continue
        clitic, article = reading
        stem = "ال" + word[k:] if article else word[k:]
        if not any(stem == s for _, s in out):
            out.append((clitic, stem))
    return out


def strip_proclitics(word: str, min_stem: int = 3) -> str:
    """The shortest reading of `word` with conjunction/preposition proclitics removed (article kept).

    Blind to the lexicon: `لبنان` becomes `بنان`. Use `proclitic_splits` with a lexicon check when
    the stem must be a real word; use this for keys where both sides are stripped alike.
    """
    for clitic, stem in proclitic_splits(word, min_stem):
        return stem
    return word


# Letters a one-letter proclitic is written with: and, so, with, for, like.
CLITIC_LETTERS = "وفبلك"


def strip_name_clitic(word: str) -> str:
    """`word` without one proclitic letter (`للـ` read as `ل` + `الـ`) when it is five letters or more: the
    blind, one-step strip that entity name keys compare by (`لطرابلس` ~ `طرابلس`)."""
    if len(word) > 4 and word[0] in CLITIC_LETTERS:
        return "ال" + word[2:] if word.startswith("لل") else word[1:]
    return word


def strip_article(word: str) -> str:
    """`word` without a leading ال (when what is left is at least two letters)."""
    if word.startswith("ال") and len(word) >= 4:
        return word[2:]
    return word
