"""Does a word look like a person, place, organisation or other name? A character n-gram classifier.

The CRF knows a word it saw in ANERcorp or finds in a list; for any other word it has only affixes. This
model reads a word's letter 2- to 4-grams (hashed) and is trained offline on the name lists (people, places,
organisations, other names, as in `gazetteer.tsv.gz`) against common Arabic words that are in no list
(`wordfreq`), so `تروتنيف` reads as a person and `بعقوبة` as a place although neither is listed.
Multinomial logistic regression over the n-grams seen in training, trained with numpy; tagging computes it
once per distinct word, in plain Python (a few µs: numpy's per-call cost would dominate at this size).
"""
from __future__ import annotations

import math
import os

import numpy as np

try:  # the compiled n-gram lookup (setup.py, `_neural.c`); the Python below gives the same rows
    from streams.entities._neural import ngram_rows as _compiled_rows
except ImportError:  # pragma: no cover - depends on the build
    _compiled_rows = None

NAMELIKE_FILE = "namelike.npz"
CLASSES = ("O", "PERS", "LOC", "ORG", "MISC")
_MEMO_LIMIT = 100_000

# Gazetteer class → name type (single-word entries; trigger words and frequency classes are not names).
LIST_TYPES = {"PGIVEN": "PERS", "PSUR": "PERS", "PUNIT": "PERS", "WPERS": "PERS", "PTRANS": "PERS",
              "CITY": "LOC", "CITYBIG": "LOC", "COUNTRY": "LOC", "CONTINENT": "LOC", "WLOC": "LOC",
              "WORG": "ORG", "WMISC": "MISC", "CUR": "MISC"}


def ngrams(word: str) -> list[str]:
    """Letter 2-4-grams of the word with its edges marked (`<ب`, `ة>`)."""
    w = f"<{word}>"
    return [w[i:i + n] for n in (2, 3, 4) for i in range(len(w) - n + 1)]


class NameLikeness:
    def __init__(self, vocabulary: list[str], weights: np.ndarray, bias: np.ndarray) -> None:
        # Row 0 the bias, then one row per n-gram, last a zero row; a word's logits are the sum of its rows,
        # bias first, in that order whether one word or a batch is computed (so both give the same features).
        self.index = {g: k for k, g in enumerate(vocabulary, start=1)}
        self.matrix = np.vstack([bias.astype(float)[None], weights.astype(float), np.zeros((1, len(bias)))])
        # Tuples of strings, not lists: the collector stops tracking those, so a full memo (100k words) adds
        # nothing to each full collection's scan (after 380 articles: 1,166 tracked objects, not 21,005).
        self._memo: dict[str, tuple[str, ...]] = {}
        # Probabilities computed in batches (`prefetch`, `probabilities_batch`), by row: the neural tagger
        # asks for the CRF's new words, and again for words its own smaller table forgot (a fifth of its new
        # words over the 3,000 SaudiNewsNet articles). Bounded like the memo.
        self._probs = np.zeros((_MEMO_LIMIT, len(CLASSES)))
        self._prob_row: dict[str, int] = {}
        self._next_row = 0

    @classmethod
    def load(cls, model_dir: str) -> NameLikeness | None:
        path = os.path.join(model_dir, NAMELIKE_FILE)
        if not os.path.exists(path):
            return None
        data = np.load(path)
        return cls(data["vocabulary"].tolist(), data["weights"], data["bias"])

    def logits(self, word: str) -> list[float]:
        get = self.index.get
        picked = [0, *[r for r in map(get, ngrams(word)) if r is not None], len(self.matrix) - 1]
        return np.add.reduceat(self.matrix[picked], [0])[0].tolist()

    def probabilities(self, word: str) -> list[float]:
        logits = self.logits(word)
        top = max(logits)
        e = [math.exp(x - top) for x in logits]
        total = sum(e)
        return [x / total for x in e]

    def features(self, word: str) -> tuple[str, ...]:
        """`nn=` for how much the word looks like a name of any type, and `nl=TYPE` with a confidence level
        for the likeliest type when that is a name. Memoized: words with different clitics share a stem."""
        hit = self._memo.get(word)
        if hit is None:
            if len(self._memo) >= _MEMO_LIMIT:
                self._memo.clear()
            hit = self._memo[word] = self._features(word)
        return hit

    def probabilities_batch(self, words: list[str]) -> np.ndarray:
        """`probabilities` of many words at once, as an (n × classes) array."""
        out = np.empty((len(words), len(CLASSES)))
        rows = list(map(self._prob_row.get, words))
        known = [k for k, r in enumerate(rows) if r is not None]
        if known:
            out[known] = self._probs[[rows[k] for k in known]]
        missing = [k for k, r in enumerate(rows) if r is None]
        if missing:
            new = list(dict.fromkeys(words[k] for k in missing))
            p = _softmax(self._logits_batch(new))
            at = {w: i for i, w in enumerate(new)}
            out[missing] = p[[at[words[k]] for k in missing]]
            self._remember(new, p)
        return out

    def _remember(self, words: list[str], p: np.ndarray) -> None:
        if len(words) > _MEMO_LIMIT:
            return
        if self._next_row + len(words) > _MEMO_LIMIT:
            self._prob_row.clear()
            self._next_row = 0
        start = self._next_row
        self._probs[start:start + len(words)] = p
        self._prob_row.update(zip(words, range(start, start + len(words))))
        self._next_row += len(words)

    def _logits_batch(self, words: list[str]) -> np.ndarray:
        """Each word's logits: its rows summed bias first, as `logits` sums them."""
        picked, offsets = self._rows_batch(words)
        return np.add.reduceat(self.matrix[picked], offsets)

    def _rows_batch(self, words: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Each word's matrix rows (the bias, its known n-grams', the zero row), word after word, and where
        each word's begin."""
        zero = len(self.matrix) - 1
        if _compiled_rows is not None:
            flat, offsets = _compiled_rows(words, self.index, 0, zero)
            return np.frombuffer(flat, dtype=np.int64), np.frombuffer(offsets, dtype=np.int64)
        get = self.index.get
        picked: list[int] = []
        offsets: list[int] = []
        for w in words:
            offsets.append(len(picked))
            picked.append(0)
            picked.extend([r for r in map(get, ngrams(w)) if r is not None])
            picked.append(zero)
        return np.array(picked, dtype=np.int64), np.array(offsets, dtype=np.int64)

    def prefetch(self, words: list[str]) -> None:
        """Compute `features` of many words at once (in numpy) into the memo. Sums run in the same order as
        `logits` (bias first); only a probability within a rounding error of a bucket edge could differ."""
        todo = [w for w in dict.fromkeys(words) if w not in self._memo]
        if not todo:
            return
        if len(self._memo) + len(todo) > _MEMO_LIMIT:
            self._memo.clear()
        p = _softmax(self._logits_batch(todo))
        self._remember(todo, p)
        k = p.argmax(axis=1)
        names = np.minimum(((1.0 - p[:, 0]) * 5).astype(int), 4).tolist()
        sure = np.minimum((p[np.arange(len(p)), k] * 4).astype(int), 3).tolist()
        memo = self._memo
        for w, kind, n, c in zip(todo, k.tolist(), names, sure):
            memo[w] = (f"nn={n}", f"nl={CLASSES[kind]}{c}") if kind else (f"nn={n}",)

    def _features(self, word: str) -> tuple[str, ...]:
        return self._buckets(self.logits(word))

    @staticmethod
    def _buckets(logits: list[float]) -> tuple[str, ...]:
        top = max(logits)
        total = sum(math.exp(x - top) for x in logits)
        k = logits.index(top)
        names = 1.0 - math.exp(logits[0] - top) / total
        if not k:
            return (f"nn={min(int(names * 5), 4)}",)
        return f"nn={min(int(names * 5), 4)}", f"nl={CLASSES[k]}{min(int(4 / total), 3)}"


