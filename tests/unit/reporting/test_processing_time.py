"""Processing time counts working days (weekends, holidays and Tết excluded), from the day after
receipt to the result day; the 90th percentile is an observed value."""

from __future__ import annotations

from datetime import date

from services.reporting.processing import WorkingDayCounter, median, nearest_rank
from shared.workdays import WorkingCalendar

COUNTER = WorkingDayCounter(WorkingCalendar.from_file())


def test_a_week_of_work_is_five_days() -> None:
    assert COUNTER.between(date(2023, 3, 3), date(2023, 3, 10)) == 5  # Friday to Friday


def test_tet_is_not_charged_to_the_administration() -> None:
    # Tết Quý Mão: 20–26 January 2023 off. Received Thursday 19 January, result Friday 3 February:
    # Friday 27 January, then 30 January – 3 February.
    assert COUNTER.between(date(2023, 1, 19), date(2023, 2, 3)) == 6


def test_a_result_on_the_receipt_day_took_no_working_day() -> None:
    assert COUNTER.between(date(2023, 3, 10), date(2023, 3, 10)) == 0


def test_median_and_nearest_rank_percentile() -> None:
    values = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3]
    assert median(values) == 3.5
    assert nearest_rank(values, 0.9) == 6.0
    assert nearest_rank([7], 0.9) == 7.0
    assert median([]) is None and nearest_rank([], 0.9) is None
