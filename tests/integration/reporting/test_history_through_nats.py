"""A generated history through a real nats-server: the summary equals totals computed
independently from the same history; a rebuild and the auditor's check give the live tables row
for row; arrival order and copies re-sent after the duplicate window change nothing."""

from __future__ import annotations

import time
from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select

from services.reporting.compare import compare_generations, table_rows
from services.reporting.generations import ensure_live_generation, live_generation
from services.reporting.live import LiveProjection
from services.reporting.tables import projection_tables
from shared.contracts.base import EventContract
from shared.reference.org_units import load_org_units
from shared.sqlstore import make_engine
from shared.workdays import WorkingCalendar
from tests.integration.reporting.conftest import FedService
from tests.integration.reporting.expected import Truth

SECRETARIAT = {"X-Actor-Id": "qt.hethong", "X-Actor-Role": "operator", "X-Actor-Unit": "PNV"}
PERIODS: list[dict[str, str]] = [
    {"period": "2023"},
    {"period": "2023-Q1"},
    {"period": "2023-H2"},
    {"period": "2023-12"},
    {"from": "2022-12-15", "to": "2023-01-20"},
    {"period": "2024"},
]
GROUPINGS = ["lead_unit", "proposing_unit", "campaign", "award_type", "award", "channel"]


@pytest.fixture(scope="module")
def truth(history: list[EventContract]) -> Truth:
    return Truth(history, WorkingCalendar.from_file(), load_org_units())


def summary(service: FedService, **params: Any) -> dict[str, Any]:
    response = service.client.get("/reports/summary", params=params)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def bounds(params: dict[str, str], answer: dict[str, Any]) -> tuple[date, date]:
    return date.fromisoformat(answer["period"]["from"]), date.fromisoformat(answer["period"]["to"])


@pytest.mark.parametrize("params", PERIODS, ids=lambda p: "_".join(p.values()))
def test_totals_equal_the_independent_computation(
    fed_service: FedService, truth: Truth, params: dict[str, str]
) -> None:
    answer = summary(fed_service, **params)
    expected = truth.summary(*bounds(params, answer))
    assert answer["total"] == expected["total"]


@pytest.mark.parametrize("group_by", GROUPINGS)
def test_groups_equal_the_independent_computation(fed_service: FedService, truth: Truth, group_by: str) -> None:
    answer = summary(fed_service, period="2023", group_by=group_by)
    expected = truth.summary(date(2023, 1, 1), date(2023, 12, 31), group_by)
    assert {g["key"]: g["values"] for g in answer["groups"]} == expected["groups"]
    assert answer["total"] == expected["total"]


def test_a_configured_small_collective_threshold_changes_only_what_it_should(
    fed_service: FedService, truth: Truth
) -> None:
    answer = summary(fed_service, period="2023", small_collective_max=25)
    assert answer["total"] == truth.summary(date(2023, 1, 1), date(2023, 12, 31), small_max=25)["total"]
    assert "25" in next(m["label"] for m in answer["metrics"] if m["key"] == "awarded_small_collectives")


def test_copies_resent_after_the_duplicate_window_are_applied_once(fed_service: FedService) -> None:
    assert fed_service.processed() == len(fed_service.events)
    with fed_service.ctx.engine.connect() as conn:
        t = projection_tables(live_generation(conn) or 0)
        assert conn.execute(select(func.count()).select_from(t.dossier_events)).scalar_one() == sum(
            e.subject.startswith(("tdkt.dossier.", "tdkt.award.")) for e in fed_service.events
        )


def test_arrival_order_does_not_change_the_tables(fed_service: FedService, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The live run saw dossier events before their campaigns' and swapped versions; applying the
    history in its original order gives the same rows."""
    engine = make_engine(f"sqlite:///{tmp_path / 'in-order.sqlite'}")
    generation, _ = ensure_live_generation(engine)
    in_order = LiveProjection(engine, generation)
    for event in fed_service.events:
        in_order.apply(event.subject, event.payload(), event_id=event.event_id, stream_sequence=None)
    with fed_service.ctx.engine.connect() as live_conn, engine.connect() as conn:
        live = projection_tables(live_generation(live_conn) or 0)
        ordered = projection_tables(generation)
        for name, table in live.by_name().items():
            assert table_rows(live_conn, table) == table_rows(conn, ordered.by_name()[name]), name


def test_rebuild_switches_to_tables_equal_to_the_live_ones_row_for_row(fed_service: FedService, truth: Truth) -> None:
    before = summary(fed_service, period="2023", group_by="proposing_unit")
    started = fed_service.client.post("/admin/rebuild", headers=SECRETARIAT)
    assert started.status_code == 202, started.text
    assert fed_service.client.post("/admin/rebuild", headers=SECRETARIAT).status_code == 409
    deadline = time.monotonic() + 60
    while (job := fed_service.client.get("/admin/rebuild").json()["job"])["state"] not in ("done", "failed"):
        assert summary(fed_service, period="2023-Q1")["total"]  # still answering while rebuilding
        assert time.monotonic() < deadline
        time.sleep(0.1)
    assert job["state"] == "done", job["error"]
    assert job["events_applied"] == len(fed_service.events)
    assert job["messages_read"] == job["messages_total"] > len(fed_service.events)  # the re-sent copies
    with fed_service.ctx.engine.connect() as conn:
        assert live_generation(conn) == job["generation"]
        comparison = compare_generations(conn, job["previous_generation"], job["generation"])
    assert comparison["equal"], comparison
    after = summary(fed_service, period="2023", group_by="proposing_unit")
    assert after["generation"] == job["generation"] != before["generation"]
    assert (after["total"], after["groups"]) == (before["total"], before["groups"])


def test_the_auditors_check_finds_the_live_tables_equal_to_a_replay(fed_service: FedService) -> None:
    answer = fed_service.client.get("/admin/verify")
    assert answer.status_code == 200, answer.text
    job = answer.json()
    assert job["state"] == "done", job["error"]
    assert job["result"]["equal"] is True, job["result"]
    assert job["result"]["events"]["live"] == len(fed_service.events)
    listed = fed_service.client.get("/admin/rebuild").json()["generations"]
    assert [g["state"] for g in listed].count("live") == 1
    assert all(g["generation"] != job["generation"] for g in listed)  # the scratch set is gone


@pytest.mark.parametrize("day", [date(2023, 3, 31), date(2023, 9, 30)], ids=str)
def test_a_summary_as_it_stood_on_a_date_counts_only_what_was_recorded_by_then(
    fed_service: FedService, history: list[EventContract], day: date
) -> None:
    """`as_of=D`: the report filed on D, recomputed from the events recorded by the end of D (a later
    decision, annulment or correction of the same period is left out) — and the record now differs."""
    from services.reporting.as_of import end_of_day

    then = [e for e in history if e.occurred_at < end_of_day(day)]
    expected = Truth(then, WorkingCalendar.from_file(), load_org_units()).summary(date(2023, 1, 1), date(2023, 12, 31))
    answer = summary(fed_service, period="2023", as_of=day.isoformat())
    assert answer["total"] == expected["total"]
    assert answer["as_of"]["date"] == day.isoformat() and answer["as_of"]["events"] == len(then)
    assert answer["total"] != summary(fed_service, period="2023")["total"]  # the record has grown since


def test_as_of_refuses_a_date_that_is_not_one(fed_service: FedService) -> None:
    answer = fed_service.client.get("/reports/summary", params={"period": "2023", "as_of": "31/03/2023"})
    assert answer.status_code == 422
