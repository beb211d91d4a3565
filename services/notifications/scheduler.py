"""The reminder scheduler: every few minutes, fire the reminders that are due, each exactly once.

Firing a reminder is one transaction: insert its key into `notification_reminders` (primary
key), plan its deliveries and record them. Whichever replica inserts the key first sends it; the
other gets an IntegrityError and does nothing; a restart finds the key and does nothing. The
scheduler waits until the consumers have caught up with the streams, so that it does not chase
a dossier whose "result returned" event is still waiting to be read.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime

from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError

from services.notifications import views
from services.notifications.planning import Occurrence, Planner
from services.notifications.recording import record_planned
from services.notifications.reminders import Reminder, ReminderRules, due_reminders
from services.notifications.tables import reminders
from shared.background import BackgroundLoop
from shared.history import today_in_vietnam
from shared.workdays import WorkingCalendar

log = logging.getLogger(__name__)


class ReminderScheduler:
    def __init__(
        self,
        engine: Engine,
        planner: Planner,
        rules: ReminderRules,
        calendar: WorkingCalendar,
        *,
        interval_seconds: float = 300.0,
        today: Callable[[], date] = today_in_vietnam,
        caught_up: Callable[[], Awaitable[bool]] | None = None,
        on_recorded: Callable[[], None] = lambda: None,
    ) -> None:
        self.engine = engine
        self.planner = planner
        self.rules = rules
        self.calendar = calendar
        self.interval_seconds = interval_seconds
        self.today = today
        self.caught_up = caught_up
        self.on_recorded = on_recorded

    def fire_due(self, today: date) -> list[str]:
        """Fire every due reminder not fired before; returns the keys fired now."""
        with self.engine.connect() as conn:
            due = due_reminders(
                today, views.open_dossiers(conn), views.active_campaigns(conn), self.rules, self.calendar
            )
            keys = [r.key for r in due]
            fired_before = set(
                conn.execute(select(reminders.c.reminder_key).where(reminders.c.reminder_key.in_(keys))).scalars()
            )
        return [r.key for r in due if r.key not in fired_before and self.fire(r)]

    def fire(self, reminder: Reminder) -> bool:
        """Record the reminder and its deliveries in one transaction; False if already fired."""
        now = datetime.now(UTC)
        try:
            with self.engine.begin() as conn:
                conn.execute(
                    reminders.insert().values(
                        reminder_key=reminder.key,
                        kind=reminder.kind,
                        aggregate_id=reminder.aggregate_id,
                        due_on=reminder.due_on,
                        fired_at=now,
                    )
                )
                campaign_id = (reminder.payload.get("dossier") or {}).get("campaign_id")
                campaign = views.campaign_snapshot(conn, campaign_id)
                occurrence = Occurrence(reminder.event_id, reminder.kind, reminder.payload, campaign)
                record_planned(conn, self.planner.plan(occurrence), now)
        except IntegrityError:
            return False  # another replica fired it first
        return True

    async def run(self) -> None:
        """Every `interval_seconds` (`shared.background`), once the consumers have caught up."""
        await BackgroundLoop(
            "reminder scheduler",
            self._round,
            interval=self.interval_seconds,
            max_backoff=self.interval_seconds,
            on_error=lambda _: log.exception("lượt kiểm tra nhắc việc bị lỗi; sẽ thử lại"),
        ).run()

    async def _round(self) -> None:
        if self.caught_up is None or await self.caught_up():
            fired = await asyncio.to_thread(self.fire_due, self.today())
            if fired:
                log.info("đã phát %d nhắc việc: %s", len(fired), ", ".join(fired))
                self.on_recorded()
