"""Outbox relay throughput: commands stored in SQLite, then published to a local JetStream, as the
services run it (each aggregate's events in order, every stored event also to the journal, a
duplicate ack checked)."""

from __future__ import annotations

import asyncio
import resource
import tempfile
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

import nats

from services.campaigns.application import Campaigns
from services.campaigns.domain.campaign import MovementKind, Target
from services.campaigns.publishing import map_campaign_event
from shared.actor import Actor
from shared.messaging.relay import OutboxRelay
from shared.messaging.streamreads import JetStreamReader, jetstream_publish
from shared.natsserver import NatsServerProcess, free_port
from shared.streams import ensure_streams

CAMPAIGN_COUNT = 300
ACTOR = Actor("bench", "lead_unit_clerk", "PKT")
SECRETARIAT = Actor("bench", "council_secretariat", "PNV")


def store(app: Campaigns, count: int = CAMPAIGN_COUNT) -> float:
    started = time.perf_counter()
    for n in range(count):
        campaign = app.draft(
            code=f"BENCH-{n:05d}",
            name=f"Phong trào thi đua số {n}",
            lead_unit_id="PKT",
            kind=MovementKind.THEMATIC,
            launching_level="district",
            purpose="Mục đích đủ dài để được coi là rõ ràng trong quy tắc",
            requirements="Yêu cầu đủ dài để được coi là rõ ràng trong quy tắc",
            content="Nội dung đủ dài để được coi là rõ ràng trong quy tắc",
            targets=[Target("Chỉ tiêu", Decimal(1), "xã")],
            start_date=date(2023, 1, 1),
            end_date=date(2023, 12, 31),
            actor=ACTOR,
        )
        app.register(campaign.id, registration_number=f"{n}/ĐK", registered_on=date(2023, 1, 10), actor=SECRETARIAT)
    return time.perf_counter() - started


async def publish(app: Campaigns, url: str) -> tuple[int, float]:
    nc = await nats.connect(url)
    js = nc.jetstream()
    await ensure_streams(js)
    relay = OutboxRelay(
        app,
        map_campaign_event,
        jetstream_publish(js),
        service="campaigns",
        batch_size=200,
        reader=JetStreamReader(lambda: js),
        journal=True,
    )
    started = time.perf_counter()
    sent = await relay.publish_pending()
    elapsed = time.perf_counter() - started
    await nc.close()
    return sent, elapsed


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        app = Campaigns(env={"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(Path(folder) / "c.db")})
        stored = store(app)
        events = CAMPAIGN_COUNT * 2
        print(
            f"store: {events} events in {stored:.2f}s = {events / stored:.0f} events/s (SQLite, one save per command)"
        )
        with NatsServerProcess(free_port(), Path(folder) / "nats") as server:
            sent, elapsed = asyncio.run(publish(app, server.url))
        print(
            f"relay: {sent} events published and acked (+ {events} journal entries) in {elapsed:.2f}s "
            f"= {sent / elapsed:.0f} events/s"
        )
        print(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
