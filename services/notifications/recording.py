"""Store planned deliveries inside the caller's transaction: the consumer's (with its
processed-message record) or the reminder scheduler's (with its reminder key).

Nothing is sent here. Email and webhook deliveries wait as `pending` for the delivery worker,
so a dead mail server or webhook never holds up the stream; an inbox message is the delivery
itself, so it is written and counted as delivered in the same transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Connection, select

from services.notifications import outbox
from services.notifications.deliveries import DELIVERED, PENDING, DeliveryRecord
from services.notifications.planning import PlannedDelivery
from services.notifications.recipients import INBOX
from services.notifications.tables import attempts, deliveries, inbox


def record_planned(conn: Connection, planned: Sequence[PlannedDelivery], now: datetime) -> list[PlannedDelivery]:
    """Insert the deliveries whose key is new; returns those (the rest already exist)."""
    added = []
    for item in planned:
        if conn.execute(select(deliveries.c.delivery_id).where(deliveries.c.delivery_key == item.delivery_key)).first():
            continue
        to_inbox = item.channel == INBOX
        conn.execute(
            deliveries.insert().values(
                delivery_id=item.delivery_id,
                delivery_key=item.delivery_key,
                event_id=item.event_id,
                event_type=item.event_type,
                template=item.template,
                channel=item.channel,
                recipient=item.recipient,
                recipient_name=item.recipient_name,
                address=item.address,
                subscription_id=item.subscription_id,
                subject=item.subject,
                body_text=item.body_text,
                body_html=item.body_html,
                payload=item.payload,
                status=DELIVERED if to_inbox else PENDING,
                attempts=1 if to_inbox else 0,
                next_attempt_at=None if to_inbox else now,
                created_at=now,
                delivered_at=now if to_inbox else None,
            )
        )
        if to_inbox:
            _deliver_to_inbox(conn, item, now)
        added.append(item)
    return added


def _deliver_to_inbox(conn: Connection, item: PlannedDelivery, now: datetime) -> None:
    conn.execute(
        inbox.insert().values(
            message_id=item.delivery_id,
            recipient=item.address,
            event_id=item.event_id,
            event_type=item.event_type,
            subject=item.subject,
            body=item.body_text,
            created_at=now,
        )
    )
    conn.execute(
        attempts.insert().values(
            delivery_id=item.delivery_id,
            number=1,
            worker="consumer",
            started_at=now,
            finished_at=now,
            outcome=DELIVERED,
            detail="Đã lưu vào hộp thư trong ứng dụng",
        )
    )
    row = conn.execute(select(deliveries).where(deliveries.c.delivery_id == item.delivery_id)).one()
    outbox.stage(conn, outbox.outcome_event(DeliveryRecord.from_row(row), attempts=1, at=now))
