"""Dispatch 147 point 4: a movement carries thematic awards only if every condition holds.

One test per reason: each starts from a campaign that meets every condition and breaks exactly one.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from decimal import Decimal

from services.campaigns.domain.campaign import Campaign, DocumentReference, Registration, Review, Target
from services.campaigns.domain.eligibility import (
    MESSAGES,
    EligibilityCode,
    EligibilityReason,
    assess_eligibility,
    is_clear_text,
)
from shared.actor import Actor

AT = datetime(2023, 1, 10, 9, 0, tzinfo=UTC)
"""When each step is recorded; the legal dates are separate fields."""
ACTOR = Actor(id="nv", role="lead_unit_officer", unit="PKT")
REPORT = DocumentReference(number="120/BC-PKT", issued_on=date(2023, 7, 10))
REGISTRATION = Registration("05/ĐK-PNV", date(2023, 1, 18))
DIRECTIVE = DocumentReference("03/CT-UBND", date(2023, 1, 9), "Chủ tịch UBND huyện")
PLAN = DocumentReference("15/KH-UBND", date(2023, 1, 12))
INTERIM = Review(filed_on=date(2023, 7, 10), report=REPORT, summary="Sơ kết 6 tháng")


@dataclass(frozen=True)
class CampaignState:
    """A stand-in for the aggregate: the rule reads state only, so any version's state will do."""

    status: str = "launched"
    registration: Registration | None = REGISTRATION
    directive: DocumentReference | None = DIRECTIVE
    plan: DocumentReference | None = PLAN
    interim_reviews: tuple[Review, ...] = (INTERIM,)
    final_review: Review | None = None
    purpose: str = "Huy động cả hệ thống chính trị xây dựng nông thôn mới."
    requirements: str = "Bám sát bộ tiêu chí nông thôn mới nâng cao."
    content: str = "Xây dựng đường giao thông, chỉnh trang khu dân cư."
    targets: tuple[Target, ...] = field(default=(Target("Xã đạt chuẩn nông thôn mới nâng cao", Decimal(5), "xã"),))
    start_date: date | None = date(2023, 1, 15)
    end_date: date | None = date(2023, 12, 31)


CLEAR = CampaignState()


def reasons_of(state: CampaignState) -> list[str]:
    result = assess_eligibility(state)
    assert result.eligible is (not result.reasons)
    return [reason.code for reason in result.reasons]


def test_eligible_when_every_condition_holds() -> None:
    result = assess_eligibility(CLEAR)
    assert result.eligible is True and result.reasons == []


def test_a_final_review_alone_counts_as_a_review() -> None:
    assert reasons_of(replace(CLEAR, interim_reviews=(), final_review=INTERIM)) == []


def test_not_eligible_when_not_registered() -> None:
    result = assess_eligibility(replace(CLEAR, registration=None))
    assert result.eligible is False
    assert result.reasons == [EligibilityReason("not_registered", MESSAGES[EligibilityCode.NOT_REGISTERED])]
    assert "chưa được đăng ký" in result.reasons[0].message


def test_not_eligible_without_directive_document() -> None:
    assert reasons_of(replace(CLEAR, directive=None)) == ["no_directive_document"]


def test_not_eligible_without_plan() -> None:
    assert reasons_of(replace(CLEAR, plan=None)) == ["no_plan"]


def test_not_eligible_without_interim_or_final_review() -> None:
    assert reasons_of(replace(CLEAR, interim_reviews=(), final_review=None)) == ["no_review"]


def test_not_eligible_when_purpose_is_not_clear() -> None:
    assert reasons_of(replace(CLEAR, purpose="Thi đua tốt")) == ["purpose_unclear"]


def test_not_eligible_when_requirements_are_not_clear() -> None:
    assert reasons_of(replace(CLEAR, requirements="   ")) == ["requirements_unclear"]


def test_not_eligible_when_content_is_not_clear() -> None:
    assert reasons_of(replace(CLEAR, content="Xem kế hoạch")) == ["content_unclear"]


def test_not_eligible_when_no_target_is_measurable() -> None:
    targets = (
        Target("Xã đạt chuẩn", None, "xã"),
        Target("Hộ thoát nghèo", Decimal(0), "hộ"),
        Target("Trường", Decimal(3)),
    )
    assert reasons_of(replace(CLEAR, targets=targets)) == ["targets_unclear"]


def test_not_eligible_when_timeline_is_not_clear() -> None:
    assert reasons_of(replace(CLEAR, end_date=None)) == ["timeline_unclear"]


def test_not_eligible_when_cancelled() -> None:
    assert reasons_of(replace(CLEAR, status="cancelled")) == ["cancelled"]


def test_every_failing_reason_is_listed_in_a_fixed_order() -> None:
    campaign = Campaign.draft(
        code="PT-TRONG",
        name="Phong trào còn trống",
        lead_unit_id="PYT",
        kind="thematic",
        launching_level="district",
        actor=ACTOR,
        at=AT,
    )
    assert reasons_of(campaign) == [
        "not_registered",
        "no_directive_document",
        "no_plan",
        "no_review",
        "purpose_unclear",
        "requirements_unclear",
        "content_unclear",
        "targets_unclear",
        "timeline_unclear",
    ]
    assert all(reason.message for reason in assess_eligibility(campaign).reasons)


def test_clear_text_needs_twenty_characters_and_four_words() -> None:
    assert is_clear_text("  một hai ba bốn năm sáu  ")
    assert not is_clear_text("Mộthaibabốnnămsáubảytám")  # long enough, one word
    assert not is_clear_text("a b c d e")  # five words, too short
