"""Facts are order-independent: any arrival order of the same events, with repeats, gives the
same rows."""

from __future__ import annotations

import random
from pathlib import Path

from services.reporting.compare import table_rows
from services.reporting.generations import ensure_live_generation
from services.reporting.live import LiveProjection
from services.reporting.tables import projection_tables
from shared.contracts.base import EventContract
from shared.sqlstore import make_engine
from tests.support.reporting_history import generate


def tables_after(events: list[EventContract], path: Path) -> dict[str, set[tuple]]:
    engine = make_engine(f"sqlite:///{path}")
    generation, _ = ensure_live_generation(engine)
    live = LiveProjection(engine, generation)
    for e in events:
        live.apply(e.subject, e.payload(), event_id=e.event_id, stream_sequence=None)
    with engine.connect() as conn:
        return {name: table_rows(conn, t) for name, t in projection_tables(generation).by_name().items()}


def test_shuffled_and_repeated_events_give_the_same_tables(tmp_path: Path) -> None:
    events = generate(seed=11, campaigns=6, dossiers=40)
    in_order = tables_after(events, tmp_path / "ordered.sqlite")
    rng = random.Random(3)
    shuffled = rng.sample(events, len(events)) + rng.sample(events, 30)
    assert tables_after(shuffled, tmp_path / "shuffled.sqlite") == in_order
    assert in_order["dossiers"] and in_order["campaigns"] and in_order["award_approvals"]
