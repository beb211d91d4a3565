"""Audit reads: every delivery of an event (or to a recipient, or in a status) with its attempts."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, select

from services.notifications.tables import attempts, deliveries
from shared.history import VIETNAM


@dataclass(frozen=True)
class DeliveryFilter:
    event_id: str | None = None
    recipient: str | None = None
    status: str | None = None
    channel: str | None = None
    limit: int = 100
    offset: int = 0


def _moment(value: Any) -> dict[str, str] | None:
    if value is None:
        return None
    return {"utc": value.isoformat(), "local": value.astimezone(VIETNAM).strftime("%H:%M:%S %d/%m/%Y")}


def _attempt(row: Any) -> dict[str, Any]:
    return {
        "number": row.number,
        "worker": row.worker,
        "started_at": _moment(row.started_at),
        "finished_at": _moment(row.finished_at),
        "outcome": row.outcome,
        "detail": row.detail,
    }


def _delivery(row: Any, tried: list[dict[str, Any]], *, with_content: bool) -> dict[str, Any]:
    item = {
        "id": row.delivery_id,
        "event_id": row.event_id,
        "event_type": row.event_type,
        "template": row.template,
        "channel": row.channel,
        "recipient": row.recipient,
        "recipient_name": row.recipient_name,
        "address": row.address,
        "subscription_id": row.subscription_id,
        "subject": row.subject,
        "status": row.status,
        "attempts": row.attempts,
        "next_attempt_at": _moment(row.next_attempt_at),
        "created_at": _moment(row.created_at),
        "delivered_at": _moment(row.delivered_at),
        "last_error": row.last_error,
        "history": tried,
    }
    if with_content:
        item.update(body_text=row.body_text, body_html=row.body_html, payload=row.payload)
    return item


def list_deliveries(engine: Engine, where: DeliveryFilter) -> list[dict[str, Any]]:
    query = select(deliveries)
    if where.event_id:
        query = query.where(deliveries.c.event_id == where.event_id)
    if where.recipient:
        wanted = where.recipient.strip()
        query = query.where(deliveries.c.recipient.in_({wanted, wanted.upper(), wanted.lower()}))
    if where.status:
        query = query.where(deliveries.c.status == where.status)
    if where.channel:
        query = query.where(deliveries.c.channel == where.channel)
    query = query.order_by(deliveries.c.created_at, deliveries.c.delivery_id).limit(where.limit).offset(where.offset)
    with engine.connect() as conn:
        rows = conn.execute(query).all()
        ids = [r.delivery_id for r in rows]
        history: dict[str, list[dict[str, Any]]] = defaultdict(list)
        if ids:
            for a in conn.execute(
                select(attempts).where(attempts.c.delivery_id.in_(ids)).order_by(attempts.c.attempt_id)
            ):
                history[a.delivery_id].append(_attempt(a))
    return [_delivery(r, history[r.delivery_id], with_content=False) for r in rows]


def get_delivery(engine: Engine, delivery_id: str) -> dict[str, Any] | None:
    with engine.connect() as conn:
        row = conn.execute(select(deliveries).where(deliveries.c.delivery_id == delivery_id)).first()
        if row is None:
            return None
        tried = [
            _attempt(a)
            for a in conn.execute(
                select(attempts).where(attempts.c.delivery_id == delivery_id).order_by(attempts.c.attempt_id)
            )
        ]
    return _delivery(row, tried, with_content=True)
