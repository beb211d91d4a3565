"""The `Campaign` aggregate: an emulation movement (phong trào thi đua) from draft to closing.

Why it is shaped this way:
- Each public intention method (`register`, `launch`, …) takes typed values (parsed at the edge,
  `services.campaigns.http`), runs its `_check_*` state guards and the business rules
  (`guards.py`, `content_form`, `timeline_problems`), then calls a private `@event("PastTense")`
  method named after its event (`_registered` for `Registered`) whose body only applies state.
  The body also runs on replay, so rules never re-run against history: a stricter rule tomorrow must
  not stop yesterday's events from loading.
- Event attributes are JSON primitives (str, int, list, dict) plus top-level `date` and `Actor`,
  which `TdktApplication` transcodes. Nested value objects travel as dicts with ISO dates and the
  aggregate keeps them as dicts too (snapshots stay transcodable); typed accessors rebuild them.
- Event bodies copy what they keep: the library holds a reference to the event's own dicts, so
  changing state in place would silently rewrite an event that is not yet saved.
- Time is passed in: every event carries `at`, when it was recorded (as the dossiers' events do),
  and the date the law counts as a field of its own (`registered_on`, `launched_on`, …); nothing
  here reads the clock. Events stored before `at` existed are upcast (end of this module).
- The id is derived from the campaign code (`campaign_id_for`), so a code is unique in the store.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, Required, TypedDict, Unpack
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from services.campaigns.domain.errors import CampaignError, CampaignValidationError
from services.campaigns.domain.guards import (
    blank,
    not_before,
    not_negative,
    raise_if,
    required_code,
    required_text,
    whole_count,
)
from shared.actor import Actor
from shared.topics import register_moved
from shared.workdays import WorkingCalendar

DEFAULT_REVIEW_DUE_DAYS = 20
"""Working days after the end date within which the final review is due, unless configured
otherwise. No text gives the period; 20 working days is about the 30 calendar days used before."""


@functools.cache
def default_calendar() -> WorkingCalendar:
    return WorkingCalendar.from_file()


_ID_NAMESPACE = uuid5(NAMESPACE_URL, "urn:tdkt:campaign")


class MovementKind(StrEnum):
    """Kinds of movement (glossary: thường xuyên / theo đợt / theo chuyên đề)."""

    REGULAR = "regular"
    PERIODIC = "periodic"
    THEMATIC = "thematic"


class CampaignStatus(StrEnum):
    DRAFT = "draft"
    REGISTRATION_RETURNED = "registration_returned"
    REGISTERED = "registered"
    LAUNCHED = "launched"
    FINAL_REVIEWED = "final_reviewed"
    CLOSED = "closed"
    CANCELLED = "cancelled"


KIND_LABELS = {
    MovementKind.REGULAR: "thường xuyên",
    MovementKind.PERIODIC: "theo đợt",
    MovementKind.THEMATIC: "theo chuyên đề",
}
STATUS_LABELS = {
    CampaignStatus.DRAFT: "dự thảo",
    CampaignStatus.REGISTRATION_RETURNED: "bị trả lại hồ sơ đăng ký",
    CampaignStatus.REGISTERED: "đã đăng ký",
    CampaignStatus.LAUNCHED: "đã phát động",
    CampaignStatus.FINAL_REVIEWED: "đã tổng kết",
    CampaignStatus.CLOSED: "đã kết thúc",
    CampaignStatus.CANCELLED: "đã hủy",
}
AMENDABLE_FIELDS = (
    "name",
    "lead_unit_id",
    "kind",
    "launching_level",
    "purpose",
    "requirements",
    "content",
    "targets",
    "start_date",
    "end_date",
    "stages",
    "directive",
    "plan",
)
_DATE_FIELDS = ("start_date", "end_date")
_BEFORE_LAUNCH = (CampaignStatus.DRAFT, CampaignStatus.REGISTRATION_RETURNED, CampaignStatus.REGISTERED)


def campaign_id_for(code: str) -> UUID:
    """The campaign's id, derived from its code so that two campaigns cannot share one code."""
    return uuid5(_ID_NAMESPACE, code.strip().upper())


def _stored_as(field: str) -> str:
    """Attribute holding a content field: nested data and the kind sit behind typed accessors."""
    return f"_{field}" if field in ("kind", "targets", "stages", "directive", "plan") else field


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _from_iso(value: str | date | None) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


