"""Word clusters used as tagger features: words that occur in similar contexts share a bit-string path.

Built offline from shippable text only (ANERcorp train and WikiFANE, never SaudiNewsNet): each word is
described by its positive PMI with the frequent words to its left and right, randomly projected to a few
dozen dimensions, and the vectors are split in two recursively (2-means), Brown-cluster style: `0110…`.
Prefixes of the path are coarse clusters. A word not in the file simply has no cluster feature.
"""
from __future__ import annotations

import gzip
import os
from collections import Counter
from collections.abc import Iterable

import numpy as np

CLUSTERS_FILE = "clusters.tsv.gz"


def load_clusters(model_dir: str) -> dict[str, str]:
    path = os.path.join(model_dir, CLUSTERS_FILE)
    if not os.path.exists(path):
        return {}
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return dict(line.rstrip("\n").split("\t", 1)[::-1] for line in f if "\t" in line)


def _bisect(vectors: np.ndarray, index: np.ndarray, depth: int, prefix: str, out: dict[int, str],
            rng: np.random.Generator, min_size: int) -> None:
    if depth == 0 or len(index) < min_size:
        for i in index:
            out[int(i)] = prefix or "0"
        return
    x = vectors[index]
    centers = x[rng.choice(len(x), 2, replace=False)]
    for _ in range(12):
        side = ((x @ centers.T).argmax(axis=1))
        for k in (0, 1):
            if (side == k).any():
                c = x[side == k].mean(axis=0)
                centers[k] = c / (np.linalg.norm(c) or 1.0)
    for k in (0, 1):
        part = index[side == k]
        if len(part):
            _bisect(vectors, part, depth - 1, prefix + str(k), out, rng, min_size)


def build_clusters(model_dir: str, sentences: Iterable[list[str]], min_count: int = 3, contexts: int = 2000,
                   dims: int = 96, depth: int = 10, seed: int = 13) -> int:
    """Cluster the folded words of `sentences` (lists of folded tokens); writes `clusters.tsv.gz`."""
    sentences = [s for s in sentences if s]
    counts = Counter(w for s in sentences for w in s)
    vocab = [w for w, c in counts.most_common() if c >= min_count]
    wid = {w: i for i, w in enumerate(vocab)}
    ctx = {w: i for i, w in enumerate(vocab[:contexts])}
    pairs: Counter = Counter()
    for s in sentences:
        padded = ["<s>"] + s + ["</s>"]
        for k in range(1, len(padded) - 1):
            row = wid.get(padded[k])
            if row is None:
                continue
            left, right = ctx.get(padded[k - 1]), ctx.get(padded[k + 1])
            if left is not None:
                pairs[(row, left)] += 1
            if right is not None:
                pairs[(row, contexts + right)] += 1
    rows = np.fromiter((r for r, _ in pairs), dtype=np.int64, count=len(pairs))
    cols = np.fromiter((c for _, c in pairs), dtype=np.int64, count=len(pairs))
    vals = np.fromiter(pairs.values(), dtype=np.float64, count=len(pairs))
    total = vals.sum()
    row_sum = np.bincount(rows, vals, minlength=len(vocab))
    col_sum = np.bincount(cols, vals, minlength=2 * contexts)
    pmi = np.log(vals * total / (row_sum[rows] * col_sum[cols]))
    keep = pmi > 0
    rng = np.random.default_rng(seed)
    projection = rng.standard_normal((2 * contexts, dims))
    vectors = np.zeros((len(vocab), dims))
    np.add.at(vectors, rows[keep], pmi[keep, None] * projection[cols[keep]])
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True) + 1e-9
    paths: dict[int, str] = {}
    _bisect(vectors, np.arange(len(vocab)), depth, "", paths, rng, min_size=8)
    text = "".join(f"{paths[i]}\t{w}\n" for i, w in enumerate(vocab) if i in paths)
    with open(os.path.join(model_dir, CLUSTERS_FILE), "wb") as raw, \
            gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, compresslevel=9) as f:
        f.write(text.encode("utf-8"))
    return len(paths)
