"""A summary "as it stood on date D", from the events: to compare a report filed then with the
record now.

The streams are read from their first message; every event recorded (its `occurred_at`) by the
end of day D in Vietnam is projected, exactly as a rebuild does (`projector.decode`, `project_batch`),
into a throw-away in-memory table set, and the summary is computed from that set by the same code
as the live one. An event recorded after D (a late correction, an annulment, a decision entered
afterwards) is therefore left out, even when the date it names lies inside the period: the answer
is what the record held at the end of D, not what is known now about D.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, datetime, time, timedelta
from typing import Any

from nats.aio.client import Client as NatsClient
from sqlalchemy import Engine, create_engine
from sqlalchemy.pool import StaticPool

from services.reporting.generations import ensure_live_generation
from services.reporting.projector import decode_json, project_batch
from services.reporting.stream_reader import StreamMessage, last_sequence, read_range
from services.reporting.tables import projection_tables
from shared.streams import EVENT_STREAMS
from shared.workdays import VIETNAM_TZ

Connect = Callable[[], Awaitable[NatsClient]]


def end_of_day(day: date) -> datetime:
    """The first instant after `day` in Vietnam."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=VIETNAM_TZ)


def recorded_before(message: StreamMessage, cutoff: datetime) -> bool:
    occurred = message.payload.get("occurred_at")
    if not isinstance(occurred, str):
        return False
    try:
        moment = datetime.fromisoformat(occurred.replace("Z", "+00:00"))
    except ValueError:
        return False
    return moment < cutoff


async def history_until(connect: Connect, day: date) -> list[StreamMessage]:
    """Every event of the streams recorded by the end of `day`, in stream order."""
    cutoff = end_of_day(day)
    nc = await connect()
    try:
        js = nc.jetstream()
        kept: list[StreamMessage] = []
        for spec in EVENT_STREAMS:
            last = await last_sequence(js, spec.name)
            async for batch in read_range(js, spec.name, 1, last):
                kept.extend(m for m in batch if recorded_before(m, cutoff))
        return kept
    finally:
        await nc.close()


def project_history(messages: list[StreamMessage]) -> tuple[Engine, dict[str, Any]]:
    """A private in-memory table set holding `messages`, each event once (by its id)."""
    engine = create_engine("sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False})
    generation, _ = ensure_live_generation(engine)
    tables = projection_tables(generation)
    seen: set[str] = set()
    skipped = 0
    events = []
    for message in messages:
        if message.event_id in seen:
            continue
        seen.add(message.event_id)
        try:
            events.append((message.event_id, decode_json(message.subject, message.data)))
        except Exception:
            skipped += 1  # the live consumer dead-letters such a message; left out here too
    with engine.begin() as conn:
        project_batch(conn, tables, events)
    return engine, {"events": len(seen) - skipped, "unreadable": skipped}
