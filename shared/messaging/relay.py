"""The outbox relay: stored first, then published (architecture.md, "Events: stored first").

The relay follows an application's notification log from the last position it published,
maps each domain event to its published contract, publishes the batch to JetStream with
`Nats-Msg-Id = <service>-<notification id>`, awaits every ack, and only then records the new
position (an `eventsourcing` tracking record in the service's own database). A crash between
publishing and recording re-sends the batch; JetStream's duplicate window drops the copies.
When NATS is down, commands still succeed and the relay catches up later. Several replicas
may each run a relay over the same store: they publish the same ids (JetStream keeps one copy)
and the slower one finds its position already recorded.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from eventsourcing.application import Application
from eventsourcing.persistence import IntegrityError, Notification, Tracking, TrackingRecorder

from shared.actor import SYSTEM_ACTOR, Actor
from shared.aio import wait_for_event
from shared.contracts.base import ActorInfo, EventContract

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Envelope:
    """The envelope fields the relay knows for one stored event."""

    event_id: str
    source: str
    occurred_at: datetime
    actor: ActorInfo
    aggregate_id: str
    aggregate_version: int

    def fields(self) -> dict[str, Any]:
        return {
            "event_id": self.event_id,
            "source": self.source,
            "occurred_at": self.occurred_at,
            "actor": self.actor,
            "aggregate_id": self.aggregate_id,
            "aggregate_version": self.aggregate_version,
        }


class EventMapper(Protocol):
    """Maps one stored domain event to its published contract, or None when it is internal."""

    def __call__(self, app: Any, domain_event: Any, envelope: Envelope) -> EventContract | None: ...


Publish = Callable[[str, dict[str, Any], dict[str, str]], Awaitable[Any]]


@dataclass(frozen=True)
class RelayStatus:
    published_position: int
    last_error: str | None


def envelope_for(service: str, notification: Notification, domain_event: Any) -> Envelope:
    actor = getattr(domain_event, "actor", None)
    actor = actor if isinstance(actor, Actor) else SYSTEM_ACTOR
    occurred = getattr(domain_event, "timestamp", None) or datetime.now(UTC)
    return Envelope(
        event_id=f"{service}-{notification.id}",
        source=f"/services/{service}",
        occurred_at=occurred,
        actor=ActorInfo(**actor.as_dict()),
        aggregate_id=str(notification.originator_id),
        aggregate_version=notification.originator_version,
    )


class OutboxRelay:
    """Publishes an application's stored events to JetStream, at least once, in log order."""

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
    ) -> None:
        self.app = app
        self.mapper = mapper
        self.publish = publish
        self.service = service
        self.batch_size = batch_size
        self.poll_seconds = poll_seconds
        self.max_backoff_seconds = max_backoff_seconds
        self.tracking = tracking or app.factory.tracking_recorder()
        self.tracking_name = f"{service}-relay"
        self.last_error: str | None = None
        self._wakeup: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping = False

    # -- position -------------------------------------------------------------------------------
    def published_position(self) -> int:
        return self.tracking.max_tracking_id(self.tracking_name) or 0

    def status(self) -> RelayStatus:
        return RelayStatus(self.published_position(), self.last_error)

    def request_stop(self) -> None:
        """Ask `run` to return after its current batch (no thread is left using the store)."""
        self._stopping = True
        self.wake()

    # -- wake-up from any thread (the save listener runs in a worker thread) ----------------------
    def wake(self) -> None:
        loop, wakeup = self._loop, self._wakeup
        if loop is not None and wakeup is not None and not loop.is_closed():
            loop.call_soon_threadsafe(wakeup.set)

    # -- one batch --------------------------------------------------------------------------------
    def _read_batch(self) -> tuple[list[Notification], list[EventContract]]:
        start = self.published_position() + 1
        notifications = self.app.notification_log.select(start=start, limit=self.batch_size)
        contracts: list[EventContract] = []
        for notification in notifications:
            domain_event = self.app.mapper.to_domain_event(notification)
            envelope = envelope_for(self.service, notification, domain_event)
            contract = self.mapper(self.app, domain_event, envelope)
            if contract is not None:
                contracts.append(contract)
        return list(notifications), contracts

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

    async def publish_pending(self) -> int:
        """Publish everything not yet published, batch by batch; returns the number of messages sent."""
        sent = 0
        while True:
            notifications, contracts = await asyncio.to_thread(self._read_batch)
            if not notifications:
                return sent
            await self._publish_all(contracts)
            await asyncio.to_thread(self._record_position, notifications[-1].id)
            sent += len(contracts)
            if len(notifications) < self.batch_size:
                return sent

    async def _publish_all(self, contracts: Sequence[EventContract]) -> None:
        # Concurrent publishes on one connection keep their order on the wire; a retry of a
        # partly acknowledged batch is harmless because of Nats-Msg-Id de-duplication.
        await asyncio.gather(*(self.publish(c.subject, c.payload(), c.headers()) for c in contracts))

    # -- the loop ---------------------------------------------------------------------------------
    async def run(self) -> None:
        """Run until stopped: woken after each save and by a timer; backs off while NATS is down."""
        self._loop = asyncio.get_running_loop()
        self._wakeup = asyncio.Event()
        backoff = self.poll_seconds
        while not self._stopping:
            try:
                await self.publish_pending()
                if self.last_error:
                    log.info("relay %s caught up after: %s", self.service, self.last_error)
                self.last_error = None
                backoff = self.poll_seconds
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # NATS down, timeout, …: keep the position, try again later
                self.last_error = f"{type(exc).__name__}: {exc}"
                log.warning("relay %s could not publish: %s", self.service, self.last_error)
                backoff = min(max(backoff * 2, 0.5), self.max_backoff_seconds)
            await wait_for_event(self._wakeup, backoff)
            self._wakeup.clear()
