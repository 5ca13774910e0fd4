"""Faust's aiokafka consumer, with a cheaper hand-off of each fetched record to the agents.

Faust's fetch loop (`Consumer._drain_messages`) delivers every record through
`Service.wait_first(callback(message), suspend_flow.wait())`: four tasks and an `asyncio.wait` per
record, so that a rebalance can abandon a delivery that is blocked on suspended flow. Nearly every
delivery finishes without waiting at all (flow is on, the agent's queue has room), and then those tasks
are most of what a record costs (profiled: about half the worker's CPU with the NLP switched off). Here
the delivery runs inline up to its first suspension; only one that really has to wait goes through
`wait_first`, so what a rebalance or a stop sees is unchanged. The rest of the loop is Faust's, as of
faust-streaming 0.15 (BSD licence).

The conductor's hand-off of a record to the agent's queue is made leaner too (`Conductor`): a partition
read by one channel with raw keys and values (every Khabar topic) skips the lock that only guards a
resubscription, the schema round trip that returns the bytes it was given, and the per-record sets and
lists for fanning out to several channels. Flow control, the producer brake, reference counts and the
queue's pressure callbacks are Faust's, in Faust's order; other partitions keep Faust's handler.
"""
from __future__ import annotations

import asyncio
from typing import Any

import faust
from faust.transport.conductor import Conductor as FaustConductor
from faust.transport.consumer import CONSUMER_FETCHING
from faust.transport.drivers import aiokafka as aiokafka_driver


class _Resumed:
    """The rest of a coroutine that has already run up to its first suspension, on `pending`.

    Awaiting it continues the coroutine exactly as `await coro` would have: what it yields passes through
    to the task, and what the task sends or throws (a result, a cancellation) goes back into it.
    """

    __slots__ = ("coro", "pending")

    def __init__(self, coro, pending) -> None:
        self.coro, self.pending = coro, pending

    def __await__(self):
        coro, pending = self.coro, self.pending
        while True:
            try:
                value = yield pending
            except GeneratorExit:
                coro.close()
                raise
            except BaseException as exc:  # noqa: BLE001 - thrown in by the task: the coroutine decides
                try:
                    pending = coro.throw(exc)
                except StopIteration as stop:
                    return stop.value
            else:
                try:
                    pending = coro.send(value)
                except StopIteration as stop:
                    return stop.value


def run_inline(coro) -> _Resumed | None:
    """Run `coro` up to its first suspension: None if it finished, else an awaitable of the rest."""
    try:
        pending = coro.send(None)
    except StopIteration:
        return None
    return _Resumed(coro, pending)


class Consumer(aiokafka_driver.Consumer):
    async def _drain_messages(self, fetcher: Any) -> None:  # pragma: no cover - exercised by every worker test
        callback = self.callback
        getmany = self.getmany
        consumer_should_stop = self._stopped.is_set
        fetcher_should_stop = fetcher._stopped.is_set
        get_read_offset = self._read_offset.__getitem__
        set_read_offset = self._read_offset.__setitem__
        set_flag, unset_flag = self.diag.set_flag, self.diag.unset_flag
        commit_every = self._commit_every
        acks_enabled_for = self.app.topics.acks_enabled_for
        suspend_flow = self.suspend_flow
        yield_every, num_since_yield = 100, 0
        sleep = asyncio.sleep
        try:
            while not (consumer_should_stop() or fetcher_should_stop()):
                set_flag(CONSUMER_FETCHING)
                ait = getmany(timeout=1.0)
                await self.sleep(0)  # getmany can return at once, again and again: let the loop run
                if not self.should_stop:
                    async for tp, message in ait:
                        num_since_yield += 1
                        if num_since_yield > yield_every:
                            await sleep(0)
                            num_since_yield = 0
                        offset = message.offset
                        r_offset = get_read_offset(tp)
                        if r_offset is None or offset >= r_offset:
                            gap = offset - (r_offset or 0)
                            if gap > 1 and r_offset and acks_enabled_for(message.topic):
                                await self._add_gap(tp, r_offset + 1, offset)
                            if commit_every is not None and self._n_acked >= commit_every:
                                self._n_acked = 0
                                await self.commit()
                            rest = run_inline(callback(message))  # None: delivered, the usual case
                            if rest is not None:  # it waits (flow control, a full queue): as in Faust,
                                await self.wait_first(rest, suspend_flow.wait())  # a rebalance drops it
                            set_read_offset(tp, offset)
                    unset_flag(CONSUMER_FETCHING)
        except self.consumer_stopped_errors:
            if self.transport.app.should_stop:
                self.log.info("Broker stopped consumer, shutting down...")
                return
            raise
        except asyncio.CancelledError:
            if self.transport.app.should_stop:
                self.log.info("Consumer shutting down for user cancel.")
                return
            raise
        except Exception as exc:
            self.log.exception("Drain messages raised: %r", exc)
            raise
        finally:
            unset_flag(CONSUMER_FETCHING)


def _raw(channel, app) -> bool:
    """Whether `channel` hands records over as they are: no key or value type, raw serializers."""
    schema = channel.schema
    return (channel.key_type is None and channel.value_type is None
            and (schema.key_serializer or app.conf.key_serializer) == "raw"
            and (schema.value_serializer or app.conf.value_serializer) == "raw")


def raw_handler(conductor, tp, channel):
    """Faust's per-partition delivery (`ConductorCompiler.build`) for one raw channel: the same steps."""
    app = conductor.app
    flow_control = app.flow_control
    producer_buffer = app.producer.buffer
    create_event = app.conf.Event
    consumer = app.consumer
    on_topic_buffer_full = app.sensors.on_topic_buffer_full

    def on_pressure_high() -> None:
        on_topic_buffer_full(tp)
        consumer.on_buffer_full(tp)

    def on_pressure_drop() -> None:
        consumer.on_buffer_drop(tp)

    async def on_message(message) -> None:
        await flow_control.acquire()  # returns at once unless a rebalance suspended the flow
        if producer_buffer.size > producer_buffer.max_messages:
            await producer_buffer.wait_until_ebb()
        message.incref(1)
        event = create_event(app, message.key, message.value, message.headers, message)
        queue = channel.queue
        if queue.full():
            on_topic_buffer_full(tp)
            await channel.put(event)
        else:
            queue.put_nowait_enhanced(event, on_pressure_high=on_pressure_high, on_pressure_drop=on_pressure_drop)

    return on_message


class Conductor(FaustConductor):
    def _compile_message_handler(self):
        if self.app.client_only:
            return super()._compile_message_handler()
        get_callback_for_tp = self._tp_to_callback.__getitem__
        lock = self._tp_to_callback_lock

        async def on_message(message) -> None:
            if lock.locked():  # the index is being rebuilt: wait for it, as Faust does
                async with lock:
                    callback = get_callback_for_tp(message.tp)
            else:
                callback = get_callback_for_tp(message.tp)
            return await callback(message)

        return on_message

    def _build_handler(self, tp, channels):
        if len(channels) == 1:
            (channel,) = channels
            if _raw(channel, self.app):
                return raw_handler(self, tp, channel)
        return super()._build_handler(tp, channels)


class Transport(aiokafka_driver.Transport):
    Consumer = Consumer
    Conductor = Conductor


class App(faust.App):
    """A Faust app whose consumer is the one above (the producer is Faust's own)."""

    def _new_transport(self) -> Transport:
        return Transport(self.conf.broker_consumer, self)
