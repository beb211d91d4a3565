"""Reminder rules, with today passed in: when a dossier nears or passes its appointment date, and
when a campaign's lead unit is reminded of its end date."""

from __future__ import annotations

from datetime import date, timedelta

from services.notifications.catalogue import (
    REMINDER_APPOINTMENT_NEAR,
    REMINDER_APPOINTMENT_PASSED,
    REMINDER_CAMPAIGN_END,
)
from services.notifications.reminders import (
    ReminderRules,
    campaign_reminders,
    dossier_reminders,
    working_days_between,
)
from services.notifications.views import CampaignView, DossierView
from shared.workdays import WorkingCalendar

CALENDAR = WorkingCalendar()
RULES = ReminderRules(appointment_working_days=2, campaign_end_days=(14, 3))
APPOINTMENT = date(2024, 5, 2)  # Thursday after the 30/4 – 1/5 holidays (and the swapped Monday 29/4)


def dossier(status: str = "IN_APPRAISAL", appointment: date | None = APPOINTMENT) -> DossierView:
    return DossierView("d-1", status, appointment, {"dossier_id": "d-1", "receipt_number": "HS-0001"})


def campaign(end: date = date(2023, 12, 31), status: str = "launched", reviewed: bool = False) -> CampaignView:
    return CampaignView("c-1", status, end, reviewed, {"campaign_id": "c-1", "name": "Chuyển đổi số"})


def kinds(today: date, *views: DossierView) -> list[tuple[str, str]]:
    return [(r.kind, r.key) for r in dossier_reminders(today, views, RULES, CALENDAR)]


def test_working_days_skip_weekends_and_the_reunification_holidays() -> None:
    assert working_days_between(CALENDAR, date(2024, 4, 25), APPOINTMENT) == 2  # Fri 26/4 and Thu 2/5
    assert working_days_between(CALENDAR, date(2024, 4, 24), APPOINTMENT) == 3
    assert working_days_between(CALENDAR, APPOINTMENT, APPOINTMENT) == 0


def test_near_fires_n_working_days_before_the_appointment_not_earlier() -> None:
    assert kinds(date(2024, 4, 24), dossier()) == []
    [reminder] = dossier_reminders(date(2024, 4, 25), [dossier()], RULES, CALENDAR)
    assert (reminder.kind, reminder.key) == (REMINDER_APPOINTMENT_NEAR, "dossier-appointment-near:d-1:20240502")
    assert reminder.payload["working_days_left"] == 2
    assert reminder.payload["appointment_date"] == "2024-05-02"


def test_the_same_condition_keeps_its_key_day_after_day_so_it_fires_once() -> None:
    keys = {key for day in range(25, 31) for _, key in kinds(date(2024, 4, day), dossier())}
    assert keys == {"dossier-appointment-near:d-1:20240502"}


def test_passed_fires_the_day_after_the_appointment() -> None:
    assert kinds(APPOINTMENT, dossier()) == [(REMINDER_APPOINTMENT_NEAR, "dossier-appointment-near:d-1:20240502")]
    [reminder] = dossier_reminders(date(2024, 5, 6), [dossier()], RULES, CALENDAR)
    assert (reminder.kind, reminder.key) == (REMINDER_APPOINTMENT_PASSED, "dossier-appointment-passed:d-1:20240502")
    assert reminder.payload["working_days_overdue"] == 3  # Fri 3/5, Sat 4/5 (a make-up working day), Mon 6/5


def test_a_new_appointment_date_after_an_extension_is_a_new_condition() -> None:
    extended = dossier(appointment=date(2024, 5, 9))
    assert kinds(date(2024, 5, 8), extended) == [(REMINDER_APPOINTMENT_NEAR, "dossier-appointment-near:d-1:20240509")]


def test_no_reminder_while_the_clock_is_stopped_or_after_the_matter_is_closed() -> None:
    assert kinds(date(2024, 5, 6), dossier(status="AWAITING_SUPPLEMENT", appointment=None)) == []
    assert kinds(date(2024, 5, 6), dossier(status="RESULT_RETURNED")) == []
    assert kinds(date(2024, 5, 6), dossier(status="REFUSED")) == []


def test_campaign_end_reminders_fire_at_each_threshold() -> None:
    end = date(2023, 12, 31)
    assert campaign_reminders(end - timedelta(days=15), [campaign()], RULES) == []
    [first] = campaign_reminders(end - timedelta(days=14), [campaign()], RULES)
    assert (first.kind, first.key) == (REMINDER_CAMPAIGN_END, "campaign-end:c-1:20231231:14")
    assert first.payload["days_left"] == 14
    [second] = campaign_reminders(end - timedelta(days=3), [campaign()], RULES)
    assert second.key == "campaign-end:c-1:20231231:3"


def test_only_the_nearest_threshold_fires_when_several_are_already_reached() -> None:
    [late] = campaign_reminders(date(2023, 12, 30), [campaign()], RULES)
    assert late.key == "campaign-end:c-1:20231231:3"


def test_no_campaign_reminder_once_reviewed_ended_or_not_under_way() -> None:
    day = date(2023, 12, 28)
    assert campaign_reminders(day, [campaign(reviewed=True)], RULES) == []
    assert campaign_reminders(date(2024, 1, 1), [campaign()], RULES) == []
    assert campaign_reminders(day, [campaign(status="draft")], RULES) == []
    assert campaign_reminders(day, [campaign(status="cancelled")], RULES) == []
