"""Application recorders that chain every event in the transaction that stores it.

The chain lives in a table beside the events table (`<events table>_chain`), one row per stored
event keyed like the event (aggregate id and version): its hashes and its indexes in the log and
public-stream chains (`shared.audit.chain`). The row is written after the events are inserted,
in the same transaction, while the insert still holds the store's write lock:

- **PostgreSQL**: the library takes `LOCK TABLE <events> IN EXCLUSIVE MODE` before each insert,
  so inserts (and their notification ids) are serialised in commit order; two replicas writing
  different aggregates at the same moment therefore append to the log chain one after the other,
  each reading the head the other committed. The hook is `_fetch_ids_after_insert_events`, which
  the library's own insert and `tdkt store reconcile`'s re-import both call inside the locked
  transaction, once the new notification ids are known.
- **SQLite**: one writer at a time (the library's writer lock, then SQLite's own); the hook is
  `_insert_events`, called inside the write transaction.

The PostgreSQL recorder lives in `shared.audit.recorders_postgres`, imported only for a
PostgreSQL store, so that a service on SQLite never loads psycopg.

**The starting point of an existing history.** When a store is opened and its chain table is
empty while it already holds events (a store from before chains), every event is chained at
once, in notification order, under the store's write lock, and a row in
`<events table>_chain_start` records when: the chain proves those events unchanged since that
moment, not before (docs/audit.md). Nothing is chained after the fact otherwise: an event that
appears in the store without a chain row was written around the application, and stays visibly
outside the chain (`tdkt audit verify` names it); the next event of its aggregate is refused,
since its predecessor cannot be vouched for.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteDatastore

from shared.audit.chain import GENESIS, ChainLink, Head, event_hash, link_hash
from shared.outbox import OutboxSQL, OutboxWriter

EVENT_ID_KEY = "tdkt_event_id"  # shared.eventstore.EVENT_ID_KEY (not imported: that module imports this one)
CATCH_UP_BATCH = 1000

PublishedTopic = Callable[[str], bool]


def stored_identity(state: bytes) -> str:
    """The event identity written into a stored state, or "" (events stored before identities,
    or a state that is not JSON)."""
    try:
        value = json.loads(bytes(state)).get(EVENT_ID_KEY)
    except (ValueError, AttributeError, UnicodeDecodeError):
        return ""
    return str(value) if value else ""


@dataclass(frozen=True)
class NewEvent:
    position: int
    aggregate_id: str
    aggregate_version: int
    topic: str
    state: bytes


class ChainSQL:
    """The chain's statements for one dialect and table; rows come back as mappings."""

    def __init__(self, *, chain_table: str, start_table: str, events_table: str, position: str, mark: str) -> None:
        self.chain_table = chain_table
        self.start_table = start_table
        self.events_table = events_table
        self.position = position  # rowid (SQLite) or notification_id (PostgreSQL)
        self.mark = mark  # ? or %s
        m = mark
        self.columns = (
            "originator_id, originator_version, position, event_id, prev_hash, hash, "
            "log_index, log_hash, stream_index, stream_hash"
        )
        self.insert = f"INSERT INTO {chain_table} ({self.columns}) VALUES ({', '.join([m] * 10)})"
        self.insert_start = (
            f"INSERT INTO {start_table} (started_at, first_position, last_position, events) VALUES ({m}, {m}, {m}, {m})"
        )
        self.log_head = f"SELECT log_index, log_hash, position FROM {chain_table} ORDER BY log_index DESC LIMIT 1"
        self.stream_head = (
            f"SELECT stream_index, stream_hash FROM {chain_table} WHERE stream_index IS NOT NULL "
            "ORDER BY stream_index DESC LIMIT 1"
        )
        self.previous = f"SELECT hash FROM {chain_table} WHERE originator_id = {m} AND originator_version = {m}"
        # The starting point chains a store's events in notification order, in batches.
        self.unchained = (
            f"SELECT {position} AS position, originator_id, originator_version, topic, state FROM {events_table} "
            f"WHERE {position} > {m} AND {position} < {m} ORDER BY {position} LIMIT {m}"
        )

    def create_statements(self, bigint: str) -> list[str]:
        return [
            f"CREATE TABLE IF NOT EXISTS {self.chain_table} ("
            "originator_id TEXT NOT NULL, "
            f"originator_version {bigint} NOT NULL, "
            f"position {bigint} NOT NULL, "
            "event_id TEXT NOT NULL, "
            "prev_hash TEXT NOT NULL, "
            "hash TEXT NOT NULL, "
            f"log_index {bigint} NOT NULL UNIQUE, "
            "log_hash TEXT NOT NULL, "
            f"stream_index {bigint} UNIQUE, "
            "stream_hash TEXT, "
            "PRIMARY KEY (originator_id, originator_version))",
            f"CREATE TABLE IF NOT EXISTS {self.start_table} ("
            "started_at TEXT NOT NULL, "
            f"first_position {bigint} NOT NULL, "
            f"last_position {bigint} NOT NULL, "
            f"events {bigint} NOT NULL)",
        ]


