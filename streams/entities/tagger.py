"""The learned sequence tagger: a linear-chain CRF (python-crfsuite) over `WordFeatures` items."""
from __future__ import annotations

import os

import pycrfsuite

MODEL_FILE = "ner.crfsuite"


class SequenceTagger:
    def __init__(self, model_path: str) -> None:
        self.tagger = pycrfsuite.Tagger()
        self.tagger.open(model_path)

    @classmethod
    def load(cls, model_dir: str) -> SequenceTagger:
        return cls(os.path.join(model_dir, MODEL_FILE))

    def tag(self, items: list[list[str]]) -> list[str]:
        if not items:
            return []
        return self.tagger.tag(items)


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
