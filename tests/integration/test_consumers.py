"""Durable consumers on a real nats-server: redelivery changes nothing; poison messages go to dead letters."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from faststream.nats import NatsBroker
from nats.js.client import JetStreamContext

from services.reporting.campaign_counts import campaigns_by_lead_unit
from services.reporting.generations import ensure_live_generation
from services.reporting.handlers import handler_for
from services.reporting.live import LiveProjection
from shared.messaging.consumer import Delivery, subscribe_events
from shared.sqlstore import make_engine
from shared.streams import CAMPAIGNS, DEAD_LETTERS
from shared.testing.jetstream import eventually


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


async def publish(js: JetStreamContext, subject: str, body: dict[str, Any]) -> None:
    await js.publish(
        subject, json.dumps(body).encode(), stream=CAMPAIGNS.name, headers={"Nats-Msg-Id": body["event_id"]}
    )


def reporting_projection(tmp_path: Path) -> LiveProjection:
    engine = make_engine(f"sqlite:///{tmp_path / 'views.sqlite'}")
    generation, _ = ensure_live_generation(engine)
    return LiveProjection(engine, generation)


async def test_redelivered_event_is_counted_once(nats_url: str, jetstream: JetStreamContext, tmp_path: Path) -> None:
    live = reporting_projection(tmp_path)
    handle = handler_for(live)
    attempts: list[int] = []

    def crash_after_commit_once(payload: dict[str, Any], delivery: Delivery) -> None:
        attempts.append(delivery.attempt)
        handle(payload, delivery)
        if delivery.attempt == 1:
            raise RuntimeError("crashed after the commit, before the ack")

    broker = NatsBroker(nats_url)
    subscribe_events(
        broker,
        consumer="test-reporting",
        stream=CAMPAIGNS,
        subject_filter="tdkt.campaign.>",
        handler=crash_after_commit_once,
        backoff_seconds=(0.1,),
    )
    async with broker:
        await broker.start()
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


async def test_message_that_keeps_failing_goes_to_the_dead_letter_stream(
    nats_url: str, jetstream: JetStreamContext
) -> None:
    attempts: list[int] = []
    handled_after: list[str] = []

    def handler(payload: dict[str, Any], delivery: Delivery) -> None:
        if payload["event_id"] == "campaigns-poison":
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
        await publish(jetstream, "tdkt.campaign.drafted", campaign_event("campaigns-fine"))
        await eventually(lambda: handled_after == ["campaigns-fine"])
        await eventually(lambda: len(attempts) == 3)
        await asyncio.sleep(0.3)

    info = await jetstream.stream_info(DEAD_LETTERS.name)
    assert info.state.messages == 1
    dead = await jetstream.get_msg(DEAD_LETTERS.name, info.state.last_seq)
    assert dead.subject == "deadletter.test-dlq.tdkt.campaign.drafted"
    assert dead.headers["tdkt-attempts"] == "3"
    assert "ValueError" in dead.headers["tdkt-dead-letter-error"]
    assert json.loads(dead.data)["event_id"] == "campaigns-poison"
    assert attempts == [1, 2, 3]
