"""Maps the year's workload's domain events to their published contracts (`shared.contracts.annual`).

The contracts' fields carry the domain events' own attribute names, so the mapping copies them;
the award history's reading position (`annual.feed`) is internal and never published."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from shared.contracts import annual as c
from shared.contracts.base import EventContract
from shared.messaging.relay import Envelope

CONTRACT_BY_EVENT: dict[str, type[c.AnnualEvent]] = {
    "Council.Constituted": c.CouncilConstituted,
    "Council.MemberAppointed": c.CouncilMemberAppointed,
    "Council.MemberReleased": c.CouncilMemberReleased,
    "CouncilMeeting.Held": c.CouncilMeetingHeld,
    "AwardRound.Opened": c.AwardRoundOpened,
    "AwardRound.UnitSubmitted": c.AwardRoundUnitSubmitted,
    "AwardRound.ListVoted": c.AwardRoundListVoted,
    "AwardRound.ListDecided": c.AwardRoundListDecided,
    "AwardYear.Opened": c.AwardHistoryYearOpened,
    "AwardYear.Proposed": c.AwardHistoryProposed,
    "AwardYear.OutcomeRecorded": c.AwardHistoryOutcomeRecorded,
    "AwardYear.PastAwardsImported": c.AwardHistoryPastImported,
    "EmulationPledge.Started": c.EmulationPledgeStarted,
    "EmulationPledge.Registered": c.EmulationPledged,
    "EmulationCluster.Formed": c.EmulationClusterFormed,
    "EmulationCluster.PactSigned": c.EmulationPactSigned,
    "EmulationCluster.Scored": c.EmulationClusterScored,
    "EmulationCluster.LeadingUnitsProposed": c.EmulationClusterLeadingUnitsProposed,
}
ANNUAL_CONTRACTS = tuple(CONTRACT_BY_EVENT.values())
_ENVELOPE = frozenset({"actor", "at", "event_id", "source", "occurred_at", "aggregate_id", "aggregate_version"})


def _plain(value: Any) -> Any:
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def map_annual_event(domain_event: Any, envelope: Envelope) -> EventContract | None:
    contract = CONTRACT_BY_EVENT.get(type(domain_event).__qualname__)
    if contract is None:
        return None
    data = {k: _plain(v) for k, v in vars(domain_event).items() if k in contract.model_fields and k not in _ENVELOPE}
    return contract(**envelope.fields(), **data)
