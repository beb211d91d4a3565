"""Decoding a payload straight from its bytes (`decode_json`, the rebuild's fast path) gives what
decoding the parsed dict gives (`decode`), for every kind of event and for payloads the fast
path must not take: another schema version, a version written oddly, malformed JSON."""

from __future__ import annotations

import json
from typing import Any

import pytest

from services.reporting.projector import OtherEvent, decode, decode_json
from tests.support.reporting_history import generate


def outcome(fn: Any, subject: str, data: Any) -> Any:
    try:
        return fn(subject, data)
    except Exception as exc:  # the same kind of failure on both paths
        return type(exc).__name__


def both(subject: str, data: bytes) -> tuple[Any, Any]:
    try:
        parsed: Any = json.loads(data)
    except ValueError:
        parsed = {"_raw": data.decode("utf-8", "replace")}
    if not isinstance(parsed, dict):
        parsed = {"_raw": parsed}
    return outcome(decode_json, subject, data), outcome(decode, subject, parsed)


def test_every_generated_event_decodes_the_same_from_bytes() -> None:
    events = generate(seed=7, campaigns=4, dossiers=40)
    subjects = set()
    for event in events:
        fast, reference = both(event.subject, json.dumps(event.payload()).encode())
        assert type(fast) is type(reference) is type(event)
        assert fast == reference == event
        subjects.add(event.subject)
    assert len(subjects) > 10  # campaigns', dossiers' and awards' events


def sample() -> tuple[str, dict[str, Any]]:
    event = next(e for e in generate(seed=7, campaigns=1, dossiers=3) if e.subject.startswith("tdkt.dossier."))
    return event.subject, event.payload()


@pytest.mark.parametrize(
    "change",
    [
        {"schema_version": 99},  # a newer contract this projection does not read: an OtherEvent
        {"schema_version": "1.0"},  # int() rejects it, pydantic would not: the general way decides
        {"schema_version": "1"},
        {"schema_version": None},
        {"dossier": None},  # does not match the contract: fails
        {"nested": {"schema_version": 1}},
    ],
)
def test_unusual_payloads_decode_the_same(change: dict[str, Any]) -> None:
    subject, payload = sample()
    fast, reference = both(subject, json.dumps({**payload, **change}).encode())
    assert fast == reference
    assert type(fast) is type(reference)


@pytest.mark.parametrize("data", [b"not json", b"[1, 2]", b"null", b'{"occurred_at": "2024-01-02T03:04:05Z"}'])
def test_malformed_payloads_fail_or_are_kept_the_same(data: bytes) -> None:
    subject, _ = sample()
    for s in (subject, "tdkt.notification.sent"):
        fast, reference = both(s, data)
        assert fast == reference


def test_a_subject_the_projection_does_not_read_is_an_other_event() -> None:
    data = json.dumps({"aggregate_id": "x", "aggregate_version": 3, "occurred_at": "2024-01-02T03:04:05Z"}).encode()
    fast, reference = both("tdkt.notification.sent", data)
    assert isinstance(fast, OtherEvent)
    assert fast == reference
