"""Is this event store the one its own stream describes? Compared at start-up, before any write.

A service's store can fall behind its own history without anyone noticing: restored from last
night's backup after a disk loss, moved to another database without its newest rows, or an
empty SQLite file next to a NATS server that kept its streams. Such a store would number its next
events with positions (and receipt numbers) that were already published. So before it accepts a
write, a service compares its store with the newest entry of its journal
(`shared.messaging.journal`):

- the entry's event is in the store (same aggregate, version and event id): **in sync**;
- the store does not have it: **behind**: the store lost events that were published;
- the store has another event at that aggregate and version: **diverged**: this store wrote
  something else (or belongs to another installation).

Anything but "in sync" refuses writes (HTTP 503), stops the relay, and `/readyz` says why and
names the command that reconciles (`tdkt store reconcile <service>`, see `reconcile`). Until
NATS has answered once, the store is **unchecked** and refuses writes too: a restored store is
indistinguishable from a healthy one without its stream.

The newest entry is the one with the highest position in the journal's tail (since the newest
epoch marker): the relay appends journal entries per aggregate concurrently, and a retried batch
can land after part of itself, so the last message is not always the highest position.

Services whose journal is still empty (installed before journals existed) are compared with the
last message they published to their public stream, by aggregate and version.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from uuid import UUID

from shared.eventstore import TdktApplication, legacy_event_id, stored_event_id
from shared.messaging.journal import EpochMarker, JournalEntry, StoreHead, parse_record, stream_name
from shared.messaging.streamreads import StreamReader

PUBLIC_TAIL = 50
"""How many public messages the legacy comparison looks back for one of this service's own."""


class StoreState(StrEnum):
    UNCHECKED = "unchecked"
    IN_SYNC = "in_sync"
    BEHIND = "behind"
    DIVERGED = "diverged"


@dataclass(frozen=True)
class StoreStatus:
    state: StoreState
    detail: str
    journal_head: StoreHead | None = None

    @property
    def writable(self) -> bool:
        return self.state is StoreState.IN_SYNC

    def as_dict(self) -> dict[str, Any]:
        return {
            "state": self.state.value,
            "detail": self.detail,
            "journal_head": self.journal_head.as_dict() if self.journal_head else None,
        }


UNCHECKED = StoreStatus(StoreState.UNCHECKED, "not yet compared with its journal stream (waiting for NATS)")


class StoreNotWritable(Exception):
    """A write refused because the store is not known to be in sync with its stream (HTTP 503)."""

    def __init__(self, service: str, status: StoreStatus) -> None:
        if status.state is StoreState.UNCHECKED:
            message = (
                "Kho dữ liệu đang chờ đối chiếu với luồng sự kiện (NATS chưa kết nối được), nên tạm thời "
                "chưa nhận thao tác ghi. Vui lòng thử lại sau ít phút."
            )
        else:
            message = (
                "Kho dữ liệu đang thiếu hoặc lệch so với lịch sử sự kiện đã phát hành (ví dụ sau khi khôi phục "
                "từ bản sao lưu), nên tạm dừng nhận thao tác ghi để không cấp trùng số. Quản trị viên cần chạy "
                f"`tdkt store reconcile {service}`."
            )
        super().__init__(message)
        self.service = service
        self.status = status


async def journal_tail(
    reader: StreamReader, service: str, *, window: int
) -> tuple[list[JournalEntry], EpochMarker | None]:
    """The newest entries of the current epoch (at most `window`), newest first, and the epoch
    marker that opened it (None when the walk stopped first, or the journal has none)."""
    stream = stream_name(service)
    first, last = await reader.bounds(stream)
    entries: list[JournalEntry] = []
    sequence = last
    while first and sequence >= first and len(entries) < window:
        message = await reader.message(stream, sequence)
        sequence -= 1
        if message is None:
            continue
        record = parse_record(service, message.sequence, message.headers, message.data)
        if isinstance(record, EpochMarker):
            return entries, record
        if record is not None:
            entries.append(record)
    return entries, None


def compare_head(app: TdktApplication, service: str, head: StoreHead) -> StoreState:
    """Where the store stands against one event the stream knows (blocking: call in a thread)."""
    stored = app.recorder.select_events(
        UUID(head.originator_id), gt=head.originator_version - 1, lte=head.originator_version, limit=1
    )
    if not stored:
        return StoreState.BEHIND
    event_id = stored_event_id(app.mapper.to_domain_event(stored[0]))
    if event_id == head.event_id:
        return StoreState.IN_SYNC
    if event_id is None and head.event_id == legacy_event_id(service, head.position):
        return StoreState.IN_SYNC  # stored before identities: the legacy id names the same event
    if event_id is None and head.position == 0:
        return StoreState.IN_SYNC  # legacy public message: no position to compare; same aggregate version
    return StoreState.DIVERGED


async def public_head(reader: StreamReader, service: str, public_stream: str) -> StoreHead | None:
    """The last event this service published to its public stream (the pre-journal comparison)."""
    first, last = await reader.bounds(public_stream)
    sequence = last
    while first and sequence >= max(first, last - PUBLIC_TAIL):
        message = await reader.message(public_stream, sequence)
        sequence -= 1
        if message is None or message.headers.get("ce-source") != f"/services/{service}":
            continue
        try:
            payload = json.loads(message.data)
            return StoreHead(
                position=0,
                event_id=str(message.headers.get("ce-id") or payload["event_id"]),
                originator_id=str(payload["aggregate_id"]),
                originator_version=int(payload["aggregate_version"]),
            )
        except (ValueError, KeyError, TypeError):
            continue
    return None


async def check_store(
    app: TdktApplication,
    reader: StreamReader,
    service: str,
    *,
    public_stream: str | None = None,
    window: int = 400,
) -> StoreStatus:
    """Compare the store with its journal (or, without one, its public stream). Raises when
    NATS cannot be read: an unknown answer is not "in sync"."""
    entries, marker = await journal_tail(reader, service, window=window)
    if entries:
        head: StoreHead | None = max(entries, key=lambda e: e.position).head
        source = "journal"
    elif marker is not None:
        head, source = marker.head, "epoch marker"
    elif public_stream is not None:
        head, source = await public_head(reader, service, public_stream), "public stream"
    else:
        head, source = None, "journal"
    if head is None:
        return StoreStatus(StoreState.IN_SYNC, f"nothing in the {source} to compare with yet")
    state = await asyncio.to_thread(compare_head, app, service, head)
    event = f"{head.originator_id} v{head.originator_version} (event {head.event_id})"
    detail = {
        StoreState.IN_SYNC: f"holds the newest event of its {source}: {event}",
        StoreState.BEHIND: (
            f"event store is BEHIND its {source}: it lacks {event}, which was published "
            f"(restored from an older copy?); writes refused; run `tdkt store reconcile {service}`"
        ),
        StoreState.DIVERGED: (
            f"event store DIVERGES from its {source}: it holds another event at {event}; writes refused; "
            f"see `tdkt store reconcile {service} --help` (an operator must choose)"
        ),
    }[state]
    return StoreStatus(state, detail, head)
