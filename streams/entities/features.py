"""CRF features for a tokenized sentence.

Every feature of a word depends on the word alone (folded form, proclitic-stripped stems, affixes, shape,
list membership, name-likeness, WikiFANE label profile, cluster), so they are computed once per distinct
word and kept in a bounded cache; a sentence's items are then assembled from its words' cached features
plus the multi-word list matches, which do depend on the neighbours.
"""
from __future__ import annotations

import numpy as np

from streams.entities.gazetteer import Gazetteer
from streams.entities.namelike import NameLikeness
from streams.entities.outside import OUTSIDE_FEATURE
from streams.normalize import fold_arabic
from streams.tokenize import proclitic_splits

# A person's full name as listed (`بان كي مون`): inside such a match the outside-word prior is taken back,
# since the whole name is better evidence than one of its words being common (بان, "appeared").
FULL_NAME_LISTS = frozenset({"PFULL", "WPERS"})

_CACHE_LIMIT = 150_000  # distinct words memoized (x 5 planes x 9 labels float64: 54 MB)
_ARABIC = {chr(c) for c in range(0x0621, 0x064B)} | set("ٱ")
_LATIN = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
# Proclitics that leave a three-letter stem are usually real (بمصر, لندن is a name): keep them short.
_MIN_STEM = 2
_OFFSET_TAGS = tuple((o, f"{o:+d}") for o in (-2, -1, 1, 2))  # a neighbour's features are prefixed "-2", "+1", ...


def word_shape(word: str) -> str:
    if not word:
        return "E"
    if word.isdigit():
        return "D"
    if all(c in _ARABIC or not c.isalpha() for c in word) and any(c in _ARABIC for c in word):
        return "A"
    if any(c in _LATIN for c in word):
        return "Lu" if word[0].isupper() else "Ll"
    if not any(c.isalnum() for c in word):
        return "P" + word[:1]
    return "O"


def _name_core(folded: str, shape: str, stems: list[str]) -> str | None:
    """The clitic-free form of an Arabic word the name-likeness classifier reads; None for other words."""
    core = stems[0] if stems else folded
    return core if shape == "A" and len(core) > 2 else None


def _analyse(word: str) -> tuple[str, str, list[tuple[str, str]], str, list[str]]:
    """(lower-cased, folded, proclitic splits, shape, stems): what a word's features are made from."""
    unfolded = word.lower()
    f = fold_arabic(unfolded)
    splits = proclitic_splits(f, _MIN_STEM) if len(f) > 2 else []
    return unfolded, f, splits, word_shape(word), [s for _, s in splits]