def _vn(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value is not None else "?"


# --------------------------------------------------------------------------- value objects


def _decimal_text(value: Decimal | None) -> str | None:
    """A figure as events store it (a string keeps every digit)."""
    return None if value is None else str(value)


def _stored_decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


@dataclass(frozen=True)
class Target:
    """A measurable target (chỉ tiêu): indicator, target value and unit of measure."""

    indicator: str
    target_value: Decimal | None = None
    unit_of_measure: str = ""

    def as_dict(self) -> dict[str, Any]:
        value = _decimal_text(self.target_value)
        return {"indicator": self.indicator, "target_value": value, "unit_of_measure": self.unit_of_measure}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Target:
        value = _stored_decimal(data.get("target_value"))
        return cls(indicator=data["indicator"], target_value=value, unit_of_measure=data.get("unit_of_measure", ""))


@dataclass(frozen=True)
class Stage:
    """A stage (đợt, giai đoạn) of a movement; interim reviews are filed per stage."""

    number: int
    name: str
    start_date: date | None = None
    end_date: date | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "name": self.name,
            "start_date": _iso(self.start_date),
            "end_date": _iso(self.end_date),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Stage:
        return cls(
            number=int(data["number"]),
            name=data["name"],
            start_date=_from_iso(data.get("start_date")),
            end_date=_from_iso(data.get("end_date")),
        )


@dataclass(frozen=True)
class DocumentReference:
    """A reference to a document held elsewhere: directive, plan or review report."""

    number: str
    issued_on: date | None = None
    signer: str = ""
    reference: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "issued_on": _iso(self.issued_on),
            "signer": self.signer,
            "reference": self.reference,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DocumentReference:
        return cls(
            number=data["number"],
            issued_on=_from_iso(data.get("issued_on")),
            signer=data.get("signer", ""),
            reference=data.get("reference", ""),
        )


@dataclass(frozen=True)
class ReviewResult:
    """What was achieved against one target, named by its indicator."""

    indicator: str
    achieved_value: Decimal | None = None
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"indicator": self.indicator, "achieved_value": _decimal_text(self.achieved_value), "note": self.note}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ReviewResult:
        value = _stored_decimal(data.get("achieved_value"))
        return cls(indicator=data["indicator"], achieved_value=value, note=data.get("note", ""))


@dataclass(frozen=True)
class Review:
    """An interim (sơ kết, optionally for a stage) or final (tổng kết) review by the lead unit."""

    filed_on: date
    report: DocumentReference
    summary: str
    results: tuple[ReviewResult, ...] = ()
    proposed_collectives: int = 0
    proposed_individuals: int = 0
    stage: int | None = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Review:
        return cls(
            filed_on=_from_iso(data["filed_on"]),  # type: ignore[arg-type]
            report=DocumentReference.from_dict(data["report"]),
            summary=data["summary"],
            results=tuple(ReviewResult.from_dict(r) for r in data.get("results", [])),
            proposed_collectives=int(data.get("proposed_collectives", 0)),
            proposed_individuals=int(data.get("proposed_individuals", 0)),
            stage=data.get("stage"),
        )


@dataclass(frozen=True)
class Registration:
    """The secretariat's registration of the movement (đăng ký)."""

    number: str
    registered_on: date


@dataclass(frozen=True)
class RegistrationReturn:
    """A registration request sent back to the lead unit, with the reasons."""

    reasons: tuple[str, ...]
    returned_on: date


@dataclass(frozen=True)
class Cancellation:
    reason: str
    cancelled_on: date


# --------------------------------------------------------------------------- content and its rules


class CampaignDetails(TypedDict, total=False):
    """The content fields a draft may leave out (typed values, parsed at the edge)."""

    purpose: str
    requirements: str
    content: str
    targets: Sequence[Target]
    start_date: date | None
    end_date: date | None
    stages: Sequence[Stage]
    directive: DocumentReference | None
    plan: DocumentReference | None


class CampaignContent(CampaignDetails, total=False):
    """Every content field an amendment may change (`AMENDABLE_FIELDS`)."""

    name: str
    lead_unit_id: str
    kind: MovementKind
    launching_level: str


class CampaignDraft(CampaignDetails, total=False):
    """What `Campaign.draft` takes besides who and when (`Campaigns.draft` passes it on)."""

    code: Required[str]
    name: Required[str]
    lead_unit_id: Required[str]
    kind: Required[MovementKind]
    launching_level: Required[str]


class ReviewReport(TypedDict, total=False):
    """A review report's fields besides its date (interim, final or corrected)."""

    report: Required[DocumentReference]
    summary: Required[str]
    results: Sequence[ReviewResult]
    proposed_collectives: int
    proposed_individuals: int


_DETAIL_DEFAULTS: CampaignDetails = {
    "purpose": "",
    "requirements": "",
    "content": "",
    "targets": (),
    "start_date": None,
    "end_date": None,
    "stages": (),
    "directive": None,
    "plan": None,
}


def _document_form(
    errors: dict[str, str], key: str, document: DocumentReference | None, label: str, *, require_signer: bool
) -> dict[str, Any] | None:
    """A document reference as events store it; its number and date are required, and the signer
    of a directive."""
    if document is None:
        return None
    what = label.lower()
    required_text(errors, f"{key}.number", document.number, f"Số hiệu {what}")
    if document.issued_on is None:
        errors.setdefault(f"{key}.issued_on", blank(f"Ngày ban hành {what}"))
    if require_signer:
        required_text(errors, f"{key}.signer", document.signer, f"Người ký {what}")
    return document.as_dict()


