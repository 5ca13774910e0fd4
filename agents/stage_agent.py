"""One Faust agent per stage: a thin loop that reads a message, runs its step, sends, and counts."""
from __future__ import annotations

import time

from agents import metrics


def stage_agent(khabar, stage: str, source, step) -> None:
    from agents.app import message_meta

    in_topic = source.get_topic_name()
    messages_in = metrics.MESSAGES_IN.labels(stage=stage, topic=in_topic)
    bytes_in = metrics.BYTES_IN.labels(stage=stage, topic=in_topic)
    in_flight = metrics.IN_FLIGHT.labels(stage=stage)
    last = metrics.LAST_PROCESSED.labels(stage=stage)

    async def agent(stream):
        async for event in stream.events():
            message = event.message
            value = message.value
            messages_in.inc()
            bytes_in.inc(len(value) if value else 0)
            in_flight.inc()
            try:
                out = step(value, message.key, message_meta(message))
                await khabar.send(stage, out)
            finally:
                in_flight.dec()
                last.set(time.time())

    khabar.app.agent(source, name=stage)(agent)
