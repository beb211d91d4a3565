"""Reporting periods: months, quarters, halves, years or any range, in Vietnamese dates; wrong
input is a 422 naming the parameter, in Vietnamese."""

from __future__ import annotations

from datetime import date

import pytest

from services.reporting.periods import resolve_period, split
from shared.errors import FieldErrors


@pytest.mark.parametrize(
    ("period", "start", "end", "label"),
    [
        ("2023", date(2023, 1, 1), date(2023, 12, 31), "Năm 2023"),
        ("2023-Q2", date(2023, 4, 1), date(2023, 6, 30), "Quý II năm 2023"),
        ("2023-q4", date(2023, 10, 1), date(2023, 12, 31), "Quý IV năm 2023"),
        ("2023-H1", date(2023, 1, 1), date(2023, 6, 30), "6 tháng đầu năm 2023"),
        ("2023-H2", date(2023, 7, 1), date(2023, 12, 31), "6 tháng cuối năm 2023"),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29), "Tháng 2 năm 2024"),
    ],
)
def test_named_periods(period: str, start: date, end: date, label: str) -> None:
    chosen = resolve_period(None, None, period)
    assert (chosen.start, chosen.end, chosen.label) == (start, end, label)


def test_a_date_range_includes_both_ends() -> None:
    chosen = resolve_period("2023-03-15", "2023-04-14", None)
    assert (chosen.start, chosen.end) == (date(2023, 3, 15), date(2023, 4, 14))
    assert chosen.label == "Từ ngày 15/03/2023 đến ngày 14/04/2023"
    assert chosen.contains(date(2023, 4, 14)) and not chosen.contains(date(2023, 4, 15))


def test_missing_bounds_default_to_the_year_and_today_in_vietnam() -> None:
    today = date(2023, 5, 20)
    assert resolve_period(None, None, None, today=today).label == "Năm 2023"
    assert resolve_period("2023-03-01", None, None, today=today).end == today
    assert resolve_period(None, "2023-03-31", None, today=today).start == date(2023, 1, 1)


@pytest.mark.parametrize(
    ("start", "end", "period", "field", "message"),
    [
        ("2023-02-30", None, None, "from", "Ngày không hợp lệ «2023-02-30»"),
        (None, "31/12/2023", None, "to", "Ngày không hợp lệ «31/12/2023»"),
        ("2023-05-01", "2023-04-30", None, "from", "Ngày bắt đầu 01/05/2023 sau ngày kết thúc 30/04/2023."),
        (None, None, "2023-Q5", "period", "Không hiểu «2023-Q5»"),
        ("2023-01-01", None, "2023", "period", "Không dùng cùng lúc với from/to."),
    ],
)
def test_wrong_periods_are_refused_with_a_message_per_parameter(
    start: str | None, end: str | None, period: str | None, field: str, message: str
) -> None:
    with pytest.raises(FieldErrors) as refused:
        resolve_period(start, end, period)
    assert message in refused.value.field_errors[field]


def test_a_range_splits_into_clipped_months_and_quarters() -> None:
    chosen = resolve_period("2023-02-15", "2023-04-10", None)
    assert [p.label for p in split(chosen, "month")] == [
        "Từ ngày 15/02/2023 đến ngày 28/02/2023",
        "Tháng 3 năm 2023",
        "Từ ngày 01/04/2023 đến ngày 10/04/2023",
    ]
    assert [(p.start, p.end) for p in split(chosen, "quarter")] == [
        (date(2023, 2, 15), date(2023, 3, 31)),
        (date(2023, 4, 1), date(2023, 4, 10)),
    ]
    assert [p.label for p in split(resolve_period(None, None, "2023"), "half")] == [
        "6 tháng đầu năm 2023",
        "6 tháng cuối năm 2023",
    ]
