"""A generated history fed through a real nats-server into the reporting service (in process).

The module-scoped `fed_service` publishes the history with nats-py to the real streams and waits
until the service's live consumers have applied every event: dossier events first (so they
arrive before the events of their campaigns), some versions of a dossier swapped, and then a
second copy of some events sent again after JetStream's duplicate window, as a relay that
crashed between publish and checkpoint would.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import nats
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from services.reporting.app import build_app
from services.reporting.context import ReportingContext
from services.reporting.generations import live_generation
from services.reporting.handlers import durable_names
from services.reporting.settings import ReportingSettings
from services.reporting.tables import consumer_name
from shared.contracts.base import EventContract
from shared.messaging.idempotence import processed_messages
from shared.streams import stream_for_subject
from shared.testing.fixtures import reset_streams
from tests.support.reporting_history import generate

DOSSIERS = 700
DUPLICATE_WINDOW_SECONDS = 1


@dataclass
class FedService:
    client: TestClient
    ctx: ReportingContext
    events: list[EventContract]
    nats_url: str

    def processed(self) -> int:
        with self.ctx.engine.connect() as conn:
            generation = live_generation(conn)
            return conn.execute(
                select(func.count())
                .select_from(processed_messages)
                .where(processed_messages.c.consumer == consumer_name(generation or 0))
            ).scalar_one()

    def wait_until_applied(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while self.processed() < len(self.events):
            if time.monotonic() > deadline:
                raise AssertionError(f"applied {self.processed()} of {len(self.events)} events in {timeout}s")
            time.sleep(0.1)


def publication_order(events: list[EventContract], rng: random.Random) -> list[EventContract]:
    """Dossier events before campaign events, and a tenth of the dossiers with two consecutive
    versions swapped."""
    dossiers = [e for e in events if e.subject.startswith(("tdkt.dossier.", "tdkt.award."))]
    campaigns = [e for e in events if e.subject.startswith("tdkt.campaign.")]
    for i in range(len(dossiers) - 1):
        a, b = dossiers[i], dossiers[i + 1]
        if a.aggregate_id == b.aggregate_id and rng.random() < 0.1:
            dossiers[i], dossiers[i + 1] = b, a
    return dossiers + campaigns


async def publish(url: str, events: list[EventContract]) -> None:
    nc = await nats.connect(url)
    try:
        js = nc.jetstream()
        for event in events:
            ack = await js.publish(
                event.subject,
                json.dumps(event.payload(), ensure_ascii=False).encode(),
                stream=stream_for_subject(event.subject).name,
                headers=event.headers(),
            )
            assert not ack.duplicate
    finally:
        await nc.close()


async def wait_for_consumers(url: str, timeout: float = 30.0) -> None:
    """Until the service's durable consumers have nothing pending (delivered and acked)."""
    nc = await nats.connect(url)
    try:
        js = nc.jetstream()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            infos = [await js.consumer_info(stream, durable) for stream, durable in durable_names()]
            if all(i.num_pending == 0 and i.num_ack_pending == 0 for i in infos):
                return
            await asyncio.sleep(0.1)
        raise AssertionError("the reporting consumers did not catch up")
    finally:
        await nc.close()


async def fresh_streams(url: str) -> None:
    nc = await nats.connect(url)
    try:
        await reset_streams(nc.jetstream())
    finally:
        await nc.close()


@pytest.fixture(scope="module")
def history() -> list[EventContract]:
    return generate(seed=2023, campaigns=20, dossiers=DOSSIERS)


@pytest.fixture(scope="module")
def fed_service(
    nats_url: str, history: list[EventContract], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[FedService]:
    asyncio.run(fresh_streams(nats_url))
    var: Path = tmp_path_factory.mktemp("reporting")
    settings = ReportingSettings(
        nats_url=nats_url,
        var_dir=var,
        dev_mode=True,
        consumer_backoff_seconds=(0.1,),
        reporting_verify_wait_seconds=5,
        # The service declares the streams at start-up; a short window lets the test re-send copies.
        duplicate_window_seconds=DUPLICATE_WINDOW_SECONDS,
    )
    rng = random.Random(5)
    with TestClient(build_app(settings)) as client:
        service = FedService(client, client.app.state.reporting, history, nats_url)  # type: ignore[attr-defined]
        asyncio.run(publish(nats_url, publication_order(history, rng)))
        service.wait_until_applied()
        time.sleep(DUPLICATE_WINDOW_SECONDS + 0.2)
        asyncio.run(publish(nats_url, rng.sample(history, len(history) // 20)))
        asyncio.run(wait_for_consumers(nats_url))
        yield service
