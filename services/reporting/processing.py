"""Processing time in working days, and the statistics the summary reports on it.

Working days follow `shared.workdays` (weekends, public holidays and Tết, announced swaps), so a
dossier received before Tết is not charged for the holiday. A duration counts the working days
after the receipt day up to and including the result day, the same way an appointment date is
computed from the receipt day (`WorkingCalendar.add_working_days`).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from datetime import date, timedelta
from functools import lru_cache

from shared.workdays import WorkingCalendar


class WorkingDayCounter:
    def __init__(self, calendar: WorkingCalendar) -> None:
        self.calendar = calendar
        self._is_working = lru_cache(maxsize=8192)(calendar.is_working_day)

    def between(self, start: date, end: date) -> int:
        """Working days d with start < d <= end (0 when end is not after start)."""
        count, day = 0, start
        while day < end:
            day += timedelta(days=1)
            count += self._is_working(day)
        return count


def median(values: Sequence[float]) -> float | None:
    return float(statistics.median(values)) if values else None


def nearest_rank(values: Sequence[float], fraction: float) -> float | None:
    """The smallest value with at least `fraction` of the values at or below it; an observed
    value, which reads better in a report than an interpolated one."""
    if not values:
        return None
    ordered = sorted(values)
    return float(ordered[max(math.ceil(fraction * len(ordered)), 1) - 1])
