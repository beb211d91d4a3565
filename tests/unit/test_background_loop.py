"""The one background loop: a step per round, woken early, backing off while it fails, stopping
after the round it is in."""

from __future__ import annotations

import asyncio

import pytest

from shared import background
from shared.background import BackgroundLoop


async def test_a_wake_starts_the_next_round_before_the_timer() -> None:
    rounds = asyncio.Queue[int]()
    count = 0

    async def step() -> None:
        nonlocal count
        count += 1
        rounds.put_nowait(count)

    loop = BackgroundLoop("test", step, interval=3600)
    task = asyncio.create_task(loop.run())
    assert await asyncio.wait_for(rounds.get(), 5) == 1
    loop.wake()
    assert await asyncio.wait_for(rounds.get(), 5) == 2  # long before the hour
    loop.request_stop()
    await asyncio.wait_for(task, 5)


async def test_failures_double_the_wait_up_to_the_limit_and_success_resets_it(monkeypatch: pytest.MonkeyPatch) -> None:
    waits: list[float] = []
    outcomes = iter([RuntimeError, RuntimeError, RuntimeError, None, RuntimeError])
    errors: list[BaseException] = []
    loop: BackgroundLoop

    async def step() -> None:
        outcome = next(outcomes, "stop")
        if outcome == "stop":
            loop.request_stop()
        elif outcome is not None:
            raise outcome("NATS away")

    async def no_wait(_: asyncio.Event, timeout: float) -> None:
        waits.append(timeout)

    monkeypatch.setattr(background, "wait_for_event", no_wait)
    loop = BackgroundLoop("test", step, interval=1.0, max_backoff=3.0, on_error=errors.append)
    await asyncio.wait_for(loop.run(), 5)
    assert waits == [2.0, 3.0, 3.0, 1.0, 2.0]
    assert [str(e) for e in errors] == ["NATS away"] * 4


async def test_a_step_may_choose_its_next_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    waits: list[float] = []
    loop: BackgroundLoop

    async def step() -> float:
        if waits:
            loop.request_stop()
        return 5.0

    async def no_wait(_: asyncio.Event, timeout: float) -> None:
        waits.append(timeout)

    monkeypatch.setattr(background, "wait_for_event", no_wait)
    loop = BackgroundLoop("test", step, interval=1.0)
    await asyncio.wait_for(loop.run(), 5)
    assert waits == [5.0]
