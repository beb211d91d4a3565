"""A tiny aggregate and contract to exercise the generic outbox relay."""

from __future__ import annotations

from typing import Any, ClassVar

from eventsourcing.domain import Aggregate, event

from shared.actor import Actor
from shared.contracts.base import EventContract
from shared.eventstore import TdktApplication, event_id_of
from shared.messaging.relay import Envelope


class Tally(Aggregate):
    @event("Started")
    def __init__(self, label: str, actor: Actor) -> None:
        self.label = label
        self.count = 0

    @event("Counted")
    def count_one(self, actor: Actor) -> None:
        self.count += 1


class Tallies(TdktApplication):
    def start(self, label: str) -> Tally:
        tally = Tally(label, actor=Actor("u1", "clerk", "PNV"))
        self.save(tally)
        return tally

    def count(self, tally_id: Any, times: int = 1) -> None:
        tally: Tally = self.repository.get(tally_id)
        for _ in range(times):
            tally.count_one(actor=Actor("u1", "clerk", "PNV"))
        self.save(tally)


class TallyNoted(EventContract):
    subject: ClassVar[str] = "tdkt.campaign.test_tally_noted"
    label: str
    count: int


def tally_mapper(app: Tallies, domain_event: Any, envelope: Envelope) -> EventContract:
    tally: Tally = app.repository.get(domain_event.originator_id, version=domain_event.originator_version)
    return TallyNoted(**envelope.fields(), label=tally.label, count=tally.count)


def ids_in_log(app: TdktApplication, service: str = "tallies") -> list[str]:
    """The identities of the stored events, in log order."""
    return [
        event_id_of(app.mapper.to_domain_event(n), service, n.id)
        for n in app.notification_log.select(start=1, limit=1000)
    ]
