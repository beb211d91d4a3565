"""The hash chains, as pure functions (no I/O): what is hashed, and how links are formed.

Every stored event gets three links, computed in the transaction that stores it
(`shared.audit.recorders`):

- **its aggregate's chain**: `hash = SHA-256(JCS(record))` where the record is
  `{"aggregate_id", "aggregate_version", "topic", "state_sha256", "prev_hash"}`: the stored
  event's key, its topic, the SHA-256 of its stored state exactly as stored (the bytes the
  journal stream also carries), and the hash of the aggregate's previous version (`GENESIS` for
  version 1). JCS is the JSON Canonicalization Scheme of RFC 8785.
- **the store's log chain**, over every stored event in the order of the store's notification
  log (internal events such as the dossiers' number sequences included): event number *n*
  links `log_hash(n) = SHA-256(JCS({"index": n, "prev": log_hash(n-1), "hash": hash(n)}))`,
  `log_hash(0) = GENESIS`. The journal stream (`TDKT_JOURNAL_<SERVICE>`) carries it.
- **the public stream's chain**, the same link over the events the service publishes (its
  public stream, e.g. `TDKT_DOSSIERS`), so a subscriber that sees only the published events
  can check that none is missing, added or out of order.

Indexes, not store positions, are chained: a store restored from a backup and reconciled from
its journal gives re-imported events new notification ids, but the same order, hence the same
chain.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import rfc8785

GENESIS = "0" * 64
"""The previous hash of an aggregate's first event and of a chain's first link."""

LOG_CHAIN = "log"
STREAM_CHAIN = "stream"


def canonical(value: Any) -> bytes:
    """RFC 8785 canonical JSON (UTF-8)."""
    return rfc8785.dumps(value)


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def record_form(aggregate_id: str, aggregate_version: int, topic: str, state: bytes, prev_hash: str) -> dict[str, Any]:
    """What an event's hash covers."""
    return {
        "aggregate_id": str(aggregate_id),
        "aggregate_version": int(aggregate_version),
        "topic": topic,
        "state_sha256": sha256_hex(bytes(state)),
        "prev_hash": prev_hash,
    }


def event_hash(aggregate_id: str, aggregate_version: int, topic: str, state: bytes, prev_hash: str) -> str:
    return sha256_hex(canonical(record_form(aggregate_id, aggregate_version, topic, state, prev_hash)))


def link_hash(index: int, prev: str, hash_: str) -> str:
    """The chain head after appending the event whose hash is `hash_` as number `index`."""
    return sha256_hex(canonical({"index": int(index), "prev": prev, "hash": hash_}))


@dataclass(frozen=True)
class ChainLink:
    """One stored event's place in the three chains."""

    position: int
    """The store's notification id when the link was computed (informational: it changes when a
    store is restored and reconciled; the chain does not)."""
    aggregate_id: str
    aggregate_version: int
    event_id: str
    prev_hash: str
    hash: str
    log_index: int
    log_hash: str
    stream_index: int | None = None
    stream_hash: str | None = None

    def envelope_fields(self) -> dict[str, Any]:
        """The optional envelope fields of a published event."""
        fields: dict[str, Any] = {"prev_hash": self.prev_hash, "hash": self.hash}
        if self.stream_index is not None:
            fields.update(stream_index=self.stream_index, stream_hash=self.stream_hash)
        return fields

    def journal_headers(self) -> dict[str, str]:
        """The journal message's headers (ASCII)."""
        return {
            "tdkt-prev-hash": self.prev_hash,
            "tdkt-hash": self.hash,
            "tdkt-log-index": str(self.log_index),
            "tdkt-log-hash": self.log_hash,
        }


@dataclass(frozen=True)
class Head:
    """A chain's head: how many events it holds and its last link."""

    index: int = 0
    hash: str = GENESIS
