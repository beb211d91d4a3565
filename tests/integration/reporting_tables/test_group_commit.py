"""Events consumed at once from several threads, or fetched in one batch, are committed together,
and each is still applied exactly once: the tables end as they do when the same events are fed
one by one. A bad event in a batch fails only its own message."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, select

from services.reporting.generations import ensure_live_generation
from services.reporting.live import LiveProjection, RawEvent, keep_outcomes_fresh
from services.reporting.tables import consumer_name
from shared.contracts.base import EventContract
from shared.messaging.idempotence import processed_messages
from shared.sqlstore import make_engine
from shared.testing.servers import PostgresServer
from tests.support.reporting_history import generate

from .conftest import Projection


def fresh(folder: Path) -> Projection:
    engine = make_engine(f"sqlite:///{folder / 'reporting.sqlite'}")
    generation, _ = ensure_live_generation(engine)
    return Projection(LiveProjection(engine, generation))


def test_concurrent_deliveries_are_grouped_and_each_event_applied_once(tmp_path: Path) -> None:
    events = generate(seed=14, campaigns=3, dossiers=40)
    (tmp_path / "one").mkdir()
    (tmp_path / "many").mkdir()
    one_by_one, concurrent = fresh(tmp_path / "one"), fresh(tmp_path / "many")
    assert all(one_by_one.feed(*events))

    twice = [e for e in events for _ in range(2)]  # every event delivered twice
    with ThreadPoolExecutor(8) as pool:
        applied = list(pool.map(lambda e: concurrent.feed(e)[0], twice))
    assert sum(applied) == len(events)
    for name in one_by_one.tables.by_name():
        if name != "processed_messages":
            assert concurrent.rows(name) == one_by_one.rows(name), name


def raw(event: EventContract, *, payload: dict[str, Any] | None = None, sequence: int = 1) -> RawEvent:
    body = json.dumps(event.payload() if payload is None else payload).encode()
    return RawEvent(event.event_id, event.subject, sequence, body)


def applied_ids(projection: Projection) -> list[str]:
    p = processed_messages.c
    consumer = consumer_name(projection.live.generation)
    with projection.live.engine.connect() as conn:
        return list(conn.execute(select(p.event_id).where(p.consumer == consumer)).scalars())


def commits(projection: Projection) -> list[int]:
    counted = [0]

    def commit(_: Any) -> None:
        counted[0] += 1

    event.listen(projection.live.engine, "commit", commit)
    return counted


def test_a_fetched_batch_is_applied_in_one_transaction(tmp_path: Path) -> None:
    events = generate(seed=21, campaigns=2, dossiers=25)
    (tmp_path / "one").mkdir()
    (tmp_path / "batch").mkdir()
    one_by_one, batched = fresh(tmp_path / "one"), fresh(tmp_path / "batch")
    assert all(one_by_one.feed(*events))

    counted = commits(batched)
    # Read from the raw bytes, with a second copy of some events (a redelivery) in the batch.
    batch = [raw(e, sequence=n) for n, e in enumerate(events, 1)] + [raw(e) for e in events[::7]]
    assert batched.live.apply_raw(batch) == [None] * len(batch)
    assert counted == [1]
    for name in one_by_one.tables.by_name():
        if name != "processed_messages":
            assert batched.rows(name) == one_by_one.rows(name), name
    assert sorted(applied_ids(batched)) == sorted(e.event_id for e in events)

    assert batched.live.apply_raw([raw(e) for e in events[:5]]) == [None] * 5  # again: changes nothing
    for name in one_by_one.tables.by_name():
        if name != "processed_messages":
            assert batched.rows(name) == one_by_one.rows(name), name


def test_a_bad_event_in_a_batch_fails_only_its_own_message(tmp_path: Path) -> None:
    events = generate(seed=22, campaigns=2, dossiers=10)
    (tmp_path / "good").mkdir()
    (tmp_path / "batch").mkdir()
    good_only, batched = fresh(tmp_path / "good"), fresh(tmp_path / "batch")
    assert all(good_only.feed(*events))

    rejected = events[3]  # its contract rejects it: fails while decoded, before any transaction
    unwritable = events[8]  # reads, but cannot be stored: fails the group's transaction
    batch = [raw(e) for e in events]
    batch[3] = raw(rejected, payload={**rejected.payload(), "aggregate_version": "not a version"})
    batch[8] = raw(unwritable, payload={**unwritable.payload(), "aggregate_version": 10**30})
    outcomes = batched.live.apply_raw(batch)

    assert [n for n, o in enumerate(outcomes) if o is not None] == [3, 8]
    assert isinstance(outcomes[8], OverflowError)
    assert set(applied_ids(batched)) == {e.event_id for e in events} - {rejected.event_id, unwritable.event_id}

    # Their messages come back (a retry) as they should have been: then the tables are whole.
    assert batched.live.apply_raw([raw(rejected), raw(unwritable)]) == [None, None]
    for name in good_only.tables.by_name():
        if name != "processed_messages":
            assert batched.rows(name) == good_only.rows(name), name


def marked(projection: Projection) -> list[str]:
    marks = projection.tables.stale_outcomes
    with projection.live.engine.connect() as conn:
        return list(conn.execute(select(marks.c.dossier_id)).scalars())


def dossiers_in(events: Iterable[EventContract]) -> set[str]:
    return {e.payload()["aggregate_id"] for e in events if e.subject.startswith("tdkt.dossier.")}


def reference_and_other(tmp_path: Path, seed: int, dossiers: int) -> tuple[list[EventContract], Projection, Projection]:
    """A generated history, a projection fed it one event at a time, and an empty one."""
    events = generate(seed=seed, campaigns=2, dossiers=dossiers)
    (tmp_path / "one").mkdir()
    (tmp_path / "other").mkdir()
    one_by_one, other = fresh(tmp_path / "one"), fresh(tmp_path / "other")
    assert all(one_by_one.feed(*events))
    return events, one_by_one, other


def assert_same(projection: Projection, reference: Projection, names: Iterable[str]) -> None:
    for name in names:
        assert projection.rows(name) == reference.rows(name), name


async def until_fresh(live: LiveProjection) -> None:
    """Run the service's keeper until no dossier is marked stale (at most 5 s)."""
    keeper = asyncio.create_task(keep_outcomes_fresh(live, interval_seconds=0.05))
    try:
        for _ in range(100):
            if not live.stale:
                break
            await asyncio.sleep(0.05)
    finally:
        keeper.cancel()


