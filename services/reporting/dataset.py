"""Reads from one generation the rows a period's reports need.

Only rows that can matter are read: every campaign (few), the dossiers received in the period or
with any event dated in it, and their whole event history (a dossier decided in the period may
have been received, or asked to supplement, before it).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Connection, and_, or_, select, union

from services.reporting.periods import Period
from services.reporting.tables import ProjectionTables

Row = Any  # a SQLAlchemy Row: attribute access by column name


@dataclass
class Dataset:
    period: Period
    campaigns: dict[str, Row]
    campaign_events: list[Row]
    dossiers: dict[str, Row]
    nominees: dict[str, list[Row]]
    dossier_events: dict[str, list[Row]]
    approvals: list[Row]
    annulments: list[Row]
    recoveries: list[Row]
    advanced_worker_awards: list[Row] = field(default_factory=list)
    """Year of the period's end: ADVANCED_WORKER approvals not annulled, with proposing unit
    and the nominee's unit, for the communes check."""

    def nominee(self, dossier_id: str, nominee_id: str) -> Row | None:
        for n in self.nominees.get(dossier_id, ()):
            if n.nominee_id == nominee_id:
                return n
        return None


def load(conn: Connection, t: ProjectionTables, period: Period) -> Dataset:
    start, end = period.start, period.end
    de, d = t.dossier_events.c, t.dossiers.c
    ids = union(
        select(de.dossier_id).where(de.event_date.between(start, end)),
        select(d.dossier_id).where(d.received_on.between(start, end)),
    ).subquery()
    wanted = select(ids.c.dossier_id)
    nominees: dict[str, list[Row]] = defaultdict(list)
    for n in conn.execute(select(t.dossier_nominees).where(t.dossier_nominees.c.dossier_id.in_(wanted))):
        nominees[n.dossier_id].append(n)
    history: dict[str, list[Row]] = defaultdict(list)
    for e in conn.execute(select(t.dossier_events).where(de.dossier_id.in_(wanted))):
        history[e.dossier_id].append(e)
    return Dataset(
        period=period,
        campaigns={c.campaign_id: c for c in conn.execute(select(t.campaigns))},
        campaign_events=list(conn.execute(select(t.campaign_events))),
        dossiers={r.dossier_id: r for r in conn.execute(select(t.dossiers).where(d.dossier_id.in_(wanted)))},
        nominees=dict(nominees),
        dossier_events=dict(history),
        approvals=list(
            conn.execute(select(t.award_approvals).where(t.award_approvals.c.decision_date.between(start, end)))
        ),
        annulments=list(
            conn.execute(select(t.award_annulments).where(t.award_annulments.c.annulled_on.between(start, end)))
        ),
        recoveries=list(
            conn.execute(select(t.award_recoveries).where(t.award_recoveries.c.recovered_on.between(start, end)))
        ),
        advanced_worker_awards=advanced_worker_awards(conn, t, end.year),
    )


def advanced_worker_awards(conn: Connection, t: ProjectionTables, year: int) -> list[Row]:
    """'Lao động tiên tiến' awards for emulation year `year` (or decided in it when the dossier
    names no year) that were not annulled."""
    a, d, n, x = t.award_approvals.c, t.dossiers.c, t.dossier_nominees.c, t.award_annulments.c
    annulled = select(x.nominee_id).where(x.dossier_id == a.dossier_id, x.nominee_id == a.nominee_id)
    query = (
        select(a.dossier_id, a.nominee_id, d.proposing_unit_code, n.unit)
        .join_from(t.award_approvals, t.dossiers, d.dossier_id == a.dossier_id)
        .outerjoin(t.dossier_nominees, and_(n.dossier_id == a.dossier_id, n.nominee_id == a.nominee_id))
        .where(a.award == "ADVANCED_WORKER")
        .where(
            or_(
                d.emulation_year == year,
                and_(d.emulation_year.is_(None), a.decision_date.between(date(year, 1, 1), date(year, 12, 31))),
            )
        )
        .where(~annulled.exists())
    )
    return list(conn.execute(query))
