"""Published events as another service would receive them: complete, valid contract payloads."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from shared.contracts.base import EventContract
from shared.contracts.campaigns import CampaignRegistered

REGISTERED = {"registration_number": "05/ĐK-PNV", "registered_on": "2024-01-02"}


def envelope(aggregate_id: str, version: int, *, event_id: str | None = None, source: str) -> dict[str, Any]:
    """The fields every published event carries."""
    return {
        "event_id": event_id or f"{source.rsplit('/', 1)[-1]}-{aggregate_id}-{version}",
        "source": source,
        "occurred_at": datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC).isoformat(),
        "actor": {"id": "nv.phongkt", "role": "lead_unit_clerk", "unit": "PKT"},
        "aggregate_id": aggregate_id,
        "aggregate_version": version,
    }


def campaign_payload(
    campaign: dict[str, Any],
    version: int,
    *,
    contract: type[EventContract] = CampaignRegistered,
    event_id: str | None = None,
    **fields: Any,
) -> dict[str, Any]:
    """A `tdkt.campaign.*` payload carrying `campaign` (a snapshot, completed with its defaults),
    validated against `contract` so a test never feeds a consumer what no publisher sends."""
    body = {
        **envelope(campaign["campaign_id"], version, event_id=event_id, source="/services/campaigns"),
        "campaign": campaign,
        **(REGISTERED if contract is CampaignRegistered else {}),
        **fields,
    }
    return contract.model_validate(body).model_dump(mode="json")
