"""One Faust agent per stage: a thin loop that takes a batch of messages, runs its step on each, sends, counts.

Batching is where the stream overhead goes away: Faust acks a batch's events only after the loop body
has handed every output to the producer, and commits an offset only after flushing the producer, so
delivery stays at least once and each message still gets its own result or dead letter. Each output is
produced as soon as it is ready, and the loop yields between messages, so a batch of slow articles
delays neither its own first results nor the other agents in the worker.
"""
from __future__ import annotations

import asyncio
import time
import weakref

from faust.streams import _current_event

from agents import metrics


def set_current_event(event) -> None:
    """Make `event` the one tables see (they take its partition for their changelog) while a batch is
    processed. Only the context variable: the stream's own `current_event` is what `take_events` reads to
    record the next buffered message, and overwriting it there would swap in an old event for a new one."""
    _current_event.set(weakref.ref(event))


def stage_agent(khabar, stage: str, source, step) -> None:
    from agents.app import message_meta

    settings = khabar.settings
    in_topic = source.get_topic_name()
    messages_in = metrics.MESSAGES_IN.labels(stage=stage, topic=in_topic)
    bytes_in = metrics.BYTES_IN.labels(stage=stage, topic=in_topic)
    in_flight = metrics.IN_FLIGHT.labels(stage=stage)
    last = metrics.LAST_PROCESSED.labels(stage=stage)
    produce = khabar.produce

    async def agent(stream):
        async for events in stream.take_events(settings.batch_max, within=settings.batch_wait_s):
            in_flight.set(len(events))
            messages_in.inc(len(events))
            bytes_in.inc(sum(len(e.message.value or b"") for e in events))
            for event in events:
                # Tables written by a step (dedup) take their changelog partition from the current event.
                set_current_event(event)
                message = event.message
                await produce(stage, step(message.value, message.key, message_meta(message)))
                await asyncio.sleep(0)  # let the other agents and the producer run between articles
            in_flight.set(0)
            last.set(time.time())

    khabar.app.agent(source, name=stage)(agent)
