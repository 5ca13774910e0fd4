"""The learned sequence tagger: a linear-chain CRF trained with python-crfsuite.

Tagging does not go through crfsuite's string features: the model's weights are read once into a
feature → label-score vector table, `WordFeatures.emissions` sums them per word (cached), and Viterbi
runs here over the nine labels. Same model, same scores, several times faster on news-length text.
"""
from __future__ import annotations

import os

import numpy as np
import pycrfsuite

try:  # the compiled loop (setup.py); numpy below gives the same labels when it was not built
    from streams.entities._viterbi import viterbi as _compiled_viterbi
except ImportError:  # pragma: no cover - depends on the build
    _compiled_viterbi = None

MODEL_FILE = "ner.crfsuite"


class SequenceTagger:
    def __init__(self, model_path: str) -> None:
        tagger = pycrfsuite.Tagger()
        tagger.open(model_path)
        info = tagger.info()
        self.labels: list[str] = sorted(set(tagger.labels()))
        index = {label: k for k, label in enumerate(self.labels)}
        size = len(self.labels)
        self.weights: dict[str, np.ndarray] = {}
        for (attr, label), w in info.state_features.items():
            vec = self.weights.get(attr)
            if vec is None:
                vec = self.weights[attr] = np.zeros(size)
            vec[index[label]] += w
        self.transitions = np.zeros((size, size))
        for (a, b), w in info.transitions.items():
            self.transitions[index[a], index[b]] = w
        self._crfsuite = tagger
        self.outside = index.get("O", 0)
        self._labels = np.array(self.labels, dtype=object)
        self.compiled = _compiled_viterbi is not None

    @classmethod
    def load(cls, model_dir: str) -> SequenceTagger:
        return cls(os.path.join(model_dir, MODEL_FILE))

    def decode(self, emissions: np.ndarray) -> list[str]:
        """The best label sequence for an (n × labels) score matrix."""
        return self.decode_batch([emissions])[0]

    def decode_batch(self, batch: list[np.ndarray]) -> list[list[str]]:
        """Viterbi over several independent sentences: the best label sequence of each."""
        if not batch:
            return []
        if not self.compiled:
            return self.decode_batch_numpy(batch)
        lengths = np.fromiter(map(len, batch), dtype=np.int64, count=len(batch))
        em = np.ascontiguousarray(np.concatenate(batch), dtype=np.float64)
        path = np.empty(len(em), dtype=np.int64)
        _compiled_viterbi(em, lengths, self.transitions, path)
        return self._split(self._labels[path].tolist(), lengths)

    def decode_batch_numpy(self, batch: list[np.ndarray]) -> list[list[str]]:
        """`decode_batch` in numpy, for when the compiled loop is not built.

        The sentences advance in lock-step (one numpy step per position of the longest, not per token),
        a finished sentence keeping its scores; this is what makes tagging a whole article cheap.
        """
        if not batch:
            return []
        lengths = np.array([len(e) for e in batch])
        steps, size, count = int(lengths.max()), len(self.labels), len(batch)
        if steps == 0:
            return [[] for _ in batch]
        em = np.zeros((steps, count, size))
        sent_index = np.repeat(np.arange(count), lengths)
        position = np.arange(len(sent_index)) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        em[position, sent_index] = np.concatenate(batch)
        active = np.arange(steps)[:, None] < lengths[None, :]
        trans = self.transitions[None]
        stay = np.broadcast_to(np.arange(size), (count, size))
        back = np.empty((steps, count, size), dtype=np.intp)
        score = em[0]
        for i in range(1, steps):
            cand = score[:, :, None] + trans
            best = cand.argmax(axis=1)
            new = cand.max(axis=1) + em[i]
            act = active[i][:, None]
            score = np.where(act, new, score)
            back[i] = np.where(act, best, stay)
        path = np.empty((steps, count), dtype=np.intp)
        cur = score.argmax(axis=1)
        rows = np.arange(count)
        for i in range(steps - 1, 0, -1):
            path[i] = cur
            cur = back[i][rows, cur]
        path[0] = cur
        return self._split(self._labels[path[position, sent_index]].tolist(), lengths)

    @staticmethod
    def _split(flat: list[str], lengths: np.ndarray) -> list[list[str]]:
        """The batch's labels, one after another, cut back into its sentences."""
        ends = np.cumsum(lengths).tolist()
        return [flat[e - n:e] for e, n in zip(ends, lengths.tolist())]

    def tag(self, items: list[list[str]]) -> list[str]:
        """crfsuite's own tagging of string-feature items (training-time checks)."""
        return self._crfsuite.tag(items) if items else []


def name_labels(kind: str, length: int) -> list[str]:
    """The BIO labels of one `kind` name `length` words long."""
    return [f"B-{kind}"] + [f"I-{kind}"] * (length - 1)


def bio_to_spans(labels: list[str]) -> list[tuple[str, int, int]]:
    """(type, first token, end token) of each entity; a stray `I-` opens a new entity."""
    spans = []
    cur = None
    for i, label in enumerate(labels):
        if label == "O":
            if cur:
                spans.append(tuple(cur))
            cur = None
            continue
        prefix, kind = label[:1], label[2:]
        if prefix == "B" or cur is None or cur[0] != kind:
            if cur:
                spans.append(tuple(cur))
            cur = [kind, i, i + 1]
        else:
            cur[2] = i + 1
    if cur:
        spans.append(tuple(cur))
    return spans
