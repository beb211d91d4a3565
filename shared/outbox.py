"""Ready messages: each event's public message, made when the event is stored.

The outbox relay used to read every stored event back, decode it, rebuild its aggregate's state
and map it to its contract before publishing it (docs/performance.md, fix 20). Now the
application maps each new event when it saves it (`shared.messaging.ready`: the aggregate is in
hand then) and the chained recorder (`shared.audit.recorders`) writes the result into a table
beside the events table (`<events table>_outbox`), **in the transaction that stores the
events**, once their positions and hash-chain links are known:

- the contract's subject, its CloudEvents headers and its JSON payload, chain fields included,
  exactly as the relay would have made them; encrypted with the store's cipher when it has one
  (the payload carries personal data, as the events do);
- a row with no subject for an event the mapper declares internal (nothing to publish);
- the headers of the event's journal entry (`shared.messaging.journal`), hash-chain links
  included, so the relay need not read the chain.

The relay reads these rows beside the notification log, in position order, and publishes the
bytes as they are. An event without a row (stored before this existed, re-imported by `tdkt
store reconcile`, saved by a mapper that failed at that moment, or one of several events of an
existing aggregate in one save) is mapped by the relay as before; a row that does not name the
event stored at its position (aggregate, version and event id) is ignored the same way. Rows
are derived data: deleting them only makes the relay map those events itself. Once the relay has
recorded a position, the rows up to it are never read again and it deletes them
(`OutboxRelay.prune_every`), so the table holds only what is not yet published.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from eventsourcing.persistence import Cipher

from shared.messaging.journal import entry_headers

Row = tuple[int, str, int, str, str | None, bytes | None, str]


@dataclass(frozen=True)
class Prepared:
    """One new event's public message as the application mapped it, before it is stored."""

    event_id: str
    subject: str | None
    """None: the event is internal, nothing is published."""
    payload: dict[str, Any] | None = None
    """The contract's JSON payload; its chain fields are filled in when the event is stored."""
    headers: dict[str, str] | None = None


PREPARED: ContextVar[dict[tuple[str, int], Prepared] | None] = ContextVar("tdkt_prepared_messages", default=None)
"""The messages of the save running in this thread, by (aggregate id, version)."""


@dataclass(frozen=True)
class ReadyMessage:
    """A ready row as the relay reads it back."""

    position: int
    originator_id: str
    originator_version: int
    event_id: str
    subject: str | None
    data: bytes | None
    headers: dict[str, str] | None
    """The public message's headers."""
    journal_headers: dict[str, str]


class OutboxSQL:
    def __init__(self, *, table: str, mark: str, blob: str, bigint: str) -> None:
        self.table = table
        m = mark
        self.create = (
            f"CREATE TABLE IF NOT EXISTS {table} ("
            f"position {bigint} PRIMARY KEY, "
            "originator_id TEXT NOT NULL, "
            f"originator_version {bigint} NOT NULL, "
            "event_id TEXT NOT NULL, "
            "subject TEXT, "
            f"payload {blob}, "
            "headers TEXT NOT NULL)"
        )
        # headers: {"message": the public message's headers or null, "journal": the journal entry's}
        columns = "position, originator_id, originator_version, event_id, subject, payload, headers"
        self.columns = columns
        # A row at a position already taken names another event (a store restored around it):
        # the new event's row replaces it.
        self.insert = (
            f"INSERT INTO {table} ({columns}) VALUES ({', '.join([m] * 7)}) "
            "ON CONFLICT (position) DO UPDATE SET originator_id = excluded.originator_id, "
            "originator_version = excluded.originator_version, event_id = excluded.event_id, "
            "subject = excluded.subject, payload = excluded.payload, headers = excluded.headers"
        )
        self.select = f"SELECT {columns} FROM {table} WHERE position >= {m} AND position <= {m}"
        self.prune = f"DELETE FROM {table} WHERE position <= {m}"


class OutboxWriter:
    """Writes the ready rows of a save's new events, on a cursor inside the storing transaction."""

    def __init__(self, sql: OutboxSQL) -> None:
        self.sql = sql
        self.cipher: Cipher | None = None
        """The store's cipher (`TdktApplication` sets it): payloads are encrypted like events."""

    def write(self, cursor: Any, events: Sequence[Any], links: Sequence[Any]) -> None:
        """`events` (`NewEvent`s, in notification order) with their chain `links`."""
        prepared = PREPARED.get()
        if not prepared:
            return
        rows: list[Row] = []
        for event, link in zip(events, links, strict=True):
            ready = prepared.get((event.aggregate_id, event.aggregate_version))
            if ready is None:
                continue
            journal = entry_headers(
                ready.event_id,
                event.position,
                event.aggregate_id,
                event.aggregate_version,
                event.topic,
                link.journal_headers(),
            )
            data = None
            if ready.subject is not None and ready.payload is not None:
                payload = dict(ready.payload)
                payload.update(link.envelope_fields())
                data = json.dumps(payload).encode()
                if self.cipher is not None:
                    data = self.cipher.encrypt(data)
            headers = json.dumps({"message": ready.headers if data is not None else None, "journal": journal})
            rows.append(
                (
                    event.position,
                    event.aggregate_id,
                    event.aggregate_version,
                    ready.event_id,
                    ready.subject if data is not None else None,
                    data,
                    headers,
                )
            )
        if rows:
            cursor.executemany(self.sql.insert, rows)


def read_ready(
    rows: Callable[[str, Sequence[Any]], list[Any]],
    sql: OutboxSQL,
    first: int,
    last: int,
    cipher: Cipher | None,
) -> dict[int, ReadyMessage]:
    """The ready rows of positions `first`..`last`, by position (`rows` runs a read)."""
    found: dict[int, ReadyMessage] = {}
    for row in rows(sql.select, (first, last)):
        data = row["payload"]
        if data is not None:
            data = bytes(data)
            if cipher is not None:
                data = cipher.decrypt(data)
        headers = json.loads(row["headers"])
        found[int(row["position"])] = ReadyMessage(
            position=int(row["position"]),
            originator_id=str(row["originator_id"]),
            originator_version=int(row["originator_version"]),
            event_id=str(row["event_id"]),
            subject=row["subject"],
            data=data,
            headers=headers.get("message"),
            journal_headers=headers["journal"],
        )
    return found
