"""Published events of the campaigns service (`tdkt.campaign.*`).

Every event carries a snapshot of the campaign after the event, including its thematic-award
eligibility (dispatch 147, point 4), so subscribers (the dossiers service's read model above all)
never call back. Order per campaign is given by `aggregate_version`; a subscriber keeps the
snapshot with the highest version it has seen.
"""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

from shared.contracts.base import EventContract, published


class EligibilityReasonInfo(BaseModel):
    model_config = ConfigDict(frozen=True)

    code: str
    message: str


class EligibilityInfo(BaseModel):
    model_config = ConfigDict(frozen=True)

    eligible: bool
    reasons: list[EligibilityReasonInfo] = []


class UnitInfo(BaseModel):
    model_config = ConfigDict(frozen=True)

    code: str
    name: str


class DocumentReferenceInfo(BaseModel):
    """A document held elsewhere: directive (văn bản chỉ đạo), plan (kế hoạch) or review report."""

    model_config = ConfigDict(frozen=True)

    number: str
    issued_on: date | None = None
    signer: str = ""
    reference: str = ""


class CampaignSnapshot(BaseModel):
    """The campaign as it stands after the event."""

    model_config = ConfigDict(frozen=True, extra="allow")

    campaign_id: str
    code: str
    name: str
    kind: str = Field(description="regular | periodic | thematic")
    status: str = Field(
        description="draft | registration_returned | registered | launched | final_reviewed | closed | cancelled"
    )
    lead_unit: UnitInfo
    launching_level: str = ""
    start_date: date | None = None
    end_date: date | None = None
    has_directive: bool = False
    has_plan: bool = False
    registration_number: str | None = None
    registered_on: date | None = None
    launched_on: date | None = None
    interim_reviews_filed: int = 0
    final_review_filed: bool = False
    review_due_on: date | None = None
    eligibility: EligibilityInfo = Field(description="Whether the movement can carry thematic awards (dispatch 147)")


class CampaignEvent(EventContract):
    campaign: CampaignSnapshot


@published
class CampaignDrafted(CampaignEvent):
    """A lead unit drafted a movement."""

    subject: ClassVar[str] = "tdkt.campaign.drafted"


@published
class CampaignAmended(CampaignEvent):
    """The movement's definition was changed before launch."""

    subject: ClassVar[str] = "tdkt.campaign.amended"
    changed_fields: list[str] = []
    reason: str = ""


@published
class CampaignDocumentsAttached(CampaignEvent):
    """A directive document or plan was recorded (also after launch, as a correction)."""

    subject: ClassVar[str] = "tdkt.campaign.documents_attached"
    directive: DocumentReferenceInfo | None = None
    plan: DocumentReferenceInfo | None = None
    reason: str = ""


@published
class CampaignRegistered(CampaignEvent):
    """The council secretariat (Phòng Nội vụ) registered the movement."""

    subject: ClassVar[str] = "tdkt.campaign.registered"
    registration_number: str
    registered_on: date


@published
class CampaignRegistrationReturned(CampaignEvent):
    """The secretariat returned the registration request, with reasons."""

    subject: ClassVar[str] = "tdkt.campaign.registration_returned"
    reasons: list[str]
    returned_on: date


@published
class CampaignLaunched(CampaignEvent):
    """The lead unit launched (phát động) the movement."""

    subject: ClassVar[str] = "tdkt.campaign.launched"
    launched_on: date


class ReviewFiled(CampaignEvent):
    report: DocumentReferenceInfo
    filed_on: date
    summary: str
    results: list[dict] = Field(default=[], description="[{indicator, achieved_value, note}] against each target")
    proposed_collectives: int = 0
    proposed_individuals: int = 0


@published
class CampaignInterimReviewFiled(ReviewFiled):
    """An interim review (sơ kết), per stage for periodic movements."""

    subject: ClassVar[str] = "tdkt.campaign.interim_review_filed"
    stage: int | None = None


@published
class CampaignFinalReviewFiled(ReviewFiled):
    """The final review (tổng kết)."""

    subject: ClassVar[str] = "tdkt.campaign.final_review_filed"


@published
class CampaignFinalReviewCorrected(ReviewFiled):
    """A correction of the final review; the original stays in history."""

    subject: ClassVar[str] = "tdkt.campaign.final_review_corrected"
    reason: str = ""


@published
class CampaignClosed(CampaignEvent):
    """The movement was closed after its final review."""

    subject: ClassVar[str] = "tdkt.campaign.closed"
    closed_on: date


@published
class CampaignCancelled(CampaignEvent):
    """The movement was cancelled, with a reason."""

    subject: ClassVar[str] = "tdkt.campaign.cancelled"
    reason: str
    cancelled_on: date


@published
class CampaignReviewOverdue(CampaignEvent):
    """The final review was not filed within the configured working days after the end date (emitted once)."""

    subject: ClassVar[str] = "tdkt.campaign.review_overdue"
    review_due_on: date
    flagged_on: date
    review_due_days: int = Field(
        description="Working days after the end date (events of earlier versions counted calendar days)"
    )
