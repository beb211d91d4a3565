"""The JSON view of a campaign: what the API answers and the history compares.

Kept apart from the aggregate (state and rules) and from the use cases: ISO dates, decimals as
strings, labels for people, and the thematic eligibility the dossiers service relies on.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from services.campaigns.domain.campaign import (
    DEFAULT_REVIEW_DUE_DAYS,
    KIND_LABELS,
    STATUS_LABELS,
    Campaign,
    CampaignStatus,
    Review,
    review_due_date,
)
from services.campaigns.domain.eligibility import assess_eligibility
from shared.workdays import WorkingCalendar


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _review_view(review: Review) -> dict[str, Any]:
    return {
        "stage": review.stage,
        "filed_on": review.filed_on.isoformat(),
        "report": review.report.as_dict(),
        "summary": review.summary,
        "results": [r.as_dict() for r in review.results],
        "proposed_collectives": review.proposed_collectives,
        "proposed_individuals": review.proposed_individuals,
    }


def state_as_dict(
    campaign: Campaign, *, review_due_days: int = DEFAULT_REVIEW_DUE_DAYS, calendar: WorkingCalendar | None = None
) -> dict[str, Any]:
    """A JSON-friendly view of the campaign for the API: ISO dates, decimals as strings, eligibility."""
    status = CampaignStatus(campaign.status)
    registration = campaign.registration
    cancellation = campaign.cancellation
    final_review = campaign.final_review
    due = review_due_date(campaign.end_date, review_due_days, calendar) if campaign.end_date else None
    return {
        "id": str(campaign.id),
        "version": campaign.version,
        "code": campaign.code,
        "name": campaign.name,
        "lead_unit_id": campaign.lead_unit_id,
        "kind": campaign.kind.value,
        "kind_label": KIND_LABELS[campaign.kind],
        "launching_level": campaign.launching_level,
        "status": status.value,
        "status_label": STATUS_LABELS[status],
        "purpose": campaign.purpose,
        "requirements": campaign.requirements,
        "content": campaign.content,
        "targets": [t.as_dict() for t in campaign.targets],
        "start_date": _iso(campaign.start_date),
        "end_date": _iso(campaign.end_date),
        "stages": [s.as_dict() for s in campaign.stages],
        "directive": campaign.directive.as_dict() if campaign.directive else None,
        "plan": campaign.plan.as_dict() if campaign.plan else None,
        "registration": (
            {"number": registration.number, "registered_on": registration.registered_on.isoformat()}
            if registration
            else None
        ),
        "registration_returns": [
            {"reasons": list(r.reasons), "returned_on": r.returned_on.isoformat()}
            for r in campaign.registration_returns
        ],
        "launched_on": _iso(campaign.launched_on),
        "interim_reviews": [_review_view(r) for r in campaign.interim_reviews],
        "final_review": _review_view(final_review) if final_review else None,
        "review_due_on": _iso(due),
        "review_overdue_flagged_on": _iso(campaign.review_overdue_flagged_on),
        "closed_on": _iso(campaign.closed_on),
        "cancellation": (
            {"reason": cancellation.reason, "cancelled_on": cancellation.cancelled_on.isoformat()}
            if cancellation
            else None
        ),
        "drafted_by": campaign.drafted_by.as_dict(),
        "created_on": campaign.created_on.isoformat(),
        "modified_on": campaign.modified_on.isoformat(),
        "eligibility": assess_eligibility(campaign).as_dict(),
    }
