"""Two reporting replicas on one PostgreSQL database: two versions of one aggregate applied at the
same moment by two processes leave the newer snapshot, whichever commits first."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from sqlalchemy import select

from services.reporting.generations import ensure_live_generation
from services.reporting.live import LiveProjection
from services.reporting.tables import projection_tables
from shared.sqlstore import make_engine
from shared.testing.servers import PostgresServer
from tests.integration.test_consumers import campaign_event

pytestmark = pytest.mark.postgres

ROUNDS = 40


def version_of(n: int, version: int, status: str) -> dict[str, Any]:
    event = campaign_event(f"c{n}-v{version}", version)
    event["aggregate_id"] = f"c-{n}"
    event["campaign"] = {**event["campaign"], "campaign_id": f"c-{n}", "status": status}
    return event


def test_concurrent_versions_from_two_replicas_leave_the_newest_snapshot(
    postgres: PostgresServer, postgres_db: str
) -> None:
    first, second = make_engine(postgres.dsn(postgres_db)), make_engine(postgres.dsn(postgres_db))
    generation, _ = ensure_live_generation(first)
    replicas = LiveProjection(first, generation), LiveProjection(second, generation)  # separate write locks

    def apply(live: LiveProjection, event: dict[str, Any], subject: str, barrier: threading.Barrier) -> None:
        barrier.wait()
        for _ in range(5):  # a lost insert race fails the transaction; the consumer retries it
            try:
                live.apply(subject, event, event_id=event["event_id"], stream_sequence=1)
                return
            except Exception:
                continue

    for n in range(ROUNDS):
        barrier = threading.Barrier(2)
        threads = [
            threading.Thread(
                target=apply, args=(replicas[0], version_of(n, 1, "draft"), "tdkt.campaign.drafted", barrier)
            ),
            threading.Thread(
                target=apply, args=(replicas[1], version_of(n, 2, "registered"), "tdkt.campaign.registered", barrier)
            ),
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

    campaigns = projection_tables(generation).campaigns
    with first.connect() as conn:
        rows = conn.execute(select(campaigns.c.status, campaigns.c.version)).all()
    assert sorted(rows) == [("registered", 2)] * ROUNDS
    first.dispose()
    second.dispose()
