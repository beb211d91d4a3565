"""Published events of the dossiers service (`tdkt.dossier.*`, `tdkt.award.*`).

Every event carries a snapshot of the dossier after the event (proposing unit, award type and
kind, campaign, receipt and appointment dates, nominees with what they were proposed for), so a
subscriber (notifications, reporting, another system) needs no call back. Enum values are the
domain's upper-case codes (`AD_HOC`, `GRASSROOTS_EMULATION_FIGHTER`, …); dates are ISO dates in
Vietnam's calendar; money is whole VND. Order per dossier: `aggregate_version`.
"""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

from shared.contracts.base import EventContract, published
from shared.contracts.campaigns import UnitInfo


class NomineeInfo(BaseModel):
    model_config = ConfigDict(frozen=True, extra="allow")

    nominee_id: str
    kind: str = Field(description="INDIVIDUAL | COLLECTIVE | HOUSEHOLD")
    name: str
    award: str = Field(description="The title or award form proposed (Title / AwardForm code)")
    position: str = ""
    unit: str = ""
    gender: str | None = Field(None, description="MALE | FEMALE (individuals)")
    is_direct_worker: bool = False
    performance_rating: str | None = None
    size: int | None = Field(None, description="Members (collectives)")
    share_of_women: float | None = Field(None, description="0..1 (collectives)")


