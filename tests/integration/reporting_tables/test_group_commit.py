"""Events consumed at once from several threads are committed together, and each is still
applied exactly once: the tables end as they do when the same events are fed one by one."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from services.reporting.generations import ensure_live_generation
from services.reporting.live import LiveProjection
from shared.sqlstore import make_engine
from tests.support.reporting_history import generate

from .conftest import Projection


def fresh(folder: Path) -> Projection:
    engine = make_engine(f"sqlite:///{folder / 'reporting.sqlite'}")
    generation, _ = ensure_live_generation(engine)
    return Projection(LiveProjection(engine, generation))


def test_concurrent_deliveries_are_grouped_and_each_event_applied_once(tmp_path: Path) -> None:
    events = generate(seed=14, campaigns=3, dossiers=40)
    (tmp_path / "one").mkdir()
    (tmp_path / "many").mkdir()
    one_by_one, concurrent = fresh(tmp_path / "one"), fresh(tmp_path / "many")
    assert all(one_by_one.feed(*events))

    twice = [e for e in events for _ in range(2)]  # every event delivered twice
    with ThreadPoolExecutor(8) as pool:
        applied = list(pool.map(lambda e: concurrent.feed(e)[0], twice))
    assert sum(applied) == len(events)
    for name in one_by_one.tables.by_name():
        if name != "processed_messages":
            assert concurrent.rows(name) == one_by_one.rows(name), name
