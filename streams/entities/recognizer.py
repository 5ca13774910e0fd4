"""The entity stage: tag PERS/LOC/ORG/MISC mentions in title and body, group them, geocode places."""
from __future__ import annotations

import json
import os
from bisect import bisect_left
from collections.abc import Container

import numpy as np

from streams.article import Article, Mention
from streams.entities.canonical import canonical_form, folded_key, group_mentions
from streams.entities.clusters import load_clusters
from streams.entities.features import FULL_NAME_LISTS, WordFeatures
from streams.entities.gazetteer import Gazetteer
from streams.entities.geo import Geocoder
from streams.entities.institutions import named_banks, named_governments
from streams.entities.labelprofile import load_profile
from streams.entities.namelike import NameLikeness
from streams.entities.neural import NeuralScorer
from streams.entities.outside import OUTSIDE_FEATURE, OutsideWords
from streams.entities.tagger import SequenceTagger, bio_to_spans, name_labels
from streams.entities.titled import titled_names
from streams.entities.titles import quoted_titles
from streams.entities.warmup import load_common_words
from streams.entities.wordvectors import WordVectors
from streams.normalize import DIACRITICS
from streams.tokenize import CLITIC_LETTERS, strip_name_clitic, tokenize

DECODING_FILE = "decoding.json"
DEFAULT_MODEL_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "model")

# Sentence ends: the CRF was trained on sentences, and short sequences keep Viterbi cheap.
_SENTENCE_END = {".", "!", "?", "؟", "…"}
_SOFT_BREAKS = {"،", ",", "؛", ";", ":", "(", ")", "\"", "«", "»", "-"}
_MAX_SENTENCE_TOKENS = 48
# Lines shorter than this run on into the next line's sentence (lists of one-word lines cost a sentence each).
_MIN_LINE_TOKENS = 3
_EDGE_PUNCT = set(" \t\n\u00a0؛،.,:;!?\"'«»“”‘’()[]{}-–—…/\\|*ـ")
# Folded words that join two parts of a person's name and never end one: بن (son of), بنت, آل (family of),
# أبو / أبي (father of), عبد (servant of).
_NAME_LINKS = frozenset({"بن", "ابن", "بنت", "ال", "ابو", "ابي", "عبد"})
_NAME_STARTS = frozenset({"ابن", "ابو", "عبد"})  # the links a name may begin with (ابن سينا, أبو مازن)


def _join_people(folded: list[str], labels: list[str], text: str, sent: list[tuple[int, int]],
                 heads: Container[str]) -> list[str]:
    """A person's name that starts on the word after another person's name goes on the first one:
    `عبدالرحيم` | `محمد حسين` is one man; the tagger splits long names (four-part Arab names, `بان كي مون`).
    ANERcorp train puts two people side by side at 155 of its 2,367 person starts, 138 of them on a word
    that begins with a letter a proclitic is spelt with (`وكوفي`, `لزيدان`: and, for); most of the other
    17 are one name split by an annotation slip (`محمد/B زيدان/B`, `نصر/B الله/B`). So not before such a
    letter (a clitic or a name, `بشير`: we cannot tell here), nor over a line break or punctuation
    (`sent`: the words' offsets in `text`), nor after a title or a nationality tagged alone (`heads`:
    `الشيخ`, `الهندي`), which ANERcorp leaves outside the name it stands before (but `أشرف غاني` | `أحمد
    ضاي` is one man: غاني is also Ghanaian)."""
    for i in range(1, len(labels)):
        if (labels[i] == "B-PERS" and labels[i - 1].endswith("-PERS") and folded[i][:1] not in CLITIC_LETTERS
                and text[sent[i - 1][1]:sent[i][0]] == " "
                and not (labels[i - 1] == "B-PERS" and folded[i - 1] in heads)):
            labels[i] = "I-PERS"
    return labels


_PLACE_OR_TITLE = frozenset({"COUNTRY", "CITY", "CITYBIG", "CONTINENT", "DEMONYM", "TPERS", "WLOC"})
_MORE_TITLES = frozenset({"النبي", "الرسول", "العماد"})  # titles the person lists carry, not in the title list


