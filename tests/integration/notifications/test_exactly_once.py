"""Two replicas on one database and one stream send each notice once; claims hold on PostgreSQL too;
reminders fire once whichever replica checks."""

from __future__ import annotations

import contextlib
import threading
from collections import Counter
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from nats.js.client import JetStreamContext
from sqlalchemy import Engine, select

from services.notifications import catalogue, tables, views
from services.notifications.claims import ClaimStore
from services.notifications.contacts import DEV_CONTACTS_FILE, load_contacts
from services.notifications.handlers import handle_event
from services.notifications.planning import PlannedDelivery, Planner, delivery_id_for, delivery_key
from services.notifications.recipients import RecipientResolver
from services.notifications.recording import record_planned
from services.notifications.reminders import ReminderRules
from services.notifications.scheduler import ReminderScheduler
from services.notifications.templates import PACKAGED_TEMPLATES_DIR, NoticeTemplates
from shared.messaging.consumer import Delivery
from shared.reference.org_units import load_org_units
from shared.sqlstore import make_engine
from shared.testing.servers import PostgresServer
from shared.workdays import WorkingCalendar
from tests.support import notification_events as events
from tests.support.notifications import SmtpServer, eventually, publish


async def test_two_replicas_send_each_notice_exactly_once(
    service: Callable[..., Any], smtp: SmtpServer, jetstream: JetStreamContext
) -> None:
    submitted = [
        events.dossier_submitted(f"dossiers-{n}", dossier_id=f"00000000-0000-4000-8000-{n:012d}") for n in range(1, 9)
    ]
    async with contextlib.AsyncExitStack() as stack:
        first = await stack.enter_async_context(service(smtp_port=smtp.port))
        await stack.enter_async_context(service(smtp_port=smtp.port))
        for event in submitted:
            await publish(jetstream, event)
        await eventually(lambda: len(smtp.received) >= 24)
        rows = await eventually(lambda: _all_delivered(first, 40))

    message_ids = Counter(str(m.message["Message-ID"]) for m in smtp.received)
    assert len(smtp.received) == 24 and set(message_ids.values()) == {1}
    assert all(len([a for a in r["history"] if a["outcome"] == "delivered"]) == 1 for r in rows)


async def _all_delivered(client: Any, count: int) -> list[dict[str, Any]] | None:
    rows = (await client.get("/deliveries", params={"limit": 500})).json()
    return rows if len(rows) == count and all(r["status"] == "delivered" for r in rows) else None


def test_a_redelivered_message_records_nothing_new(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'redelivery.sqlite'}")
    tables.create_tables(engine)
    event = events.award_annulled()
    first = Delivery(event.subject, event.event_id, "TDKT_DOSSIERS", 9, 1, {})
    again = Delivery(
        event.subject, "another-msg-id", "TDKT_DOSSIERS", 12, 2, {}
    )  # JetStream redelivery / re-publication

    assert handle_event(engine, planner(), event.payload(), first) is True
    with engine.connect() as conn:
        before = conn.execute(select(tables.deliveries.c.delivery_key)).scalars().all()
    assert handle_event(engine, planner(), event.payload(), again) is False
    with engine.connect() as conn:
        after = conn.execute(select(tables.deliveries.c.delivery_key)).scalars().all()
    assert sorted(after) == sorted(before) and len(before) == 4  # unit inbox + email, nominee inbox + email


def planner() -> Planner:
    contacts = load_contacts(DEV_CONTACTS_FILE, load_org_units())
    return Planner(NoticeTemplates(PACKAGED_TEMPLATES_DIR, catalogue.required_templates()), RecipientResolver(contacts))


def pending_deliveries(engine: Engine, count: int) -> set[str]:
    now = datetime.now(UTC)
    planned = []
    for n in range(count):
        key = delivery_key(f"e-{n}", "PNV", "email", "vanthu.pnv@thanhoai.example")
        planned.append(
            PlannedDelivery(
                delivery_id=delivery_id_for(key),
                delivery_key=key,
                event_id=f"e-{n}",
                event_type="tdkt.dossier.submitted",
                template="dossier_arrived",
                channel="email",
                recipient="PNV",
                recipient_name="Phòng Nội vụ",
                address="vanthu.pnv@thanhoai.example",
                subject="Hồ sơ mới",
                body_text="Kính gửi: Phòng Nội vụ.\n",
            )
        )
    with engine.begin() as conn:
        record_planned(conn, planned, now)
    return {p.delivery_id for p in planned}


def race_for_claims(engine: Engine, workers: int = 4, count: int = 60) -> tuple[set[str], Counter[str]]:
    expected = pending_deliveries(engine, count)
    won: Counter[str] = Counter()
    lock = threading.Lock()
    start = threading.Barrier(workers)

    def work(name: str) -> None:
        store = ClaimStore(engine)
        start.wait()
        while claims := store.claim_due(name, 5, datetime.now(UTC), 60):
            with lock:
                won.update(c.record.delivery_id for c in claims)

    threads = [threading.Thread(target=work, args=(f"w{n}",)) for n in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return expected, won


def test_concurrent_workers_claim_each_delivery_once_on_sqlite(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'claims.sqlite'}")
    tables.create_tables(engine)
    expected, won = race_for_claims(engine)
    assert set(won) == expected and set(won.values()) == {1}


@pytest.mark.postgres
def test_concurrent_workers_claim_each_delivery_once_on_postgresql(postgres: PostgresServer, postgres_db: str) -> None:
    engine = make_engine(postgres.dsn(postgres_db))
    tables.create_tables(engine)
    try:
        expected, won = race_for_claims(engine)
    finally:
        engine.dispose()
    assert set(won) == expected and set(won.values()) == {1}


def test_a_reminder_fires_once_when_two_replicas_check_at_the_same_moment(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'reminders.sqlite'}")
    tables.create_tables(engine)
    event = events.dossier_submitted()
    with engine.begin() as conn:
        views.apply_event(conn, event.payload())
    contacts = load_contacts(DEV_CONTACTS_FILE, load_org_units())
    planner = Planner(
        NoticeTemplates(PACKAGED_TEMPLATES_DIR, catalogue.required_templates()), RecipientResolver(contacts)
    )
    replicas = [ReminderScheduler(engine, planner, ReminderRules(), WorkingCalendar()) for _ in range(4)]
    fired: list[list[str]] = []
    start = threading.Barrier(len(replicas))

    def check(scheduler: ReminderScheduler) -> None:
        start.wait()
        fired.append(scheduler.fire_due(date(2023, 6, 20)))

    threads = [threading.Thread(target=check, args=(s,)) for s in replicas]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert sorted(key for keys in fired for key in keys) == [f"dossier-appointment-passed:{events.DOSSIER_ID}:20230615"]
    with engine.connect() as conn:
        rows = conn.execute(select(tables.deliveries.c.channel, tables.deliveries.c.address)).all()
    assert sorted(rows) == [
        ("email", "thiduakhenthuong.pnv@thanhoai.example"),
        ("email", "vanthu.pnv@thanhoai.example"),
        ("inbox", "PNV"),
    ]
    assert all(s.fire_due(date(2023, 6, 21)) == [] for s in replicas)
