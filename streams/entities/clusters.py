"""Word clusters (bit-string paths, Brown-style) used as tagger features; optional part of the model."""
from __future__ import annotations

import gzip
import os

CLUSTERS_FILE = "clusters.tsv.gz"


def load_clusters(model_dir: str) -> dict[str, str]:
    path = os.path.join(model_dir, CLUSTERS_FILE)
    if not os.path.exists(path):
        return {}
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return dict(line.rstrip("\n").split("\t", 1)[::-1] for line in f if "\t" in line)
