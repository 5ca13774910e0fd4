"""One Faust agent per stage: a thin loop that takes a batch, runs its step per message, sends, acks, counts.

Each message still gets its own result or dead letter and its own ack; only Faust's per-event machinery is
skipped (see `agents.batches`).
"""
from __future__ import annotations

import time

from agents import metrics
from agents.batches import Yielder, ack, event_batches, set_current_event


def stage_agent(khabar, stage: str, source, step) -> None:
    from agents.app import message_meta

    in_topic = source.get_topic_name()
    messages_in = metrics.MESSAGES_IN.labels(stage=stage, topic=in_topic)
    bytes_in = metrics.BYTES_IN.labels(stage=stage, topic=in_topic)
    in_flight = metrics.IN_FLIGHT.labels(stage=stage)
    last = metrics.LAST_PROCESSED.labels(stage=stage)
    produce = khabar.produce
    app = khabar.app
    max_batch = khabar.settings.batch_max

    async def agent(stream):
        pause = Yielder()
        async for events in event_batches(stream, max_batch):
            in_flight.set(len(events))
            messages_in.inc(len(events))
            bytes_in.inc(sum(len(e.message.value or b"") for e in events))
            for event in events:
                message = event.message
                set_current_event(event)  # the dedup table writes to this message's partition
                await produce(stage, step(message.value, message.key, message_meta(message)))
                await pause()
            await ack(app, events)  # after every output of the batch is with the producer (flushed before commits)
            in_flight.set(0)
            last.set(time.time())

    khabar.app.agent(source, name=stage)(agent)
