"""The outbox relay: stored first, then published (architecture: "Events: stored first").

The relay follows an application's notification log from the last position it published,
takes each domain event's published contract (made when the event was stored, `shared.outbox`;
mapped here for events stored without it), publishes it to JetStream with
`Nats-Msg-Id` = `ce-id` = the event's identity (a UUID stored with the event,
`shared.eventstore.event_id_of`), appends the stored event to the service's journal
(`shared.messaging.journal`) at the same time, awaits every ack, and only then records the new position (an
`eventsourcing` tracking record in the service's own database). A crash between publishing and
recording re-sends; JetStream's duplicate window (a day by default) drops the copies, and past
it every consumer de-duplicates on the event id. When NATS is down, commands still succeed and
the relay catches up later. Several replicas may each run a relay over the same store: they
publish the same ids (JetStream keeps one copy) and the slower one finds its position recorded.

**Order.** Events of one aggregate reach the stream in the order of their versions: a batch is
published as one chain per aggregate, each message awaiting its ack before the next of the same
aggregate is sent, chains running concurrently. The next batch is published while one is still
awaiting its acks, each of its chains starting only once its aggregate's last event in the batch
before is acknowledged. A chain stops at its first failure (and so does its aggregate's chain in
the next batch), and the position recorded is the end of the longest fully acknowledged prefix,
batch after batch, so a retry re-sends the failed message before anything later of its aggregate
(what other chains already sent comes back as duplicates). Consumers nevertheless do not rely
on it: a pull consumer runs the messages of a fetched batch concurrently, so every consumer is
written to reach the same state in any arrival order (by `aggregate_version`; see `shared.messaging.consumer`).

**A duplicate ack is checked, not trusted.** JetStream answers "duplicate" when it already holds
a message with the same id. For a re-send that is expected; for an event published for the
first time it means two events share an identity, and the subscribers would silently skip one.
So the relay reads the stored copy back and compares subject, aggregate and version; a mismatch
is an identity collision: the relay stops, logs it at ERROR and readiness fails.

**An event the mapper cannot turn into a contract** (a bug, or data the mapper does not
expect) is not skipped: publishing later events without it would hand subscribers a history with
a hole. The relay publishes everything before it, then stops at it: the cause is logged once at
ERROR with the event's position, type and aggregate, `tdkt_relay_errors_total{reason=
"unmappable"}` counts it, `tdkt_relay_blocked` is 1, the lag grows, and readiness fails past the
thresholds. The fix is a code (or data) change; once deployed, the relay resumes at that event.

**The store is compared with its stream first** (`shared.messaging.storecheck`): a relay with
`store_check` on publishes nothing, and its application refuses writes, until its store is known
to hold the newest event of its journal.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from eventsourcing.application import Application
from eventsourcing.persistence import IntegrityError, Notification, Tracking, TrackingRecorder
from prometheus_client import Counter, Gauge

from shared.actor import SYSTEM_ACTOR, Actor
from shared.audit.chain import ChainLink
from shared.audit.chainstore import ChainReader
from shared.background import BackgroundLoop
from shared.contracts.base import ActorInfo, EventContract
from shared.dberrors import is_database_unavailable
from shared.eventstore import TdktApplication, created_together, event_id_of
from shared.messaging.journal import CHAIN_HEADERS, JournalEntry
from shared.messaging.storecheck import UNCHECKED, StoreNotWritable, StoreState, StoreStatus, check_store
from shared.messaging.streamreads import RawMessage, StreamReader
from shared.outbox import OutboxWriter, ReadyMessage, read_ready

log = logging.getLogger(__name__)

PUBLISHED = Counter("tdkt_relay_published_total", "Events published and acknowledged by JetStream", ["service"])
DUPLICATE_ACKS = Counter(
    "tdkt_relay_duplicate_acks_total", "Re-sent events JetStream already held (checked: same event)", ["service"]
)
ERRORS = Counter(
    "tdkt_relay_errors_total",
    "Relay failures by reason (nats, database, unmappable, identity_collision)",
    ["service", "reason"],
)
LAG = Gauge("tdkt_relay_lag_events", "Events stored but not yet published", ["service"])
BLOCKED = Gauge("tdkt_relay_blocked", "1 while the relay is stopped at an event it cannot publish", ["service"])
LAST_PUBLISHED = Gauge(
    "tdkt_relay_last_progress_timestamp_seconds", "When the relay last caught up or moved forward", ["service"]
)
STORE_IN_SYNC = Gauge(
    "tdkt_event_store_in_sync", "1 when the event store holds the newest event of its journal stream", ["service"]
)


@dataclass(frozen=True)
class Envelope:
    """The envelope fields the relay knows for one stored event."""

    event_id: str
    source: str
    occurred_at: datetime
    actor: ActorInfo
    aggregate_id: str
    aggregate_version: int
    chain: ChainLink | None = None
    """The event's links in the store's hash chains (`shared.audit`), when the store keeps them."""

    def fields(self) -> dict[str, Any]:
        fields = {
            "event_id": self.event_id,
            "source": self.source,
            "occurred_at": self.occurred_at,
            "actor": self.actor,
            "aggregate_id": self.aggregate_id,
            "aggregate_version": self.aggregate_version,
        }
        if self.chain is not None:
            fields.update(self.chain.envelope_fields())
        return fields


class EventMapper(Protocol):
    """Maps one stored domain event to its published contract, or None when it is internal."""

    def __call__(self, app: Any, domain_event: Any, envelope: Envelope) -> EventContract | None: ...


Publish = Callable[[str, dict[str, Any] | bytes, dict[str, str]], Awaitable[Any]]
"""Publish to JetStream and return the `PubAck` (JSON for a dict, as-is for bytes)."""


class UnmappableEvent(Exception):
    """A stored event the mapper could not turn into its contract; the relay stops before it."""

    def __init__(self, service: str, notification: Notification, cause: BaseException) -> None:
        super().__init__(
            f"{service}: stored event {notification.id} ({notification.topic}, aggregate "
            f"{notification.originator_id} v{notification.originator_version}) cannot be published: "
            f"{type(cause).__name__}: {cause}"
        )
        self.notification = notification
        self.cause = cause


class IdentityCollision(Exception):
    """JetStream holds another event under this event's id: the id was issued twice."""


