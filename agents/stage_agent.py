"""One Faust agent per stage: a thin loop that takes a batch of messages, runs its step on each, sends, counts.

Batching is where the stream overhead goes away: Faust acks a batch's events only after the loop body
has handed every output to the producer, and commits an offset only after flushing the producer, so
delivery stays at least once and each message still gets its own result or dead letter.
"""
from __future__ import annotations

import time

from agents import metrics


def stage_agent(khabar, stage: str, source, step) -> None:
    from agents.app import message_meta

    settings = khabar.settings
    in_topic = source.get_topic_name()
    messages_in = metrics.MESSAGES_IN.labels(stage=stage, topic=in_topic)
    bytes_in = metrics.BYTES_IN.labels(stage=stage, topic=in_topic)
    in_flight = metrics.IN_FLIGHT.labels(stage=stage)
    last = metrics.LAST_PROCESSED.labels(stage=stage)
    send_batch = khabar.send_batch

    async def agent(stream):
        async for events in stream.take_events(settings.batch_max, within=settings.batch_wait_s):
            in_flight.set(len(events))
            outputs = []
            size = 0
            for event in events:
                # Tables written by a step (dedup) take their changelog partition from the current event.
                stream._set_current_event(event)
                message = event.message
                value = message.value
                size += len(value) if value else 0
                outputs.append(step(value, message.key, message_meta(message)))
            messages_in.inc(len(events))
            bytes_in.inc(size)
            await send_batch(stage, outputs)
            in_flight.set(0)
            last.set(time.time())

    khabar.app.agent(source, name=stage)(agent)
