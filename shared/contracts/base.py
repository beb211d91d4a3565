"""The base of every published event contract (the published language between services).

A contract is a pydantic model with an explicit `schema_version`. It travels as the JSON payload
of a JetStream message whose headers carry the CloudEvents attributes in binary mode (`ce-*`,
ASCII only; Vietnamese text stays in the payload), plus `Nats-Msg-Id` for JetStream's
de-duplication. `ce-id` = `Nats-Msg-Id` = `event_id`, the event's identity for all time: a
subscriber de-duplicates on it (JetStream only drops copies within its duplicate window).
Adding an optional field is compatible; anything else is a new contract version, published
side by side.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field

CLOUDEVENTS_SPEC_VERSION = "1.0"
CE_TYPE_PREFIX = "vn.gov.tdkt"


class ActorInfo(BaseModel):
    """Who caused the event: user id, role and organisation-unit code."""

    model_config = ConfigDict(frozen=True)

    id: str
    role: str
    unit: str = ""


class EventContract(BaseModel):
    """Envelope fields shared by every published event; subclasses add the payload."""

    model_config = ConfigDict(frozen=True, extra="allow")

    subject: ClassVar[str]
    schema_version: int = 1
    event_id: str = Field(
        description=(
            "The event's identity, unique for all time: a UUID stored with the event (events stored before "
            "identities existed keep `<service>-<notification id>`); also its `ce-id` and `Nats-Msg-Id`. "
            "De-duplicate on it for the stream's whole history."
        )
    )
    source: str = Field(description="CloudEvents source, e.g. /services/campaigns")
    occurred_at: datetime = Field(description="When the event happened, UTC")
    actor: ActorInfo
    aggregate_id: str
    aggregate_version: int = Field(description="Version of the aggregate after this event; order per aggregate")
    prev_hash: str | None = Field(
        None,
        description=(
            "Tamper evidence (docs/audit.md): the `hash` of this aggregate's previous event (64 zeros for version 1). "
            "Absent on events stored before hash chains existed."
        ),
    )
    hash: str | None = Field(
        None,
        description=(
            "SHA-256 (hex) of the stored event, computed when it was stored, over the RFC 8785 canonical JSON of its "
            "record and `prev_hash`: the aggregate's hash chain."
        ),
    )
    stream_index: int | None = Field(
        None, description="This event's place (1, 2, 3…) in the hash chain of everything its service publishes"
    )
    stream_hash: str | None = Field(
        None,
        description=(
            "The publishing service's stream chain after this event: SHA-256 of the canonical JSON of "
            '{"index": stream_index, "prev": previous stream_hash, "hash": hash}; signed checkpoints '
            "(`tdkt.audit.checkpoint`) attest it."
        ),
    )

    @classmethod
    def ce_type(cls) -> str:
        """CloudEvents type: `vn.gov.tdkt.campaign.registered.v1`."""
        version = cls.model_fields["schema_version"].default
        return f"{CE_TYPE_PREFIX}.{cls.subject.removeprefix('tdkt.')}.v{version}"

    def headers(self) -> dict[str, str]:
        """CloudEvents binary-mode headers plus the JetStream de-duplication id."""
        occurred = self.occurred_at.astimezone(UTC).isoformat().replace("+00:00", "Z")
        return {
            "Nats-Msg-Id": self.event_id,
            "ce-specversion": CLOUDEVENTS_SPEC_VERSION,
            "ce-id": self.event_id,
            "ce-source": self.source,
            "ce-type": self.ce_type(),
            "ce-time": occurred,
            "ce-subject": self.aggregate_id,
            "ce-dataschema": f"{self.subject}.v{self.schema_version}",
        }

    def payload(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


def version_of(contract: type[EventContract]) -> int:
    """The schema version a contract class publishes (its `schema_version` default)."""
    return int(contract.model_fields["schema_version"].default)


class ContractRegistry:
    """(subject, schema version) → contract class, so a consumer can parse any published event it
    meets, and a subject can carry v1 and v2 side by side while consumers move."""

    def __init__(self) -> None:
        self._by_key: dict[tuple[str, int], type[EventContract]] = {}

    def register(self, contract: type[EventContract]) -> type[EventContract]:
        key = (contract.subject, version_of(contract))
        existing = self._by_key.get(key)
        if existing is not None and existing is not contract:
            raise ValueError(f"subject {key[0]} v{key[1]} already has {existing.__name__}")
        self._by_key[key] = contract
        return contract

    def get(self, subject: str, version: int | None = None) -> type[EventContract] | None:
        """The contract of `subject` at `version`; without a version, its latest."""
        if version is not None:
            return self._by_key.get((subject, version))
        versions = self.versions(subject)
        return self._by_key[(subject, versions[-1])] if versions else None

    def versions(self, subject: str) -> list[int]:
        return sorted(v for s, v in self._by_key if s == subject)

    def for_payload(self, subject: str, data: Mapping[str, Any]) -> type[EventContract] | None:
        """The contract a received payload was published under (its `schema_version`, 1 if absent)."""
        try:
            version = int(data.get("schema_version", 1))
        except (TypeError, ValueError):
            return None
        return self._by_key.get((subject, version))

    def parse(self, subject: str, data: Mapping[str, Any]) -> EventContract:
        contract = self.for_payload(subject, data)
        if contract is None:
            raise KeyError(f"no contract for subject {subject} v{data.get('schema_version', 1)}")
        return contract.model_validate(data)

    def all(self) -> list[type[EventContract]]:
        return list(self._by_key.values())


REGISTRY = ContractRegistry()


def published(contract: type[EventContract]) -> type[EventContract]:
    """Class decorator: add a contract to the catalogue."""
    return REGISTRY.register(contract)