def _extend_to_listed(labels: list[str], matches: list, spelled: list[str], heads: Container[str]) -> list[str]:
    """A person the tagger found as part of a listed full name (`PFULL`, `WPERS`; `matches` as the features
    found them) takes the whole listed name: `بان` | `كي مون`, `حازم` | `إمام`, `جورج بوش` | `الابن`. The
    words taken must not be titles (`heads`: `الشيخ`, `والملك`; lists often name people with their title),
    a word spelt with a final ى (`محمد` | `على`, the preposition), shorter than three letters, nor before the
    name begin with the article (titles again: `السلطان`). Over the three seed-7 holdouts of train it changes
    one mention; on dev it mends `بان كي مون` three times and `مبارك بوصوفة` once."""
    for start, end, classes, _ in matches:
        if end - start < 2 or classes.isdisjoint(FULL_NAME_LISTS):
            continue
        inside = bio_to_spans(labels[start:end])
        if len(inside) != 1 or inside[0][0] != "PERS" or (inside[0][1], inside[0][2]) == (0, end - start):
            continue
        if (start > 0 and labels[start - 1].endswith("PERS")) or (end < len(labels) and labels[end].startswith("I-")):
            continue
        first, last = start + inside[0][1], start + inside[0][2]
        added = [k for k in range(start, end) if k < first or k >= last]
        stems = {k: strip_name_clitic(spelled[k]) for k in added}
        if any(len(spelled[k]) < 3 or spelled[k].endswith("ى") or stem in heads or stem in _MORE_TITLES
               or (k < first and stem.startswith("ال")) for k, stem in stems.items()):
            continue
        labels[start:end] = name_labels("PERS", end - start)
    return labels


def _complete_names(folded: list[str], labels: list[str]) -> list[str]:
    """A person's name cut after a link word (`عبدالله بن` | `مساعد`) takes the next word, and the one after
    that if it is a link too; with no word to take, the link is dropped (`أبو (140)`). A link alone is a
    name only if names begin with it: `أبي` alone is "my father"."""
    for kind, i, j in bio_to_spans(labels):
        if kind != "PERS" or folded[j - 1] not in _NAME_LINKS:
            continue
        if j - i == 1 and folded[i] not in _NAME_STARTS:
            labels[i] = "O"
            continue
        while folded[j - 1] in _NAME_LINKS and j < len(folded) and folded[j][:1].isalpha():
            labels[j] = "I-PERS"
            j += 1
        while j > i and folded[j - 1] in _NAME_LINKS:
            j -= 1
            labels[j] = "O"
    return labels


