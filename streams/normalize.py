"""Normalize: clean layout noise from `title`/`body`, and compute folded forms for matching.

Two kinds of text on purpose: the stored `title`/`body` keep the article's own characters, minus layout
(line structure, surrounding whitespace), so offsets and quotes stay true to the source, while `fold_arabic` erases the spelling variation that Arabic news
is full of (أ/إ/آ/ا, ى/ي, ة/ه, diacritics, tatweel, ٣/3) so that matchers compare like with like.
"""
from __future__ import annotations

import re

from streams.article import Article

# Zero-width and bidi controls: invisible, but they split words for every matcher downstream.
INVISIBLES = "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff\u061c\u00ad"
_SPACES = "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000\t\v\f"

_INVISIBLE = re.compile(f"[{INVISIBLES}]")

DIACRITICS = "\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652\u0653\u0654\u0655\u0670\u0640"  # + tatweel
_FOLD_TABLE = (
    {ord(c): None for c in INVISIBLES + DIACRITICS}
    | {ord(c): " " for c in _SPACES}
    | {ord(c): "ا" for c in "أإآٱ"}
    | {ord("ى"): "ي", ord("ة"): "ه", ord("ؤ"): "و", ord("ئ"): "ي"}
    | {0x0660 + i: str(i) for i in range(10)}  # Arabic-Indic digits
    | {0x06F0 + i: str(i) for i in range(10)}  # Extended (Persian) digits
)
# Hamza on waw/yeh folds to its seat: news writes مسؤول/مسئول and رئيس/رءيس inconsistently.


def visible(text: str) -> str:
    """`text` without zero-width and bidi marks (for deciding what a line is, not for storing it)."""
    return _INVISIBLE.sub("", text)


# Every character `str.isspace` accepts (as the regex `\s` does), plus the invisible marks.
_BLANK_CHARS = "".join(chr(c) for c in range(0x3001) if chr(c).isspace()) + INVISIBLES


def is_blank(line: str) -> bool:
    """Blank for layout purposes: nothing but spaces (no-break ones too) and invisible marks."""
    return not line.strip(_BLANK_CHARS)  # a C-speed strip: this runs for every line of every message


def clean_line(line: str) -> str:
    """A line without its surrounding whitespace. Inner characters stay: a double space can be where a
    number was cut out, and a bidi mark is the publisher's own; folding erases both for matching."""
    return "" if is_blank(line) else line.strip()


def clean_lines(text: str) -> list[str]:
    """The lines of `text` (CRLF and CR end lines too) that are not blank, each as `clean_line` leaves it.
    Inlined rather than a `clean_line` call per line: parse and normalize run it on every message."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return [line for x in text.split("\n") if (line := x.strip()) and line.strip(_BLANK_CHARS)]


def clean_text(text: str) -> str:
    """Paragraph lines, stripped, separated by exactly one `\n`; blank and NBSP-only lines dropped."""
    return "\n".join(clean_lines(text))


# The same folding as _FOLD_TABLE, done as a few C-speed passes: str.translate with a dict costs a
# dictionary lookup per character, ten times slower on Arabic text.
_FOLD_DROP = re.compile(f"[{INVISIBLES}{DIACRITICS}]")
_FOLD_SPACE = re.compile(f"[{_SPACES}]")
_FOLD_LETTERS = [(c, "ا") for c in "أإآٱ"] + [("ى", "ي"), ("ة", "ه"), ("ؤ", "و"), ("ئ", "ي")]
_FOLD_DIGITS = re.compile("[\u0660-\u0669\u06f0-\u06f9]")


def _latin_digit(m: re.Match) -> str:
    return str(int(m.group()))  # int() reads any Unicode decimal digit


def fold_arabic(text: str) -> str:
    """The matching form: letters folded, marks and diacritics gone, digits Latin. Not length-preserving."""
    text = _FOLD_SPACE.sub(" ", _FOLD_DROP.sub("", text))
    for variant, plain in _FOLD_LETTERS:
        if variant in text:
            text = text.replace(variant, plain)
    return _FOLD_DIGITS.sub(_latin_digit, text)


# `عبد` and the next word are one name, written joined or apart (عبد العزيز, عبدالعزيز).
_ABD_APART = re.compile(r"(?<!\S)عبد (?=\S)")


def join_name_compounds(folded: str) -> str:
    """One spelling for names written joined or apart, for comparing and grouping folded names."""
    return _ABD_APART.sub("عبد", folded)


def fold_char_map(text: str) -> tuple[str, list[int]]:
    """`fold_arabic(text)` plus, for each folded character, its index in `text` (to map matches back)."""
    out: list[str] = []
    index: list[int] = []
    for i, ch in enumerate(text):
        f = _FOLD_TABLE.get(ord(ch), ch)
        if f is None:
            continue
        out.append(f)
        index.append(i)
    return "".join(out), index


def add_folded(article: Article) -> Article:
    """Folded forms of already-clean text (the enrich agent receives clean text and needs only these)."""
    article.folded_title = fold_arabic(article.title)
    article.folded_body = fold_arabic(article.body)
    return article


def normalize(article: Article) -> Article:
    article.title = clean_line(" ".join(article.title.splitlines()))
    article.body = clean_text(article.body)
    return add_folded(article)
