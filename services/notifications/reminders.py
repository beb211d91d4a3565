"""When to chase: the reminder rules, pure (today is an argument, never read from the clock).

- A dossier whose clock runs (received, awaiting its campaign, in appraisal) nears its
  appointment date when at most N working days remain (Vietnamese working days: weekends,
  Tết and public holidays skipped); it has passed it the day after. Both go to the secretariat.
- A campaign under way (registered or launched) without its final review gets a reminder to its
  lead unit when its end date is at most D calendar days away, for each D configured; when
  several thresholds are already reached (the service was down, or the campaign was registered
  late), only the nearest one fires.

Each reminder has a key naming its condition, including the date it is about: a new
appointment date after an extension is a new condition, a restart is not.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from services.notifications.catalogue import (
    REMINDER_APPOINTMENT_NEAR,
    REMINDER_APPOINTMENT_PASSED,
    REMINDER_CAMPAIGN_END,
)
from services.notifications.views import ACTIVE_CAMPAIGN_STATUSES, OPEN_DOSSIER_STATUSES, CampaignView, DossierView
from shared.workdays import WorkingCalendar


@dataclass(frozen=True)
class ReminderRules:
    appointment_working_days: int = 2
    campaign_end_days: tuple[int, ...] = (14, 3)


@dataclass(frozen=True)
class Reminder:
    key: str
    kind: str
    aggregate_id: str
    due_on: date
    payload: dict[str, Any] = field(hash=False)

    @property
    def event_id(self) -> str:
        return f"reminder:{self.key}"


def working_days_between(calendar: WorkingCalendar, start: date, end: date) -> int:
    """Working days d with start < d <= end (0 when end is not after start)."""
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        if calendar.is_working_day(day):
            count += 1
    return count


def dossier_reminders(
    today: date, dossiers: Iterable[DossierView], rules: ReminderRules, calendar: WorkingCalendar
) -> list[Reminder]:
    found = []
    for dossier in dossiers:
        due = dossier.appointment_date
        if due is None or dossier.status not in OPEN_DOSSIER_STATUSES:
            continue
        base = {"today": today.isoformat(), "appointment_date": due.isoformat(), "dossier": dossier.snapshot}
        if today > due:
            kind, key = REMINDER_APPOINTMENT_PASSED, f"dossier-appointment-passed:{dossier.dossier_id}:{due:%Y%m%d}"
            extra = {"working_days_overdue": working_days_between(calendar, due, today)}
        else:
            left = working_days_between(calendar, today, due)
            if left > rules.appointment_working_days:
                continue
            kind, key = REMINDER_APPOINTMENT_NEAR, f"dossier-appointment-near:{dossier.dossier_id}:{due:%Y%m%d}"
            extra = {"working_days_left": left}
        found.append(Reminder(key, kind, dossier.dossier_id, due, {"type": kind, "reminder_key": key, **base, **extra}))
    return found


def campaign_reminders(today: date, campaigns: Iterable[CampaignView], rules: ReminderRules) -> list[Reminder]:
    found = []
    for campaign in campaigns:
        end = campaign.end_date
        if end is None or campaign.final_review_filed or today > end or campaign.status not in ACTIVE_CAMPAIGN_STATUSES:
            continue
        reached = [days for days in rules.campaign_end_days if end - timedelta(days=days) <= today]
        if not reached:
            continue
        threshold = min(reached)
        key = f"campaign-end:{campaign.campaign_id}:{end:%Y%m%d}:{threshold}"
        payload = {
            "type": REMINDER_CAMPAIGN_END,
            "reminder_key": key,
            "today": today.isoformat(),
            "end_date": end.isoformat(),
            "days_left": (end - today).days,
            "threshold_days": threshold,
            "campaign": campaign.snapshot,
        }
        found.append(Reminder(key, REMINDER_CAMPAIGN_END, campaign.campaign_id, end, payload))
    return found


def due_reminders(
    today: date,
    dossiers: Sequence[DossierView],
    campaigns: Sequence[CampaignView],
    rules: ReminderRules,
    calendar: WorkingCalendar,
) -> list[Reminder]:
    return dossier_reminders(today, dossiers, rules, calendar) + campaign_reminders(today, campaigns, rules)
