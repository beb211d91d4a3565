"""The production settings: the same services as processes, on PostgreSQL, chosen by environment."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path

import httpx
import psycopg
import pytest
from nats.js.client import JetStreamContext

from shared.testing.fixtures import ServiceProcess, wait_until
from shared.testing.servers import PostgresServer
from tests.support.campaign_payloads import LEAD_UNIT, SECRETARIAT, thematic_campaign

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]


def test_campaigns_and_reporting_run_on_postgresql(
    nats_url: str,
    jetstream: JetStreamContext,
    postgres: PostgresServer,
    run_service: Callable[..., ServiceProcess],
) -> None:
    events_db = postgres.create_database("tdkt_campaigns")
    views_db = postgres.create_database("tdkt_reporting")
    started: list[ServiceProcess] = []
    try:
        campaigns = run_service("campaigns", {"TDKT_NATS_URL": nats_url, **postgres.eventsourcing_env(events_db)})
        reporting = run_service(
            "reporting", {"TDKT_NATS_URL": nats_url, "TDKT_REPORTING_DATABASE_URL": postgres.dsn(views_db)}
        )
        started += [campaigns, reporting]
        created = httpx.post(f"{campaigns.url}/campaigns", json=thematic_campaign(), headers=LEAD_UNIT, timeout=10)
        assert created.status_code == 201, created.text
        registered = httpx.post(
            f"{campaigns.url}/campaigns/{created.json()['id']}/registration",
            json={"registration_number": "03/ĐK-PNV", "registered_on": "2023-01-20"},
            headers=SECRETARIAT,
            timeout=10,
        )
        assert registered.status_code == 200, registered.text

        def registered_count() -> int:
            rows = httpx.get(f"{reporting.url}/reports/campaigns", timeout=5).json()
            return sum(r["registered"] for r in rows)

        wait_until(lambda: registered_count() == 1, timeout=30)
        assert httpx.get(f"{campaigns.url}/readyz", timeout=5).status_code == 200
        with psycopg.connect(postgres.dsn(events_db)) as conn:
            stored = conn.execute("SELECT count(*) FROM campaigns_events").fetchone()
        assert stored == (2,)  # the events live in PostgreSQL …
        assert not (Path(campaigns.env["TDKT_VAR_DIR"]) / "campaigns.sqlite").exists()  # … not in SQLite
    finally:
        for service in started:  # stop them before their databases go
            service.stop()
        postgres_drop(postgres, events_db, views_db)


def postgres_drop(postgres: PostgresServer, *names: str) -> None:
    for name in names:
        with contextlib.suppress(psycopg.Error):
            postgres.drop_database(name)
