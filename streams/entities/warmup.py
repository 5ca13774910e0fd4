"""Common words worked out when the entity stage starts, so that a new worker does not pay for them article by
article.

The stage memoizes each distinct word's CRF feature scores and neural-tagger inputs (`features.py`,
`neural.py`); a word costs tens of microseconds the first time and almost nothing after. A worker that has just
started meets every common word for the first time, and ran about a fifth slower over its first few thousand
articles than one that had been running. `common_words.txt.gz` holds wordfreq's commonest Arabic words as
written (its data is CC BY-SA 4.0); `EntityRecognizer.prewarm` works them out once, at start, in a few seconds.
Memoization only: what the stage finds is the same with or without it.
"""
from __future__ import annotations

import gzip
import os

from streams.tokenize import tokenize

COMMON_WORDS_FILE = "common_words.txt.gz"
# 40,000 words made a new stage 1.22x as fast over the 3,000 SaudiNewsNet articles (README: bench); 20,000 gained
# less, and 80,000 too, as they overflow the neural tagger's 60,000-word table and push out the news's own.
DEFAULT_COMMON_WORDS = 40_000


def write_common_words(model_dir: str, n: int = DEFAULT_COMMON_WORDS) -> int:
    """Training time: wordfreq's `n` commonest Arabic words that are one token as the stage tokenizes, one a line.
    Returns how many were written; 0 (and no file) without the `wordfreq` package."""
    path = os.path.join(model_dir, COMMON_WORDS_FILE)
    if os.path.exists(path):
        os.remove(path)
    try:
        from wordfreq import top_n_list
    except ImportError:
        return 0
    words = [w for w in top_n_list("ar", n) if tokenize(w) == [(0, len(w))]]
    # mtime=0: the same words give the same bytes, so a retrain does not show the file as changed.
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as f:
        f.write("".join(w + "\n" for w in words).encode("utf-8"))
    return len(words)


def load_common_words(model_dir: str, limit: int | None = None) -> list[str]:
    """The model's common words, commonest first (at most `limit`); empty if the model has none."""
    path = os.path.join(model_dir, COMMON_WORDS_FILE)
    if not os.path.exists(path):
        return []
    with gzip.open(path, "rt", encoding="utf-8") as f:
        words = f.read().split("\n")
    return [w for w in words if w][:limit]
