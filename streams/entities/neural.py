"""A small neural tagger whose label scores are added to the CRF's (an ensemble of two different learners).

The CRF reads sparse, hand-made features; this network reads dense ones it learns: an embedding of the
word, the mean embedding of its letter 2-4-grams (so an unseen name still looks like the names it resembles),
its list classes, shape and name-likeness, and the multi-word list names each token is part of. A window of
five words goes through one convolution and a hidden layer (Collobert et al. 2011's window approach; a model
trained with `--neural-context` makes the hidden layer a convolution over the first one's outputs for the
word and its neighbours), pretrained on WikiFANE and then trained on ANERcorp (`train_neural.py`, PyTorch at
training time only).

Tagging runs in numpy: the convolution is linear in each word's input, so each distinct word's five
contributions (one per window position) are computed once and kept, like the CRF's word scores; a sentence
then costs a few gathers and two small matrix products. Scores are added to the CRF's in `recognizer.py`
(`neural_weight` in decoding.json); `EntityRecognizer(neural=False)` leaves the network out.
"""
from __future__ import annotations

import os
import zlib

import numpy as np

from streams.entities.features import _analyse
from streams.entities.gazetteer import Gazetteer
from streams.entities.namelike import CLASSES as NAME_CLASSES

NEURAL_FILE = "neural.npz"
WINDOW = 2  # words each side (the default; a model's own is its convolution's width)
# List classes the network reads: not WikiFANE's own (W*), which it is pretrained on (they would be its answers).
CLASSES = ("CITY", "CITYBIG", "CLUB", "CONTINENT", "COUNTRY", "CUR", "DEMONYM", "PFULL", "PGIVEN", "PSUR",
           "PTRANS", "PUNIT", "TLOC", "TMISC", "TORG", "TPERS")
SHAPES = ("A", "D", "Lu", "Ll", "P", "O", "E")
_SHAPE_AT = {s: k for k, s in enumerate(SHAPES)}  # `word_shape` gives "P" + the character: read as P


def dense_size(classes: tuple[str, ...], namelike: bool = False, vector_dim: int = 0,
               vector_names: bool = False) -> int:
    """Width of a word's dense features (list classes of the word and of its stem, shape, three flags, the
    name-likeness classifier's five probabilities when it is read, the vector table's five name-type
    probabilities when read, and the word's vector with a flag for words the table lacks when vectors are
    read)."""
    return (2 * len(classes) + len(SHAPES) + 3 + (len(NAME_CLASSES) if namelike else 0)
            + (len(NAME_CLASSES) if vector_names and vector_dim else 0)
            + (vector_dim + 1 if vector_dim else 0))


def match_size(classes: tuple[str, ...]) -> int:
    """Width of a token's multi-word list match features (`WordInputs.matches`)."""
    return 2 * len(classes)


PAD, UNK = 0, 1
# Distinct words whose window contributions are kept (float16, 5 x hidden values: 58 MB at hidden 96). When
# full it keeps the half read most recently (`_evict`).
_CACHE_LIMIT = 60_000

try:  # the compiled recurrence (setup.py); numpy below gives the same states when it was not built
    from streams.entities._gru import gru as _compiled_gru
except ImportError:  # pragma: no cover - depends on the build
    _compiled_gru = None

try:  # the compiled first-layer sums and n-gram hashes (setup.py); numpy and Python below give the same
    from streams.entities._neural import ngram_buckets as _compiled_buckets
    from streams.entities._neural import to_half as _compiled_to_half
    from streams.entities._neural import window as _compiled_window
except ImportError:  # pragma: no cover - depends on the build
    _compiled_buckets = _compiled_to_half = _compiled_window = None


def ngram_buckets(folded: str, buckets: int) -> list[int]:
    """Hashed letter 2-4-grams of a folded word (crc32: the same in every process, unlike `hash`)."""
    w = f"<{folded}>"
    # surrogatepass: a lone surrogate (invalid text, but a str all the same) hashes instead of raising.
    return [zlib.crc32(w[i:i + n].encode("utf-8", "surrogatepass")) % buckets
            for n in (2, 3, 4) for i in range(len(w) - n + 1)]


