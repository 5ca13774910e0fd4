"""Stop this process's aiokafka clients from making the broker auto-create topics.

A metadata request (v4+) asks the broker to create any topic it names that does not exist, with the
broker's default partition count. After a memory-only broker (Tansu) restarts empty, the worker's Faust
clients reconnect and ask about our topics before `restart_in_place` has run, so the broker recreated
them with its default (4 on Tansu) instead of `--partitions`. Every topic the worker uses is created on
purpose: ours by `ensure_topics`, Faust's changelog and leader topics by Faust's own `maybe_declare`.
"""
from __future__ import annotations

import functools

import aiokafka.client
from aiokafka.protocol.metadata import MetadataRequest


def apply() -> None:
    aiokafka.client.MetadataRequest = functools.partial(MetadataRequest, allow_auto_topic_creation=False)
