"""Time: a dossier received outside working time counts from the next working day, and the
appointment date runs from the moment the dossier is complete."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from services.dossiers.domain.dossier import Dossier
from shared.workdays import VIETNAM_TZ, WorkingCalendar
from tests.support.dossiers import (
    AD_HOC,
    CLERK,
    SECRETARY,
    at,
    attachments,
    calendar,
    form,
    next_moment,
    rules,
    submission,
    supplied,
)


def receive(moment: datetime, rule_set_id: str = "2024-nd98", **overrides) -> Dossier:
    return Dossier.submit(
        rules=rules(rule_set_id), calendar=calendar(), receipt_number="000001/TEST/TN", at=moment,
        **submission(**overrides),
    )  # fmt: skip


def ten_working_days_after(day: date) -> date:
    return calendar().add_working_days(day, 10)


@pytest.mark.parametrize(
    ("received_at", "counted_from", "why"),
    [
        (at(date(2024, 6, 7), 9), date(2024, 6, 7), "Friday morning: that day"),
        (at(date(2024, 6, 7), 12, 30), date(2024, 6, 7), "lunch break: the office reopens that day"),
        (at(date(2024, 6, 7), 6, 30), date(2024, 6, 7), "before opening: the office opens that day"),
        (at(date(2024, 6, 7), 17, 30), date(2024, 6, 10), "after closing on Friday: Monday"),
        (at(date(2024, 6, 8), 10), date(2024, 6, 10), "Saturday (online portal): Monday"),
        (at(date(2024, 9, 2), 10), date(2024, 9, 4), "National Day holiday 2–3/9/2024: Wednesday"),
        (at(date(2025, 1, 28), 10), date(2025, 2, 3), "Tết Ất Tỵ (25/1–2/2/2025): the Monday after"),
    ],
)
def test_a_dossier_received_outside_working_time_counts_from_the_next_working_day(received_at, counted_from, why):
    """One-stop rule for dossiers received online or by post outside working hours: the receipt
    counts from the next working day (the rule's article is unconfirmed; office hours are data in
    shared/reference/calendar.yaml, 08:00–12:00 and 13:00–17:00 by default). The deadline's 10
    working days then run after that day."""
    dossier = receive(received_at, channel="ONLINE_PORTAL")
    assert dossier.appointment_date == ten_working_days_after(counted_from), why
    assert dossier.counted_from == counted_from, why


def test_the_appointment_date_runs_from_the_moment_the_dossier_is_complete():
    """The deadline counts from a complete dossier: an incomplete one gets no appointment at
    receipt; the supplement that completes it starts the clock — counted, like a receipt, from the
    next working day when it arrives after hours."""
    dossier = receive(at(date(2024, 6, 3), 9), attachments=attachments("SUBMISSION_MEMO"))
    assert dossier.appointment_date is None
    dossier.request_supplement(missing=["Báo cáo thành tích"], actor=SECRETARY, at=next_moment(dossier))
    friday_evening = datetime.combine(date(2024, 6, 7), time(19, 45), tzinfo=VIETNAM_TZ)
    dossier.supplement(
        rules=rules("2024-nd98"), calendar=calendar(), actor=CLERK, at=friday_evening,
        attachments=supplied("ACHIEVEMENT_REPORT", "REVIEW_MINUTES", "BALLOT_RESULT", "INITIATIVE_CERTIFICATION"),
    )  # fmt: skip
    assert dossier.counted_from == date(2024, 6, 10)
    assert dossier.appointment_date == ten_working_days_after(date(2024, 6, 10))


def test_a_supplement_that_leaves_the_dossier_incomplete_sets_no_appointment():
    dossier = receive(at(date(2024, 6, 3), 9), attachments=attachments("SUBMISSION_MEMO"))
    dossier.request_supplement(missing=["Báo cáo thành tích"], actor=SECRETARY, at=next_moment(dossier))
    dossier.supplement(
        rules=rules("2024-nd98"), calendar=calendar(), actor=CLERK, at=next_moment(dossier),
        attachments=supplied("ACHIEVEMENT_REPORT"),
    )  # fmt: skip
    assert dossier.appointment_date is None


def test_a_complete_ad_hoc_dossier_gets_its_appointment_at_receipt():
    dossier = receive(
        at(date(2024, 6, 3), 9), kind="AD_HOC", award_type="AD_HOC", feat_date=date(2024, 6, 1),
        nominees=[{**form()["nominees"][0], "award": "CERTIFICATE_OF_MERIT"}], attachments=attachments(*AD_HOC),
    )  # fmt: skip
    assert dossier.appointment_date == calendar().add_working_days(date(2024, 6, 3), 8)


def test_office_hours_are_data():
    """A locality with other hours sets them in calendar.yaml; the counting follows."""
    late = WorkingCalendar(office_hours=[(time(7, 30), time(11, 30)), (time(13, 30), time(17, 30))])
    friday_1720 = at(date(2024, 6, 7), 17, 20)
    assert late.counting_start(friday_1720) == date(2024, 6, 7)
    assert WorkingCalendar().counting_start(friday_1720) == date(2024, 6, 10)
    assert WorkingCalendar.from_file().office_hours == ((time(8), time(12)), (time(13), time(17)))
