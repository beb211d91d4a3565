"""The dossiers service's query model: one row per dossier, for listing and searching.

`GET /dossiers` reads these tables instead of replaying every dossier on every request. They
live in the service's own view database (SQLite by default, PostgreSQL when configured) and are
fed from the service's OWN event store: `catch_up` reads the notification log after the last
position it applied, brings each dossier that changed in that batch to its state after the
batch, and writes the rows and the new position in one transaction. The position only moves by compare-and-set (from the
value it was read at to the batch's last id), so two threads or two replicas catching up at the
same time never both commit a batch: the loser rolls back and reads again. A batch applied
twice would write the same rows anyway (a row holds a dossier's state, not increments, and a
row is only replaced by a higher version), so the effect is exactly once.

Nominee names are stored folded (no diacritics, lower case, punctuation as spaces) in their own
table, so a clerk's "nguyen thi huong" finds "Nguyễn Thị Hương" in SQL with the same rule as
`shared.text.matches` (every word a substring of one nominee's name). A substring search cannot
use a B-tree index, so the names are also in a trigram index: on SQLite an FTS5 table with the
`trigram` tokenizer (`dossiers_query_names`, kept by `_write`), on PostgreSQL a `pg_trgm` GIN
index on the folded names (used by the planner for the same `LIKE '%…%'`). A trigram index finds
words of three letters or more; the `LIKE` conditions are kept on the rows it finds, so the
answer is exactly the scan's, and a search made only of shorter words scans as before. Without
FTS5 or `pg_trgm` (the extension cannot be created) the search scans.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import threading
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Notification
from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Connection,
    Date,
    Engine,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    and_,
    bindparam,
    delete,
    insert,
    not_,
    or_,
    select,
    update,
)
from sqlalchemy.exc import DBAPIError, IntegrityError

from services.dossiers.application import Dossiers
from services.dossiers.domain.dossier import Dossier
from shared.background import BackgroundLoop
from shared.sqlstore import create_all
from shared.text import fold_vietnamese
from shared.topics import topics_of

log = logging.getLogger(__name__)

metadata = MetaData()

dossier_rows = Table(
    "dossiers_query",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("position", BigInteger, nullable=False),  # notification id of its first event: submission order
    Column("version", Integer, nullable=False),
    Column("receipt_number", String(100), nullable=True),
    Column("status", String(40), nullable=False),
    Column("channel", String(40), nullable=False),
    Column("proposing_unit", String(100), nullable=False),
    Column("award_type", String(40), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("campaign_id", String(64), nullable=True),
    Column("emulation_year", Integer, nullable=True),
    Column("received_on", Date, nullable=False),
    Column("received_year", Integer, nullable=False),
    Column("appointment_date", Date, nullable=True),
    Column("clock_running", Boolean, nullable=False),
    Column("decision_number", String(100), nullable=True),
    Column("deciding_authority", String(100), nullable=True),
    Column("nominees", Text, nullable=False),  # JSON list of {nominee_id, name, award}
)
Index("ix_dossiers_query_position", dossier_rows.c.position)
Index("ix_dossiers_query_unit", dossier_rows.c.proposing_unit, dossier_rows.c.position)
Index("ix_dossiers_query_status", dossier_rows.c.status, dossier_rows.c.position)
Index("ix_dossiers_query_year", dossier_rows.c.received_year, dossier_rows.c.position)
Index("ix_dossiers_query_campaign", dossier_rows.c.campaign_id, dossier_rows.c.position)
Index(  # a unit's dossiers of a year in a status: the clerk's usual list
    "ix_dossiers_query_unit_year_status",
    dossier_rows.c.proposing_unit,
    dossier_rows.c.received_year,
    dossier_rows.c.status,
    dossier_rows.c.position,
)

nominee_rows = Table(
    "dossiers_query_nominees",
    metadata,
    Column("dossier_id", String(36), primary_key=True),
    Column("idx", Integer, primary_key=True),
    Column("folded_name", String(500), nullable=False),
)

name_index = Table(  # SQLite only: an FTS5 virtual table, created by `_create_name_index`
    "dossiers_query_names",
    MetaData(),
    Column("rowid", BigInteger, primary_key=True),  # `name_key(dossier_id, idx)`
    Column("folded_name", Text),
    Column("dossier_id", String(36)),  # UNINDEXED
)
TRIGRAM = 3
"""A trigram index finds words of at least this many characters."""

positions = Table(
    "dossiers_query_position",
    metadata,
    Column("name", String(40), primary_key=True),
    Column("position", BigInteger, nullable=False),
)

POSITION_NAME = "dossiers"

# The statements a catch-up runs, built once (building one costs more than running it on a
# batch of a second's dossiers; docs/performance.md, fix 25).
_READ_POSITION = select(positions.c.position).where(positions.c.name == POSITION_NAME)
_MOVE_POSITION = (
    update(positions)
    .where(positions.c.name == POSITION_NAME, positions.c.position == bindparam("start"))
    .values(position=bindparam("end"))
)
_STORED = select(dossier_rows.c.id, dossier_rows.c.version, dossier_rows.c.position).where(
    dossier_rows.c.id.in_(bindparam("ids", expanding=True))
)
_STORED_NAMES = select(nominee_rows.c.dossier_id, nominee_rows.c.idx).where(
    nominee_rows.c.dossier_id.in_(bindparam("ids", expanding=True))
)
_DELETE_NAMES = delete(name_index).where(name_index.c.rowid.in_(bindparam("keys", expanding=True)))
_DELETE_ROWS = delete(dossier_rows).where(dossier_rows.c.id.in_(bindparam("ids", expanding=True)))
_DELETE_NOMINEES = delete(nominee_rows).where(nominee_rows.c.dossier_id.in_(bindparam("ids", expanding=True)))
_INSERT_ROWS = insert(dossier_rows)
_INSERT_NOMINEES = insert(nominee_rows)
_INSERT_NAMES = insert(name_index)
DOSSIER_TOPIC_PREFIXES = tuple(f"{topic}." for topic in topics_of(Dossier))
"""The dossier's events, under every module name it was stored under (`shared.topics`)."""


