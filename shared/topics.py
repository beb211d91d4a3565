"""Stored event topics that outlive a move of their classes.

`eventsourcing` stores each event under `module:QualName` (e.g.
`services.dossiers.domain:Dossier.Submitted`). When an aggregate's module moves, the events
already stored keep their old topic: `register_moved` tells the library (`register_topic`)
that the old `module:Aggregate` is the moved class, and 9.5.6 resolves
`module:Aggregate.Event` by that prefix, so one registration per aggregate covers its nested
event classes too. `topics_of` gives every name an event class was ever stored under, for the
reads that filter the notification log by topic.
"""

from __future__ import annotations

from eventsourcing.utils import get_topic, register_topic

_former_modules: dict[str, list[str]] = {}
"""Current module name → the modules its aggregates were stored under before."""


def register_moved(former_module: str, *aggregates: type) -> None:
    """Events stored under `former_module:<Aggregate>…` load as the moved `aggregates`."""
    for aggregate in aggregates:
        register_topic(f"{former_module}:{aggregate.__qualname__}", aggregate)
        known = _former_modules.setdefault(aggregate.__module__, [])
        if former_module not in known:
            known.append(former_module)


def topics_of(cls: type) -> list[str]:
    """The topic `cls` is stored under now, then the ones it was stored under before a move."""
    module = get_topic(cls).partition(":")[0]
    return [get_topic(cls), *(f"{m}:{cls.__qualname__}" for m in _former_modules.get(module, []))]
