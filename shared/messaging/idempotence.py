"""Consumer-side idempotence: the effect and the processed-message record in one transaction.

JetStream delivers at least once; a handler applies its effect through `apply_once`, which
records `(consumer, event_id)` in the same transaction, so a redelivered message (or a second
replica racing for it) changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    DateTime,
    Engine,
    MetaData,
    String,
    Table,
    insert,
    select,
)
from sqlalchemy.exc import IntegrityError

from shared.sqlstore import create_all

metadata = MetaData()

processed_messages = Table(
    "processed_messages",
    metadata,
    Column("consumer", String(100), primary_key=True),
    Column("event_id", String(200), primary_key=True),
    Column("subject", String(200), nullable=False),
    Column("stream_sequence", BigInteger, nullable=True),
    Column("processed_at", DateTime(timezone=True), nullable=False),
)


def create_tables(engine: Engine) -> None:
    create_all(metadata, engine)


def already_processed(conn: Connection, consumer: str, event_id: str) -> bool:
    row = conn.execute(
        select(processed_messages.c.event_id).where(
            processed_messages.c.consumer == consumer, processed_messages.c.event_id == event_id
        )
    ).first()
    return row is not None


def apply_once(
    engine: Engine,
    *,
    consumer: str,
    event_id: str,
    subject: str,
    effect: Callable[[Connection], None],
    stream_sequence: int | None = None,
) -> bool:
    """Apply `effect` unless this consumer already processed `event_id`; True if applied now."""
    try:
        with engine.begin() as conn:
            if already_processed(conn, consumer, event_id):
                return False
            conn.execute(
                insert(processed_messages).values(
                    consumer=consumer,
                    event_id=event_id,
                    subject=subject,
                    stream_sequence=stream_sequence,
                    processed_at=datetime.now(UTC),
                )
            )
            effect(conn)
    except IntegrityError:
        # Another replica recorded the same event between our check and our insert.
        with engine.connect() as conn:
            if already_processed(conn, consumer, event_id):
                return False
        raise
    return True
