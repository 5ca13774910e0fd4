"""The entity stage: tag PERS/LOC/ORG/MISC mentions in title and body, group them, geocode places."""
from __future__ import annotations

import json
import os

from streams.article import Article, Mention
from streams.entities.canonical import canonical_form, folded_key, group_mentions
from streams.entities.clusters import load_clusters
from streams.entities.features import WordFeatures
from streams.entities.gazetteer import Gazetteer
from streams.entities.geo import Geocoder
from streams.entities.tagger import SequenceTagger, bio_to_spans
from streams.tokenize import tokenize

DECODING_FILE = "decoding.json"
DEFAULT_MODEL_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "model")

# Sentence ends: the CRF was trained on sentences, and short sequences keep Viterbi cheap.
_SENTENCE_END = {".", "!", "?", "؟", "…"}
_SOFT_BREAKS = {"،", ",", "؛", ";", ":", "(", ")", "\"", "«", "»", "-"}
_MAX_SENTENCE_TOKENS = 48
_EDGE_PUNCT = set(" \t\n\u00a0؛،.,:;!?\"'«»“”‘’()[]{}-–—…/\\|*ـ")


class EntityRecognizer:
    """`EntityRecognizer(model_dir)(article) -> article`, filling `entities` and `entity_groups`."""

    def __init__(self, model_dir: str | None = None) -> None:
        self.model_dir = model_dir or DEFAULT_MODEL_DIR
        self.gazetteer = Gazetteer.load(self.model_dir)
        self.tagger = SequenceTagger.load(self.model_dir)
        self.features = WordFeatures(self.gazetteer, load_clusters(self.model_dir), self.tagger.weights)
        self.geocoder = Geocoder.load(self.model_dir)
        # The CRF is cautious (precision well above recall); a constant taken off every O score, tuned on
        # held-out training sentences at training time, trades some of that precision for recall.
        self.outside_penalty = _decoding(self.model_dir).get("outside_penalty", 0.0)

    def __call__(self, article: Article) -> Article:
        seen: set[str] = set()
        mentions = self.find(article.title or "", "title", seen) + self.find(article.body or "", "body", seen)
        self._canonicalize(mentions)
        article.entities = mentions
        article.entity_groups = self._groups(mentions, seen)
        return article

    def find(self, text: str, field: str, seen_words: set[str] | None = None) -> list[Mention]:
        """Mentions in one string, offsets into it; adds the string's folded words to `seen_words`."""
        out: list[Mention] = []
        sentences, all_words = _sentences(text)
        emissions = self.features.emissions_batch(all_words)
        if self.outside_penalty:
            for em in emissions:
                em[:, self.tagger.outside] -= self.outside_penalty
        all_labels = self.tagger.decode_batch(emissions)
        for sent, words, labels in zip(sentences, all_words, all_labels):
            if seen_words is not None:
                seen_words.update(words)
            for kind, i, j in bio_to_spans(labels):
                while i < j and words[i] in _EDGE_PUNCT:
                    i += 1
                while j > i and words[j - 1] in _EDGE_PUNCT:
                    j -= 1
                if i == j:
                    continue
                start, end = sent[i][0], sent[j - 1][1]
                out.append(Mention(kind, text[start:end], field, start, end))
        return out

    def _known(self, key: str) -> bool:
        return bool(self.gazetteer.word_classes(key)) or key in self.geocoder.places or _in_trie(self.gazetteer.trie, key)

    def _canonicalize(self, mentions: list[Mention]) -> None:
        forms = {folded_key(m.text) for m in mentions}
        for m in mentions:
            m.canonical = canonical_form(m.text, self._known, forms)

    def _groups(self, mentions: list[Mention], words: set[str]) -> list[dict]:
        groups = group_mentions(mentions)
        locs = [g["canonical"] for g in groups if g["type"] == "LOC"]
        if locs:
            ids, info = self.features.ids, self.features.word_info
            folded = {info[i][0] for w in words if (i := ids.get(w)) is not None}
            votes = self.geocoder.country_votes(locs, folded)
            for g in groups:
                if g["type"] == "LOC":
                    place = self.geocoder.resolve(g["canonical"], votes)
                    g["geo"] = place.as_geo() if place else None
        return groups


def _sentences(text: str) -> tuple[list[list[tuple[int, int]]], list[list[str]]]:
    """Token spans and words of `text`, cut into sentences: after sentence-final punctuation, at line
    breaks, and a long run after a comma or other punctuation (tagging cost grows with the longest
    sentence of an article)."""
    spans_out: list[list[tuple[int, int]]] = []
    words_out: list[list[str]] = []
    limit = _MAX_SENTENCE_TOKENS
    offset = 0
    for line in text.split("\n"):
        spans = tokenize(line)
        words = [line[s:e] for s, e in spans]
        if offset:
            spans = [(s + offset, e + offset) for s, e in spans]
        offset += len(line) + 1
        begin = 0
        last_break = -1
        for k, word in enumerate(words):
            if word in _SENTENCE_END:
                spans_out.append(spans[begin:k + 1])
                words_out.append(words[begin:k + 1])
                begin, last_break = k + 1, -1
                continue
            if word in _SOFT_BREAKS:
                last_break = k + 1
            if k + 1 - begin >= limit:
                cut = last_break if last_break - begin > limit // 3 else k + 1
                spans_out.append(spans[begin:cut])
                words_out.append(words[begin:cut])
                begin, last_break = cut, -1
        if begin < len(words):
            spans_out.append(spans[begin:])
            words_out.append(words[begin:])
    return spans_out, words_out


def _decoding(model_dir: str) -> dict:
    path = os.path.join(model_dir, DECODING_FILE)
    if not os.path.exists(path):
        return {}
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def _in_trie(trie: dict, key: str) -> bool:
    node = trie
    for w in key.split(" "):
        node = node.get(w)
        if node is None:
            return False
    return None in node
