"""Audit reads over any event-sourced aggregate, the same in every service: its full history in
order (who, when, why, what changed), and its state as the record stood at a moment (time travel).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from eventsourcing.application import Application

from shared.actor import Actor
from shared.eventstore import EVENT_ID_KEY, stored_event_id

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
_ENVELOPE = {"originator_id", "originator_version", "timestamp", "originator_topic", "actor", EVENT_ID_KEY}


def jsonable(value: Any) -> Any:
    """Dates, decimals, ids and actors in a form JSON (and a person) can read."""
    if isinstance(value, Actor):
        return value.as_dict()
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal | UUID):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    return value


def event_history(app: Application[Any], aggregate_id: UUID) -> list[dict[str, Any]]:
    """Every stored event of one aggregate: type, version, when (UTC and Vietnam time), who, why, what,
    and its `event_id` (the published `ce-id`; None for events stored before identities)."""
    entries = []
    for event in app.repository.event_store.get(aggregate_id):
        timestamp: datetime = event.timestamp
        actor = getattr(event, "actor", None)
        data = {k: jsonable(v) for k, v in vars(event).items() if k not in _ENVELOPE}
        entries.append(
            {
                "version": event.originator_version,
                "type": type(event).__name__,
                "event_id": stored_event_id(event),
                "recorded_at": timestamp.isoformat(),
                "recorded_at_local": timestamp.astimezone(VIETNAM).strftime("%H:%M %d/%m/%Y"),
                "actor": actor.as_dict() if isinstance(actor, Actor) else None,
                "reason": data.get("reason") or None,
                "data": data,
            }
        )
    return entries


def history_with_changes(
    app: Application[Any],
    aggregate_id: UUID,
    view: Callable[[Any], dict[str, Any]],
    annotate: Callable[[dict[str, Any], Any], None] | None = None,
) -> list[dict[str, Any]]:
    """`event_history`, each entry with the fields of `view` (the aggregate's JSON view) that its
    event changed, before and after; `annotate(entry, event)` adds what a service wants more."""
    entries = event_history(app, aggregate_id)
    aggregate: Any = None
    before: dict[str, Any] = {}
    for entry, event in zip(entries, app.repository.event_store.get(aggregate_id), strict=True):
        aggregate = event.mutate(aggregate)
        after = view(aggregate)
        entry["changes"] = {
            k: {"before": before.get(k), "after": v}
            for k, v in after.items()
            if before.get(k) != v and k not in ("version", "modified_on")
        }
        if annotate is not None:
            annotate(entry, event)
        before = after
    return entries


def version_as_of(app: Application[Any], aggregate_id: UUID, moment: datetime) -> int | None:
    """The aggregate's version as the record stood at `moment`: its last event RECORDED at or
    before it; None when it did not exist yet.

    Recording timestamps, not the times events declare: a declared time may be back-dated (a
    posted dossier entered on arrival) and need not grow with the version; the recording time does.
    """
    version = None
    for event in app.repository.event_store.get(aggregate_id):
        if event.timestamp > moment:
            break
        version = event.originator_version
    return version


def today_in_vietnam() -> date:
    return datetime.now(VIETNAM).date()
