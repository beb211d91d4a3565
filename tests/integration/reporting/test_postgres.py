"""The same projection on PostgreSQL (`TDKT_REPORTING_DATABASE_URL`): live consumers, a rebuild
that switches generations, and the auditor's check."""

from __future__ import annotations

import asyncio
import json
from datetime import date

import pytest
from nats.js.client import JetStreamContext
from sqlalchemy import func, select

from services.reporting import handlers
from services.reporting.compare import compare_generations
from services.reporting.generations import ensure_live_generation, live_generation
from services.reporting.live import LiveProjection
from services.reporting.periods import year_period
from services.reporting.rebuild import Rebuilder, nats_connector
from services.reporting.settings import ReportingSettings
from services.reporting.summary import SummaryOptions, summarize
from services.reporting.tables import consumer_name
from shared.messaging.batches import consuming
from shared.messaging.idempotence import processed_messages
from shared.reference.org_units import load_org_units
from shared.sqlstore import make_engine
from shared.streams import stream_for_subject
from shared.testing.servers import PostgresServer
from shared.workdays import WorkingCalendar
from tests.integration.reporting.expected import Truth
from tests.support.reporting_history import generate

pytestmark = pytest.mark.postgres


async def test_live_rebuild_and_verify_on_postgresql(
    postgres: PostgresServer, postgres_db: str, nats_url: str, jetstream: JetStreamContext
) -> None:
    engine = make_engine(postgres.dsn(postgres_db))
    generation, created = ensure_live_generation(engine)
    assert created
    live = LiveProjection(engine, generation)
    events = generate(seed=5, campaigns=6, dossiers=80)
    for event in events:
        await jetstream.publish(
            event.subject,
            json.dumps(event.payload()).encode(),
            stream=stream_for_subject(event.subject).name,
            headers=event.headers(),
        )

    def applied() -> int:
        with engine.connect() as conn:
            p = processed_messages.c
            return conn.execute(select(func.count()).where(p.consumer == consumer_name(live.generation))).scalar_one()

    async with consuming(jetstream, handlers.consumers(live, ReportingSettings(nats_url=nats_url))):
        for _ in range(300):
            if applied() == len(events):
                break
            await asyncio.sleep(0.1)
        assert applied() == len(events)

        rebuilder = Rebuilder(live, nats_connector(nats_url), durables=handlers.durable_names(), verify_wait_seconds=2)
        job = await rebuilder.rebuild("test")
        assert job.state == "done", job.error
        with engine.connect() as conn:
            assert live_generation(conn) == job.generation == live.generation
            assert compare_generations(conn, generation, job.generation)["equal"]
        check = await rebuilder.verify("test")
        assert check.state == "done", check.error
        assert check.result is not None and check.result["equal"], check.result
        # a large history's way: decoded in worker processes
        in_processes = Rebuilder(
            live, nats_connector(nats_url), durables=handlers.durable_names(), decode_in_processes_from=0
        )
        check = await in_processes.verify("test")
        assert check.state == "done", check.error
        assert check.result is not None and check.result["equal"], check.result

    calendar = WorkingCalendar.from_file()
    units = load_org_units()
    answer = summarize(engine, [year_period(2023)], SummaryOptions("proposing_unit"), units)
    expected = Truth(events, calendar, units).summary(date(2023, 1, 1), date(2023, 12, 31), "proposing_unit")
    assert answer[0]["total"] == expected["total"]
    assert {g["key"]: g["values"] for g in answer[0]["groups"]} == expected["groups"]
    engine.dispose()
