"""Reporting periods: a month, quarter, half year, year or any range of dates in Vietnam.

Bounds are inclusive local dates (Asia/Ho_Chi_Minh): an event recorded at 23:30 UTC on 31 March
happened on 1 April in Vietnam and belongs to the second quarter. Every fact row carries its
local date, so a period is a plain date range. Invalid input is a 422 with a Vietnamese message
per parameter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from shared.errors import FieldErrors
from shared.workdays import VIETNAM_TZ

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
INTERVALS = {"month": "tháng", "quarter": "quý", "half": "6 tháng", "year": "năm"}
PERIOD_HELP = "dùng 2023 (năm), 2023-Q1 … 2023-Q4 (quý), 2023-H1 hoặc 2023-H2 (6 tháng), 2023-03 (tháng)"
DATE_HELP = "dùng định dạng YYYY-MM-DD, ví dụ 2023-01-31"


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    label: str

    def contains(self, day: date | None) -> bool:
        return day is not None and self.start <= day <= self.end

    def as_dict(self) -> dict[str, str]:
        return {
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "label": self.label,
            "timezone": "Asia/Ho_Chi_Minh",
        }


def today_in_vietnam() -> date:
    return datetime.now(VIETNAM_TZ).date()


def vn_date(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def month_end(year: int, month: int) -> date:
    return (date(year + (month == 12), month % 12 + 1, 1)) - timedelta(days=1)


def year_period(year: int) -> Period:
    return Period(date(year, 1, 1), date(year, 12, 31), f"Năm {year}")


def quarter_period(year: int, quarter: int) -> Period:
    first = 3 * quarter - 2
    return Period(date(year, first, 1), month_end(year, first + 2), f"Quý {ROMAN[quarter]} năm {year}")


def half_period(year: int, half: int) -> Period:
    label = "6 tháng đầu năm" if half == 1 else "6 tháng cuối năm"
    return Period(date(year, 6 * half - 5, 1), month_end(year, 6 * half), f"{label} {year}")


def month_period(year: int, month: int) -> Period:
    return Period(date(year, month, 1), month_end(year, month), f"Tháng {month} năm {year}")


def range_period(start: date, end: date) -> Period:
    return Period(start, end, f"Từ ngày {vn_date(start)} đến ngày {vn_date(end)}")


def parse_named_period(text: str) -> Period | None:
    """`2023`, `2023-Q2`, `2023-H1`, `2023-03` (case-insensitive), else None."""
    value = text.strip().upper()
    if m := re.fullmatch(r"(\d{4})", value):
        return year_period(int(m[1]))
    if m := re.fullmatch(r"(\d{4})-Q([1-4])", value):
        return quarter_period(int(m[1]), int(m[2]))
    if m := re.fullmatch(r"(\d{4})-H([12])", value):
        return half_period(int(m[1]), int(m[2]))
    if (m := re.fullmatch(r"(\d{4})-(\d{2})", value)) and 1 <= int(m[2]) <= 12:
        return month_period(int(m[1]), int(m[2]))
    return None


def _parse_date(name: str, text: str | None, errors: dict[str, str]) -> date | None:
    if text is None or not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        errors[name] = f"Ngày không hợp lệ «{text}»; {DATE_HELP}."
        return None


def resolve_period(start: str | None, end: str | None, period: str | None, *, today: date | None = None) -> Period:
    """The period asked for: `period`, or `from`/`to` (a missing `from` is 1 January of `to`'s
    year; a missing `to` is today), or the current year when nothing is given."""
    errors: dict[str, str] = {}
    if period is not None and period.strip():
        if (start and start.strip()) or (end and end.strip()):
            raise FieldErrors(
                {"period": "Không dùng cùng lúc với from/to."},
                "Chỉ dùng một cách chọn kỳ báo cáo: tham số period hoặc cặp from/to.",
            )
        named = parse_named_period(period)
        if named is None:
            raise FieldErrors({"period": f"Không hiểu «{period}»; {PERIOD_HELP}."}, "Kỳ báo cáo không hợp lệ.")
        return named
    first, last = _parse_date("from", start, errors), _parse_date("to", end, errors)
    if errors:
        raise FieldErrors(errors, "Ngày của kỳ báo cáo không hợp lệ.")
    today = today or today_in_vietnam()
    if first is None and last is None:
        return year_period(today.year)
    last = last or today
    first = first or date(last.year, 1, 1)
    if first > last:
        raise FieldErrors(
            {"from": f"Ngày bắt đầu {vn_date(first)} sau ngày kết thúc {vn_date(last)}."},
            "Ngày bắt đầu phải trước hoặc bằng ngày kết thúc.",
        )
    return range_period(first, last)


def split(period: Period, interval: str) -> list[Period]:
    """The months, quarters, halves or years that `period` touches, each clipped to it."""
    parts: list[Period] = []
    day = period.start
    while day <= period.end:
        if interval == "month":
            whole = month_period(day.year, day.month)
        elif interval == "quarter":
            whole = quarter_period(day.year, (day.month - 1) // 3 + 1)
        elif interval == "half":
            whole = half_period(day.year, 1 if day.month <= 6 else 2)
        else:
            whole = year_period(day.year)
        start, end = max(whole.start, period.start), min(whole.end, period.end)
        clipped = whole if (start, end) == (whole.start, whole.end) else range_period(start, end)
        parts.append(clipped)
        day = end + timedelta(days=1)
    return parts
