#!/usr/bin/env python3
"""Rebuild the shipped entity model (gazetteers + CRF) into streams/entities/model/.

Same as `python -m streams.entities.train` (`khabar train ner`); arguments are passed through, e.g.
`scripts/build_ner.py --holdout 0.1 --output /tmp/ner-try` to tune on a split of ANERcorp train.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from streams.entities.train import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
