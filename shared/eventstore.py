"""Event-store plumbing shared by every event-sourced service.

`TdktApplication` registers the transcodings that domain events need beyond the library's
built-ins (`date` and `Actor`), so that every follower decodes what a leader wrote, and stamps
every stored domain event with an identity that is unique for all time (`event_id_of`).
`persistence_env` turns the service settings into the `eventsourcing` environment: SQLite under
`var/` by default, PostgreSQL when `PERSISTENCE_MODULE=eventsourcing.postgres` and the
`POSTGRES_*` variables are set.

Why a stored identity, not one derived from the store's position: a notification id (or an
aggregate version) is only unique within one copy of a store. Restore last night's backup, or
start from an empty file while NATS keeps its streams, and the next events take positions that
were already published, so `<service>-<notification id>` would name two different events.
A random UUID written into the event's stored state when it is first saved travels with the
event through any backup, restore or migration, and a new event never takes an old one's id.
"""

from __future__ import annotations

import logging
import os
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.domain import Snapshot
from eventsourcing.persistence import (
    ApplicationRecorder,
    IntegrityError,
    Mapper,
    ProgrammingError,
    Recording,
    StoredEvent,
    Transcoder,
    Transcoding,
)

from shared.actor import Actor
from shared.audit.recorders import chained_recorder, is_chained
from shared.outbox import PREPARED, Prepared
from shared.pii import cipher_env

log = logging.getLogger(__name__)

EVENT_ID_KEY = "tdkt_event_id"
"""The key of the event identity in a domain event's stored state (and its `__dict__`). The
library hands domain methods only the attributes their signatures name, so an extra key never
reaches an aggregate."""


def new_event_id() -> str:
    return str(uuid.uuid4())


def legacy_event_id(service: str, notification_id: int) -> str:
    """The id that events stored before identities existed were published under; kept for them
    so that subscribers that already applied them recognise them again."""
    return f"{service}-{notification_id}"


def stored_event_id(domain_event: Any) -> str | None:
    """The identity stored with a domain event, or None for an event stored before identities."""
    value = vars(domain_event).get(EVENT_ID_KEY)
    return str(value) if value else None


def event_id_of(domain_event: Any, service: str, notification_id: int) -> str:
    """The event's identity for all time: its stored UUID, else (older events) the legacy id."""
    return stored_event_id(domain_event) or legacy_event_id(service, notification_id)


T = TypeVar("T")


def created_together(create: Callable[[], T], attempts: int = 5) -> T:
    """Run something that creates tables, again if another replica created them at the same
    moment: two replicas starting on a fresh PostgreSQL database race in `CREATE TABLE IF NOT
    EXISTS` and in the library's tracking-table migration row."""
    for attempt in range(1, attempts + 1):
        try:
            return create()
        except (IntegrityError, ProgrammingError) as exc:  # the loser of the race sees the winner's rows
            if attempt == attempts:
                raise
            log.info("tables created by another process meanwhile (%s); again", exc)
            time.sleep(0.1 * attempt)
    raise AssertionError("unreachable")


class IdentifiedMapper(Mapper[UUID]):
    """The library's mapper, plus: a domain event stored for the first time gets a new UUID in
    its state (snapshots do not; they are not events). The UUID is also set on the event object,
    so a save retried with the same pending events keeps the same identity."""

    def to_stored_event(self, domain_event: Any) -> StoredEvent:
        if not isinstance(domain_event, Snapshot) and EVENT_ID_KEY not in vars(domain_event):
            vars(domain_event)[EVENT_ID_KEY] = new_event_id()
        return super().to_stored_event(domain_event)


class DateAsISO(Transcoding):
    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


class ActorAsDict(Transcoding):
    type = Actor
    name = "actor"

    def encode(self, obj: Actor) -> dict[str, str]:
        return obj.as_dict()

    def decode(self, data: dict[str, Any]) -> Actor:
        return Actor.from_dict(data)


