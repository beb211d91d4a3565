"""Working days: weekends, Vietnamese public holidays with Tết, and announced swaps."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from shared.workdays import WorkingCalendar, local_date

CAL = WorkingCalendar()


def test_a_weekend_is_skipped():
    assert CAL.add_working_days(date(2024, 6, 7), 1) == date(2024, 6, 10)  # Fri → Mon


def test_a_receipt_on_sunday_counts_from_monday():
    assert CAL.add_working_days(date(2024, 6, 9), 1) == date(2024, 6, 10)


def test_zero_days_is_the_day_itself():
    assert CAL.add_working_days(date(2024, 6, 7), 0) == date(2024, 6, 7)


@pytest.mark.parametrize(
    ("received", "days", "due"),
    [
        # Tết Giáp Thìn 2024: off Thu 8/2 – Wed 14/2.
        (date(2024, 2, 7), 1, date(2024, 2, 15)),
        (date(2024, 2, 7), 10, date(2024, 2, 28)),
        # Tết Ất Tỵ 2025: off Mon 27/1 – Sat 1/2 (with the weekends, 25/1 – 2/2).
        (date(2025, 1, 24), 1, date(2025, 2, 3)),
        (date(2025, 1, 24), 8, date(2025, 2, 12)),
        # Tết Bính Ngọ 2026: off Mon 16/2 – Fri 20/2 (with the weekends, 14/2 – 22/2).
        (date(2026, 2, 13), 1, date(2026, 2, 23)),
        (date(2026, 2, 13), 20, date(2026, 3, 20)),
    ],
)
def test_tet_holidays_are_not_working_days(received, days, due):
    assert CAL.add_working_days(received, days) == due


@pytest.mark.parametrize("day", [date(2024, 2, 12), date(2025, 1, 29), date(2026, 2, 17)])
def test_lunar_new_year_days_are_off(day):
    assert not CAL.is_working_day(day)


def test_a_make_up_saturday_known_to_the_library_is_a_working_day():
    # 2025: Fri 2/5 off, worked on Sat 26/4 instead; 30/4 and 1/5 are holidays.
    assert CAL.add_working_days(date(2025, 4, 25), 1) == date(2025, 4, 26)
    assert CAL.add_working_days(date(2025, 4, 25), 4) == date(2025, 5, 5)


def test_an_announced_extra_day_off_from_data_is_skipped():
    cal = WorkingCalendar(extra_days_off=[date(2025, 6, 2)])
    assert cal.add_working_days(date(2025, 5, 30), 1) == date(2025, 6, 3)


def test_an_announced_make_up_working_saturday_from_data_counts():
    cal = WorkingCalendar(make_up_working_days=[date(2025, 6, 7)])
    assert cal.add_working_days(date(2025, 6, 6), 1) == date(2025, 6, 7)


def test_the_calendar_file_loads():
    cal = WorkingCalendar.from_file()
    assert cal.add_working_days(date(2024, 2, 7), 1) == date(2024, 2, 15)


def test_the_local_date_is_vietnam_time():
    assert local_date(datetime(2025, 6, 30, 18, 0, tzinfo=UTC)) == date(2025, 7, 1)


def test_a_naive_time_has_no_local_date():
    with pytest.raises(ValueError):
        local_date(datetime(2025, 6, 30, 18, 0))
