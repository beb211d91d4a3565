"""Working days for the law's deadlines: weekends, Vietnamese public holidays (Tết included) and
the government's announced swaps, and the office hours within a working day.

`holidays.Vietnam` knows the statutory holidays, Tết and the swaps it ships with (its
`weekend_workdays` are make-up Saturdays). Swaps the library does not know yet are data in
`shared/reference/calendar.yaml`, so a newly announced one is a data change, not a code change.
Office hours are data in the same file. Dates that the law counts are local dates in Vietnam
(UTC+7 all year, no daylight saving).

A dossier received outside working time (a weekend, a holiday, after closing) is counted from the
next working day: `counting_start` gives the day from which its working days run.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta, timezone
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


DEFAULT_OFFICE_HOURS: tuple[tuple[time, time], ...] = ((time(8, 0), time(12, 0)), (time(13, 0), time(17, 0)))
"""08:00-12:00 and 13:00-17:00: a default, not a confirmed rule for any locality (calendar.yaml)."""


class WorkingCalendar:
    """Answers 'is this a working day' and adds working days, skipping weekends and holidays."""

    def __init__(
        self,
        extra_days_off: Iterable[date] = (),
        make_up_working_days: Iterable[date] = (),
        office_hours: Sequence[tuple[time, time]] = DEFAULT_OFFICE_HOURS,
    ) -> None:
        self.extra_days_off = frozenset(extra_days_off)
        self.make_up_working_days = frozenset(make_up_working_days)
        self.office_hours = tuple(sorted(office_hours))
        if not self.office_hours or any(start >= end for start, end in self.office_hours):
            raise ValueError("office hours need at least one period, each ending after it starts")
        self._years: dict[int, holidays.HolidayBase] = {}
        self._lock = threading.Lock()
        self._working: dict[date, bool] = {}
        """Answers already given: deadlines and processing times count day by day, often the same days."""

    def _holidays(self, year: int) -> holidays.HolidayBase:
        # holidays objects populate years lazily; one object per year, built under a lock,
        # keeps lookups safe from several request threads.
        with self._lock:
            if year not in self._years:
                self._years[year] = holidays.Vietnam(years=year)
            return self._years[year]

    def is_working_day(self, day: date) -> bool:
        known = self._working.get(day)
        if known is None:
            known = self._working[day] = self._is_working_day(day)
        return known

    def _is_working_day(self, day: date) -> bool:
        if day in self.make_up_working_days:
            return True
        if day in self.extra_days_off:
            return False
        return bool(self._holidays(day.year).is_working_day(day))

    def next_working_day(self, day: date) -> date:
        """The first working day after `day`."""
        return self.add_working_days(day, 1)

    def in_office_hours(self, at: datetime) -> bool:
        """Whether `at` (any time zone) falls in an office period of a working day in Vietnam."""
        local = at.astimezone(VIETNAM_TZ)
        moment = local.time().replace(tzinfo=None)
        return self.is_working_day(local.date()) and any(s <= moment < e for s, e in self.office_hours)

    def counting_start(self, at: datetime) -> date:
        """The working day from which a dossier received at `at` is counted.

        Received on a working day before the office closes (early morning and lunch included: the
        office opens later that day), it counts from that day; received after closing, on a
        weekend or a holiday, it counts from the next working day. The deadline's N working days
        run after this day, as after a receipt day.
        """
        local = at.astimezone(VIETNAM_TZ)
        day, moment = local.date(), local.time().replace(tzinfo=None)
        if self.is_working_day(day) and moment < self.office_hours[-1][1]:
            return day
        return self.next_working_day(day)

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
        periods = [(_clock(p["start"]), _clock(p["end"])) for p in data.get("office_hours") or []]
        return cls(
            extra_days_off=[e["date"] for e in data.get("extra_days_off") or []],
            make_up_working_days=[e["date"] for e in data.get("make_up_working_days") or []],
            office_hours=periods or DEFAULT_OFFICE_HOURS,
        )


def _clock(value: object) -> time:
    """`"08:00"` (or YAML's sexagesimal int for an unquoted 08:00) as a time of day."""
    if isinstance(value, int):  # YAML 1.1 reads an unquoted 8:00 as 480 (minutes)
        return time(value // 60, value % 60)
    return time.fromisoformat(str(value))
