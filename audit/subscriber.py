"""How another service subscribes to tdkt's events, with nothing but nats-py and the JSON Schemas.

This module imports nothing from tdkt (a test checks it): it is what an outside subscriber, or an
auditor who trusts none of tdkt's code, would write. The rules it follows are the published ones:

- read a stream from its first message (`DeliverPolicy.ALL`; the streams keep everything);
- de-duplicate on the `ce-id` header for the stream's whole history (JetStream drops a re-sent
  copy only within its duplicate window);
- validate each payload against its JSON Schema, `docs/contracts/<subject>.v<schema_version>.json`;
- within one aggregate (`ce-subject`), apply events in `aggregate_version` order, keeping the
  highest version's snapshot (messages of different aggregates may interleave in any order).

A live subscriber would use a durable consumer instead of the ephemeral ordered one below, and
ack each message after applying it; everything else is the same.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema
from nats.errors import TimeoutError as NatsTimeoutError
from nats.js.api import ConsumerConfig, DeliverPolicy
from nats.js.client import JetStreamContext
from nats.js.errors import NotFoundError

PUBLIC_STREAMS = {"campaigns": "TDKT_CAMPAIGNS", "dossiers": "TDKT_DOSSIERS"}
AUDIT_STREAM = "TDKT_AUDIT"


@dataclass(frozen=True)
class Event:
    """One published event as a subscriber sees it."""

    stream: str
    sequence: int
    subject: str
    event_id: str
    headers: dict[str, str]
    payload: dict[str, Any]

    @property
    def aggregate_id(self) -> str:
        return str(self.payload.get("aggregate_id"))

    @property
    def version(self) -> int:
        return int(self.payload.get("aggregate_version") or 0)


class Schemas:
    """The published JSON Schemas, by subject and schema version."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self._validators: dict[str, Any] = {}

    def validator(self, subject: str, version: int) -> Any | None:
        name = f"{subject}.v{version}.json"
        if name not in self._validators:
            path = self.folder / name
            if not path.exists():
                self._validators[name] = None
            else:
                schema = json.loads(path.read_text(encoding="utf-8"))
                self._validators[name] = jsonschema.Draft202012Validator(schema)
        return self._validators[name]

    def problems(self, subject: str, payload: dict[str, Any]) -> list[str]:
        """Why a payload does not match its published schema (empty when it does)."""
        version = int(payload.get("schema_version") or 1)
        validator = self.validator(subject, version)
        if validator is None:
            return [f"không có lược đồ {subject}.v{version}.json"]
        return [
            f"{'/'.join(map(str, e.absolute_path)) or '(gốc)'}: {e.message}" for e in validator.iter_errors(payload)
        ]


async def stream_count(js: JetStreamContext, stream: str) -> int:
    try:
        info = await js.stream_info(stream)
    except NotFoundError:
        return 0
    return int(info.state.messages)


async def read_stream(
    js: JetStreamContext, stream: str, filter_subject: str = "tdkt.>", *, idle_timeout: float = 3.0
) -> AsyncIterator[Event]:
    """Every message of `stream` from its first, in stream order (copies included: de-duplicate)."""
    try:
        info = await js.stream_info(stream)
    except NotFoundError:
        return
    if not info.state.messages:
        return
    last = int(info.state.last_seq)
    config = ConsumerConfig(deliver_policy=DeliverPolicy.ALL)
    sub = await js.subscribe(filter_subject, stream=stream, ordered_consumer=True, config=config)
    try:
        while True:
            try:
                msg = await sub.next_msg(timeout=idle_timeout)
            except NatsTimeoutError:
                return
            sequence = msg.metadata.sequence.stream
            headers = dict(msg.headers or {})
            try:
                payload = json.loads(msg.data)
            except ValueError:
                payload = {"_unreadable": msg.data.decode("utf-8", "replace")}
            event_id = headers.get("ce-id") or str(payload.get("event_id") or f"{stream}-{sequence}")
            yield Event(stream, sequence, msg.subject, event_id, headers, payload)
            if sequence >= last:
                return
    finally:
        await sub.unsubscribe()


@dataclass
class Deduplicator:
    """`ce-id`s seen, for the stream's whole history; a copy with other content is reported."""

    seen: dict[str, dict[str, Any]] = field(default_factory=dict)
    copies: int = 0

    def first_time(self, event: Event) -> bool:
        earlier = self.seen.get(event.event_id)
        if earlier is None:
            self.seen[event.event_id] = event.payload
            return True
        self.copies += 1
        return False

    def conflicting(self, event: Event) -> bool:
        earlier = self.seen.get(event.event_id)
        return earlier is not None and earlier != event.payload
