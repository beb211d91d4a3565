"""A query model kept by folding an application's stored events, in log order, into the
aggregates they belong to: reads that list or search never load aggregates one by one.

`catch_up()` reads what was stored since its last call from the notification log (the same log
on every replica, so a read that follows a write sees it) and applies each event to this
model's own copy of its aggregate; `changed` lists the aggregates that moved, so a service can
refresh what it derives from them (a JSON view, an index). The copies are never saved.
"""

from __future__ import annotations

import threading
from typing import Any, Generic, TypeVar
from uuid import UUID

from eventsourcing.application import Application

A = TypeVar("A")


class FoldedAggregates(Generic[A]):
    """Every aggregate of `aggregate_class` in `app`, as of the last `catch_up`, in creation order."""

    def __init__(self, app: Application[Any], aggregate_class: type[A], *, page: int = 500) -> None:
        self.app = app
        self.aggregate_class = aggregate_class
        self.page = page
        self.position = 0
        self._aggregates: dict[UUID, A] = {}
        self._lock = threading.Lock()

    def catch_up(self) -> list[A]:
        """Apply what was stored since the last call; the aggregates it changed (thread-safe)."""
        with self._lock:
            changed: dict[UUID, A] = {}
            while True:
                notifications = self.app.notification_log.select(start=self.position + 1, limit=self.page)
                for notification in notifications:
                    event = self.app.mapper.to_domain_event(notification)
                    current = self._aggregates.get(event.originator_id)
                    folded = event.mutate(current)  # type: ignore[arg-type]
                    if isinstance(folded, self.aggregate_class):
                        self._aggregates[event.originator_id] = folded
                        changed[event.originator_id] = folded
                    self.position = notification.id
                if len(notifications) < self.page:
                    return list(changed.values())

    def all(self) -> list[A]:
        """Every aggregate, caught up first."""
        self.catch_up()
        with self._lock:
            return list(self._aggregates.values())
