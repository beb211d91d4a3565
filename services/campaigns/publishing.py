"""Maps the campaign's domain events to the published contracts (`shared.contracts.campaigns`).

Each published event carries a snapshot of the campaign as it stood after that event, with its
thematic-award eligibility computed at that version, so subscribers never call back.
"""

from __future__ import annotations

from typing import Any

from services.campaigns.application import Campaigns
from services.campaigns.domain.campaign import Campaign, review_due_date
from services.campaigns.domain.eligibility import assess_eligibility
from shared.contracts import campaigns as contracts
from shared.contracts.base import EventContract
from shared.messaging.relay import Envelope
from shared.reference.org_units import UnknownUnitError

CONTRACT_BY_EVENT: dict[str, type[contracts.CampaignEvent]] = {
    "Drafted": contracts.CampaignDrafted,
    "Amended": contracts.CampaignAmended,
    "DocumentsAttached": contracts.CampaignDocumentsAttached,
    "Registered": contracts.CampaignRegistered,
    "RegistrationReturned": contracts.CampaignRegistrationReturned,
    "Launched": contracts.CampaignLaunched,
    "InterimReviewFiled": contracts.CampaignInterimReviewFiled,
    "FinalReviewFiled": contracts.CampaignFinalReviewFiled,
    "FinalReviewCorrected": contracts.CampaignFinalReviewCorrected,
    "Closed": contracts.CampaignClosed,
    "Cancelled": contracts.CampaignCancelled,
    "ReviewOverdueFlagged": contracts.CampaignReviewOverdue,
}
PUBLISHED_CONTRACTS = tuple(CONTRACT_BY_EVENT.values())


def snapshot(app: Campaigns, campaign: Campaign) -> contracts.CampaignSnapshot:
    try:
        unit_name = app.units.get(campaign.lead_unit_id).name
    except UnknownUnitError:
        unit_name = campaign.lead_unit_id
    registration = campaign.registration
    eligibility = assess_eligibility(campaign)
    return contracts.CampaignSnapshot(
        campaign_id=str(campaign.id),
        code=campaign.code,
        name=campaign.name,
        kind=campaign.kind.value,
        status=str(campaign.status.value),
        lead_unit=contracts.UnitInfo(code=campaign.lead_unit_id, name=unit_name),
        launching_level=campaign.launching_level,
        start_date=campaign.start_date,
        end_date=campaign.end_date,
        has_directive=campaign.directive is not None,
        has_plan=campaign.plan is not None,
        registration_number=registration.number if registration else None,
        registered_on=registration.registered_on if registration else None,
        launched_on=campaign.launched_on,
        interim_reviews_filed=len(campaign.interim_reviews),
        final_review_filed=campaign.final_review is not None,
        review_due_on=review_due_date(campaign.end_date, app.review_due_days, app.calendar)
        if campaign.end_date
        else None,
        eligibility=contracts.EligibilityInfo(
            eligible=eligibility.eligible,
            reasons=[contracts.EligibilityReasonInfo(code=r.code, message=r.message) for r in eligibility.reasons],
        ),
    )


def _event_fields(name: str, event: Any) -> dict[str, Any]:
    """The event-specific payload, from the domain event's own attributes."""
    match name:
        case "Amended":
            return {"changed_fields": sorted(event.changes), "reason": event.reason}
        case "DocumentsAttached":
            return {"directive": event.directive, "plan": event.plan, "reason": event.reason}
        case "Registered":
            return {"registration_number": event.registration_number, "registered_on": event.registered_on}
        case "RegistrationReturned":
            return {"reasons": list(event.reasons), "returned_on": event.returned_on}
        case "Launched":
            return {"launched_on": event.launched_on}
        case "InterimReviewFiled" | "FinalReviewFiled" | "FinalReviewCorrected":
            fields = {
                "report": event.report,
                "filed_on": event.filed_on,
                "summary": event.summary,
                "results": list(event.results),
                "proposed_collectives": event.proposed_collectives,
                "proposed_individuals": event.proposed_individuals,
            }
            if name == "InterimReviewFiled":
                fields["stage"] = event.stage
            if name == "FinalReviewCorrected":
                fields["reason"] = event.reason
            return fields
        case "Closed":
            return {"closed_on": event.closed_on}
        case "Cancelled":
            return {"reason": event.reason, "cancelled_on": event.cancelled_on}
        case "ReviewOverdueFlagged":
            return {
                "review_due_on": event.due_on,
                "flagged_on": event.flagged_on,
                "review_due_days": event.review_due_days,
            }
    return {}


def map_campaign_event(app: Campaigns, domain_event: Any, envelope: Envelope) -> EventContract | None:
    name = type(domain_event).__name__
    contract = CONTRACT_BY_EVENT.get(name)
    if contract is None:
        return None
    campaign = app.get(domain_event.originator_id, version=domain_event.originator_version)
    return contract(**envelope.fields(), campaign=snapshot(app, campaign), **_event_fields(name, domain_event))
