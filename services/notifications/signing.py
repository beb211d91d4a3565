"""Webhook signatures: `X-Tdkt-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">`.

The timestamp (`X-Tdkt-Timestamp`, Unix seconds) is inside the signed text so a receiver can
refuse a replayed call older than a few minutes; the body is signed byte for byte as sent.
Receivers compare with `hmac.compare_digest`, as `verify` does.
"""

from __future__ import annotations

import hashlib
import hmac

SIGNATURE_HEADER = "X-Tdkt-Signature"
TIMESTAMP_HEADER = "X-Tdkt-Timestamp"
DEFAULT_TOLERANCE_SECONDS = 300


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The header value for a body sent at `timestamp`."""
    mac = hmac.new(secret.encode("utf-8"), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"sha256={mac.hexdigest()}"


def verify(
    secret: str,
    *,
    timestamp: str,
    signature: str,
    body: bytes,
    now: float,
    tolerance_seconds: int = DEFAULT_TOLERANCE_SECONDS,
) -> bool:
    """Whether a received call is authentic and fresh (what a receiver should check)."""
    try:
        sent_at = int(timestamp)
    except (TypeError, ValueError):
        return False
    if abs(now - sent_at) > tolerance_seconds:
        return False
    return hmac.compare_digest(sign(secret, sent_at, body), signature)
