"""`khabar enrich`: the worker's exact steps, run over files with no Kafka at all."""
from __future__ import annotations

import sys
import time
from collections import Counter
from collections.abc import Iterable

import orjson

from agents.inputs import Message
from agents.steps import DEADLETTER, EnrichStep, Meta, NormalizeStep
from streams.pipeline import PipelineConfig


def enrich_messages(messages: Iterable[Message], config: PipelineConfig, out=None, err=None) -> Counter:
    """Write one enriched JSON line per good message to `out`, in input order; reasons for the rest to `err`."""
    out = out or sys.stdout.buffer
    err = err or sys.stderr
    normalize, enrich = NormalizeStep(config), EnrichStep(config)
    counts: Counter = Counter()
    for msg in messages:
        meta = Meta(topic=msg.origin, timestamp_ms=int(time.time() * 1000))
        result = normalize(msg.value, None, meta)
        if result.topic != DEADLETTER:
            result = enrich(result.value, None, meta)
        if result.topic == DEADLETTER:
            counts[result.reason] += 1
            error = orjson.loads(result.value)["error"]
            print(f"{msg.origin}: dead letter ({result.reason}): {error[:200]}", file=err)
            continue
        counts["ok"] += 1
        out.write(result.value + b"\n")
    out.flush()
    return counts
