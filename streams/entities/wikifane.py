"""WikiFANE Gold as extra training text: fine types mapped to PERS/LOC/ORG/MISC, proclitics glued back.

WikiFANE writes `و` and other one-letter proclitics as tokens of their own; news glues them to the next
word (`والقاهرة`), so they are re-attached before the sentence is joined and re-tokenized like news.
WikiFANE also counts a title into a person's name (`الشيخ` begins 101 of its persons) where ANERcorp leaves
it out; `titles` given, such a title is cut off the front of the name, as ANERcorp would tag it.
"""
from __future__ import annotations

from streams.entities.corpus import GoldSentence, read_conll, with_spans
from streams.entities.gazetteer import WIKIFANE_TYPES, fold_name

_PROCLITICS = {"و", "ف", "ب", "ل", "ك"}
# Pronoun suffixes WikiFANE also writes apart (`عاصمة ها`); news writes `عاصمتها`-like words whole.
_ENCLITICS = {"ه", "ها", "هم", "هما", "هن", "نا", "كم", "كما"}


def news_like_sentences(path: str, limit: int, titles: frozenset[str] = frozenset()) -> list[GoldSentence]:
    """`titles`: folded title words to cut off the front of a multi-word person (`الشيخ زايد` → `زايد`)."""
    out: list[GoldSentence] = []
    for sent in read_conll(path):
        glued: list[tuple[str, str]] = []
        k = 0
        while k < len(sent):
            word, tag = sent[k]
            if word in _PROCLITICS and k + 1 < len(sent) and sent[k + 1][0][:1].isalpha():
                nxt, nxt_tag = sent[k + 1]
                glued.append((word + nxt, nxt_tag))
                k += 2
                continue
            if word in _ENCLITICS and tag == "O" and glued and glued[-1][0][-1:].isalpha():
                prev, prev_tag = glued[-1]
                glued[-1] = (prev[:-1] + "ت" + word if prev.endswith("ة") else prev + word, prev_tag)
                k += 1
                continue
            glued.append((word, tag))
            k += 1
        gold = with_spans(glued, WIKIFANE_TYPES)
        out.append(_without_leading_titles(gold, titles) if titles else gold)
        if len(out) >= limit:
            break
    return out


def _without_leading_titles(gold: GoldSentence, titles: frozenset[str]) -> GoldSentence:
    spans = []
    for kind, start, end in gold.spans:
        first = gold.text.find(" ", start, end)
        if kind == "PERS" and first > 0:
            word = fold_name(gold.text[start:first])
            if word in titles or (word[:1] in _PROCLITICS and word[1:] in titles):
                start = first + 1
        spans.append((kind, start, end))
    return GoldSentence(gold.text, spans)