class TdktApplication(Application[UUID]):
    """Base of every service's event-sourced application.

    Listeners registered with `add_save_listener` are called after each successful save: the
    outbox relay uses this to wake up at once instead of waiting for its timer.
    """

    log_section_size = 1000  # the relay reads the notification log in batches up to this size
    internal_topic_prefixes: tuple[str, ...] = ()
    """Topics of events the relay never publishes (internal aggregates): they join the store's log
    chain but not its public stream's chain (`shared.audit.chain`)."""

    def __init__(self, env: Mapping[str, str] | None = None) -> None:
        created_together(lambda: super(TdktApplication, self).__init__(env))
        if is_chained(self.recorder):
            self.recorder.chain.is_published = self.is_published_topic  # type: ignore[attr-defined]
            self.recorder.outbox.cipher = self.mapper.cipher  # type: ignore[attr-defined]
            created_together(self.recorder.start_chain)  # type: ignore[attr-defined]
        self._save_listeners: list[Callable[[], None]] = []
        self.message_preparer: Callable[[Sequence[Any]], dict[tuple[str, int], Prepared]] | None = None
        """Maps a save's new events to their public messages before they are stored
        (`shared.messaging.ready`); the recorder writes them with the events (`shared.outbox`)."""
        self.write_gate: Callable[[], None] | None = None
        """Called before every save; raises to refuse the write (see `shared.messaging.storecheck`:
        a store that is behind its own stream must not issue new events)."""

    def is_published_topic(self, topic: str) -> bool:
        return not topic.startswith(self.internal_topic_prefixes)

    def construct_recorder(self) -> ApplicationRecorder:
        """The library's recorder for the configured store, chaining every event it stores
        (SQLite, PostgreSQL; the in-memory store of unit tests is not chained)."""
        return chained_recorder(self.factory) or super().construct_recorder()

    def add_save_listener(self, listener: Callable[[], None]) -> None:
        self._save_listeners.append(listener)

    def construct_mapper(self) -> Mapper[UUID]:
        return self.factory.mapper(transcoder=self.construct_transcoder(), mapper_class=IdentifiedMapper)

    def save(self, *objs: Any, **kwargs: Any) -> list[Recording[UUID]]:
        if self.write_gate is not None:
            self.write_gate()
        pending = [e for obj in objs for e in getattr(obj, "pending_events", ())]
        prepared = self.message_preparer(objs) if self.message_preparer is not None and pending else None
        token = PREPARED.set(prepared)
        try:
            recordings = super().save(*objs, **kwargs)
        except IntegrityError:
            if not (pending and self._stored_already(pending)):
                raise
            # The library retries an insert whose connection broke after the commit: the retry
            # then meets its own rows. They carry this save's identities, so the save succeeded.
            log.warning("a save retried after a lost connection found its own events stored: it had succeeded")
            recordings = []
        finally:
            PREPARED.reset(token)
        for listener in self._save_listeners:
            listener()
        return recordings

    def _stored_already(self, events: list[Any]) -> bool:
        for event in events:
            ours = vars(event).get(EVENT_ID_KEY)
            stored = self.recorder.select_events(
                event.originator_id, gt=event.originator_version - 1, lte=event.originator_version, limit=1
            )
            if not ours or not stored or stored_event_id(self.mapper.to_domain_event(stored[0])) != ours:
                return False
        return True

    def register_transcodings(self, transcoder: Transcoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())
        transcoder.register(ActorAsDict())


POSTGRES_DEFAULTS = {"POSTGRES_CONNECT_TIMEOUT": "2", "POSTGRES_PRE_PING": "y"}


def persistence_env(app_name: str, var_dir: Path, environ: dict[str, str] | None = None) -> dict[str, str]:
    """The `eventsourcing` environment for one application.

    Anything already set in the process environment wins; otherwise the embedded default is a
    SQLite file `var/<app>.sqlite`.
    """
    environ = dict(os.environ if environ is None else environ)
    env: dict[str, str] = {}
    prefix = app_name.upper() + "_"
    module = environ.get(prefix + "PERSISTENCE_MODULE") or environ.get("PERSISTENCE_MODULE")
    if not module:
        var_dir.mkdir(parents=True, exist_ok=True)
        env["PERSISTENCE_MODULE"] = "eventsourcing.sqlite"
        if not (environ.get(prefix + "SQLITE_DBNAME") or environ.get("SQLITE_DBNAME")):
            env["SQLITE_DBNAME"] = str(var_dir / f"{app_name.lower()}.sqlite")
    # PostgreSQL: a broken pooled connection is found before use, and a command waits for a
    # connection seconds, not the library's 30 s (it retries ten times: see shared.http.circuit).
    for key, default in POSTGRES_DEFAULTS.items():
        if not (environ.get(prefix + key) or environ.get(key)):
            env[key] = default
    env.update(cipher_env(environ, var_dir))  # personal data encrypted at rest (TDKT_PII_KEY, or var's dev key)
    return env
