"""The audit contracts: a service's signed checkpoint of its hash chains (docs/audit.md)."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import Field

from shared.contracts.base import EventContract, published

SIGNED_FIELDS = ("service", "stream", "chain", "position", "head", "signed_at", "key_id", "algorithm")
"""The payload fields a checkpoint's signature covers, as the RFC 8785 canonical JSON of an
object holding exactly these keys with the values the payload carries."""


@published
class AuditCheckpoint(EventContract):
    """A service attests, with its Ed25519 key, the head of one of its hash chains: the events up to
    `position` are exactly those whose chain ends in `head`. Published at an interval
    (`TDKT_AUDIT_CHECKPOINT_SECONDS`) when the chain has grown; keys in the deployment's
    configuration."""

    subject: ClassVar[str] = "tdkt.audit.checkpoint"
    service: str = Field(description="The signing service (campaigns, dossiers)")
    stream: str = Field(
        description="The JetStream stream whose chain this is: the public stream (TDKT_DOSSIERS) or the journal"
    )
    chain: str = Field(description="`stream` (published events) or `log` (every stored event, the journal)")
    position: int = Field(description="The chain's length at the head: the last event's index")
    store_position: int = Field(description="The store's notification id of that event when signed (informational)")
    head: str = Field(description="The chain's head: the last event's stream_hash (or log hash), hex")
    signed_at: str = Field(description="When it was signed, ISO 8601 UTC")
    key_id: str = Field(description="First 16 hex digits of SHA-256 of the raw public key")
    algorithm: str = "Ed25519"
    signature: str = Field(description="Base64 Ed25519 signature over the canonical JSON of the signed fields")

    def signed_content(self) -> dict[str, Any]:
        return signed_content(self.payload())


def signed_content(payload: dict[str, Any]) -> dict[str, Any]:
    """The object a checkpoint's signature covers, from its payload as published."""
    return {key: payload.get(key) for key in SIGNED_FIELDS}
