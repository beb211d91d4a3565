"""Today as the services see it: the date in Vietnam, not the machine's (UTC on CI). Between
17:00 and 24:00 UTC the two differ, and a decision dated the machine's day would fall before a
dossier received "today" in Vietnam."""

from __future__ import annotations

from datetime import UTC, date, datetime

from shared.workdays import local_date


def today_in_vietnam() -> date:
    return local_date(datetime.now(UTC))
