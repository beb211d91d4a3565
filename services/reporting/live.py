"""The live side of the projection: where a consumed event goes, exactly once in effect.

One process-wide write lock serialises every write to the projection database (live events from
the three stream consumers, rebuild batches, the switch). SQLite allows one writer anyway, and a
writer that waits on the lock instead of on the database never fails with a stale snapshot.
Readers (the reports) never take it.
"""

from __future__ import annotations

import threading
from typing import Any

from sqlalchemy import Connection, Engine

from services.reporting.generations import GenerationChanged, require_live
from services.reporting.projector import decode, project
from services.reporting.tables import consumer_name, projection_tables
from shared.messaging.idempotence import apply_once


class LiveProjection:
    """Applies consumed events to the live generation."""

    def __init__(self, engine: Engine, generation: int) -> None:
        self.engine = engine
        self.generation = generation
        self.write_lock = threading.Lock()

    def apply(self, subject: str, payload: dict[str, Any], *, event_id: str, stream_sequence: int | None) -> bool:
        """Apply one event; True if it changed the tables now, False if already applied.

        Raises on a payload that does not match its contract, so the consumer retries it and
        finally sends it to the dead letters.
        """
        event = decode(subject, payload)
        with self.write_lock:
            for _ in range(3):
                generation = self.generation

                def effect(conn: Connection, generation: int = generation) -> None:
                    require_live(conn, generation)
                    project(conn, projection_tables(generation), event_id, event)

                try:
                    return apply_once(
                        self.engine,
                        consumer=consumer_name(generation),
                        event_id=event_id,
                        subject=subject,
                        stream_sequence=stream_sequence,
                        effect=effect,
                    )
                except GenerationChanged as changed:
                    if changed.current is None:
                        raise
                    self.generation = changed.current
        raise RuntimeError("the live generation kept changing; the message will be redelivered")
