"""SQL projections of the reporting service fed directly (no broker), each on a fresh SQLite file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from services.reporting.generations import ensure_live_generation
from services.reporting.live import LiveProjection
from services.reporting.tables import ProjectionTables, projection_tables
from shared.contracts.base import EventContract
from shared.sqlstore import make_engine


class Projection:
    """A live projection on a fresh SQLite file, fed directly (no broker)."""

    def __init__(self, live: LiveProjection) -> None:
        self.live = live

    @property
    def tables(self) -> ProjectionTables:
        return projection_tables(self.live.generation)

    def feed(self, *events: EventContract) -> list[bool]:
        return [self.live.apply(e.subject, e.payload(), event_id=e.event_id, stream_sequence=None) for e in events]

    def rows(self, name: str) -> list[dict[str, Any]]:
        table = self.tables.by_name()[name]
        with self.live.engine.connect() as conn:
            order = list(table.primary_key.columns)
            return [dict(r) for r in conn.execute(select(table).order_by(*order)).mappings()]


@pytest.fixture
def projection(tmp_path: Path) -> Projection:
    engine = make_engine(f"sqlite:///{tmp_path / 'reporting.sqlite'}")
    generation, _ = ensure_live_generation(engine)
    return Projection(LiveProjection(engine, generation))
