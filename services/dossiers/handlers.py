"""NATS side of the dossiers service: campaign events into the campaign view.

`handle_campaign_event` records the campaign snapshot exactly once in effect (`apply_once`) and
tells the re-check scheduler a message was processed, asking for a re-check of the dossiers
awaiting their campaign; the scheduler runs it once the consumer has caught up
(`recheck_schedule.RecheckScheduler`). It asks on every delivery, applied now or skipped as a
duplicate: the re-check is idempotent, and a redelivery must not be the one case that forgets.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from faststream.nats import NatsBroker
from sqlalchemy import Engine

from services.dossiers.campaign_table import apply_campaign_event
from services.dossiers.recheck_schedule import RecheckScheduler
from shared.contracts.base import REGISTRY
from shared.contracts.campaigns import CampaignEvent
from shared.messaging.consumer import Delivery, subscribe_events
from shared.messaging.idempotence import apply_once
from shared.messaging.progress import consumers_caught_up
from shared.settings import TdktSettings
from shared.streams import CAMPAIGNS

CONSUMER = "dossiers"
DURABLE = f"{CONSUMER}-{CAMPAIGNS.name.lower()}"
"""The durable name `subscribe_events` gives this consumer."""


def handle_campaign_event(
    engine: Engine, scheduler: RecheckScheduler, payload: dict[str, Any], delivery: Delivery
) -> bool:
    """Apply one campaign event to the view; True if it changed the view now.

    The payload is parsed as the published contract of its subject and schema version; a version
    this service does not read (a v2 published beside v1) is acknowledged and left alone."""
    contract = REGISTRY.for_payload(delivery.subject, payload)
    if contract is None or not issubclass(contract, CampaignEvent):
        scheduler.message_processed()
        return False
    event = contract.model_validate(payload)
    applied = apply_once(
        engine,
        consumer=CONSUMER,
        event_id=delivery.event_id,
        subject=delivery.subject,
        stream_sequence=delivery.stream_sequence,
        effect=lambda conn: apply_campaign_event(conn, event),
    )
    scheduler.message_processed()
    return applied


def register(broker: NatsBroker, engine: Engine, scheduler: RecheckScheduler, settings: TdktSettings) -> None:
    subscribe_events(
        broker,
        consumer=CONSUMER,
        stream=CAMPAIGNS,
        subject_filter="tdkt.campaign.>",
        handler=lambda payload, delivery: handle_campaign_event(engine, scheduler, payload, delivery),
        max_deliver=settings.consumer_max_deliver,
        backoff_seconds=settings.consumer_backoff_seconds,
        ack_wait_seconds=settings.consumer_ack_wait_seconds,
        description="Cập nhật thông tin phong trào thi đua để xét khen thưởng chuyên đề",
    )


def consumer_caught_up(broker: NatsBroker, started: asyncio.Event) -> Callable[[], Awaitable[bool]]:
    """Whether this service's campaign consumer has caught up (`shared.messaging.progress`)."""

    async def caught_up() -> bool:
        js = broker.config.connection_state.stream if started.is_set() else None
        return await consumers_caught_up(js, [(CAMPAIGNS.name, DURABLE)])

    return caught_up