class EntityRecognizer:
    """`EntityRecognizer(model_dir)(article) -> article`, filling `entities` and `entity_groups`."""

    def __init__(self, model_dir: str | None = None, neural: bool = True) -> None:
        """`neural=False`: the CRF alone, without the neural tagger even if the model has one (faster)."""
        self.model_dir = model_dir or DEFAULT_MODEL_DIR
        self.gazetteer = Gazetteer.load(self.model_dir)
        self.tagger = SequenceTagger.load(self.model_dir)
        decoding = _decoding(self.model_dir)
        weights = self.tagger.weights
        # Words train keeps outside names (outside.py): a constant off their scores for every entity label.
        outside_words = known_outside = OutsideWords.load(self.model_dir)
        self.outside_word_penalty = float(decoding.get("outside_word_penalty", 0.0)) if outside_words else 0.0
        if self.outside_word_penalty:
            penalty = np.array([0.0 if label == "O" else -self.outside_word_penalty for label in self.tagger.labels])
            weights = {**weights, OUTSIDE_FEATURE: penalty}
        else:
            outside_words = None
        namelike = NameLikeness.load(self.model_dir)
        vectors = WordVectors.load(self.model_dir)
        self.features = WordFeatures(self.gazetteer, load_clusters(self.model_dir), weights, namelike,
                                     load_profile(self.model_dir), outside_words, vectors)
        # The neural tagger's label log-probabilities, weighted, are added to the CRF's scores (neural.py).
        self.neural = (NeuralScorer.load(self.model_dir, self.gazetteer, known_outside, namelike,
                                         vectors) if neural else None)
        self.neural_weight = float(decoding.get("neural_weight", 0.0)) if self.neural is not None else 0.0
        if self.neural is not None:
            self.neural.ordered_as(self.tagger.labels)
        self.geocoder = Geocoder.load(self.model_dir)
        # The CRF is cautious (precision well above recall); a constant taken off every O score, tuned on
        # held-out training sentences at training time, trades some of that precision for recall.
        self.outside_penalty = decoding.get("outside_penalty", 0.0)
        self.propagate = True
        self.propagate_types = {"PERS", "LOC", "ORG", "MISC"}
        # Words of a multi-word name that also count alone, by type: -1, a person's surname. Given names
        # (0) and organisations' last words cost F1 on runs of held-out sentences (model README).
        self.propagate_parts = {"PERS": (-1,)}
        self.join_people = True
        self.heads = self.gazetteer.heads()  # titles and nationalities, which a joined name may not start with
        self.extend_listed = True  # a person found inside a listed full name takes all of it
        # `البنك التجاري`, `حكومة الوفاق`: institutions named by common words, ORG (institutions.py)
        self.named_institutions = True
        self.titled_names = True  # `المشير حفتر`: an unseen surname after a title (titled.py)
        self.quoted_titles = True  # `برنامج « حور الدنيا »` MISC, `صحيفة « معاريف »` ORG (titles.py)

    def _name_word(self, word: str) -> bool:
        """A place, a nationality or a title (`حكومة لبنان`, `حكومة الرئيس`): not a government's own name."""
        return (bool(self.gazetteer.word_classes(word) & _PLACE_OR_TITLE) or word in self.heads
                or word in self.geocoder.places)

    def prewarm(self, words: list[str] | None = None, batch: int = 1000, limit: int | None = None) -> int:
        """Work out, once, what tagging memoizes for each of `words` (default: the model's common words,
        `warmup.py`, the `limit` commonest), so that articles then find them ready. Tags nothing; the stage
        finds the same names with or without it. Returns how many words were given."""
        if words is None:
            words = load_common_words(self.model_dir, limit) if limit != 0 else []
        for k in range(0, len(words), batch):
            # Sentences of 50 words, as tagging batches an article's sentences: the same calls, so the
            # same memoized rows.
            sentences = [words[i:i + 50] for i in range(k, min(k + batch, len(words)), 50)]
            self.features.emissions_and_folded(sentences)
            if self.neural_weight:
                self.neural.log_probabilities(sentences, self.features.last_matches, self.features.analysis_of)
        return len(words)

    def __call__(self, article: Article) -> Article:
        seen: set[str] = set()
        mentions = self.find_in({"title": article.title or "", "body": article.body or ""}, seen)
        self._canonicalize(mentions)
        article.entities = mentions
        article.entity_groups = self._groups(mentions, seen)
        return article

    @property
    def outside_penalty(self) -> float:
        return -float(self.features.offset[self.tagger.outside])

    @outside_penalty.setter
    def outside_penalty(self, value: float) -> None:
        self.features.offset[:] = 0.0
        self.features.offset[self.tagger.outside] = -value

    def find(self, text: str, field: str = "body") -> list[Mention]:
        """Mentions in one string, offsets into it."""
        return self.find_in({field: text}, set())

    def find_in(self, fields: dict[str, str], seen_words: set[str]) -> list[Mention]:
        """Mentions in several strings (tagged as one batch); adds their folded words to `seen_words`."""
        parts = []
        for field, text in fields.items():
            sentences, words = _sentences(text)
            parts += [(field, text, sent, w) for sent, w in zip(sentences, words)]
        emissions, folded = self.features.emissions_and_folded([p[3] for p in parts])
        if self.neural_weight:
            # Only sentences with a word in them: a run of punctuation names no one, and junk input can be
            # thousands of such tokens (the CRF alone keeps them outside names).
            wordy = [k for k, p in enumerate(parts) if any(w[:1].isalnum() for w in p[3])]
            matches = self.features.last_matches
            scores = self.neural.log_probabilities([parts[k][3] for k in wordy], [matches[k] for k in wordy],
                                                   self.features.analysis_of)
            for k, lp in zip(wordy, scores):
                emissions[k] += self.neural_weight * lp
        out: list[Mention] = []
        all_labels = self.tagger.decode_batch(emissions)
        spelled = [_spelled(f, p[3]) for f, p in zip(folded, parts)]
        if self.extend_listed:
            all_labels = [_extend_to_listed(labels, m, s, self.heads)
                          for labels, m, s in zip(all_labels, self.features.last_matches, spelled)]
        if self.propagate:
            all_labels = self._propagate(spelled, all_labels)
        if self.join_people:
            all_labels = [_join_people(f, labels, p[1], p[2], self.heads) for f, labels, p in zip(folded, all_labels, parts)]
        all_labels = [_complete_names(f, labels) for f, labels in zip(folded, all_labels)]
        if self.quoted_titles:
            all_labels = [quoted_titles(f, labels) for f, labels in zip(folded, all_labels)]
        if self.named_institutions:
            all_labels = [named_governments(f, named_banks(f, labels), self._name_word)
                          for f, labels in zip(folded, all_labels)]
        if self.titled_names and self.neural is not None:
            all_labels = [titled_names(f, labels, self.gazetteer.word_classes, self.neural.inputs.index)
                          for f, labels in zip(folded, all_labels)]
        for (field, text, sent, words), labels, folded_words in zip(parts, all_labels, folded):
            seen_words.update(folded_words)
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

    def _propagate(self, folded_sentences: list[list[str]], all_labels: list[list[str]]) -> list[list[str]]:
        """Tag again, elsewhere in the same article, a name the tagger found once (news repeats names,
        and the later mentions often lack the cue that made the first one clear). Only names tagged with
        one type throughout the article, and only over tokens the tagger left outside any entity.
        Works on folded words; a name's first word is compared without its proclitic."""
        found: dict[tuple[str, ...], set[str]] = {}
        for folded, labels in zip(folded_sentences, all_labels):
            for kind, i, j in bio_to_spans(labels):
                key = tuple(folded[i:j])
                if kind in self.propagate_types and sum(map(len, key)) >= 3:
                    found.setdefault(_strip_first(key), set()).add(kind)
        if self.propagate_parts:
            self._add_name_parts(found)
        by_first: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for key, kinds in found.items():
            if len(kinds) == 1:
                by_first.setdefault(key[0], []).append((key[1:], next(iter(kinds))))
        if not by_first:
            return all_labels
        for rest in by_first.values():
            rest.sort(key=lambda r: -len(r[0]))  # longest name first
        firsts = set(by_first)
        out = []
        for folded, labels in zip(folded_sentences, all_labels):
            n = len(folded)
            # Cheap screen: does any word of the sentence (or its stem) start a found name?
            starts = [i for i, w in enumerate(folded)
                      if labels[i] == "O" and (w in firsts or (len(w) > 4 and w[0] in CLITIC_LETTERS
                                                               and strip_name_clitic(w) in firsts))]
            if not starts:
                out.append(labels)
                continue
            labels = list(labels)
            done = 0
            for i in starts:
                if i < done or labels[i] != "O":
                    continue
                for rest, kind in by_first.get(strip_name_clitic(folded[i]), ()):
                    end = i + 1 + len(rest)
                    if end <= n and tuple(folded[i + 1:end]) == rest and all(x == "O" for x in labels[i + 1:end]):
                        labels[i:end] = name_labels(kind, end - i)
                        done = end
                        break
            out.append(labels)
        return out

    def _add_name_parts(self, found: dict[tuple[str, ...], set[str]]) -> None:
        """A person named in full is later called by the surname alone (كوفي أنان, then أنان): the parts of
        a multi-word name found in the article count as found too, unless train keeps the word outside
        names (a common word) or it is shorter than three letters."""
        outside = self.features.outside_words
        for key, kinds in list(found.items()):
            if len(key) < 2 or len(kinds) != 1:
                continue
            kind = next(iter(kinds))
            for at in self.propagate_parts.get(kind, ()):
                part = key[at]
                if len(part) < 3 or (outside is not None and outside.covers(part, [])):
                    continue
                found.setdefault((part,), set()).add(kind)

    def _known(self, key: str) -> bool:
        return bool(self.gazetteer.word_classes(key)) or key in self.geocoder.places or _in_trie(self.gazetteer.trie, key)

    def _place(self, key: str) -> int:
        return max((p.population + 1 for p in self.geocoder.places.get(key, ()) if p.kind != "demonym"), default=0)

    def _canonicalize(self, mentions: list[Mention]) -> None:
        keys = [folded_key(m.text) for m in mentions]
        forms = set(keys)
        done: dict[str, str] = {}  # a name repeats within an article: one answer per written form
        for m, key in zip(mentions, keys):
            canonical = done.get(m.text)
            if canonical is None:
                canonical = done[m.text] = canonical_form(m.text, self._known, forms, key, self._place)
            m.canonical = canonical

    def _groups(self, mentions: list[Mention], words: set[str]) -> list[dict]:
        groups = group_mentions(mentions)
        locs = [g["canonical"] for g in groups if g["type"] == "LOC"]
        if locs:
            votes = self.geocoder.country_votes(locs, words)
            for g in groups:
                if g["type"] == "LOC":
                    place = self.geocoder.resolve(g["canonical"], votes)
                    g["geo"] = place.as_geo() if place else None
        return groups