class AttachmentInfo(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    kind: str
    size: int
    sha256: str


class DossierSnapshot(BaseModel):
    """The dossier as it stands after the event."""

    model_config = ConfigDict(frozen=True, extra="allow")

    dossier_id: str
    receipt_number: str
    status: str
    channel: str = Field(description="ONLINE_PORTAL | ONE_STOP_DESK | POST")
    proposing_unit: UnitInfo
    award_type: str
    kind: str = Field(description="ANNUAL_TITLE | YEAR_END | THEMATIC | AD_HOC | ASSOCIATION | ENTERPRISE")
    procedure: str = Field(description="NORMAL | SIMPLIFIED")
    campaign_id: str | None = None
    emulation_year: int | None = None
    rule_set_id: str
    received_on: date
    appointment_date: date | None = Field(None, description="None while the clock is stopped or the dossier incomplete")
    counted_from: date | None = Field(
        None, description="Working day the deadline counts from (the next one for a receipt outside working time)"
    )
    deciding_authority: UnitInfo | None = Field(None, description="The authority the dossier is pending at")
    feat_date: date | None = None
    late_proposal: bool = False
    days_after_feat: int | None = None
    nominees: list[NomineeInfo] = []
    decision_number: str | None = None
    decision_date: date | None = None


class DossierEvent(EventContract):
    dossier: DossierSnapshot
    reason: str | None = Field(None, description="Why, where a person decided")


@published
class DossierSubmitted(DossierEvent):
    """A dossier was received (online, at the one-stop desk or by post) and given a receipt number."""

    subject: ClassVar[str] = "tdkt.dossier.submitted"
    attachments: list[AttachmentInfo] = []
    postmark_date: date | None = None
    achievements: str = ""


@published
class DossierSupplementRequested(DossierEvent):
    """The secretariat asked for missing documents; the clock stops."""

    subject: ClassVar[str] = "tdkt.dossier.supplement_requested"
    missing: list[str]


@published
class DossierSupplemented(DossierEvent):
    """The proposing unit supplied what was missing; the clock restarts."""

    subject: ClassVar[str] = "tdkt.dossier.supplemented"
    attachments: list[AttachmentInfo] = []
    appointment_date: date | None = None
    note: str | None = None


@published
class DossierAcceptedAsComplete(DossierEvent):
    """The dossier is complete and goes to appraisal."""

    subject: ClassVar[str] = "tdkt.dossier.accepted_as_complete"


@published
class DossierAwaitingCampaign(DossierEvent):
    """A thematic dossier names a campaign the dossiers service has not heard of yet; it waits."""

    subject: ClassVar[str] = "tdkt.dossier.awaiting_campaign"
    campaign_id: str
    reasons: list[str] = []


@published
class DossierRefused(DossierEvent):
    """Refused (refusal slip), e.g. incomplete or its campaign not eligible for thematic awards."""

    subject: ClassVar[str] = "tdkt.dossier.refused"
    reasons: list[str]


@published
class DossierConcurrenceRecorded(DossierEvent):
    """A functional department's opinion (hiệp y)."""

    subject: ClassVar[str] = "tdkt.dossier.concurrence_recorded"
    department: str
    agrees: bool
    opinion: str = ""
    nominee_ids: list[str] = []
    document_ref: str = ""


@published
class DossierPubliclyDisclosed(DossierEvent):
    """The nominees were disclosed publicly (công khai)."""

    subject: ClassVar[str] = "tdkt.dossier.publicly_disclosed"
    where: str
    from_date: date
    to_date: date
    nominee_ids: list[str] = []


@published
class DossierNomineeAppraised(DossierEvent):
    """The secretariat's appraisal (thẩm định) of one nominee against the rule set's criteria."""

    subject: ClassVar[str] = "tdkt.dossier.nominee_appraised"
    nominee_id: str
    passed: bool
    failures: list[str] = []
    notes: list[str] = Field(
        [], description="What the decision should weigh, e.g. priority to women (NĐ 152 Art. 4(6))"
    )


@published
class DossierCouncilCheckRecorded(DossierEvent):
    """The council recorded which standards no record shows it found met for one nominee."""

    subject: ClassVar[str] = "tdkt.dossier.council_check_recorded"
    nominee_id: str
    confirmed: list[str] = []
    not_confirmed: list[str] = []
    meeting_date: date
    minutes_ref: str


@published
class DossierPassedToSuccessor(DossierEvent):
    """The authority the dossier was pending at ended; the unit that took over its work has it now."""

    subject: ClassVar[str] = "tdkt.dossier.passed_to_successor"
    from_authority: UnitInfo
    to_authority: UnitInfo
    ended_on: date = Field(description="Last day of the unit that ended")


@published
class DossierCouncilVoteRecorded(DossierEvent):
    """The council's ballot on one nominee; passes only at the threshold of the whole membership."""

    subject: ClassVar[str] = "tdkt.dossier.council_vote_recorded"
    nominee_id: str
    members_total: int
    votes_for: int
    votes_against: int
    absent_in_writing: int
    threshold_percent: float
    passed: bool
    meeting_date: date | None = None
    ballot_round: int | None = Field(None, description="1 for the first ballot on the nominee; a revote has a reason")


class DocumentLink(BaseModel):
    """A file a person can open: the decision, its signed copy, a certificate (a link, never the file)."""

    model_config = ConfigDict(frozen=True)

    kind: str = Field(description="decision | signed_decision | certificate")
    title: str
    url: str


class ApprovalInfo(BaseModel):
    model_config = ConfigDict(frozen=True)

    nominee_id: str
    award: str
    multiplier: str | None = Field(None, description="Cash multiplier of the base salary; None where unconfirmed")
    base_salary_vnd: int
    cash_reward_vnd: int | None = None
    multiplier_article: str = Field("", description="The article the multiplier comes from")
    multiplier_confirmed: bool | None = Field(None, description="Whether that article's text was read")


@published
class AwardDecided(DossierEvent):
    """The deciding authority's numbered decision (N/QĐ-…): approved nominees with their cash rewards."""

    subject: ClassVar[str] = "tdkt.award.decided"
    decision_number: str
    decision_date: date
    authority: str
    authority_level: str
    approvals: list[ApprovalInfo]
    rejections: dict[str, list[str]] = {}
    links: list[DocumentLink] = Field([], description="The decision and each awardee's certificate, to download")


@published
class AwardRejected(DossierEvent):
    """The deciding authority approved no nominee; a notice with reasons, not a numbered decision."""

    subject: ClassVar[str] = "tdkt.award.rejected"
    decision_date: date
    authority: str
    authority_level: str
    rejections: dict[str, list[str]]


@published
class DossierResultReturned(DossierEvent):
    """The result (decision, certificates) was handed back to the proposing unit."""

    subject: ClassVar[str] = "tdkt.dossier.result_returned"
    returned_to: str = ""
    returned_on: date
    note: str | None = None


@published
class DossierDeadlineExtended(DossierEvent):
    """The appointment date was missed or will be: apology slip with a new date."""

    subject: ClassVar[str] = "tdkt.dossier.deadline_extended"
    previous_date: date | None = None
    new_date: date


@published
class DossierWithdrawn(DossierEvent):
    """The proposing unit withdrew the dossier before the decision."""

    subject: ClassVar[str] = "tdkt.dossier.withdrawn"


@published
class AwardAnnulled(DossierEvent):
    """An award was annulled (Law Art. 93) on ground a–d, by the authority that decided it."""

    subject: ClassVar[str] = "tdkt.award.annulled"
    nominee_ids: list[str]
    ground: str = Field(description="a | b | c | d (Law 06/2022 Art. 93)")
    act_reference: str
    decision_number: str | None = None
    authority: str


@published
class AwardRecovered(DossierEvent):
    """Artefacts and money of an annulled award were recovered."""

    subject: ClassVar[str] = "tdkt.award.recovered"
    nominee_ids: list[str]
    artefacts_returned: bool
    artefacts: list[str] = Field([], description="What was returned (certificates, frames…), as recorded")
    amount_recovered_vnd: int
    note: str | None = None
