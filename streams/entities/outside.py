"""Words the training data almost never puts inside a name: a decoding-time prior against them.

The CRF, pushed towards recall by the O penalty and the pull of an open name, runs names on over the next
common word (`راوول الهدف`, `محمود صبري ابو تريكة امل`, `شالوم ان الليكود`). A word ANERcorp train shows
outside names at least `MIN_OUTSIDE` times and inside one at most `MAX_INSIDE_SHARE` of the time is an
"outside word"; tagging takes `outside_word_penalty` (decoding.json) off its scores for every entity label.
A word train never showed takes the verdict of its longest-proclitic stem (`للحارس` → `الحارس`).

Not a training feature: built from the same sentences the CRF learns from, it would only echo them there.
Written into the model directory as `outside.tsv.gz`: `S<TAB>word` for the outside words and `E<TAB>word`
for train words that are not outside words although their stem is (so a reader needs no vocabulary).
"""
from __future__ import annotations

import gzip
import os
from collections import defaultdict

from streams.normalize import fold_arabic
from streams.tokenize import proclitic_splits

OUTSIDE_FILE = "outside.tsv.gz"
OUTSIDE_FEATURE = "_outside_word"  # tagging-only pseudo-feature carrying the penalty (never in the CRF)
MIN_OUTSIDE = 2
MAX_INSIDE_SHARE = 0.01
_MIN_STEM = 2  # as features.py splits words


def _stem(folded: str) -> str | None:
    splits = proclitic_splits(folded, _MIN_STEM) if len(folded) > 2 else []
    return splits[0][1] if splits else None


class OutsideWords:
    def __init__(self, words: set[str], exceptions: set[str]) -> None:
        self.words = words
        self.exceptions = exceptions

    def __len__(self) -> int:
        return len(self.words)

    def covers(self, folded: str, stems: list[str] | None = None) -> bool:
        """Is the folded word an outside word (its own count, else its longest-proclitic stem's)?"""
        if folded in self.words:
            return True
        if folded in self.exceptions:
            return False
        stem = _stem(folded) if stems is None else stems[0] if stems else None
        return stem is not None and stem in self.words

    @classmethod
    def from_sentences(cls, sentences, min_outside: int = MIN_OUTSIDE,
                       max_inside_share: float = MAX_INSIDE_SHARE) -> OutsideWords:
        from streams.entities.corpus import tokenized

        counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])  # folded word → [outside, inside]
        for gold in sentences:
            spans, labels = tokenized(gold)
            for (s, e), label in zip(spans, labels):
                counts[fold_arabic(gold.text[s:e].lower())][label != "O"] += 1
        words = {w for w, (o, i) in counts.items()
                 if o >= min_outside and i <= max_inside_share * (o + i) and len(w) > 1}
        exceptions = {w for w in counts if w not in words and _stem(w) in words}
        return cls(words, exceptions)

    def save(self, model_dir: str) -> None:
        lines = [f"{tag}\t{w}\n" for tag, words in (("S", self.words), ("E", self.exceptions)) for w in sorted(words)]
        # mtime=0: the same words give the same bytes, so a retrained model does not show a changed file
        with open(os.path.join(model_dir, OUTSIDE_FILE), "wb") as raw, \
                gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, compresslevel=9) as f:
            f.write("".join(lines).encode("utf-8"))

    @classmethod
    def load(cls, model_dir: str) -> OutsideWords | None:
        path = os.path.join(model_dir, OUTSIDE_FILE)
        if not os.path.exists(path):
            return None
        words: set[str] = set()
        exceptions: set[str] = set()
        with gzip.open(path, "rt", encoding="utf-8") as f:
            for line in f:
                tag, _, w = line.rstrip("\n").partition("\t")
                (words if tag == "S" else exceptions).add(w)
        return cls(words, exceptions)
