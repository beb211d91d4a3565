"""Published events of the year's workload (`tdkt.award.<aggregate>.<event>`), from the dossiers
service: the council and its meetings, year-end rounds, the award history, emulation registration,
clusters and pacts.

They travel on the dossiers' stream (`tdkt.award.>`). A person in the award history is named by a
stable identity (`H-…`: a keyed hash of the ID number; `P-…`: the office's person id; `C-…`: a
collective), never by the ID number. Dates are ISO dates in Vietnam's calendar.
"""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar

from pydantic import Field

from shared.contracts.base import EventContract, published


class AnnualEvent(EventContract):
    reason: str | None = Field(None, description="Why, where a person decided")


# --- council -------------------------------------------------------------------------------


@published
class CouncilConstituted(AnnualEvent):
    """A deciding authority's Hội đồng Thi đua – Khen thưởng was constituted (term, first members)."""

    subject: ClassVar[str] = "tdkt.award.council.constituted"
    authority: str = Field(description="Org-unit code of the deciding authority")
    name: str
    term_from: date
    term_to: date | None = None
    members: list[dict[str, Any]] = Field(description="member_id, name, role, position")
    decision_ref: str


@published
class CouncilMemberAppointed(AnnualEvent):
    """A member joined the council from `on`."""

    subject: ClassVar[str] = "tdkt.award.council.member_appointed"
    member_id: str
    name: str
    role: str = Field(description="CHAIRMAN | VICE_CHAIRMAN | STANDING_MEMBER | MEMBER")
    position: str = ""
    on: date
    decision_ref: str


@published
class CouncilMemberReleased(AnnualEvent):
    """A member left the council after `last_day`."""

    subject: ClassVar[str] = "tdkt.award.council.member_released"
    member_id: str
    last_day: date
    decision_ref: str


@published
class CouncilMeetingHeld(AnnualEvent):
    """The minutes of a list vote: the council on the meeting date, who was present, who voted in
    writing, who did not vote, and the names each ballot crossed out."""

    subject: ClassVar[str] = "tdkt.award.council.meeting_held"
    council_id: str
    authority: str
    meeting_date: date
    minutes_ref: str
    agenda: str
    members_total: int
    present: list[dict[str, Any]]
    absent_in_writing: list[dict[str, Any]]
    absent_without_vote: list[dict[str, Any]]
    crossed_out: dict[str, list[str]] = {}
    refs: list[str] = Field(description="The nominees voted on (unit:receipt number:nominee id)")


# --- rounds --------------------------------------------------------------------------------


@published
class AwardRoundOpened(AnnualEvent):
    """Phòng Nội vụ opened a year-end round."""

    subject: ClassVar[str] = "tdkt.award.round.opened"
    authority: str
    year: int
    name: str
    awards: list[str]
    units: list[str]
    submission_deadline: date
    decision_deadline: date | None = None


@published
class AwardRoundUnitSubmitted(AnnualEvent):
    """A unit's one submission to the round (its dossiers, how many nominees, late or not)."""

    subject: ClassVar[str] = "tdkt.award.round.unit_submitted"
    unit: str
    dossier_ids: list[str]
    nominees: int
    on: date
    late: bool
    flags: list[str] = Field([], description="Proposals not matching the unit's emulation registration")


@published
class AwardRoundListVoted(AnnualEvent):
    subject: ClassVar[str] = "tdkt.award.round.list_voted"
    meeting_id: str
    meeting_date: date
    voted: int
    passed: int


@published
class AwardRoundListDecided(AnnualEvent):
    """One decision covered the round's list (its annex names each nominee awarded)."""

    subject: ClassVar[str] = "tdkt.award.round.list_decided"
    decision_number: str
    decision_date: date
    authority: str
    dossier_ids: list[str]
    awarded: int
    not_awarded: int


# --- award history -------------------------------------------------------------------------


@published
class AwardHistoryYearOpened(AnnualEvent):
    subject: ClassVar[str] = "tdkt.award.history.year_opened"
    year: int


@published
class AwardHistoryProposed(AnnualEvent):
    """A dossier's proposals entered the year's award register."""

    subject: ClassVar[str] = "tdkt.award.history.proposed"
    dossier_id: str
    rows: list[dict[str, Any]] = Field(
        description="identity, award, once_a_year, name, unit, nominee_id, ref, proposing_unit, receipt_number"
    )


@published
class AwardHistoryOutcomeRecorded(AnnualEvent):
    """Decided, not awarded, annulled or withdrawn, per nominee id of the dossier."""

    subject: ClassVar[str] = "tdkt.award.history.outcome_recorded"
    dossier_id: str
    outcomes: dict[str, str]
    decision_number: str | None = None
    decision_date: date | None = None


@published
class AwardHistoryPastImported(AnnualEvent):
    """Awards decided before this system, from the office's registers."""

    subject: ClassVar[str] = "tdkt.award.history.past_imported"
    rows: list[dict[str, Any]]
    source_ref: str


# --- registration --------------------------------------------------------------------------


@published
class EmulationPledgeStarted(AnnualEvent):
    subject: ClassVar[str] = "tdkt.award.pledge.started"
    unit: str
    year: int


@published
class EmulationPledged(AnnualEvent):
    """A unit's registration for the year (registering again replaces it)."""

    subject: ClassVar[str] = "tdkt.award.pledge.registered"
    targets: dict[str, int]
    individuals: list[dict[str, Any]] = Field(description="identity, name, award")
    registered_on: date


# --- clusters ------------------------------------------------------------------------------


@published
class EmulationClusterFormed(AnnualEvent):
    subject: ClassVar[str] = "tdkt.award.cluster.formed"
    code: str
    year: int
    name: str
    kind: str = Field(description="CLUSTER (cụm) | BLOC (khối)")
    members: list[str]
    leading_unit: str
    deputy_unit: str


@published
class EmulationPactSigned(AnnualEvent):
    subject: ClassVar[str] = "tdkt.award.cluster.pact_signed"
    signed_on: date
    criteria: list[dict[str, Any]] = Field(description="key, text, max_points")


@published
class EmulationClusterScored(AnnualEvent):
    subject: ClassVar[str] = "tdkt.award.cluster.scored"
    unit: str
    points: dict[str, str]


@published
class EmulationClusterLeadingUnitsProposed(AnnualEvent):
    """The cluster proposed its leading units for the Cờ thi đua or Bằng khen, in ranking order."""

    subject: ClassVar[str] = "tdkt.award.cluster.leading_units_proposed"
    award: str = Field(description="EMULATION_FLAG | COMMENDATION")
    units: list[dict[str, Any]] = Field(description="unit, rank")
