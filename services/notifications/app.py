"""Wiring of the notifications service.

Three loops beside the HTTP API, each with one job: the consumers record what each event calls
for (and ack), the delivery worker sends and retries, the outbox publisher announces outcomes,
and the reminder scheduler fires due reminders once. Start-up fails, with the reason, when a
template or the contacts file is unusable.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections.abc import Callable

from fastapi import FastAPI
from sqlalchemy import Engine

from services.notifications import catalogue, handlers, tables
from services.notifications.channels import Sender
from services.notifications.channels.email import (
    PickupDirectorySender,
    SmtpConfig,
    SmtpEmailSender,
    sender_address,
)
from services.notifications.channels.webhook import SecretLookup, WebhookSender
from services.notifications.claims import ClaimStore
from services.notifications.contacts import ContactBook, load_contacts
from services.notifications.deliveries import DeliveryRecord
from services.notifications.http import notifications as api
from services.notifications.http import policy
from services.notifications.outbox import OutcomePublisher
from services.notifications.planning import Planner
from services.notifications.recipients import EMAIL, WEBHOOK, RecipientResolver
from services.notifications.reminders import ReminderRules
from services.notifications.scheduler import ReminderScheduler
from services.notifications.settings import NotificationsSettings
from services.notifications.subscriptions import subscription_secret
from services.notifications.templates import NoticeTemplates
from services.notifications.worker import DeliveryWorker, RetryPolicy
from shared.contracts.notifications import NotificationDelivered, NotificationFailed
from shared.http.circuit import engine_probe
from shared.http.service import (
    ServiceRuntime,
    create_service_app,
    document_publications,
    jetstream_publisher,
    make_broker,
)
from shared.reference.org_units import OrgUnitDirectory, UnknownUnitError, load_org_units
from shared.settings import TdktSettings
from shared.sqlstore import make_engine
from shared.workdays import WorkingCalendar

SERVICE = "notifications"
log = logging.getLogger(__name__)


def email_sender(settings: NotificationsSettings) -> Sender:
    """SMTP when `TDKT_SMTP_HOST` is set; otherwise the pickup directory, said loudly."""
    sender = sender_address(settings.smtp_sender)
    if settings.smtp_host:
        config = SmtpConfig(
            host=settings.smtp_host,
            port=settings.smtp_port,
            username=settings.smtp_username,
            password=settings.smtp_password,
            use_tls=settings.smtp_use_tls,
            start_tls=settings.smtp_start_tls,
            validate_certs=settings.smtp_validate_certs,
            timeout_seconds=settings.smtp_timeout_seconds,
        )
        log.info("thư điện tử gửi qua máy chủ SMTP %s:%s", config.host, config.port)
        return SmtpEmailSender(config, sender)
    folder = settings.pickup_dir()
    log.warning(
        "chưa cấu hình máy chủ SMTP (TDKT_SMTP_HOST): thư điện tử KHÔNG được gửi đi mà ghi thành tệp .eml trong %s",
        folder.resolve(),
    )
    return PickupDirectorySender(folder, sender)


def webhook_secrets(engine: Engine, contacts: ContactBook) -> SecretLookup:
    """A subscription's own secret, or the unit's (contacts file, else TDKT_WEBHOOK_SECRET)."""

    def lookup(delivery: DeliveryRecord) -> str | None:
        if delivery.subscription_id:
            return subscription_secret(engine, delivery.subscription_id)
        return contacts.unit(delivery.recipient).webhook_secret or None

    return lookup


def unit_name_lookup(units: OrgUnitDirectory) -> Callable[[str], str]:
    """A unit's name for the notices; an unknown code is shown as it is."""

    def name(code: str) -> str:
        try:
            return units.get(str(code)).name
        except UnknownUnitError:
            return str(code)

    return name


def build_app(settings: TdktSettings | None = None) -> FastAPI:
    settings = settings if isinstance(settings, NotificationsSettings) else NotificationsSettings()
    units = load_org_units(settings.org_units_file)
    templates = NoticeTemplates(settings.templates_dir(), catalogue.required_templates(), unit_name_lookup(units))
    contacts = load_contacts(settings.contacts_file(), units, default_webhook_secret=settings.webhook_secret or "")
    log.info("mẫu thông báo: %s; danh bạ liên hệ: %s", templates.folder, settings.contacts_file())
    planner = Planner(templates, RecipientResolver(contacts))
    engine = make_engine(settings.database(SERVICE))
    tables.create_tables(engine)

    broker = make_broker(settings, SERVICE)
    document_publications(broker, [NotificationDelivered, NotificationFailed])
    publisher = OutcomePublisher(
        engine,
        jetstream_publisher(broker),
        batch_size=settings.relay_batch_size,
        poll_seconds=settings.notification_outbox_poll_seconds,
    )
    worker = DeliveryWorker(
        ClaimStore(engine),
        {
            EMAIL: email_sender(settings),
            WEBHOOK: WebhookSender(webhook_secrets(engine, contacts), timeout_seconds=settings.webhook_timeout_seconds),
        },
        RetryPolicy(
            max_attempts=settings.notification_max_attempts,
            base_seconds=settings.notification_retry_base_seconds,
            max_seconds=settings.notification_retry_max_seconds,
        ),
        worker_id=f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}",
        concurrency=settings.notification_worker_concurrency,
        poll_seconds=settings.notification_worker_poll_seconds,
        lease_seconds=settings.notification_lease_seconds,
        on_outcome=publisher.wake,
    )

    def recorded() -> None:
        worker.wake()
        publisher.wake()  # inbox deliveries are delivered (and announced) when recorded

    handlers.register(broker, engine, planner, settings, on_recorded=recorded)

    runtime = ServiceRuntime(
        name=SERVICE,
        settings=settings,
        broker=broker,
        database_checks={"database": engine_probe(engine)},
        on_shutdown=[engine.dispose],
    )
    scheduler = ReminderScheduler(
        engine,
        planner,
        ReminderRules(
            appointment_working_days=settings.notification_appointment_reminder_working_days,
            campaign_end_days=settings.notification_campaign_end_reminder_days,
        ),
        WorkingCalendar.from_file(),
        interval_seconds=settings.notification_reminder_check_seconds,
        caught_up=lambda: handlers.consumers_caught_up(broker, runtime.broker_started.is_set),
        on_recorded=recorded,
    )
    runtime.background_jobs.extend([worker.run, publisher.run, scheduler.run])
    app = create_service_app(
        runtime,
        policy=policy.POLICY,
        title="tdkt – Thông báo",
        description=(
            "Gửi thông báo theo sự kiện phong trào và hồ sơ khen thưởng qua thư điện tử, webhook có chữ ký và "
            "hộp thư trong ứng dụng; mỗi thông báo có hiệu lực đúng một lần; nhắc hạn hồ sơ và tổng kết phong trào."
        ),
        routers=api.routers,
    )
    app.state.engine = engine
    app.state.worker = worker
    app.state.publisher = publisher
    app.state.scheduler = scheduler
    return app
