"""Snapshots whose state survives the JSON transcoder with its Python types intact.

The library's `Snapshot` stores `vars(aggregate)` through the application's transcoder, which
sees a value only when `json` cannot write it natively: a `StrEnum` is written as its string, a
tuple as a list, a dict's int keys as strings, and a value-object dataclass is refused. An
aggregate read from such a snapshot would differ from the same aggregate replayed.
`TypedSnapshot` converts the state to plain JSON values tagged with their types when it is
taken, and back when it is read, so reading from a snapshot gives exactly what replaying gives.
What the transcoder handles itself (dates, datetimes, UUIDs, decimals) is left to it.

Dataclasses and enums are named by their topic (`module:QualName`, as events are), so moving
one needs `eventsourcing.utils.register_topic` like a moved event class. A dataclass field added
later takes its default when an older snapshot is read. Any other change of an aggregate's state
(a new attribute, a changed meaning) needs the aggregate's `class_version` raised with an
`upcast_vN_vN+1` for its snapshots, or the stored snapshots deleted: they are derived data, and
without them the aggregate is replayed from its events.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from enum import Enum
from functools import cache
from typing import Any

from eventsourcing.domain import Snapshot
from eventsourcing.utils import get_topic, resolve_topic

TAG = "_tdkt_"
"""The key of a tagged value: `{TAG: kind, "v": ...}` (and `"t"`: the topic of a class)."""

_NATIVE = (str, int, float, bool, type(None))


def to_plain(value: Any) -> Any:
    """`value` as JSON-native values, tagging what JSON would lose."""
    kind = type(value)
    if kind in _NATIVE:
        return value
    if kind is dict:
        if all(type(k) is str for k in value) and TAG not in value:
            return {k: to_plain(v) for k, v in value.items()}
        return {TAG: "dict", "v": [[to_plain(k), to_plain(v)] for k, v in value.items()]}
    if kind is list:
        return [to_plain(v) for v in value]
    if kind is tuple:
        return {TAG: "tuple", "v": [to_plain(v) for v in value]}
    if kind is frozenset or kind is set:
        return {TAG: kind.__name__, "v": [to_plain(v) for v in value]}
    if isinstance(value, Enum):
        return {TAG: "enum", "t": get_topic(kind), "v": to_plain(value.value)}
    if dataclasses.is_dataclass(value):
        fields = {f.name: to_plain(getattr(value, f.name)) for f in _fields(kind)}
        return {TAG: "dataclass", "t": get_topic(kind), "v": fields}
    return value  # dates, datetimes, UUIDs, Decimals…: the transcoder's registered transcodings


def from_plain(value: Any) -> Any:
    """The inverse of `to_plain`."""
    kind = type(value)
    if kind is list:
        return [from_plain(v) for v in value]
    if kind is not dict:
        return value
    tag = value.get(TAG)
    if tag is None:
        return {k: from_plain(v) for k, v in value.items()}
    items = value["v"]
    if tag == "tuple":
        return tuple(from_plain(v) for v in items)
    if tag == "frozenset":
        return frozenset(from_plain(v) for v in items)
    if tag == "set":
        return {from_plain(v) for v in items}
    if tag == "dict":
        return {from_plain(k): from_plain(v) for k, v in items}
    if tag == "enum":
        return resolve_topic(value["t"])(from_plain(items))
    if tag == "dataclass":
        return _rebuild(resolve_topic(value["t"]), {k: from_plain(v) for k, v in items.items()})
    raise ValueError(f"unknown snapshot tag {tag!r}")


@cache
def _fields(cls: type) -> tuple[dataclasses.Field[Any], ...]:
    return dataclasses.fields(cls)


def _rebuild(cls: type, values: dict[str, Any]) -> Any:
    """The dataclass as it was, field by field, without running `__init__`/`__post_init__`
    again (they validated it when it was made); a field unknown to the snapshot takes its default."""
    obj = object.__new__(cls)
    for field in _fields(cls):
        if field.name in values:
            value = values[field.name]
        elif field.default is not dataclasses.MISSING:
            value = field.default
        elif field.default_factory is not dataclasses.MISSING:
            value = field.default_factory()
        else:
            raise ValueError(f"snapshot of {cls.__qualname__} lacks its field {field.name!r}")
        object.__setattr__(obj, field.name, value)
    return obj


@dataclass(frozen=True)
class TypedSnapshot(Snapshot):
    """A `Snapshot` whose state keeps enums, tuples, sets, non-string keys and dataclasses
    (set it as an aggregate's nested `Snapshot` class)."""

    @classmethod
    def take(cls, aggregate: Any) -> TypedSnapshot:
        snapshot = super().take(aggregate)
        object.__setattr__(snapshot, "state", to_plain(snapshot.state))
        return snapshot

    def mutate(self, _: None) -> Any:
        plain = Snapshot(
            originator_id=self.originator_id,
            originator_version=self.originator_version,
            timestamp=self.timestamp,
            topic=self.topic,
            state=from_plain(self.state),
        )
        return plain.mutate(None)
