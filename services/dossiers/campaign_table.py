"""The dossiers service's own read model of campaigns, fed by `tdkt.campaign.*` events.

One row per campaign, holding the snapshot with the highest `aggregate_version` seen, so events
that arrive late, twice or out of order leave the same row behind. It backs the application's
`campaign_lookup`: the thematic-eligibility check reads this table, never the campaigns
service (services talk to each other only through events).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    DateTime,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    inspect,
    select,
    text,
)

from services.dossiers.domain.campaign_eligibility import CampaignView
from shared.contracts.campaigns import CampaignEvent
from shared.sqlstore import create_all

metadata = MetaData()

campaigns = Table(
    "dossiers_campaign_view",
    metadata,
    Column("campaign_id", String(64), primary_key=True),
    Column("code", String(100), nullable=False),
    Column("name", String(500), nullable=False),
    Column("kind", String(50), nullable=False),
    Column("status", String(50), nullable=False),
    Column("lead_unit_code", String(100), nullable=False),
    Column("eligible", Boolean, nullable=False),
    Column("eligibility_reasons", Text, nullable=False),  # JSON list of Vietnamese messages
    Column("version", Integer, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    # Who considers a thematic movement's awards (dispatch 147, point 4); empty until the next
    # event of a campaign stored before this column existed.
    Column("launching_level", String(40), nullable=False, server_default=""),
)


def create_tables(engine: Engine) -> None:
    create_all(metadata, engine)
    columns = {c["name"] for c in inspect(engine).get_columns(campaigns.name)}
    if "launching_level" not in columns:  # a view created before the column existed
        with engine.begin() as conn:
            conn.execute(
                text(f"ALTER TABLE {campaigns.name} ADD COLUMN launching_level VARCHAR(40) NOT NULL DEFAULT ''")
            )


def canonical_campaign_id(value: str) -> str:
    """Campaign ids are UUIDs in the campaigns service; compare them in one spelling."""
    text = value.strip()
    try:
        return str(UUID(text))
    except ValueError:
        return text


def apply_campaign_event(conn: Connection, event: CampaignEvent) -> bool:
    """Keep the event's campaign snapshot unless a newer (or the same) version is stored.

    True when the row changed.
    """
    snapshot = event.campaign
    version = event.aggregate_version
    row = {
        "campaign_id": canonical_campaign_id(snapshot.campaign_id),
        "code": snapshot.code,
        "name": snapshot.name,
        "kind": snapshot.kind,
        "status": snapshot.status,
        "lead_unit_code": snapshot.lead_unit.code,
        "eligible": snapshot.eligibility.eligible,
        "eligibility_reasons": json.dumps([r.message for r in snapshot.eligibility.reasons], ensure_ascii=False),
        "version": version,
        "updated_at": datetime.now(UTC),
        "launching_level": snapshot.launching_level.strip().lower(),
    }
    # One conditional statement, so two replicas applying two versions at once keep the newer.
    while True:
        updated = conn.execute(
            campaigns.update()
            .where(campaigns.c.campaign_id == row["campaign_id"], campaigns.c.version < version)
            .values(**row)
        )
        if updated.rowcount:
            return True
        current = conn.execute(
            select(campaigns.c.version).where(campaigns.c.campaign_id == row["campaign_id"])
        ).scalar_one_or_none()
        if current is None:
            conn.execute(campaigns.insert().values(**row))  # a concurrent insert fails here; the message is retried
            return True
        if current >= version:
            return False
        # An older version was committed between the two statements: update again.


def _view(row: Any) -> CampaignView:
    return CampaignView(
        campaign_id=row.campaign_id,
        name=row.name,
        kind=row.kind,
        status=row.status,
        eligible=bool(row.eligible),
        eligibility_reasons=list(json.loads(row.eligibility_reasons)),
        version=int(row.version),
        launching_level=row.launching_level or "",
    )


class CampaignTable:
    """Reads of the campaign view; `lookup` is the application's `campaign_lookup`."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def lookup(self, campaign_id: str) -> CampaignView | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(campaigns).where(campaigns.c.campaign_id == canonical_campaign_id(campaign_id))
            ).first()
        return _view(row) if row is not None else None

    def all(self) -> list[CampaignView]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(campaigns).order_by(campaigns.c.code)).all()
        return [_view(r) for r in rows]