def _softmax(logits: np.ndarray) -> np.ndarray:
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def labelled_words(entries: list[tuple[str, str]], common: dict[str, int]) -> dict[str, int]:
    """Folded word → index in CLASSES: single-word list entries (by LIST_TYPES) as their type, common words
    (wordfreq Zipf 3+) in no list as O. What the name classifiers learn from."""
    labelled: dict[str, int] = {}
    for cls, name in entries:
        kind = LIST_TYPES.get(cls)
        if kind and " " not in name and len(name) >= 2:
            labelled.setdefault(name, CLASSES.index(kind))
    listed = {name for _, name in entries}
    for word, zipf in common.items():
        if zipf >= 3 and word not in listed and word.isalpha():
            labelled[word] = 0
    return labelled


def build_namelike(model_dir: str, entries: list[tuple[str, str]], common: dict[str, int],
                   epochs: int = 60, seed: int = 3) -> dict[str, int]:
    """Train on single-word list entries (by LIST_TYPES) and common words in no list; write the npz."""
    labelled = labelled_words(entries, common)
    words = sorted(labelled)
    y = np.array([labelled[w] for w in words])
    vocabulary: dict[str, int] = {}
    rows, cols = [], []
    for r, w in enumerate(words):
        ids = [vocabulary.setdefault(g, len(vocabulary)) for g in ngrams(w)]
        rows.extend([r] * len(ids))
        cols.extend(ids)
    rows_a, cols_a = np.array(rows), np.array(cols)
    n, k = len(words), len(CLASSES)
    # Classes weighted to equal total mass: the common-word class outnumbers each name type.
    counts = np.bincount(y, minlength=k).astype(float)
    sample_w = (n / (k * np.maximum(counts, 1)))[y]
    W = np.zeros((len(vocabulary), k))
    b = np.zeros(k)
    mW, vW, mb, vb = np.zeros_like(W), np.zeros_like(W), np.zeros(k), np.zeros(k)
    onehot = np.eye(k)[y]
    lr, l2 = 0.05, 1e-6
    for t in range(1, epochs + 1):
        gathered = W[cols_a]
        logits = np.stack([np.bincount(rows_a, gathered[:, c], minlength=n) for c in range(k)], axis=1) + b
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        p /= p.sum(axis=1, keepdims=True)
        d = (p - onehot) * sample_w[:, None] / n
        spread = d[rows_a]
        gW = np.stack([np.bincount(cols_a, spread[:, c], minlength=len(W)) for c in range(k)], axis=1)
        gW += l2 * W
        gb = d.sum(axis=0)
        for g, m, v, param in ((gW, mW, vW, W), (gb, mb, vb, b)):
            m *= 0.9
            m += 0.1 * g
            v *= 0.999
            v += 0.001 * g * g
            param -= lr * (m / (1 - 0.9 ** t)) / (np.sqrt(v / (1 - 0.999 ** t)) + 1e-8)
    np.savez_compressed(os.path.join(model_dir, NAMELIKE_FILE), vocabulary=np.array(list(vocabulary)),
                        weights=W.astype(np.float16), bias=b)
    acc = float((np.argmax(logits, axis=1) == y).mean())
    return {"namelike_words": n, "namelike_train_accuracy_pct": round(100 * acc)}