def bucket_arrays(words: list[str], buckets: int) -> tuple[np.ndarray, np.ndarray]:
    """`ngram_buckets` of many words: all of them in one int64 array, word after word, and each one's count."""
    if _compiled_buckets is not None:
        flat, sizes = _compiled_buckets(words, buckets)
        return np.frombuffer(flat, dtype=np.int64), np.frombuffer(sizes, dtype=np.int64)
    lists = [ngram_buckets(w, buckets) for w in words]
    return (np.fromiter((b for bs in lists for b in bs), dtype=np.int64),
            np.fromiter(map(len, lists), dtype=np.int64, count=len(lists)))


def _laid_out(lengths: list[int], pad: int) -> tuple[np.ndarray, int]:
    """Sentences one after another with `pad` rows around each (as in training): each token's row, and the
    number of rows, so that no window reaches into the next sentence."""
    sid = np.repeat(np.arange(len(lengths)), lengths)
    return np.arange(len(sid)) + pad * (sid + 1), len(sid) + pad * (len(lengths) + 1)


class WordInputs:
    """A word → (vocabulary index, letter n-gram buckets, dense features): the network's input for it."""

    def __init__(self, gazetteer: Gazetteer, vocabulary: list[str], buckets: int, outside_words=None,
                 classes: tuple[str, ...] = CLASSES, namelike=None, vectors=None,
                 vector_names: bool = False) -> None:
        self.gazetteer = gazetteer
        self.namelike = namelike  # NameLikeness, or None when the network does not read it
        self.vectors = vectors  # WordVectors, or None when the network does not read them
        self.classes = tuple(classes)
        self.index = {w: k for k, w in enumerate(vocabulary, start=2)}  # 0 padding, 1 unknown
        self.buckets = buckets
        self.outside_words = outside_words
        self.class_at = {c: k for k, c in enumerate(self.classes)}
        vector_dim = vectors.dim if vectors is not None else 0
        # The encoder's name-type probabilities (which the CRF reads too) beside the vector's 32 components,
        # which keep only half of what the full encoding says.
        if vector_names and (vectors is None or vectors.name_probs is None):
            raise ValueError("reading the vectors' name types needs a wordvectors.npz that has them")
        self.vector_names = bool(vector_names)
        self.dense_width = dense_size(self.classes, namelike is not None, vector_dim, self.vector_names)
        # Where the optional blocks begin: name-likeness, the vectors' name types, then the vector and its
        # missing flag (last column).
        self._namelike_at = dense_size(self.classes)
        self._vector_at = self.dense_width - vector_dim - 1
        self._vnames_at = self._vector_at - len(NAME_CLASSES)

    def __call__(self, word: str) -> tuple[int, list[int], np.ndarray, str, tuple]:
        """(vocabulary index, n-gram buckets, dense features, folded form, multi-word list entries it may start)."""
        index, buckets, dense, folded, starts = self.batch([word])
        return index[0], buckets[0], dense[0], folded[0], starts[0]

    def batch(self, words: list[str], analysis_of=None
              ) -> tuple[list[int], list[list[int]], np.ndarray, list[str], list[tuple]]:
        """`__call__` for many words: vocabulary indexes, n-gram buckets, dense features (one array), folded
        forms and the list entries each may start (the name-likeness of all of them in one numpy pass).
        `analysis_of(word)`: a word's `_analyse` if already made (the CRF's features), else None."""
        index, cores, dense, folded, starts = self.batch_cores(words, analysis_of)
        return index, [ngram_buckets(c, self.buckets) for c in cores], dense, folded, starts

    def batch_cores(self, words: list[str], analysis_of=None
                    ) -> tuple[list[int], list[str], np.ndarray, list[str], list[tuple]]:
        """`batch`, with the forms whose letter n-grams are read (`bucket_arrays` hashes them all at once)
        in place of their buckets."""
        rows = [self._word(w, analysis_of(w) if analysis_of else None) for w in words]
        dense = np.array([r[2] for r in rows], dtype=np.float32).reshape(len(rows), -1)
        if self.namelike is not None:
            named = [k for k, r in enumerate(rows) if r[5]]
            if named:
                at = self._namelike_at
                dense[named, at:at + len(NAME_CLASSES)] = self.namelike.probabilities_batch(
                    [rows[k][5] for k in named])
        if self.vectors is not None and rows:
            found = self.vectors.lookup([r[6] for r in rows])
            have = found >= 0
            dense[have, self._vector_at:-1] = self.vectors.vectors(found[have])
            dense[~have, -1] = 1.0
            if self.vector_names:
                at = self._vnames_at
                dense[have, at:at + len(NAME_CLASSES)] = self.vectors.name_probs[found[have]] / np.float32(255)
        return [r[0] for r in rows], [r[1] for r in rows], dense, [r[3] for r in rows], [r[4] for r in rows]

    def _word(self, word: str, analysis: tuple | None = None) -> tuple:
        _, f, splits, shape, stems = analysis or _analyse(word)
        index = self.index.get(f) or next((self.index[s] for s in stems if s in self.index), UNK)
        dense = [0.0] * self.dense_width
        width = len(self.classes)
        class_at = self.class_at
        for c in self.gazetteer.word_classes(f):
            k = class_at.get(c)
            if k is not None:
                dense[k] = 1.0
        for s in stems:
            for c in self.gazetteer.word_classes(s):
                k = class_at.get(c)
                if k is not None:
                    dense[width + k] = 1.0
        base = 2 * width
        dense[base + _SHAPE_AT.get(shape, _SHAPE_AT["P"])] = 1.0
        base += len(SHAPES)
        core = stems[0] if stems else f
        dense[base] = float(core.startswith("ال") and len(core) > 3)
        dense[base + 1] = float(bool(splits))
        if self.outside_words is not None:
            dense[base + 2] = float(self.outside_words.covers(f, stems))
        name_core = core if shape == "A" and len(core) > 2 else None  # what the name-likeness classifier reads
        return (index, core, dense, f, self.gazetteer.starts(f, stems), name_core,
                (f, *stems))  # the keys the word's vector is looked up by, in `batch`

    def matches(self, folded: list[str], starts: list[tuple]) -> np.ndarray | None:
        """Per token, the classes of a multi-word list name it begins (first half) or continues (second
        half); None when the sentence has none. The CRF reads the same matches (`mB=`, `mI=`)."""
        found = self.find(folded, starts)
        return self.match_vectors(len(folded), found) if found else None

    def find(self, folded: list[str], starts: list[tuple]) -> list:
        """The gazetteer's multi-word matches in a sentence (none to look for when no word starts one)."""
        return self.gazetteer.match(folded, starts) if any(starts) else []

    def match_vectors(self, n: int, found: list) -> np.ndarray:
        """`matches` from the gazetteer's (start, end, classes, via clitic) matches of an n-token sentence."""
        out = np.zeros((n, 2 * len(self.classes)), dtype=np.float32)
        tokens, columns = self.match_cells(found)
        out[tokens, columns] = 1.0
        return out

    def match_cells(self, found: list, offset: int = 0) -> tuple[list[int], list[int]]:
        """The (token + offset, column) cells `match_vectors` sets to 1: a class's first half at the token a
        name begins, its second half at the tokens that continue it."""
        width = len(self.classes)
        tokens: list[int] = []
        columns: list[int] = []
        for start, end, classes, _ in found:
            for c in classes:
                k = self.class_at.get(c)
                if k is not None:
                    tokens.extend(range(offset + start, offset + end))
                    columns.append(k)
                    columns.extend([width + k] * (end - start - 1))
        return tokens, columns


