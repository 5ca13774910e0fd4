"""The consumer's inline delivery: a coroutine run to its first suspension, then resumed by a task,
behaves as if it had been awaited whole (results, values sent in, cancellation)."""
import asyncio

import pytest

from agents.consumer import run_inline


def test_a_delivery_that_never_waits_finishes_inline():
    done = []

    async def deliver():
        done.append(True)

    assert run_inline(deliver()) is None and done == [True]


def test_a_delivery_that_waits_is_finished_by_a_task_with_what_it_awaited():
    async def main():
        gate = asyncio.get_running_loop().create_future()
        steps = []

        async def deliver():
            steps.append("before")
            got = await gate  # a value sent back through the resumed coroutine
            await asyncio.sleep(0)  # a bare yield passes through as well
            steps.append(got)
            return got * 2

        rest = run_inline(deliver())
        assert rest is not None and steps == ["before"]
        task = asyncio.ensure_future(rest)
        await asyncio.sleep(0)
        gate.set_result(21)
        assert await task == 42 and steps == ["before", 21]

    asyncio.run(main())


def test_cancelling_the_task_cancels_the_waiting_delivery():
    async def main():
        cleaned = []

        async def deliver():
            try:
                await asyncio.Event().wait()
            finally:
                cleaned.append(True)

        rest = run_inline(deliver())
        task = asyncio.ensure_future(rest)
        await asyncio.sleep(0)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert cleaned == [True]

    asyncio.run(main())


def _records(topic: str, n: int):
    from faust.types import TP
    from faust.types.tuples import Message

    tp = TP(topic, 3)
    values = [b'{"id": 1}', None, "خبر".encode()] * n
    return [Message(topic, 3, i, 1700000000.0 + i, 0, [("h", b"v")] if i % 2 else None, f"k{i}".encode(),
                    values[i], None, tp=tp) for i in range(n)]


def _lean(handler) -> bool:
    return getattr(handler, "__qualname__", "") == "raw_handler.<locals>.on_message"


def test_the_lean_hand_off_gives_the_agent_what_fausts_gives_it():
    """Same events (key, value, headers, message), same reference counts, same back-pressure calls."""
    import faust
    from faust.transport.conductor import ConductorCompiler

    from agents.app import Khabar
    from agents.consumer import raw_handler
    from agents.settings import Settings

    async def deliver(build):
        khabar = Khabar(Settings(broker="kafka://127.0.0.1:1"))
        app = khabar.app
        channel = app.topic("news.raw").clone(is_iterator=True)
        channel._queue = app.FlowControlQueue(maxsize=8, clear_on_resume=True)  # pressure high from 6
        paused = []
        app.consumer.on_buffer_full = paused.append
        app.flow_control.resume()
        records = _records("news.raw", 7)
        tp = records[0].tp
        handler = build(app.topics, tp, channel)
        for record in records:
            await handler(record)
        events = [channel.queue.get_nowait() for _ in range(channel.queue.qsize())]
        return ([(e.key, e.value, e.headers, e.message.offset, e.message.refcount) for e in events], paused,
                _lean(app.topics._build_handler(tp, {channel})),
                _lean(app.topics._build_handler(tp, {app.topic("x", value_type=faust.Record).clone()})))

    ours = asyncio.run(deliver(raw_handler))
    theirs = asyncio.run(deliver(lambda conductor, tp, channel: ConductorCompiler().build(conductor, tp, {channel})))
    assert ours[0] == theirs[0] and len(ours[0]) == 7
    assert ours[0][1][1] is None and ours[0][2][1] == "خبر".encode() and ours[0][1][2] == {"h": b"v"}
    assert ours[1] == theirs[1] != []  # the partition was paused when the queue came under pressure
    assert ours[2] is True  # a raw channel gets the lean handler ...
    assert ours[3] is False  # ... a typed one Faust's
