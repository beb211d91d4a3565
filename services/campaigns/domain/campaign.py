"""The `Campaign` aggregate: an emulation movement (phong trào thi đua) from draft to closing.

Why it is shaped this way:
- Each public intention method (`register`, `launch`, …) runs its `_check_*` guards and validates
  its input first, then calls a private `@event("PastTense")` method named after its event
  (`_registered` for `Registered`) whose body only applies state.
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
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from services.campaigns.domain.errors import CampaignError, CampaignValidationError
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
_CODE_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9._/-]{1,39}$")
_NAME_MAX = 300
_TEXT_MAX = 20_000


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


# --------------------------------------------------------------------------- input parsing


class _FieldErrors:
    """Collects one message per field so a clerk sees every problem at once."""

    def __init__(self) -> None:
        self.errors: dict[str, str] = {}

    def add(self, field: str, message: str) -> None:
        self.errors.setdefault(field, message)

    def raise_if_any(self) -> None:
        if self.errors:
            raise CampaignValidationError(self.errors)


def _text(errors: _FieldErrors, field: str, value: Any, label: str, *, required: bool, max_len: int) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors.add(field, f"{label} phải là văn bản.")
        return ""
    value = value.strip()
    if required and not value:
        errors.add(field, f"{label} không được để trống.")
    elif len(value) > max_len:
        errors.add(field, f"{label} không được dài quá {max_len} ký tự.")
    return value


def _date(errors: _FieldErrors, field: str, value: Any, label: str, *, required: bool = False) -> date | None:
    if value is None or value == "":
        if required:
            errors.add(field, f"{label} không được để trống.")
        return None
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    errors.add(field, f"{label} phải là một ngày hợp lệ (YYYY-MM-DD).")
    return None


def _decimal(errors: _FieldErrors, field: str, value: Any, label: str) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        errors.add(field, f"{label} phải là một số.")
        return None
    try:
        number = Decimal(str(value).strip())  # no guessing between "1,5" and "1.000": the UI sends plain numbers
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        errors.add(field, f"{label} phải là một số.")
        return None
    if number < 0:
        errors.add(field, f"{label} không được âm.")
        return None
    return number


def _count(errors: _FieldErrors, field: str, value: Any, label: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        errors.add(field, f"{label} phải là số nguyên không âm.")
        return 0
    return value


def _mapping(item: Any) -> Mapping[str, Any] | None:
    if isinstance(item, Mapping):
        return item
    if hasattr(item, "as_dict"):
        return item.as_dict()
    return None


def _code(errors: _FieldErrors, field: str, value: Any, label: str) -> str:
    code = _text(errors, field, value, label, required=True, max_len=40).upper()
    if code and not _CODE_PATTERN.fullmatch(code):
        errors.add(field, f"{label} chỉ gồm chữ cái không dấu, chữ số và các ký tự . _ / - (2–40 ký tự).")
    return code


def _kind(errors: _FieldErrors, value: Any) -> str:
    try:
        return MovementKind(str(value).strip().lower()).value
    except ValueError:
        allowed = ", ".join(f"{k.value} ({label})" for k, label in KIND_LABELS.items())
        errors.add("kind", f"Loại phong trào không hợp lệ: «{value}». Chọn một trong: {allowed}.")
        return ""


def _document(
    errors: _FieldErrors, field: str, value: Any, label: str, *, require_signer: bool
) -> dict[str, Any] | None:
    if value is None:
        return None
    data = _mapping(value)
    if data is None:
        errors.add(field, f"{label} không hợp lệ.")
        return None
    doc = DocumentReference(
        number=_text(
            errors, f"{field}.number", data.get("number"), f"Số hiệu {label.lower()}", required=True, max_len=100
        ),
        issued_on=_date(
            errors, f"{field}.issued_on", data.get("issued_on"), f"Ngày ban hành {label.lower()}", required=True
        ),
        signer=_text(
            errors,
            f"{field}.signer",
            data.get("signer"),
            f"Người ký {label.lower()}",
            required=require_signer,
            max_len=200,
        ),
        reference=_text(
            errors, f"{field}.reference", data.get("reference"), "Trích yếu / đường dẫn", required=False, max_len=1000
        ),
    )
    return doc.as_dict()


def _targets(errors: _FieldErrors, value: Any) -> list[dict[str, Any]]:
    if value is None:
        return []
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, Sequence):
        errors.add("targets", "Chỉ tiêu phải là một danh sách.")
        return []
    targets: list[dict[str, Any]] = []
    seen: set[str] = set()
    for i, item in enumerate(value):
        field = f"targets[{i}]"
        data = _mapping(item)
        if data is None:
            errors.add(field, "Chỉ tiêu không hợp lệ.")
            continue
        indicator = _text(
            errors, f"{field}.indicator", data.get("indicator"), "Tên chỉ tiêu", required=True, max_len=500
        )
        if indicator.casefold() in seen:
            errors.add(f"{field}.indicator", f"Chỉ tiêu «{indicator}» bị trùng.")
        seen.add(indicator.casefold())
        target = Target(
            indicator=indicator,
            target_value=_decimal(errors, f"{field}.target_value", data.get("target_value"), "Giá trị chỉ tiêu"),
            unit_of_measure=_text(
                errors,
                f"{field}.unit_of_measure",
                data.get("unit_of_measure"),
                "Đơn vị tính",
                required=False,
                max_len=100,
            ),
        )
        targets.append(target.as_dict())
    return targets


def _stages(errors: _FieldErrors, value: Any) -> list[dict[str, Any]]:
    if value is None:
        return []
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, Sequence):
        errors.add("stages", "Các đợt phải là một danh sách.")
        return []
    stages: list[dict[str, Any]] = []
    for i, item in enumerate(value):
        field = f"stages[{i}]"
        data = _mapping(item)
        if data is None:
            errors.add(field, "Đợt không hợp lệ.")
            continue
        number = data.get("number")
        if isinstance(number, bool) or not isinstance(number, int) or number < 1:
            errors.add(f"{field}.number", "Số thứ tự đợt phải là số nguyên dương.")
            number = 0
        stage = Stage(
            number=number,
            name=_text(errors, f"{field}.name", data.get("name"), "Tên đợt", required=True, max_len=300),
            start_date=_date(errors, f"{field}.start_date", data.get("start_date"), "Ngày bắt đầu đợt"),
            end_date=_date(errors, f"{field}.end_date", data.get("end_date"), "Ngày kết thúc đợt"),
        )
        stages.append(stage.as_dict())
    return stages


_CONTENT_PARSERS = {
    "name": lambda e, v: _text(e, "name", v, "Tên phong trào", required=True, max_len=_NAME_MAX),
    "lead_unit_id": lambda e, v: _code(e, "lead_unit_id", v, "Mã đơn vị chủ trì"),
    "kind": _kind,
    "launching_level": lambda e, v: _text(e, "launching_level", v, "Cấp phát động", required=True, max_len=40).lower(),
    "purpose": lambda e, v: _text(e, "purpose", v, "Mục đích", required=False, max_len=_TEXT_MAX),
    "requirements": lambda e, v: _text(e, "requirements", v, "Yêu cầu", required=False, max_len=_TEXT_MAX),
    "content": lambda e, v: _text(e, "content", v, "Nội dung", required=False, max_len=_TEXT_MAX),
    "targets": _targets,
    "start_date": lambda e, v: _date(e, "start_date", v, "Ngày bắt đầu"),
    "end_date": lambda e, v: _date(e, "end_date", v, "Ngày kết thúc"),
    "stages": _stages,
    "directive": lambda e, v: _document(e, "directive", v, "Văn bản chỉ đạo", require_signer=True),
    "plan": lambda e, v: _document(e, "plan", v, "Kế hoạch", require_signer=False),
}


def _parse_content(errors: _FieldErrors, raw: Mapping[str, Any]) -> dict[str, Any]:
    """Validates the given content fields and returns them in event form."""
    return {name: _CONTENT_PARSERS[name](errors, value) for name, value in raw.items()}


def _check_timeline(errors: _FieldErrors, fields: Mapping[str, Any]) -> None:
    """Cross-field rules: the end follows the start; stages are unique and inside the timeline."""
    start, end = fields.get("start_date"), fields.get("end_date")
    if start and end and end <= start:
        errors.add("end_date", "Ngày kết thúc phải sau ngày bắt đầu.")
    numbers: set[int] = set()
    for i, stage in enumerate(fields.get("stages") or []):
        s_start, s_end = _from_iso(stage["start_date"]), _from_iso(stage["end_date"])
        if stage["number"] in numbers:
            errors.add(f"stages[{i}].number", f"Đợt số {stage['number']} bị trùng.")
        numbers.add(stage["number"])
        if s_start and s_end and s_end < s_start:
            errors.add(f"stages[{i}].end_date", "Ngày kết thúc đợt không được trước ngày bắt đầu đợt.")
        if start and s_start and s_start < start:
            errors.add(f"stages[{i}].start_date", "Đợt không được bắt đầu trước ngày bắt đầu phong trào.")
        if end and s_end and s_end > end:
            errors.add(f"stages[{i}].end_date", "Đợt không được kết thúc sau ngày kết thúc phong trào.")


def _not_before(errors: _FieldErrors, field: str, value: date | None, earlier: date | None, what: str) -> None:
    if value and earlier and value < earlier:
        errors.add(field, f"Ngày này không được trước {what} ({_vn(earlier)}).")


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
        kind: str | MovementKind,
        launching_level: str,
        actor: Actor,
        at: datetime,
        purpose: str = "",
        requirements: str = "",
        content: str = "",
        targets: Sequence[Target | Mapping[str, Any]] = (),
        start_date: date | None = None,
        end_date: date | None = None,
        stages: Sequence[Stage | Mapping[str, Any]] = (),
        directive: DocumentReference | Mapping[str, Any] | None = None,
        plan: DocumentReference | Mapping[str, Any] | None = None,
    ) -> Campaign:
        """Drafts a new campaign; raises `CampaignValidationError` listing every invalid field."""
        errors = _FieldErrors()
        code = _code(errors, "code", code, "Mã phong trào")
        fields = _parse_content(
            errors,
            {
                "name": name,
                "lead_unit_id": lead_unit_id,
                "kind": kind,
                "launching_level": launching_level,
                "purpose": purpose,
                "requirements": requirements,
                "content": content,
                "targets": targets,
                "start_date": start_date,
                "end_date": end_date,
                "stages": stages,
                "directive": directive,
                "plan": plan,
            },
        )
        _check_timeline(errors, fields)
        errors.raise_if_any()
        return cls(code=code, actor=actor, at=_recorded(at), **fields)

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

    def amend(self, *, actor: Actor, at: datetime, reason: str = "", **changes: Any) -> bool:
        """Amends content before launch (fields in `AMENDABLE_FIELDS`); returns False when nothing changed.

        Amending a returned registration puts the campaign back to draft, ready to register again.
        """
        self._check_can_amend()
        errors = _FieldErrors()
        for name in changes:
            if name not in AMENDABLE_FIELDS:
                errors.add(name, "Trường này không tồn tại hoặc không được sửa (mã phong trào là cố định).")
        errors.raise_if_any()
        parsed = _parse_content(errors, changes)
        current = self._current_content()
        _check_timeline(errors, {**current, **parsed})
        reason = _text(errors, "reason", reason, "Lý do sửa", required=False, max_len=2000)
        errors.raise_if_any()
        delta = {k: v for k, v in parsed.items() if current.get(k) != v}
        if not delta:
            return False
        event_changes = {k: (_iso(v) if k in _DATE_FIELDS else v) for k, v in delta.items()}
        self._amended(changes=event_changes, reason=reason, actor=actor, at=_recorded(at))
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
        directive: DocumentReference | Mapping[str, Any] | None = None,
        plan: DocumentReference | Mapping[str, Any] | None = None,
        reason: str = "",
    ) -> None:
        """Records the directive and/or plan references, also after launch (as a new event, not an edit)."""
        self._check_not_finished("bổ sung văn bản")
        errors = _FieldErrors()
        if directive is None and plan is None:
            errors.add("directive", "Cần ít nhất văn bản chỉ đạo hoặc kế hoạch.")
        directive_data = _document(errors, "directive", directive, "Văn bản chỉ đạo", require_signer=True)
        plan_data = _document(errors, "plan", plan, "Kế hoạch", require_signer=False)
        reason = _text(errors, "reason", reason, "Lý do", required=False, max_len=2000)
        errors.raise_if_any()
        self._documents_attached(directive=directive_data, plan=plan_data, reason=reason, actor=actor, at=_recorded(at))

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
        errors = _FieldErrors()
        number = _text(errors, "registration_number", registration_number, "Số đăng ký", required=True, max_len=100)
        day = _date(errors, "registered_on", registered_on, "Ngày đăng ký", required=True)
        errors.raise_if_any()
        self._registered(registration_number=number, registered_on=day, actor=actor, at=_recorded(at))

    @event("Registered")
    def _registered(self, registration_number: str, registered_on: date, actor: Actor, at: datetime) -> None:
        self._registration = {"number": registration_number, "registered_on": registered_on.isoformat()}
        self._status = CampaignStatus.REGISTERED.value

    def return_registration(
        self, *, reasons: Sequence[str] | str, returned_on: date, actor: Actor, at: datetime
    ) -> None:
        """The secretariat sends the registration back with its reasons; the lead unit amends and retries."""
        self._check_can_return_registration()
        errors = _FieldErrors()
        items = [reasons] if isinstance(reasons, str) else list(reasons or [])
        cleaned = [
            _text(errors, f"reasons[{i}]", r, "Lý do trả lại", required=True, max_len=2000) for i, r in enumerate(items)
        ]
        if not cleaned:
            errors.add("reasons", "Cần nêu ít nhất một lý do trả lại.")
        day = _date(errors, "returned_on", returned_on, "Ngày trả lại", required=True)
        errors.raise_if_any()
        self._registration_returned(reasons=cleaned, returned_on=day, actor=actor, at=_recorded(at))

    @event("RegistrationReturned")
    def _registration_returned(self, reasons: list[str], returned_on: date, actor: Actor, at: datetime) -> None:
        self._registration_returns.append({"reasons": list(reasons), "returned_on": returned_on.isoformat()})
        self._status = CampaignStatus.REGISTRATION_RETURNED.value

    # ----------------------------------------------------------------- launch and reviews

    def launch(self, *, launched_on: date, actor: Actor, at: datetime) -> None:
        """The lead unit launches the registered movement (phát động)."""
        self._check_can_launch()
        errors = _FieldErrors()
        day = _date(errors, "launched_on", launched_on, "Ngày phát động", required=True)
        _not_before(errors, "launched_on", day, self.registration.registered_on, "ngày đăng ký")  # type: ignore[union-attr]
        errors.raise_if_any()
        self._launched(launched_on=day, actor=actor, at=_recorded(at))

    @event("Launched")
    def _launched(self, launched_on: date, actor: Actor, at: datetime) -> None:
        self.launched_on = launched_on
        self._status = CampaignStatus.LAUNCHED.value

    def file_interim_review(self, *, actor: Actor, at: datetime, stage: int | None = None, **report: Any) -> None:
        """Files an interim review (sơ kết); with stages, one per stage, naming the stage. `report`:
        the fields of `_parse_review`."""
        self._check_can_file_interim_review()
        errors = _FieldErrors()
        self._check_stage(errors, stage)
        review = self._parse_review(errors, final=False, **report)
        stage_end = next((s.end_date for s in self.stages if s.number == stage), None)
        _not_before(errors, "filed_on", review["filed_on"], stage_end, f"ngày kết thúc đợt {stage}")
        errors.raise_if_any()
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

    def file_final_review(self, *, actor: Actor, at: datetime, **report: Any) -> None:
        """Files the final review (tổng kết): a result for every target and the award proposals.
        `report`: the fields of `_parse_review`."""
        self._check_can_file_final_review()
        errors = _FieldErrors()
        review = self._parse_review(errors, final=True, **report)
        errors.raise_if_any()
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

    def correct_final_review(self, *, reason: str, actor: Actor, at: datetime, **report: Any) -> None:
        """Replaces the final review with a corrected one; history keeps both (corrections are new
        events). `report`: the fields of `_parse_review`."""
        self._check_can_correct_final_review()
        errors = _FieldErrors()
        review = self._parse_review(errors, final=True, **report)
        reason = _text(errors, "reason", reason, "Lý do điều chỉnh", required=True, max_len=2000)
        errors.raise_if_any()
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

    def _check_stage(self, errors: _FieldErrors, stage: int | None) -> None:
        stages = {s.number: s for s in self.stages}
        if not stages:
            if stage is not None:
                errors.add("stage", "Phong trào không chia đợt; không ghi số đợt khi sơ kết.")
            return
        if stage is None:
            errors.add("stage", "Phong trào có chia đợt; cần ghi rõ sơ kết đợt nào.")
        elif stage not in stages:
            errors.add("stage", f"Phong trào không có đợt số {stage}.")
        elif any(r.stage == stage for r in self.interim_reviews):
            raise CampaignError("stage_already_reviewed", f"Đợt {stage} ({stages[stage].name}) đã được sơ kết.")

    def _parse_review(
        self,
        errors: _FieldErrors,
        *,
        final: bool,
        report: DocumentReference | Mapping[str, Any] | None,
        summary: str,
        filed_on: date,
        results: Sequence[ReviewResult | Mapping[str, Any]] = (),
        proposed_collectives: int = 0,
        proposed_individuals: int = 0,
    ) -> dict[str, Any]:
        """A review report's fields, checked (the same for an interim, final or corrected review)."""
        label = "Báo cáo tổng kết" if final else "Báo cáo sơ kết"
        if report is None:
            errors.add("report", f"{label} không được để trống.")
        day = _date(errors, "filed_on", filed_on, "Ngày báo cáo", required=True)
        _not_before(errors, "filed_on", day, self.launched_on, "ngày phát động")
        if final:
            # The final review (tổng kết) reviews the whole movement: not before it has ended.
            _not_before(errors, "filed_on", day, self.end_date, "ngày kết thúc phong trào")
        return {
            "report": _document(errors, "report", report, label, require_signer=False),
            "summary": _text(errors, "summary", summary, "Tóm tắt kết quả", required=True, max_len=_TEXT_MAX),
            "results": self._parse_results(errors, results, every_target=final),
            "proposed_collectives": _count(
                errors, "proposed_collectives", proposed_collectives, "Số tập thể đề nghị khen thưởng"
            ),
            "proposed_individuals": _count(
                errors, "proposed_individuals", proposed_individuals, "Số cá nhân đề nghị khen thưởng"
            ),
            "filed_on": day,
        }

    def _parse_results(self, errors: _FieldErrors, value: Any, *, every_target: bool) -> list[dict[str, Any]]:
        known = {t.indicator.casefold(): t.indicator for t in self.targets}
        if isinstance(value, str | bytes | Mapping) or not isinstance(value, Sequence):
            errors.add("results", "Kết quả phải là một danh sách.")
            return []
        results: list[dict[str, Any]] = []
        reported: set[str] = set()
        for i, item in enumerate(value):
            field = f"results[{i}]"
            data = _mapping(item)
            if data is None:
                errors.add(field, "Kết quả không hợp lệ.")
                continue
            indicator = _text(
                errors, f"{field}.indicator", data.get("indicator"), "Tên chỉ tiêu", required=True, max_len=500
            )
            key = indicator.casefold()
            if indicator and key not in known:
                errors.add(f"{field}.indicator", f"Phong trào không có chỉ tiêu «{indicator}».")
            elif key in reported:
                errors.add(f"{field}.indicator", f"Chỉ tiêu «{indicator}» được báo cáo hai lần.")
            reported.add(key)
            result = ReviewResult(
                indicator=known.get(key, indicator),
                achieved_value=_decimal(
                    errors, f"{field}.achieved_value", data.get("achieved_value"), "Kết quả đạt được"
                ),
                note=_text(errors, f"{field}.note", data.get("note"), "Ghi chú", required=False, max_len=2000),
            )
            results.append(result.as_dict())
        missing = [name for key, name in known.items() if key not in reported]
        if every_target and missing:
            errors.add("results", "Báo cáo tổng kết thiếu kết quả của chỉ tiêu: " + "; ".join(missing) + ".")
        return results

    # ----------------------------------------------------------------- close, cancel, overdue

    def close(self, *, closed_on: date, actor: Actor, at: datetime) -> None:
        """Closes (kết thúc) a movement whose final review is filed."""
        self._check_can_close()
        errors = _FieldErrors()
        day = _date(errors, "closed_on", closed_on, "Ngày đóng phong trào", required=True)
        _not_before(errors, "closed_on", day, self.final_review.filed_on, "ngày báo cáo tổng kết")  # type: ignore[union-attr]
        errors.raise_if_any()
        self._closed(closed_on=day, actor=actor, at=_recorded(at))

    @event("Closed")
    def _closed(self, closed_on: date, actor: Actor, at: datetime) -> None:
        self.closed_on = closed_on
        self._status = CampaignStatus.CLOSED.value

    def cancel(self, *, reason: str, cancelled_on: date, actor: Actor, at: datetime) -> None:
        """Cancels the movement (hủy) with a reason; not possible once closed."""
        self._check_can_cancel()
        errors = _FieldErrors()
        reason = _text(errors, "reason", reason, "Lý do hủy", required=True, max_len=2000)
        day = _date(errors, "cancelled_on", cancelled_on, "Ngày hủy", required=True)
        errors.raise_if_any()
        self._cancelled(reason=reason, cancelled_on=day, actor=actor, at=_recorded(at))

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