@dataclass(frozen=True)
class RelayStatus:
    published_position: int
    last_error: str | None


@dataclass(frozen=True)
class RelayHealth:
    ok: bool
    problems: list[str]
    detail: dict[str, Any]


JSON_CONTENT = {"content-type": "application/json"}
"""What FastStream adds to a message published from a dict: the relay publishes the encoded
bytes, with this header, so the message is the same."""


@dataclass(frozen=True)
class Outgoing:
    """One public message, encoded: what is published, and what a duplicate ack is checked against."""

    subject: str
    data: bytes
    headers: dict[str, str]
    event_id: str
    aggregate_id: str
    aggregate_version: int

    @classmethod
    def of(cls, contract: EventContract) -> Outgoing:
        return cls(
            contract.subject,
            json.dumps(contract.payload()).encode(),
            {**contract.headers(), **JSON_CONTENT},
            contract.event_id,
            contract.aggregate_id,
            contract.aggregate_version,
        )


@dataclass(frozen=True)
class _Publishing:
    items: list[_Item]
    publishing: asyncio.Future[tuple[int, BaseException | None]]
    unmappable: UnmappableEvent | None


@dataclass(frozen=True)
class _Item:
    notification: Notification
    message: Outgoing | None
    """The public message (None: internal event), encoded in the reading thread, not on the loop."""
    journal: JournalEntry | None
    journal_headers: dict[str, str] | None = None


