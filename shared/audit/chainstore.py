"""Reading the chain back from a store: for the relay (the links of the events it publishes), the
checkpoints (a chain's head up to a position) and the verification (every event with its link).

Reads only: no lock is taken, and what a read sees is what was committed before it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from shared.audit.chain import ChainLink, Head
from shared.audit.recorders import ChainedRecorder, _uuid_text, is_chained

LINK_COLUMNS = (
    "position",
    "originator_id",
    "originator_version",
    "event_id",
    "prev_hash",
    "hash",
    "log_index",
    "log_hash",
    "stream_index",
    "stream_hash",
)


@dataclass(frozen=True)
class StoredRecord:
    """One stored event as the store holds it now, with its chain row (None when it has none)."""

    position: int
    aggregate_id: str
    aggregate_version: int
    topic: str
    state: bytes
    link: ChainLink | None


@dataclass(frozen=True)
class ChainStart:
    """Events found unchained and chained later (an existing history's starting point)."""

    started_at: str
    first_position: int
    last_position: int
    events: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "started_at": self.started_at,
            "first_position": self.first_position,
            "last_position": self.last_position,
            "events": self.events,
        }


def _link(row: Any) -> ChainLink:
    return ChainLink(
        position=int(row["position"]),
        aggregate_id=str(row["originator_id"]),
        aggregate_version=int(row["originator_version"]),
        event_id=str(row["event_id"]),
        prev_hash=str(row["prev_hash"]),
        hash=str(row["hash"]),
        log_index=int(row["log_index"]),
        log_hash=str(row["log_hash"]),
        stream_index=None if row["stream_index"] is None else int(row["stream_index"]),
        stream_hash=None if row["stream_hash"] is None else str(row["stream_hash"]),
    )