def _targets_form(errors: dict[str, str], targets: Sequence[Target]) -> list[dict[str, Any]]:
    """Targets as events store them: each named once, none negative."""
    seen: set[str] = set()
    for i, target in enumerate(targets):
        key = f"targets[{i}]"
        indicator = required_text(errors, f"{key}.indicator", target.indicator, "Tên chỉ tiêu")
        if indicator and indicator.casefold() in seen:
            errors.setdefault(f"{key}.indicator", f"Chỉ tiêu «{indicator}» bị trùng.")
        seen.add(indicator.casefold())
        not_negative(errors, f"{key}.target_value", target.target_value, "Giá trị chỉ tiêu")
    return [t.as_dict() for t in targets]


def _stages_form(errors: dict[str, str], stages: Sequence[Stage]) -> list[dict[str, Any]]:
    """Stages as events store them: numbered from 1, each named (their dates: `timeline_problems`)."""
    for i, stage in enumerate(stages):
        if stage.number < 1:
            errors.setdefault(f"stages[{i}].number", "Số thứ tự đợt phải là số nguyên dương.")
        required_text(errors, f"stages[{i}].name", stage.name, "Tên đợt")
    return [s.as_dict() for s in stages]


_CONTENT_RULES: dict[str, Callable[[dict[str, str], Any], Any]] = {
    "name": lambda e, v: required_text(e, "name", v, "Tên phong trào"),
    "lead_unit_id": lambda e, v: required_code(e, "lead_unit_id", v, "Mã đơn vị chủ trì"),
    "kind": lambda e, v: MovementKind(v).value,
    "launching_level": lambda e, v: required_text(e, "launching_level", v, "Cấp phát động").lower(),
    "purpose": lambda e, v: v.strip(),
    "requirements": lambda e, v: v.strip(),
    "content": lambda e, v: v.strip(),
    "targets": _targets_form,
    "start_date": lambda e, v: v,
    "end_date": lambda e, v: v,
    "stages": _stages_form,
    "directive": lambda e, v: _document_form(e, "directive", v, "Văn bản chỉ đạo", require_signer=True),
    "plan": lambda e, v: _document_form(e, "plan", v, "Kế hoạch", require_signer=False),
}
"""Each content field's rules, and its event form (texts stripped, codes upper-case, value
objects as dicts)."""


def content_form(errors: dict[str, str], content: CampaignContent) -> dict[str, Any]:
    """The given content fields checked against their rules (a message per broken rule goes into
    `errors`) and in event form. The edge calls it too, on the fields of a form that parsed, to
    report every problem at once."""
    return {field: _CONTENT_RULES[field](errors, value) for field, value in content.items()}


def timeline_problems(form: Mapping[str, Any]) -> dict[str, str]:
    """Cross-field rules: the end follows the start; stages are unique and inside the timeline.
    `form`: content in event form (`content_form`)."""
    errors: dict[str, str] = {}
    start, end = form.get("start_date"), form.get("end_date")
    if start and end and end <= start:
        errors.setdefault("end_date", "Ngày kết thúc phải sau ngày bắt đầu.")
    numbers: set[int] = set()
    for i, stage in enumerate(form.get("stages") or []):
        s_start, s_end = _from_iso(stage["start_date"]), _from_iso(stage["end_date"])
        if stage["number"] in numbers:
            errors.setdefault(f"stages[{i}].number", f"Đợt số {stage['number']} bị trùng.")
        numbers.add(stage["number"])
        if s_start and s_end and s_end < s_start:
            errors.setdefault(f"stages[{i}].end_date", "Ngày kết thúc đợt không được trước ngày bắt đầu đợt.")
        if start and s_start and s_start < start:
            errors.setdefault(f"stages[{i}].start_date", "Đợt không được bắt đầu trước ngày bắt đầu phong trào.")
        if end and s_end and s_end > end:
            errors.setdefault(f"stages[{i}].end_date", "Đợt không được kết thúc sau ngày kết thúc phong trào.")
    return errors


def draft_problems(code: str | None, content: CampaignContent) -> dict[str, str]:
    """Every rule a draft with these (typed) fields breaks: what `Campaign.draft` refuses. The
    edge asks too, with the fields of a form that parsed, to report every problem at once."""
    return _draft_form(code, content)[2]


def _draft_form(code: str | None, content: CampaignContent) -> tuple[str, dict[str, Any], dict[str, str]]:
    errors: dict[str, str] = {}
    code = required_code(errors, "code", code, "Mã phong trào") if code is not None else ""
    form = content_form(errors, content)
    for key, message in timeline_problems(form).items():
        errors.setdefault(key, message)
    return code, form, errors


# --------------------------------------------------------------------------- review deadline


def review_due_date(
    end_date: date, review_due_days: int = DEFAULT_REVIEW_DUE_DAYS, calendar: WorkingCalendar | None = None
) -> date:
    """The day by which the final review is due: `review_due_days` WORKING days after the end
    date (weekends, public holidays and Tết skipped, as for every deadline the law counts)."""
    if isinstance(review_due_days, bool) or not isinstance(review_due_days, int) or review_due_days < 0:
        raise ValueError("review_due_days must be a non-negative integer")
    return (calendar or default_calendar()).add_working_days(end_date, review_due_days)