DERIVED = ("dossier_outcomes", "dossier_flows", "awarded_nominees")


def test_a_catch_up_computes_each_dossiers_outcome_once_and_ends_as_one_by_one(tmp_path: Path) -> None:
    events, one_by_one, catching_up = reference_and_other(tmp_path, seed=23, dossiers=30)
    batches = [events[i : i + 40] for i in range(0, len(events), 40)]
    for batch in batches[:-1]:  # full fetched batches: the stream has more waiting
        assert catching_up.live.apply_raw([raw(e) for e in batch], backlog=True) == [None] * len(batch)
    touched = dossiers_in([e for b in batches[:-1] for e in b])
    assert set(marked(catching_up)) == touched and catching_up.rows("dossier_outcomes") == []
    assert catching_up.rows("dossier_events") != []  # the events themselves are in

    last = batches[-1]  # the last one is not full: the backlog is drained, every mark refreshed
    assert catching_up.live.apply_raw([raw(e) for e in last]) == [None] * len(last)
    assert marked(catching_up) == [] and not catching_up.live.stale
    assert_same(catching_up, one_by_one, (n for n in one_by_one.tables.by_name() if n != "processed_messages"))


async def test_marks_left_by_a_stopped_catch_up_are_refreshed_by_the_next_process(tmp_path: Path) -> None:
    events, one_by_one, stopped = reference_and_other(tmp_path, seed=24, dossiers=12)
    assert stopped.live.apply_raw([raw(e) for e in events], backlog=True) == [None] * len(events)
    assert marked(stopped) != []

    restarted = Projection(LiveProjection(stopped.live.engine, stopped.live.generation))  # a new process
    assert restarted.live.stale  # it finds the marks in the database
    await until_fresh(restarted.live)
    assert marked(restarted) == []
    assert_same(restarted, one_by_one, DERIVED)


async def test_a_backlog_of_exactly_full_batches_is_refreshed_when_its_source_falls_quiet(tmp_path: Path) -> None:
    events, one_by_one, full = reference_and_other(tmp_path, seed=25, dossiers=12)
    full.live.BACKLOG_QUIET_SECONDS = 0.3
    assert full.live.apply_raw([raw(e) for e in events], backlog=True, source="DOSSIERS") == [None] * len(events)
    assert full.live.catching_up() and marked(full) != []  # nothing else came: no batch drains the marks

    keeper = asyncio.create_task(keep_outcomes_fresh(full.live, interval_seconds=0.05))
    await asyncio.sleep(0.1)
    keeper.cancel()
    assert marked(full) != []  # still within the source's quiet time: more may be on the way
    await until_fresh(full.live)
    assert not full.live.catching_up() and marked(full) == []
    assert_same(full, one_by_one, DERIVED)


@pytest.mark.postgres
def test_a_catch_up_marks_and_refreshes_the_same_on_postgresql(
    tmp_path: Path, postgres: PostgresServer, postgres_db: str
) -> None:
    events = generate(seed=27, campaigns=2, dossiers=15)
    (tmp_path / "one").mkdir()
    one_by_one = fresh(tmp_path / "one")
    assert all(one_by_one.feed(*events))
    engine = make_engine(postgres.dsn(postgres_db))
    generation, _ = ensure_live_generation(engine)
    on_postgres = Projection(LiveProjection(engine, generation))
    try:
        quarter = len(events) // 4
        parts = [events[i * quarter : (i + 1) * quarter] for i in range(3)]
        dossiers = [
            {e.payload()["aggregate_id"] for e in part if e.subject.startswith("tdkt.dossier.")} for part in parts
        ]
        assert dossiers[0] & dossiers[1]  # a dossier marked again by the next batch: the mark is kept once
        for part in parts:
            assert on_postgres.live.apply_raw([raw(e) for e in part], backlog=True) == [None] * len(part)
        assert sorted(marked(on_postgres)) == sorted(set().union(*dossiers))
        assert on_postgres.rows("dossier_outcomes") == []
        rest = events[3 * quarter :]
        assert on_postgres.live.apply_raw([raw(e) for e in rest]) == [None] * len(rest)
        assert marked(on_postgres) == []
        assert_same(on_postgres, one_by_one, DERIVED)
    finally:
        engine.dispose()
