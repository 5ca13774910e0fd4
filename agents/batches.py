"""Batches of events straight from an agent's channel, acked by the caller once their outputs are sent.

Faust's `async for event in stream` costs about 250 µs of machinery per event (sensors, processors, the
current-event bookkeeping, one await per event), and `take_events` still pays it per event and acks its
whole batch in a `finally`, which acked unprocessed messages when an agent was stopped mid-batch. Here an
agent reads its channel's queue itself: it takes what has already arrived (at least one event, at most
`max_batch`), processes the events in order and acks each one only after its output has been handed to
the producer. Faust's consumer still owns the group, the fetching, flow control and the commits: it commits
an offset only when every earlier one is acked, and flushes the producer first, so delivery stays at least
once and a crash anywhere in a batch re-delivers, never loses.
"""
from __future__ import annotations

import asyncio
import time
import weakref
from collections.abc import AsyncIterator

from faust.streams import _current_event

from agents.fetch_wait import watch_backlog


def set_current_event(event) -> None:
    """Make `event` the one tables see: a table write goes to its partition of the changelog."""
    _current_event.set(weakref.ref(event))


async def event_batches(stream, max_batch: int, paces_fetches: bool = False) -> AsyncIterator[list]:
    """Lists of current events from the agent's channel, in arrival order.

    Events fetched before a rebalance (an older consumer generation, or while flow control is off) are
    dropped unacked, as Faust's own stream would skip them: their partition is re-read from its committed
    offset by whoever owns it now.

    `paces_fetches`: the last stage's agent. Its queue, and how long its batches take, set how long the
    worker's fetches may wait (agents.fetch_wait).
    """
    app = stream.app
    consumer = app.consumer
    flow_control = app.flow_control
    channel = aiter(stream.channel)  # subscribes the agent's topic, as iterating the stream would
    queue = channel.queue
    backlog = watch_backlog(app, queue) if paces_fetches else None
    get, get_nowait, empty = queue.get, queue.get_nowait, queue.empty
    while True:
        try:
            batch = [await get()]
        except StopAsyncIteration:  # the channel was closed: the worker is stopping
            return
        while len(batch) < max_batch and not empty():
            batch.append(get_nowait())
        generation = app.consumer_generation_id
        active = flow_control.is_active()
        current = []
        for event in batch:
            message = event.message
            if not active or message.generation_id != generation:
                continue
            if not message.tracked:  # pending ack: Faust waits for these before a clean shutdown
                message.tracked = True
                consumer.track_message(message)
            current.append(event)
        if current:
            started = time.monotonic()
            yield current
            if backlog is not None:  # the caller has processed the batch
                backlog.took(time.monotonic() - started, len(current))


async def ack(app, events: list) -> None:
    """Mark events processed; their offsets become committable once every earlier offset is too.

    First hands the table writes the batch made to the producer: Faust queues those in a buffer that one
    background task drains a message per loop turn, and while it holds more than 100 Faust stops
    delivering messages to every agent (a busy batch loop starved it into long stalls).
    """
    await app.producer.buffer.flush()
    for event in events:
        event.ack()


class Yielder:
    """Lets the event loop run (the producer's sender, heartbeats, the health server) during a long batch."""

    def __init__(self, every_s: float = 0.05) -> None:
        self.every_s = every_s
        self.last = time.monotonic()

    async def __call__(self) -> None:
        now = time.monotonic()
        if now - self.last >= self.every_s:
            self.last = now
            await asyncio.sleep(0)


class Held:
    """Events whose acks wait for a periodic write of what was summed from them.

    An agent that sums its input (mention counts) writes far less when it sums over a second than over one
    batch. `take` files a batch's events and returns the state to add them to; `flush` hands the state to
    `write` and only then acks the events, so a crash before the write re-delivers them. State taken before
    a rebalance is dropped unacked at the next `take` or `flush`: whoever owns those partitions now reads
    them again. Flushes run one at a time, so acks stay in order.
    """

    def __init__(self, app, new_state, every_s: float) -> None:
        self.app, self.new_state, self.every_s = app, new_state, every_s
        self._lock = asyncio.Lock()
        self._reset()

    def _reset(self) -> None:
        self.state = self.new_state()
        self.events: list = []
        self.since = time.monotonic()
        self.generation = self.app.consumer_generation_id

    def _current(self) -> bool:
        return self.generation == self.app.consumer_generation_id and self.app.flow_control.is_active()

    def take(self, events: list):
        if not self.events or not self._current():
            self._reset()
        self.events.extend(events)
        return self.state

    def due(self) -> bool:
        return bool(self.events) and time.monotonic() - self.since >= self.every_s

    async def flush_if_due(self, write) -> None:
        if self.due():
            await self.flush(write)

    async def flush(self, write) -> None:
        async with self._lock:
            state, events, current = self.state, self.events, self._current()
            self._reset()
            if events and current:
                await write(state)
                await ack(self.app, events)
