"""Webhook signatures: HMAC-SHA256 over "<timestamp>.<body>", fresh and untampered."""

from __future__ import annotations

import hashlib
import hmac

from services.notifications.signing import sign, verify

SECRET = "bi-mat-cua-he-thong-nhan"
BODY = '{"event_id":"dossiers-1","lý_do":"Thiếu biên bản"}'.encode()


def test_signature_is_hex_hmac_sha256_of_timestamp_dot_body() -> None:
    expected = hmac.new(SECRET.encode(), b"1700000000." + BODY, hashlib.sha256).hexdigest()
    assert sign(SECRET, 1_700_000_000, BODY) == f"sha256={expected}"


def test_a_fresh_untampered_call_verifies() -> None:
    signature = sign(SECRET, 1_700_000_000, BODY)
    assert verify(SECRET, timestamp="1700000000", signature=signature, body=BODY, now=1_700_000_100)


def test_tampered_body_wrong_secret_or_old_timestamp_do_not_verify() -> None:
    signature = sign(SECRET, 1_700_000_000, BODY)
    assert not verify(SECRET, timestamp="1700000000", signature=signature, body=BODY + b" ", now=1_700_000_000)
    assert not verify("khac", timestamp="1700000000", signature=signature, body=BODY, now=1_700_000_000)
    assert not verify(SECRET, timestamp="1700000000", signature=signature, body=BODY, now=1_700_000_301)
    assert not verify(SECRET, timestamp="1700000001", signature=signature, body=BODY, now=1_700_000_001)
    assert not verify(SECRET, timestamp="không-phải-số", signature=signature, body=BODY, now=1_700_000_000)
