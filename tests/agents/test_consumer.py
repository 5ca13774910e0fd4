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
