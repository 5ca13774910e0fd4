"""How a word is labelled in WikiFANE's annotated text: a per-word tagger feature learned outside ANERcorp.

The name lists say a word can be part of a name; this says how often and where it is in running text:
`حزب` opens an organisation almost every time (`lp=B-ORG:hi`), `مجلس` only sometimes, `المتحده` continues
a place or an organisation, `قال` is never in a name (`lpe=no`). For a word ANERcorp never showed the CRF
that is the evidence a news word usually lacks. Built offline from WikiFANE Gold (proclitics glued back as
news writes them, see `wikifane.news_like_sentences`) and written into the model directory as
`word<TAB>features`; tagging reads it once per distinct word, like the other word features. Off by default
(`khabar train ner --label-profile`): it gained on held-out train but not on dev (model README notes).
"""
from __future__ import annotations

import gzip
import os
from collections import Counter

from streams.normalize import fold_arabic

PROFILE_FILE = "labelprofile.tsv.gz"
MIN_COUNT = 3  # occurrences a word needs before its label shares mean anything


def profile_features(counts: Counter) -> list[str]:
    """Bucketed label shares of one word: how often it is inside any name (`lpe=`) and, when one label
    holds at least a fifth of its occurrences, which (`lp=B-ORG:lo|hi`)."""
    total = sum(counts.values())
    inside = 1 - counts.get("O", 0) / total
    out = [f"lpe={'hi' if inside >= 0.6 else 'mid' if inside >= 0.25 else 'lo' if inside > 0 else 'no'}"]
    label, n = max(((lab, n) for lab, n in counts.items() if lab != "O"), key=lambda x: x[1], default=(None, 0))
    if label and n / total >= 0.2:
        out.append(f"lp={label}:{'hi' if n / total >= 0.6 else 'lo'}")
    return out


def build_profile(model_dir: str, wikifane_path: str) -> int:
    """Write the profile of every word seen at least `MIN_COUNT` times in WikiFANE; returns how many."""
    from streams.entities.corpus import tokenized
    from streams.entities.gazetteer import TRIGGERS, fold_name
    from streams.entities.wikifane import news_like_sentences

    # WikiFANE often puts a title inside the person's name (`المشير أحمد`), ANERcorp leaves it out: a title
    # word's profile would teach the tagger the other convention (`المشير حفتر` as one name).
    titles = {fold_name(w) for w in TRIGGERS["TPERS"]}

    counts: dict[str, Counter] = {}
    for gold in news_like_sentences(wikifane_path, 10**9):
        spans, labels = tokenized(gold)
        for (s, e), label in zip(spans, labels):
            counts.setdefault(fold_arabic(gold.text[s:e].lower()), Counter())[label] += 1
    rows = [f"{w}\t{' '.join(profile_features(c))}\n" for w, c in sorted(counts.items())
            if sum(c.values()) >= MIN_COUNT and w.strip() and w not in titles]
    with open(os.path.join(model_dir, PROFILE_FILE), "wb") as raw, \
            gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, compresslevel=9) as f:
        f.write("".join(rows).encode("utf-8"))
    return len(rows)


def load_profile(model_dir: str) -> dict[str, tuple[str, ...]]:
    """Folded word → its profile features; empty when the model has no profile file."""
    path = os.path.join(model_dir, PROFILE_FILE)
    if not os.path.exists(path):
        return {}
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return {w: tuple(feats.split(" ")) for w, _, feats in (line.rstrip("\n").partition("\t") for line in f)}
