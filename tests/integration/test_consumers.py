"""Durable consumers on a real nats-server: redelivery changes nothing, a copy under a new message id
changes nothing; poison and malformed messages go to the dead letters and are released, also
when they came in one fetched batch with good ones (`shared.messaging.batches`)."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from faststream.nats import NatsBroker
from nats.js.client import JetStreamContext
from sqlalchemy import func, select

from services.reporting import handlers
from services.reporting.campaign_counts import campaigns_by_lead_unit
from services.reporting.compare import table_rows
from services.reporting.generations import ensure_live_generation
from services.reporting.handlers import batch_handler_for
from services.reporting.live import LiveProjection, keep_outcomes_fresh
from services.reporting.settings import ReportingSettings
from services.reporting.tables import consumer_name, projection_tables
from shared.messaging.batches import BatchConsumer, Received, consuming
from shared.messaging.consumer import Delivery, subscribe_events
from shared.messaging.idempotence import processed_messages
from shared.messaging.progress import consumers_caught_up
from shared.sqlstore import make_engine
from shared.streams import CAMPAIGNS, DEAD_LETTERS, DOSSIERS
from shared.testing.jetstream import eventually
from tests.support.reporting_history import generate


def campaign_event(event_id: str, version: int = 1, lead_unit: str = "PKT") -> dict[str, Any]:
    return {
        "schema_version": 1,
        "event_id": event_id,
        "source": "/services/campaigns",
        "occurred_at": "2026-01-05T02:00:00Z",
        "actor": {"id": "u1", "role": "secretariat", "unit": "PNV"},
        "aggregate_id": "c-1",
        "aggregate_version": version,
        # The fields of `tdkt.campaign.registered` (other subjects keep them as extras).
        "registration_number": "01/ĐK-PNV",
        "registered_on": "2023-01-20",
        "campaign": {
            "campaign_id": "c-1",
            "code": "NTM-2023",
            "name": "Toàn dân chung sức xây dựng Nông thôn mới",
            "kind": "thematic",
            "status": "registered",
            "lead_unit": {"code": lead_unit, "name": "Phòng Kinh tế"},
            "registration_number": "01/ĐK-PNV",
            "eligibility": {"eligible": False, "reasons": []},
        },
    }


async def publish(js: JetStreamContext, subject: str, body: dict[str, Any], msg_id: str | None = None) -> None:
    headers = {"Nats-Msg-Id": msg_id or body["event_id"], "ce-id": body["event_id"]}
    await js.publish(subject, json.dumps(body).encode(), stream=CAMPAIGNS.name, headers=headers)


def reporting_projection(tmp_path: Path) -> LiveProjection:
    engine = make_engine(f"sqlite:///{tmp_path / 'views.sqlite'}")
    generation, _ = ensure_live_generation(engine)
    return LiveProjection(engine, generation)


async def test_redelivered_event_is_counted_once(nats_url: str, jetstream: JetStreamContext, tmp_path: Path) -> None:
    live = reporting_projection(tmp_path)
    handle = batch_handler_for(live)  # the service's own path: whole fetched batches, raw
    attempts: list[int] = []

    async def crash_after_commit_once(batch: list[Received]) -> Sequence[BaseException | None]:
        attempts.extend(r.delivery.attempt for r in batch)
        outcomes = await handle(batch)
        if attempts == [1]:
            raise RuntimeError("crashed after the commit, before the ack")
        return outcomes

    consumer = BatchConsumer(
        consumer="test-reporting",
        stream=CAMPAIGNS,
        subject_filter="tdkt.campaign.>",
        handler=crash_after_commit_once,
        backoff_seconds=(0.1,),
    )
    async with consuming(jetstream, [consumer]):
        await publish(jetstream, "tdkt.campaign.registered", campaign_event("campaigns-1"))
        await eventually(lambda: len(attempts) >= 2)

    assert attempts == [1, 2]
    assert campaigns_by_lead_unit(live.engine) == [
        {"lead_unit_code": "PKT", "lead_unit_name": "Phòng Kinh tế", "campaigns": 1, "registered": 1}
    ]


async def test_event_applied_once_even_when_republished_under_the_same_id(tmp_path: Path) -> None:
    live = reporting_projection(tmp_path)
    event = campaign_event("campaigns-7")
    assert live.apply("tdkt.campaign.registered", event, event_id="campaigns-7", stream_sequence=7) is True
    assert live.apply("tdkt.campaign.registered", event, event_id="campaigns-7", stream_sequence=9) is False


async def test_a_copy_of_an_event_under_a_new_message_id_is_applied_once(
    nats_url: str, jetstream: JetStreamContext, tmp_path: Path
) -> None:
    # What a relay re-sending after JetStream's duplicate window produces: same ce-id, new Nats-Msg-Id.
    live = reporting_projection(tmp_path)
    handle = batch_handler_for(live)
    seen: list[str] = []

    async def handler(batch: list[Received]) -> Sequence[BaseException | None]:
        seen.extend(r.delivery.event_id for r in batch)
        return await handle(batch)

    consumer = BatchConsumer(
        consumer="test-copies", stream=CAMPAIGNS, subject_filter="tdkt.campaign.>", handler=handler
    )
    event = campaign_event("9b1c3c1e-0d7e-4d0c-9a55-3f1f5d7c2a10")
    async with consuming(jetstream, [consumer]):
        await publish(jetstream, "tdkt.campaign.registered", event)
        await publish(jetstream, "tdkt.campaign.registered", event, msg_id="copy-after-the-window")
        await eventually(lambda: len(seen) == 2)

    assert seen == [event["event_id"]] * 2  # the key is the event's identity, not the message id
    assert campaigns_by_lead_unit(live.engine)[0]["registered"] == 1
    with live.engine.connect() as conn:
        rows = conn.execute(select(processed_messages.c.event_id)).scalars().all()
    assert rows == [event["event_id"]]


async def test_message_that_keeps_failing_goes_to_the_dead_letter_stream_and_is_released(
    nats_url: str, jetstream: JetStreamContext
) -> None:
    attempts: list[int] = []
    handled_after: list[str] = []

    def handler(payload: dict[str, Any], delivery: Delivery) -> None:
        if payload.get("event_id") == "campaigns-poison" or "_raw" in payload:
            attempts.append(delivery.attempt)
            raise ValueError("không đọc được sự kiện")
        handled_after.append(payload["event_id"])

    broker = NatsBroker(nats_url)
    subscribe_events(
        broker,
        consumer="test-dlq",
        stream=CAMPAIGNS,
        subject_filter="tdkt.campaign.>",
        handler=handler,
        max_deliver=3,
        backoff_seconds=(0.1, 0.2),
    )
    async with broker:
        await broker.start()
        await publish(jetstream, "tdkt.campaign.drafted", campaign_event("campaigns-poison"))
        await jetstream.publish("tdkt.campaign.drafted", b'{"event_id": "not json', stream=CAMPAIGNS.name)
        await publish(jetstream, "tdkt.campaign.drafted", campaign_event("campaigns-fine"))
        await eventually(lambda: handled_after == ["campaigns-fine"])
        await eventually(lambda: len(attempts) == 6)

        # Released: nothing left unacknowledged, so it never comes back after the ack wait and
        # every "caught up" check (the dossiers' re-check, the reminders) sees a caught-up consumer.
        async def released() -> bool:
            info = await jetstream.consumer_info(CAMPAIGNS.name, "test-dlq-tdkt_campaigns")
            return info.num_ack_pending == 0 and info.num_pending == 0

        assert await eventually(released)
        info = await jetstream.consumer_info(CAMPAIGNS.name, "test-dlq-tdkt_campaigns")
        assert info.num_redelivered == 0  # terminated messages are not waiting for redelivery

    info = await jetstream.stream_info(DEAD_LETTERS.name)
    assert info.state.messages == 2
    dead = [await jetstream.get_msg(DEAD_LETTERS.name, s) for s in (info.state.first_seq, info.state.last_seq)]
    assert {d.subject for d in dead} == {"deadletter.test-dlq.tdkt.campaign.drafted"}
    assert all(d.headers["tdkt-attempts"] == "3" and "ValueError" in d.headers["tdkt-dead-letter-error"] for d in dead)
    assert sorted(d.data for d in dead) == sorted(
        [json.dumps(campaign_event("campaigns-poison")).encode(), b'{"event_id": "not json']
    )
    assert sorted(attempts) == [1, 1, 2, 2, 3, 3]


async def test_a_database_outage_longer_than_the_tries_sends_nothing_to_the_dead_letters(
    nats_url: str, jetstream: JetStreamContext
) -> None:
    attempts: list[int] = []

    def handler(payload: dict[str, Any], delivery: Delivery) -> None:
        attempts.append(delivery.attempt)
        if len(attempts) <= 5:  # the database is down for five tries, more than max_deliver
            raise sqlite3.OperationalError("unable to open database file")

    broker = NatsBroker(nats_url)
    subscribe_events(
        broker,
        consumer="test-outage",
        stream=CAMPAIGNS,
        subject_filter="tdkt.campaign.>",
        handler=handler,
        max_deliver=3,
        backoff_seconds=(0.05, 0.1),
    )
    async with broker:
        await broker.start()
        await publish(jetstream, "tdkt.campaign.drafted", campaign_event("campaigns-during-outage"))
        await eventually(lambda: len(attempts) == 6)
        # Nothing pending and nothing awaiting its ack: no seventh delivery is on its way.
        await eventually(lambda: consumers_caught_up(jetstream, [(CAMPAIGNS.name, "test-outage-tdkt_campaigns")]))

    assert attempts == [1, 2, 3, 4, 5, 6]
    info = await jetstream.stream_info(DEAD_LETTERS.name)
    assert info.state.messages == 0


async def test_the_reporting_consumer_applies_a_fetched_batch_and_dead_letters_only_its_bad_messages(
    nats_url: str, jetstream: JetStreamContext, tmp_path: Path
) -> None:
    live = reporting_projection(tmp_path)
    handle = batch_handler_for(live)
    batches: list[int] = []

    async def handler(batch: list[Received]) -> Sequence[BaseException | None]:
        batches.append(len(batch))
        return await handle(batch)

    good = [campaign_event(f"campaigns-batch-{n}", version=n) for n in (1, 2, 3)]
    await publish(jetstream, "tdkt.campaign.registered", good[0])
    await publish(jetstream, "tdkt.campaign.registered", {**good[1], "event_id": "campaigns-bad", "campaign": "x"})
    await publish(jetstream, "tdkt.campaign.registered", good[1])
    await jetstream.publish("tdkt.campaign.registered", b'{"event_id": "not json', stream=CAMPAIGNS.name)
    await publish(jetstream, "tdkt.campaign.registered", good[2])
    await publish(jetstream, "tdkt.campaign.registered", good[0], msg_id="a-copy")  # the same event again

    consumer = BatchConsumer(
        consumer="test-batch",
        stream=CAMPAIGNS,
        subject_filter="tdkt.campaign.>",
        handler=handler,
        max_deliver=3,
        backoff_seconds=(0.1, 0.2),
        batch_size=50,
    )

    async def released() -> bool:
        info = await jetstream.consumer_info(CAMPAIGNS.name, "test-batch-tdkt_campaigns")
        return info.num_ack_pending == 0 and info.num_pending == 0

    async with consuming(jetstream, [consumer]):
        assert await eventually(lambda: sum(batches) == 6 + 2 * 2)  # then each bad one twice more
        assert await eventually(released)
        info = await jetstream.consumer_info(CAMPAIGNS.name, "test-batch-tdkt_campaigns")
        assert info.num_redelivered == 0

    assert batches[0] == 6  # what was there was fetched, and handled, as one batch
    with live.engine.connect() as conn:
        applied = sorted(conn.execute(select(processed_messages.c.event_id)).scalars())
    assert applied == [e["event_id"] for e in good]
    assert campaigns_by_lead_unit(live.engine)[0]["registered"] == 1
    dead = await jetstream.stream_info(DEAD_LETTERS.name)
    assert dead.state.messages == 2
    letters = [await jetstream.get_msg(DEAD_LETTERS.name, s) for s in (dead.state.first_seq, dead.state.last_seq)]
    assert {d.subject for d in letters} == {"deadletter.test-batch.tdkt.campaign.registered"}
    assert all(d.headers["tdkt-attempts"] == "3" for d in letters)


class RecordingProjection(LiveProjection):
    """The service's projection, noting how each fetched batch came (its source, full or not)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.batches: list[tuple[str, bool]] = []

    def apply_raw(self, events: Any, *, backlog: bool = False, source: str = "") -> list[BaseException | None]:
        self.batches.append((source, backlog))
        return super().apply_raw(events, backlog=backlog, source=source)


