"""Cancellation is never lost, even when it arrives as the awaited event fires."""

from __future__ import annotations

import asyncio
import contextlib

from shared.aio import cancel_and_wait, wait_for_event


async def test_a_cancel_that_races_the_event_still_stops_the_loop() -> None:
    for _ in range(200):  # the race is narrow: try it many times
        event = asyncio.Event()

        async def loop(event: asyncio.Event = event) -> None:
            while True:
                await wait_for_event(event, 0.5)
                event.clear()

        task = asyncio.create_task(loop())
        await asyncio.sleep(0)
        event.set()
        task.cancel()  # same tick as the event: a bare asyncio.wait_for on 3.11 swallows this, every time
        left = await cancel_and_wait([task], timeout=2)
        assert not left
        assert task.cancelled()


async def test_cancel_and_wait_cancels_again_a_task_that_swallowed_the_first_request() -> None:
    async def stubborn() -> None:
        with contextlib.suppress(asyncio.CancelledError):  # swallowed once
            await asyncio.sleep(10)
        await asyncio.sleep(10)

    task = asyncio.create_task(stubborn())
    await asyncio.sleep(0)
    assert await cancel_and_wait([task], timeout=5) == set()
    assert task.cancelled()


async def test_wait_for_event_returns_on_timeout() -> None:
    await wait_for_event(asyncio.Event(), 0.01)
