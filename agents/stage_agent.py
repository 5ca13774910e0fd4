"""One Faust agent per stage: a thin loop that takes a message, runs its step, sends the result, counts.

Faust commits an offset only after flushing the producer, and acks an event only when the loop moves
on, so delivery stays at least once and each message gets its own result or dead letter.
"""
from __future__ import annotations

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

    in_topic = source.get_topic_name()
    messages_in = metrics.MESSAGES_IN.labels(stage=stage, topic=in_topic)
    bytes_in = metrics.BYTES_IN.labels(stage=stage, topic=in_topic)
    in_flight = metrics.IN_FLIGHT.labels(stage=stage)
    last = metrics.LAST_PROCESSED.labels(stage=stage)
    produce = khabar.produce

    async def agent(stream):
        # One event at a time: Faust acks an event only when the loop asks for the next one, so a crash
        # or a cancelled batch can never ack a message that was not processed (take_events acks its whole
        # batch in a `finally`, which lost messages in the SIGKILL check).
        async for event in stream.events():
            message = event.message
            in_flight.set(1)
            messages_in.inc()
            bytes_in.inc(len(message.value or b""))
            await produce(stage, step(message.value, message.key, message_meta(message)))
            in_flight.set(0)
            last.set(time.time())

    khabar.app.agent(source, name=stage)(agent)