class WordFeatures:
    """Word → (own features, features seen by its neighbours); memoized, bounded."""

    def __init__(self, gazetteer: Gazetteer, clusters: dict[str, str] | None = None,
                 weights: dict[str, np.ndarray] | None = None, namelike: NameLikeness | None = None,
                 profile: dict[str, tuple[str, ...]] | None = None, outside_words=None,
                 word_vectors=None) -> None:
        self.gazetteer = gazetteer
        # WordVectors with name-type probabilities (`vn=`/`vl=` features, as the letter classifier's), or None.
        self.word_vectors = word_vectors if word_vectors is not None and word_vectors.name_probs is not None else None
        # Tagging only (see outside.py): words train keeps outside names get the `OUTSIDE_FEATURE` penalty.
        self.outside_words = outside_words
        self.namelike = namelike
        self.profile = profile or {}  # folded word → how WikiFANE labels it (see labelprofile.py)
        self.clusters = clusters or {}
        self.cache: dict[str, tuple] = {}
        # The current batch's new words, analysed (for the name prefetch, `_compute`, and `analysis_of`).
        self._analyses: dict[str, tuple] = {}
        # With a trained model's weights (feature → score per label), a word's features are summed into
        # score vectors once, when the word is first seen: tagging then adds a few vectors per token
        # instead of looking up ~30 feature strings per token.
        # The vectors live in one table, rows = cached words, planes = own score and the scores the word
        # adds to its neighbours at offsets -2, -1, +1, +2; a sentence's scores are then a few gathers.
        self.weights = weights
        self.last_matches: list[list] = []  # see emissions_and_folded
        if weights is not None:
            size = len(next(iter(weights.values()))) if weights else 1
            self._zero = np.zeros(size)
            self.offset = np.zeros(size)  # a constant added to every token's scores (decoding bias)
            # Weights as one matrix (plus a zero row) so a word's five score vectors are one gather + reduceat.
            self.rows = {attr: k for k, attr in enumerate(weights)}
            self.matrix = np.vstack([np.array(list(weights.values())).reshape(-1, size), np.zeros((1, size))])
            self.zero_row = len(self.matrix) - 1
            self.ids: dict[str, int] = {}
            self.folded_of: list[str] = []  # by row: the word's folded form
            self.starts_of: list[tuple] = []  # by row: the list names the word may start
            # Word-pair weights (`bg=a|b`) as a → {b: vector}: most words start no pair, one lookup says so.
            self.bigrams: dict[str, dict[str, np.ndarray]] = {}
            for attr, vec in weights.items():
                if attr.startswith("bg="):
                    pair = attr[3:]  # split at every "|": the words themselves may be "|"
                    for cut in (k for k, c in enumerate(pair) if c == "|"):
                        self.bigrams.setdefault(pair[:cut], {})[pair[cut + 1:]] = vec
            self.table = np.zeros((5, _CACHE_LIMIT + 1, size))  # the last row stays zero (padding)
            # Words seen but not yet summed into `table` (see `_fill_table`): their rows and feature rows.
            self._pending: list[int] = []
            self._picked: list[int] = []
            self._offsets: list[int] = []

    def word_id(self, word: str) -> int:
        """Row of `word` in the vector table (computed on first sight; the table is reset when full)."""
        i = self.ids.get(word)
        if i is not None:
            return i
        if len(self.ids) >= _CACHE_LIMIT:  # only between batches (see emissions_batch): rows stay valid
            self.reset()
        own, context, folded, starts = self._compute(word, vectors=False)
        i = self.ids[word] = len(self.folded_of)
        self.folded_of.append(folded)
        self.starts_of.append(starts)
        get = self.rows.get
        picked = self._picked
        offsets = self._offsets
        for feats in (own, context[-2], context[-1], context[1], context[2]):
            offsets.append(len(picked))
            picked.extend([r for r in map(get, feats) if r is not None])
            picked.append(self.zero_row)
        self._pending.append(i)
        return i

    def _fill_table(self) -> None:
        """Sum the feature weights of the words first seen since the last call into their table rows, in one
        numpy call for all of them (per word, numpy's call overhead cost more than the sums)."""
        if not self._pending:
            return
        sums = np.add.reduceat(self.matrix[self._picked], self._offsets)
        self.table[:, self._pending] = sums.reshape(len(self._pending), 5, -1).transpose(1, 0, 2)
        self._pending.clear()
        self._picked.clear()
        self._offsets.clear()

    def __call__(self, word: str) -> tuple:
        hit = self.cache.get(word)
        if hit is not None:
            return hit
        if len(self.cache) >= _CACHE_LIMIT:
            self.cache.clear()
        hit = self.cache[word] = self._compute(word)
        return hit

    def _name_stem(self, word: str) -> str | None:
        """The form the name-likeness classifier reads for `word` (what `_compute` passes it), or None.
        Keeps the word's analysis for `_compute`, which comes next for the same new words."""
        analysis = self._analyses[word] = _analyse(word)
        return _name_core(analysis[1], analysis[3], analysis[4])

    def _compute(self, word: str, vectors: bool = True) -> tuple:
        analysis = self._analyses.get(word) or _analyse(word)
        if not vectors:  # the tagging path (word_id): keep it for the rest of the batch
            self._analyses[word] = analysis
        unfolded, f, splits, shape, stems = analysis
        own = [f"w={f}", f"sh={shape}", f"len={min(len(f), 8)}"]
        if len(f) > 2:
            own += [f"p2={f[:2]}", f"p3={f[:3]}", f"x1={f[-1:]}", f"x2={f[-2:]}", f"x3={f[-3:]}"]
        if unfolded != f:
            own.append("unfolded")
        gaz = self.gazetteer.word_classes(f)
        for cls in sorted(gaz):
            own.append(f"g={cls}")
        stem_gaz: set[str] = set()
        for clitic, stem in splits:
            own.append(f"st={stem}")
            classes = self.gazetteer.word_classes(stem)
            if classes:
                own.append(f"cl={clitic}")
                stem_gaz |= classes
        for cls in sorted(stem_gaz - gaz):
            own.append(f"gc={cls}")
        core = stems[0] if stems else f
        if core.startswith("ال") and len(core) > 3:
            own.append(f"na={core[2:]}")
            own.append("art")
        name_core = _name_core(f, shape, stems) if self.namelike is not None else None
        looks = self.namelike.features(name_core) if name_core else []
        if self.word_vectors is not None and shape == "A":
            looks = [*looks, *self.word_vectors.name_features(f, stems)]
        own += looks
        # How WikiFANE labels the word, else the first of its clitic-stripped readings that WikiFANE has.
        profile = self.profile.get(f) or next((p for s in stems if (p := self.profile.get(s))), ())
        own += profile
        if self.outside_words is not None and self.outside_words.covers(f, stems):
            own.append(OUTSIDE_FEATURE)
        cluster = self.clusters.get(f) or next((self.clusters[s] for s in stems if s in self.clusters), None)
        if cluster:
            own += [f"c4={cluster[:4]}", f"c8={cluster[:8]}", f"c={cluster}"]
        # What a neighbour sees of this word: its form, first stem, list classes, cluster and name-likeness.
        far_ctx = [f"w={f}"] + ([f"st={stems[0]}"] if stems else [])
        near_ctx = far_ctx + [f"g={c}" for c in sorted(gaz | stem_gaz)] + [f"sh={shape}"]
        if cluster:
            near_ctx.append(f"c={cluster[:6]}")
        near_ctx += looks
        near_ctx += profile
        context = {o: [tag + x for x in (near_ctx if abs(o) == 1 else far_ctx)] for o, tag in _OFFSET_TAGS}
        if vectors and self.weights is not None:
            return (self._score(own), {o: self._score(xs) for o, xs in context.items()}, f,
                    self.gazetteer.starts(f, stems))
        return own, context, f, self.gazetteer.starts(f, stems)

    def _score(self, feats: list[str]) -> np.ndarray:
        weights = self.weights
        vecs = [v for x in feats if (v := weights.get(x)) is not None]
        if not vecs:
            return self._zero
        if len(vecs) == 1:
            return vecs[0]
        acc = vecs[0] + vecs[1]
        for v in vecs[2:]:
            acc += v
        return acc

    def reset(self) -> None:
        self.ids.clear()
        self.folded_of.clear()
        self.starts_of.clear()
        if self.weights is not None:
            self._pending.clear()
            self._picked.clear()
            self._offsets.clear()

    def analysis_of(self, word: str) -> tuple | None:
        """The analysis (`_analyse`) of a word first seen in the last batch, else None: the neural tagger
        reads the same words right after and need not analyse them again."""
        return self._analyses.get(word)

    def folded(self, word: str) -> str:
        """The folded form of a word as the tagger saw it."""
        return self.folded_of[self.word_id(word)]

    def emissions(self, words: list[str]) -> np.ndarray:
        """Label scores (n × labels) of a sentence: the CRF's state scores, from precomputed word vectors."""
        return self.emissions_batch([words])[0]

    def emissions_batch(self, sentences: list[list[str]]) -> list[np.ndarray]:
        """`emissions` of several sentences, computed in one pass over their concatenation."""
        return self.emissions_and_folded(sentences)[0]

    def emissions_and_folded(self, sentences: list[list[str]]) -> tuple[list[np.ndarray], list[list[str]]]:
        """`emissions_batch`, plus each sentence's folded words."""
        weights = self.weights
        zero = self._zero
        total = sum(len(s) for s in sentences)
        if total > _CACHE_LIMIT // 2 and len(sentences) > 1:  # keep one batch's rows within the table
            half = len(sentences) // 2
            e1, f1 = self.emissions_and_folded(sentences[:half])
            m1 = self.last_matches
            e2, f2 = self.emissions_and_folded(sentences[half:])
            self.last_matches = m1 + self.last_matches
            return e1 + e2, f1 + f2
        if len(self.ids) + total > _CACHE_LIMIT:
            self.reset()
        flat = [w for sent in sentences for w in sent]
        ids = list(map(self.ids.get, flat))
        self._analyses.clear()
        if None in ids:
            new = [k for k, i in enumerate(ids) if i is None]
            if self.namelike is not None and len(new) > 8:
                self.namelike.prefetch([s for w in dict.fromkeys(flat[k] for k in new)
                                        if (s := self._name_stem(w)) is not None])
            word_id = self.word_id
            for k in new:
                ids[k] = word_id(flat[k])
        n = len(ids)
        # Each sentence's multi-word list matches, for the neural tagger to read too (neural.py).
        self.last_matches: list[list] = [[] for _ in sentences]
        if n == 0:
            return [np.zeros((0, len(zero))) for _ in sentences], [[] for _ in sentences]
        self._fill_table()
        lengths = [len(s) for s in sentences]
        # A neighbour's features only count within the same sentence: the sentences are laid out with two
        # zero rows before each and after the last, so a neighbour across an edge reads zeros.
        sid = np.repeat(np.arange(len(sentences)), lengths)
        at = np.arange(n) + 2 * (sid + 1)
        padded = np.full(n + 2 * (len(sentences) + 1), _CACHE_LIMIT)
        padded[at] = ids
        planes = self.table[:, padded]
        em = planes[0]
        for plane, o in enumerate((-2, -1, 1, 2), start=1):
            if o > 0:
                em[:-o] += planes[plane, o:]
            else:
                em[-o:] += planes[plane, :o]
        em = em[at]
        em += weights.get("bias", zero) + self.offset
        ends = np.cumsum(lengths)
        begins = ends - lengths
        nonempty = np.array(lengths) > 0
        em[begins[nonempty]] += weights.get("BOS", zero)
        em[ends[nonempty] - 1] += weights.get("EOS", zero)
        folded = list(map(self.folded_of.__getitem__, ids))
        starts_of = self.starts_of
        sid_list = sid.tolist()
        bigrams = self.bigrams.get
        for i in range(1, n):
            seconds = bigrams(folded[i - 1])
            if seconds is not None:
                bigram = seconds.get(folded[i])
                if bigram is not None and sid_list[i] == sid_list[i - 1]:
                    em[i] += bigram
        with_starts = sorted({sid_list[k] for k, i in enumerate(ids) if starts_of[i]})
        outside_row = weights.get(OUTSIDE_FEATURE)  # set by the recognizer only when it has outside words
        outside = self.outside_words if outside_row is not None else None
        for sent in with_starts:
            pos, m = int(begins[sent]), lengths[sent]
            e = em[pos:pos + m]
            f = folded[pos:pos + m]
            found = self.last_matches[sent] = self.gazetteer.match(f, [starts_of[k] for k in ids[pos:pos + m]])
            for start, end, classes, _ in found:
                waive = outside is not None and not classes.isdisjoint(FULL_NAME_LISTS)
                for k in range(start, end):
                    e[k] += self._score([f"m{'B' if k == start else 'I'}={cls}" for cls in sorted(classes)])
                    if waive and outside.covers(f[k]):
                        e[k] -= outside_row  # a listed full name outweighs one word's outside prior
                if end < m:
                    e[end] += self._score([f"mafter={cls}" for cls in sorted(classes)])
        bounds = ends.tolist()
        return np.split(em, bounds[:-1]), [folded[e - m:e] for e, m in zip(bounds, lengths)]

    def sentence(self, words: list[str]) -> list[list[str]]:
        """CRF items (lists of binary feature names) for one sentence of words."""
        per_word = [self(w) for w in words]
        n = len(words)
        folded = [p[2] for p in per_word]
        items = []
        for i in range(n):
            feats = list(per_word[i][0])
            feats.append("bias")
            for o in (-2, -1, 1, 2):
                j = i + o
                if 0 <= j < n:
                    feats.extend(per_word[j][1][o])
                elif abs(o) == 1:
                    feats.append("BOS" if o < 0 else "EOS")
            if i > 0:
                feats.append(f"bg={folded[i - 1]}|{folded[i]}")
            items.append(feats)
        for start, end, classes, _ in self.gazetteer.match(folded, [p[3] for p in per_word]):
            for k in range(start, end):
                tag = "B" if k == start else "I"
                items[k].extend(f"m{tag}={cls}" for cls in sorted(classes))
            if end < n:
                items[end].extend(f"mafter={cls}" for cls in sorted(classes))
        return items
