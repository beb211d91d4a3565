"""The `Dossier` aggregate: an award proposal from receipt to decision, result and annulment.

Each public method is a command. Its input is already typed (dates, whole numbers, enum members,
`Attachment`s: the HTTP layer parsed the request); it checks the state and the business rules
first (raising `DossierError` or `DossierValidationError` before anything happens), then
triggers one or more past-tense events through a private `@event` method whose body only assigns
state, because that body runs again on every replay. Every event records the actor, an explicit time `at`
(never read from a clock here) and, where a person decided, a reason. Rules come in as a
`RuleSet` (the one whose id the dossier stored on receipt) and dates as a `WorkingCalendar`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any
from uuid import UUID, uuid4

from eventsourcing.domain import event

from services.dossiers.documents.records import (
    Forwarding,
    HigherLevelResult,
    PrintBatch,
    SignedDocument,
)
from services.dossiers.documents.steps import DossierDocuments
from services.dossiers.domain.appraisal import NomineeFinding, appraise_nominee, quota_breach, vote_passes
from services.dossiers.domain.campaign_eligibility import CampaignCheck, CampaignVerdict
from services.dossiers.domain.commands import SubmitDossier
from services.dossiers.domain.errors import DossierError, DossierValidationError
from services.dossiers.domain.guards import at_least, raise_if, required_text, texts
from services.dossiers.domain.guards import reason as reason_of
from services.dossiers.domain.rules import AnyOf, BySector, Criterion, KindRule, RuleSet, StandardOf
from services.dossiers.domain.rules import CouncilCheck as CouncilCheckRule
from services.dossiers.domain.values import (
    REQUIRED,
    Annulment,
    AnnulmentGround,
    Appraisal,
    Approval,
    Attachment,
    AttachmentKind,
    AuthorityLevel,
    AwardType,
    Channel,
    Concurrence,
    CouncilCheck,
    CouncilVote,
    DecidingAuthority,
    Decision,
    Disclosure,
    DossierKind,
    DossierStatus,
    Nominee,
    Procedure,
    label,
)
from services.dossiers.numbering import format_decision_number
from shared.actor import Actor
from shared.snapshots import TypedSnapshot
from shared.topics import register_moved
from shared.workdays import WorkingCalendar, local_date

S = DossierStatus
OPEN_STATUSES = frozenset({S.RECEIVED, S.AWAITING_SUPPLEMENT, S.AWAITING_CAMPAIGN, S.IN_APPRAISAL})
CLOCK_RUNNING = frozenset({S.RECEIVED, S.AWAITING_CAMPAIGN, S.IN_APPRAISAL})
"""The deadline clock runs while the administration holds the dossier; it stops while the
proposing unit supplements, and ends once a decision, refusal or withdrawal closes the matter."""


def check_at(at: datetime, *, not_before: datetime | None = None) -> None:
    """`at` must be an aware datetime, and not earlier than the previous step."""
    if not isinstance(at, datetime) or at.tzinfo is None:
        raise DossierValidationError({"at": "Thời điểm phải là ngày giờ có múi giờ."})
    if not_before is not None and at < not_before:
        raise DossierValidationError({"at": "Thời điểm không được trước bước xử lý trước đó."})


def _vn(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def missing_kinds(
    rules: RuleSet, kind_rule: KindRule, nominees: Sequence[Nominee], attachments: Sequence[Attachment]
) -> list[AttachmentKind]:
    """Required attachment kinds (for the dossier kind and each award asked) not among `attachments`."""
    required = list(kind_rule.required_attachments)
    for n in nominees:
        if n.award in rules.awards:
            required += rules.award(n.award).required_attachments
    present = {a.kind for a in attachments}
    return list(dict.fromkeys(k for k in required if k not in present))


def receipt_problems(
    rules: RuleSet,
    received_on: date,
    *,
    proposing_unit: str,
    achievements: str,
    channel: Channel | None,
    award_type: AwardType | None,
    kind: DossierKind | None,
    campaign_id: str | None,
    feat_date: date | None,
    postmark_date: date | None,
    emulation_year: int | None,
    nominees: Sequence[Nominee | None],
) -> dict[str, str]:
    """The receipt rules, one Vietnamese message per field. The aggregate raises them; the edge
    runs them beside its own parsing so a clerk sees every problem of the form at once. A value
    None (a nominee None) was unreadable and already reported there: its rules are skipped."""
    errors: dict[str, str] = {}
    if not proposing_unit.strip():
        errors["proposing_unit"] = REQUIRED
    if not achievements.strip():
        errors["achievements"] = REQUIRED
    if award_type is AwardType.AD_HOC and feat_date is None:
        errors["feat_date"] = REQUIRED
    if channel is Channel.POST and postmark_date is None:
        errors["postmark_date"] = REQUIRED
    if emulation_year is not None and emulation_year < 1945:
        errors["emulation_year"] = "Phải là số nguyên không nhỏ hơn 1945."
    if feat_date and feat_date > received_on:
        errors.setdefault("feat_date", "Ngày lập thành tích không được sau ngày tiếp nhận.")
    if postmark_date and postmark_date > received_on:
        errors.setdefault("postmark_date", "Ngày dấu bưu điện không được sau ngày tiếp nhận.")
    kind_rule = rules.dossier_kinds.get(kind) if kind else None
    if kind and kind_rule is None:
        errors.setdefault("kind", f"Loại hồ sơ này không áp dụng theo bộ quy tắc {rules.id}.")
    if kind_rule and award_type and award_type not in kind_rule.award_types:
        errors.setdefault("award_type", "Loại hình khen thưởng không phù hợp với loại hồ sơ.")
    if kind_rule and kind_rule.requires_campaign and not campaign_id:
        errors.setdefault("campaign_id", "Hồ sơ khen thưởng chuyên đề phải nêu phong trào thi đua.")
    if not nominees:
        errors["nominees"] = "Phải có ít nhất một cá nhân, tập thể hoặc hộ gia đình được đề nghị."
    for i, nominee in enumerate(nominees):
        if nominee is None or kind_rule is None:
            continue
        path = f"nominees[{i}]"
        if nominee.award not in kind_rule.awards:
            errors[f"{path}.award"] = f"'{label(nominee.award)}' không xét trong loại hồ sơ này ({rules.id})."
        elif nominee.kind not in rules.award(nominee.award).nominee_kinds:
            errors[f"{path}.kind"] = f"'{label(nominee.award)}' không xét tặng cho đối tượng này."
    return errors


class Dossier(DossierDocuments):
    """Hồ sơ đề nghị khen thưởng (award proposal dossier)."""

    Snapshot = TypedSnapshot  # its state keeps enums, tuples and value objects (shared.snapshots)

    # --- receipt -------------------------------------------------------------------------

    @classmethod
    def submit(
        cls,
        *,
        rules: RuleSet,
        calendar: WorkingCalendar,
        receipt_number: str,
        command: SubmitDossier,
        actor: Actor,
        at: datetime,
        dossier_id: UUID | None = None,
    ) -> Dossier:
        """Receive a dossier: check it against `rules` (in force on the receipt date), date the
        appointment and flag a late ad-hoc proposal.

        `command.deciding_authority` is the org-unit code of the authority the dossier is
        addressed to (checked against the directory by the application). A receipt outside
        working time counts from the next working day; the appointment date is set only when the
        dossier is complete (its deadline runs from a complete dossier), else once a supplement
        completes it. `escalation_reason` is why a thematic award goes above the level that
        launched the movement (dispatch 147, point 4)."""
        check_at(at)
        received_on = local_date(at)
        if not rules.in_force_on(received_on):
            raise ValueError(f"rule set {rules.id} is not in force on {received_on}")
        c = command
        raise_if(
            receipt_problems(
                rules,
                received_on,
                proposing_unit=c.proposing_unit,
                achievements=c.achievements,
                channel=c.channel,
                award_type=c.award_type,
                kind=c.kind,
                campaign_id=c.campaign_id,
                feat_date=c.feat_date,
                postmark_date=c.postmark_date,
                emulation_year=c.emulation_year,
                nominees=c.nominees,
            )
        )
        kind_rule = rules.dossier_kinds[c.kind]
        feat, postmark, parsed, files = c.feat_date, c.postmark_date, c.nominees, c.attachments

        days_after_feat = None
        late = False
        if feat is not None:
            # A posted proposal was made when posted, not when it arrived.
            proposed_on = postmark or received_on
            days_after_feat = (proposed_on - feat).days
            late = days_after_feat > rules.ad_hoc.late_after_days
        counted_from = calendar.counting_start(at)
        complete = not missing_kinds(rules, kind_rule, parsed, files)
        appointment = (
            calendar.add_working_days(counted_from, rules.working_days(kind_rule.procedure)) if complete else None
        )
        return cls(
            id=dossier_id or uuid4(),
            receipt_number=receipt_number,
            channel=c.channel.value,
            proposing_unit=c.proposing_unit,
            award_type=c.award_type.value,
            kind=c.kind.value,
            procedure=kind_rule.procedure.value,
            campaign_id=c.campaign_id,
            emulation_year=c.emulation_year,
            achievements=c.achievements,
            nominees=[n.as_dict() for n in parsed],
            attachments=[a.as_dict() for a in files],
            feat_date=feat,
            postmark_date=postmark,
            received_on=received_on,
            appointment_date=appointment,
            rule_set_id=rules.id,
            late_proposal=late,
            days_after_feat=days_after_feat,
            actor=actor,
            at=at,
            deciding_authority=c.deciding_authority,
            counted_from=counted_from,
            escalation_reason=c.escalation_reason,
        )

    @event("Submitted")
    def __init__(
        self,
        id: UUID,  # the aggregate id (the library keeps it out of the event's attributes)
        receipt_number: str,
        channel: str,
        proposing_unit: str,
        award_type: str,
        kind: str,
        procedure: str,
        campaign_id: str | None,
        emulation_year: int | None,
        achievements: str,
        nominees: list[dict[str, Any]],
        attachments: list[dict[str, Any]],
        feat_date: date | None,
        postmark_date: date | None,
        received_on: date,
        appointment_date: date | None,
        rule_set_id: str,
        late_proposal: bool,
        days_after_feat: int | None,
        actor: Actor,
        at: datetime,
        deciding_authority: str | None,
        counted_from: date,
        escalation_reason: str | None,
    ) -> None:
        self.receipt_number = receipt_number
        self.channel = Channel(channel)
        self.proposing_unit = proposing_unit
        self.award_type = AwardType(award_type)
        self.kind = DossierKind(kind)
        self.procedure = Procedure(procedure)
        self.campaign_id = campaign_id
        self.emulation_year = emulation_year
        self.achievements = achievements
        self.nominees = tuple(Nominee.from_dict(n) for n in nominees)
        self.attachments = tuple(Attachment.from_dict(a) for a in attachments)
        self.feat_date = feat_date
        self.postmark_date = postmark_date
        self.received_on = received_on
        self.appointment_date: date | None = appointment_date
        self.rule_set_id = rule_set_id
        self.late_proposal = late_proposal
        self.days_after_feat = days_after_feat
        self.submitted_by = actor
        self.last_at = at
        self.status = S.RECEIVED
        self.missing: tuple[str, ...] = ()
        self.refusal_reasons: tuple[str, ...] = ()
        self.appraisals: dict[str, Appraisal] = {}
        self.votes: dict[str, CouncilVote] = {}
        self.concurrences: tuple[Concurrence, ...] = ()
        self.disclosures: tuple[Disclosure, ...] = ()
        self.decision: Decision | None = None
        self.annulments: tuple[Annulment, ...] = ()
        self.recovered_ids: frozenset[str] = frozenset()
        self.deadline_extensions = 0
        self.result_returned_on: date | None = None
        self.closing_reason: str | None = None
        self.deciding_authority = deciding_authority
        self.counted_from = counted_from
        self.escalation_reason = escalation_reason
        self.vote_history: dict[str, tuple[CouncilVote, ...]] = {}
        self.council_checks: dict[str, CouncilCheck] = {}
        self.successions: tuple[tuple[str, str, date], ...] = ()
        self.signed_documents: tuple[SignedDocument, ...] = ()
        self.print_batches: tuple[PrintBatch, ...] = ()
        self.forwardings: tuple[Forwarding, ...] = ()
        self.higher_level_result: HigherLevelResult | None = None

    # --- queries -------------------------------------------------------------------------

    def nominee(self, nominee_id: str) -> Nominee:
        for n in self.nominees:
            if n.nominee_id == nominee_id:
                return n
        raise KeyError(nominee_id)

    @property
    def nominee_ids(self) -> tuple[str, ...]:
        return tuple(n.nominee_id for n in self.nominees)

    @property
    def approved_ids(self) -> tuple[str, ...]:
        return tuple(a.nominee_id for a in self.decision.approvals) if self.decision else ()

    @property
    def annulled_ids(self) -> frozenset[str]:
        return frozenset(i for a in self.annulments for i in a.nominee_ids)

    @property
    def clock_running(self) -> bool:
        return self.status in CLOCK_RUNNING

    def is_overdue(self, on: date) -> bool:
        """Past the appointment date with the clock still running."""
        return self.clock_running and self.appointment_date is not None and on > self.appointment_date

    def missing_attachments(self, rules: RuleSet) -> list[AttachmentKind]:
        """Required kinds (for the dossier kind and for each award asked) not yet attached."""
        self._check_rules(rules)
        return missing_kinds(rules, rules.dossier_kinds[self.kind], self.nominees, self.attachments)

    def required_council_checks(self, rules: RuleSet) -> dict[str, list[dict[str, str]]]:
        """Per nominee, the standards only the council can confirm (key and wording)."""
        self._check_rules(rules)
        found: dict[str, list[dict[str, str]]] = {}
        for n in self.nominees:
            if n.award not in rules.awards:
                continue
            checks = _checks_for(rules, n.award, n, set())
            if checks:
                found[n.nominee_id] = [{"key": c.council_check, "text": c.text} for c in checks]
        return found

    # --- guards --------------------------------------------------------------------------

    def _check_status(self, action: str, *allowed: DossierStatus) -> None:
        if self.status not in allowed:
            raise DossierError(
                "invalid_transition", f"Không thể {action} khi hồ sơ ở trạng thái '{label(self.status)}'."
            )

    def _check_at(self, at: datetime) -> None:
        check_at(at, not_before=self.last_at)

    def _check_rules(self, rules: RuleSet) -> None:
        if rules.id != self.rule_set_id:
            raise ValueError(f"dossier follows rule set {self.rule_set_id}, not {rules.id}")

    def _check_nominee_ids(self, ids: Sequence[str], key: str, errors: dict[str, str]) -> tuple[str, ...]:
        unknown = [i for i in ids if i not in self.nominee_ids]
        if unknown:
            errors[key] = "Không có trong hồ sơ: " + ", ".join(unknown) + "."
        return tuple(ids)

    # --- completeness check --------------------------------------------------------------

    def request_supplement(
        self, *, missing: Sequence[str], actor: Actor, at: datetime, reason: str | None = None
    ) -> None:
        """Return the dossier for completion; the deadline clock stops."""
        self._check_status("yêu cầu bổ sung hồ sơ", S.RECEIVED, S.AWAITING_CAMPAIGN)
        self._check_at(at)
        errors: dict[str, str] = {}
        items = texts(missing, "missing", errors)
        raise_if(errors)
        self._supplement_requested(missing=items, actor=actor, at=at, reason=reason_of(reason, {}, required=False))

    @event("SupplementRequested")
    def _supplement_requested(self, missing: list[str], actor: Actor, at: datetime, reason: str | None) -> None:
        self.status = S.AWAITING_SUPPLEMENT
        self.missing = tuple(missing)
        self.appointment_date = None
        self.last_at = at

    def supplement(
        self,
        *,
        rules: RuleSet,
        calendar: WorkingCalendar,
        attachments: Sequence[Attachment],
        actor: Actor,
        at: datetime,
        note: str | None = None,
    ) -> None:
        """Add the requested documents; the clock restarts from zero.

        The deadlines count "from a complete dossier" (docs/domain.md T2, T4), so the new
        appointment is the supplement date plus the procedure's full working days, not the
        days that were left when the clock stopped.
        """
        self._check_status("bổ sung hồ sơ", S.AWAITING_SUPPLEMENT)
        self._check_rules(rules)
        self._check_at(at)
        if not attachments:
            raise DossierValidationError({"attachments": "Phải có ít nhất một tài liệu bổ sung."})
        day = local_date(at)
        added = list(attachments)
        counted_from = calendar.counting_start(at)
        complete = not missing_kinds(rules, rules.dossier_kinds[self.kind], self.nominees, [*self.attachments, *added])
        self._supplemented(
            attachments=[a.as_dict() for a in added],
            supplemented_on=day,
            appointment_date=(
                calendar.add_working_days(counted_from, rules.working_days(self.procedure)) if complete else None
            ),
            actor=actor,
            at=at,
            note=note,
            counted_from=counted_from,
        )

    @event("Supplemented")
    def _supplemented(
        self,
        attachments: list[dict[str, Any]],
        supplemented_on: date,
        appointment_date: date | None,
        actor: Actor,
        at: datetime,
        note: str | None,
        counted_from: date,
    ) -> None:
        self.attachments = self.attachments + tuple(Attachment.from_dict(a) for a in attachments)
        self.appointment_date = appointment_date
        self.counted_from = counted_from
        self.missing = ()
        self.status = S.RECEIVED
        self.last_at = at

    def refuse(self, *, reasons: Sequence[str], actor: Actor, at: datetime) -> None:
        """Refuse to handle the dossier (refusal slip); the matter is closed."""
        self._check_status("từ chối giải quyết hồ sơ", S.RECEIVED, S.AWAITING_SUPPLEMENT, S.AWAITING_CAMPAIGN)
        self._check_at(at)
        errors: dict[str, str] = {}
        items = texts(reasons, "reasons", errors)
        raise_if(errors)
        self._refused(reasons=items, actor=actor, at=at)

    @event("Refused")
    def _refused(self, reasons: list[str], actor: Actor, at: datetime) -> None:
        self.status = S.REFUSED
        self.refusal_reasons = tuple(reasons)
        self.last_at = at

    def accept_as_complete(self, *, rules: RuleSet, campaign: CampaignCheck | None, actor: Actor, at: datetime) -> None:
        """Accept the dossier for appraisal: every required attachment is there and, for a
        thematic award, the campaign is known to be eligible."""
        self._check_status("tiếp nhận hồ sơ đầy đủ", S.RECEIVED, S.AWAITING_CAMPAIGN)
        self._check_rules(rules)
        self._check_at(at)
        missing = self.missing_attachments(rules)
        if missing:
            raise DossierError("incomplete", "Hồ sơ còn thiếu: " + "; ".join(label(k) for k in missing) + ".")
        if rules.dossier_kinds[self.kind].requires_campaign:
            if campaign is None or campaign.verdict is CampaignVerdict.UNKNOWN:
                raise DossierError("campaign_unknown", "Chưa có thông tin về phong trào thi đua của hồ sơ.")
            if campaign.verdict is CampaignVerdict.NOT_ELIGIBLE:
                raise DossierError("campaign_not_eligible", " ".join(campaign.reasons))
        self._accepted(actor=actor, at=at)

    @event("AcceptedAsComplete")
    def _accepted(self, actor: Actor, at: datetime) -> None:
        self.status = S.IN_APPRAISAL
        self.last_at = at

    def defer_for_campaign(self, *, campaign: CampaignCheck, actor: Actor, at: datetime) -> None:
        """Wait until the campaign's events have reached this service (see `check_completeness`)."""
        self._check_status("chờ thông tin phong trào thi đua", S.RECEIVED)
        self._check_at(at)
        self._campaign_check_deferred(campaign_id=self.campaign_id, reasons=list(campaign.reasons), actor=actor, at=at)

    @event("CampaignCheckDeferred")
    def _campaign_check_deferred(self, campaign_id: str | None, reasons: list[str], actor: Actor, at: datetime) -> None:
        self.status = S.AWAITING_CAMPAIGN
        self.last_at = at

    def check_completeness(self, *, rules: RuleSet, campaign: CampaignCheck | None, actor: Actor, at: datetime) -> None:
        """The secretariat's completeness check, choosing the outcome from the rules.

        In order: a thematic dossier whose campaign is known and not eligible is refused with
        the reasons (dispatch 147); missing attachments are requested; a campaign the view does
        not know yet puts the dossier in AWAITING_CAMPAIGN rather than refusing it, because the
        view is fed asynchronously and a refusal is final for the citizen while waiting is not
        (the clock keeps running: the delay is the administration's, and the secretariat can
        still refuse by hand once it knows the campaign was never registered); otherwise the
        dossier is accepted. Re-running it while awaiting the campaign changes nothing until the
        campaign is known.
        """
        self._check_status("kiểm tra tính đầy đủ của hồ sơ", S.RECEIVED, S.AWAITING_CAMPAIGN)
        self._check_rules(rules)
        self._check_at(at)
        thematic = rules.dossier_kinds[self.kind].requires_campaign
        verdict = campaign or CampaignCheck(CampaignVerdict.UNKNOWN)
        missing = self.missing_attachments(rules)
        if thematic and verdict.verdict is CampaignVerdict.NOT_ELIGIBLE:
            self.refuse(reasons=list(verdict.reasons), actor=actor, at=at)
        elif missing:
            self.request_supplement(missing=[label(k) for k in missing], actor=actor, at=at)
        elif thematic and verdict.verdict is CampaignVerdict.UNKNOWN:
            if self.status is not S.AWAITING_CAMPAIGN:
                self.defer_for_campaign(campaign=verdict, actor=actor, at=at)
        else:
            self.accept_as_complete(rules=rules, campaign=verdict, actor=actor, at=at)

    # --- appraisal -----------------------------------------------------------------------

    def record_concurrence(
        self,
        *,
        department: str,
        agrees: bool,
        opinion: str,
        actor: Actor,
        at: datetime,
        nominee_ids: Sequence[str] = (),
        document_ref: str = "",
    ) -> None:
        """Record a functional department's opinion (hiệp y) on the dossier or some nominees."""
        self._check_status("ghi nhận ý kiến hiệp y", S.IN_APPRAISAL)
        self._check_at(at)
        errors: dict[str, str] = {}
        department_, opinion_ = required_text(department, "department", errors), opinion.strip()
        if not agrees and not opinion_:
            errors["opinion"] = REQUIRED  # a department that does not agree says why
        ids = self._check_nominee_ids(list(nominee_ids), "nominee_ids", errors)
        raise_if(errors)
        self._concurrence_recorded(
            department=department_,
            agrees=agrees,
            opinion=opinion_,
            nominee_ids=list(ids),
            document_ref=document_ref,
            actor=actor,
            at=at,
        )

    @event("ConcurrenceRecorded")
    def _concurrence_recorded(
        self,
        department: str,
        agrees: bool,
        opinion: str,
        nominee_ids: list[str],
        document_ref: str,
        actor: Actor,
        at: datetime,
    ) -> None:
        self.concurrences = (
            *self.concurrences,
            Concurrence(department, agrees, opinion, tuple(nominee_ids), document_ref),
        )
        self.last_at = at

    def disclose_publicly(
        self,
        *,
        where: str,
        from_date: date,
        to_date: date,
        actor: Actor,
        at: datetime,
        nominee_ids: Sequence[str] = (),
    ) -> None:
        """Record a public disclosure (công khai) of the nominees, before or after the decision."""
        self._check_status("công khai", S.IN_APPRAISAL, S.AWARDED, S.RESULT_RETURNED)
        self._check_at(at)
        errors: dict[str, str] = {}
        where_, start, end = required_text(where, "where", errors), from_date, to_date
        if end < start:
            errors["to_date"] = "Ngày kết thúc không được trước ngày bắt đầu."
        ids = self._check_nominee_ids(list(nominee_ids), "nominee_ids", errors)
        raise_if(errors)
        self._publicly_disclosed(where=where_, from_date=start, to_date=end, nominee_ids=list(ids), actor=actor, at=at)

    @event("PubliclyDisclosed")
    def _publicly_disclosed(
        self, where: str, from_date: date, to_date: date, nominee_ids: list[str], actor: Actor, at: datetime
    ) -> None:
        self.disclosures = (*self.disclosures, Disclosure(where, from_date, to_date, tuple(nominee_ids)))
        self.last_at = at

    def appraise(
        self,
        *,
        rules: RuleSet,
        actor: Actor,
        at: datetime,
        nominee_ids: Sequence[str] | None = None,
        objections: Mapping[str, Sequence[str]] | None = None,
        reason: str | None = None,
    ) -> list[NomineeFinding]:
        """Appraise nominees (all by default) against the rule set, one `NomineeAppraised` each.

        `objections` are the officer's own findings per nominee, for facts the rules cannot see;
        any objection fails the nominee. Standards only the council can judge count as met only
        where the council recorded them (`record_council_check`). A finding notes the priority to
        women when achievements are equal. Appraising again replaces the finding (history keeps
        both).
        """
        self._check_status("thẩm định", S.IN_APPRAISAL)
        self._check_rules(rules)
        self._check_at(at)
        errors: dict[str, str] = {}
        ids = self._check_nominee_ids(list(nominee_ids or self.nominee_ids), "nominee_ids", errors)
        objections = dict(objections or {})
        self._check_nominee_ids(list(objections), "objections", errors)
        raise_if(errors)
        departments = rules.dossier_kinds[self.kind].concurrence_departments
        findings = [
            appraise_nominee(
                self.nominee(i),
                rules,
                council_checks=self._confirmed_checks(i),
                concurrence_departments=departments,
                concurrences=self.concurrences,
                objections=list(objections.get(i, ())),
            )
            for i in ids
        ]
        for f in findings:
            self._nominee_appraised(
                nominee_id=f.nominee_id,
                passed=f.passed,
                failures=list(f.failures),
                actor=actor,
                at=at,
                reason=reason_of(reason, {}, required=False),
                notes=list(f.notes),
            )
        return findings

    @event("NomineeAppraised")
    def _nominee_appraised(
        self,
        nominee_id: str,
        passed: bool,
        failures: list[str],
        actor: Actor,
        at: datetime,
        reason: str | None,
        notes: list[str],
    ) -> None:
        self.appraisals = {
            **self.appraisals,
            nominee_id: Appraisal(nominee_id, passed, tuple(failures), tuple(notes)),
        }
        self.last_at = at

    def _confirmed_checks(self, nominee_id: str) -> frozenset[str]:
        check = self.council_checks.get(nominee_id)
        return frozenset(check.confirmed) if check else frozenset()

    def record_council_check(
        self,
        *,
        rules: RuleSet,
        nominee_ids: Sequence[str],
        confirmed: Sequence[str],
        meeting_date: date,
        minutes_ref: str,
        actor: Actor,
        at: datetime,
        not_confirmed: Sequence[str] = (),
        reason: str | None = None,
    ) -> list[CouncilCheck]:
        """Record what the council's review (bình xét) found on the standards that no record
        shows (the rule set's `council_check` criteria): which it confirmed for these nominees,
        which not, from which meeting and minutes. Only keys the nominee's award asks for are
        accepted. Recording again for a nominee is a new round and needs a reason; the earlier
        round stays in the history."""
        self._check_status("ghi nhận kết quả xét của Hội đồng", S.IN_APPRAISAL)
        self._check_rules(rules)
        self._check_at(at)
        errors: dict[str, str] = {}
        ids = list(dict.fromkeys(nominee_ids or ()))
        if not ids:
            errors["nominee_ids"] = REQUIRED
        self._check_nominee_ids(ids, "nominee_ids", errors)
        meeting, minutes = meeting_date, required_text(minutes_ref, "minutes_ref", errors)
        if meeting > local_date(at):
            errors["meeting_date"] = "Ngày họp không được sau ngày ghi nhận."
        yes = [k.strip() for k in confirmed if k.strip()]
        no = [k.strip() for k in not_confirmed if k.strip()]
        if not yes and not no:
            errors["confirmed"] = "Phải nêu tiêu chuẩn Hội đồng đã xác nhận (hoặc chưa xác nhận)."
        if both := set(yes) & set(no):
            errors["not_confirmed"] = "Vừa xác nhận vừa không xác nhận: " + ", ".join(sorted(both)) + "."
        raise_if(errors)
        required = self.required_council_checks(rules)
        for i in ids:
            asked = {c["key"] for c in required.get(i, [])}
            if unknown := [k for k in [*yes, *no] if k not in asked]:
                award = label(self.nominee(i).award)
                allowed = ", ".join(sorted(asked)) or "không có"
                errors[f"confirmed.{i}"] = (
                    f"Tiêu chuẩn không thuộc '{award}': {', '.join(unknown)} (các tiêu chuẩn: {allowed})."
                )
        reason_ = reason_of(reason, {}, required=False)
        if not reason_ and (again := [i for i in ids if i in self.council_checks]):
            errors["reason"] = "Hội đồng đã ghi nhận cho " + ", ".join(again) + "; ghi nhận lại phải nêu lý do."
        raise_if(errors)
        for i in ids:
            self._council_check_recorded(
                nominee_id=i,
                confirmed=yes,
                not_confirmed=no,
                meeting_date=meeting,
                minutes_ref=minutes,
                actor=actor,
                at=at,
                reason=reason_,
            )
        return [self.council_checks[i] for i in ids]

    @event("CouncilCheckRecorded")
    def _council_check_recorded(
        self,
        nominee_id: str,
        confirmed: list[str],
        not_confirmed: list[str],
        meeting_date: date,
        minutes_ref: str,
        actor: Actor,
        at: datetime,
        reason: str | None,
    ) -> None:
        earlier = self.council_checks.get(nominee_id)
        check = CouncilCheck(
            nominee_id,
            tuple(confirmed),
            tuple(not_confirmed),
            meeting_date,
            minutes_ref,
            earlier.round + 1 if earlier else 1,
            reason,
        )
        self.council_checks = {**self.council_checks, nominee_id: check}
        self.last_at = at

    def record_council_vote(
        self,
        *,
        rules: RuleSet,
        nominee_id: str,
        members_total: int,
        votes_for: int,
        votes_against: int,
        absent_in_writing: int,
        actor: Actor,
        at: datetime,
        meeting_date: date | None = None,
        reason: str | None = None,
    ) -> CouncilVote:
        """Record the council's ballot on a nominee whose award needs one; it passes only when
        the votes for reach the rule set's share of the whole membership (absent members vote
        in writing and are counted among the votes for or against).

        A second ballot on the same nominee is a revote: it needs a reason, and the earlier
        ballot stays in the record (`vote_history`); the latest one governs the decision."""
        self._check_status("ghi nhận kết quả bỏ phiếu", S.IN_APPRAISAL)
        self._check_rules(rules)
        self._check_at(at)
        errors: dict[str, str] = {}
        self._check_nominee_ids([nominee_id], "nominee_id", errors)
        raise_if(errors)
        vote_rule = rules.award(self.nominee(nominee_id).award).council_vote
        if vote_rule is None:
            award = label(self.nominee(nominee_id).award)
            raise DossierError(
                "vote_not_required", f"'{award}' không yêu cầu Hội đồng bỏ phiếu theo bộ quy tắc {rules.id}."
            )
        total = at_least(members_total, "members_total", errors, minimum=1)
        yes, no = at_least(votes_for, "votes_for", errors), at_least(votes_against, "votes_against", errors)
        absent, meeting = at_least(absent_in_writing, "absent_in_writing", errors), meeting_date
        if yes + no > total:
            errors["votes_for"] = "Tổng số phiếu đồng ý và không đồng ý vượt quá tổng số thành viên Hội đồng."
        if absent > yes + no:
            errors["absent_in_writing"] = "Số thành viên vắng mặt bỏ phiếu bằng văn bản vượt quá số phiếu đã bỏ."
        reason_ = reason_of(reason, {}, required=False)
        if nominee_id in self.votes and not reason_:
            earlier = self.votes[nominee_id]
            errors["reason"] = (
                f"Đã có kết quả bỏ phiếu lần {earlier.ballot_round} ({earlier.votes_for}/{earlier.members_total}); "
                "bỏ phiếu lại phải nêu lý do."
            )
        raise_if(errors)
        passed = vote_passes(yes, total, vote_rule.threshold_percent)
        self._council_vote_recorded(
            nominee_id=nominee_id,
            members_total=total,
            votes_for=yes,
            votes_against=no,
            absent_in_writing=absent,
            threshold_percent=vote_rule.threshold_percent,
            passed=passed,
            meeting_date=meeting,
            actor=actor,
            at=at,
            reason=reason_,
        )
        return self.votes[nominee_id]

    @event("CouncilVoteRecorded")
    def _council_vote_recorded(
        self,
        nominee_id: str,
        members_total: int,
        votes_for: int,
        votes_against: int,
        absent_in_writing: int,
        threshold_percent: int,
        passed: bool,
        meeting_date: date | None,
        actor: Actor,
        at: datetime,
        reason: str | None,
    ) -> None:
        rounds = self.vote_history.get(nominee_id, ())
        vote = CouncilVote(
            nominee_id,
            members_total,
            votes_for,
            votes_against,
            absent_in_writing,
            threshold_percent,
            passed,
            meeting_date,
            len(rounds) + 1,
            reason,
        )
        self.votes = {**self.votes, nominee_id: vote}
        self.vote_history = {**self.vote_history, nominee_id: (*rounds, vote)}
        self.last_at = at

    # --- who decides ---------------------------------------------------------------------

    def pass_to_successor(
        self, *, successor: DecidingAuthority, ended_on: date, actor: Actor, at: datetime, reason: str | None = None
    ) -> None:
        """The unit this dossier is pending at ended (`ended_on`, its last day): the dossier passes
        to `successor`, which took over its work, with an event that says so. Only while the
        dossier is open; the successor must exist the day after the end and succeed that unit."""
        self._check_status("chuyển hồ sơ cho đơn vị kế thừa", *OPEN_STATUSES)
        self._check_at(at)
        current = self.deciding_authority
        if current is None:
            raise DossierError("no_deciding_authority", "Hồ sơ chưa ghi cơ quan có thẩm quyền giải quyết.")
        if successor.code == current:
            raise DossierError("same_authority", f"Hồ sơ đã thuộc thẩm quyền của {successor.name}.")
        if current not in successor.succeeds:
            raise DossierError(
                "not_successor", f"{successor.name} không phải đơn vị kế thừa của đơn vị mã «{current}»."
            )
        if local_date(at) <= ended_on:
            raise DossierError(
                "authority_still_in_office",
                f"Đơn vị mã «{current}» còn hoạt động đến hết ngày {_vn(ended_on)}; chưa chuyển hồ sơ.",
            )
        if not successor.is_active_on(local_date(at)):
            raise DossierError("authority_not_in_office", f"{successor.name} không hoạt động vào ngày chuyển hồ sơ.")
        why = reason_of(reason, {}, required=False) or (
            f"Đơn vị mã «{current}» chấm dứt hoạt động sau ngày {_vn(ended_on)}; hồ sơ đang giải quyết chuyển "
            f"cho {successor.name} là đơn vị kế thừa."
        )
        self._passed_to_successor(
            from_authority=current,
            to_authority=successor.code,
            ended_on=ended_on,
            actor=actor,
            at=at,
            reason=why,
        )

    @event("PassedToSuccessor")
    def _passed_to_successor(
        self, from_authority: str, to_authority: str, ended_on: date, actor: Actor, at: datetime, reason: str
    ) -> None:
        self.deciding_authority = to_authority
        self.successions = (*self.successions, (from_authority, to_authority, ended_on))
        self.last_at = at

    def _check_signer(self, authority: DecidingAuthority, powers: RuleSet, day: date, *, for_dossier: bool) -> None:
        """The signer must exist on `day`, hold award power of its own under the rules in force
        that day, and be the authority the dossier is pending at (`for_dossier`)."""
        if not isinstance(authority, DecidingAuthority):
            raise DossierValidationError({"authority": REQUIRED})
        if not authority.is_active_on(day):
            ended = f" (chấm dứt hoạt động sau ngày {_vn(authority.valid_to)})" if authority.valid_to else ""
            raise DossierError(
                "authority_not_in_office",
                f"{authority.name} không còn tồn tại vào ngày {_vn(day)}{ended}: không được ký quyết định; "
                "hồ sơ đang giải quyết chuyển cho đơn vị kế thừa.",
            )
        if authority.level is None:
            raise DossierError(
                "no_award_power",
                f"{authority.name} không có thẩm quyền quyết định khen thưởng (Điều 80 Luật Thi đua, khen thưởng "
                "2022): đơn vị đề nghị người có thẩm quyền quyết định.",
            )
        if authority.level not in powers.authority_levels:
            raise DossierError(
                "no_award_power",
                f"Cấp {label(authority.level)} không có thẩm quyền khen thưởng theo quy định có hiệu lực ngày "
                f"{_vn(day)} ({powers.id}).",
            )
        if for_dossier and self.deciding_authority is not None and authority.code != self.deciding_authority:
            raise DossierError(
                "not_deciding_authority",
                f"Hồ sơ đang thuộc thẩm quyền giải quyết của đơn vị mã «{self.deciding_authority}», "
                f"không phải của {authority.name}.",
            )

    def _decision_date(self, decision_date: date | None, at: datetime) -> date:
        day = decision_date or local_date(at)
        if day > local_date(at) or day < self.received_on:
            raise DossierValidationError({"decision_date": "Ngày quyết định phải từ ngày tiếp nhận đến ngày ghi nhận."})
        return day

    def _thematic_escalation(
        self, rules: RuleSet, powers: RuleSet, authority: DecidingAuthority, launching_level: str | None
    ) -> str | None:
        """Dispatch 147, point 4: the level that launched a thematic movement considers its
        awards; the dossier goes above it only with a recorded reason. The message, or None.

        A movement the district launched is considered, once the district level has ended, by
        the commune that holds the district's powers (NĐ 129/2025 Art. 59)."""
        rule = rules.principles.thematic_decided_by_launching_level
        if not rule.applies or not rules.dossier_kinds[self.kind].requires_campaign:
            return None
        launched = (launching_level or "").strip().lower()
        if launched and launched == authority.org_level:
            return None
        district_ended = AuthorityLevel.DISTRICT not in powers.authority_levels
        if launched == "district" and district_ended and authority.level is AuthorityLevel.COMMUNE:
            return None
        if self.escalation_reason:
            return None
        levels = {"district": "cấp huyện", "commune": "cấp xã", "department": "cấp phòng, ban, ngành"}
        where = levels.get(launched, f"cấp «{launched}»") if launched else "cấp chưa xác định"
        return (
            f"Phong trào do {where} phát động: cấp phát động xét khen thưởng chuyên đề; chỉ trình "
            f"{authority.name} khi thành tích có phạm vi ảnh hưởng rộng, và lý do phải được ghi trong hồ sơ "
            f"({rule.article})."
        )

    # --- decision ------------------------------------------------------------------------

    def _blockers(self, nominee_id: str, rules: RuleSet, powers: RuleSet, level: AuthorityLevel) -> list[str]:
        """Why this nominee may not be approved by an authority of `level`; empty when it may.
        Criteria and votes follow the dossier's rule set; the level's powers the decision date's."""
        nominee = self.nominee(nominee_id)
        award = rules.award(nominee.award)
        appraisal = self.appraisals.get(nominee_id)
        blockers = []
        if appraisal is None:
            blockers.append("chưa được thẩm định")
        elif not appraisal.passed:
            blockers.append("không đạt thẩm định: " + "; ".join(appraisal.failures))
        if award.council_vote is not None:
            vote = self.votes.get(nominee_id)
            if vote is None:
                blockers.append("chưa có kết quả bỏ phiếu của Hội đồng")
            elif not vote.passed:
                blockers.append(
                    f"không đạt tỷ lệ phiếu bầu ({vote.votes_for}/{vote.members_total} < "
                    f"{vote.threshold_percent}% tổng số thành viên Hội đồng)"
                )
        power = powers.awards.get(nominee.award)
        if power is None or level not in power.deciding_levels:
            blockers.append(f"'{label(nominee.award)}' không thuộc thẩm quyền của cấp {level.value}")
        if rules.public_disclosure.required_before_decision and not any(d.covers(nominee_id) for d in self.disclosures):
            blockers.append("chưa công khai danh sách đề nghị khen thưởng")
        return blockers

    def decide_award(
        self,
        *,
        rules: RuleSet,
        powers: RuleSet,
        authority: DecidingAuthority,
        base_salary_vnd: int,
        number: int,
        approve: Sequence[str],
        actor: Actor,
        at: datetime,
        reject: Mapping[str, Sequence[str]] | None = None,
        decision_date: date | None = None,
        reason: str | None = None,
        earlier_awards: Mapping[str, int] | None = None,
        campaign_launching_level: str | None = None,
    ) -> Decision:
        """Award the `approve` nominees under decision `number` (taken from the authority's
        register); the others are rejected with reasons.

        `rules` is the dossier's rule set (criteria, votes, quotas, cash multipliers); `powers`
        the rule set in force on the decision date (who may sign what). `authority` is the signer
        as the org-unit data describes it on that date: it must exist, hold award power, and be
        the authority the dossier is pending at. `earlier_awards` counts, by award, the holders
        the proposing unit already has in the year (for quotas); `campaign_launching_level` is
        the level that launched a thematic movement (dispatch 147, point 4).
        """
        self._check_status("quyết định khen thưởng", S.IN_APPRAISAL)
        self._check_rules(rules)
        self._check_at(at)
        day = self._decision_date(decision_date, at)
        self._check_signer(authority, powers, day, for_dossier=True)
        assert authority.level is not None
        level = authority.level
        errors: dict[str, str] = {}
        approved = list(dict.fromkeys(approve))
        if not approved:
            errors["approve"] = (
                "Phải có ít nhất một đối tượng được khen thưởng (nếu không, dùng quyết định không khen thưởng)."
            )
        self._check_nominee_ids(approved, "approve", errors)
        reject = dict(reject or {})
        self._check_nominee_ids(list(reject), "reject", errors)
        if both := set(approved) & set(reject):
            errors["reject"] = "Vừa khen thưởng vừa không khen thưởng: " + ", ".join(sorted(both)) + "."
        raise_if(errors)

        if escalation := self._thematic_escalation(rules, powers, authority, campaign_launching_level):
            raise DossierError("thematic_not_escalated", escalation)
        refusals = [f"{i}: " + "; ".join(b) for i in approved if (b := self._blockers(i, rules, powers, level))]
        if refusals:
            raise DossierError("not_approvable", "Không thể khen thưởng — " + " | ".join(refusals) + ".")
        awards = [self.nominee(i).award for i in approved]
        for award_name in dict.fromkeys(awards):
            quota = rules.award(award_name).quota
            if quota and (breach := quota_breach(award_name, quota, awards, earlier_awards)):
                errors["approve"] = breach
        rejections: dict[str, list[str]] = {}
        for i, why in reject.items():
            reasons = [x.strip() for x in why if x.strip()]
            if not reasons:
                errors[f"reject.{i}"] = "Phải nêu lý do không khen thưởng."
            rejections[i] = reasons
        undecided = []
        for i in self.nominee_ids:
            if i in approved or i in rejections:
                continue
            failures = self._failures(i, rules)
            if failures:
                rejections[i] = failures
            else:
                undecided.append(i)
        if undecided:
            errors["reject"] = "Chưa có kết luận cho: " + ", ".join(undecided) + "."
        raise_if(errors)

        approvals = []
        for i in approved:
            nominee = self.nominee(i)
            award_rule = rules.award(nominee.award)
            reward = award_rule.reward_for(nominee.kind, level)
            multiplier = award_rule.multiplier_for(nominee.kind, level)
            approvals.append(
                Approval(
                    i,
                    nominee.award,
                    str(multiplier) if multiplier is not None else None,
                    base_salary_vnd,
                    rules.cash.amount(multiplier, base_salary_vnd) if multiplier is not None else None,
                    reward.article if reward else "",
                    reward.confirmed if reward else None,
                ).as_dict()
            )
        self._award_decided(
            decision_number=format_decision_number(number, powers.authority_levels[level].number_suffix),
            decision_date=day,
            authority=authority.code,
            authority_level=level.value,
            approvals=approvals,
            rejections=rejections,
            actor=actor,
            at=at,
            reason=reason_of(reason, {}, required=False),
        )
        assert self.decision is not None
        return self.decision

    def _failures(self, nominee_id: str, rules: RuleSet) -> list[str]:
        """A nominee's appraisal and vote failures (for automatic rejection)."""
        failures = []
        appraisal = self.appraisals.get(nominee_id)
        if appraisal is not None and not appraisal.passed:
            failures += list(appraisal.failures)
        vote = self.votes.get(nominee_id)
        if vote is not None and not vote.passed and rules.award(self.nominee(nominee_id).award).council_vote:
            failures.append(f"Không đạt tỷ lệ phiếu bầu ({vote.votes_for}/{vote.members_total}).")
        return failures

    @event("AwardDecided")
    def _award_decided(
        self,
        decision_number: str,
        decision_date: date,
        authority: str,
        authority_level: str,
        approvals: list[dict[str, Any]],
        rejections: dict[str, list[str]],
        actor: Actor,
        at: datetime,
        reason: str | None,
    ) -> None:
        self.decision = Decision(
            decision_number,
            decision_date,
            authority,
            AuthorityLevel(authority_level),
            tuple(Approval.from_dict(a) for a in approvals),
            {k: tuple(v) for k, v in rejections.items()},
        )
        self.status = S.AWARDED
        self.last_at = at

    def reject_award(
        self,
        *,
        rules: RuleSet,
        powers: RuleSet,
        authority: DecidingAuthority,
        reasons: Sequence[str],
        actor: Actor,
        at: datetime,
        decision_date: date | None = None,
    ) -> Decision:
        """The authority awards no one; the proposing unit is notified in writing."""
        self._check_status("quyết định không khen thưởng", S.IN_APPRAISAL)
        self._check_rules(rules)
        self._check_at(at)
        day = self._decision_date(decision_date, at)
        self._check_signer(authority, powers, day, for_dossier=True)
        assert authority.level is not None
        errors: dict[str, str] = {}
        items = texts(reasons, "reasons", errors)
        raise_if(errors)
        self._award_rejected(
            decision_date=day,
            authority=authority.code,
            authority_level=authority.level.value,
            rejections={i: items + self._failures(i, rules) for i in self.nominee_ids},
            actor=actor,
            at=at,
            reason="; ".join(items),
        )
        assert self.decision is not None
        return self.decision

    @event("AwardRejected")
    def _award_rejected(
        self,
        decision_date: date,
        authority: str,
        authority_level: str,
        rejections: dict[str, list[str]],
        actor: Actor,
        at: datetime,
        reason: str,
    ) -> None:
        self.decision = Decision(
            None,
            decision_date,
            authority,
            AuthorityLevel(authority_level),
            (),
            {k: tuple(v) for k, v in rejections.items()},
        )
        self.status = S.REJECTED
        self.last_at = at

    # --- result, deadline, withdrawal ----------------------------------------------------

    def return_result(self, *, actor: Actor, at: datetime, returned_to: str = "", note: str | None = None) -> None:
        """Hand the decision and certificates (or the written rejection) back to the proposing unit."""
        self._check_status("trả kết quả", S.AWARDED, S.REJECTED)
        self._check_at(at)
        self._result_returned(returned_to=returned_to, returned_on=local_date(at), actor=actor, at=at, note=note)

    @event("ResultReturned")
    def _result_returned(
        self, returned_to: str, returned_on: date, actor: Actor, at: datetime, note: str | None
    ) -> None:
        self.status = S.RESULT_RETURNED
        self.result_returned_on = returned_on
        self.last_at = at

    def extend_deadline(
        self, *, calendar: WorkingCalendar, new_date: date, actor: Actor, at: datetime, reason: str
    ) -> None:
        """Set a later appointment with an apology slip (phiếu xin lỗi và hẹn lại ngày trả kết quả).

        Allowed whenever the clock runs, before or after the missed date, because the slip is
        due before the result is late as well as after.
        """
        self._check_status("gia hạn ngày hẹn trả kết quả", *CLOCK_RUNNING)
        self._check_at(at)
        errors: dict[str, str] = {}
        reason_ = reason_of(reason, errors)
        day = new_date
        if self.appointment_date is not None and day <= self.appointment_date:
            errors["new_date"] = "Ngày hẹn mới phải sau ngày hẹn hiện tại."
        elif day < local_date(at):
            errors["new_date"] = "Ngày hẹn mới không được trong quá khứ."
        elif not calendar.is_working_day(day):
            errors["new_date"] = "Ngày hẹn mới phải là ngày làm việc."
        raise_if(errors)
        self._deadline_extended(previous_date=self.appointment_date, new_date=day, actor=actor, at=at, reason=reason_)

    @event("DeadlineExtended")
    def _deadline_extended(
        self, previous_date: date | None, new_date: date, actor: Actor, at: datetime, reason: str
    ) -> None:
        self.appointment_date = new_date
        self.deadline_extensions += 1
        self.last_at = at

    def withdraw(self, *, actor: Actor, at: datetime, reason: str) -> None:
        """The proposing unit withdraws its proposal; only before the decision.

        Who may act for the proposing unit is an authorisation question for the HTTP layer.
        """
        self._check_status("rút hồ sơ", *OPEN_STATUSES)
        self._check_at(at)
        errors: dict[str, str] = {}
        reason_ = reason_of(reason, errors)
        raise_if(errors)
        self._withdrawn(actor=actor, at=at, reason=reason_)

    @event("Withdrawn")
    def _withdrawn(self, actor: Actor, at: datetime, reason: str) -> None:
        self.status = S.WITHDRAWN
        self.closing_reason = reason
        self.last_at = at

    # --- annulment and recovery (Law Art. 93; docs/domain.md W5, M5) ---------------------

    def annul_award(
        self,
        *,
        rules: RuleSet,
        powers: RuleSet,
        number: int,
        ground: AnnulmentGround,
        act_reference: str,
        authority: DecidingAuthority,
        actor: Actor,
        at: datetime,
        reason: str,
        nominee_ids: Sequence[str] | None = None,
    ) -> Annulment:
        """Annul the award of some or all awardees by a decision numbered from the annulling
        authority's register. The authority that decided annuls (Law Art. 93), or, once it has
        ended, the unit that took over its work; the original `AwardDecided` stays in the history."""
        self._check_status("hủy bỏ quyết định khen thưởng", S.AWARDED, S.RESULT_RETURNED)
        self._check_rules(rules)
        self._check_at(at)
        assert self.decision is not None
        errors: dict[str, str] = {}
        reference = required_text(act_reference, "act_reference", errors)
        reason_ = reason_of(reason, errors)
        remaining = [i for i in self.approved_ids if i not in self.annulled_ids]
        ids = list(dict.fromkeys(nominee_ids)) if nominee_ids is not None else remaining
        if not ids:
            errors["nominee_ids"] = "Không còn đối tượng nào để hủy bỏ khen thưởng."
        elif bad := [i for i in ids if i not in remaining]:
            errors["nominee_ids"] = "Không được khen thưởng hoặc đã bị hủy bỏ: " + ", ".join(bad) + "."
        raise_if(errors)
        decided_by = self.decision.authority.strip().upper()  # stored before codes were canonical
        if authority.code != decided_by and decided_by not in authority.succeeds:
            raise DossierError(
                "not_deciding_authority",
                f"Chỉ người có thẩm quyền đã quyết định khen thưởng ({decided_by}) hoặc đơn vị kế thừa "
                "mới được hủy bỏ quyết định.",
            )
        self._check_signer(authority, powers, local_date(at), for_dossier=False)
        assert authority.level is not None
        suffix = powers.authority_levels[authority.level].number_suffix
        self._award_annulled(
            nominee_ids=ids,
            ground=ground.value,
            act_reference=reference,
            decision_number=format_decision_number(number, suffix),
            authority=authority.code,
            actor=actor,
            at=at,
            reason=reason_,
        )
        return self.annulments[-1]

    @event("AwardAnnulled")
    def _award_annulled(
        self,
        nominee_ids: list[str],
        ground: str,
        act_reference: str,
        decision_number: str,
        authority: str,
        actor: Actor,
        at: datetime,
        reason: str,
    ) -> None:
        annulment = Annulment(tuple(nominee_ids), AnnulmentGround(ground), act_reference, decision_number, authority)
        self.annulments = (*self.annulments, annulment)
        if set(self.approved_ids) <= self.annulled_ids:
            self.status = S.ANNULLED
        self.last_at = at

    def record_recovery(
        self,
        *,
        nominee_ids: Sequence[str],
        artefacts_returned: Sequence[str],
        amount_recovered_vnd: int,
        actor: Actor,
        at: datetime,
        note: str | None = None,
    ) -> None:
        """Record that annulled awardees returned their artefacts and cash reward."""
        errors: dict[str, str] = {}
        pending = [i for i in self.annulled_ids if i not in self.recovered_ids]
        if not pending:
            raise DossierError("nothing_to_recover", "Không có khen thưởng đã hủy bỏ nào đang chờ thu hồi.")
        self._check_at(at)
        ids = list(dict.fromkeys(nominee_ids))
        if not ids:
            errors["nominee_ids"] = REQUIRED
        elif bad := [i for i in ids if i not in pending]:
            errors["nominee_ids"] = "Chưa bị hủy bỏ khen thưởng hoặc đã thu hồi: " + ", ".join(bad) + "."
        artefacts = [a.strip() for a in artefacts_returned if a.strip()]
        amount = at_least(amount_recovered_vnd, "amount_recovered_vnd", errors)
        assert self.decision is not None
        approvals = [a for a in self.decision.approvals if a.nominee_id in ids]
        # Where the decision recorded no cash figure (the rule set knew no multiplier), the unit
        # still paid what it paid: the amount actually recovered is recorded as stated.
        if not errors and all(a.cash_reward_vnd is not None for a in approvals):
            paid = sum(a.cash_reward_vnd or 0 for a in approvals)
            if amount > paid:
                errors["amount_recovered_vnd"] = f"Số tiền thu hồi vượt số tiền thưởng đã chi ({paid:,} đồng)."
        raise_if(errors)
        self._award_recovered(
            nominee_ids=ids, artefacts_returned=artefacts, amount_recovered_vnd=amount, actor=actor, at=at, note=note
        )

    @event("AwardRecovered")
    def _award_recovered(
        self,
        nominee_ids: list[str],
        artefacts_returned: list[str],
        amount_recovered_vnd: int,
        actor: Actor,
        at: datetime,
        note: str | None,
    ) -> None:
        self.recovered_ids = self.recovered_ids | set(nominee_ids)
        self.last_at = at


