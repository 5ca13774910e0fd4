"""WikiFANE Gold as extra training text: fine types mapped to PERS/LOC/ORG/MISC, proclitics glued back.

WikiFANE writes `و` and other one-letter proclitics as tokens of their own; news glues them to the next
word (`والقاهرة`), so they are re-attached before the sentence is joined and re-tokenized like news.
"""
from __future__ import annotations

from streams.entities.corpus import GoldSentence, read_conll, with_spans
from streams.entities.gazetteer import WIKIFANE_TYPES

_PROCLITICS = {"و", "ف", "ب", "ل", "ك"}
# Pronoun suffixes WikiFANE also writes apart (`عاصمة ها`); news writes `عاصمتها`-like words whole.
_ENCLITICS = {"ه", "ها", "هم", "هما", "هن", "نا", "كم", "كما"}


def news_like_sentences(path: str, limit: int) -> list[GoldSentence]:
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
        out.append(with_spans(glued, WIKIFANE_TYPES))
        if len(out) >= limit:
            break
    return out
