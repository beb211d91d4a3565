"""Outcome events, stored first, then published (`tdkt.notification.delivered` / `.failed`).

A delivery's outcome and its event are written in one transaction (table
`notification_outbox`); `OutcomePublisher` then publishes unpublished rows in order with
`Nats-Msg-Id` = the event id, awaits each JetStream ack, and only then marks them published.
The event id is a UUID given when the outcome is staged: the same delivery and attempt number
can recur after this database is restored from a copy, and must not reuse an id already out.
A crash between the two re-publishes, and JetStream's duplicate window drops the copy; two
replicas publishing the same row do the same. NATS being down delays the events, never a
delivery.
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, func, select

from services.notifications.deliveries import DeliveryRecord
from services.notifications.tables import outbox
from shared.background import BackgroundLoop
from shared.contracts.base import REGISTRY, ActorInfo, EventContract
from shared.contracts.notifications import NotificationDelivered, NotificationFailed

log = logging.getLogger(__name__)

SOURCE = "/services/notifications"
SYSTEM = ActorInfo(id="system", role="system", unit="")

Publish = Callable[[str, dict[str, Any], dict[str, str]], Awaitable[Any]]


def outcome_event(record: DeliveryRecord, *, attempts: int, at: datetime, error: str | None = None) -> EventContract:
    """`NotificationDelivered` (no error) or `NotificationFailed` for a delivery after `attempts`."""
    fields: dict[str, Any] = {
        "event_id": str(uuid.uuid4()),
        "source": SOURCE,
        "occurred_at": at,
        "actor": SYSTEM,
        "aggregate_id": record.delivery_id,
        "aggregate_version": attempts,
        "delivery_id": record.delivery_id,
        "cause_event_id": record.event_id,
        "cause_event_type": record.event_type,
        "channel": record.channel,
        "recipient": record.recipient,
        "address": record.address,
        "template": record.template,
        "attempts": attempts,
    }
    if error is None:
        return NotificationDelivered(**fields, delivered_at=at)
    return NotificationFailed(**fields, failed_at=at, error=error)


def stage(conn: Connection, event: EventContract) -> None:
    """Store an event to publish, in the caller's transaction (once per event id)."""
    exists = conn.execute(select(outbox.c.seq).where(outbox.c.event_id == event.event_id)).first()
    if exists is None:
        conn.execute(
            outbox.insert().values(
                event_id=event.event_id,
                subject=event.subject,
                payload=json.dumps(event.payload(), ensure_ascii=False),
                created_at=datetime.now(UTC),
            )
        )


class OutcomePublisher:
    """Publishes the outbox to JetStream, at least once, in the order the rows were stored."""

    def __init__(self, engine: Engine, publish: Publish, *, batch_size: int = 200, poll_seconds: float = 1.0) -> None:
        self.engine = engine
        self.publish = publish
        self.batch_size = batch_size
        self.poll_seconds = poll_seconds
        self.last_error: str | None = None
        self._background = BackgroundLoop(
            "notification outcome publisher", self._round, interval=poll_seconds, on_error=self._report
        )

    def wake(self) -> None:
        """Callable from any thread (the worker records outcomes in worker threads)."""
        self._background.wake()

    def backlog(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).where(outbox.c.published_at.is_(None))).scalar_one())

    def _unpublished(self) -> list[tuple[int, EventContract]]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(outbox.c.seq, outbox.c.subject, outbox.c.payload)
                .where(outbox.c.published_at.is_(None))
                .order_by(outbox.c.seq)
                .limit(self.batch_size)
            ).all()
        return [(row.seq, REGISTRY.parse(row.subject, json.loads(row.payload))) for row in rows]

    def _mark_published(self, seqs: list[int]) -> None:
        with self.engine.begin() as conn:
            conn.execute(outbox.update().where(outbox.c.seq.in_(seqs)).values(published_at=datetime.now(UTC)))

    async def publish_pending(self) -> int:
        sent = 0
        while True:
            batch = await asyncio.to_thread(self._unpublished)
            if not batch:
                return sent
            await asyncio.gather(*(self.publish(e.subject, e.payload(), e.headers()) for _, e in batch))
            await asyncio.to_thread(self._mark_published, [seq for seq, _ in batch])
            sent += len(batch)

    async def run(self) -> None:
        """Until cancelled (`shared.background`): woken by new outcomes and by a timer; backs off
        while NATS is down."""
        await self._background.run()

    async def _round(self) -> None:
        await self.publish_pending()
        self.last_error = None

    def _report(self, exc: BaseException) -> None:
        """NATS down or not yet connected: the rows stay, the loop tries later."""
        self.last_error = f"{type(exc).__name__}: {exc}"
        log.warning("chưa phát được sự kiện kết quả gửi thông báo: %s", self.last_error)