def is_review_overdue(
    campaign: Campaign,
    on: date,
    review_due_days: int = DEFAULT_REVIEW_DUE_DAYS,
    calendar: WorkingCalendar | None = None,
) -> bool:
    """Whether, on `on`, a launched campaign still lacks its final review after the due date."""
    if campaign.status != CampaignStatus.LAUNCHED or campaign.end_date is None:
        return False
    return on > review_due_date(campaign.end_date, review_due_days, calendar)


# --------------------------------------------------------------------------- aggregate


class Campaign(Aggregate):
    """An emulation movement (phong trào thi đua) run by a lead unit.

    Life: draft → (registration returned → amended)* → registered → launched → interim reviews →
    final review → closed; cancelled at any point before closing. Build one with `Campaign.draft`.
    """

    @staticmethod
    def create_id(code: str) -> UUID:
        return campaign_id_for(code)

    # ----------------------------------------------------------------- draft and amend

    @classmethod
    def draft(
        cls,
        *,
        code: str,
        name: str,
        lead_unit_id: str,
        kind: MovementKind,
        launching_level: str,
        actor: Actor,
        at: datetime,
        **details: Unpack[CampaignDetails],
    ) -> Campaign:
        """Drafts a new campaign; raises `CampaignValidationError` listing every rule it breaks."""
        content: CampaignContent = {
            "name": name,
            "lead_unit_id": lead_unit_id,
            "kind": kind,
            "launching_level": launching_level,
            **_DETAIL_DEFAULTS,
            **details,
        }
        code, form, errors = _draft_form(code, content)
        raise_if(errors)
        return cls(code=code, actor=actor, at=_recorded(at), **form)

    @event("Drafted")
    def __init__(
        self,
        code: str,
        name: str,
        lead_unit_id: str,
        kind: str,
        launching_level: str,
        purpose: str,
        requirements: str,
        content: str,
        targets: list[dict[str, Any]],
        start_date: date | None,
        end_date: date | None,
        stages: list[dict[str, Any]],
        directive: dict[str, Any] | None,
        plan: dict[str, Any] | None,
        actor: Actor,
        at: datetime,
    ) -> None:
        given = dict(locals())  # this event's arguments by name; the content fields are set below
        self.code = code
        self.drafted_by = actor
        self._status = CampaignStatus.DRAFT.value
        self._registration: dict[str, Any] | None = None
        self._registration_returns: list[dict[str, Any]] = []
        self.launched_on: date | None = None
        self._interim_reviews: list[dict[str, Any]] = []
        self._final_review: dict[str, Any] | None = None
        self.closed_on: date | None = None
        self._cancellation: dict[str, Any] | None = None
        self.review_overdue_flagged_on: date | None = None
        self._set_content({field: given[field] for field in AMENDABLE_FIELDS})

    def _set_content(self, fields: Mapping[str, Any]) -> None:
        for field, value in copy.deepcopy(dict(fields)).items():
            setattr(self, _stored_as(field), _from_iso(value) if field in _DATE_FIELDS else value)

    def _current_content(self) -> dict[str, Any]:
        """The content fields as stored (dates as `date`), to merge with and compare to an amendment."""
        return {field: getattr(self, _stored_as(field)) for field in AMENDABLE_FIELDS}

    def amend(self, *, actor: Actor, at: datetime, reason: str = "", **changes: Unpack[CampaignContent]) -> bool:
        """Amends content before launch (fields in `AMENDABLE_FIELDS`); returns False when nothing changed.

        Amending a returned registration puts the campaign back to draft, ready to register again.
        """
        self._check_can_amend()
        errors: dict[str, str] = {}
        for name in changes:
            if name not in AMENDABLE_FIELDS:
                errors[name] = "Trường này không tồn tại hoặc không được sửa (mã phong trào là cố định)."
        raise_if(errors)
        form = content_form(errors, changes)
        current = self._current_content()
        for key, message in timeline_problems({**current, **form}).items():
            errors.setdefault(key, message)
        raise_if(errors)
        delta = {k: v for k, v in form.items() if current.get(k) != v}
        if not delta:
            return False
        event_changes = {k: (_iso(v) if k in _DATE_FIELDS else v) for k, v in delta.items()}
        self._amended(changes=event_changes, reason=reason.strip(), actor=actor, at=_recorded(at))
        return True

    @event("Amended")
    def _amended(self, changes: dict[str, Any], reason: str, actor: Actor, at: datetime) -> None:
        self._set_content(changes)
        if self.status == CampaignStatus.REGISTRATION_RETURNED:
            self._status = CampaignStatus.DRAFT.value

    def attach_documents(
        self,
        *,
        actor: Actor,
        at: datetime,
        directive: DocumentReference | None = None,
        plan: DocumentReference | None = None,
        reason: str = "",
    ) -> None:
        """Records the directive and/or plan references, also after launch (as a new event, not an edit)."""
        self._check_not_finished("bổ sung văn bản")
        errors: dict[str, str] = {}
        if directive is None and plan is None:
            errors["directive"] = "Cần ít nhất văn bản chỉ đạo hoặc kế hoạch."
        form = content_form(errors, {"directive": directive, "plan": plan})
        raise_if(errors)
        self._documents_attached(
            directive=form["directive"], plan=form["plan"], reason=reason.strip(), actor=actor, at=_recorded(at)
        )

    @event("DocumentsAttached")
    def _documents_attached(
        self, directive: dict[str, Any] | None, plan: dict[str, Any] | None, reason: str, actor: Actor, at: datetime
    ) -> None:
        if directive is not None:
            self._directive = copy.deepcopy(directive)
        if plan is not None:
            self._plan = copy.deepcopy(plan)

    # ----------------------------------------------------------------- registration

    def register(self, *, registration_number: str, registered_on: date, actor: Actor, at: datetime) -> None:
        """The secretariat registers the movement (đăng ký) under a registration number."""
        self._check_can_register()
        errors: dict[str, str] = {}
        number = required_text(errors, "registration_number", registration_number, "Số đăng ký")
        raise_if(errors)
        self._registered(registration_number=number, registered_on=registered_on, actor=actor, at=_recorded(at))

    @event("Registered")
    def _registered(self, registration_number: str, registered_on: date, actor: Actor, at: datetime) -> None:
        self._registration = {"number": registration_number, "registered_on": registered_on.isoformat()}
        self._status = CampaignStatus.REGISTERED.value

    def return_registration(self, *, reasons: Sequence[str], returned_on: date, actor: Actor, at: datetime) -> None:
        """The secretariat sends the registration back with its reasons; the lead unit amends and retries."""
        self._check_can_return_registration()
        errors: dict[str, str] = {}
        cleaned = [required_text(errors, f"reasons[{i}]", r, "Lý do trả lại") for i, r in enumerate(reasons)]
        if not cleaned:
            errors["reasons"] = "Cần nêu ít nhất một lý do trả lại."
        raise_if(errors)
        self._registration_returned(reasons=cleaned, returned_on=returned_on, actor=actor, at=_recorded(at))

    @event("RegistrationReturned")
    def _registration_returned(self, reasons: list[str], returned_on: date, actor: Actor, at: datetime) -> None:
        self._registration_returns.append({"reasons": list(reasons), "returned_on": returned_on.isoformat()})
        self._status = CampaignStatus.REGISTRATION_RETURNED.value

    # ----------------------------------------------------------------- launch and reviews

    def launch(self, *, launched_on: date, actor: Actor, at: datetime) -> None:
        """The lead unit launches the registered movement (phát động)."""
        self._check_can_launch()
        errors: dict[str, str] = {}
        not_before(errors, "launched_on", launched_on, self.registration.registered_on, "ngày đăng ký")  # type: ignore[union-attr]
        raise_if(errors)
        self._launched(launched_on=launched_on, actor=actor, at=_recorded(at))

    @event("Launched")
    def _launched(self, launched_on: date, actor: Actor, at: datetime) -> None:
        self.launched_on = launched_on
        self._status = CampaignStatus.LAUNCHED.value

    def file_interim_review(
        self, *, filed_on: date, actor: Actor, at: datetime, stage: int | None = None, **report: Unpack[ReviewReport]
    ) -> None:
        """Files an interim review (sơ kết); with stages, one per stage, naming the stage."""
        self._check_can_file_interim_review()
        errors: dict[str, str] = {}
        self._check_stage(errors, stage)
        review = self._review_form(errors, final=False, filed_on=filed_on, **report)
        stage_end = next((s.end_date for s in self.stages if s.number == stage), None)
        not_before(errors, "filed_on", filed_on, stage_end, f"ngày kết thúc đợt {stage}")
        raise_if(errors)
        self._interim_review_filed(stage=stage, actor=actor, at=_recorded(at), **review)

    @event("InterimReviewFiled")
    def _interim_review_filed(
        self,
        stage: int | None,
        report: dict[str, Any],
        summary: str,
        results: list[dict[str, Any]],
        proposed_collectives: int,
        proposed_individuals: int,
        filed_on: date,
        actor: Actor,
        at: datetime,
    ) -> None:
        self._interim_reviews.append(
            _review_dict(stage, report, summary, results, proposed_collectives, proposed_individuals, filed_on)
        )

    def file_final_review(self, *, filed_on: date, actor: Actor, at: datetime, **report: Unpack[ReviewReport]) -> None:
        """Files the final review (tổng kết): a result for every target and the award proposals."""
        self._check_can_file_final_review()
        errors: dict[str, str] = {}
        review = self._review_form(errors, final=True, filed_on=filed_on, **report)
        raise_if(errors)
        self._final_review_filed(actor=actor, at=_recorded(at), **review)

    @event("FinalReviewFiled")
    def _final_review_filed(
        self,
        report: dict[str, Any],
        summary: str,
        results: list[dict[str, Any]],
        proposed_collectives: int,
        proposed_individuals: int,
        filed_on: date,
        actor: Actor,
        at: datetime,
    ) -> None:
        self._final_review = _review_dict(
            None, report, summary, results, proposed_collectives, proposed_individuals, filed_on
        )
        self._status = CampaignStatus.FINAL_REVIEWED.value

    def correct_final_review(
        self, *, reason: str, filed_on: date, actor: Actor, at: datetime, **report: Unpack[ReviewReport]
    ) -> None:
        """Replaces the final review with a corrected one; history keeps both (corrections are new
        events)."""
        self._check_can_correct_final_review()
        errors: dict[str, str] = {}
        review = self._review_form(errors, final=True, filed_on=filed_on, **report)
        reason = required_text(errors, "reason", reason, "Lý do điều chỉnh")
        raise_if(errors)
        self._final_review_corrected(reason=reason, actor=actor, at=_recorded(at), **review)

    @event("FinalReviewCorrected")
    def _final_review_corrected(
        self,
        report: dict[str, Any],
        summary: str,
        results: list[dict[str, Any]],
        proposed_collectives: int,
        proposed_individuals: int,
        filed_on: date,
        reason: str,
        actor: Actor,
        at: datetime,
    ) -> None:
        self._final_review = _review_dict(
            None, report, summary, results, proposed_collectives, proposed_individuals, filed_on
        )

    def _check_stage(self, errors: dict[str, str], stage: int | None) -> None:
        stages = {s.number: s for s in self.stages}
        if not stages:
            if stage is not None:
                errors.setdefault("stage", "Phong trào không chia đợt; không ghi số đợt khi sơ kết.")
            return
        if stage is None:
            errors.setdefault("stage", "Phong trào có chia đợt; cần ghi rõ sơ kết đợt nào.")
        elif stage not in stages:
            errors.setdefault("stage", f"Phong trào không có đợt số {stage}.")
        elif any(r.stage == stage for r in self.interim_reviews):
            raise CampaignError("stage_already_reviewed", f"Đợt {stage} ({stages[stage].name}) đã được sơ kết.")

    def _review_form(
        self,
        errors: dict[str, str],
        *,
        final: bool,
        report: DocumentReference,
        summary: str,
        filed_on: date,
        results: Sequence[ReviewResult] = (),
        proposed_collectives: int = 0,
        proposed_individuals: int = 0,
    ) -> dict[str, Any]:
        """A review report checked against the rules and in event form (the same for an interim,
        final or corrected review)."""
        not_before(errors, "filed_on", filed_on, self.launched_on, "ngày phát động")
        if final:
            # The final review (tổng kết) reviews the whole movement: not before it has ended.
            not_before(errors, "filed_on", filed_on, self.end_date, "ngày kết thúc phong trào")
        label = "Báo cáo tổng kết" if final else "Báo cáo sơ kết"
        return {
            "report": _document_form(errors, "report", report, label, require_signer=False),
            "summary": required_text(errors, "summary", summary, "Tóm tắt kết quả"),
            "results": self._results_form(errors, results, every_target=final),
            "proposed_collectives": whole_count(
                errors, "proposed_collectives", proposed_collectives, "Số tập thể đề nghị khen thưởng"
            ),
            "proposed_individuals": whole_count(
                errors, "proposed_individuals", proposed_individuals, "Số cá nhân đề nghị khen thưởng"
            ),
            "filed_on": filed_on,
        }

    def _results_form(
        self, errors: dict[str, str], results: Sequence[ReviewResult], *, every_target: bool
    ) -> list[dict[str, Any]]:
        """Results as events store them: each names a target of the campaign (as the campaign
        spells it) once; the final review reports on every target."""
        known = {t.indicator.casefold(): t.indicator for t in self.targets}
        forms: list[dict[str, Any]] = []
        reported: set[str] = set()
        for i, result in enumerate(results):
            key = f"results[{i}]"
            indicator = required_text(errors, f"{key}.indicator", result.indicator, "Tên chỉ tiêu")
            folded = indicator.casefold()
            if indicator and folded not in known:
                errors.setdefault(f"{key}.indicator", f"Phong trào không có chỉ tiêu «{indicator}».")
            elif folded in reported:
                errors.setdefault(f"{key}.indicator", f"Chỉ tiêu «{indicator}» được báo cáo hai lần.")
            reported.add(folded)
            not_negative(errors, f"{key}.achieved_value", result.achieved_value, "Kết quả đạt được")
            named = ReviewResult(known.get(folded, indicator), result.achieved_value, result.note.strip())
            forms.append(named.as_dict())
        missing = [name for folded, name in known.items() if folded not in reported]
        if every_target and missing:
            errors.setdefault("results", "Báo cáo tổng kết thiếu kết quả của chỉ tiêu: " + "; ".join(missing) + ".")
        return forms

    # ----------------------------------------------------------------- close, cancel, overdue

    def close(self, *, closed_on: date, actor: Actor, at: datetime) -> None:
        """Closes (kết thúc) a movement whose final review is filed."""
        self._check_can_close()
        errors: dict[str, str] = {}
        not_before(errors, "closed_on", closed_on, self.final_review.filed_on, "ngày báo cáo tổng kết")  # type: ignore[union-attr]
        raise_if(errors)
        self._closed(closed_on=closed_on, actor=actor, at=_recorded(at))

    @event("Closed")
    def _closed(self, closed_on: date, actor: Actor, at: datetime) -> None:
        self.closed_on = closed_on
        self._status = CampaignStatus.CLOSED.value

    def cancel(self, *, reason: str, cancelled_on: date, actor: Actor, at: datetime) -> None:
        """Cancels the movement (hủy) with a reason; not possible once closed."""
        self._check_can_cancel()
        errors: dict[str, str] = {}
        reason = required_text(errors, "reason", reason, "Lý do hủy")
        raise_if(errors)
        self._cancelled(reason=reason, cancelled_on=cancelled_on, actor=actor, at=_recorded(at))

    @event("Cancelled")
    def _cancelled(self, reason: str, cancelled_on: date, actor: Actor, at: datetime) -> None:
        self._cancellation = {"reason": reason, "cancelled_on": cancelled_on.isoformat()}
        self._status = CampaignStatus.CANCELLED.value

    def flag_review_overdue(
        self,
        *,
        on: date,
        review_due_days: int,
        actor: Actor,
        at: datetime,
        calendar: WorkingCalendar | None = None,
    ) -> bool:
        """Flags a missing final review once; returns False (and records nothing) if already flagged.

        A no-op rather than an error so that a scheduler may sweep every day and the event still
        happens once. Flagging a campaign that is not overdue is a caller error. The due date
        counts working days (`calendar`, the packaged one by default).
        """
        if self.review_overdue_flagged_on is not None:
            return False
        if not is_review_overdue(self, on, review_due_days, calendar):
            due = review_due_date(self.end_date, review_due_days, calendar) if self.end_date else None
            raise CampaignError(
                "review_not_overdue",
                f"Phong trào chưa quá hạn tổng kết (trạng thái: {STATUS_LABELS[self.status]}; "
                f"hạn tổng kết: {_vn(due)}).",
            )
        due_on = review_due_date(self.end_date, review_due_days, calendar)  # type: ignore[arg-type]
        self._review_overdue_flagged(
            due_on=due_on, flagged_on=on, review_due_days=review_due_days, actor=actor, at=_recorded(at)
        )
        return True

    @event("ReviewOverdueFlagged")
    def _review_overdue_flagged(
        self, due_on: date, flagged_on: date, review_due_days: int, actor: Actor, at: datetime
    ) -> None:
        self.review_overdue_flagged_on = flagged_on

    # ----------------------------------------------------------------- guards

    def _check_not_finished(self, action: str) -> None:
        if self.status == CampaignStatus.CANCELLED:
            raise CampaignError("campaign_cancelled", f"Phong trào đã bị hủy, không thể {action}.")
        if self.status == CampaignStatus.CLOSED:
            raise CampaignError("campaign_closed", f"Phong trào đã kết thúc, không thể {action}.")

    def _check_can_amend(self) -> None:
        self._check_not_finished("sửa nội dung")
        if self.status not in _BEFORE_LAUNCH:
            raise CampaignError(
                "amend_not_allowed",
                "Phong trào đã được phát động, không thể sửa nội dung; hãy bổ sung văn bản hoặc điều chỉnh "
                "báo cáo bằng thao tác riêng.",
            )

    def _check_not_registered(self) -> None:
        if self.registration is not None:
            raise CampaignError(
                "already_registered",
                f"Phong trào đã được đăng ký (số {self.registration.number}, ngày "
                f"{_vn(self.registration.registered_on)}), không thể đăng ký lại.",
            )

    def _check_can_register(self) -> None:
        self._check_not_finished("đăng ký")
        self._check_not_registered()
        if self.status == CampaignStatus.REGISTRATION_RETURNED:
            raise CampaignError(
                "registration_returned",
                "Hồ sơ đăng ký đã bị trả lại; đơn vị chủ trì phải sửa đổi theo lý do trả lại trước khi đăng ký lại.",
            )

    def _check_can_return_registration(self) -> None:
        self._check_not_finished("trả lại hồ sơ đăng ký")
        self._check_not_registered()
        if self.status == CampaignStatus.REGISTRATION_RETURNED:
            raise CampaignError("already_returned", "Hồ sơ đăng ký đã được trả lại và đơn vị chủ trì chưa sửa đổi.")

    def _check_can_launch(self) -> None:
        self._check_not_finished("phát động")
        if self.launched_on is not None:
            raise CampaignError("already_launched", f"Phong trào đã được phát động ngày {_vn(self.launched_on)}.")
        if self.registration is None:
            raise CampaignError(
                "not_registered",
                "Phong trào chưa được đăng ký với cơ quan thường trực Hội đồng Thi đua – Khen thưởng, "
                "chưa thể phát động.",
            )

    def _check_launched(self, action: str) -> None:
        self._check_not_finished(action)
        if self.launched_on is None:
            raise CampaignError("not_launched", f"Phong trào chưa được phát động, chưa thể {action}.")

    def _check_can_file_interim_review(self) -> None:
        self._check_launched("sơ kết")
        if self._final_review is not None:
            raise CampaignError("final_review_already_filed", "Phong trào đã tổng kết, không thể sơ kết thêm.")

    def _check_can_file_final_review(self) -> None:
        self._check_launched("tổng kết")
        if self.final_review is not None:
            raise CampaignError(
                "final_review_already_filed",
                f"Phong trào đã có báo cáo tổng kết (số {self.final_review.report.number}); không thể tổng kết "
                "lần thứ hai. Nếu cần sửa, hãy điều chỉnh báo cáo tổng kết.",
            )

    def _check_can_correct_final_review(self) -> None:
        if self.status == CampaignStatus.CANCELLED:
            raise CampaignError("campaign_cancelled", "Phong trào đã bị hủy, không thể điều chỉnh báo cáo tổng kết.")
        if self.status == CampaignStatus.CLOSED:
            raise CampaignError(
                "campaign_closed", "Phong trào đã kết thúc; báo cáo tổng kết đã dùng để kết thúc không được điều chỉnh."
            )
        if self.final_review is None:
            raise CampaignError("final_review_missing", "Phong trào chưa có báo cáo tổng kết để điều chỉnh.")

    def _check_can_close(self) -> None:
        self._check_not_finished("kết thúc")
        if self.final_review is None:
            raise CampaignError("final_review_missing", "Phong trào chưa có báo cáo tổng kết, chưa thể kết thúc.")

    def _check_can_cancel(self) -> None:
        if self.status == CampaignStatus.CANCELLED:
            raise CampaignError("already_cancelled", "Phong trào đã bị hủy trước đó.")
        if self.status == CampaignStatus.CLOSED:
            raise CampaignError("campaign_closed", "Phong trào đã kết thúc, không thể hủy.")

    # ----------------------------------------------------------------- typed accessors

    @property
    def status(self) -> CampaignStatus:
        return CampaignStatus(self._status)

    @property
    def kind(self) -> MovementKind:
        return MovementKind(self._kind)

    @property
    def targets(self) -> tuple[Target, ...]:
        return tuple(Target.from_dict(t) for t in self._targets)

    @property
    def stages(self) -> tuple[Stage, ...]:
        return tuple(Stage.from_dict(s) for s in self._stages)

    @property
    def directive(self) -> DocumentReference | None:
        return DocumentReference.from_dict(self._directive) if self._directive else None

    @property
    def plan(self) -> DocumentReference | None:
        return DocumentReference.from_dict(self._plan) if self._plan else None

    @property
    def registration(self) -> Registration | None:
        data = self._registration
        return Registration(data["number"], date.fromisoformat(data["registered_on"])) if data else None

    @property
    def registration_returns(self) -> tuple[RegistrationReturn, ...]:
        return tuple(
            RegistrationReturn(tuple(r["reasons"]), date.fromisoformat(r["returned_on"]))
            for r in self._registration_returns
        )

    @property
    def interim_reviews(self) -> tuple[Review, ...]:
        return tuple(Review.from_dict(r) for r in self._interim_reviews)

    @property
    def final_review(self) -> Review | None:
        return Review.from_dict(self._final_review) if self._final_review else None

    @property
    def cancellation(self) -> Cancellation | None:
        data = self._cancellation
        return Cancellation(data["reason"], date.fromisoformat(data["cancelled_on"])) if data else None


