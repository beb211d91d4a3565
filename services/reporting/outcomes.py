"""What a dossier's whole history says about it, stored per dossier so a summary is SQL
aggregation instead of a replay of every dossier's events (docs/performance.md).

One `dossier_outcomes` row per dossier: the day it got its result (the return of the decision or
rejection, or the refusal slip), its processing time in working days, the appointment its result
was due by, and whether it was complete on first submission; with the group keys of its latest
snapshot and its nominees' awards, so a summary reads it alone. Beside it, the dossier's
`dossier_flows` (each kind of flow event's distinct days, each with the one before) and
`awarded_nominees` (its approvals with their nominees' facts). All are recomputed from the
dossier's stored rows each time one of its events is applied, so they do not depend on the
order events arrive in either (see `tables.py`). Working days follow the calendar the service
runs with (`WorkingCalendar.from_file()`); a change to that calendar reaches stored durations with
the next rebuild.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Collection, Iterable
from datetime import date
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, Insert, Table, bindparam, delete, inspect, select
from sqlalchemy.dialects import postgresql, sqlite

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


def award_counts(awards: Iterable[str]) -> str:
    """The `awards` column: each award of the dossier's nominees with how many, as sorted JSON
    pairs (a summary groups by this text and splits it per award, `aggregates.py`)."""
    counts: dict[str, int] = defaultdict(int)
    for award in awards:
        counts[award] += 1
    return json.dumps(sorted(counts.items()), ensure_ascii=False, separators=(",", ":"))


def outcome(dossier: Row, nominee_awards: list[str], history: list[Row], workdays: WorkingDayCounter) -> dict[str, Any]:
    """The `dossier_outcomes` row of one dossier (`dossier`: its `dossiers` row)."""
    result = result_date(history)
    due = due_date(history)
    received_on = dossier.received_on
    return {
        "dossier_id": dossier.dossier_id,
        "result_on": result.event_date if result else None,
        "processing_days": processing_days(received_on, history, result.event_date, workdays) if result else None,
        "due_on": due.appointment_date_after if due else None,
        "complete_first_time": complete_first_time(history),
        "received_on": received_on,
        "proposing_unit_code": dossier.proposing_unit_code,
        "campaign_id": dossier.campaign_id,
        "award_type": dossier.award_type,
        "channel": dossier.channel,
        "late_proposal": dossier.late_proposal,
        "nominees": len(nominee_awards),
        "awards": award_counts(nominee_awards),
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


FLOW_TYPES = (
    "dossier.supplement_requested",
    "dossier.supplemented",
    "dossier.refused",
    "dossier.withdrawn",
    "award.decided",
    "award.rejected",
)
"""The kinds of event the summary counts dossiers by (`observations.DOSSIER_FLOWS`)."""
DECISION_TYPES = frozenset({"award.decided", "award.rejected"})
DECISION = "decision"
"""The `dossier_flows` kind of a day the dossier was decided either way."""

DOSSIER_COLUMNS = (
    "dossier_id",
    "received_on",
    "proposing_unit_code",
    "campaign_id",
    "award_type",
    "channel",
    "late_proposal",
    "emulation_year",
)
"""What the derived tables copy from the dossier's latest snapshot (its group keys and cohort)."""
GROUP_KEYS = ("proposing_unit_code", "campaign_id", "award_type", "channel")


def flow_rows(dossier_id: str, keys: dict[str, Any], history: Iterable[Row]) -> list[dict[str, Any]]:
    """The `dossier_flows` rows of one dossier: each kind's distinct days, each with the one before."""
    days: dict[str, set[date]] = defaultdict(set)
    for e in history:
        if e.event_type in FLOW_TYPES:
            days[e.event_type].add(e.event_date)
            if e.event_type in DECISION_TYPES:
                days[DECISION].add(e.event_date)
    rows = []
    for kind, found in sorted(days.items()):
        previous = None
        for day in sorted(found):
            rows.append(
                {"event_type": kind, "event_date": day, "dossier_id": dossier_id, "previous_date": previous, **keys}
            )
            previous = day
    return rows


def awarded_rows(
    dossier: Row, keys: dict[str, Any], approvals: Iterable[Row], nominees: dict[str, Row], annulled: set[str]
) -> list[dict[str, Any]]:
    """The `awarded_nominees` rows of one dossier: its approvals with their nominees' facts."""
    rows = []
    for a in approvals:
        n = nominees.get(a.nominee_id)
        rows.append(
            {
                "decision_date": a.decision_date,
                "event_id": a.event_id,
                "nominee_id": a.nominee_id,
                "dossier_id": a.dossier_id,
                "award": a.award,
                "cash_reward_vnd": a.cash_reward_vnd,
                "nominee_kind": n.kind if n is not None else None,
                "is_direct_worker": n.is_direct_worker if n is not None else None,
                "size": n.size if n is not None else None,
                "nominee_unit": n.unit if n is not None else None,
                "annulled": a.nominee_id in annulled,
                "emulation_year": dossier.emulation_year,
                **keys,
            }
        )
    return rows


