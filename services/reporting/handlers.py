"""NATS subscribers of the reporting service: one durable consumer per event stream, each handing
its fetched batches, raw, to `LiveProjection.apply_raw` (one writer thread per batch, one
transaction per group; `shared.messaging.batches`)."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Sequence

from services.reporting.live import LiveProjection, RawEvent
from shared.messaging.batches import BatchConsumer, BatchHandler, Received
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

BATCH_SIZE = 500
IN_FLIGHT = 2
"""Batches of one stream handled at once (the next is fetched and decoded while one is
written); 2 × 500 is the durable consumers' `max_ack_pending` of 1,000."""


def batch_handler_for(live: LiveProjection, stream: str = "") -> BatchHandler:
    async def handle(batch: list[Received]) -> Sequence[BaseException | None]:
        events = [RawEvent(r.delivery.event_id, r.delivery.subject, r.delivery.stream_sequence, r.data) for r in batch]
        # a full batch: the stream has more waiting, its dossiers' outcomes can wait for the last
        apply = functools.partial(live.apply_raw, events, backlog=len(batch) >= BATCH_SIZE, source=stream)
        return await asyncio.to_thread(apply)

    return handle


def consumers(live: LiveProjection, settings: TdktSettings) -> list[BatchConsumer]:
    """The service's durable consumers, to start once NATS is connected
    (`ServiceRuntime.batch_consumers`, or `shared.messaging.batches.consuming`)."""
    return [
        BatchConsumer(
            consumer=CONSUMER,
            stream=stream,
            subject_filter=subject_filter,
            handler=batch_handler_for(live, stream.name),
            max_deliver=settings.consumer_max_deliver,
            backoff_seconds=settings.consumer_backoff_seconds,
            ack_wait_seconds=settings.consumer_ack_wait_seconds,
            batch_size=BATCH_SIZE,
            in_flight=IN_FLIGHT,
            description=f"Cập nhật bảng báo cáo từ luồng {stream.name}",
        )
        for stream, subject_filter in SUBSCRIPTIONS
    ]


def durable_names() -> list[tuple[str, str]]:
    """(stream, durable consumer) pairs, as `BatchConsumer` (and `subscribe_events`) name them."""
    return [(stream.name, f"{CONSUMER}-{stream.name.lower()}") for stream, _ in SUBSCRIPTIONS]