def _recorded(at: datetime) -> datetime:
    """When the step was recorded: an aware datetime, passed in like every other time."""
    if not isinstance(at, datetime) or at.tzinfo is None:
        raise CampaignValidationError({"at": "Thời điểm phải là ngày giờ có múi giờ."})
    return at


def _review_dict(
    stage: int | None,
    report: dict[str, Any],
    summary: str,
    results: list[dict[str, Any]],
    proposed_collectives: int,
    proposed_individuals: int,
    filed_on: date,
) -> dict[str, Any]:
    return copy.deepcopy(
        {
            "stage": stage,
            "report": report,
            "summary": summary,
            "results": results,
            "proposed_collectives": proposed_collectives,
            "proposed_individuals": proposed_individuals,
            "filed_on": filed_on.isoformat(),
        }
    )


def _at_was_the_recording_time(state: dict[str, Any]) -> None:
    """v1 events carried only their legal date (`registered_on`, …); the moment they were
    recorded is the library's `timestamp`, which is what `at` means."""
    state["at"] = state["timestamp"]


for _event in (
    Campaign.Drafted,
    Campaign.Amended,
    Campaign.DocumentsAttached,
    Campaign.Registered,
    Campaign.RegistrationReturned,
    Campaign.Launched,
    Campaign.InterimReviewFiled,
    Campaign.FinalReviewFiled,
    Campaign.FinalReviewCorrected,
    Campaign.Closed,
    Campaign.Cancelled,
    Campaign.ReviewOverdueFlagged,
):
    _event.class_version = 2
    _event.upcast_v1_v2 = staticmethod(_at_was_the_recording_time)  # type: ignore[attr-defined]

register_moved("services.campaigns.domain", Campaign)  # the module's name until the domain/ package