def _gru_numpy(x: np.ndarray, lengths: np.ndarray, w_hh: np.ndarray, b_hh: np.ndarray, backwards: bool,
               out: np.ndarray) -> None:
    """`_gru.c` in numpy, for when it was not built: all sentences a position at a time (torch's gates r, z, n)."""
    units = w_hh.shape[0]
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.intp)
    state = np.zeros((len(lengths), units), dtype=np.float32)
    for t in range(int(lengths.max(initial=0))):
        live = np.flatnonzero(lengths > t)
        pos = starts[live] + (lengths[live] - 1 - t if backwards else t)
        g = state[live] @ w_hh + b_hh
        xi = x[pos]
        rz = 1.0 / (1.0 + np.exp(-(xi[:, :2 * units] + g[:, :2 * units])))
        r, z = rz[:, :units], rz[:, units:]
        n = np.tanh(xi[:, 2 * units:] + r * g[:, 2 * units:])
        new = (1.0 - z) * n + z * state[live]
        state[live] = new
        out[pos] = new


class NeuralScorer:
    """Log-probabilities of the labels for each token of a batch of sentences (numpy).

    The convolution is linear in each word's input, so a word's contributions at the five window positions
    are computed once, when it is first seen, and kept in a bounded table; a sentence then costs five
    gathers and two small matrix products. Multi-word list matches, which depend on the neighbours, are
    added per token."""

    def __init__(self, arrays: dict[str, np.ndarray], gazetteer: Gazetteer, outside_words=None,
                 namelike=None, vectors=None) -> None:
        text = ("vocabulary", "labels", "classes")
        a = {k: np.asarray(v, dtype=np.float32) for k, v in arrays.items() if k not in text}
        self.labels = [str(x) for x in arrays["labels"]]
        classes = tuple(str(c) for c in arrays["classes"])
        reads_namelike = "namelike" in arrays and int(arrays["namelike"])
        if reads_namelike and namelike is None:
            raise ValueError("this neural model reads the name-likeness classifier: pass it (namelike.npz)")
        vector_dim = int(arrays["wordvectors"]) if "wordvectors" in arrays else 0
        if vector_dim and (vectors is None or vectors.dim != vector_dim):
            raise ValueError(f"this neural model reads {vector_dim}-number word vectors: pass them (wordvectors.npz)")
        self.inputs = WordInputs(gazetteer, [str(w) for w in arrays["vocabulary"]], int(a["buckets"]),
                                 outside_words, classes, namelike if reads_namelike else None,
                                 vectors if vector_dim else None,
                                 bool("vector_names" in arrays and int(arrays["vector_names"])))
        self.embedding, self.ngrams = a["embedding"], a["ngrams"]
        conv = a["conv_weight"]  # (hidden, input, 2 * window + 1), as torch's Conv1d keeps it
        self.hidden = conv.shape[0]
        self.window = (conv.shape[2] - 1) // 2
        # (input, positions x hidden): one product gives an input's contribution at every window position.
        flat = np.ascontiguousarray(conv.transpose(1, 2, 0).reshape(conv.shape[1], -1))
        word_width = conv.shape[1] - match_size(classes)
        self.conv_word, self.conv_match = flat[:word_width], flat[word_width:]
        self.conv_bias = a["conv_bias"]
        hidden_w = a["hidden_weight"]
        # A second convolution (hidden2, hidden, 2 * context + 1) or a position-wise layer (hidden2, hidden).
        self.context = (hidden_w.shape[2] - 1) // 2 if hidden_w.ndim == 3 else 0
        self.hidden_w = (np.ascontiguousarray(hidden_w.transpose(2, 1, 0)) if hidden_w.ndim == 3
                         else hidden_w.T.copy())
        self.hidden_b = a["hidden_bias"]
        self.out_w, self.out_b = a["out_weight"].T.copy(), a["out_bias"]
        # A bidirectional GRU over the first layer's outputs (torch's layout: gates r, z, n), if trained with one.
        self.gru = ([(a[f"gru_weight_ih_l0{d}"].T.copy(), a[f"gru_weight_hh_l0{d}"].T.copy(),
                      a[f"gru_bias_ih_l0{d}"], a[f"gru_bias_hh_l0{d}"]) for d in ("", "_reverse")]
                    if "gru_weight_ih_l0" in a else None)
        self.ids: dict[str, int] = {}
        # Rows: known words' contributions at each window position (float16: half the memory, and scores
        # within a few thousandths); the last row is padding's, outside the sentence. A known word then
        # costs a gather, no arithmetic: the products, taken once per word, were most of the work.
        self.table = np.zeros((_CACHE_LIMIT + 1, flat.shape[1]), dtype=np.float16)
        self.table[_CACHE_LIMIT] = a["pad"] @ flat
        self.folded: list[str] = [""] * _CACHE_LIMIT
        self.starts: list[tuple] = [()] * _CACHE_LIMIT
        self.last_used = np.zeros(_CACHE_LIMIT, dtype=np.int64)  # by row: the batch that last read it
        self.batches = 0

    def ordered_as(self, labels: list[str]) -> None:
        """Put the output's columns in `labels`' order (the CRF's), once, so scores add up column by column."""
        order = [self.labels.index(label) for label in labels]
        self.out_w, self.out_b = self.out_w[:, order].copy(), self.out_b[order].copy()
        self.labels = list(labels)

    @classmethod
    def load(cls, model_dir: str, gazetteer: Gazetteer, outside_words=None, namelike=None,
             vectors=None) -> NeuralScorer | None:
        path = os.path.join(model_dir, NEURAL_FILE)
        if not os.path.exists(path):
            return None
        with np.load(path) as data:
            return cls({k: data[k] for k in data.files}, gazetteer, outside_words, namelike, vectors)

    def _rows(self, words: list[str], analysis_of=None) -> list[int]:
        """Each word's row in `table`, computing the rows of new words (all of them in one product)."""
        ids = self.ids
        rows = list(map(ids.get, words))
        if None not in rows:
            return rows
        new = list(dict.fromkeys(w for w, r in zip(words, rows) if r is None))
        if len(ids) + len(new) > _CACHE_LIMIT:
            self._evict(room=len(set(words)))
            rows = list(map(ids.get, words))
            new = list(dict.fromkeys(w for w, r in zip(words, rows) if r is None))
        first = len(ids)
        index, cores, dense, folded, starts = self.inputs.batch_cores(new, analysis_of)
        flat, sizes = bucket_arrays(cores, self.inputs.buckets)
        ngram_sums = np.add.reduceat(self.ngrams[flat], np.concatenate([[0], np.cumsum(sizes)[:-1]]))
        # float32 throughout, as the network was trained: an int64 divisor made x, and so the product,
        # float64, which took eight times as long (a twelfth of the entity stage).
        x = np.concatenate([self.embedding[index], ngram_sums / sizes[:, None].astype(np.float32), dense], axis=1)
        rows_of_new = x @ self.conv_word
        part = self.table[first:first + len(new)]
        if _compiled_to_half is None or not _compiled_to_half(rows_of_new, part):
            part[:] = rows_of_new
        for k, w in enumerate(new, start=first):
            ids[w] = k
        self.folded[first:first + len(new)] = folded
        self.starts[first:first + len(new)] = starts
        return [ids[w] for w in words]

    def _evict(self, room: int) -> None:
        """Make room for `room` words: keep at most half of the table, the rows read most recently (common
        words, and the current story's names), compacted to the front. Emptying it all made every common
        word be worked out again: a quarter more new words over the 3,000 articles."""
        ids = self.ids
        kept = max(0, min(len(ids), _CACHE_LIMIT // 2, _CACHE_LIMIT - room))
        keep = np.sort(np.argsort(self.last_used[:len(ids)], kind="stable")[len(ids) - kept:])
        rows = keep.tolist()
        by_row = list(ids)  # rows are handed out in insertion order, 0, 1, 2...
        words = [by_row[r] for r in rows]
        self.table[:len(rows)] = self.table[keep]
        self.last_used[:len(rows)] = self.last_used[keep]
        self.folded[:len(rows)] = [self.folded[r] for r in rows]
        self.starts[:len(rows)] = [self.starts[r] for r in rows]
        ids.clear()
        ids.update(zip(words, range(len(words))))

    def log_probabilities(self, sentences: list[list[str]], matches: list | None = None,
                          analysis_of=None) -> list[np.ndarray]:
        """Per sentence, an (n x labels) array. What the CRF's features just worked out for the same
        sentences may be passed in: `matches`, each sentence's multi-word list matches
        (`WordFeatures.last_matches`, same gazetteer), and `analysis_of` (`WordFeatures.analysis_of`)."""
        lengths = [len(s) for s in sentences]
        n = sum(lengths)
        if n > _CACHE_LIMIT // 2 and len(sentences) > 1:  # a batch's new words must fit the table
            half = len(sentences) // 2
            first, second = (None, None) if matches is None else (matches[:half], matches[half:])
            return (self.log_probabilities(sentences[:half], first, analysis_of)
                    + self.log_probabilities(sentences[half:], second, analysis_of))
        if n == 0:
            return [np.zeros((0, len(self.labels)), dtype=np.float32) for _ in sentences]
        window = self.window
        rows = self._rows([w for s in sentences for w in s], analysis_of)
        at, total = _laid_out(lengths, window)
        padded = np.full(total, _CACHE_LIMIT)
        padded[at] = rows
        self.batches += 1
        self.last_used[rows] = self.batches
        h = self._first_layer(padded, at)
        if matches is None:
            matches = self._matches(sentences, rows)
        self._add_matches(h, matches, lengths, at, total)
        np.maximum(h, 0, out=h)
        if self.gru is not None:
            h = np.concatenate([h, self._bigru(h, lengths)], axis=1)
        if self.context:
            h2 = self._second_convolution(h, lengths)
        else:
            h2 = h @ self.hidden_w
        h2 += self.hidden_b
        np.maximum(h2, 0, out=h2)
        logits = h2 @ self.out_w
        logits += self.out_b
        logits -= logits.max(axis=1, keepdims=True)
        logits -= np.log(np.exp(logits).sum(axis=1, keepdims=True))
        return np.split(logits, np.cumsum(lengths)[:-1])

    def _first_layer(self, padded: np.ndarray, at: np.ndarray) -> np.ndarray:
        """Each token's first-layer sum before its list matches: the bias plus, at each window position, the
        table row of the word standing there (padding's row beyond a sentence)."""
        positions = 2 * self.window + 1
        if _compiled_window is not None:
            h = np.empty((len(at), self.hidden), dtype=np.float32)
            _compiled_window(self.table, padded, at, positions, self.conv_bias, h)
            return h
        planes = self.table[padded].astype(np.float32).reshape(len(padded), positions, self.hidden)
        h = planes[at - self.window, 0] + self.conv_bias
        for k in range(1, positions):
            h += planes[at + k - self.window, k]
        return h

    def _add_matches(self, h: np.ndarray, matches: list, lengths: list[int], at: np.ndarray, total: int) -> None:
        """Add the multi-word list matches' contributions, all the batch's at once: a matched token at layout
        position p reaches, at window position k, the token centred at p + window - k (if one is there: not
        padding). The cells are `WordInputs.match_cells`', as the network reads them in training."""
        tokens: list[int] = []
        columns: list[int] = []
        begin = 0
        for m, found in zip(lengths, matches):
            if found:
                t, c = self.inputs.match_cells(found, begin)
                tokens += t
                columns += c
            begin += m
        if not tokens:
            return
        hit, row = np.unique(tokens, return_inverse=True)
        match = np.zeros((len(hit), 2 * len(self.inputs.classes)), dtype=np.float32)
        match[row, columns] = 1.0
        positions = 2 * self.window + 1
        reach = (match @ self.conv_match).reshape(len(hit), positions, self.hidden)
        token_at = np.full(total, -1)
        token_at[at] = np.arange(len(at))
        where = at[hit]
        for k in range(positions):
            centre = token_at[where + self.window - k]  # distinct for one k: a plain indexed add is enough
            inside = centre >= 0
            h[centre[inside]] += reach[inside, k]

    def _bigru(self, h: np.ndarray, lengths: list[int]) -> np.ndarray:
        """Each token's GRU states, forwards then backwards over its sentence."""
        lengths_a = np.asarray(lengths, dtype=np.int64)
        out = []
        for (w_ih, w_hh, b_ih, b_hh), backwards in zip(self.gru, (False, True)):
            x = h @ w_ih  # every token's input part at once; only the recurrence goes token by token
            x += b_ih
            states = np.empty((len(h), w_hh.shape[0]), dtype=np.float32)
            (_compiled_gru or _gru_numpy)(np.ascontiguousarray(x, dtype=np.float32), lengths_a, w_hh, b_hh,
                                          backwards, states)
            out.append(states)
        return np.concatenate(out, axis=1)

    def _second_convolution(self, h: np.ndarray, lengths: list[int]) -> np.ndarray:
        """The second layer over each token's neighbours' first-layer outputs, zeros beyond a sentence."""
        c = self.context
        at, total = _laid_out(lengths, c)
        padded = np.zeros((total, h.shape[1]), dtype=h.dtype)
        padded[at] = h
        out = padded[at - c] @ self.hidden_w[0]
        for k in range(1, 2 * c + 1):
            out += padded[at + k - c] @ self.hidden_w[k]
        return out

    def _matches(self, sentences: list[list[str]], rows: list[int]) -> list[list]:
        out = []
        begin = 0
        starts, folded, find = self.starts, self.folded, self.inputs.find
        for words in sentences:
            sent_rows = rows[begin:begin + len(words)]
            begin += len(words)
            out.append(find([folded[r] for r in sent_rows], [starts[r] for r in sent_rows]))
        return out
