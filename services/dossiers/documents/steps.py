"""The dossier's document steps: its signed decision, the certificates printed for its awardees,
and its forwarding upward (khen cao) with the higher level's result.

A base class of `Dossier` (services.dossiers.domain.dossier), kept here with the rest of the documents so
the aggregate's own module stays about the procedure. The commands follow the aggregate's rules:
check state and input first (`DossierError` 409, `DossierValidationError` 422), then one
past-tense event whose body only assigns state. They rely on the aggregate's guards
(`_check_status`, `_check_at`, `_check_rules`, `_check_nominee_ids`) and queries (`nominee`,
`approved_ids`, `annulled_ids`). Event topics live under this module
(`services.dossiers.documents.steps:DossierDocuments.…`); they never move without
`register_topic`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from eventsourcing.domain import Aggregate, event

from services.dossiers.documents.records import (
    CertificatePrint,
    Forwarding,
    HigherLevelOutcome,
    HigherLevelResult,
    PackageFile,
    PrintBatch,
    SignedDocument,
)
from services.dossiers.domain.errors import DossierError, DossierValidationError
from services.dossiers.domain.guards import raise_if, required_text, texts
from services.dossiers.domain.guards import reason as reason_of
from services.dossiers.domain.rules import RuleSet
from services.dossiers.domain.values import REQUIRED, DecidingAuthority, DossierStatus, label
from shared.actor import Actor
from shared.workdays import local_date

S = DossierStatus


class DossierDocuments(Aggregate):
    """What a dossier records about its papers (see the module docstring). Its state —
    `signed_documents`, `print_batches`, `forwardings`, `higher_level_result` — is set by the
    dossier's Submitted event (no annotations here: the library would take them for fields of
    the aggregate's constructor)."""

    def record_signed_decision(
        self, *, document: SignedDocument, actor: Actor, at: datetime, reason: str | None = None
    ) -> None:
        """Record the chairman's digitally signed decision (a PDF whose PAdES signature the
        caller verified against the trusted roots). A second signed file needs a reason; both
        stay in the history and the latest is the one sent out."""
        self._check_status("ghi nhận quyết định đã ký số", S.AWARDED, S.RESULT_RETURNED, S.ANNULLED)
        self._check_at(at)
        assert self.decision is not None
        if not self.decision.number:
            raise DossierError("no_decision_number", "Hồ sơ chưa có quyết định khen thưởng được cấp số.")
        if document.decision_number != self.decision.number:
            raise DossierValidationError(
                {
                    "file": f"Tệp đã ký là quyết định số {document.decision_number}, "
                    f"không phải số {self.decision.number}."
                }
            )
        reason_ = reason_of(reason, {}, required=False)
        if self.signed_documents and not reason_:
            raise DossierValidationError({"reason": "Quyết định đã có bản ký số; thay bản ký số khác phải nêu lý do."})
        self._decision_document_signed(document=document.as_dict(), actor=actor, at=at, reason=reason_)

    @event("DecisionDocumentSigned")
    def _decision_document_signed(
        self, document: dict[str, Any], actor: Actor, at: datetime, reason: str | None
    ) -> None:
        self.signed_documents = (*self.signed_documents, SignedDocument.from_dict(document))
        self.last_at = at

    def printed_copies(self, nominee_id: str) -> int:
        """How many certificates were printed for this awardee so far."""
        return sum(1 for batch in self.print_batches for p in batch.prints if p.nominee_id == nominee_id)

    def record_certificate_prints(
        self,
        *,
        batch_id: str,
        blank_id: str,
        offset_x_mm: float,
        offset_y_mm: float,
        pdf_sha256: str,
        nominee_ids: Sequence[str],
        actor: Actor,
        at: datetime,
        reprint_reason: str | None = None,
    ) -> list[CertificatePrint]:
        """Record that certificates were printed for these awardees (one batch, one PDF). A
        certificate printed before is a reprint: it needs a reason and is numbered as a copy."""
        self._check_status("in giấy khen", S.AWARDED, S.RESULT_RETURNED, S.HIGHER_LEVEL_AWARDED)
        self._check_at(at)
        errors: dict[str, str] = {}
        ids = list(dict.fromkeys(nominee_ids))
        awarded = self.awarded_ids
        if not ids:
            errors["nominee_ids"] = REQUIRED
        elif bad := [i for i in ids if i not in awarded]:
            errors["nominee_ids"] = "Không được khen thưởng hoặc đã bị hủy bỏ: " + ", ".join(bad) + "."
        reason_ = reason_of(reprint_reason, {}, required=False)
        again = [i for i in ids if self.printed_copies(i)]
        if again and not reason_:
            names = ", ".join(self.nominee(i).name for i in again if i in self.nominee_ids)
            errors["reprint_reason"] = f"Đã in giấy khen cho {names}; in lại phải nêu lý do (hỏng phôi, in lệch…)."
        raise_if(errors)
        prints = [
            CertificatePrint(i, self.printed_copies(i) + 1, reason_ if self.printed_copies(i) else None) for i in ids
        ]
        self._certificates_printed(
            batch_id=batch_id,
            blank_id=blank_id,
            offset_x_mm=offset_x_mm,
            offset_y_mm=offset_y_mm,
            pdf_sha256=pdf_sha256,
            prints=[p.as_dict() for p in prints],
            printed_on=local_date(at),
            actor=actor,
            at=at,
            reason=reason_,
        )
        return prints

    @event("CertificatesPrinted")
    def _certificates_printed(
        self,
        batch_id: str,
        blank_id: str,
        offset_x_mm: float,
        offset_y_mm: float,
        pdf_sha256: str,
        prints: list[dict[str, Any]],
        printed_on: date,
        actor: Actor,
        at: datetime,
        reason: str | None,
    ) -> None:
        batch = PrintBatch(
            batch_id,
            blank_id,
            offset_x_mm,
            offset_y_mm,
            pdf_sha256,
            tuple(CertificatePrint.from_dict(p) for p in prints),
            printed_on,
        )
        self.print_batches = (*self.print_batches, batch)
        self.last_at = at

    @property
    def awarded_ids(self) -> tuple[str, ...]:
        """Who holds the award now: approved here and not annulled, or awarded by the higher level."""
        if self.higher_level_result and self.higher_level_result.outcome is HigherLevelOutcome.AWARDED:
            return self.higher_level_result.awarded_ids
        return tuple(i for i in self.approved_ids if i not in self.annulled_ids)

    def forwardable(
        self, *, rules: RuleSet, powers: RuleSet, authority: DecidingAuthority, nominee_ids: Sequence[str] | None
    ) -> tuple[str, ...]:
        """The nominees this unit may forward upward (khen cao), or why not: the dossier is with
        this unit, each award is beyond its power on that day (else it decides itself), and each
        nominee passed the appraisal and, where the award needs one, the council's vote."""
        self._check_status("trình cấp trên khen thưởng", S.IN_APPRAISAL, S.HIGHER_LEVEL_RETURNED)
        self._check_rules(rules)
        if self.deciding_authority is not None and authority.code != self.deciding_authority:
            raise DossierError(
                "not_deciding_authority",
                f"Hồ sơ đang thuộc đơn vị mã «{self.deciding_authority}», không phải của {authority.name}.",
            )
        errors: dict[str, str] = {}
        ids = list(dict.fromkeys(nominee_ids or ()))
        self._check_nominee_ids(ids, "nominee_ids", errors)
        raise_if(errors)
        candidates = ids or list(self.nominee_ids)
        problems = []
        for i in candidates:
            nominee = self.nominee(i)
            power = powers.awards.get(nominee.award)
            if power is not None and authority.level is not None and authority.level in power.deciding_levels:
                problems.append(
                    f"{nominee.name}: '{label(nominee.award)}' thuộc thẩm quyền của {authority.name}; "
                    "quyết định tại cấp này, không trình cấp trên"
                )
                continue
            blockers = []
            appraisal = self.appraisals.get(i)
            if appraisal is None:
                blockers.append("chưa được thẩm định")
            elif not appraisal.passed:
                blockers.append("không đạt thẩm định: " + "; ".join(appraisal.failures))
            vote_rule = rules.award(nominee.award).council_vote
            vote = self.votes.get(i)
            if vote_rule is not None and vote is None:
                blockers.append("chưa có kết quả bỏ phiếu của Hội đồng")
            elif vote_rule is not None and vote is not None and not vote.passed:
                blockers.append(f"không đạt tỷ lệ phiếu bầu ({vote.votes_for}/{vote.members_total})")
            if blockers:
                problems.append(f"{nominee.name}: " + "; ".join(blockers))
        if ids and problems:
            raise DossierError("not_forwardable", "Không thể trình cấp trên — " + " | ".join(problems) + ".")
        chosen = [i for i in candidates if not any(p.startswith(f"{self.nominee(i).name}:") for p in problems)]
        if not chosen:
            raise DossierError(
                "not_forwardable", "Không có đối tượng nào đủ điều kiện trình cấp trên — " + " | ".join(problems) + "."
            )
        return tuple(chosen)

    def forward_upward(
        self,
        *,
        rules: RuleSet,
        powers: RuleSet,
        authority: DecidingAuthority,
        to_authority: str,
        proposal_number: str,
        proposal_date: date,
        nominee_ids: Sequence[str],
        package_sha256: str,
        package_size: int,
        files: Sequence[PackageFile],
        actor: Actor,
        at: datetime,
        warnings: Sequence[str] = (),
        reason: str | None = None,
    ) -> Forwarding:
        """Send the dossier to the higher level with this unit's proposal (its Tờ trình number)
        and the package of documents; the local clock stops. Forwarding again after a return
        needs a reason."""
        ids = self.forwardable(rules=rules, powers=powers, authority=authority, nominee_ids=nominee_ids)
        self._check_at(at)
        errors: dict[str, str] = {}
        to_ = required_text(to_authority, "to_authority", errors)
        number, day = required_text(proposal_number, "proposal_number", errors), proposal_date
        if day > local_date(at):
            errors["proposal_date"] = "Ngày tờ trình không được sau ngày trình."
        reason_ = reason_of(reason, {}, required=False)
        if self.status is S.HIGHER_LEVEL_RETURNED and not reason_:
            errors["reason"] = "Hồ sơ đã bị cấp trên trả lại; trình lại phải nêu lý do (đã bổ sung, hoàn thiện gì)."
        raise_if(errors)
        self._forwarded_upward(
            by_authority=authority.code,
            to_authority=to_,
            proposal_number=number,
            proposal_date=day,
            nominee_ids=list(ids),
            package_sha256=package_sha256,
            package_size=package_size,
            files=[f.as_dict() for f in files],
            warnings=list(warnings),
            actor=actor,
            at=at,
            reason=reason_,
        )
        return self.forwardings[-1]

    @event("ForwardedUpward")
    def _forwarded_upward(
        self,
        by_authority: str,
        to_authority: str,
        proposal_number: str,
        proposal_date: date,
        nominee_ids: list[str],
        package_sha256: str,
        package_size: int,
        files: list[dict[str, Any]],
        warnings: list[str],
        actor: Actor,
        at: datetime,
        reason: str | None,
    ) -> None:
        forwarding = Forwarding(
            len(self.forwardings) + 1,
            by_authority,
            to_authority,
            proposal_number,
            proposal_date,
            tuple(nominee_ids),
            package_sha256,
            package_size,
            tuple(PackageFile.from_dict(f) for f in files),
            tuple(warnings),
        )
        self.forwardings = (*self.forwardings, forwarding)
        self.higher_level_result = None
        self.status = S.FORWARDED
        self.last_at = at

    def record_higher_level_result(
        self,
        *,
        outcome: HigherLevelOutcome,
        decided_by: str,
        actor: Actor,
        at: datetime,
        decision_number: str | None = None,
        decision_date: date | None = None,
        awarded_ids: Sequence[str] | None = None,
        not_awarded: Mapping[str, Sequence[str]] | None = None,
        reasons: Sequence[str] = (),
    ) -> HigherLevelResult:
        """Record what the higher level did: its decision (number, date, who was awarded) or its
        return of the dossier with reasons."""
        self._check_status("ghi nhận kết quả của cấp trên", S.FORWARDED)
        self._check_at(at)
        forwarded = self.forwardings[-1]
        errors: dict[str, str] = {}
        by = required_text(decided_by, "decided_by", errors)
        awarded: list[str] = []
        missed: dict[str, list[str]] = {}
        items: list[str] = []
        number, day = None, None
        if outcome is HigherLevelOutcome.AWARDED:
            number, day = required_text(decision_number or "", "decision_number", errors), decision_date
            if day is None:
                errors["decision_date"] = REQUIRED
            elif day < forwarded.proposal_date or day > local_date(at):
                errors["decision_date"] = "Ngày quyết định của cấp trên phải từ ngày tờ trình đến ngày ghi nhận."
            awarded = list(dict.fromkeys(awarded_ids if awarded_ids is not None else forwarded.nominee_ids))
            if not awarded:
                errors["awarded_ids"] = "Quyết định khen thưởng phải có ít nhất một người được khen thưởng."
            elif bad := [i for i in awarded if i not in forwarded.nominee_ids]:
                errors["awarded_ids"] = "Không có trong danh sách đã trình: " + ", ".join(bad) + "."
            for i, why in (not_awarded or {}).items():
                missed[i] = [w for w in why if w]
            for i in forwarded.nominee_ids:
                if i not in awarded and i not in missed:
                    missed[i] = ["Cấp trên không khen thưởng."]
        elif outcome is HigherLevelOutcome.RETURNED:
            items = texts(reasons, "reasons", errors)
        raise_if(errors)
        self._higher_level_result_recorded(
            outcome=outcome.value,
            decided_by=by,
            decision_number=number,
            decision_date=day,
            awarded_ids=awarded,
            not_awarded=missed,
            reasons=items,
            actor=actor,
            at=at,
            reason="; ".join(items) or None,
        )
        assert self.higher_level_result is not None
        return self.higher_level_result

    @event("HigherLevelResultRecorded")
    def _higher_level_result_recorded(
        self,
        outcome: str,
        decided_by: str,
        decision_number: str | None,
        decision_date: date | None,
        awarded_ids: list[str],
        not_awarded: dict[str, list[str]],
        reasons: list[str],
        actor: Actor,
        at: datetime,
        reason: str | None,
    ) -> None:
        result = HigherLevelResult(
            HigherLevelOutcome(outcome),
            decided_by,
            decision_number,
            decision_date,
            tuple(awarded_ids),
            tuple(reasons),
            {k: tuple(v) for k, v in not_awarded.items()},
        )
        self.higher_level_result = result
        self.status = (
            S.HIGHER_LEVEL_AWARDED if result.outcome is HigherLevelOutcome.AWARDED else S.HIGHER_LEVEL_RETURNED
        )
        self.last_at = at
