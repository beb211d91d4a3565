"""Generations: the first is created with the database; a switch moves one pointer; a writer
whose generation was replaced by another process writes into the new one; old sets are dropped."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import inspect

from services.reporting.generations import (
    create_generation,
    drop_all_but_live,
    ensure_live_generation,
    list_generations,
    live_generation,
    make_live,
)
from services.reporting.live import LiveProjection
from services.reporting.tables import projection_tables
from shared.contracts import campaigns as cc
from shared.sqlstore import make_engine
from tests.integration.reporting_tables.conftest import Projection
from tests.support.reporting_events import campaign_event


def test_a_new_database_gets_a_live_first_generation_once(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'r.sqlite'}")
    assert ensure_live_generation(engine) == (1, True)
    assert ensure_live_generation(engine) == (1, False)
    assert "rp1_dossier_events" in inspect(engine).get_table_names()


def test_a_switch_retires_the_old_generation_and_drop_keeps_only_the_live_one(projection: Projection) -> None:
    engine = projection.live.engine
    new = create_generation(engine, "rebuild", "test")
    with engine.begin() as conn:
        assert make_live(conn, new, 0) == 1
        assert live_generation(conn) == new
    assert [(g["generation"], g["state"]) for g in list_generations(engine)] == [(1, "retired"), (2, "live")]
    assert drop_all_but_live(engine) == [1]
    names = inspect(engine).get_table_names()
    assert not any(n.startswith("rp1_") for n in names)
    assert "rp2_campaigns" in names


def test_a_writer_follows_a_switch_made_by_another_process(projection: Projection) -> None:
    engine = projection.live.engine
    new = create_generation(engine, "rebuild", "tdkt reporting rebuild --offline")
    with engine.begin() as conn:
        make_live(conn, new, 0)
    stale = LiveProjection(engine, generation=1)  # still believes generation 1 is live
    event = campaign_event(cc.CampaignDrafted, 1)
    assert stale.apply(event.subject, event.payload(), event_id=event.event_id, stream_sequence=1)
    assert stale.generation == new
    with engine.connect() as conn:
        assert conn.execute(projection_tables(new).campaigns.select()).all()
        assert not conn.execute(projection_tables(1).campaigns.select()).all()
