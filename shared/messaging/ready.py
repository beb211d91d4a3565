"""Mapping new events to their contracts when they are saved, not when they are relayed.

`prepare_messages(app, mapper, service)` gives the application a `message_preparer`: before a
save stores its events, each new event is mapped to its contract with its aggregate's state at
the event's version, the aggregate the command just changed being that state (a new aggregate's
earlier events of the same save are replayed from its pending events, as the relay replays a
batch: `relay._StatesInBatch`). The result goes to the recorder with the events
(`shared.outbox`), which adds the hash-chain fields once they are known and writes the ready
row in the same transaction. The relay then publishes those bytes without reading, decoding
or mapping the event (docs/performance.md, fix 20).

Nothing here can fail a save: an event whose mapping raises, or that is not the last of several
pending events of an aggregate that already existed (its state at that version is not in hand),
gets no ready row, and the relay maps it as it maps events stored before ready rows existed.
So an event that cannot be mapped still stops the relay visibly (docs/reliability.md, promise 4).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from shared.actor import SYSTEM_ACTOR, Actor
from shared.contracts.base import ActorInfo
from shared.eventstore import EVENT_ID_KEY, TdktApplication, new_event_id
from shared.messaging.relay import JSON_CONTENT, Envelope, EventMapper
from shared.outbox import Prepared

log = logging.getLogger(__name__)


class _StatesAtSave:
    """The application as the mapper sees it during a save: `get(id, version=v)` (also through
    `repository`) of the event being mapped answers the state the save holds; anything else
    goes to the application."""

    def __init__(self, app: Any) -> None:
        self._app = app
        self.key: tuple[str, int] | None = None
        self.state: Any = None
        self.repository = _RepositoryAtSave(self)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._app, name)

    def held(self, aggregate_id: Any, version: int | None, kwargs: dict[str, Any]) -> Any:
        if kwargs or version is None or (str(aggregate_id), version) != self.key:
            return None
        return self.state

    def get(self, aggregate_id: Any, version: int | None = None, **kwargs: Any) -> Any:
        state = self.held(aggregate_id, version, kwargs)
        return state if state is not None else self._app.get(aggregate_id, version=version, **kwargs)


class _RepositoryAtSave:
    def __init__(self, states: _StatesAtSave) -> None:
        self._states = states

    def __getattr__(self, name: str) -> Any:
        return getattr(self._states._app.repository, name)

    def get(self, aggregate_id: Any, version: int | None = None, **kwargs: Any) -> Any:
        state = self._states.held(aggregate_id, version, kwargs)
        return state if state is not None else self._states._app.repository.get(aggregate_id, version=version, **kwargs)


def _held_states(obj: Any) -> Any:
    """(event, the aggregate's state after it) for each pending event of `obj` whose state the
    save holds: the last one (the aggregate itself) and, for a new aggregate, the earlier ones
    replayed from its pending events. Each state is yielded before the next event is applied."""
    events = list(getattr(obj, "pending_events", ()))
    if not events or getattr(obj, "version", None) != events[-1].originator_version:
        return
    new = events[0].originator_version == 1
    state = None
    for event in events[:-1]:
        if not new:
            break
        state = event.mutate(state)
        yield event, state
    yield events[-1], obj


def _envelope(service: str, event: Any) -> Envelope:
    actor = getattr(event, "actor", None)
    actor = actor if isinstance(actor, Actor) else SYSTEM_ACTOR
    return Envelope(
        event_id=str(vars(event)[EVENT_ID_KEY]),
        source=f"/services/{service}",
        occurred_at=getattr(event, "timestamp", None) or datetime.now(UTC),
        actor=ActorInfo(**actor.as_dict()),
        aggregate_id=str(event.originator_id),
        aggregate_version=event.originator_version,
    )


class MessagePreparer:
    def __init__(self, app: Any, mapper: EventMapper, service: str) -> None:
        self.app = app
        self.mapper = mapper
        self.service = service

    def __call__(self, objs: Sequence[Any]) -> dict[tuple[str, int], Prepared]:
        states = _StatesAtSave(self.app)
        prepared: dict[tuple[str, int], Prepared] = {}
        for obj in objs:
            for event, state in _held_states(obj):
                key = (str(event.originator_id), event.originator_version)
                states.key, states.state = key, state
                if EVENT_ID_KEY not in vars(event):  # as `IdentifiedMapper` would when storing it
                    vars(event)[EVENT_ID_KEY] = new_event_id()
                try:
                    envelope = _envelope(self.service, event)
                    contract = self.mapper(states, event, envelope)
                    if contract is None:
                        prepared[key] = Prepared(envelope.event_id, None)
                    else:
                        headers = {**contract.headers(), **JSON_CONTENT}
                        prepared[key] = Prepared(envelope.event_id, contract.subject, contract.payload(), headers)
                except Exception:  # the relay maps it, and stops there visibly if it still cannot
                    log.debug("%s: event %s v%s left to the relay", self.service, *key, exc_info=True)
        return prepared


def prepare_messages(app: Any, mapper: EventMapper, service: str) -> None:
    """Map every event `app` saves from now on to its public message as it is stored."""
    if isinstance(app, TdktApplication):
        app.message_preparer = MessagePreparer(app, mapper, service)