def _checks_for(rules: RuleSet, award: str, nominee: Nominee, seen: set[str]) -> list[CouncilCheckRule]:
    """The council checks `award` asks of this nominee: through `standard_of`, the nominee's own
    sector branch, and every alternative of an `any_of` (any one may be the one met)."""
    if award in seen:
        return []
    seen.add(award)
    found: list[CouncilCheckRule] = []
    for criterion in rules.award(award).criteria:
        found += _criterion_checks(criterion, rules, nominee, seen)
    return found


def _criterion_checks(criterion: Criterion, rules: RuleSet, nominee: Nominee, seen: set[str]) -> list[CouncilCheckRule]:
    if isinstance(criterion, CouncilCheckRule):
        return [criterion]
    if isinstance(criterion, StandardOf):
        return _checks_for(rules, criterion.standard_of, nominee, seen)
    if isinstance(criterion, AnyOf):
        return [c for alt in criterion.any_of for c in _criterion_checks(alt, rules, nominee, seen)]
    if isinstance(criterion, BySector):
        branch = criterion.by_sector.get(nominee.sector, [])
        return [c for alt in branch for c in _criterion_checks(alt, rules, nominee, seen)]
    return []


# --- stored events of earlier shapes (upcasting: `class_version` and `upcast_v1_v2`) ---------


