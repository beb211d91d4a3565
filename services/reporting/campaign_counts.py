"""The count of campaigns by lead unit (the walking skeleton's report, kept for its users)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, func, select

from services.reporting.generations import live_generation
from services.reporting.tables import projection_tables


def campaigns_by_lead_unit(engine: Engine) -> list[dict[str, Any]]:
    """Campaigns and registered campaigns per lead unit, from the live generation."""
    with engine.connect() as conn:
        generation = live_generation(conn)
        if generation is None:
            return []
        t = projection_tables(generation).campaigns
        query = (
            select(
                t.c.lead_unit_code,
                func.max(t.c.lead_unit_name).label("lead_unit_name"),
                func.count().label("campaigns"),
                func.count(t.c.registration_number).label("registered"),
            )
            .group_by(t.c.lead_unit_code)
            .order_by(t.c.lead_unit_code)
        )
        return [
            {
                "lead_unit_code": r.lead_unit_code,
                "lead_unit_name": r.lead_unit_name,
                "campaigns": int(r.campaigns),
                "registered": int(r.registered),
            }
            for r in conn.execute(query)
        ]
