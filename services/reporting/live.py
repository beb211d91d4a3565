"""The live side of the projection: where a consumed event goes, exactly once in effect.

One process-wide write lock serialises every write to the projection database (live events from
the three stream consumers, rebuild batches, the switch). SQLite allows one writer anyway, and a
writer that waits on the lock instead of on the database never fails with a stale snapshot.
Readers (the reports) never take it.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, select

from services.reporting.bulk import insert_rows
from services.reporting.generations import GenerationChanged, require_live
from services.reporting.outcomes import chunks, refresh_marked
from services.reporting.projector import Decoded, EventRows, Outcomes, decode, decode_json, project, project_batch
from services.reporting.tables import consumer_name, projection_tables
from shared.messaging.idempotence import apply_once, processed_messages

log = logging.getLogger(__name__)
_PROCESSED = processed_messages.c
ALREADY_PROCESSED = select(_PROCESSED.event_id).where(
    _PROCESSED.consumer == bindparam("consumer"), _PROCESSED.event_id.in_(bindparam("ids", expanding=True))
)


@dataclass(frozen=True)
class Incoming:
    """A decoded event with what `processed_messages` records about it."""

    event_id: str
    subject: str
    stream_sequence: int | None
    event: Decoded | EventRows  # its rows already, from a rebuild's decoding processes


def apply_batch(
    conn: Connection, generation: int, items: Sequence[Incoming], *, outcomes: Outcomes = "refresh"
) -> list[bool]:
    """Apply `items` to `generation` in the caller's transaction, each once in effect: ids the
    generation already applied (or met earlier in the batch) are skipped, the others are recorded
    in `processed_messages` (with their stream sequence) beside their rows, all set-based. One
    flag per item: True if applied now."""
    consumer = consumer_name(generation)
    done: set[str] = set()
    for part in chunks(sorted({i.event_id for i in items})):
        done.update(conn.execute(ALREADY_PROCESSED, {"consumer": consumer, "ids": part}).scalars())
    fresh, applied = [], []
    for item in items:
        applied.append(item.event_id not in done)
        if item.event_id not in done:
            done.add(item.event_id)
            fresh.append(item)
    if fresh:
        now = datetime.now(UTC)
        insert_rows(
            conn,
            processed_messages,
            [
                {
                    "consumer": consumer,
                    "event_id": i.event_id,
                    "subject": i.subject,
                    "stream_sequence": i.stream_sequence,
                    "processed_at": now,
                }
                for i in fresh
            ],
        )
        events = [(i.event_id, i.event) for i in fresh]
        project_batch(conn, projection_tables(generation), events, outcomes=outcomes)
    return applied


@dataclass(frozen=True)
class RawEvent:
    """A consumed message whose payload is still its raw JSON bytes."""

    event_id: str
    subject: str
    stream_sequence: int | None
    data: bytes


@dataclass(eq=False)
class _Pending:
    item: Incoming
    backlog: bool = False
    """It came in a full fetched batch: more events are waiting in its stream."""
    done: bool = False
    applied: bool = False
    error: BaseException | None = None

    def outcome(self) -> bool:
        if self.error is not None:
            raise self.error
        return self.applied


class LiveProjection:
    """Applies consumed events to the live generation.

    **Group commit.** The service's consumers hand over whole fetched batches, raw
    (`apply_raw`, one worker thread per batch: each event decoded from its bytes, then the batch
    joins the waiting group); `apply` adds one event. Whoever gets the write
    lock applies every event waiting at that moment in ONE transaction, set-based
    (`apply_batch`: each still checked against, and recorded in, `processed_messages` within it,
    so each is applied once in effect); the others find theirs done. If that transaction fails,
    each of its events is applied alone, so one bad event fails only its own message (retries,
    dead letter) and never its neighbours'. On SQLite a commit is a sync to disk: one per group
    instead of one per event (docs/performance.md).

    **Outcomes once per catch-up.** A dossier's derived rows (`outcomes.py`) are recomputed from
    all its stored rows. While the consumers work through a backlog (a group holding a full
    fetched batch), the dossiers a group touches are only marked stale in its transaction; the
    first batch that is not part of a backlog refreshes them, and so does `refresh_stale` (the
    service calls it when the writes pause, `keep_outcomes_fresh`). A dossier whose events span many batches
    of a catch-up is then computed once instead of once per batch; in steady operation every
    group refreshes its own dossiers at once, as before.
    """

    STALE_CHUNK = 2_000
    """Stale dossiers refreshed per transaction: the write lock is released between chunks."""

    def __init__(self, engine: Engine, generation: int) -> None:
        self.engine = engine
        self.generation = generation
        self.write_lock = threading.Lock()
        self._waiting: list[_Pending] = []
        self._waiting_lock = threading.Lock()
        self.stale = self._any_marked()
        """Some dossier may be marked stale (at start: a process stopped during a catch-up left marks)."""
        self._full_batch_at: dict[str, float] = {}
        """When each source whose last batch was a full one delivered it (`apply_raw`)."""

    def apply(self, subject: str, payload: dict[str, Any], *, event_id: str, stream_sequence: int | None) -> bool:
        """Apply one event; True if it changed the tables now, False if already applied.

        Raises on a payload that does not match its contract, so the consumer retries it and
        finally sends it to the dead letters.
        """
        item = self._enqueue(subject, payload, event_id, stream_sequence)
        self._write_until_done(item)
        if self.stale:
            self.refresh_stale()
        return item.outcome()

    def apply_raw(
        self, events: Sequence[RawEvent], *, backlog: bool = False, source: str = ""
    ) -> list[BaseException | None]:
        """Apply a fetched batch (the live consumers, in one worker thread per batch): each event
        is read with its contract straight from its bytes (`projector.decode_json`, as a
        rebuild reads), and every one that reads joins the waiting group, which is then written
        (one transaction, `apply_batch`, with whatever other batches are waiting). One outcome
        per event: None when it is applied (now or before), else its error, its own only (a
        payload its contract rejects, or a failure when applied alone after the group's
        transaction failed). `backlog`: the batch was a full one, more are waiting in `source` (its
        stream); the marked dossiers are refreshed once no source has a backlog."""
        outcomes: list[BaseException | None] = [None] * len(events)
        pending: list[tuple[int, _Pending]] = []
        for n, raw in enumerate(events):
            try:
                event = decode_json(raw.subject, raw.data)
            except Exception as exc:
                outcomes[n] = exc
                continue
            pending.append((n, _Pending(Incoming(raw.event_id, raw.subject, raw.stream_sequence, event), backlog)))
        with self._waiting_lock:
            self._waiting.extend(item for _, item in pending)
        for _, item in pending:
            if not item.done:  # the first write takes the whole group; the rest are done then
                self._write_until_done(item)
        if backlog:
            self._full_batch_at[source] = time.monotonic()
        else:
            self._full_batch_at.pop(source, None)
        if self.stale and not self.catching_up():
            self.refresh_stale()
        for n, item in pending:
            outcomes[n] = item.error
        return outcomes

    def _enqueue(self, subject: str, payload: dict[str, Any], event_id: str, stream_sequence: int | None) -> _Pending:
        item = _Pending(Incoming(event_id, subject, stream_sequence, decode(subject, payload)))
        with self._waiting_lock:
            self._waiting.append(item)
        return item

    def _write_until_done(self, item: _Pending) -> None:
        with self.write_lock:
            if not item.done:
                with self._waiting_lock:
                    group, self._waiting = self._waiting, []
                self._apply_group(group)

    BACKLOG_QUIET_SECONDS = 1.0
    """A source whose last full batch is older than this is no longer catching up (its backlog was
    exactly some full batches, or it stopped)."""

    def catching_up(self) -> bool:
        """Some source delivered a full batch lately: more of its events are on their way."""
        now = time.monotonic()
        return any(now - at < self.BACKLOG_QUIET_SECONDS for at in self._full_batch_at.values())

    def _any_marked(self) -> bool:
        marks = projection_tables(self.generation).stale_outcomes
        with self.engine.connect() as conn:
            return conn.execute(select(marks.c.dossier_id).limit(1)).first() is not None

    def refresh_stale(self) -> int:
        """Refresh every dossier marked stale, `STALE_CHUNK` per transaction under the write lock;
        how many were refreshed."""
        refreshed = 0
        while True:
            with self.write_lock:
                try:
                    with self.engine.begin() as conn:
                        require_live(conn, self.generation)
                        done = refresh_marked(conn, projection_tables(self.generation), self.STALE_CHUNK)
                except GenerationChanged:
                    return refreshed  # a rebuilt generation has every outcome computed
                if not done:
                    self.stale = False
                    return refreshed
            refreshed += done

    def _apply_group(self, group: list[_Pending]) -> None:
        if len(group) > 1:
            try:
                results = self._in_one_transaction(group)
            except Exception:  # each event again on its own, with its own outcome
                pass
            else:
                for item, applied in zip(group, results, strict=True):
                    item.applied, item.done = applied, True
                return
        for item in group:
            try:
                item.applied = self._apply_one(item)
            except BaseException as exc:  # raised in the thread that consumed it
                item.error = exc
            item.done = True

    def _in_one_transaction(self, group: list[_Pending]) -> list[bool]:
        backlog = any(p.backlog for p in group)
        with self.engine.begin() as conn:
            require_live(conn, self.generation)
            applied = apply_batch(
                conn, self.generation, [p.item for p in group], outcomes="mark_stale" if backlog else "refresh"
            )
        self.stale |= backlog
        return applied

    def _apply_one(self, pending: _Pending) -> bool:
        item = pending.item
        event = item.event
        for _ in range(3):
            generation = self.generation

            def effect(conn: Connection, generation: int = generation) -> None:
                require_live(conn, generation)
                project(conn, projection_tables(generation), item.event_id, event)

            try:
                return apply_once(
                    self.engine,
                    consumer=consumer_name(generation),
                    event_id=item.event_id,
                    subject=item.subject,
                    stream_sequence=item.stream_sequence,
                    effect=effect,
                )
            except GenerationChanged as changed:
                if changed.current is None:
                    raise
                self.generation = changed.current
        raise RuntimeError("the live generation kept changing; the message will be redelivered")


async def keep_outcomes_fresh(live: LiveProjection, interval_seconds: float = 0.5) -> None:
    """Refresh the stale outcomes once no source is catching up: a catch-up whose last fetched
    batch was a full one (nothing came after it) leaves its marks to this. A background job of
    the service; it runs until cancelled."""
    while True:
        await asyncio.sleep(interval_seconds)
        if live.stale and not live.catching_up():
            try:
                await asyncio.to_thread(live.refresh_stale)
            except Exception as exc:  # the database away: the marks stay, tried again next time
                log.warning("reporting: refreshing stale outcomes failed: %s", exc)