def refresh_outcomes(
    conn: Connection, t: ProjectionTables, dossier_ids: Collection[str] | None = None, *, fresh: bool = False
) -> None:
    """Recompute the derived rows of `dossier_ids` (every dossier when None) from the stored rows:
    their outcomes, flows and awarded nominees (`tables.py`). `fresh`: the dossiers have no
    derived rows yet (a rebuild's first computation), so none are deleted first."""
    d, de, n = t.dossiers.c, t.dossier_events.c, t.dossier_nominees.c
    a, x = t.award_approvals.c, t.award_annulments.c
    if dossier_ids is None:
        dossier_ids = all_dossier_ids(conn, t)
    workdays = service_workdays()
    ids = bindparam("ids", expanding=True)
    columns = [d[name] for name in DOSSIER_COLUMNS]
    nominee_columns = (n.dossier_id, n.nominee_id, n.award, n.kind, n.is_direct_worker, n.size, n.unit)
    approval_columns = (a.dossier_id, a.event_id, a.nominee_id, a.decision_date, a.award, a.cash_reward_vnd)
    history_columns = (de.dossier_id, de.event_type, de.version, de.event_date, de.appointment_date_after)

    def read(*selected: Any) -> Any:
        where = selected[0].in_(ids)
        return conn.execute(select(*selected).where(where), {"ids": part})

    for part in chunks(sorted(dossier_ids)):
        dossiers = {r.dossier_id: r for r in read(*columns)}
        nominees: dict[str, dict[str, Row]] = defaultdict(dict)
        for r in read(*nominee_columns):
            nominees[r.dossier_id][r.nominee_id] = r
        history: dict[str, list[Row]] = defaultdict(list)
        for e in read(*history_columns):
            history[e.dossier_id].append(e)
        approvals: dict[str, list[Row]] = defaultdict(list)
        for r in read(*approval_columns):
            approvals[r.dossier_id].append(r)
        annulled: dict[str, set[str]] = defaultdict(set)
        for dossier_id, nominee_id in read(x.dossier_id, x.nominee_id):
            annulled[dossier_id].add(nominee_id)
        for table in () if fresh else t.derived():
            conn.execute(delete(table).where(table.c.dossier_id.in_(ids)), {"ids": part})
        outcomes, flows, awarded = [], [], []
        for i in part:
            dossier = dossiers.get(i)
            if dossier is None:
                continue
            awards = [r.award for r in nominees.get(i, {}).values()]
            row = outcome(dossier, awards, history.get(i, []), workdays)
            keys = {k: row[k] for k in (*GROUP_KEYS, "awards")}
            outcomes.append(row)
            flows.extend(flow_rows(i, keys, history.get(i, [])))
            awarded.extend(
                awarded_rows(dossier, keys, approvals.get(i, []), nominees.get(i, {}), annulled.get(i, set()))
            )
        insert_rows(conn, t.dossier_outcomes, outcomes)
        insert_rows(conn, t.dossier_flows, flows)
        insert_rows(conn, t.awarded_nominees, awarded)


def mark_stale(conn: Connection, t: ProjectionTables, dossier_ids: Collection[str]) -> None:
    """Record that the derived rows of `dossier_ids` are behind their events (in the transaction
    that applies those events, so a crash loses no mark); `refresh_marked` brings them up to date."""
    rows = [{"dossier_id": i} for i in sorted(dossier_ids)]
    if rows:
        conn.execute(_insert_ignoring_duplicates(conn, t.stale_outcomes), rows)


def refresh_marked(conn: Connection, t: ProjectionTables, limit: int) -> int:
    """Refresh up to `limit` dossiers marked stale and unmark them, in the caller's transaction;
    how many were refreshed (0: none is stale)."""
    s = t.stale_outcomes
    ids = list(conn.execute(select(s.c.dossier_id).order_by(s.c.dossier_id).limit(limit)).scalars())
    if ids:
        refresh_outcomes(conn, t, ids)
        for part in chunks(ids):
            conn.execute(delete(s).where(s.c.dossier_id.in_(part)))
    return len(ids)


def _insert_ignoring_duplicates(conn: Connection, table: Table) -> Insert:
    if conn.dialect.name == "postgresql":
        return postgresql.insert(table).on_conflict_do_nothing()
    return sqlite.insert(table).on_conflict_do_nothing()


def outcomes_current(conn: Connection, t: ProjectionTables) -> bool:
    """The table set's derived tables exist with every column this version writes (a table set
    from before has none of them, or only the first columns of `dossier_outcomes`)."""
    found = inspect(conn)
    for table in t.derived():
        if not found.has_table(table.name):
            return False
        if not set(table.c.keys()) <= {c["name"] for c in found.get_columns(table.name)}:
            return False
    return True
