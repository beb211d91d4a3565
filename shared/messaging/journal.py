"""The journal of an event store: every stored event, exactly as stored, in a stream of its own.

The public streams carry contracts (what other services may rely on); they leave out internal
events (the dossiers' number sequences) and cannot rebuild a stored event byte for byte. The
relay therefore also appends each stored event, alongside its public message, to the service's
journal stream (`journal.<service>`): the stored state as the payload, the record's keys in
headers. Two things follow:

- a service can compare its store with its own history at start-up (`storecheck`): a store
  restored from last night's backup lacks the journal's newest entries;
- an operator can re-import what a restore lost (`reconcile`), number sequences included, so a
  receipt or decision number is never issued twice.

An *epoch marker* (`tdkt-journal-kind: epoch`) closes one numbering of positions and opens the
next: after a reconcile the re-imported events sit at new positions in the store, and after an
operator deliberately accepts a store as it is (`--new-epoch`) the journal's older entries no
longer describe it. Readers of the journal's tail stop at the newest marker.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Notification, StoredEvent

from shared.audit.chain import ChainLink
from shared.streams import journal_stream, journal_subject

KIND = "tdkt-journal-kind"
CHAIN_HEADERS = ("tdkt-prev-hash", "tdkt-hash", "tdkt-log-index", "tdkt-log-hash")
EVENT = "event"
EPOCH = "epoch"


@dataclass(frozen=True)
class StoreHead:
    """One stored event, named well enough to find it again in a store: by aggregate and version
    (the store's primary key), checked by its event id."""

    position: int
    event_id: str
    originator_id: str
    originator_version: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "position": self.position,
            "event_id": self.event_id,
            "originator_id": self.originator_id,
            "originator_version": self.originator_version,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> StoreHead | None:
        if not data:
            return None
        return cls(
            position=int(data["position"]),
            event_id=str(data["event_id"]),
            originator_id=str(data["originator_id"]),
            originator_version=int(data["originator_version"]),
        )


def entry_headers(
    event_id: str, position: int, originator_id: str, version: int, topic: str, chain: dict[str, str] | None
) -> dict[str, str]:
    """A journal entry's headers (`JournalEntry.headers`)."""
    return {
        "Nats-Msg-Id": f"journal-{event_id}",
        KIND: EVENT,
        "tdkt-event-id": event_id,
        "tdkt-position": str(position),
        "tdkt-originator-id": originator_id,
        "tdkt-originator-version": str(version),
        "tdkt-topic": topic,
        **(chain or {}),
    }


@dataclass(frozen=True)
class JournalEntry:
    """One stored event as the journal carries it."""

    service: str
    position: int
    event_id: str
    originator_id: str
    originator_version: int
    topic: str
    state: bytes
    sequence: int = 0
    """The journal stream's sequence (0 before it is published)."""
    chain: dict[str, str] | None = None
    """The event's hash-chain headers (`tdkt-hash`…, `shared.audit.chain`), when its store keeps a chain."""

    @classmethod
    def of(cls, service: str, notification: Notification, event_id: str, link: ChainLink | None = None) -> JournalEntry:
        return cls(
            service=service,
            position=notification.id,
            event_id=event_id,
            originator_id=str(notification.originator_id),
            originator_version=notification.originator_version,
            topic=notification.topic,
            state=bytes(notification.state),
            chain=link.journal_headers() if link is not None else None,
        )

    @property
    def head(self) -> StoreHead:
        return StoreHead(self.position, self.event_id, self.originator_id, self.originator_version)

    @property
    def subject(self) -> str:
        return journal_subject(self.service)

    def headers(self) -> dict[str, str]:
        return entry_headers(
            self.event_id, self.position, self.originator_id, self.originator_version, self.topic, self.chain
        )

    def stored_event(self) -> StoredEvent:
        return StoredEvent(
            originator_id=UUID(self.originator_id),
            originator_version=self.originator_version,
            topic=self.topic,
            state=self.state,
        )


@dataclass(frozen=True)
class EpochMarker:
    """The start of a new numbering of positions, and the store's newest event at that moment."""

    service: str
    reason: str
    head: StoreHead | None
    at: datetime
    by: str
    sequence: int = 0

    @classmethod
    def new(cls, service: str, reason: str, head: StoreHead | None, by: str) -> EpochMarker:
        return cls(service, reason, head, datetime.now(UTC), by)

    def payload(self) -> bytes:
        body = {"reason": self.reason, "head": self.head.as_dict() if self.head else None}
        body.update({"at": self.at.isoformat(), "by": self.by})
        return json.dumps(body, ensure_ascii=False).encode()

    def headers(self) -> dict[str, str]:
        return {"Nats-Msg-Id": f"epoch-{uuid.uuid4()}", KIND: EPOCH}


JournalRecord = JournalEntry | EpochMarker


def parse_record(service: str, sequence: int, headers: dict[str, str] | None, data: bytes) -> JournalRecord | None:
    """A journal message back as an entry or a marker; None for anything else."""
    headers = headers or {}
    kind = headers.get(KIND)
    if kind == EVENT:
        return JournalEntry(
            service=service,
            position=int(headers["tdkt-position"]),
            event_id=headers["tdkt-event-id"],
            originator_id=headers["tdkt-originator-id"],
            originator_version=int(headers["tdkt-originator-version"]),
            topic=headers["tdkt-topic"],
            state=bytes(data),
            sequence=sequence,
            chain={k: v for k, v in headers.items() if k in CHAIN_HEADERS} or None,
        )
    if kind == EPOCH:
        body = json.loads(data or b"{}")
        return EpochMarker(
            service=service,
            reason=str(body.get("reason") or ""),
            head=StoreHead.from_dict(body.get("head")),
            at=datetime.fromisoformat(body["at"]) if body.get("at") else datetime.now(UTC),
            by=str(body.get("by") or ""),
            sequence=sequence,
        )
    return None


def stream_name(service: str) -> str:
    return journal_stream(service).name
