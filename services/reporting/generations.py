"""Generations of the projection: which table set is live, and how one replaces another.

The live generation is a one-row pointer (`reporting_live`). A switch updates it in the same
transaction that applies the last events into the new set, after locking the pointer row, so a
live writer either commits before the switch (and the switch's catch-up reads its event from the
stream too) or sees the new generation. Writers check the pointer inside their own transaction
(`require_live`) and retry on `GenerationChanged`, which also covers a switch made by another
process (`tdkt reporting rebuild --offline`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, Engine, delete, func, insert, select, text, update
from sqlalchemy.schema import CreateTable

from services.reporting.outcomes import outcomes_current, refresh_outcomes
from services.reporting.tables import (
    consumer_name,
    generations,
    live_pointer,
    projection_tables,
    registry_metadata,
)
from shared.messaging import idempotence
from shared.messaging.idempotence import processed_messages

POINTER_ID = 1
SETUP_LOCK_KEY = 0x74646B74_72707431  # "tdktrpt1"


class GenerationChanged(Exception):
    """The live generation is no longer the one a writer was about to write into."""

    def __init__(self, expected: int, current: int | None) -> None:
        super().__init__(f"live generation is {current}, not {expected}")
        self.expected = expected
        self.current = current


def create_registry(engine: Engine) -> None:
    registry_metadata.create_all(engine)
    idempotence.create_tables(engine)


def live_generation(conn: Connection) -> int | None:
    return conn.execute(select(live_pointer.c.generation).where(live_pointer.c.id == POINTER_ID)).scalar_one_or_none()


LIVE_FOR_SHARE = select(live_pointer.c.generation).where(live_pointer.c.id == POINTER_ID).with_for_update(read=True)


def require_live(conn: Connection, generation: int) -> None:
    """Raise `GenerationChanged` unless `generation` is live; on PostgreSQL the row is read FOR
    SHARE, so a switch in progress (which holds the row FOR UPDATE) is waited for."""
    current = conn.execute(LIVE_FOR_SHARE).scalar_one_or_none()
    if current != generation:
        raise GenerationChanged(generation, current)


def lock_pointer(conn: Connection) -> None:
    """Take the pointer row for writing (PostgreSQL row lock; SQLite write lock) until commit."""
    conn.execute(
        update(live_pointer).where(live_pointer.c.id == POINTER_ID).values(generation=live_pointer.c.generation)
    )


def create_generation(engine: Engine, purpose: str, started_by: str = "", *, indexes: bool = True) -> int:
    """A new, empty table set with a number never used before; `indexes=False` leaves the
    secondary indexes to `create_indexes` (a rebuild fills the tables first: building an index
    once over the rows is much cheaper than keeping it sorted through a million inserts)."""
    with engine.begin() as conn:
        number = (conn.execute(select(func.max(generations.c.generation))).scalar() or 0) + 1
        conn.execute(
            insert(generations).values(
                generation=number,
                purpose=purpose,
                state="building",
                created_at=datetime.now(UTC),
                events_applied=0,
                started_by=started_by,
            )
        )
    tables = projection_tables(number)
    if indexes:
        tables.metadata.create_all(engine)
    else:
        with engine.begin() as conn:
            for table in tables.created():
                conn.execute(CreateTable(table))
    return number


def create_indexes(engine: Engine, generation: int, *, derived: bool = True) -> None:
    """The secondary indexes of `generation` that do not exist yet (`derived=False`: not those of
    the tables `outcomes.refresh_outcomes` fills, which a rebuild builds once they are full)."""
    tables = projection_tables(generation)
    for table in tables.all() if derived else [t for t in tables.all() if t not in tables.derived()]:
        for index in table.indexes:
            index.create(engine, checkfirst=True)


def make_live(conn: Connection, generation: int, events_applied: int | None = None) -> int | None:
    """Point readers and writers at `generation`; returns the generation it replaced."""
    now = datetime.now(UTC)
    previous = live_generation(conn)
    if previous is None:
        conn.execute(insert(live_pointer).values(id=POINTER_ID, generation=generation, switched_at=now))
    else:
        conn.execute(
            update(live_pointer).where(live_pointer.c.id == POINTER_ID).values(generation=generation, switched_at=now)
        )
        conn.execute(update(generations).where(generations.c.generation == previous).values(state="retired"))
    values: dict[str, object] = {"state": "live", "finished_at": now}
    if events_applied is not None:
        values["events_applied"] = events_applied
    conn.execute(update(generations).where(generations.c.generation == generation).values(**values))
    return previous


def drop_generation(engine: Engine, generation: int) -> None:
    """Drop a generation's tables and its processed-event records (never the live one)."""
    with engine.begin() as conn:
        if live_generation(conn) == generation:
            raise ValueError(f"generation {generation} is live")
    projection_tables(generation).metadata.drop_all(engine)
    with engine.begin() as conn:
        conn.execute(delete(processed_messages).where(processed_messages.c.consumer == consumer_name(generation)))
        conn.execute(update(generations).where(generations.c.generation == generation).values(state="dropped"))


