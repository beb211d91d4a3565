"""`tdkt store reconcile <service>`: bring a store that is behind its stream back, or, by an
operator's explicit choice, accept a store as it is and start a new epoch.

**Re-import (the default, for a store that is behind).** The journal holds every event the store
had published, as stored. The command walks the journal back from its newest entry until it has
met a long run of entries the store already holds, re-inserts every entry the store lacks (in
their original order, number sequences included, with their original event ids), and in the
same transaction moves the relay's position past them: they were published already, so they
are not published again. It then appends an epoch marker: the re-imported events sit at new
positions in this store, and the marker tells later checks to compare from there. What is lost
is only what the relay had not yet published when the disk was lost (its lag, normally well
under a second; see docs/reliability.md).

**New epoch (`--new-epoch`, an operator's decision).** For a store that diverges from its
journal (it wrote events the journal does not know), or a journal-less installation whose store
is behind its public stream: the marker records the store's newest event as the new reference,
and the service accepts writes again. Nothing is re-imported; numbers the lost events used may
be issued again. The command says so before doing it.

Safe to run twice, and while the service runs: a running service refuses writes until the store
is in sync, re-checks every few seconds, and resumes by itself once the command has finished.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from eventsourcing.persistence import Tracking

from shared.eventstore import TdktApplication, event_id_of
from shared.messaging.journal import EpochMarker, JournalEntry, StoreHead, parse_record, stream_name
from shared.messaging.storecheck import StoreState, StoreStatus, check_store, compare_head
from shared.messaging.streamreads import StreamReader
from shared.streams import journal_subject

PRESENT_RUN = 400
"""Entries the store already holds, in a row, after which the walk back stops: more than the
relay's widest reordering (two batches)."""

PublishRaw = Callable[[str, bytes, dict[str, str]], Awaitable[Any]]


class ReconcileRefused(Exception):
    """The store cannot be reconciled by re-import; the message says what the operator can do."""


@dataclass(frozen=True)
class ReconcileReport:
    before: StoreStatus
    after: StoreStatus
    imported: int = 0
    epoch_started: bool = False


async def missing_entries(
    app: TdktApplication, reader: StreamReader, service: str, *, present_run: int = PRESENT_RUN
) -> list[JournalEntry]:
    """Journal entries of the current epoch that the store lacks, oldest first; raises
    `ReconcileRefused` when the store holds another event where the journal has one."""
    stream = stream_name(service)
    first, last = await reader.bounds(stream)
    missing: dict[str, JournalEntry] = {}
    run = 0
    sequence = last
    while first and sequence >= first and run < present_run:
        message = await reader.message(stream, sequence)
        sequence -= 1
        if message is None:
            continue
        record = parse_record(service, message.sequence, message.headers, message.data)
        if isinstance(record, EpochMarker):
            break
        if record is None or record.event_id in missing:
            continue
        state = await asyncio.to_thread(compare_head, app, service, record.head)
        if state is StoreState.BEHIND:
            missing[record.event_id] = record
            run = 0
        elif state is StoreState.DIVERGED:
            raise ReconcileRefused(
                f"the store holds another event than the journal's {record.event_id} at aggregate "
                f"{record.originator_id} version {record.originator_version}: it wrote events the journal does not "
                "know, so re-importing would mix two histories. Restore a copy taken before those writes, or accept "
                "the store as it is with --new-epoch."
            )
        else:
            run += 1
    return sorted(missing.values(), key=lambda e: e.position)


def import_entries(app: TdktApplication, entries: Sequence[JournalEntry], tracking_name: str) -> list[int]:
    """Insert the entries' stored events and move the relay's position past them, in ONE
    transaction (a crash in between would otherwise publish them a second time). Returns their
    new positions.

    This reaches below `eventsourcing`'s public API (pinned at 9.5.6), because the library
    records a tracking position together with events only when the position is known first,
    and a store's new notification ids are known only after the insert.
    """
    if not entries:
        return []
    recorder: Any = app.recorder
    tracking: Any = app.factory.tracking_recorder()
    stored = [e.stored_event() for e in entries]
    with recorder.datastore.transaction(commit=True) as cursor:
        if hasattr(recorder, "_fetch_ids_after_insert_events"):  # PostgreSQL
            recorder._insert_stored_events(cursor, stored)
            positions = list(recorder._fetch_ids_after_insert_events(cursor, stored))
        else:  # SQLite
            positions = list(recorder._insert_events(cursor, stored))
        current = tracking._max_tracking_id(tracking_name, cursor) or 0
        if max(positions) > current:
            tracking._insert_tracking(cursor, Tracking(application_name=tracking_name, notification_id=max(positions)))
    return positions


def store_newest(app: TdktApplication, service: str) -> StoreHead | None:
    """The store's newest event (for a new epoch's marker)."""
    newest = app.recorder.max_notification_id()
    if not newest:
        return None
    notification = app.recorder.select_notifications(start=newest, limit=1)[0]
    event = app.mapper.to_domain_event(notification)
    return StoreHead(
        notification.id,
        event_id_of(event, service, notification.id),
        str(notification.originator_id),
        notification.originator_version,
    )


async def reconcile(
    app: TdktApplication,
    reader: StreamReader,
    publish: PublishRaw,
    service: str,
    *,
    tracking_name: str,
    public_stream: str | None = None,
    new_epoch: bool = False,
    by: str = "operator",
) -> ReconcileReport:
    """Re-import what the store lacks, or (new_epoch) accept the store as it is."""
    before = await check_store(app, reader, service, public_stream=public_stream)
    if before.state is StoreState.IN_SYNC and not new_epoch:
        return ReconcileReport(before, before)
    if new_epoch:
        head = await asyncio.to_thread(store_newest, app, service)
        marker = EpochMarker.new(service, f"new epoch accepted by an operator (store was {before.state})", head, by)
        await _append(publish, service, marker)
        return ReconcileReport(before, await check_store(app, reader, service), epoch_started=True)
    if before.state is StoreState.DIVERGED:
        raise ReconcileRefused(
            f"{before.detail}. Re-import cannot fix a store that wrote events of its own; restore a copy taken "
            "before those writes, or accept the store as it is with --new-epoch."
        )
    entries = await missing_entries(app, reader, service)
    if not entries:
        raise ReconcileRefused(
            f"{before.detail}. The journal holds nothing to re-import (an installation from before journals?); "
            "accept the store as it is with --new-epoch if that is what you want."
        )
    positions = await asyncio.to_thread(import_entries, app, entries, tracking_name)
    last = entries[-1]
    head = StoreHead(positions[-1], last.event_id, last.originator_id, last.originator_version)
    marker = EpochMarker.new(service, f"reconciled: {len(entries)} events re-imported from the journal", head, by)
    await _append(publish, service, marker)
    after = await check_store(app, reader, service)
    return ReconcileReport(before, after, imported=len(entries))


async def _append(publish: PublishRaw, service: str, marker: EpochMarker) -> None:
    await publish(journal_subject(service), marker.payload(), marker.headers())
