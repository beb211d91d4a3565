"""What to tell whom: for each event type (and reminder type), the audiences and their template.

Data, not code paths: adding a notice is a row here and a template folder. Every template named
here must exist at start-up (`required_templates`), so a handled event never goes unannounced.
Order matters where one unit plays two parts (Phòng Nội vụ leading its own movement): the first
rule that reaches a recipient through a channel wins, the later one is dropped as a duplicate.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Audience(StrEnum):
    PROPOSING_UNIT = "proposing_unit"
    """The unit that proposed the dossier, and the contact person named on it (if any)."""
    NOMINEES = "nominees"
    """People proposed on the dossier who have an email address on it."""
    SECRETARIAT = "secretariat"
    """The council's standing body (Phòng Nội vụ), from the unit directory."""
    LEAD_UNIT = "lead_unit"
    """A campaign's lead unit (đơn vị chủ trì)."""
    DECIDING_AUTHORITY = "deciding_authority"
    """The unit the dossier is now pending at: after a succession, the unit that took it over."""


@dataclass(frozen=True)
class Rule:
    event_type: str
    audience: Audience
    template: str
    when: Callable[[Mapping[str, Any]], bool] | None = None

    def applies(self, payload: Mapping[str, Any]) -> bool:
        return self.when is None or bool(self.when(payload))


def _thematic(payload: Mapping[str, Any]) -> bool:
    dossier = payload.get("dossier") or {}
    return dossier.get("kind") == "THEMATIC" and bool(dossier.get("campaign_id"))


REMINDER_APPOINTMENT_NEAR = "reminder.dossier_appointment_near"
REMINDER_APPOINTMENT_PASSED = "reminder.dossier_appointment_passed"
REMINDER_CAMPAIGN_END = "reminder.campaign_end"

P, N, S, L = Audience.PROPOSING_UNIT, Audience.NOMINEES, Audience.SECRETARIAT, Audience.LEAD_UNIT
D = Audience.DECIDING_AUTHORITY

RULES: tuple[Rule, ...] = (
    # to the proposing unit
    Rule("tdkt.dossier.submitted", P, "dossier_submitted"),
    Rule("tdkt.dossier.supplement_requested", P, "dossier_supplement_requested"),
    Rule("tdkt.dossier.refused", P, "dossier_refused"),
    Rule("tdkt.dossier.council_vote_recorded", P, "council_vote_recorded"),
    Rule("tdkt.dossier.council_check_recorded", P, "council_check_recorded"),
    Rule("tdkt.dossier.passed_to_successor", P, "dossier_passed_to_successor"),
    Rule("tdkt.award.decided", P, "award_decided"),
    Rule("tdkt.award.decided", N, "award_decided"),
    Rule("tdkt.award.rejected", P, "award_rejected"),
    Rule("tdkt.dossier.deadline_extended", P, "dossier_deadline_extended"),
    Rule("tdkt.award.annulled", P, "award_annulled"),
    Rule("tdkt.award.annulled", N, "award_annulled"),
    Rule("tdkt.award.document_signed", P, "award_document_signed"),
    Rule("tdkt.award.document_signed", N, "award_document_signed"),
    Rule("tdkt.dossier.forwarded", P, "dossier_forwarded"),
    Rule("tdkt.dossier.higher_level_result_recorded", P, "higher_level_result"),
    Rule("tdkt.dossier.higher_level_result_recorded", N, "higher_level_result"),
    # to the secretariat
    Rule("tdkt.dossier.submitted", S, "dossier_arrived"),
    Rule("tdkt.dossier.refused", S, "dossier_refused_thematic", when=_thematic),
    Rule("tdkt.dossier.awaiting_campaign", S, "dossier_awaiting_campaign"),
    # to the unit that took over a dossier whose deciding authority ended
    Rule("tdkt.dossier.passed_to_successor", D, "dossier_taken_over"),
    # campaigns: the lead unit first, then the secretariat
    Rule("tdkt.campaign.registration_returned", L, "campaign_registration_returned"),
    Rule("tdkt.campaign.review_overdue", L, "campaign_review_overdue"),
    Rule("tdkt.campaign.review_overdue", S, "campaign_review_overdue_secretariat"),
    # scheduled reminders (reminders.py decides when)
    Rule(REMINDER_APPOINTMENT_NEAR, S, "reminder_appointment_near"),
    Rule(REMINDER_APPOINTMENT_PASSED, S, "reminder_appointment_passed"),
    Rule(REMINDER_CAMPAIGN_END, L, "reminder_campaign_end"),
)


def rules_for(event_type: str) -> list[Rule]:
    return [rule for rule in RULES if rule.event_type == event_type]


def handled_event_types() -> list[str]:
    return sorted({rule.event_type for rule in RULES})


def required_templates() -> list[str]:
    """Every template the catalogue names; each must exist in the templates folder at start-up."""
    return sorted({rule.template for rule in RULES})
