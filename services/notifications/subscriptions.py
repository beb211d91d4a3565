"""Webhook subscriptions of other systems: which events, which URL, which signing secret.

Patterns use NATS subject syntax, which is what the events are published under: an exact
subject (`tdkt.award.decided`), `*` for one token (`tdkt.dossier.*`) or `>` for the rest
(`tdkt.>`). A deleted subscription is kept (with `deleted_at`) so the audit trail of its past
deliveries still resolves, and its pending deliveries fail instead of going out.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, Row, select

from services.notifications.tables import subscriptions

_TOKEN = re.compile(r"^[a-z0-9_-]+$")


def pattern_problem(pattern: str) -> str | None:
    """Why a pattern is not a valid subject pattern, in Vietnamese; None when it is valid."""
    tokens = pattern.split(".")
    for index, token in enumerate(tokens):
        if token == ">" and index == len(tokens) - 1:
            continue
        if token == "*" or _TOKEN.match(token):
            continue
        return (
            f"«{pattern}» không phải mẫu loại sự kiện hợp lệ: dùng tên sự kiện (tdkt.award.decided), "
            "* thay cho một thành phần (tdkt.dossier.*) hoặc > ở cuối (tdkt.>)."
        )
    return None


def subject_matches(pattern: str, subject: str) -> bool:
    wanted, actual = pattern.split("."), subject.split(".")
    for index, token in enumerate(wanted):
        if token == ">":
            return len(actual) > index
        if index >= len(actual) or (token != "*" and token != actual[index]):
            return False
    return len(actual) == len(wanted)


@dataclass(frozen=True)
class Subscription:
    subscription_id: str
    url: str
    event_types: tuple[str, ...]
    description: str
    created_at: datetime
    created_by: str
    deleted_at: datetime | None = None

    def matches(self, event_type: str) -> bool:
        return self.deleted_at is None and any(subject_matches(p, event_type) for p in self.event_types)

    def public(self) -> dict[str, object]:
        """As shown over HTTP: never the secret."""
        return {
            "id": self.subscription_id,
            "url": self.url,
            "event_types": list(self.event_types),
            "description": self.description,
            "created_at": self.created_at.isoformat(),
            "created_by": self.created_by,
        }


def _from_row(row: Row[Any]) -> Subscription:
    return Subscription(
        subscription_id=row.subscription_id,
        url=row.url,
        event_types=tuple(json.loads(row.event_types)),
        description=row.description,
        created_at=row.created_at,
        created_by=row.created_by,
        deleted_at=row.deleted_at,
    )


def create_subscription(
    engine: Engine,
    *,
    url: str,
    secret: str,
    event_types: Sequence[str],
    description: str,
    created_by: str,
    now: datetime,
) -> Subscription:
    subscription_id = uuid.uuid4().hex
    with engine.begin() as conn:
        conn.execute(
            subscriptions.insert().values(
                subscription_id=subscription_id,
                url=url,
                secret=secret,
                event_types=json.dumps(list(event_types)),
                description=description,
                created_at=now,
                created_by=created_by,
            )
        )
    found = get_subscription(engine, subscription_id)
    assert found is not None
    return found


def get_subscription(engine: Engine, subscription_id: str) -> Subscription | None:
    with engine.connect() as conn:
        row = conn.execute(select(subscriptions).where(subscriptions.c.subscription_id == subscription_id)).first()
    return _from_row(row) if row else None


def active_subscriptions(conn: Connection) -> list[Subscription]:
    rows = conn.execute(
        select(subscriptions).where(subscriptions.c.deleted_at.is_(None)).order_by(subscriptions.c.created_at)
    )
    return [_from_row(row) for row in rows]


def list_subscriptions(engine: Engine) -> list[Subscription]:
    with engine.connect() as conn:
        return active_subscriptions(conn)


def delete_subscription(engine: Engine, subscription_id: str, now: datetime) -> bool:
    """Soft-delete; True when an active subscription was deleted now."""
    with engine.begin() as conn:
        result = conn.execute(
            subscriptions.update()
            .where(subscriptions.c.subscription_id == subscription_id, subscriptions.c.deleted_at.is_(None))
            .values(deleted_at=now)
        )
    return bool(result.rowcount)


def subscription_secret(engine: Engine, subscription_id: str) -> str | None:
    """The signing secret of an active subscription; None once it is deleted."""
    with engine.connect() as conn:
        row = conn.execute(
            select(subscriptions.c.secret).where(
                subscriptions.c.subscription_id == subscription_id, subscriptions.c.deleted_at.is_(None)
            )
        ).first()
    return row.secret if row else None
