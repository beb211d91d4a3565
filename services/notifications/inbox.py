"""The in-app inbox: notices for a unit (by code) or a person (by email), read or unread.

Messages are written by `recording.py` when a delivery is recorded; here they are only listed
and marked read. Marking read is idempotent: the first reader and time are kept.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Engine, func, select

from services.notifications.tables import inbox
from shared.history import VIETNAM


def owner_key(recipient: str) -> str:
    """Unit codes are upper case, email addresses lower case (as recipients are stored)."""
    text = recipient.strip()
    return text.lower() if "@" in text else text.upper()


def _item(row: Any) -> dict[str, Any]:
    return {
        "id": row.message_id,
        "recipient": row.recipient,
        "event_id": row.event_id,
        "event_type": row.event_type,
        "subject": row.subject,
        "body": row.body,
        "created_at": row.created_at.isoformat(),
        "created_at_local": row.created_at.astimezone(VIETNAM).strftime("%H:%M %d/%m/%Y"),
        "read": row.read_at is not None,
        "read_at": row.read_at.isoformat() if row.read_at else None,
        "read_by": row.read_by,
    }


def list_inbox(engine: Engine, recipient: str, *, unread_only: bool, limit: int, offset: int) -> dict[str, Any]:
    owner = owner_key(recipient)
    query = select(inbox).where(inbox.c.recipient == owner)
    if unread_only:
        query = query.where(inbox.c.read_at.is_(None))
    query = query.order_by(inbox.c.created_at.desc(), inbox.c.message_id).limit(limit).offset(offset)
    with engine.connect() as conn:
        rows = conn.execute(query).all()
        unread = conn.execute(
            select(func.count()).where(inbox.c.recipient == owner, inbox.c.read_at.is_(None))
        ).scalar_one()
    return {"recipient": owner, "unread": int(unread), "items": [_item(r) for r in rows]}


def recipient_of(engine: Engine, message_id: str) -> str | None:
    """Whose inbox a message is in; None when there is no such message."""
    with engine.connect() as conn:
        return conn.execute(select(inbox.c.recipient).where(inbox.c.message_id == message_id)).scalar()


def mark_read(engine: Engine, message_id: str, *, reader: str, now: datetime) -> dict[str, Any] | None:
    """Mark a message read (once); None when there is no such message."""
    with engine.begin() as conn:
        conn.execute(
            inbox.update()
            .where(inbox.c.message_id == message_id, inbox.c.read_at.is_(None))
            .values(read_at=now, read_by=reader)
        )
        row = conn.execute(select(inbox).where(inbox.c.message_id == message_id)).first()
    return _item(row) if row else None
