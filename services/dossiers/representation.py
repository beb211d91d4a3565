"""The JSON view of a dossier: what the API answers, what history compares, what the console reads.

Kept apart from the aggregate (which holds state and rules) and from the HTTP layer (which adds
the ETag): one place says how a dossier looks from outside.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any
from uuid import UUID

from services.dossiers.documents.records import documents_state
from services.dossiers.domain.dossier import Dossier
from services.dossiers.domain.rules import RuleSet
from services.dossiers.domain.values import CouncilVote, label
from shared.actor import Actor
from shared.reference.org_units import OrgUnitDirectory, UnknownUnitError


def to_json_types(value: Any) -> Any:
    """Plain JSON types: dates as ISO strings, UUIDs as strings, Actors and mappings as dicts."""
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, Actor):
        return value.as_dict()
    if isinstance(value, Mapping):
        return {str(k): to_json_types(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [to_json_types(v) for v in value]
        return sorted(items) if isinstance(value, set | frozenset) else items
    return value


def _vote_dict(v: CouncilVote) -> dict[str, Any]:
    return {
        "members_total": v.members_total,
        "votes_for": v.votes_for,
        "votes_against": v.votes_against,
        "absent_in_writing": v.absent_in_writing,
        "threshold_percent": v.threshold_percent,
        "passed": v.passed,
        "meeting_date": v.meeting_date,
        "ballot_round": v.ballot_round,
        "reason": v.reason,
    }


def state_as_dict(dossier: Dossier, *, on: date | None = None) -> dict[str, Any]:
    """The dossier as plain JSON types; `on` adds whether it is overdue on that date."""
    decision = dossier.decision
    state = {
        "id": dossier.id,
        "version": dossier.version,
        "receipt_number": dossier.receipt_number,
        "status": dossier.status.value,
        "status_label": label(dossier.status),
        "channel": dossier.channel.value,
        "proposing_unit": dossier.proposing_unit,
        "award_type": dossier.award_type.value,
        "kind": dossier.kind.value,
        "procedure": dossier.procedure.value,
        "campaign_id": dossier.campaign_id,
        "emulation_year": dossier.emulation_year,
        "rule_set_id": dossier.rule_set_id,
        "achievements": dossier.achievements,
        "nominees": [n.as_dict() for n in dossier.nominees],
        "attachments": [a.as_dict() for a in dossier.attachments],
        "feat_date": dossier.feat_date,
        "postmark_date": dossier.postmark_date,
        "late_proposal": dossier.late_proposal,
        "days_after_feat": dossier.days_after_feat,
        "received_on": dossier.received_on,
        "counted_from": dossier.counted_from,
        "appointment_date": dossier.appointment_date,
        "deciding_authority": dossier.deciding_authority,
        "escalation_reason": dossier.escalation_reason,
        "successions": [{"from": a, "to": b, "ended_on": on} for a, b, on in dossier.successions],
        "deadline_extensions": dossier.deadline_extensions,
        "missing": list(dossier.missing),
        "refusal_reasons": list(dossier.refusal_reasons),
        "appraisals": {
            k: {"passed": a.passed, "failures": list(a.failures), "notes": list(a.notes)}
            for k, a in dossier.appraisals.items()
        },
        "votes": {k: _vote_dict(v) for k, v in dossier.votes.items()},
        "vote_history": {k: [_vote_dict(v) for v in rounds] for k, rounds in dossier.vote_history.items()},
        "council_checks": {
            k: {
                "confirmed": list(c.confirmed),
                "not_confirmed": list(c.not_confirmed),
                "meeting_date": c.meeting_date,
                "minutes_ref": c.minutes_ref,
                "round": c.round,
                "reason": c.reason,
            }
            for k, c in dossier.council_checks.items()
        },
        "concurrences": [
            {
                "department": c.department,
                "agrees": c.agrees,
                "opinion": c.opinion,
                "nominee_ids": list(c.nominee_ids),
                "document_ref": c.document_ref,
            }
            for c in dossier.concurrences
        ],
        "disclosures": [
            {"where": d.where, "from_date": d.from_date, "to_date": d.to_date, "nominee_ids": list(d.nominee_ids)}
            for d in dossier.disclosures
        ],
        "decision": None
        if decision is None
        else {
            "number": decision.number,
            "decision_date": decision.decision_date,
            "authority": decision.authority,
            "authority_level": decision.authority_level.value,
            "approvals": [a.as_dict() for a in decision.approvals],
            "rejections": {k: list(v) for k, v in decision.rejections.items()},
        },
        "annulments": [
            {
                "nominee_ids": list(a.nominee_ids),
                "ground": a.ground.value,
                "act_reference": a.act_reference,
                "decision_number": a.decision_number,
                "authority": a.authority,
            }
            for a in dossier.annulments
        ],
        "recovered_ids": dossier.recovered_ids,
        "result_returned_on": dossier.result_returned_on,
        "closing_reason": dossier.closing_reason,
        "submitted_by": dossier.submitted_by,
        "created_on": dossier.created_on,
        "modified_on": dossier.modified_on,
    }
    state.update(documents_state(dossier))
    if on is not None:
        state["overdue"] = dossier.is_overdue(on)
    return to_json_types(state)


def unit_name(units: OrgUnitDirectory, code: str) -> str:
    try:
        return units.get(code).name
    except UnknownUnitError:
        return code


def dossier_view(
    units: OrgUnitDirectory, dossier: Dossier, today: date, rules: RuleSet | None = None
) -> dict[str, Any]:
    """The dossier as JSON, with the unit names and, given its rule set, the standards only
    the council can confirm (`required_council_checks`, per nominee: key and wording)."""
    view = state_as_dict(dossier, on=today)
    view["proposing_unit_name"] = unit_name(units, dossier.proposing_unit)
    view["deciding_authority_name"] = (
        unit_name(units, dossier.deciding_authority) if dossier.deciding_authority else None
    )
    if rules is not None:
        view["required_council_checks"] = dossier.required_council_checks(rules)
    return view