class ChainWriter:
    """Appends stored events to the chains, on a cursor inside the storing transaction."""

    def __init__(self, sql: ChainSQL, originator_id: Callable[[Any], str]) -> None:
        self.sql = sql
        self.originator_id = originator_id
        self.is_published: PublishedTopic = lambda _topic: True
        """Whether the relay publishes events of a topic (the service sets it; see
        `TdktApplication.is_published_topic`): those also join the public stream's chain."""

    def append(self, cursor: Any, events: Sequence[NewEvent]) -> list[ChainLink]:
        """Chain `events` (new, in notification order)."""
        return self._chain(cursor, events) if events else []

    def start(self, cursor: Any) -> int:
        """When the chain is empty, chain every stored event (the starting point of an existing
        history); returns how many."""
        cursor.execute(self.sql.log_head)
        if cursor.fetchone() is not None:
            return 0
        chained = 0
        first = last = 0
        while True:
            cursor.execute(self.sql.unchained, (last, 2**62, CATCH_UP_BATCH))
            rows = list(cursor.fetchall())
            if not rows:
                break
            batch = [
                NewEvent(
                    int(r["position"]),
                    self.originator_id(r["originator_id"]),
                    int(r["originator_version"]),
                    str(r["topic"]),
                    bytes(r["state"]),
                )
                for r in rows
            ]
            self._chain(cursor, batch)
            first = first or batch[0].position
            last = batch[-1].position
            chained += len(batch)
        if chained:
            cursor.execute(self.sql.insert_start, (datetime.now(UTC).isoformat(), first, last, chained))
        return chained

    def _head(self, cursor: Any, statement: str) -> Head:
        cursor.execute(statement)
        row = cursor.fetchone()
        if row is None:
            return Head()
        values = list(row.values()) if hasattr(row, "values") else list(row)
        return Head(int(values[0]), str(values[1]))

    def _previous(self, cursor: Any, aggregate_id: str, version: int, pending: dict[str, tuple[int, str]]) -> str:
        if version == 1:
            return GENESIS
        known = pending.get(aggregate_id)
        if known is not None and known[0] == version - 1:
            return known[1]
        cursor.execute(self.sql.previous, (aggregate_id, version - 1))
        row = cursor.fetchone()
        if row is None:
            raise RuntimeError(
                f"aggregate {aggregate_id} version {version - 1} has no chain entry: the event store lacks it "
                "or was changed outside the application; run `tdkt audit verify`"
            )
        return str(row["hash"])

    def _chain(self, cursor: Any, events: Iterable[NewEvent]) -> list[ChainLink]:
        log = self._head(cursor, self.sql.log_head)
        stream = self._head(cursor, self.sql.stream_head)
        pending: dict[str, tuple[int, str]] = {}
        links: list[ChainLink] = []
        for e in events:
            prev = self._previous(cursor, e.aggregate_id, e.aggregate_version, pending)
            hash_ = event_hash(e.aggregate_id, e.aggregate_version, e.topic, e.state, prev)
            log = Head(log.index + 1, link_hash(log.index + 1, log.hash, hash_))
            stream_index = stream_hash = None
            if self.is_published(e.topic):
                stream = Head(stream.index + 1, link_hash(stream.index + 1, stream.hash, hash_))
                stream_index, stream_hash = stream.index, stream.hash
            link = ChainLink(
                e.position,
                e.aggregate_id,
                e.aggregate_version,
                stored_identity(e.state),
                prev,
                hash_,
                log.index,
                log.hash,
                stream_index,
                stream_hash,
            )
            pending[e.aggregate_id] = (e.aggregate_version, hash_)
            links.append(link)
        for link in links:
            cursor.execute(
                self.sql.insert,
                (
                    link.aggregate_id,
                    link.aggregate_version,
                    link.position,
                    link.event_id,
                    link.prev_hash,
                    link.hash,
                    link.log_index,
                    link.log_hash,
                    link.stream_index,
                    link.stream_hash,
                ),
            )
        return links


