"""Settings of the notifications service (environment, prefix `TDKT_`).

Every delay is a setting so that tests run the real retry and reminder loops in milliseconds;
the defaults suit a district office (a mail server that is down for an hour still gets the mail).
"""

from __future__ import annotations

from pathlib import Path

from services.notifications.contacts import DEV_CONTACTS_FILE
from services.notifications.templates import PACKAGED_TEMPLATES_DIR
from shared.settings import TdktSettings


class NotificationsSettings(TdktSettings):
    notifications_database_url: str | None = None
    """Deliveries, inbox, subscriptions and read models; SQLite under var/ when unset."""
    notification_templates_dir: Path | None = None
    """Jinja2 templates, one folder per notice; the packaged Vietnamese set when unset."""
    notification_contacts_file: Path | None = None
    """Unit code → email addresses and webhook (YAML); the packaged dev set (@thanhoai.example) when unset."""
    notification_pickup_dir: Path | None = None
    """Where emails are written as .eml files when no SMTP server is configured; var/outbox when unset."""

    smtp_host: str | None = None
    """SMTP server; when unset, emails go to the pickup directory instead (development)."""
    smtp_port: int = 25
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_use_tls: bool = False
    """Implicit TLS from the first byte (port 465)."""
    smtp_start_tls: bool | None = None
    """STARTTLS: True requires it, False never, unset uses it when the server offers it."""
    smtp_validate_certs: bool = True
    smtp_timeout_seconds: float = 30.0
    smtp_sender: str = "Hệ thống thi đua – khen thưởng <thongbao@thanhoai.example>"
    """From: header and envelope sender (display name and address)."""

    webhook_secret: str | None = None
    """Signing key for units' webhooks that have no `webhook_secret` of their own in the contacts file."""
    webhook_timeout_seconds: float = 10.0

    notification_max_attempts: int = 8
    notification_retry_base_seconds: float = 30.0
    """First retry delay; doubled on each attempt (exponential back-off) up to the maximum."""
    notification_retry_max_seconds: float = 3600.0
    notification_worker_poll_seconds: float = 2.0
    notification_worker_concurrency: int = 8
    notification_lease_seconds: float = 120.0
    """How long a worker owns a claimed delivery; longer than any send may take (timeouts above)."""
    notification_outbox_poll_seconds: float = 1.0

    notification_reminder_check_seconds: float = 300.0
    notification_appointment_reminder_working_days: int = 2
    """Remind the secretariat this many working days before a dossier's appointment date."""
    notification_campaign_end_reminder_days: tuple[int, ...] = (14, 3)
    """Remind a campaign's lead unit this many calendar days before its end date (once per threshold)."""

    def templates_dir(self) -> Path:
        return self.notification_templates_dir or PACKAGED_TEMPLATES_DIR

    def contacts_file(self) -> Path:
        return self.notification_contacts_file or DEV_CONTACTS_FILE

    def pickup_dir(self) -> Path:
        return self.notification_pickup_dir or self.var_dir / "outbox"

    def database(self, service: str) -> str:
        return self.database_url(service, self.notifications_database_url)
