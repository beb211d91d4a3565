"""NATS subscribers of the reporting service: one durable consumer per event stream, each turning
a message into `LiveProjection.apply`."""

from __future__ import annotations

from typing import Any

from faststream.nats import NatsBroker

from services.reporting.live import LiveProjection
from shared.messaging.consumer import Delivery, Handler, subscribe_events
from shared.settings import TdktSettings
from shared.streams import CAMPAIGNS, DOSSIERS, NOTIFICATIONS, StreamSpec

CONSUMER = "reporting"

SUBSCRIPTIONS: tuple[tuple[StreamSpec, str], ...] = (
    (CAMPAIGNS, "tdkt.campaign.>"),
    # One consumer for both subjects of the stream (`tdkt.dossier.>`, `tdkt.award.>`).
    (DOSSIERS, "tdkt.>"),
    (NOTIFICATIONS, "tdkt.notification.>"),
)
"""Every stream that stores `tdkt.>` events, with the filter its durable consumer uses."""


def handler_for(live: LiveProjection) -> Handler:
    async def handle(payload: dict[str, Any], delivery: Delivery) -> None:
        await live.apply_async(
            delivery.subject, payload, event_id=delivery.event_id, stream_sequence=delivery.stream_sequence
        )

    return handle


def register(broker: NatsBroker, live: LiveProjection, settings: TdktSettings) -> None:
    handle = handler_for(live)
    for stream, subject_filter in SUBSCRIPTIONS:
        subscribe_events(
            broker,
            consumer=CONSUMER,
            stream=stream,
            subject_filter=subject_filter,
            handler=handle,
            max_deliver=settings.consumer_max_deliver,
            backoff_seconds=settings.consumer_backoff_seconds,
            ack_wait_seconds=settings.consumer_ack_wait_seconds,
            description=f"Cập nhật bảng báo cáo từ luồng {stream.name}",
        )


def durable_names() -> list[tuple[str, str]]:
    """(stream, durable consumer) pairs, as `subscribe_events` names them."""
    return [(stream.name, f"{CONSUMER}-{stream.name.lower()}") for stream, _ in SUBSCRIPTIONS]