ABANDONED_AFTER = timedelta(hours=1)
"""A generation still "building" after this long was left by a crashed rebuild; younger ones may
belong to another replica's rebuild that is running now, and are left alone."""


def drop_all_but_live(engine: Engine) -> list[int]:
    """Drop retired, failed and abandoned half-built generations (a crash mid-rebuild leaves one)."""
    abandoned = datetime.now(UTC) - ABANDONED_AFTER
    with engine.connect() as conn:
        live = live_generation(conn)
        rows = conn.execute(
            select(generations.c.generation, generations.c.state, generations.c.created_at).where(
                generations.c.state.in_(("building", "retired", "failed"))
            )
        ).all()
        stale = [
            row.generation
            for row in rows
            if row.generation != live and (row.state != "building" or _aware(row.created_at) < abandoned)
        ]
    for generation in stale:
        drop_generation(engine, generation)
    return stale


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)  # SQLite forgets the zone


@contextmanager
def setup_lock(engine: Engine) -> Iterator[None]:
    """Serialise start-up across replicas on PostgreSQL (two replicas on a fresh database would
    each create a first generation); SQLite has one process by design."""
    if engine.dialect.name != "postgresql":
        yield
        return
    with engine.connect() as conn:
        conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": SETUP_LOCK_KEY})
        try:
            yield
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": SETUP_LOCK_KEY})


def ensure_live_generation(engine: Engine) -> tuple[int, bool]:
    """The live generation, creating the first one when the database is new; True if created
    (by this process: of replicas starting together, one creates it and fills it)."""
    with setup_lock(engine):
        create_registry(engine)
        with engine.connect() as conn:
            live = live_generation(conn)
        if live is not None:
            tables = projection_tables(live)
            with engine.connect() as conn:
                without_outcomes = not outcomes_current(conn, tables)
            if without_outcomes:  # from before (some of) them: made again below
                for table in tables.derived():
                    table.drop(engine, checkfirst=True)
            tables.metadata.create_all(engine)  # idempotent: survives a lost table
            for table in tables.all():  # and indexes added since the table set was made
                for index in table.indexes:
                    index.create(engine, checkfirst=True)
            if without_outcomes:  # a table set from before outcomes (or these columns): fill them from its rows
                with engine.begin() as conn:
                    refresh_outcomes(conn, tables)
            return live, False
        generation = create_generation(engine, "initial")
        with engine.begin() as conn:
            make_live(conn, generation, 0)
        return generation, True


def list_generations(engine: Engine) -> list[dict[str, object]]:
    with engine.connect() as conn:
        rows = conn.execute(select(generations).order_by(generations.c.generation)).mappings().all()
    return [dict(r) for r in rows]
