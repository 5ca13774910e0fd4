"""The producer's partitioner: Kafka's default (murmur2 of the key), hashed in C.

aiokafka's DefaultPartitioner hashes each key in pure Python, about 5% of a worker's CPU when the NLP is
off. `KeyPartitioner` picks the same partition for every key (so copies of a story still meet on one
partition, and other Kafka clients agree), with the hash from the small `_murmur2` extension when it was
built and aiokafka's own otherwise.
"""
from __future__ import annotations

import random

try:
    from agents._murmur2 import murmur2
except ImportError:  # the extension is optional (setup.py): same hash, slower
    from aiokafka.partitioner import murmur2

COMPILED = murmur2.__module__ != "aiokafka.partitioner"


class KeyPartitioner:
    """aiokafka's partitioner interface: (key bytes or None, all partitions sorted, available ones) → one."""

    def __call__(self, key: bytes | None, all_partitions: list[int], available: list[int]) -> int:
        if key is None:
            return random.choice(available or all_partitions)
        return all_partitions[(murmur2(key) & 0x7FFFFFFF) % len(all_partitions)]
