"""Offline language identification by script and by a few function words.

News on `news.raw` is Arabic, with the odd English wire item or Persian/Urdu feed. Letters that only
Persian or Urdu use, and common function words for Latin-script text, separate these reliably without a
model, in microseconds.
"""
from __future__ import annotations

import re

from streams.article import Article

_ARABIC = re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
_PERSIAN_ONLY = re.compile(r"[پچژگکی]")
_URDU_ONLY = re.compile(r"[ٹڈڑںےھ]")
_WORD = re.compile(r"[a-zà-ÿ]+")
_LATIN_STOPWORDS = {
    "en": {"the", "and", "of", "to", "in", "is", "that", "for", "on", "with", "was", "said"},
    "fr": {"le", "la", "les", "et", "des", "du", "une", "est", "dans", "pour", "que", "sur"},
    "es": {"el", "los", "las", "y", "del", "una", "es", "en", "por", "que", "con", "para"},
    "de": {"der", "die", "das", "und", "ist", "nicht", "mit", "den", "ein", "eine", "auf", "für"},
}


def detect_language(text: str, sample_chars: int = 4000) -> str:
    """ISO 639-1 code, or `und` when the text has too few letters to tell."""
    sample = text[:sample_chars]
    arabic = len(_ARABIC.findall(sample))
    latin = len(_LATIN.findall(sample))
    if arabic + latin < 3:
        return "und"
    if arabic >= latin:
        urdu, persian = len(_URDU_ONLY.findall(sample)), len(_PERSIAN_ONLY.findall(sample))
        if urdu * 100 > arabic:
            return "ur"
        if persian * 100 > arabic:
            return "fa"
        return "ar"
    words = _WORD.findall(sample.lower())
    scores = {lang: sum(w in stop for w in words) for lang, stop in _LATIN_STOPWORDS.items()}
    best = max(scores, key=scores.get)
    return best if scores[best] else "und"


def mark_language(article: Article) -> Article:
    if not article.language:
        article.language = detect_language(article.title + "\n" + article.body)
    return article
