"""Can a movement carry thematic awards? Dispatch 147, point 4 (docs/domain.md W8).

All conditions must hold; otherwise every failing one is reported, each with a stable code and a
Vietnamese message, so a clerk sees the whole list at once. The rule reads only state, so it gives
the same answer for the aggregate at any version (it goes into every published campaign event).

"Clearly defined" is not defined by the dispatch; this module defines it:
- purpose, requirements, content: at least `MIN_TEXT_CHARS` characters and `MIN_TEXT_WORDS` words
  after stripping;
- targets: at least one target with a positive numeric value and a unit of measure;
- timeline: start and end dates present, the end after the start.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any, Protocol

MIN_TEXT_CHARS = 20
MIN_TEXT_WORDS = 4


class EligibilityCode(StrEnum):
    NOT_REGISTERED = "not_registered"
    NO_DIRECTIVE_DOCUMENT = "no_directive_document"
    NO_PLAN = "no_plan"
    NO_REVIEW = "no_review"
    PURPOSE_UNCLEAR = "purpose_unclear"
    REQUIREMENTS_UNCLEAR = "requirements_unclear"
    CONTENT_UNCLEAR = "content_unclear"
    TARGETS_UNCLEAR = "targets_unclear"
    TIMELINE_UNCLEAR = "timeline_unclear"
    CANCELLED = "cancelled"


_TEXT_RULE = f"cần ít nhất {MIN_TEXT_CHARS} ký tự và {MIN_TEXT_WORDS} từ"
MESSAGES: dict[EligibilityCode, str] = {
    EligibilityCode.NOT_REGISTERED: (
        "Phong trào chưa được đăng ký với UBND qua cơ quan thường trực Hội đồng Thi đua – Khen thưởng (Phòng Nội vụ)."
    ),
    EligibilityCode.NO_DIRECTIVE_DOCUMENT: "Phong trào không có văn bản chỉ đạo.",
    EligibilityCode.NO_PLAN: "Phong trào không có kế hoạch tổ chức thực hiện.",
    EligibilityCode.NO_REVIEW: "Đơn vị chủ trì chưa có báo cáo sơ kết hoặc tổng kết phong trào.",
    EligibilityCode.PURPOSE_UNCLEAR: f"Mục đích của phong trào chưa được xác định rõ ({_TEXT_RULE}).",
    EligibilityCode.REQUIREMENTS_UNCLEAR: f"Yêu cầu của phong trào chưa được xác định rõ ({_TEXT_RULE}).",
    EligibilityCode.CONTENT_UNCLEAR: f"Nội dung của phong trào chưa được xác định rõ ({_TEXT_RULE}).",
    EligibilityCode.TARGETS_UNCLEAR: (
        "Chỉ tiêu của phong trào chưa được xác định rõ (cần ít nhất một chỉ tiêu có giá trị lớn hơn 0 và đơn vị tính)."
    ),
    EligibilityCode.TIMELINE_UNCLEAR: (
        "Thời gian thực hiện phong trào chưa được xác định rõ (cần ngày bắt đầu, ngày kết thúc và ngày "
        "kết thúc phải sau ngày bắt đầu)."
    ),
    EligibilityCode.CANCELLED: "Phong trào đã bị hủy.",
}


@dataclass(frozen=True)
class EligibilityReason:
    code: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}


@dataclass(frozen=True)
class Eligibility:
    eligible: bool
    reasons: list[EligibilityReason] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"eligible": self.eligible, "reasons": [r.as_dict() for r in self.reasons]}


class _TargetLike(Protocol):
    @property
    def target_value(self) -> Decimal | None: ...
    @property
    def unit_of_measure(self) -> str: ...


class CampaignFacts(Protocol):
    """What the rule reads; `Campaign` provides it (and a test double can too)."""

    @property
    def status(self) -> str: ...
    @property
    def registration(self) -> object | None: ...
    @property
    def directive(self) -> object | None: ...
    @property
    def plan(self) -> object | None: ...
    @property
    def interim_reviews(self) -> Sequence[object]: ...
    @property
    def final_review(self) -> object | None: ...
    @property
    def purpose(self) -> str: ...
    @property
    def requirements(self) -> str: ...
    @property
    def content(self) -> str: ...
    @property
    def targets(self) -> Sequence[_TargetLike]: ...
    @property
    def start_date(self) -> date | None: ...
    @property
    def end_date(self) -> date | None: ...


def is_clear_text(text: str | None) -> bool:
    """Substantive text: enough characters and words once stripped."""
    stripped = (text or "").strip()
    return len(stripped) >= MIN_TEXT_CHARS and len(stripped.split()) >= MIN_TEXT_WORDS


def has_clear_targets(targets: Sequence[_TargetLike]) -> bool:
    return any(t.target_value is not None and t.target_value > 0 and t.unit_of_measure.strip() for t in targets)


def has_clear_timeline(start: date | None, end: date | None) -> bool:
    return start is not None and end is not None and end > start


def assess_eligibility(campaign: CampaignFacts) -> Eligibility:
    """Every failing condition of dispatch 147 point 4, in a fixed order; eligible when none fails.

    `cancelled` is an addition to the dispatch's list: a cancelled movement carries no award.
    """
    failing = [
        (campaign.status == "cancelled", EligibilityCode.CANCELLED),
        (campaign.registration is None, EligibilityCode.NOT_REGISTERED),
        (campaign.directive is None, EligibilityCode.NO_DIRECTIVE_DOCUMENT),
        (campaign.plan is None, EligibilityCode.NO_PLAN),
        (not campaign.interim_reviews and campaign.final_review is None, EligibilityCode.NO_REVIEW),
        (not is_clear_text(campaign.purpose), EligibilityCode.PURPOSE_UNCLEAR),
        (not is_clear_text(campaign.requirements), EligibilityCode.REQUIREMENTS_UNCLEAR),
        (not is_clear_text(campaign.content), EligibilityCode.CONTENT_UNCLEAR),
        (not has_clear_targets(campaign.targets), EligibilityCode.TARGETS_UNCLEAR),
        (not has_clear_timeline(campaign.start_date, campaign.end_date), EligibilityCode.TIMELINE_UNCLEAR),
    ]
    reasons = [EligibilityReason(code.value, MESSAGES[code]) for failed, code in failing if failed]
    return Eligibility(eligible=not reasons, reasons=reasons)