class _StatesInBatch:
    """The application as the mapper sees it while one batch is mapped.

    A mapper describes an event with its aggregate's state at the event's version
    (`app.get(id, version=v)`). Read from the store, that replays every earlier event of the
    aggregate for each of its events in the batch; here the state at v is the state at v-1,
    already built for the aggregate's previous event in this batch, with this event applied (a
    created event starts from nothing). Replaying applies the same events, so the state is the
    same. The state is changed in place: the relay turns each contract into its payload before it
    maps the next event, and keeps nothing else of the state. Anything else goes to the
    application."""

    def __init__(self, app: Any) -> None:
        self._app = app
        self._states: dict[Any, Any] = {}
        self.event: Any = None
        """The domain event being mapped."""

    def __getattr__(self, name: str) -> Any:
        return getattr(self._app, name)

    def get(self, aggregate_id: Any, version: int | None = None, **kwargs: Any) -> Any:
        event = self.event
        if (
            event is None
            or kwargs
            or version != event.originator_version
            or str(aggregate_id) != str(event.originator_id)
        ):
            return self._app.get(aggregate_id, version=version, **kwargs)
        key = event.originator_id
        previous = self._states.pop(key, None)
        if previous is not None and previous.version == version:
            state = previous
        elif version == 1 or (previous is not None and previous.version == version - 1):
            state = event.mutate(previous)
        else:
            state = self._app.get(aggregate_id, version=version)
        self._states[key] = state
        return state


def relay_tracking_name(service: str) -> str:
    """The name under which a service's relay records its position in the service's database."""
    return f"{service}-relay"


def envelope_for(
    service: str, notification: Notification, domain_event: Any, chain: ChainLink | None = None
) -> Envelope:
    actor = getattr(domain_event, "actor", None)
    actor = actor if isinstance(actor, Actor) else SYSTEM_ACTOR
    occurred = getattr(domain_event, "timestamp", None) or datetime.now(UTC)
    return Envelope(
        event_id=event_id_of(domain_event, service, notification.id),
        source=f"/services/{service}",
        occurred_at=occurred,
        actor=ActorInfo(**actor.as_dict()),
        aggregate_id=str(notification.originator_id),
        aggregate_version=notification.originator_version,
        chain=chain,
    )


def same_event(message: RawMessage, contract: EventContract | Outgoing) -> bool:
    """Whether a stored message is this event (subject, aggregate and version)."""
    try:
        payload = json.loads(message.data)
        version = int(payload.get("aggregate_version"))
        aggregate = str(payload.get("aggregate_id"))
    except (ValueError, TypeError):
        return False
    return (
        message.subject == contract.subject
        and aggregate == contract.aggregate_id
        and version == contract.aggregate_version
    )


def error_reason(exc: BaseException) -> str:
    if isinstance(exc, UnmappableEvent):
        return "unmappable"
    if isinstance(exc, IdentityCollision):
        return "identity_collision"
    if is_database_unavailable(exc):
        return "database"
    return "nats"