def _sentences(text: str) -> tuple[list[list[tuple[int, int]]], list[list[str]]]:
    """Token spans and words of `text`, cut into sentences: after sentence-final punctuation, at line
    breaks, and a long run after a comma or other punctuation (tagging cost grows with the longest
    sentence of an article). A sentence needs a word: runs of punctuation (`!!!`, `...`, lines of dashes)
    join the next sentence, or junk input would become thousands of one-token sentences."""
    spans = tokenize(text)  # no token spans a line break, so one pass over the whole text
    words = [text[s:e] for s, e in spans]
    line_starts = {0}  # index of each line's first token
    cut = text.find("\n")
    while cut >= 0:
        line_starts.add(bisect_left(spans, (cut,)))
        cut = text.find("\n", cut + 1)
    spans_out: list[list[tuple[int, int]]] = []
    words_out: list[list[str]] = []
    limit = _MAX_SENTENCE_TOKENS
    begin, last_break, has_word = 0, -1, False
    for k, word in enumerate(words):
        if k in line_starts and has_word and k - begin >= _MIN_LINE_TOKENS:
            spans_out.append(spans[begin:k])
            words_out.append(words[begin:k])
            begin, last_break, has_word = k, -1, False
        if not has_word and word[0].isalnum():
            has_word = True
        if word in _SENTENCE_END and has_word:
            spans_out.append(spans[begin:k + 1])
            words_out.append(words[begin:k + 1])
            begin, last_break, has_word = k + 1, -1, False
            continue
        if word in _SOFT_BREAKS:
            last_break = k + 1
        if k + 1 - begin >= limit:
            cut = last_break if last_break - begin > limit // 3 else k + 1
            spans_out.append(spans[begin:cut])
            words_out.append(words[begin:cut])
            begin, last_break = cut, -1
            has_word = any(w[0].isalnum() for w in words[begin:k + 1])
    if begin < len(words):
        spans_out.append(spans[begin:])
        words_out.append(words[begin:])
    return spans_out, words_out



def _spelled(folded: list[str], words: list[str]) -> list[str]:
    """Folded words that keep a final ى as written. Folding writes ى as ي, which makes the preposition على
    the name علي; a name found once must not be tagged again over every على of the article (it was, 356
    times over the 3,000 SaudiNewsNet articles). Within one article a writer spells a name one way."""
    return [f[:-1] + "ى" if f.endswith("ي") and w.rstrip(DIACRITICS).endswith("ى") else f
            for f, w in zip(folded, words)]


def _strip_first(key: tuple[str, ...]) -> tuple[str, ...]:
    """A name key without a proclitic on its first word, when the stem is at least three letters."""
    return (strip_name_clitic(key[0]),) + key[1:]


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
