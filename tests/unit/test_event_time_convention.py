"""One convention in both event-sourced services: every event of an aggregate a person acts on
names who acted (`actor`) and when the step was recorded (`at`); dates the law counts are fields
of their own. The campaign events stored before `at` existed are upcast (`test_moved_topics.py`)."""

from __future__ import annotations

import inspect

import pytest
from eventsourcing.domain import Aggregate, DomainEvent

from services.campaigns.domain.campaign import Campaign
from services.dossiers.domain.dossier import Dossier


def concrete_events(aggregate: type[Aggregate]) -> list[type[DomainEvent]]:
    """The event classes `@event` generated for `aggregate` (not the library's bases)."""
    found = []
    for name in dir(aggregate):
        value = getattr(aggregate, name)
        if (
            isinstance(value, type)
            and issubclass(value, DomainEvent)
            and value.__qualname__.startswith(f"{aggregate.__name__}.")
            and name not in ("Created", "Event")
        ):
            found.append(value)
    return found


@pytest.mark.parametrize("aggregate", [Campaign, Dossier])
def test_every_event_carries_who_and_when(aggregate: type[Aggregate]) -> None:
    events = concrete_events(aggregate)
    assert len(events) >= 10  # the search finds the events, not nothing
    lacking = [e.__name__ for e in events if not {"actor", "at"} <= set(inspect.signature(e).parameters)]
    assert lacking == []
