"""What a dossier's whole history says about it, stored per dossier so a summary is SQL
aggregation instead of a replay of every dossier's events (docs/performance.md).

One `dossier_outcomes` row per dossier: the day it got its result (the return of the decision or
rejection, or the refusal slip), its processing time in working days, the appointment its result
was due by, and whether it was complete on first submission. The row is recomputed from every
stored event of the dossier each time one of its events is applied, so it does not depend on the
order events arrive in either (see `tables.py`). Working days follow the calendar the service
runs with (`WorkingCalendar.from_file()`); a change to that calendar reaches stored durations with
the next rebuild.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from datetime import date
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, bindparam, delete, select

from services.reporting.bulk import insert_rows
from services.reporting.processing import WorkingDayCounter
from services.reporting.tables import ProjectionTables
from shared.workdays import WorkingCalendar

Row = Any  # anything with the `dossier_events` columns as attributes


def result_date(history: Iterable[Row]) -> Row | None:
    """The event that gave the dossier its result: the return of the decision or rejection, or the
    refusal slip (itself the result handed back); the earliest if several."""
    results = [e for e in history if e.event_type in ("dossier.result_returned", "dossier.refused")]
    return min(results, key=lambda e: (e.event_date, e.version)) if results else None


def due_date(history: Iterable[Row]) -> Row | None:
    """The appointment set at receipt or at the last supplement (an apology slip's new date does not
    make a late result on time)."""
    setting = [e for e in history if e.event_type in ("dossier.submitted", "dossier.supplemented")]
    return max(setting, key=lambda e: e.version) if setting else None


def waiting_for_supplement(history: Iterable[Row], until: date, workdays: WorkingDayCounter) -> int:
    """Working days the dossier spent with the proposing unit, supplementing: from each request to
    the supplement that answered it (or to `until`, the result, when none did)."""
    waited, requested = 0, None
    for e in sorted(history, key=lambda e: e.version):
        if e.event_type == "dossier.supplement_requested" and requested is None:
            requested = e.event_date
        elif e.event_type == "dossier.supplemented" and requested is not None:
            waited += workdays.between(requested, min(e.event_date, until))
            requested = None
    if requested is not None:
        waited += workdays.between(requested, until)
    return waited


def processing_days(received_on: date, history: list[Row], result_on: date, workdays: WorkingDayCounter) -> int:
    """The administration's time: the clock stops while the proposing unit supplements."""
    return workdays.between(received_on, result_on) - waiting_for_supplement(history, result_on, workdays)


def complete_first_time(history: Iterable[Row]) -> bool:
    types = {e.event_type for e in history}
    return "dossier.accepted_as_complete" in types and "dossier.supplement_requested" not in types


def outcome(dossier_id: str, received_on: date, history: list[Row], workdays: WorkingDayCounter) -> dict[str, Any]:
    """The `dossier_outcomes` row of one dossier."""
    result = result_date(history)
    due = due_date(history)
    return {
        "dossier_id": dossier_id,
        "result_on": result.event_date if result else None,
        "processing_days": processing_days(received_on, history, result.event_date, workdays) if result else None,
        "due_on": due.appointment_date_after if due else None,
        "complete_first_time": complete_first_time(history),
    }


@lru_cache(maxsize=1)
def service_workdays() -> WorkingDayCounter:
    """The calendar the service counts with (the same file `app.open_context` loads)."""
    return WorkingDayCounter(WorkingCalendar.from_file())


CHUNK = 500  # ids per `IN (…)`: well under SQLite's and PostgreSQL's parameter limits


def chunks(items: list[str], size: int = CHUNK) -> Iterable[list[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def all_dossier_ids(conn: Connection, t: ProjectionTables) -> list[str]:
    return sorted(conn.execute(select(t.dossiers.c.dossier_id)).scalars())


def refresh_outcomes(conn: Connection, t: ProjectionTables, dossier_ids: Collection[str] | None = None) -> None:
    """Recompute the outcome rows of `dossier_ids` (every dossier when None) from the stored rows."""
    d, de, o = t.dossiers.c, t.dossier_events.c, t.dossier_outcomes.c
    if dossier_ids is None:
        dossier_ids = all_dossier_ids(conn, t)
    workdays = service_workdays()
    ids = bindparam("ids", expanding=True)
    for part in chunks(sorted(dossier_ids)):
        dates = select(d.dossier_id, d.received_on).where(d.dossier_id.in_(ids))
        received = dict(conn.execute(dates, {"ids": part}).all())
        history: dict[str, list[Row]] = defaultdict(list)
        query = select(de.dossier_id, de.event_type, de.version, de.event_date, de.appointment_date_after)
        for e in conn.execute(query.where(de.dossier_id.in_(ids)), {"ids": part}):
            history[e.dossier_id].append(e)
        conn.execute(delete(t.dossier_outcomes).where(o.dossier_id.in_(ids)), {"ids": part})
        rows = [outcome(i, received[i], history.get(i, []), workdays) for i in part if i in received]
        insert_rows(conn, t.dossier_outcomes, rows)
