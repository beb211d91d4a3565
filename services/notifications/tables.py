"""The service's own database: deliveries and their attempts, the outcome outbox, webhook
subscriptions, the in-app inbox, fired reminders and the read models reminders need.

Plain SQLAlchemy Core tables on SQLite (default) or PostgreSQL. Uniqueness constraints carry the
guarantees: `delivery_key` (one notice per event, recipient, channel and address),
`reminder_key` (one reminder per condition), and the consumer's `processed_messages`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Dialect,
    Engine,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
)

from shared.messaging import idempotence
from shared.sqlstore import create_all


class UtcDateTime(TypeDecorator[datetime]):
    """An aware UTC instant on both databases (SQLite keeps no zone, so it stores naive UTC).

    Scheduling compares these columns in SQL (`next_attempt_at <= now`), so both sides must be
    the same kind of value on every backend.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("UtcDateTime needs an aware datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


metadata = MetaData()

deliveries = Table(
    "notification_deliveries",
    metadata,
    Column("delivery_id", String(64), primary_key=True),
    Column("delivery_key", String(600), nullable=False, unique=True),
    Column("event_id", String(200), nullable=False, index=True),
    Column("event_type", String(200), nullable=False),
    Column("template", String(100), nullable=False, default=""),
    Column("channel", String(20), nullable=False),
    Column("recipient", String(300), nullable=False, index=True),
    Column("recipient_name", String(300), nullable=False, default=""),
    Column("address", String(1000), nullable=False),
    Column("subscription_id", String(64), nullable=True),
    Column("subject", Text, nullable=False, default=""),
    Column("body_text", Text, nullable=False, default=""),
    Column("body_html", Text, nullable=True),
    Column("payload", Text, nullable=True, doc="JSON body of a webhook call"),
    Column("status", String(20), nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("attempt_limit", Integer, nullable=True, doc="Set when an operator re-queues; else the setting"),
    Column("next_attempt_at", UtcDateTime, nullable=True),
    Column("lease_until", UtcDateTime, nullable=True),
    Column("claimed_by", String(100), nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("delivered_at", UtcDateTime, nullable=True),
    Column("last_error", Text, nullable=True),
    Index("ix_notification_deliveries_due", "status", "next_attempt_at"),
)

attempts = Table(
    "notification_attempts",
    metadata,
    Column("attempt_id", Integer, primary_key=True, autoincrement=True),
    Column("delivery_id", String(64), ForeignKey("notification_deliveries.delivery_id"), nullable=False, index=True),
    Column("number", Integer, nullable=False),
    Column("worker", String(100), nullable=False),
    Column("started_at", UtcDateTime, nullable=False),
    Column("finished_at", UtcDateTime, nullable=True),
    Column("outcome", String(20), nullable=False, doc="in_progress | delivered | retry | failed | interrupted"),
    Column("detail", Text, nullable=True),
)

outbox = Table(
    "notification_outbox",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("event_id", String(200), nullable=False, unique=True),
    Column("subject", String(200), nullable=False),
    Column("payload", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("published_at", UtcDateTime, nullable=True, index=True),
)

subscriptions = Table(
    "webhook_subscriptions",
    metadata,
    Column("subscription_id", String(64), primary_key=True),
    Column("url", String(1000), nullable=False),
    Column("secret", String(500), nullable=False),
    Column("event_types", Text, nullable=False, doc="JSON list of subjects or NATS-style patterns"),
    Column("description", Text, nullable=False, default=""),
    Column("created_at", UtcDateTime, nullable=False),
    Column("created_by", String(200), nullable=False, default=""),
    Column("deleted_at", UtcDateTime, nullable=True),
)

inbox = Table(
    "inbox_messages",
    metadata,
    Column("message_id", String(64), primary_key=True, doc="Same as the inbox delivery's id"),
    Column("recipient", String(300), nullable=False, index=True),
    Column("event_id", String(200), nullable=False),
    Column("event_type", String(200), nullable=False),
    Column("subject", Text, nullable=False),
    Column("body", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("read_at", UtcDateTime, nullable=True),
    Column("read_by", String(200), nullable=True),
)

reminders = Table(
    "notification_reminders",
    metadata,
    Column("reminder_key", String(300), primary_key=True),
    Column("kind", String(100), nullable=False),
    Column("aggregate_id", String(100), nullable=False),
    Column("due_on", Date, nullable=False),
    Column("fired_at", UtcDateTime, nullable=False),
)

dossier_views = Table(
    "notification_dossier_views",
    metadata,
    Column("dossier_id", String(64), primary_key=True),
    Column("receipt_number", String(100), nullable=False),
    Column("status", String(50), nullable=False),
    Column("proposing_unit_code", String(100), nullable=False),
    Column("appointment_date", Date, nullable=True),
    Column("version", Integer, nullable=False),
    Column("snapshot", Text, nullable=False),
)

campaign_views = Table(
    "notification_campaign_views",
    metadata,
    Column("campaign_id", String(64), primary_key=True),
    Column("name", String(500), nullable=False),
    Column("status", String(50), nullable=False),
    Column("lead_unit_code", String(100), nullable=False),
    Column("end_date", Date, nullable=True),
    Column("final_review_filed", Boolean, nullable=False),
    Column("version", Integer, nullable=False),
    Column("snapshot", Text, nullable=False),
)


def create_tables(engine: Engine) -> None:
    """Create every table this service uses (idempotent: existing tables are left as they are)."""
    idempotence.create_tables(engine)
    create_all(metadata, engine)
