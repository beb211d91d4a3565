"""The movement's life as the dispatch and the calendar have it: a final review only once the
movement (or a stage) has ended, no correction after closing, registration again only after an
amendment, and the review due date in working days."""

from __future__ import annotations

from datetime import date

import pytest

from services.campaigns.domain.campaign import (
    Campaign,
    DocumentReference,
    Stage,
    is_review_overdue,
    review_due_date,
)
from services.campaigns.domain.errors import CampaignError, CampaignValidationError
from shared.workdays import WorkingCalendar

from .test_campaign_lifecycle import (
    AT,
    DRAFT,
    LEAD,
    REPORT,
    RESULTS,
    SECRETARIAT,
    SYSTEM,
    given_drafted,
    given_final_reviewed,
    given_launched,
)

STAGES = [
    Stage(1, "Học kỳ II", date(2023, 1, 15), date(2023, 5, 31)),
    Stage(2, "Học kỳ I", date(2023, 9, 5), date(2023, 12, 31)),
]


def file_final(campaign: Campaign, filed_on: date) -> None:
    campaign.file_final_review(report=REPORT, summary="Tổng kết", results=RESULTS, filed_on=filed_on, actor=LEAD, at=AT)


def test_a_final_review_only_from_the_movements_end_date() -> None:
    """Dispatch 147 (the lead unit reviews at the end of the movement): a "tổng kết" filed on
    10/12/2023 for a movement that runs to 31/12/2023 reviews what has not happened."""
    campaign = given_launched()
    with pytest.raises(CampaignValidationError) as raised:
        file_final(campaign, date(2023, 12, 10))
    assert "31/12/2023" in raised.value.field_errors["filed_on"]
    file_final(campaign, date(2023, 12, 31))  # from the end date on
    assert campaign.final_review is not None


def test_a_stage_review_only_from_the_stages_end() -> None:
    """Dispatch 147: an interim review (sơ kết) of a stage comes at the end of that stage."""
    campaign = given_launched(stages=STAGES)
    with pytest.raises(CampaignValidationError) as raised:
        campaign.file_interim_review(
            report=REPORT, summary="Sơ kết", filed_on=date(2023, 5, 20), stage=1, actor=LEAD, at=AT
        )
    assert "31/05/2023" in raised.value.field_errors["filed_on"]
    campaign.file_interim_review(report=REPORT, summary="Sơ kết", filed_on=date(2023, 6, 2), stage=1, actor=LEAD, at=AT)
    assert campaign.interim_reviews[0].stage == 1


def test_an_interim_review_without_stages_may_come_any_time_after_launch() -> None:
    campaign = given_launched()
    campaign.file_interim_review(report=REPORT, summary="Sơ kết 6 tháng", filed_on=date(2023, 7, 10), actor=LEAD, at=AT)
    assert len(campaign.interim_reviews) == 1


def test_no_correction_of_the_final_review_after_closing() -> None:
    """History is never rewritten, and a closed movement is closed: its report is what it
    closed on."""
    campaign = given_final_reviewed()
    campaign.close(closed_on=date(2024, 1, 20), actor=LEAD, at=AT)
    with pytest.raises(CampaignError) as raised:
        campaign.correct_final_review(
            report=REPORT,
            summary="Sửa số liệu",
            results=RESULTS,
            filed_on=date(2024, 2, 1),
            reason="Sai số",
            actor=LEAD,
            at=AT,
        )
    assert raised.value.code == "campaign_closed"


def test_registration_again_only_after_an_amendment_following_a_return() -> None:
    """Dispatch 147 (registration with Phòng Nội vụ): a returned registration comes back only
    once the lead unit has amended what the secretariat returned it for."""
    campaign = given_drafted()
    campaign.return_registration(reasons=["Thiếu kế hoạch"], returned_on=date(2023, 1, 16), actor=SECRETARIAT, at=AT)
    with pytest.raises(CampaignError) as raised:
        campaign.register(registration_number="05/ĐK-PNV", registered_on=date(2023, 1, 18), actor=SECRETARIAT, at=AT)
    assert raised.value.code == "registration_returned"
    campaign.amend(
        actor=LEAD, at=AT, reason="Bổ sung kế hoạch", plan=DocumentReference("16/KH-UBND", date(2023, 1, 17))
    )
    campaign.register(registration_number="05/ĐK-PNV", registered_on=date(2023, 1, 18), actor=SECRETARIAT, at=AT)
    assert campaign.registration is not None


CALENDAR = WorkingCalendar.from_file()


def test_the_review_due_date_counts_working_days_across_tet() -> None:
    """Working days skip weekends and public holidays, Tết included (Labour Code Art. 112;
    holidays.Vietnam): a movement ending on 17/1/2025 has Tết Ất Tỵ (25/1–2/2/2025) inside its
    review period, which does not eat the lead unit's time."""
    due = review_due_date(date(2025, 1, 17), 20, CALENDAR)
    assert due == CALENDAR.add_working_days(date(2025, 1, 17), 20) == date(2025, 2, 21)
    campaign = given_launched(start_date=date(2024, 3, 1), end_date=date(2025, 1, 17))
    assert not is_review_overdue(campaign, date(2025, 2, 21), 20, CALENDAR)
    assert is_review_overdue(campaign, date(2025, 2, 24), 20, CALENDAR)


def test_the_overdue_flag_records_the_working_day_due_date() -> None:
    campaign = given_launched(start_date=date(2024, 3, 1), end_date=date(2025, 1, 17))
    assert campaign.flag_review_overdue(
        on=date(2025, 2, 24), review_due_days=20, actor=SYSTEM, at=AT, calendar=CALENDAR
    )
    (flagged,) = campaign.collect_events()
    assert flagged.due_on == date(2025, 2, 21)


def test_the_default_due_period_is_twenty_working_days() -> None:
    """No text gives the period: 20 working days (about the 30 calendar days used before) is a
    setting, `TDKT_CAMPAIGNS_REVIEW_DUE_DAYS`."""
    assert review_due_date(DRAFT["end_date"]) == CALENDAR.add_working_days(date(2023, 12, 31), 20)
