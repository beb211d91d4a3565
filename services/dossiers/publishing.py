"""Maps the dossier's domain events to the published contracts (`shared.contracts.dossiers`).

Each published event carries a snapshot of the dossier as it stood after that event (with the
proposing unit's name from the org-unit directory), so subscribers never call back. The number
sequences (`ReceiptNumberSequence`, `DecisionNumberSequence`) share the dossiers' notification
log but are internal: the mapper returns None for them, and the relay skips them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from services.dossiers.annual.publishing import ANNUAL_CONTRACTS, map_annual_event
from services.dossiers.application import Dossiers
from services.dossiers.documents.records import document_links
from services.dossiers.domain.dossier import Dossier
from shared.contracts import documents as document_contracts
from shared.contracts import dossiers as contracts
from shared.contracts.base import EventContract
from shared.contracts.campaigns import UnitInfo
from shared.messaging.relay import Envelope
from shared.reference.org_units import OrgUnitDirectory, UnknownUnitError

CONTRACT_BY_EVENT: dict[str, type[contracts.DossierEvent]] = {
    "Dossier.Submitted": contracts.DossierSubmitted,
    "Dossier.SupplementRequested": contracts.DossierSupplementRequested,
    "Dossier.Supplemented": contracts.DossierSupplemented,
    "Dossier.AcceptedAsComplete": contracts.DossierAcceptedAsComplete,
    "Dossier.CampaignCheckDeferred": contracts.DossierAwaitingCampaign,
    "Dossier.Refused": contracts.DossierRefused,
    "Dossier.ConcurrenceRecorded": contracts.DossierConcurrenceRecorded,
    "Dossier.PubliclyDisclosed": contracts.DossierPubliclyDisclosed,
    "Dossier.NomineeAppraised": contracts.DossierNomineeAppraised,
    "Dossier.CouncilCheckRecorded": contracts.DossierCouncilCheckRecorded,
    "Dossier.PassedToSuccessor": contracts.DossierPassedToSuccessor,
    "Dossier.CouncilVoteRecorded": contracts.DossierCouncilVoteRecorded,
    "Dossier.AwardDecided": contracts.AwardDecided,
    "Dossier.AwardRejected": contracts.AwardRejected,
    "Dossier.ResultReturned": contracts.DossierResultReturned,
    "Dossier.DeadlineExtended": contracts.DossierDeadlineExtended,
    "Dossier.Withdrawn": contracts.DossierWithdrawn,
    "Dossier.AwardAnnulled": contracts.AwardAnnulled,
    "Dossier.AwardRecovered": contracts.AwardRecovered,
    "DossierDocuments.DecisionDocumentSigned": document_contracts.AwardDocumentSigned,
    "DossierDocuments.CertificatesPrinted": document_contracts.AwardCertificatesPrinted,
    "DossierDocuments.ForwardedUpward": document_contracts.DossierForwarded,
    "DossierDocuments.HigherLevelResultRecorded": document_contracts.DossierHigherLevelResultRecorded,
}
PUBLISHED_CONTRACTS = (*CONTRACT_BY_EVENT.values(), *ANNUAL_CONTRACTS)


def unit_info(units: OrgUnitDirectory, code: str) -> UnitInfo:
    try:
        return UnitInfo(code=code, name=units.get(code).name)
    except UnknownUnitError:
        return UnitInfo(code=code, name=code)


def snapshot(units: OrgUnitDirectory, dossier: Dossier) -> contracts.DossierSnapshot:
    decision = dossier.decision
    return contracts.DossierSnapshot(
        dossier_id=str(dossier.id),
        receipt_number=dossier.receipt_number,
        status=dossier.status.value,
        channel=dossier.channel.value,
        proposing_unit=unit_info(units, dossier.proposing_unit),
        award_type=dossier.award_type.value,
        kind=dossier.kind.value,
        procedure=dossier.procedure.value,
        campaign_id=dossier.campaign_id,
        emulation_year=dossier.emulation_year,
        rule_set_id=dossier.rule_set_id,
        received_on=dossier.received_on,
        appointment_date=dossier.appointment_date,
        counted_from=dossier.counted_from,
        deciding_authority=unit_info(units, dossier.deciding_authority) if dossier.deciding_authority else None,
        feat_date=dossier.feat_date,
        late_proposal=dossier.late_proposal,
        days_after_feat=dossier.days_after_feat,
        nominees=[
            contracts.NomineeInfo(
                nominee_id=n.nominee_id,
                kind=n.kind.value,
                name=n.name,
                award=n.award,
                position=n.position,
                unit=n.unit,
                gender=n.gender.value if n.gender else None,
                is_direct_worker=n.is_direct_worker,
                performance_rating=n.performance_rating.value if n.performance_rating else None,
                size=n.size,
                share_of_women=n.share_of_women,
            )
            for n in dossier.nominees
        ],
        decision_number=decision.number if decision else None,
        decision_date=decision.decision_date if decision else None,
    )


def _event_fields(name: str, e: Any, units: OrgUnitDirectory, dossier: Dossier, public_url: str = "") -> dict[str, Any]:
    """The event-specific payload, from the domain event's own attributes."""
    base = f"{public_url.rstrip('/')}/dossiers/{dossier.id}"
    match name:
        case "Dossier.Submitted":
            return {"attachments": e.attachments, "postmark_date": e.postmark_date, "achievements": e.achievements}
        case "Dossier.SupplementRequested":
            return {"missing": e.missing, "reason": e.reason}
        case "Dossier.Supplemented":
            return {"attachments": e.attachments, "appointment_date": e.appointment_date, "note": e.note}
        case "Dossier.CampaignCheckDeferred":
            return {"campaign_id": e.campaign_id or "", "reasons": e.reasons}
        case "Dossier.Refused":
            return {"reasons": e.reasons, "reason": "; ".join(e.reasons)}
        case "Dossier.ConcurrenceRecorded":
            return {
                "department": e.department,
                "agrees": e.agrees,
                "opinion": e.opinion,
                "nominee_ids": e.nominee_ids,
                "document_ref": e.document_ref,
            }
        case "Dossier.PubliclyDisclosed":
            return {"where": e.where, "from_date": e.from_date, "to_date": e.to_date, "nominee_ids": e.nominee_ids}
        case "Dossier.NomineeAppraised":
            return {
                "nominee_id": e.nominee_id,
                "passed": e.passed,
                "failures": e.failures,
                "reason": e.reason,
                "notes": e.notes,
            }
        case "Dossier.CouncilCheckRecorded":
            return {
                "nominee_id": e.nominee_id,
                "confirmed": e.confirmed,
                "not_confirmed": e.not_confirmed,
                "meeting_date": e.meeting_date,
                "minutes_ref": e.minutes_ref,
                "reason": e.reason,
            }
        case "Dossier.PassedToSuccessor":
            return {
                "from_authority": unit_info(units, e.from_authority),
                "to_authority": unit_info(units, e.to_authority),
                "ended_on": e.ended_on,
                "reason": e.reason,
            }
        case "Dossier.CouncilVoteRecorded":
            return {
                "nominee_id": e.nominee_id,
                "members_total": e.members_total,
                "votes_for": e.votes_for,
                "votes_against": e.votes_against,
                "absent_in_writing": e.absent_in_writing,
                "threshold_percent": e.threshold_percent,
                "passed": e.passed,
                "meeting_date": e.meeting_date,
                "reason": e.reason,
                "ballot_round": dossier.votes[e.nominee_id].ballot_round if e.nominee_id in dossier.votes else None,
            }
        case "Dossier.AwardDecided":
            return {
                "decision_number": e.decision_number,
                "decision_date": e.decision_date,
                "authority": e.authority,
                "authority_level": e.authority_level,
                "approvals": e.approvals,
                "rejections": e.rejections,
                "reason": e.reason,
                "links": document_links(dossier, public_url),
            }
        case "Dossier.AwardRejected":
            return {
                "decision_date": e.decision_date,
                "authority": e.authority,
                "authority_level": e.authority_level,
                "rejections": e.rejections,
                "reason": e.reason,
            }
        case "Dossier.ResultReturned":
            return {"returned_to": e.returned_to, "returned_on": e.returned_on, "note": e.note}
        case "Dossier.DeadlineExtended":
            return {"previous_date": e.previous_date, "new_date": e.new_date, "reason": e.reason}
        case "Dossier.Withdrawn":
            return {"reason": e.reason}
        case "Dossier.AwardAnnulled":
            return {
                "nominee_ids": e.nominee_ids,
                "ground": e.ground,
                "act_reference": e.act_reference,
                "decision_number": e.decision_number,
                "authority": e.authority,
                "reason": e.reason,
            }
        case "Dossier.AwardRecovered":
            return {
                "nominee_ids": e.nominee_ids,
                "artefacts_returned": bool(e.artefacts_returned),
                "artefacts": e.artefacts_returned,
                "amount_recovered_vnd": e.amount_recovered_vnd,
                "note": e.note,
            }
        case "DossierDocuments.DecisionDocumentSigned":
            return {
                **{k: v for k, v in e.document.items() if k != "name"},
                "document_url": f"{base}/signed-decision.pdf",
                "links": document_links(dossier, public_url),
                "reason": e.reason,
            }
        case "DossierDocuments.CertificatesPrinted":
            return {
                "batch_id": e.batch_id,
                "blank_id": e.blank_id,
                "printed_on": e.printed_on,
                "offset_x_mm": e.offset_x_mm,
                "offset_y_mm": e.offset_y_mm,
                "pdf_sha256": e.pdf_sha256,
                "prints": [
                    {
                        "nominee_id": p["nominee_id"],
                        "copy_number": p["copy"],
                        "reprint": p["copy"] > 1,
                        "reprint_reason": p.get("reprint_reason"),
                    }
                    for p in e.prints
                ],
                "reason": e.reason,
            }
        case "DossierDocuments.ForwardedUpward":
            return {
                "round": next((f.round for f in dossier.forwardings if f.package_sha256 == e.package_sha256), 1),
                "by_authority": unit_info(units, e.by_authority),
                "to_authority": e.to_authority,
                "proposal_number": e.proposal_number,
                "proposal_date": e.proposal_date,
                "nominee_ids": e.nominee_ids,
                "package_sha256": e.package_sha256,
                "package_size": e.package_size,
                "package_url": f"{base}/forwarding/package.zip",
                "files": e.files,
                "warnings": e.warnings,
                "reason": e.reason,
            }
        case "DossierDocuments.HigherLevelResultRecorded":
            return {
                "outcome": e.outcome,
                "decided_by": e.decided_by,
                "decision_number": e.decision_number,
                "decision_date": e.decision_date,
                "awarded_ids": e.awarded_ids,
                "not_awarded": e.not_awarded,
                "reasons": e.reasons,
                "reason": e.reason,
            }
    return {}


def dossier_event_mapper(
    units: OrgUnitDirectory, public_url: str = ""
) -> Callable[[Dossiers, Any, Envelope], EventContract | None]:
    """The relay's mapper, closing over the org-unit directory for unit names and the service's
    public address for the links to documents."""

    def map_dossier_event(app: Dossiers, domain_event: Any, envelope: Envelope) -> EventContract | None:
        name = type(domain_event).__qualname__
        contract = CONTRACT_BY_EVENT.get(name)
        if contract is None:
            return map_annual_event(domain_event, envelope)  # the year's workload, or None: internal
        dossier = app.get(domain_event.originator_id, version=domain_event.originator_version)
        fields = _event_fields(name, domain_event, units, dossier, public_url)
        return contract(**envelope.fields(), dossier=snapshot(units, dossier), **fields)

    return map_dossier_event