class OutboxRelay:
    """Publishes an application's stored events to JetStream, at least once, in order per aggregate."""

    def __init__(
        self,
        app: Application[Any],
        mapper: EventMapper,
        publish: Publish,
        *,
        service: str,
        batch_size: int = 200,
        poll_seconds: float = 1.0,
        max_backoff_seconds: float = 10.0,
        tracking: TrackingRecorder | None = None,
        reader: StreamReader | None = None,
        journal: bool = False,
        store_check: bool = False,
        public_stream: str | None = None,
        store_recheck_seconds: float = 5.0,
        max_lag_events: int = 1000,
        max_stall_seconds: float = 120.0,
        prune_every: int = 1000,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        if store_check and reader is None:
            raise ValueError("the store check reads the journal: give the relay a reader")
        self.app = app
        self.mapper = mapper
        self.publish = publish
        self.service = service
        self.batch_size = batch_size
        self.poll_seconds = poll_seconds
        self.max_backoff_seconds = max_backoff_seconds
        self.tracking = tracking or created_together(app.factory.tracking_recorder)
        self.tracking_name = relay_tracking_name(service)
        self.chain = ChainReader.of(app)
        self.outbox: OutboxWriter | None = getattr(app.recorder, "outbox", None)
        self.prune_every = prune_every
        """Ready rows are deleted once this many positions past the last deletion are recorded."""
        self._pruned_up_to = 0
        self.first_batch_size = max(1, batch_size // 4)
        """The size of a round's first read: publishing starts after it, so it is kept short
        (reading 200 ready events takes ~6 ms that nothing overlaps); the reads after it overlap
        the publishing and are full batches."""
        self._published = PUBLISHED.labels(service)
        self.reader = reader
        self.journal = journal
        self.store_check = store_check
        self.public_stream = public_stream
        self.store_recheck_seconds = store_recheck_seconds
        self.max_lag_events = max_lag_events
        self.max_stall_seconds = max_stall_seconds
        self.monotonic = monotonic
        self.store_status: StoreStatus = (
            UNCHECKED if store_check else StoreStatus(StoreState.IN_SYNC, "store check off")
        )
        self.store_checked = asyncio.Event()
        """Set once the store has been compared with its stream (whatever the answer)."""
        self.last_error: str | None = None
        self.blocked: str | None = None
        self._logged_cause: str | None = None
        self._last_progress = monotonic()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._saved = asyncio.Event()
        """Set by every save (`wake`): read the next batch while one is published."""
        self._background = BackgroundLoop(
            f"relay {service}",
            self._round,
            interval=poll_seconds,
            max_backoff=max_backoff_seconds,
            on_error=self._report,
        )
        if isinstance(app, TdktApplication) and store_check:
            app.write_gate = self.require_writable
        STORE_IN_SYNC.labels(service).set(1 if self.store_status.writable else 0)
        BLOCKED.labels(service).set(0)

    # -- position -------------------------------------------------------------------------------
    def published_position(self) -> int:
        return self.tracking.max_tracking_id(self.tracking_name) or 0

    def status(self) -> RelayStatus:
        return RelayStatus(self.published_position(), self.last_error)

    def lag(self) -> int:
        """Events stored but not yet published (internal ones included)."""
        stored = self.app.recorder.max_notification_id() or 0
        lag = max(stored - self.published_position(), 0)
        LAG.labels(self.service).set(lag)
        return lag

    def request_stop(self) -> None:
        """Ask `run` to return after its current batch (no thread is left using the store)."""
        self._background.request_stop()

    # -- the write gate and readiness -----------------------------------------------------------
    def require_writable(self) -> None:
        """The application's write gate: raises unless the store is known to be in sync."""
        if not self.store_status.writable:
            raise StoreNotWritable(self.service, self.store_status)

    def health(self) -> RelayHealth:
        """Readiness of the relay (blocking: call in a thread)."""
        lag = self.lag()
        position = self.published_position()
        stalled = self.monotonic() - self._last_progress if lag else 0.0
        problems = []
        if not self.store_status.writable:
            problems.append(self.store_status.detail)
        if self.blocked:
            problems.append(f"relay stopped: {self.blocked}")
        if lag > self.max_lag_events:
            problems.append(f"{lag} events stored but not published (threshold {self.max_lag_events})")
        if lag and stalled > self.max_stall_seconds:
            problems.append(
                f"{lag} events waiting and no progress for {stalled:.0f} s (threshold {self.max_stall_seconds:.0f} s)"
            )
        detail = {
            "published_position": position,
            "lag_events": lag,
            "last_error": self.last_error,
            "store": self.store_status.as_dict(),
        }
        if problems:
            detail["problems"] = problems
        return RelayHealth(not problems, problems, detail)

    # -- wake-up from any thread (the save listener runs in a worker thread) ----------------------
    def wake(self) -> None:
        loop = self._loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self._saved.set)
        self._background.wake()

    # -- the store check ------------------------------------------------------------------------
    async def verify_store(self) -> StoreStatus:
        """Compare the store with its journal; raises when NATS cannot be read."""
        assert self.reader is not None
        status = await check_store(
            self.app,  # type: ignore[arg-type]
            self.reader,
            self.service,
            public_stream=self.public_stream,
            window=2 * self.batch_size,
        )
        if status.state != self.store_status.state:
            level = logging.INFO if status.writable else logging.ERROR
            log.log(level, "event store of %s: %s", self.service, status.detail)
        self.store_status = status
        STORE_IN_SYNC.labels(self.service).set(1 if status.writable else 0)
        self.store_checked.set()
        return status

    # -- one batch --------------------------------------------------------------------------------
    def _read_batch(self, start: int | None = None) -> tuple[list[_Item], UnmappableEvent | None]:
        """The batch from notification `start` (default: the first not published, and then
        only `first_batch_size` events), encoded; stops before the first event that cannot be
        mapped.

        An event stored with its ready message (`shared.outbox`) is published as it was made
        then; any other (stored before ready messages existed, re-imported by a reconcile...)
        is decoded and mapped here."""
        limit = self.batch_size
        if start is None:
            start, limit = self.published_position() + 1, self.first_batch_size
        notifications = self.app.notification_log.select(start=start, limit=limit)
        ready = self._ready(notifications)
        unready = [n for n in notifications if n.id not in ready]
        links = (
            self.chain.links([(str(n.originator_id), n.originator_version) for n in unready])
            if self.chain is not None and unready
            else {}
        )
        items: list[_Item] = []
        states = _StatesInBatch(self.app)
        for notification in notifications:
            made = ready.get(notification.id)
            if made is not None:
                items.append(self._ready_item(notification, made))
                continue
            link = links.get((str(notification.originator_id), notification.originator_version))
            try:
                domain_event = states.event = self.app.mapper.to_domain_event(notification)
                envelope = envelope_for(self.service, notification, domain_event, link)
                contract = self.mapper(states, domain_event, envelope)
                message = Outgoing.of(contract) if contract is not None else None
            except Exception as exc:
                if is_database_unavailable(exc):
                    raise
                return items, UnmappableEvent(self.service, notification, exc)
            journal = JournalEntry.of(self.service, notification, envelope.event_id, link) if self.journal else None
            items.append(_Item(notification, message, journal, journal.headers() if journal else None))
        return items, None

    def _ready(self, notifications: Sequence[Notification]) -> dict[int, ReadyMessage]:
        """The ready messages of these notifications that name the very event stored there."""
        if self.outbox is None or not notifications:
            return {}
        rows = read_ready(
            self.app.recorder.read_rows,  # type: ignore[attr-defined]
            self.outbox.sql,
            notifications[0].id,
            notifications[-1].id,
            self.outbox.cipher,
        )
        return {
            n.id: row
            for n in notifications
            if (row := rows.get(n.id)) is not None
            and row.originator_id == str(n.originator_id)
            and row.originator_version == n.originator_version
            and (row.subject is None or (row.data is not None and row.headers is not None))
        }

    def _ready_item(self, notification: Notification, made: ReadyMessage) -> _Item:
        message = None
        if made.subject is not None:
            assert made.data is not None and made.headers is not None
            message = Outgoing(
                made.subject,
                made.data,
                made.headers,
                made.event_id,
                str(notification.originator_id),
                notification.originator_version,
            )
        journal = None
        if self.journal:
            chain = {k: v for k, v in made.journal_headers.items() if k in CHAIN_HEADERS}
            journal = JournalEntry(
                service=self.service,
                position=notification.id,
                event_id=made.event_id,
                originator_id=str(notification.originator_id),
                originator_version=notification.originator_version,
                topic=notification.topic,
                state=bytes(notification.state),
                chain=chain or None,
            )
        return _Item(notification, message, journal, made.journal_headers if journal else None)

    def _record_position(self, notification_id: int) -> None:
        try:
            self.tracking.insert_tracking(
                Tracking(application_name=self.tracking_name, notification_id=notification_id)
            )
        except IntegrityError:
            # A relay in another replica recorded this position (or a later one) first: its
            # messages carried the same Nats-Msg-Ids, so JetStream kept one copy of each.
            if self.published_position() < notification_id:
                raise
        self._progress()
        self._prune_ready(notification_id)

    def _prune_ready(self, recorded: int) -> None:
        """Ready rows up to a recorded position are never read again: delete them now and then
        (one statement per `prune_every` positions, not one more commit per batch)."""
        if self.outbox is None or recorded - self._pruned_up_to < self.prune_every:
            return
        try:
            self.app.recorder.delete_ready(recorded)  # type: ignore[attr-defined]
        except Exception:  # derived data: a failed deletion is retried with the next position
            log.warning("relay %s: could not delete ready messages up to %d", self.service, recorded, exc_info=True)
            return
        self._pruned_up_to = recorded

    def _progress(self) -> None:
        self._last_progress = self.monotonic()
        LAST_PUBLISHED.labels(self.service).set(time.time())

    async def publish_pending(self) -> int:
        """Publish everything not yet published, batch by batch; returns the number of public
        messages sent. Raises at the first failure, after recording what was fully published.

        While a batch is published, the next one is read (in a thread): at once when the batch
        was full, else as soon as a save wakes the relay, so a fresh event does not wait for the
        publishing, the recording and a new round before it is even read. The next batch is
        published as soon as it is read, each of its aggregates' chains waiting for the ack of
        that aggregate's last event in the batch before (and stopping if it failed), so each
        aggregate's order holds across batches; a batch's position is recorded only once it and
        every batch before it are fully acknowledged."""
        loop = asyncio.get_running_loop()
        if loop is not self._loop:
            self._loop, self._saved = loop, asyncio.Event()
        self._saved.clear()  # whatever was saved before this read is in it
        sent = 0
        tails: dict[str, asyncio.Future[bool]] = {}
        reading: asyncio.Future[tuple[list[_Item], UnmappableEvent | None]] | None = asyncio.ensure_future(
            asyncio.to_thread(self._read_batch)
        )
        limit = self.first_batch_size  # of the read in progress
        previous: _Publishing | None = None
        current: _Publishing | None = None
        try:
            while reading is not None:
                items, unmappable = await reading
                reading = None
                current = _Publishing(items, asyncio.ensure_future(self._publish_items(items, tails)), unmappable)
                if previous is not None:
                    sent += await self._finish(previous)
                previous, current = current, None
                if unmappable is None and items:
                    reading = await self._read_next(items, previous.publishing, full=len(items) >= limit)
                    limit = self.batch_size
            if previous is not None:
                publishing, previous = previous, None
                sent += await self._finish(publishing)
            self._progress()
            await asyncio.to_thread(self.lag)
            return sent
        finally:
            for left in (previous, current):  # after a failure: nothing is left publishing
                if left is not None:
                    left.publishing.cancel()
                    with contextlib.suppress(BaseException):
                        await left.publishing
            if reading is not None:  # nor reading the store
                with contextlib.suppress(Exception):
                    await reading

    async def _finish(self, batch: _Publishing) -> int:
        """Await a batch's acks and record its acknowledged prefix; returns the public messages
        sent, raises the batch's failure (or the event it could not map)."""
        published, error = await batch.publishing
        items = batch.items
        if published:
            await asyncio.to_thread(self._record_position, items[published - 1].notification.id)
        if error is not None:
            raise error
        if published < len(items):
            raise RuntimeError("a chain stopped after a failure in the batch before")  # not reached: raised there
        if batch.unmappable is not None:
            raise batch.unmappable
        return sum(1 for item in items if item.message is not None)

    async def _read_next(
        self, items: Sequence[_Item], publishing: asyncio.Future[Any], *, full: bool
    ) -> asyncio.Future[tuple[list[_Item], UnmappableEvent | None]] | None:
        """Start reading the batch after `items` while they are published: now if the batch
        was full, else once a save wakes the relay before the publishing ends (None if none)."""
        if not full:
            saved = asyncio.ensure_future(self._saved.wait())
            try:
                await asyncio.wait({publishing, saved}, return_when=asyncio.FIRST_COMPLETED)
            finally:
                saved.cancel()
            if not self._saved.is_set():
                return None
        self._saved.clear()
        return asyncio.ensure_future(asyncio.to_thread(self._read_batch, items[-1].notification.id + 1))

    async def _publish_items(
        self, items: Sequence[_Item], tails: dict[str, asyncio.Future[bool]] | None = None
    ) -> tuple[int, BaseException | None]:
        """Publish a batch as one sequential chain per aggregate; returns the length of the
        fully acknowledged prefix and the failure of the earliest failed item, if any.

        `tails` holds, per aggregate, whether its last event in the batches before was
        acknowledged (a future): a chain starts once it is, sends nothing if it was not, and
        leaves its own in its place."""
        tails = {} if tails is None else tails
        loop = asyncio.get_running_loop()
        chains: dict[str, list[int]] = {}
        for index, item in enumerate(items):
            chains.setdefault(str(item.notification.originator_id), []).append(index)
        done = [False] * len(items)
        failures: dict[int, BaseException] = {}

        async def chain(indices: list[int], before: asyncio.Future[bool] | None, after: asyncio.Future[bool]) -> None:
            ok = False
            try:
                if before is not None and not await before:
                    return
                for index in indices:
                    try:
                        await self._send(items[index])
                    except Exception as exc:
                        failures[index] = exc
                        return
                    done[index] = True
                ok = True
            finally:
                after.set_result(ok)

        runs = []
        for aggregate, indices in chains.items():
            after: asyncio.Future[bool] = loop.create_future()
            runs.append(chain(indices, tails.get(aggregate), after))
            tails[aggregate] = after
        await asyncio.gather(*runs)
        prefix = next((i for i, ok in enumerate(done) if not ok), len(items))
        return prefix, failures[min(failures)] if failures else None

    async def _send(self, item: _Item) -> None:
        """The public message and the journal entry go out together (two streams, no order
        between them; bench/results.json: one round trip per event instead of two), and both
        are acknowledged before the aggregate's next event is sent."""
        journal = None
        if item.journal is not None:
            journal = asyncio.ensure_future(
                self.publish(item.journal.subject, item.journal.state, item.journal_headers or item.journal.headers())
            )
        error: BaseException | None = None
        try:
            if item.message is not None:
                await self._send_message(item.message)
        except Exception as exc:
            error = exc
        except BaseException:  # cancelled: the journal entry's send with it
            if journal is not None:
                journal.cancel()
            raise
        if journal is not None:
            try:
                await journal
            except Exception as exc:
                error = error or exc
        if error is not None:
            raise error

    async def _send_message(self, message: Outgoing) -> None:
        ack = await self.publish(message.subject, message.data, message.headers)
        if getattr(ack, "duplicate", False):
            await self._check_duplicate(ack, message)
        else:
            self._published.inc()

    async def _check_duplicate(self, ack: Any, contract: Outgoing) -> None:
        DUPLICATE_ACKS.labels(self.service).inc()
        if self.reader is None:
            return
        stored = await self.reader.message(ack.stream, ack.seq)
        if stored is not None and not same_event(stored, contract):
            raise IdentityCollision(
                f"{self.service}: JetStream already holds another event under id {contract.event_id} "
                f"({stored.subject} at {ack.stream} #{ack.seq}, not {contract.subject} of aggregate "
                f"{contract.aggregate_id} v{contract.aggregate_version}); the relay stops so that no "
                "subscriber skips it as a duplicate"
            )

    # -- the loop ---------------------------------------------------------------------------------
    async def run(self) -> None:
        """Run until stopped (`shared.background`): check the store, then publish; woken after
        each save and by a timer; backs off while NATS is down."""
        await self._background.run()

    async def _round(self) -> float | None:
        """One round; the wait before the next (None: the poll interval). Raising keeps the
        position: NATS down, the database away, an unmappable event."""
        if self.store_check and not self.store_status.writable:
            await self.verify_store()
        if not self.store_status.writable:
            return self.store_recheck_seconds
        await self.publish_pending()
        self._recovered()
        return None

    def _report(self, exc: BaseException) -> None:
        reason = error_reason(exc)
        cause = f"{type(exc).__name__}: {exc}"
        ERRORS.labels(self.service, reason).inc()
        self.last_error = cause
        if reason in ("unmappable", "identity_collision"):
            self.blocked = cause
            BLOCKED.labels(self.service).set(1)
        if cause == self._logged_cause:
            log.debug("relay %s still failing: %s", self.service, cause)
            return
        self._logged_cause = cause
        level = logging.ERROR if reason in ("unmappable", "identity_collision") else logging.WARNING
        log.log(level, "relay %s could not publish (%s): %s", self.service, reason, cause)

    def _recovered(self) -> None:
        if self.last_error:
            log.info("relay %s caught up after: %s", self.service, self.last_error)
        self.last_error = None
        self.blocked = None
        self._logged_cause = None
        BLOCKED.labels(self.service).set(0)
