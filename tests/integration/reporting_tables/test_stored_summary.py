"""The summary from SQL aggregates over stored outcomes (what the service answers) is the summary
of the reference definition (every dossier's rows replayed in Python, `observations.py`), on a
generated history fed in batches and out of order, for every grouping and several periods."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, insert, select, text

from services.reporting.generations import ensure_live_generation
from services.reporting.live import Incoming, LiveProjection, apply_batch
from services.reporting.outcomes import refresh_outcomes
from services.reporting.periods import Period, half_period, quarter_period, year_period
from services.reporting.processing import WorkingDayCounter
from services.reporting.projector import decode
from services.reporting.summary import SummaryOptions, summarize, summarize_by_replay
from shared.reference.org_units import load_org_units
from shared.sqlstore import make_engine
from shared.testing.servers import PostgresServer
from shared.workdays import WorkingCalendar
from tests.integration.reporting_tables.conftest import Projection
from tests.support.reporting_history import generate

UNITS = load_org_units()
WORKDAYS = WorkingDayCounter(WorkingCalendar.from_file())
GROUPINGS = ("none", "lead_unit", "proposing_unit", "campaign", "award_type", "award", "channel")
PERIODS = [
    year_period(2022),
    year_period(2023),
    year_period(2024),
    quarter_period(2023, 4),
    half_period(2024, 1),
    Period(date(2023, 6, 15), date(2024, 2, 10), "range"),
]


def without_clock(summary: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in summary.items() if k != "generated_at"}


def feed_in_batches(projection: Projection, events: list[Any], size: int = 97) -> None:
    """Set-based, as the service's batch consumers apply what they fetch."""
    with projection.live.engine.begin() as conn:
        for i in range(0, len(events), size):
            items = [
                Incoming(e.event_id, e.subject, None, decode(e.subject, e.payload())) for e in events[i : i + size]
            ]
            apply_batch(conn, projection.live.generation, items)


def feed_shuffled(engine: Engine, dossiers: int) -> Projection:
    """A generated history, shuffled (each dossier's events out of order, across batches), fed
    partly one by one (the live path for a lone event) and partly in batches (set-based)."""
    generation, _ = ensure_live_generation(engine)
    projection = Projection(LiveProjection(engine, generation))
    events = generate(seed=14, campaigns=max(4, dossiers // 33), dossiers=dossiers)
    random.Random(14).shuffle(events)
    one_by_one, batched = events[:150], events[150:]
    projection.feed(*one_by_one)
    feed_in_batches(projection, batched)
    return projection


@pytest.fixture(scope="module")
def fed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Projection]:
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('stored') / 'reporting.sqlite'}")
    yield feed_shuffled(engine, 400)
    engine.dispose()


@pytest.mark.parametrize("group_by", GROUPINGS)
def test_stored_summary_equals_the_reference(fed: Projection, group_by: str) -> None:
    options = SummaryOptions(group_by, 10)
    stored = summarize(fed.live.engine, PERIODS, options, UNITS)
    reference = summarize_by_replay(fed.live.engine, PERIODS, options, UNITS, WORKDAYS)
    for got, expected in zip(stored, reference, strict=True):
        assert without_clock(got) == without_clock(expected)
    # The history exercises what is compared: results, annulments, a thematic campaign not eligible.
    totals = [s["total"] for s in stored]
    assert all(t["dossiers_received"] and t["processing_days_median"] for t in (totals[1], totals[5]))
    assert totals[1]["awards_annulled"] and totals[1]["cash_recovered_vnd"]
    assert totals[0]["thematic_campaigns_not_eligible"]
    assert group_by == "none" or (stored[1]["groups"] and stored[5]["groups"])


@pytest.mark.postgres
def test_stored_summary_equals_the_reference_on_postgresql(postgres: PostgresServer, postgres_db: str) -> None:
    engine = make_engine(postgres.dsn(postgres_db))
    try:
        projection = feed_shuffled(engine, 200)
        for group_by in GROUPINGS:
            options = SummaryOptions(group_by, 10)
            stored = summarize(projection.live.engine, PERIODS, options, UNITS)
            reference = summarize_by_replay(projection.live.engine, PERIODS, options, UNITS, WORKDAYS)
            assert [without_clock(s) for s in stored] == [without_clock(r) for r in reference], group_by
        assert stored[1]["total"]["results_returned"]
    finally:
        engine.dispose()


def test_a_small_collective_threshold_is_applied_at_reading(fed: Projection) -> None:
    for small in (0, 3, 50):
        options = SummaryOptions("award", small)
        stored = summarize(fed.live.engine, PERIODS[:2], options, UNITS)
        reference = summarize_by_replay(fed.live.engine, PERIODS[:2], options, UNITS, WORKDAYS)
        assert [without_clock(s) for s in stored] == [without_clock(r) for r in reference]


