"""Reporting: live ingestion through JetStream, rebuild from the streams, the auditor's check, and
a year's summary, on a generated history of about 20 000 events.

Runs its own nats-server and a SQLite file; `TDKT_BENCH_REPORTING_DATABASE_URL=postgresql://…`
measures PostgreSQL instead, `TDKT_BENCH_REPORTING_DOSSIERS` sizes the history (default 3600
dossiers, about 19 000 events):
    python -m benchmarks reporting
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import tempfile
import time
from pathlib import Path

import nats
from sqlalchemy import func, select

from services.reporting import handlers
from services.reporting.generations import ensure_live_generation
from services.reporting.live import LiveProjection
from services.reporting.periods import year_period
from services.reporting.processing import WorkingDayCounter
from services.reporting.rebuild import Rebuilder, nats_connector
from services.reporting.settings import ReportingSettings
from services.reporting.summary import SummaryOptions, summarize
from services.reporting.tables import consumer_name
from shared.messaging.batches import consuming
from shared.messaging.idempotence import processed_messages
from shared.natsserver import NatsServerProcess, free_port
from shared.reference.org_units import load_org_units
from shared.sqlstore import make_engine
from shared.streams import ensure_streams, stream_for_subject
from shared.workdays import WorkingCalendar
from tests.support.reporting_history import generate


async def run(dossiers: int, database_url: str | None, workdir: Path) -> list[tuple[str, float, int]]:
    results: list[tuple[str, float, int]] = []
    events = generate(seed=2024, campaigns=40, dossiers=dossiers)
    with NatsServerProcess(free_port(), workdir / "nats") as server:
        nc = await nats.connect(server.url)
        js = nc.jetstream()
        await ensure_streams(js)
        started = time.perf_counter()
        pending = []
        for event in events:
            pending.append(
                js.publish(
                    event.subject,
                    json.dumps(event.payload()).encode(),
                    stream=stream_for_subject(event.subject).name,
                    headers=event.headers(),
                )
            )
            if len(pending) == 200:
                await asyncio.gather(*pending)
                pending = []
        await asyncio.gather(*pending)
        results.append(("publish (nats-py, 200 in flight)", time.perf_counter() - started, len(events)))
        await nc.close()

        engine = make_engine(database_url or f"sqlite:///{workdir / 'reporting.sqlite'}")
        generation, _ = ensure_live_generation(engine)
        live = LiveProjection(engine, generation)
        consumers = handlers.consumers(live, ReportingSettings(nats_url=server.url))
        nc = await nats.connect(server.url)

        def applied() -> int:
            with engine.connect() as conn:
                p = processed_messages.c
                return conn.execute(
                    select(func.count()).where(p.consumer == consumer_name(live.generation))
                ).scalar_one()

        started = time.perf_counter()
        async with consuming(nc.jetstream(), consumers):
            while applied() < len(events):
                await asyncio.sleep(0.2)
            results.append(
                ("live ingestion (durable consumers, apply_once)", time.perf_counter() - started, len(events))
            )
            rebuilder = Rebuilder(live, nats_connector(server.url), durables=handlers.durable_names())
            started = time.perf_counter()
            job = await rebuilder.rebuild("benchmark")
            assert job.state == "done", job.error
            results.append(("rebuild into a new generation + switch", time.perf_counter() - started, job.applied))
            started = time.perf_counter()
            check = await rebuilder.verify("benchmark")
            assert check.state == "done" and check.result and check.result["equal"], check.error or check.result
            results.append(
                ("verify (scratch rebuild + row-for-row compare)", time.perf_counter() - started, check.applied)
            )
        await nc.close()
        calendar, units = WorkingCalendar.from_file(), load_org_units()
        for group_by in ("none", "proposing_unit", "award"):
            started = time.perf_counter()
            summarize(engine, [year_period(2023)], SummaryOptions(group_by), units, WorkingDayCounter(calendar))
            results.append((f"summary of 2023, group_by={group_by}", time.perf_counter() - started, 0))
        engine.dispose()
    return results


def main() -> None:
    logging.disable(logging.ERROR)  # the consumers log every message, and every empty fetch as an error
    dossiers = int(os.environ.get("TDKT_BENCH_REPORTING_DOSSIERS", "3600"))
    database_url = os.environ.get("TDKT_BENCH_REPORTING_DATABASE_URL") or None
    with tempfile.TemporaryDirectory(prefix="tdkt-bench-") as workdir:
        results = asyncio.run(run(dossiers, database_url, Path(workdir)))
    print(f"reporting benchmark ({'PostgreSQL' if database_url else 'SQLite'}; {dossiers} dossiers)")
    for name, seconds, count in results:
        rate = f"{count / seconds:8.0f} events/s" if count else ""
        print(f"  {name:<52} {seconds:7.2f} s  {count:>6} events {rate}")
