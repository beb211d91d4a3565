"""When waiting thematic dossiers are re-checked: once the campaign stream has settled and the
consumer has nothing pending or unacknowledged, on every path (request or safety-net sweep)."""

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


class Progress:
    """What the server says of the durable consumer: caught up, lagging, or unknown (raises)."""

    def __init__(self, caught_up: bool = True) -> None:
        self.caught_up: bool | None = caught_up

    async def __call__(self) -> bool:
        if self.caught_up is None:
            raise ConnectionError("NATS unreachable")
        return self.caught_up


def scheduler(
    sweep_seconds: float = 0, caught_up: bool = True
) -> tuple[RecheckScheduler, FakeRecheck, Clock, Progress]:
    recheck, clock, progress = FakeRecheck(), Clock(), Progress(caught_up)

    return (
        RecheckScheduler(
            recheck,  # type: ignore[arg-type]
            settle_seconds=2,
            sweep_seconds=sweep_seconds,
            consumer_caught_up=progress,
            monotonic=clock,
        ),
        recheck,
        clock,
        progress,
    )


async def test_a_processed_message_is_rechecked_only_after_the_stream_settles() -> None:
    s, recheck, clock, _ = scheduler()
    s.message_processed()
    clock.now += 1
    assert await s.tick() is False
    clock.now += 1
    assert await s.tick() is True and recheck.runs == 1
    assert await s.tick() is False  # nothing new was asked for


async def test_each_message_of_a_burst_postpones_the_recheck_to_the_last_one() -> None:
    s, recheck, clock, _ = scheduler()
    for _ in range(5):
        s.message_processed()
        clock.now += 1.5
        assert await s.tick() is False
    clock.now += 0.5
    assert await s.tick() is True and recheck.runs == 1


async def test_a_request_waits_while_the_consumer_has_messages_pending_or_unacknowledged() -> None:
    # e.g. an earlier campaign message failed and waits out its retry delay: the view is stale.
    s, recheck, clock, progress = scheduler(caught_up=False)
    s.message_processed()
    clock.now += 10
    assert await s.tick() is False and recheck.runs == 0
    progress.caught_up = None  # NATS away: still not known to be caught up
    assert await s.tick() is False and recheck.runs == 0
    progress.caught_up = True  # the retried message came back and was acked
    assert await s.tick() is True and recheck.runs == 1
    assert await s.tick() is False


async def test_a_redelivered_event_asks_again_and_the_idempotent_recheck_runs_again() -> None:
    s, recheck, clock, _ = scheduler()
    for _ in range(2):
        s.message_processed()
        clock.now += 3
        assert await s.tick() is True
    assert recheck.runs == 2


async def test_the_sweep_runs_periodically_only_while_the_consumer_is_caught_up() -> None:
    s, recheck, clock, _ = scheduler(sweep_seconds=60)
    assert await s.tick() is True  # first sweep right away
    clock.now += 30
    assert await s.tick() is False
    clock.now += 30
    assert await s.tick() is True and recheck.runs == 2

    lagging, idle, clock, _ = scheduler(sweep_seconds=60, caught_up=False)
    assert await lagging.tick() is False and idle.runs == 0
