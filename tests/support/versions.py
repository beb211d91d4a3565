"""A subject published at two schema versions side by side, for the registry's tests."""

from __future__ import annotations

from typing import ClassVar

from shared.contracts.base import ContractRegistry, EventContract

SUBJECT = "tdkt.campaign.renamed"
"""Not a subject any service publishes: the tests register it in a registry of their own."""


class RenamedV1(EventContract):
    subject: ClassVar[str] = SUBJECT
    name: str


class RenamedV2(EventContract):
    """v2 splits the name: not an optional field added, so a new version, published beside v1."""

    subject: ClassVar[str] = SUBJECT
    schema_version: int = 2
    short_name: str
    full_name: str


def registry_with_both() -> ContractRegistry:
    registry = ContractRegistry()
    registry.register(RenamedV1)
    registry.register(RenamedV2)
    return registry


ENVELOPE = {
    "source": "/services/campaigns",
    "occurred_at": "2026-01-05T02:00:00Z",
    "actor": {"id": "u1", "role": "lead_unit_clerk", "unit": "PKT"},
    "aggregate_id": "c-1",
    "aggregate_version": 2,
}


def both_versions() -> tuple[RenamedV1, RenamedV2]:
    """The same change, as each version publishes it."""
    return (
        RenamedV1(event_id="e-1", name="Chuyển đổi số", **ENVELOPE),
        RenamedV2(event_id="e-1.v2", short_name="CĐS", full_name="Chuyển đổi số", **ENVELOPE),
    )
