"""Read models of the reporting service: plain SQL tables fed by events.

Campaign snapshots are kept by highest `aggregate_version`, so late or repeated events leave the
same row behind.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, Column, Connection, Engine, Integer, MetaData, String, Table, func, select

metadata = MetaData()

campaigns = Table(
    "report_campaigns",
    metadata,
    Column("campaign_id", String(64), primary_key=True),
    Column("code", String(100), nullable=False),
    Column("name", String(500), nullable=False),
    Column("lead_unit_code", String(100), nullable=False),
    Column("lead_unit_name", String(300), nullable=False),
    Column("status", String(50), nullable=False),
    Column("registered", Boolean, nullable=False),
    Column("version", Integer, nullable=False),
)


def create_tables(engine: Engine) -> None:
    metadata.create_all(engine)


def apply_campaign_event(conn: Connection, event: dict[str, Any]) -> None:
    """Upsert the campaign snapshot unless a newer version is already stored."""
    snapshot = event["campaign"]
    version = int(event["aggregate_version"])
    row = {
        "campaign_id": snapshot["campaign_id"],
        "code": snapshot["code"],
        "name": snapshot["name"],
        "lead_unit_code": snapshot["lead_unit"]["code"],
        "lead_unit_name": snapshot["lead_unit"]["name"],
        "status": snapshot["status"],
        "registered": bool(snapshot.get("registration_number")),
        "version": version,
    }
    current = conn.execute(
        select(campaigns.c.version).where(campaigns.c.campaign_id == row["campaign_id"])
    ).scalar_one_or_none()
    if current is None:
        conn.execute(campaigns.insert().values(**row))
    elif current < version:
        conn.execute(campaigns.update().where(campaigns.c.campaign_id == row["campaign_id"]).values(**row))


def campaigns_by_lead_unit(engine: Engine) -> list[dict[str, Any]]:
    registered = func.sum(func.cast(campaigns.c.registered, Integer))
    query = (
        select(
            campaigns.c.lead_unit_code,
            func.max(campaigns.c.lead_unit_name).label("lead_unit_name"),
            func.count().label("campaigns"),
            registered.label("registered"),
        )
        .group_by(campaigns.c.lead_unit_code)
        .order_by(campaigns.c.lead_unit_code)
    )
    with engine.connect() as conn:
        return [
            {
                "lead_unit_code": r.lead_unit_code,
                "lead_unit_name": r.lead_unit_name,
                "campaigns": int(r.campaigns),
                "registered": int(r.registered or 0),
            }
            for r in conn.execute(query)
        ]
