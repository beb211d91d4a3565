"""NATS subscribers: each turns a campaign or dossier event into recorded deliveries.

The handler updates the read models, plans the deliveries and records them together with the
processed-message record (`apply_once`), then the message is acked. It sends nothing: the
delivery worker does, so a broken channel never holds the stream. The idempotence key is the
event's identity (its `event_id`, also its `ce-id`), never the message id, so even a
re-publication of the same event under another `Nats-Msg-Id`, past JetStream's duplicate window,
changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from faststream.nats import NatsBroker
from sqlalchemy import Connection, Engine

from services.notifications import views
from services.notifications.planning import Occurrence, Planner
from services.notifications.recording import record_planned
from services.notifications.subscriptions import active_subscriptions
from shared.contracts.base import REGISTRY
from shared.messaging import progress
from shared.messaging.consumer import Delivery, subscribe_events
from shared.messaging.idempotence import apply_once
from shared.settings import TdktSettings
from shared.streams import CAMPAIGNS, DOSSIERS, StreamSpec

CONSUMER = "notifications"
SUBSCRIPTIONS: tuple[tuple[StreamSpec, str], ...] = ((CAMPAIGNS, "tdkt.campaign.>"), (DOSSIERS, "tdkt.>"))
"""One durable consumer per stream; the dossiers stream carries `tdkt.dossier.>` and `tdkt.award.>`."""


def durable_names() -> list[str]:
    """The JetStream durable names `subscribe_events` gives our consumers."""
    return [f"{CONSUMER}-{stream.name.lower()}" for stream, _ in SUBSCRIPTIONS]


def normalised(subject: str, payload: Mapping[str, Any]) -> dict[str, Any]:
    """Validate a known event against its contract (at its schema version) and fill its defaults;
    pass others through."""
    contract = REGISTRY.for_payload(subject, payload)
    if contract is None:
        return dict(payload)
    return contract.model_validate(payload).model_dump(mode="json")


def handle_event(engine: Engine, planner: Planner, payload: Mapping[str, Any], delivery: Delivery) -> bool:
    """Record what this event calls for, exactly once in effect; True if recorded now."""
    event = normalised(delivery.subject, payload)
    event_id = str(event.get("event_id") or delivery.event_id)

    def effect(conn: Connection) -> None:
        views.apply_event(conn, event)
        campaign_id = (event.get("dossier") or {}).get("campaign_id")
        campaign = views.campaign_snapshot(conn, campaign_id)
        occurrence = Occurrence(event_id, delivery.subject, event, campaign, raw=payload)
        planned = planner.plan(occurrence, active_subscriptions(conn))
        record_planned(conn, planned, datetime.now(UTC))

    return apply_once(
        engine,
        consumer=CONSUMER,
        event_id=event_id,
        subject=delivery.subject,
        stream_sequence=delivery.stream_sequence,
        effect=effect,
    )


def register(
    broker: NatsBroker,
    engine: Engine,
    planner: Planner,
    settings: TdktSettings,
    on_recorded: Callable[[], None] = lambda: None,
) -> None:
    def handler(payload: dict[str, Any], delivery: Delivery) -> None:
        if handle_event(engine, planner, payload, delivery):
            on_recorded()

    for stream, subject_filter in SUBSCRIPTIONS:
        subscribe_events(
            broker,
            consumer=CONSUMER,
            stream=stream,
            subject_filter=subject_filter,
            handler=handler,
            max_deliver=settings.consumer_max_deliver,
            backoff_seconds=settings.consumer_backoff_seconds,
            ack_wait_seconds=settings.consumer_ack_wait_seconds,
            description="Ghi nhận thông báo cần gửi theo sự kiện",
        )


async def consumers_caught_up(broker: NatsBroker, started: Callable[[], bool]) -> bool:
    """Whether our durable consumers have caught up, so the read models are current
    (`shared.messaging.progress`)."""
    js = broker.config.connection_state.stream if started() else None
    durables = [(stream.name, durable) for (stream, _), durable in zip(SUBSCRIPTIONS, durable_names(), strict=True)]
    return await progress.consumers_caught_up(js, durables)
