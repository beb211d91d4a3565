"""The hash chain's definitions, as docs/audit.md states them (a subscriber re-implements them)."""

from __future__ import annotations

import hashlib

from shared.audit.chain import GENESIS, event_hash, link_hash, record_form


def test_an_events_hash_is_sha256_of_the_canonical_json_of_its_record() -> None:
    state = b'{"tdkt_event_id":"e1","reason":"Vi\xe1\xbb\x87t"}'
    record = record_form("6f1c0f6e-0000-4000-8000-000000000001", 2, "m:Dossier.Withdrawn", state, GENESIS)
    assert record["state_sha256"] == hashlib.sha256(state).hexdigest()
    canonical = (
        '{"aggregate_id":"6f1c0f6e-0000-4000-8000-000000000001","aggregate_version":2,'
        f'"prev_hash":"{GENESIS}","state_sha256":"{record["state_sha256"]}","topic":"m:Dossier.Withdrawn"}}'
    )  # keys sorted, no white space (RFC 8785)
    expected = hashlib.sha256(canonical.encode()).hexdigest()
    assert event_hash("6f1c0f6e-0000-4000-8000-000000000001", 2, "m:Dossier.Withdrawn", state, GENESIS) == expected


def test_one_byte_of_the_stored_state_or_the_previous_hash_changes_the_hash() -> None:
    base = event_hash("a", 1, "t", b'{"x":1}', GENESIS)
    assert event_hash("a", 1, "t", b'{"x":1} ', GENESIS) != base
    assert event_hash("a", 1, "t", b'{"x":1}', "1" * 64) != base
    assert event_hash("a", 2, "t", b'{"x":1}', GENESIS) != base


def test_a_link_covers_its_index_its_predecessor_and_the_events_hash() -> None:
    h = "ab" * 32
    expected = hashlib.sha256(f'{{"hash":"{h}","index":7,"prev":"{GENESIS}"}}'.encode()).hexdigest()
    assert link_hash(7, GENESIS, h) == expected
    assert link_hash(8, GENESIS, h) != expected
