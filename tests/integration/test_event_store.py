"""The same event-store behaviour on SQLite and on PostgreSQL (the embedded default and production)."""

from __future__ import annotations

from pathlib import Path

import pytest
from eventsourcing.persistence import IntegrityError, Tracking

from shared.testing.servers import PostgresServer
from tests.support.relay import Tallies, Tally


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_env(request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, str]:
    if request.param == "sqlite":
        return {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(tmp_path / "store.sqlite")}
    server: PostgresServer = request.getfixturevalue("postgres")
    dbname = request.getfixturevalue("postgres_db")
    return server.eventsourcing_env(dbname)


def test_saved_aggregate_reloads_at_any_version(store_env: dict[str, str]) -> None:
    app = Tallies(env=store_env)
    tally = app.start("Thi đua quyết thắng")
    app.count(tally.id, times=3)

    reopened = Tallies(env=store_env)
    assert reopened.repository.get(tally.id).count == 3
    assert reopened.repository.get(tally.id, version=2).count == 1
    assert reopened.repository.get(tally.id).label == "Thi đua quyết thắng"


def test_lost_race_on_the_same_aggregate_is_an_integrity_error_and_loses_nothing(store_env: dict[str, str]) -> None:
    app = Tallies(env=store_env)
    tally = app.start("Vì an ninh Tổ quốc")
    first: Tally = app.repository.get(tally.id)
    second: Tally = app.repository.get(tally.id)
    first.count_one(actor=first_actor())
    second.count_one(actor=first_actor())
    app.save(first)
    with pytest.raises(IntegrityError):
        app.save(second)
    assert app.repository.get(tally.id).version == 2


def test_notification_log_and_relay_position_survive_a_restart(store_env: dict[str, str]) -> None:
    app = Tallies(env=store_env)
    tally = app.start("Người tốt, việc tốt")
    app.count(tally.id, times=2)
    notifications = app.notification_log.select(start=1, limit=100)
    assert [n.originator_version for n in notifications] == [1, 2, 3]

    tracking = app.factory.tracking_recorder()
    tracking.insert_tracking(Tracking(application_name="tallies-relay", notification_id=notifications[1].id))
    reopened = Tallies(env=store_env)
    assert reopened.factory.tracking_recorder().max_tracking_id("tallies-relay") == notifications[1].id
    rest = reopened.notification_log.select(start=notifications[1].id + 1, limit=100)
    assert [n.originator_version for n in rest] == [3]


def first_actor():  # type: ignore[no-untyped-def]
    from shared.actor import Actor

    return Actor("u2", "clerk", "PKT")
