"""Read models of dossiers and campaigns, built from their events in this service's own database.

Reminders ("the appointment date is near", "the campaign ends soon") depend on state, not on
one event, and this service may not ask the other services. Every dossier and campaign event
carries a snapshot of its aggregate; the view keeps the snapshot with the highest
`aggregate_version`, so repeated or out-of-order events leave the same row.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, Table, select

from services.notifications.tables import campaign_views, dossier_views

OPEN_DOSSIER_STATUSES = ("RECEIVED", "AWAITING_CAMPAIGN", "IN_APPRAISAL")
"""Dossiers whose clock runs toward the appointment date (stopped while awaiting a supplement)."""
ACTIVE_CAMPAIGN_STATUSES = ("registered", "launched")
"""Campaigns under way whose lead unit still has a final review to file."""


@dataclass(frozen=True)
class DossierView:
    dossier_id: str
    status: str
    appointment_date: date | None
    snapshot: dict[str, Any]


@dataclass(frozen=True)
class CampaignView:
    campaign_id: str
    status: str
    end_date: date | None
    final_review_filed: bool
    snapshot: dict[str, Any]


def _day(value: Any) -> date | None:
    return date.fromisoformat(str(value)) if value else None


def _upsert(conn: Connection, table: Table, key: str, row: dict[str, Any]) -> None:
    column = table.c[key]
    current = conn.execute(select(table.c.version).where(column == row[key])).scalar_one_or_none()
    if current is None:
        conn.execute(table.insert().values(**row))
    elif current < row["version"]:
        conn.execute(table.update().where(column == row[key]).values(**row))


def apply_event(conn: Connection, payload: Mapping[str, Any]) -> None:
    """Keep the newest snapshot of the event's dossier or campaign (if it carries one)."""
    version = int(payload.get("aggregate_version") or 0)
    dossier = payload.get("dossier")
    if isinstance(dossier, Mapping) and dossier.get("dossier_id"):
        _upsert(
            conn,
            dossier_views,
            "dossier_id",
            {
                "dossier_id": dossier["dossier_id"],
                "receipt_number": dossier.get("receipt_number") or "",
                "status": dossier.get("status") or "",
                "proposing_unit_code": (dossier.get("proposing_unit") or {}).get("code", ""),
                "appointment_date": _day(dossier.get("appointment_date")),
                "version": version,
                "snapshot": json.dumps(dossier, ensure_ascii=False),
            },
        )
    campaign = payload.get("campaign")
    if isinstance(campaign, Mapping) and campaign.get("campaign_id"):
        _upsert(
            conn,
            campaign_views,
            "campaign_id",
            {
                "campaign_id": campaign["campaign_id"],
                "name": campaign.get("name") or "",
                "status": campaign.get("status") or "",
                "lead_unit_code": (campaign.get("lead_unit") or {}).get("code", ""),
                "end_date": _day(campaign.get("end_date")),
                "final_review_filed": bool(campaign.get("final_review_filed")),
                "version": version,
                "snapshot": json.dumps(campaign, ensure_ascii=False),
            },
        )


def open_dossiers(conn: Connection) -> list[DossierView]:
    rows = conn.execute(
        select(dossier_views).where(
            dossier_views.c.status.in_(OPEN_DOSSIER_STATUSES), dossier_views.c.appointment_date.is_not(None)
        )
    )
    return [DossierView(r.dossier_id, r.status, r.appointment_date, json.loads(r.snapshot)) for r in rows]


def active_campaigns(conn: Connection) -> list[CampaignView]:
    rows = conn.execute(
        select(campaign_views).where(
            campaign_views.c.status.in_(ACTIVE_CAMPAIGN_STATUSES), campaign_views.c.end_date.is_not(None)
        )
    )
    return [
        CampaignView(r.campaign_id, r.status, r.end_date, bool(r.final_review_filed), json.loads(r.snapshot))
        for r in rows
    ]


def campaign_snapshot(conn: Connection, campaign_id: str | None) -> dict[str, Any] | None:
    """The latest snapshot of a campaign, so a dossier's notice can name it rather than show its id."""
    if not campaign_id:
        return None
    row = conn.execute(select(campaign_views.c.snapshot).where(campaign_views.c.campaign_id == campaign_id)).first()
    return json.loads(row.snapshot) if row else None