def _uuid_text(value: Any) -> str:
    if isinstance(value, UUID):
        return str(value)
    text = str(value)
    try:
        return str(UUID(text))
    except ValueError:
        return text


def _new_events(stored_events: Sequence[StoredEvent], positions: Sequence[int] | None) -> list[NewEvent]:
    if positions is None or len(positions) != len(stored_events):
        raise RuntimeError("the chain needs the notification ids of the stored events")
    events = [
        NewEvent(int(p), _uuid_text(s.originator_id), int(s.originator_version), s.topic, bytes(s.state))
        for s, p in zip(stored_events, positions, strict=True)
    ]
    return sorted(events, key=lambda e: e.position)


class Chained:
    """What every chained recorder has: its `ChainWriter` and `start_chain`."""

    chain: ChainWriter
    postgres = False
    """True for the PostgreSQL recorder (`shared.audit.recorders_postgres`)."""

    def start_chain(self) -> int:
        raise NotImplementedError

    def delete_ready(self, up_to: int) -> None:
        raise NotImplementedError


class ChainedSQLiteApplicationRecorder(Chained, SQLiteApplicationRecorder):
    def __init__(self, datastore: SQLiteDatastore, events_table_name: str = "stored_events") -> None:
        self.chain = ChainWriter(
            ChainSQL(
                chain_table=f"{events_table_name}_chain",
                start_table=f"{events_table_name}_chain_start",
                events_table=events_table_name,
                position="rowid",
                mark="?",
            ),
            _uuid_text,
        )
        self.outbox = OutboxWriter(
            OutboxSQL(table=f"{events_table_name}_outbox", mark="?", blob="BLOB", bigint="INTEGER")
        )
        super().__init__(datastore, events_table_name)

    def construct_create_table_statements(self) -> list[str]:
        statements = super().construct_create_table_statements()
        if hasattr(self, "chain"):
            statements.extend(self.chain.sql.create_statements("INTEGER"))
            statements.append(self.outbox.sql.create)
        return statements

    def _insert_events(self, c: Any, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        positions = super()._insert_events(c, stored_events, **kwargs)
        if stored_events:
            events = _new_events(stored_events, positions)
            self.outbox.write(c, events, self.chain.append(c, events))
        return positions

    def read_rows(self, statement: str, params: Sequence[Any] = ()) -> list[Any]:
        with self.datastore.transaction(commit=False) as c:
            c.execute(statement, params)
            return list(c.fetchall())

    def start_chain(self) -> int:
        with self.datastore.transaction(commit=True) as c:
            return self.chain.start(c)

    def delete_ready(self, up_to: int) -> None:
        """Delete the ready messages (`shared.outbox`) of positions up to `up_to`."""
        with self.datastore.transaction(commit=True) as c:
            c.execute(self.outbox.sql.prune, (up_to,))


if TYPE_CHECKING:
    from shared.audit.recorders_postgres import ChainedPostgresApplicationRecorder

    ChainedRecorder = ChainedSQLiteApplicationRecorder | ChainedPostgresApplicationRecorder
else:
    ChainedRecorder = Chained


def is_chained(recorder: Any) -> bool:
    return isinstance(recorder, Chained)


def _is_postgres_factory(factory: Any) -> bool:
    """Whether `factory` is the library's PostgreSQL factory, without importing psycopg where it
    was never used: a PostgreSQL factory exists only once its module has been imported."""
    module = sys.modules.get("eventsourcing.postgres")
    return module is not None and isinstance(factory, module.PostgresFactory)


def chained_recorder(factory: Any) -> ChainedRecorder | None:
    """A chained application recorder for the factory's store, or None (in-memory store)."""
    from eventsourcing.sqlite import SQLiteFactory

    recorder: ChainedRecorder
    if isinstance(factory, SQLiteFactory):
        recorder = ChainedSQLiteApplicationRecorder(factory.datastore)
    elif _is_postgres_factory(factory):
        from shared.audit.recorders_postgres import ChainedPostgresApplicationRecorder

        prefix = factory.env.name.lower() or "stored"
        recorder = ChainedPostgresApplicationRecorder(factory.datastore, events_table_name=f"{prefix}_events")
    else:
        return None
    if factory.env_create_table():
        recorder.create_table()
    return recorder