async def test_a_backlog_is_caught_up_in_full_batches_and_every_outcome_computed_once_it_drains(
    nats_url: str, jetstream: JetStreamContext, tmp_path: Path
) -> None:
    history = generate(seed=31, campaigns=2, dossiers=130)  # more dossier events than one full batch
    streams = {"campaigns": CAMPAIGNS.name, "dossiers": DOSSIERS.name}
    for event in history:  # all stored before the consumers start: a backlog
        body = json.dumps(event.payload()).encode()
        stream = streams[event.event_id.split("-")[0]]
        headers = {"Nats-Msg-Id": event.event_id, "ce-id": event.event_id}
        await jetstream.publish(event.subject, body, stream=stream, headers=headers)
    (tmp_path / "live").mkdir()
    (tmp_path / "one").mkdir()
    engine = make_engine(f"sqlite:///{tmp_path / 'live' / 'views.sqlite'}")
    live = RecordingProjection(engine, ensure_live_generation(engine)[0])
    one_by_one = reporting_projection(tmp_path / "one")
    for event in history:
        one_by_one.apply(event.subject, event.payload(), event_id=event.event_id, stream_sequence=None)

    keeper = asyncio.create_task(keep_outcomes_fresh(live, interval_seconds=0.1))  # as the service runs it
    try:
        async with consuming(jetstream, handlers.consumers(live, ReportingSettings(nats_url=nats_url))):

            def caught_up() -> bool:
                with engine.connect() as conn:
                    p = processed_messages.c
                    done = conn.execute(select(func.count()).where(p.consumer == consumer_name(live.generation)))
                    return done.scalar_one() == len(history) and not live.stale

            assert await eventually(caught_up, timeout=30)
    finally:
        keeper.cancel()

    assert (DOSSIERS.name, True) in live.batches  # a full batch: its dossiers were only marked
    mine, theirs = projection_tables(live.generation), projection_tables(one_by_one.generation)
    with engine.connect() as conn, one_by_one.engine.connect() as other:
        assert table_rows(conn, mine.stale_outcomes) == set()
        for table, reference in zip(mine.derived(), theirs.derived(), strict=True):
            assert table_rows(conn, table) == table_rows(other, reference) != set(), table.name