class ChainReader:
    def __init__(self, recorder: ChainedRecorder) -> None:
        self.recorder = recorder
        self.sql = recorder.chain.sql
        self.postgres = recorder.postgres

    @classmethod
    def of(cls, app: Any) -> ChainReader | None:
        recorder = getattr(app, "recorder", None)
        return cls(recorder) if is_chained(recorder) else None

    def _rows(self, statement: str, params: Sequence[Any] = ()) -> list[Any]:
        if self.postgres:
            with self.recorder.datastore.get_connection() as conn, conn.cursor() as curs:  # type: ignore[union-attr]
                curs.execute(statement, params)
                return list(curs.fetchall())
        with self.recorder.datastore.transaction(commit=False) as c:  # type: ignore[union-attr]
            c.execute(statement, params)
            return list(c.fetchall())

    def _in(self, count: int) -> str:
        return ", ".join([self.sql.mark] * count)

    # -- the relay ----------------------------------------------------------------------------------
    def links(self, keys: Sequence[tuple[str, int]]) -> dict[tuple[str, int], ChainLink]:
        """The chain rows of these (aggregate id, version) keys.

        Read by each aggregate's range of versions, not by aggregate: a receipt number sequence
        has one row per dossier received in the year, and reading all of them for every relay
        batch made publishing slower as the year went on (docs/performance.md)."""
        ranges: dict[str, tuple[int, int]] = {}
        for aggregate, version in keys:
            key, v = _uuid_text(aggregate), int(version)
            low, high = ranges.get(key, (v, v))
            ranges[key] = (min(low, v), max(high, v))
        found: dict[tuple[str, int], ChainLink] = {}
        items = sorted(ranges.items())
        columns, m = ", ".join(LINK_COLUMNS), self.sql.mark
        for start in range(0, len(items), 200):
            chunk = items[start : start + 200]
            where = " OR ".join([f"(originator_id = {m} AND originator_version BETWEEN {m} AND {m})"] * len(chunk))
            params = [p for key, (low, high) in chunk for p in (key, low, high)]
            for row in self._rows(f"SELECT {columns} FROM {self.sql.chain_table} WHERE {where}", params):
                link = _link(row)
                found[(link.aggregate_id, link.aggregate_version)] = link
        wanted = {(_uuid_text(a), int(v)) for a, v in keys}
        return {k: v for k, v in found.items() if k in wanted}

    # -- checkpoints ----------------------------------------------------------------------------------
    def heads(self, through_position: int | None = None) -> tuple[Head, Head]:
        """The log chain's and the public stream chain's heads over the events stored at or
        before `through_position` (all when None)."""
        m = self.sql.mark
        where, params = ("", []) if through_position is None else (f"WHERE position <= {m}", [through_position])
        log = self._rows(
            f"SELECT log_index, log_hash FROM {self.sql.chain_table} {where} ORDER BY log_index DESC LIMIT 1", params
        )
        where = "WHERE stream_index IS NOT NULL" + ("" if through_position is None else f" AND position <= {m}")
        stream = self._rows(
            f"SELECT stream_index, stream_hash FROM {self.sql.chain_table} {where} ORDER BY stream_index DESC LIMIT 1",
            params,
        )
        return (
            Head(int(log[0]["log_index"]), str(log[0]["log_hash"])) if log else Head(),
            Head(int(stream[0]["stream_index"]), str(stream[0]["stream_hash"])) if stream else Head(),
        )

    # -- verification ---------------------------------------------------------------------------------
    def records(self, batch: int = 1000) -> Iterator[list[StoredRecord]]:
        """Every stored event in notification order, with its chain row, in batches."""
        events, chain, position = self.sql.events_table, self.sql.chain_table, self.sql.position
        m = self.sql.mark
        key = "CAST(e.originator_id AS TEXT)" if self.postgres else "e.originator_id"
        columns = ", ".join(f"c.{c} AS c_{c}" for c in LINK_COLUMNS)
        after = 0
        while True:
            rows = self._rows(
                f"SELECT e.{position} AS e_position, e.originator_id AS e_originator_id, "
                f"e.originator_version AS e_version, e.topic AS e_topic, e.state AS e_state, {columns} "
                f"FROM {events} e LEFT JOIN {chain} c ON c.originator_id = {self._join_key(key)} "
                f"AND c.originator_version = e.originator_version "
                f"WHERE e.{position} > {m} ORDER BY e.{position} LIMIT {m}",
                (after, batch),
            )
            if not rows:
                return
            out = []
            for row in rows:
                link = None
                if row["c_hash"] is not None:
                    link = _link({c: row[f"c_{c}"] for c in LINK_COLUMNS})
                out.append(
                    StoredRecord(
                        position=int(row["e_position"]),
                        aggregate_id=_uuid_text(row["e_originator_id"]),
                        aggregate_version=int(row["e_version"]),
                        topic=str(row["e_topic"]),
                        state=bytes(row["e_state"]),
                        link=link,
                    )
                )
            yield out
            after = out[-1].position

    def records_of(self, aggregate_ids: list[str]) -> list[StoredRecord]:
        """Every stored event of these aggregates, with its chain row, in version order."""
        events, chain, position = self.sql.events_table, self.sql.chain_table, self.sql.position
        key = "CAST(e.originator_id AS TEXT)" if self.postgres else "e.originator_id"
        columns = ", ".join(f"c.{c} AS c_{c}" for c in LINK_COLUMNS)
        found: list[StoredRecord] = []
        for aggregate_id in aggregate_ids:
            stored_id: Any = UUID(aggregate_id) if self.postgres else UUID(aggregate_id).hex
            rows = self._rows(
                f"SELECT e.{position} AS e_position, e.originator_id AS e_originator_id, "
                f"e.originator_version AS e_version, e.topic AS e_topic, e.state AS e_state, {columns} "
                f"FROM {events} e LEFT JOIN {chain} c ON c.originator_id = {self._join_key(key)} "
                f"AND c.originator_version = e.originator_version "
                f"WHERE e.originator_id = {self.sql.mark} ORDER BY e.originator_version",
                (stored_id,),
            )
            for row in rows:
                link = _link({c: row[f"c_{c}"] for c in LINK_COLUMNS}) if row["c_hash"] is not None else None
                found.append(
                    StoredRecord(
                        int(row["e_position"]),
                        _uuid_text(row["e_originator_id"]),
                        int(row["e_version"]),
                        str(row["e_topic"]),
                        bytes(row["e_state"]),
                        link,
                    )
                )
        return found

    def stream_segment(self, first: int, last: int) -> list[tuple[int, str, str]]:
        """(index, hash, stream_hash) of the public stream chain from `first` to `last`."""
        m = self.sql.mark
        rows = self._rows(
            f"SELECT stream_index, hash, stream_hash FROM {self.sql.chain_table} "
            f"WHERE stream_index >= {m} AND stream_index <= {m} ORDER BY stream_index",
            (first, last),
        )
        return [(int(r["stream_index"]), str(r["hash"]), str(r["stream_hash"])) for r in rows]

    def _join_key(self, key: str) -> str:
        if self.postgres:
            return key
        # SQLite stores a UUID as 32 hex digits; the chain table as the usual text form.
        return (
            f"lower(substr({key},1,8)||'-'||substr({key},9,4)||'-'||substr({key},13,4)||'-'||"
            f"substr({key},17,4)||'-'||substr({key},21,12))"
        )

    def orphan_links(self) -> list[ChainLink]:
        """Chain rows whose event is no longer in the store (a deleted event)."""
        events, chain = self.sql.events_table, self.sql.chain_table
        same = (
            "e.originator_id = CAST(c.originator_id AS uuid)"
            if self.postgres
            else "e.originator_id = replace(c.originator_id, '-', '')"
        )
        rows = self._rows(
            f"SELECT {', '.join('c.' + c for c in LINK_COLUMNS)} FROM {chain} c WHERE NOT EXISTS ("
            f"SELECT 1 FROM {events} e WHERE {same} AND e.originator_version = c.originator_version)"
        )
        return sorted((_link(r) for r in rows), key=lambda link: link.log_index)

    def count(self) -> int:
        rows = self._rows(f"SELECT COUNT(*) AS n FROM {self.sql.events_table}")
        return int(rows[0]["n"])

    def starts(self) -> list[ChainStart]:
        rows = self._rows(
            f"SELECT started_at, first_position, last_position, events FROM {self.sql.start_table} ORDER BY started_at"
        )
        return [
            ChainStart(str(r["started_at"]), int(r["first_position"]), int(r["last_position"]), int(r["events"]))
            for r in rows
        ]
