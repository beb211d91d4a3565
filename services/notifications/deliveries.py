"""A stored delivery: one notice to one recipient through one channel, and its life cycle.

pending → sending (claimed by one worker, under a lease) → delivered | pending (retry later) |
failed (permanent refusal, or attempts used up). Inbox deliveries are delivered when recorded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Row

PENDING = "pending"
SENDING = "sending"
DELIVERED = "delivered"
FAILED = "failed"
STATUSES = (PENDING, SENDING, DELIVERED, FAILED)


@dataclass(frozen=True)
class DeliveryRecord:
    delivery_id: str
    event_id: str
    event_type: str
    template: str
    channel: str
    recipient: str
    recipient_name: str
    address: str
    subscription_id: str | None
    subject: str
    body_text: str
    body_html: str | None
    payload: str | None
    status: str
    attempts: int
    attempt_limit: int | None
    next_attempt_at: datetime | None
    created_at: datetime
    delivered_at: datetime | None
    last_error: str | None

    @classmethod
    def from_row(cls, row: Row[Any]) -> DeliveryRecord:
        return cls(**{name: getattr(row, name) for name in cls.__dataclass_fields__})
