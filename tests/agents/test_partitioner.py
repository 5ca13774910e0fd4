"""The producer's partitioner puts each key where Kafka's default partitioner (Java, librdkafka's
murmur2_random, aiokafka) does: dedup relies on copies of a story meeting on one partition."""
import os
import random

import pytest
from aiokafka.partitioner import DefaultPartitioner
from aiokafka.partitioner import murmur2 as python_murmur2

from agents.partitioner import COMPILED, KeyPartitioner, murmur2


def test_the_c_hash_is_built():
    assert COMPILED, "agents/_murmur2.c was not built: `pip install -e .` compiles it"


# Partitions out of 1,000 that Kafka's Java client picks (kafka-python's compatibility vectors).
@pytest.mark.parametrize("key, partition", [(b"", 681), (b"a", 524), (b"ab", 434), (b"abc", 107),
                                            (b"123456789", 566), (b"\x00 ", 742)])
def test_keys_land_where_the_java_client_puts_them(key, partition):
    assert KeyPartitioner()(key, list(range(1000)), []) == partition


def test_the_hash_is_aiokafkas_for_every_length_and_byte():
    rng = random.Random(7)
    keys = [bytes(rng.getrandbits(8) for _ in range(n)) for n in range(64) for _ in range(20)]
    keys += [b"\xff" * n for n in range(9)] + ["خبر-عاجل".encode()]
    assert [murmur2(k) for k in keys] == [python_murmur2(k) for k in keys]
    default = DefaultPartitioner()
    for partitions in ([0], list(range(8)), list(range(26))):
        assert [KeyPartitioner()(k, partitions, partitions) for k in keys] == \
            [default(k, partitions, partitions) for k in keys]


def test_a_missing_key_goes_to_an_available_partition():
    picks = {KeyPartitioner()(None, list(range(8)), [2, 5]) for _ in range(200)}
    assert picks == {2, 5}
    assert KeyPartitioner()(None, [0, 1, 2], []) in {0, 1, 2}


def test_the_hash_takes_any_bytes_like_key():
    key = os.urandom(33)
    assert murmur2(bytearray(key)) == murmur2(memoryview(key)) == python_murmur2(key)