def folded_words(text: str) -> str:
    """A name as `shared.text.matches` compares it: folded, punctuation as single spaces."""
    return " ".join("".join(ch if ch.isalnum() and ch.isascii() else " " for ch in fold_vietnamese(text)).split())


def name_key(dossier_id: str, idx: int) -> int:
    """The trigram index's row id of a dossier's `idx`-th nominee: a 64-bit hash (a row id of the
    nominees table itself would do, but VACUUM may renumber those)."""
    digest = hashlib.blake2b(f"{dossier_id}/{idx}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def _create_name_index(engine: Engine) -> bool:
    """The trigram index of the nominees' folded names, if the database can have one; whether
    searches should query it (SQLite's FTS5 table; PostgreSQL's GIN index needs no change of query)."""
    if engine.dialect.name == "postgresql":
        try:
            with engine.begin() as conn:
                conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
                conn.exec_driver_sql(
                    "CREATE INDEX IF NOT EXISTS ix_dossiers_query_nominees_trgm "
                    "ON dossiers_query_nominees USING gin (folded_name gin_trgm_ops)"
                )
        except DBAPIError as exc:  # no pg_trgm here, or no right to create it: searches scan
            log.warning("dossiers query model: no trigram index of names (%s); name searches scan", exc)
        return False
    if engine.dialect.name != "sqlite":
        return False
    try:
        with engine.begin() as conn:
            exists = conn.exec_driver_sql(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'dossiers_query_names'"
            ).first()
            if exists:
                return True
            conn.exec_driver_sql(
                "CREATE VIRTUAL TABLE IF NOT EXISTS dossiers_query_names "
                "USING fts5(folded_name, dossier_id UNINDEXED, tokenize = 'trigram')"
            )
            conn.exec_driver_sql("DELETE FROM dossiers_query_names")  # (another process may have filled it)
            rows = conn.execute(select(nominee_rows)).all()
            if rows:
                conn.execute(insert(name_index), [_name_row(r.dossier_id, r.idx, r.folded_name) for r in rows])
    except DBAPIError as exc:  # an SQLite without FTS5 or its trigram tokenizer (before 3.34)
        log.warning("dossiers query model: no trigram index of names (%s); name searches scan", exc)
        return False
    return True


def _name_row(dossier_id: str, idx: int, folded_name: str) -> dict[str, Any]:
    return {"rowid": name_key(dossier_id, idx), "folded_name": folded_name, "dossier_id": dossier_id}


def row_of(dossier: Dossier, position: int) -> dict[str, Any]:
    return {
        "id": str(dossier.id),
        "position": position,
        "version": dossier.version,
        "receipt_number": dossier.receipt_number,
        "status": dossier.status.value,
        "channel": dossier.channel.value,
        "proposing_unit": dossier.proposing_unit,
        "award_type": dossier.award_type.value,
        "kind": dossier.kind.value,
        "campaign_id": dossier.campaign_id,
        "emulation_year": dossier.emulation_year,
        "received_on": dossier.received_on,
        "received_year": dossier.received_on.year,
        "appointment_date": dossier.appointment_date,
        "clock_running": bool(dossier.clock_running),
        "decision_number": dossier.decision.number if dossier.decision else None,
        "deciding_authority": dossier.deciding_authority,
        "nominees": json.dumps(
            [{"nominee_id": n.nominee_id, "name": n.name, "award": n.award} for n in dossier.nominees],
            ensure_ascii=False,
        ),
    }


@dataclass(frozen=True)
class DossierFilter:
    """What `GET /dossiers` filters on; None means any."""

    proposing_unit: str | None = None
    status: str | None = None
    award_type: str | None = None
    kind: str | None = None
    campaign_id: str | None = None
    year: int | None = None
    overdue_on: date | None = None
    not_overdue_on: date | None = None
    nominee_name: str | None = None
    within_units: frozenset[str] | None = None
    """Only dossiers proposed by, or addressed to, one of these units (a desk clerk's reach)."""


class _PositionMoved(Exception):
    """Another thread or replica applied this batch first."""


class DossierQueryModel:
    """The projection and its queries. `catch_up` is safe from several threads and processes."""

    def __init__(self, engine: Engine, app: Dossiers, *, batch_size: int = 500) -> None:
        self.engine = engine
        self.app = app
        self.batch_size = batch_size
        self._lock = threading.Lock()
        create_all(metadata, engine)
        try:
            with engine.begin() as conn:
                if conn.execute(select(positions.c.position).where(positions.c.name == POSITION_NAME)).first() is None:
                    conn.execute(insert(positions).values(name=POSITION_NAME, position=0))
        except IntegrityError:
            pass  # another replica starting at the same moment inserted it
        self.name_index = _create_name_index(engine)
        """Whether name searches go through the SQLite trigram table."""

    # --- projection ------------------------------------------------------------------------

    def position(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(_READ_POSITION).scalar_one())

    def catch_up(self, progress: Callable[[int], None] | None = None) -> int:
        """Apply every notification stored after the position; the number of notifications read.

        The position is read once (it may have been reset, or moved by a replica), then follows
        the batches this call applies; it is read again only when another thread or replica
        applied a batch first. A batch shorter than `batch_size` was everything stored when it
        was read, so no empty read follows it."""
        read = 0
        with self._lock:
            start = self.position()
            while True:
                batch = self.app.recorder.select_notifications(start=start + 1, limit=self.batch_size)
                if not batch:
                    return read
                first_seen: dict[UUID, int] = {}
                for n in batch:
                    if n.topic.startswith(DOSSIER_TOPIC_PREFIXES):
                        first_seen.setdefault(n.originator_id, n.id)
                dossiers = self._states_after(batch)
                if not self._apply(start, batch[-1].id, dossiers, first_seen):
                    start = self.position()
                    continue
                start = batch[-1].id
                read += len(batch)
                if progress is not None:
                    progress(start)
                if len(batch) < self.batch_size:
                    return read

    def _states_after(self, batch: Sequence[Notification]) -> list[Dossier]:
        """Each changed dossier as it stands after the batch: its events in the batch applied to
        its state before them (none for a dossier submitted in the batch, the usual case when
        catching up, so most dossiers cost no extra read)."""
        states: dict[UUID, Any] = {}
        for n in batch:
            if not n.topic.startswith(DOSSIER_TOPIC_PREFIXES):
                continue
            if n.originator_id not in states:
                before = n.originator_version - 1
                states[n.originator_id] = self.app.get(n.originator_id, version=before) if before else None
            states[n.originator_id] = self.app.mapper.to_domain_event(n).mutate(states[n.originator_id])
        return [d for d in states.values() if isinstance(d, Dossier)]

    def _apply(self, start: int, end: int, dossiers: Sequence[Dossier], first_seen: dict[UUID, int]) -> bool:
        """One transaction: move the position from `start` to `end` and write the rows. False when
        another process moved the position first (nothing is written then)."""
        try:
            with self.engine.begin() as conn:
                self._apply_in(conn, start, end, dossiers, first_seen)
        except _PositionMoved:
            return False
        return True

    def _apply_in(
        self, conn: Connection, start: int, end: int, dossiers: Sequence[Dossier], first_seen: dict[UUID, int]
    ) -> None:
        if conn.execute(_MOVE_POSITION, {"start": start, "end": end}).rowcount != 1:
            raise _PositionMoved()  # rolls the transaction back
        ids = [str(d.id) for d in dossiers]
        stored: dict[str, tuple[int, int]] = {}
        for chunk in _chunks(ids, 500):
            for rid, version, pos in conn.execute(_STORED, {"ids": chunk}):
                stored[rid] = (version, pos)
        newer = [d for d in dossiers if str(d.id) not in stored or stored[str(d.id)][0] < d.version]
        if newer:
            self._write(conn, newer, stored, first_seen)

    def _write(
        self,
        conn: Connection,
        dossiers: Sequence[Dossier],
        stored: dict[str, tuple[int, int]],
        first_seen: dict[UUID, int],
    ) -> None:
        """Replace the rows of `dossiers`: only those with a row already (`stored`: version and
        position by id) have rows and names to delete first; a dossier new to the model keeps
        the position of its first event."""
        replaced = [str(d.id) for d in dossiers if str(d.id) in stored]
        for chunk in _chunks(replaced, 500):
            if self.name_index:
                keys = [name_key(d, i) for d, i in conn.execute(_STORED_NAMES, {"ids": chunk})]
                for part in _chunks(keys, 500):
                    conn.execute(_DELETE_NAMES, {"keys": part})
            conn.execute(_DELETE_ROWS, {"ids": chunk})
            conn.execute(_DELETE_NOMINEES, {"ids": chunk})
        rows = []
        for d in dossiers:
            rid = str(d.id)
            rows.append(row_of(d, stored[rid][1] if rid in stored else first_seen[d.id]))
        conn.execute(_INSERT_ROWS, rows)
        self.insert_names(
            conn, [(str(d.id), i, folded_words(n.name)) for d in dossiers for i, n in enumerate(d.nominees)]
        )

    def insert_names(self, conn: Connection, names: Sequence[tuple[str, int, str]]) -> None:
        """Add nominees' folded names (dossier id, index, folded name) to the table and the index."""
        if not names:
            return
        conn.execute(_INSERT_NOMINEES, [{"dossier_id": d, "idx": i, "folded_name": f} for d, i, f in names])
        if self.name_index:
            conn.execute(_INSERT_NAMES, [_name_row(d, i, f) for d, i, f in names])

    def follow(self, interval_seconds: float) -> Callable[[], Awaitable[None]]:
        """A background job keeping the model caught up every `interval_seconds`."""

        async def step() -> None:
            await asyncio.to_thread(self.catch_up)

        def failed(_: BaseException) -> None:
            log.exception("dossiers query model: catching up failed; will try again")

        loop = BackgroundLoop(  # `shared.background`
            "dossiers query model", step, interval=interval_seconds, max_backoff=interval_seconds, on_error=failed
        )
        return loop.run

    # --- queries ---------------------------------------------------------------------------

    def search(self, where: DossierFilter, *, offset: int = 0, limit: int | None = None) -> list[dict[str, Any]]:
        """Rows matching every filter, in submission order."""
        t = dossier_rows.c
        conditions: list[Any] = []
        for column, value in (
            (t.proposing_unit, where.proposing_unit),
            (t.status, where.status),
            (t.award_type, where.award_type),
            (t.kind, where.kind),
            (t.campaign_id, where.campaign_id),
            (t.received_year, where.year),
        ):
            if value is not None:
                conditions.append(column == value)
        if where.within_units is not None:
            reach = sorted(where.within_units)
            conditions.append(or_(t.proposing_unit.in_(reach), t.deciding_authority.in_(reach)))
        if where.overdue_on is not None:
            conditions.append(_overdue(where.overdue_on))
        if where.not_overdue_on is not None:
            conditions.append(not_(_overdue(where.not_overdue_on)))
        words = folded_words(where.nominee_name or "").split()
        if words:
            conditions.append(t.id.in_(self._named(words)))
        query = select(dossier_rows).where(*conditions).order_by(t.position).offset(offset)
        if limit is not None:
            query = query.limit(limit)
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(query)]

    def _named(self, words: Sequence[str]) -> Any:
        """The ids of dossiers with a nominee whose folded name holds every word: through the
        trigram index for the words it can find, the exact substring test on what it finds."""
        long_words = [w for w in words if len(w) >= TRIGRAM]
        if self.name_index and long_words:
            f = name_index.c
            found = " AND ".join(f'"{w}"' for w in long_words)  # folded words: [a-z0-9] only
            return select(f.dossier_id).where(
                f.folded_name.op("MATCH")(found), *[f.folded_name.contains(w, autoescape=True) for w in words]
            )
        # One pass over the nominees, not one probe per dossier (a rare name would otherwise
        # probe every dossier in position order before finding a page); on PostgreSQL the
        # trigram index serves these LIKEs.
        n = nominee_rows.c
        return select(n.dossier_id).where(*[n.folded_name.contains(w, autoescape=True) for w in words])

    def ids(self, where: DossierFilter) -> list[str]:
        return [r["id"] for r in self.search(where)]


def _overdue(on: date) -> Any:
    t = dossier_rows.c
    return and_(t.clock_running.is_(True), t.appointment_date.is_not(None), t.appointment_date < on)


def _chunks(items: Sequence[str], size: int) -> Iterable[Sequence[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]
