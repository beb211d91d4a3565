"""The `Dossier` aggregate: an award proposal from receipt to decision, result and annulment.

Each public method is a command: it checks the state and the input first (raising
`DossierError` or `DossierValidationError` before anything happens), then triggers one or more
past-tense events through a private `@event` method whose body only assigns state, because
that body runs again on every replay. Every event records the actor, an explicit time `at`
(never read from a clock here) and, where a person decided, a reason. Rules come in as a
`RuleSet` (the one whose id the dossier stored on receipt) and dates as a `WorkingCalendar`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate, event

from services.dossiers.appraisal import NomineeFinding, appraise_nominee, cash_reward, quota_breach, vote_passes
from services.dossiers.campaign_view import CampaignCheck, CampaignVerdict
from services.dossiers.errors import DossierError, DossierValidationError
from services.dossiers.model import (
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
    CouncilVote,
    Decision,
    Disclosure,
    DossierKind,
    DossierStatus,
    FieldReader,
    Nominee,
    Procedure,
    label,
    parse_attachment,
    parse_nominee,
)
from services.dossiers.numbering import format_decision_number
from services.dossiers.rules import RuleSet
from shared.actor import Actor
from shared.workdays import WorkingCalendar, local_date

S = DossierStatus
OPEN_STATUSES = frozenset({S.RECEIVED, S.AWAITING_SUPPLEMENT, S.AWAITING_CAMPAIGN, S.IN_APPRAISAL})
CLOCK_RUNNING = frozenset({S.RECEIVED, S.AWAITING_CAMPAIGN, S.IN_APPRAISAL})
"""The deadline clock runs while the administration holds the dossier; it stops while the
proposing unit supplements, and ends once a decision, refusal or withdrawal closes the matter."""


def check_at(at: Any, *, not_before: datetime | None = None) -> None:
    """`at` must be an aware datetime, and not earlier than the previous step."""
    if not isinstance(at, datetime) or at.tzinfo is None:
        raise DossierValidationError({"at": "Thời điểm phải là ngày giờ có múi giờ."})
    if not_before is not None and at < not_before:
        raise DossierValidationError({"at": "Thời điểm không được trước bước xử lý trước đó."})


def _raise_if(errors: dict[str, str]) -> None:
    if errors:
        raise DossierValidationError(errors)


def _texts(values: Any, key: str, errors: dict[str, str]) -> list[str]:
    """A non-empty list of non-empty strings (reasons, missing items, artefacts)."""
    if isinstance(values, str) or not isinstance(values, Sequence) or not values:
        errors[key] = "Phải nêu ít nhất một nội dung."
        return []
    cleaned = [v.strip() for v in values if isinstance(v, str) and v.strip()]
    if len(cleaned) != len(values):
        errors[key] = "Mỗi nội dung phải là chuỗi ký tự không rỗng."
    return cleaned


def _reason(reason: str | None, errors: dict[str, str], *, required: bool = True) -> str | None:
    if reason is None or not str(reason).strip():
        if required:
            errors["reason"] = "Phải nêu lý do."
        return None
    return str(reason).strip()


class Dossier(Aggregate):
    """Hồ sơ đề nghị khen thưởng (award proposal dossier)."""

    # --- receipt -------------------------------------------------------------------------

    @classmethod
    def submit(
        cls,
        *,
        rules: RuleSet,
        calendar: WorkingCalendar,
        receipt_number: str,
        channel: Channel | str,
        proposing_unit: str,
        award_type: AwardType | str,
        kind: DossierKind | str,
        nominees: Sequence[Nominee | Mapping[str, Any]],
        attachments: Sequence[Attachment | Mapping[str, Any]],
        achievements: str,
        actor: Actor,
        at: datetime,
        campaign_id: str | None = None,
        feat_date: date | None = None,
        postmark_date: date | None = None,
        emulation_year: int | None = None,
        dossier_id: UUID | None = None,
    ) -> Dossier:
        """Receive a dossier: validate it against `rules` (in force on the receipt date), date
        the appointment and flag a late ad-hoc proposal."""
        check_at(at)
        received_on = local_date(at)
        if not rules.in_force_on(received_on):
            raise ValueError(f"rule set {rules.id} is not in force on {received_on}")
        errors: dict[str, str] = {}
        r = FieldReader(
            {
                "channel": channel,
                "proposing_unit": proposing_unit,
                "award_type": award_type,
                "kind": kind,
                "achievements": achievements,
                "campaign_id": campaign_id,
                "feat_date": feat_date,
                "postmark_date": postmark_date,
                "emulation_year": emulation_year,
            },
            "",
            errors,
        )
        channel_, unit, type_, kind_ = (
            r.choice("channel", Channel),
            r.text("proposing_unit"),
            r.choice("award_type", AwardType),
            r.choice("kind", DossierKind),
        )
        achievements_ = r.text("achievements")
        campaign = r.text("campaign_id", required=False) or None
        feat = r.day("feat_date", required=type_ is AwardType.AD_HOC)
        postmark = r.day("postmark_date", required=channel_ is Channel.POST)
        year = r.integer("emulation_year", required=False, minimum=1945)
        if feat and feat > received_on:
            r.fail("feat_date", "Ngày lập thành tích không được sau ngày tiếp nhận.")
        if postmark and postmark > received_on:
            r.fail("postmark_date", "Ngày dấu bưu điện không được sau ngày tiếp nhận.")
        kind_rule = rules.dossier_kinds.get(kind_) if kind_ else None
        if kind_ and kind_rule is None:
            r.fail("kind", f"Loại hồ sơ này không áp dụng theo bộ quy tắc {rules.id}.")
        if kind_rule and type_ and type_ not in kind_rule.award_types:
            r.fail("award_type", "Loại hình khen thưởng không phù hợp với loại hồ sơ.")
        if kind_rule and kind_rule.requires_campaign and not campaign:
            r.fail("campaign_id", "Hồ sơ khen thưởng chuyên đề phải nêu phong trào thi đua.")

        raw_nominees = list(nominees) if isinstance(nominees, Sequence) and not isinstance(nominees, str) else []
        if not raw_nominees:
            errors["nominees"] = "Phải có ít nhất một cá nhân, tập thể hoặc hộ gia đình được đề nghị."
        parsed: list[Nominee] = []
        for i, raw in enumerate(raw_nominees):
            path = f"nominees[{i}]"
            nominee = parse_nominee(raw, path, f"n{i + 1}", errors)
            if nominee is None:
                continue
            if kind_rule and nominee.award not in kind_rule.awards:
                errors[f"{path}.award"] = f"'{label(nominee.award)}' không xét trong loại hồ sơ này ({rules.id})."
            elif kind_rule and nominee.kind not in rules.award(nominee.award).nominee_kinds:
                errors[f"{path}.kind"] = f"'{label(nominee.award)}' không xét tặng cho đối tượng này."
            parsed.append(nominee)
        files = [parse_attachment(a, f"attachments[{i}]", errors) for i, a in enumerate(attachments or [])]
        _raise_if(errors)
        assert channel_ and type_ and kind_ and kind_rule  # guaranteed when there are no errors

        days_after_feat = None
        late = False
        if feat is not None:
            # A posted proposal was made when posted, not when it arrived.
            proposed_on = postmark or received_on
            days_after_feat = (proposed_on - feat).days
            late = days_after_feat > rules.ad_hoc.late_after_days
        appointment = calendar.add_working_days(received_on, rules.working_days(kind_rule.procedure))
        return cls(
            id=dossier_id or uuid4(),
            receipt_number=receipt_number,
            channel=channel_.value,
            proposing_unit=unit,
            award_type=type_.value,
            kind=kind_.value,
            procedure=kind_rule.procedure.value,
            campaign_id=campaign,
            emulation_year=year,
            achievements=achievements_,
            nominees=[n.as_dict() for n in parsed],
            attachments=[a.as_dict() for a in files if a],
            feat_date=feat,
            postmark_date=postmark,
            received_on=received_on,
            appointment_date=appointment,
            rule_set_id=rules.id,
            late_proposal=late,
            days_after_feat=days_after_feat,
            actor=actor,
            at=at,
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
        appointment_date: date,
        rule_set_id: str,
        late_proposal: bool,
        days_after_feat: int | None,
        actor: Actor,
        at: datetime,
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
        required = list(rules.dossier_kinds[self.kind].required_attachments)
        for n in self.nominees:
            required += rules.award(n.award).required_attachments
        present = {a.kind for a in self.attachments}
        return list(dict.fromkeys(k for k in required if k not in present))

    # --- guards --------------------------------------------------------------------------

    def _require(self, action: str, *allowed: DossierStatus) -> None:
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
        self._require("yêu cầu bổ sung hồ sơ", S.RECEIVED, S.AWAITING_CAMPAIGN)
        self._check_at(at)
        errors: dict[str, str] = {}
        items = _texts(missing, "missing", errors)
        _raise_if(errors)
        self._supplement_requested(missing=items, actor=actor, at=at, reason=_reason(reason, {}, required=False))

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
        attachments: Sequence[Attachment | Mapping[str, Any]],
        actor: Actor,
        at: datetime,
        note: str | None = None,
    ) -> None:
        """Add the requested documents; the clock restarts from zero.

        The deadlines count "from a complete dossier" (domain.md rule 22), so the new
        appointment is the supplement date plus the procedure's full working days, not the
        days that were left when the clock stopped.
        """
        self._require("bổ sung hồ sơ", S.AWAITING_SUPPLEMENT)
        self._check_rules(rules)
        self._check_at(at)
        errors: dict[str, str] = {}
        if not attachments:
            errors["attachments"] = "Phải có ít nhất một tài liệu bổ sung."
        files = [parse_attachment(a, f"attachments[{i}]", errors) for i, a in enumerate(attachments or [])]
        _raise_if(errors)
        day = local_date(at)
        self._supplemented(
            attachments=[a.as_dict() for a in files if a],
            supplemented_on=day,
            appointment_date=calendar.add_working_days(day, rules.working_days(self.procedure)),
            actor=actor,
            at=at,
            note=note,
        )

    @event("Supplemented")
    def _supplemented(
        self,
        attachments: list[dict[str, Any]],
        supplemented_on: date,
        appointment_date: date,
        actor: Actor,
        at: datetime,
        note: str | None,
    ) -> None:
        self.attachments = self.attachments + tuple(Attachment.from_dict(a) for a in attachments)
        self.appointment_date = appointment_date
        self.missing = ()
        self.status = S.RECEIVED
        self.last_at = at

    def refuse(self, *, reasons: Sequence[str], actor: Actor, at: datetime) -> None:
        """Refuse to handle the dossier (refusal slip); the matter is closed."""
        self._require("từ chối giải quyết hồ sơ", S.RECEIVED, S.AWAITING_SUPPLEMENT, S.AWAITING_CAMPAIGN)
        self._check_at(at)
        errors: dict[str, str] = {}
        items = _texts(reasons, "reasons", errors)
        _raise_if(errors)
        self._refused(reasons=items, actor=actor, at=at)

    @event("Refused")
    def _refused(self, reasons: list[str], actor: Actor, at: datetime) -> None:
        self.status = S.REFUSED
        self.refusal_reasons = tuple(reasons)
        self.last_at = at

    def accept_as_complete(self, *, rules: RuleSet, campaign: CampaignCheck | None, actor: Actor, at: datetime) -> None:
        """Accept the dossier for appraisal: every required attachment is there and, for a
        thematic award, the campaign is known to be eligible."""
        self._require("tiếp nhận hồ sơ đầy đủ", S.RECEIVED, S.AWAITING_CAMPAIGN)
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
        self._require("chờ thông tin phong trào thi đua", S.RECEIVED)
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
        self._require("kiểm tra tính đầy đủ của hồ sơ", S.RECEIVED, S.AWAITING_CAMPAIGN)
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
        self._require("ghi nhận ý kiến hiệp y", S.IN_APPRAISAL)
        self._check_at(at)
        errors: dict[str, str] = {}
        r = FieldReader({"department": department, "opinion": opinion}, "", errors)
        department_, opinion_ = r.text("department"), r.text("opinion", required=not agrees)
        if not isinstance(agrees, bool):
            errors["agrees"] = "Phải là đúng/sai (true/false)."
        ids = self._check_nominee_ids(list(nominee_ids), "nominee_ids", errors)
        _raise_if(errors)
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
        self._require("công khai", S.IN_APPRAISAL, S.AWARDED, S.RESULT_RETURNED)
        self._check_at(at)
        errors: dict[str, str] = {}
        r = FieldReader({"where": where, "from_date": from_date, "to_date": to_date}, "", errors)
        where_, start, end = r.text("where"), r.day("from_date"), r.day("to_date")
        if start and end and end < start:
            errors["to_date"] = "Ngày kết thúc không được trước ngày bắt đầu."
        ids = self._check_nominee_ids(list(nominee_ids), "nominee_ids", errors)
        _raise_if(errors)
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
        any objection fails the nominee. Appraising again replaces the finding (history keeps both).
        """
        self._require("thẩm định", S.IN_APPRAISAL)
        self._check_rules(rules)
        self._check_at(at)
        errors: dict[str, str] = {}
        ids = self._check_nominee_ids(list(nominee_ids or self.nominee_ids), "nominee_ids", errors)
        objections = dict(objections or {})
        self._check_nominee_ids(list(objections), "objections", errors)
        _raise_if(errors)
        departments = rules.dossier_kinds[self.kind].concurrence_departments
        findings = [
            appraise_nominee(
                self.nominee(i),
                rules,
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
                reason=_reason(reason, {}, required=False),
            )
        return findings

    @event("NomineeAppraised")
    def _nominee_appraised(
        self, nominee_id: str, passed: bool, failures: list[str], actor: Actor, at: datetime, reason: str | None
    ) -> None:
        self.appraisals = {**self.appraisals, nominee_id: Appraisal(nominee_id, passed, tuple(failures))}
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
    ) -> CouncilVote:
        """Record the council's ballot on a nominee whose award needs one; it passes only when
        the votes for reach the rule set's share of the whole membership (absent members vote
        in writing and are counted among the votes for or against)."""
        self._require("ghi nhận kết quả bỏ phiếu", S.IN_APPRAISAL)
        self._check_rules(rules)
        self._check_at(at)
        errors: dict[str, str] = {}
        self._check_nominee_ids([nominee_id], "nominee_id", errors)
        _raise_if(errors)
        vote_rule = rules.award(self.nominee(nominee_id).award).council_vote
        if vote_rule is None:
            award = label(self.nominee(nominee_id).award)
            raise DossierError(
                "vote_not_required", f"'{award}' không yêu cầu Hội đồng bỏ phiếu theo bộ quy tắc {rules.id}."
            )
        r = FieldReader(
            {
                "members_total": members_total,
                "votes_for": votes_for,
                "votes_against": votes_against,
                "absent_in_writing": absent_in_writing,
                "meeting_date": meeting_date,
            },
            "",
            errors,
        )
        total, yes, no = r.integer("members_total", minimum=1), r.integer("votes_for"), r.integer("votes_against")
        absent = r.integer("absent_in_writing")
        meeting = r.day("meeting_date", required=False)
        if total is not None and yes is not None and no is not None and yes + no > total:
            errors["votes_for"] = "Tổng số phiếu đồng ý và không đồng ý vượt quá tổng số thành viên Hội đồng."
        if absent is not None and yes is not None and no is not None and absent > yes + no:
            errors["absent_in_writing"] = "Số thành viên vắng mặt bỏ phiếu bằng văn bản vượt quá số phiếu đã bỏ."
        _raise_if(errors)
        assert total is not None and yes is not None and no is not None and absent is not None
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
    ) -> None:
        vote = CouncilVote(
            nominee_id,
            members_total,
            votes_for,
            votes_against,
            absent_in_writing,
            threshold_percent,
            passed,
            meeting_date,
        )
        self.votes = {**self.votes, nominee_id: vote}
        self.last_at = at

    # --- decision ------------------------------------------------------------------------

    def _decision_inputs(
        self,
        rules: RuleSet,
        authority: str,
        authority_level: AuthorityLevel | str,
        decision_date: date | None,
        at: datetime,
    ) -> tuple[str, AuthorityLevel, date]:
        errors: dict[str, str] = {}
        r = FieldReader(
            {"authority": authority, "authority_level": authority_level, "decision_date": decision_date}, "", errors
        )
        authority_, level = r.text("authority"), r.choice("authority_level", AuthorityLevel)
        day = r.day("decision_date", required=False) or local_date(at)
        if level and level not in rules.authority_levels:
            errors["authority_level"] = f"Cấp này không có thẩm quyền khen thưởng theo bộ quy tắc {rules.id}."
        if day > local_date(at) or day < self.received_on:
            errors["decision_date"] = "Ngày quyết định phải từ ngày tiếp nhận đến ngày ghi nhận."
        _raise_if(errors)
        assert level is not None
        return authority_, level, day

    def _blockers(self, nominee_id: str, rules: RuleSet, level: AuthorityLevel) -> list[str]:
        """Why this nominee may not be approved by an authority of `level`; empty when it may."""
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
        if level not in award.deciding_levels:
            blockers.append(f"'{label(nominee.award)}' không thuộc thẩm quyền của cấp {level.value}")
        if rules.public_disclosure.required_before_decision and not any(d.covers(nominee_id) for d in self.disclosures):
            blockers.append("chưa công khai danh sách đề nghị khen thưởng")
        return blockers

    def decide_award(
        self,
        *,
        rules: RuleSet,
        base_salary_vnd: int,
        number: int,
        approve: Sequence[str],
        authority: str,
        authority_level: AuthorityLevel | str,
        actor: Actor,
        at: datetime,
        reject: Mapping[str, Sequence[str] | str] | None = None,
        decision_date: date | None = None,
        reason: str | None = None,
    ) -> Decision:
        """Award the `approve` nominees under decision `number` (taken from the authority's
        sequence); the others are rejected with reasons.

        Only nominees who passed appraisal (and the council vote where the award needs one) may
        be approved, by an authority of a level the rule set empowers. A nominee neither approved
        nor rejected is rejected automatically when it failed appraisal or vote (with those
        reasons); otherwise the decision must say why it is rejected.
        """
        self._require("quyết định khen thưởng", S.IN_APPRAISAL)
        self._check_rules(rules)
        self._check_at(at)
        authority_, level, day = self._decision_inputs(rules, authority, authority_level, decision_date, at)
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
        _raise_if(errors)

        refusals = [f"{i}: " + "; ".join(b) for i in approved if (b := self._blockers(i, rules, level))]
        if refusals:
            raise DossierError("not_approvable", "Không thể khen thưởng — " + " | ".join(refusals) + ".")
        awards = [self.nominee(i).award for i in approved]
        for award_name in dict.fromkeys(awards):
            quota = rules.award(award_name).quota
            if quota and (breach := quota_breach(award_name, quota, awards)):
                errors["approve"] = breach
        rejections: dict[str, list[str]] = {}
        for i, why in reject.items():
            reasons = [why] if isinstance(why, str) else list(why)
            reasons = [x.strip() for x in reasons if x and x.strip()]
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
        _raise_if(errors)

        approvals = []
        for i in approved:
            nominee = self.nominee(i)
            multiplier = rules.award(nominee.award).reward_multipliers.get(nominee.kind)
            approvals.append(
                Approval(
                    i,
                    nominee.award,
                    str(multiplier) if multiplier is not None else None,
                    base_salary_vnd,
                    cash_reward(multiplier, base_salary_vnd, rules.reward_rounding_vnd),
                ).as_dict()
            )
        self._award_decided(
            decision_number=format_decision_number(number, rules.authority_levels[level].number_suffix),
            decision_date=day,
            authority=authority_,
            authority_level=level.value,
            approvals=approvals,
            rejections=rejections,
            actor=actor,
            at=at,
            reason=_reason(reason, {}, required=False),
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
        reasons: Sequence[str],
        authority: str,
        authority_level: AuthorityLevel | str,
        actor: Actor,
        at: datetime,
        decision_date: date | None = None,
    ) -> Decision:
        """The authority awards no one; the proposing unit is notified in writing (rule 26)."""
        self._require("quyết định không khen thưởng", S.IN_APPRAISAL)
        self._check_rules(rules)
        self._check_at(at)
        authority_, level, day = self._decision_inputs(rules, authority, authority_level, decision_date, at)
        errors: dict[str, str] = {}
        items = _texts(reasons, "reasons", errors)
        _raise_if(errors)
        self._award_rejected(
            decision_date=day,
            authority=authority_,
            authority_level=level.value,
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
        self._require("trả kết quả", S.AWARDED, S.REJECTED)
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
        self._require("gia hạn ngày hẹn trả kết quả", *CLOCK_RUNNING)
        self._check_at(at)
        errors: dict[str, str] = {}
        reason_ = _reason(reason, errors)
        day = FieldReader({"new_date": new_date}, "", errors).day("new_date")
        if day is not None:
            if self.appointment_date is not None and day <= self.appointment_date:
                errors["new_date"] = "Ngày hẹn mới phải sau ngày hẹn hiện tại."
            elif day < local_date(at):
                errors["new_date"] = "Ngày hẹn mới không được trong quá khứ."
            elif not calendar.is_working_day(day):
                errors["new_date"] = "Ngày hẹn mới phải là ngày làm việc."
        _raise_if(errors)
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
        self._require("rút hồ sơ", *OPEN_STATUSES)
        self._check_at(at)
        errors: dict[str, str] = {}
        reason_ = _reason(reason, errors)
        _raise_if(errors)
        self._withdrawn(actor=actor, at=at, reason=reason_)

    @event("Withdrawn")
    def _withdrawn(self, actor: Actor, at: datetime, reason: str) -> None:
        self.status = S.WITHDRAWN
        self.closing_reason = reason
        self.last_at = at

    # --- annulment and recovery (Law Art. 93, domain rule 28) ----------------------------

    def annul_award(
        self,
        *,
        rules: RuleSet,
        number: int,
        ground: AnnulmentGround | str,
        act_reference: str,
        authority: str,
        actor: Actor,
        at: datetime,
        reason: str,
        nominee_ids: Sequence[str] | None = None,
    ) -> Annulment:
        """Annul the award of some or all awardees by a decision numbered from the same
        authority's sequence. Only the authority that decided may annul; the original
        `AwardDecided` stays in the history."""
        self._require("hủy bỏ quyết định khen thưởng", S.AWARDED, S.RESULT_RETURNED)
        self._check_rules(rules)
        self._check_at(at)
        assert self.decision is not None
        errors: dict[str, str] = {}
        r = FieldReader({"ground": ground, "act_reference": act_reference, "authority": authority}, "", errors)
        ground_, reference, authority_ = (
            r.choice("ground", AnnulmentGround),
            r.text("act_reference"),
            r.text("authority"),
        )
        reason_ = _reason(reason, errors)
        remaining = [i for i in self.approved_ids if i not in self.annulled_ids]
        ids = list(dict.fromkeys(nominee_ids)) if nominee_ids is not None else remaining
        if not ids:
            errors["nominee_ids"] = "Không còn đối tượng nào để hủy bỏ khen thưởng."
        elif bad := [i for i in ids if i not in remaining]:
            errors["nominee_ids"] = "Không được khen thưởng hoặc đã bị hủy bỏ: " + ", ".join(bad) + "."
        _raise_if(errors)
        if authority_ != self.decision.authority:
            raise DossierError(
                "not_deciding_authority",
                f"Chỉ người có thẩm quyền đã quyết định khen thưởng ({self.decision.authority}) "
                "mới được hủy bỏ quyết định.",
            )
        assert ground_ is not None
        suffix = rules.authority_levels[self.decision.authority_level].number_suffix
        self._award_annulled(
            nominee_ids=ids,
            ground=ground_.value,
            act_reference=reference,
            decision_number=format_decision_number(number, suffix),
            authority=authority_,
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
        artefacts = [a.strip() for a in artefacts_returned if isinstance(a, str) and a.strip()]
        amount = FieldReader({"amount_recovered_vnd": amount_recovered_vnd}, "", errors).integer("amount_recovered_vnd")
        assert self.decision is not None
        paid = sum(a.cash_reward_vnd or 0 for a in self.decision.approvals if a.nominee_id in ids)
        if amount is not None and not errors and amount > paid:
            errors["amount_recovered_vnd"] = f"Số tiền thu hồi vượt số tiền thưởng đã chi ({paid:,} đồng)."
        _raise_if(errors)
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


# --- a JSON-friendly view ------------------------------------------------------------------


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
        "appointment_date": dossier.appointment_date,
        "deadline_extensions": dossier.deadline_extensions,
        "missing": list(dossier.missing),
        "refusal_reasons": list(dossier.refusal_reasons),
        "appraisals": {k: {"passed": a.passed, "failures": list(a.failures)} for k, a in dossier.appraisals.items()},
        "votes": {
            k: {
                "members_total": v.members_total,
                "votes_for": v.votes_for,
                "votes_against": v.votes_against,
                "absent_in_writing": v.absent_in_writing,
                "threshold_percent": v.threshold_percent,
                "passed": v.passed,
                "meeting_date": v.meeting_date,
            }
            for k, v in dossier.votes.items()
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
    if on is not None:
        state["overdue"] = dossier.is_overdue(on)
    return to_json_types(state)