def _submitted_v1_v2(state: dict[str, Any]) -> None:
    """v1 had no deciding authority, no counting start and no escalation reason; its cited
    awards were, by the meaning of the time, the grounds of the proposal."""
    state["deciding_authority"] = None
    state["counted_from"] = state["received_on"]
    state["escalation_reason"] = None
    for nominee in state.get("nominees") or []:
        for cited in nominee.get("cited_awards") or []:
            cited.setdefault("as_basis", True)


def _supplemented_v1_v2(state: dict[str, Any]) -> None:
    state["counted_from"] = state["supplemented_on"]


def _appraised_v1_v2(state: dict[str, Any]) -> None:
    state["notes"] = []


def _vote_v1_v2(state: dict[str, Any]) -> None:
    state["reason"] = None


def _versioned(event_cls: Any, *upcasters: Any) -> None:
    """Give an event class generated by `@event` its version and upcasters (v1→v2, …)."""
    event_cls.class_version = len(upcasters) + 1
    for n, upcast in enumerate(upcasters, start=1):
        setattr(event_cls, f"upcast_v{n}_v{n + 1}", staticmethod(upcast))


_versioned(Dossier.Submitted, _submitted_v1_v2)
_versioned(Dossier.Supplemented, _supplemented_v1_v2)
_versioned(Dossier.NomineeAppraised, _appraised_v1_v2)
_versioned(Dossier.CouncilVoteRecorded, _vote_v1_v2)
register_moved("services.dossiers.domain", Dossier)  # the module's name until the domain/ package
