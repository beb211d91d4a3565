"""The award history's reading position in the dossiers' log: internal, never published."""

from __future__ import annotations

from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event

from services.dossiers.annual.council import ANNUAL_NAMESPACE


class HistoryFeed(Aggregate):
    """How far the award history has read the dossiers' notification log (saved with what it read)."""

    @staticmethod
    def create_id() -> UUID:
        return uuid5(ANNUAL_NAMESPACE, "history-feed")

    @event("Started")
    def __init__(self) -> None:
        self.position = 0

    @event("Advanced")
    def advance(self, position: int) -> None:
        self.position = position
