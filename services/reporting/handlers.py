"""NATS subscribers of the reporting service: each turns a message into a projection update."""

from __future__ import annotations

from typing import Any

from faststream.nats import NatsBroker
from sqlalchemy import Engine

from services.reporting import projection
from shared.messaging.consumer import Delivery, subscribe_events
from shared.messaging.idempotence import apply_once
from shared.settings import TdktSettings
from shared.streams import CAMPAIGNS

CONSUMER = "reporting"


def handle_campaign_event(engine: Engine, payload: dict[str, Any], delivery: Delivery) -> bool:
    """Apply one campaign event exactly once in effect; True if it changed the projection now."""
    return apply_once(
        engine,
        consumer=CONSUMER,
        event_id=delivery.event_id,
        subject=delivery.subject,
        stream_sequence=delivery.stream_sequence,
        effect=lambda conn: projection.apply_campaign_event(conn, payload),
    )


def register(broker: NatsBroker, engine: Engine, settings: TdktSettings) -> None:
    subscribe_events(
        broker,
        consumer=CONSUMER,
        stream=CAMPAIGNS,
        subject_filter="tdkt.campaign.>",
        handler=lambda payload, delivery: handle_campaign_event(engine, payload, delivery),
        max_deliver=settings.consumer_max_deliver,
        backoff_seconds=settings.consumer_backoff_seconds,
        description="Cập nhật báo cáo phong trào thi đua",
    )
