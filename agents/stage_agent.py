"""One Faust agent per stage: a thin loop that takes a batch, runs its step per message, sends, acks, counts.

Each message still gets its own result or dead letter and its own ack; only Faust's per-event machinery is
skipped (see `agents.batches`).
"""
from __future__ import annotations

import time

from agents import metrics
from agents.batches import Yielder, ack, event_batches, set_current_event


def stage_agent(khabar, stage: str, source, step, sink=None) -> None:
    """`sink` (the NewsroomSink) sees each enriched event this agent makes, and acks the messages once the
    mentions summed from them are sent. The agent with the sink is the last stage: it paces the fetches."""
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
        async for events in event_batches(stream, max_batch, paces_fetches=sink is not None):
            in_flight.set(len(events))
            messages_in.inc(len(events))
            bytes_in.inc(sum(len(e.message.value or b"") for e in events))
            mentions = sink.take(events) if sink else None
            for event in events:
                message = event.message
                set_current_event(event)  # the dedup table writes to this message's partition
                out = step(message.value, message.key, message_meta(message))
                await produce(stage, out)
                if mentions is not None and out.event is not None:
                    await sink.on_enriched(out.event, mentions, message.timestamp)
                await pause()
            if sink:
                await sink.end_batch()
            else:
                await ack(app, events)  # after every output of the batch is with the producer (flushed before commits)
            in_flight.set(0)
            last.set(time.time())

    khabar.app.agent(source, name=stage)(agent)
