"""Working days for the law's deadlines: weekends, Vietnamese public holidays (Tết included) and
the government's announced swaps.

`holidays.Vietnam` knows the statutory holidays, Tết and the swaps it ships with (its
`weekend_workdays` are make-up Saturdays). Swaps the library does not know yet are data in
`shared/reference/calendar.yaml`, so a newly announced one is a data change, not a code change.
Dates that the law counts are local dates in Vietnam (UTC+7 all year, no daylight saving).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import holidays
import yaml

VIETNAM_TZ = timezone(timedelta(hours=7), "Asia/Ho_Chi_Minh")
DEFAULT_CALENDAR_FILE = Path(__file__).parent / "reference" / "calendar.yaml"


def local_date(at: datetime) -> date:
    """The date in Vietnam at an aware instant (a receipt at 01:00 ICT belongs to that ICT day)."""
    if at.tzinfo is None:
        raise ValueError("at must be timezone-aware")
    return at.astimezone(VIETNAM_TZ).date()


class WorkingCalendar:
    """Answers 'is this a working day' and adds working days, skipping weekends and holidays."""

    def __init__(self, extra_days_off: Iterable[date] = (), make_up_working_days: Iterable[date] = ()) -> None:
        self.extra_days_off = frozenset(extra_days_off)
        self.make_up_working_days = frozenset(make_up_working_days)
        self._years: dict[int, holidays.HolidayBase] = {}
        self._lock = threading.Lock()

    def _holidays(self, year: int) -> holidays.HolidayBase:
        # holidays objects populate years lazily; one object per year, built under a lock,
        # keeps lookups safe from several request threads.
        with self._lock:
            if year not in self._years:
                self._years[year] = holidays.Vietnam(years=year)
            return self._years[year]

    def is_working_day(self, day: date) -> bool:
        if day in self.make_up_working_days:
            return True
        if day in self.extra_days_off:
            return False
        return bool(self._holidays(day.year).is_working_day(day))

    def add_working_days(self, start: date, days: int) -> date:
        """The `days`-th working day after `start` (the receipt day itself is not counted)."""
        if days < 0:
            raise ValueError("days must not be negative")
        day, counted = start, 0
        while counted < days:
            day += timedelta(days=1)
            if self.is_working_day(day):
                counted += 1
        return day

    @classmethod
    def from_file(cls, path: Path = DEFAULT_CALENDAR_FILE) -> WorkingCalendar:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        return cls(
            extra_days_off=[e["date"] for e in data.get("extra_days_off") or []],
            make_up_working_days=[e["date"] for e in data.get("make_up_working_days") or []],
        )