def test_a_table_set_from_before_stored_outcomes_gets_them_at_start(projection: Projection) -> None:
    projection.feed(*generate(seed=3, campaigns=4, dossiers=60))
    engine, outcomes = projection.live.engine, projection.tables.dossier_outcomes
    expected = summarize(engine, PERIODS[:2], SummaryOptions("proposing_unit", 10), UNITS)
    outcomes.drop(engine)  # as a database written by the previous version has it

    assert ensure_live_generation(engine) == (projection.live.generation, False)

    again = summarize(engine, PERIODS[:2], SummaryOptions("proposing_unit", 10), UNITS)
    assert [without_clock(s) for s in again] == [without_clock(s) for s in expected]
    assert expected[1]["total"]["results_returned"]


QUARTERS = [quarter_period(year, q) for year in (2022, 2023, 2024) for q in (1, 2, 3, 4)]


def test_a_dossier_asked_twice_in_a_period_counts_once_and_in_each_period_it_was_asked(
    projection: Projection,
) -> None:
    """The generated history asks a dossier to supplement once; here some are asked again months
    later (and twice on one day), which the stored flows must count as the reference does: once
    per period that holds one of its days, however many."""
    asked_twice(projection)


@pytest.mark.postgres
def test_a_dossier_asked_twice_counts_as_the_reference_on_postgresql(
    postgres: PostgresServer, postgres_db: str
) -> None:
    engine = make_engine(postgres.dsn(postgres_db))
    try:
        generation, _ = ensure_live_generation(engine)
        # The history in batches, as the service's consumers apply it (one event at a time on
        # PostgreSQL is the test above's first 150 events): what is compared here is the summary
        # once the rows below are added, and feeding 433 events one by one took 3 of its 4 s.
        asked_twice(Projection(LiveProjection(engine, generation)), batched=True)
    finally:
        engine.dispose()


def asked_twice(projection: Projection, *, batched: bool = False) -> None:
    history = generate(seed=5, campaigns=4, dossiers=80)
    if batched:
        feed_in_batches(projection, history)
    else:
        projection.feed(*history)
    engine, t = projection.live.engine, projection.tables
    de = t.dossier_events
    with engine.begin() as conn:
        asked = [
            r._mapping
            for r in conn.execute(
                select(de).where(de.c.event_type.in_(("dossier.supplement_requested", "award.decided")))
            )
        ]
        assert len(asked) > 10
        again = []
        for i, row in enumerate(asked):
            for k, days in enumerate((0, 100, 200) if i % 2 else (0, 400)):
                again.append(
                    {
                        **row,
                        "event_id": f"{row['event_id']}-again-{k}",
                        "version": row["version"] + 100 + k,
                        "event_date": row["event_date"] + timedelta(days=days),
                    }
                )
        conn.execute(insert(de), again)
        refresh_outcomes(conn, t, {r["dossier_id"] for r in asked})
    for group_by in ("none", "award", "proposing_unit"):
        options = SummaryOptions(group_by, 10)
        periods = [*PERIODS, *QUARTERS]
        stored = summarize(engine, periods, options, UNITS)
        reference = summarize_by_replay(engine, periods, options, UNITS, WORKDAYS)
        assert [without_clock(s) for s in stored] == [without_clock(r) for r in reference], group_by
    assert any(s["total"]["dossiers_supplement_requested"] for s in stored[len(PERIODS) :])


def test_a_table_set_with_outcomes_from_before_the_summary_columns_is_migrated_at_start(
    projection: Projection,
) -> None:
    projection.feed(*generate(seed=3, campaigns=4, dossiers=60))
    engine, t = projection.live.engine, projection.tables
    expected = summarize(engine, PERIODS[:2], SummaryOptions("award", 10), UNITS)
    for table in t.derived():
        table.drop(engine)
    with engine.begin() as conn:  # the five columns the table had before
        conn.execute(
            text(
                f"CREATE TABLE {t.dossier_outcomes.name} (dossier_id VARCHAR(64) PRIMARY KEY, result_on DATE, "
                "processing_days INTEGER, due_on DATE, complete_first_time BOOLEAN NOT NULL)"
            )
        )

    assert ensure_live_generation(engine) == (projection.live.generation, False)

    again = summarize(engine, PERIODS[:2], SummaryOptions("award", 10), UNITS)
    assert [without_clock(s) for s in again] == [without_clock(s) for s in expected]
    assert expected[1]["total"]["nominees_awarded"]
