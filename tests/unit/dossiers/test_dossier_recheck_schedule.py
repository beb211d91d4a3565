"""When waiting thematic dossiers are re-checked: once the campaign stream has settled, and by the
safety-net sweep only while the consumer has nothing pending."""

from __future__ import annotations

from typing import Any

from services.dossiers.recheck_schedule import RecheckScheduler


class FakeRecheck:
    def __init__(self) -> None:
        self.runs = 0

    def run(self) -> list[Any]:
        self.runs += 1
        return []


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def scheduler(sweep_seconds: float = 0, caught_up: bool = True) -> tuple[RecheckScheduler, FakeRecheck, Clock]:
    recheck, clock = FakeRecheck(), Clock()

    async def consumer_caught_up() -> bool:
        return caught_up

    return (
        RecheckScheduler(
            recheck,  # type: ignore[arg-type]
            settle_seconds=2,
            sweep_seconds=sweep_seconds,
            consumer_caught_up=consumer_caught_up,
            monotonic=clock,
        ),
        recheck,
        clock,
    )


async def test_a_caught_up_delivery_is_rechecked_only_after_the_stream_settles() -> None:
    s, recheck, clock = scheduler()
    s.message_processed(caught_up=True)
    clock.now += 1
    assert await s.tick() is False
    clock.now += 1
    assert await s.tick() is True and recheck.runs == 1
    assert await s.tick() is False  # nothing new was asked for


async def test_each_message_of_a_burst_postpones_the_recheck_to_the_last_one() -> None:
    s, recheck, clock = scheduler()
    for _ in range(5):
        s.message_processed(caught_up=True)
        clock.now += 1.5
        assert await s.tick() is False
    clock.now += 0.5
    assert await s.tick() is True and recheck.runs == 1


async def test_deliveries_with_messages_still_pending_ask_for_nothing() -> None:
    s, recheck, clock = scheduler()
    s.message_processed(caught_up=False)
    clock.now += 10
    assert await s.tick() is False and recheck.runs == 0


async def test_a_redelivered_event_asks_again_and_the_idempotent_recheck_runs_again() -> None:
    s, recheck, clock = scheduler()
    for _ in range(2):
        s.message_processed(caught_up=True)
        clock.now += 3
        assert await s.tick() is True
    assert recheck.runs == 2


async def test_the_sweep_runs_periodically_only_while_the_consumer_is_caught_up() -> None:
    s, recheck, clock = scheduler(sweep_seconds=60)
    assert await s.tick() is True  # first sweep right away
    clock.now += 30
    assert await s.tick() is False
    clock.now += 30
    assert await s.tick() is True and recheck.runs == 2

    lagging, idle, clock = scheduler(sweep_seconds=60, caught_up=False)
    assert await lagging.tick() is False and idle.runs == 0
