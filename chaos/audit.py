"""The invariants checked after every scenario, computed independently of the services' own claims.

- Every acknowledged command has its event stored (the aggregate at that version is in the
  event store), and every stored event that has a contract is in its stream exactly once (by
  `ce-id`; copies the harness injected on purpose are set aside), each aggregate in version order.
- Reporting applied each of them once: its event rows cover the stored events, no aggregate
  version appears twice, and its totals (movements and dossiers by status) equal the totals
  computed from the event stores themselves.
- No notice was sent twice for one event and recipient (two Message-IDs), and every delivery
  ended delivered or failed.
- Receipt numbers are unique, and so are decision numbers in each authority's register; every
  `/readyz` answers 200 again.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from dataclasses import dataclass, field
from enum import Enum
from typing import Any
from uuid import UUID

import httpx
import nats
from sqlalchemy import func, select

from chaos.system import System
from chaos.workload import Workload
from services.campaigns.application import Campaigns
from services.campaigns.publishing import map_campaign_event
from services.dossiers.application import Dossiers
from services.dossiers.publishing import dossier_event_mapper
from services.notifications.tables import deliveries
from services.reporting.generations import live_generation
from services.reporting.tables import projection_tables
from shared.contracts.campaigns import CampaignEvent
from shared.contracts.dossiers import DossierEvent
from shared.eventstore import TdktApplication
from shared.messaging.relay import envelope_for
from shared.reference.org_units import load_org_units
from shared.sqlstore import make_engine
from shared.streams import CAMPAIGNS, DOSSIERS

INJECTED = "chaos-"
"""`Nats-Msg-Id` prefix of every message the harness publishes itself (copies, poison)."""


@dataclass(frozen=True)
class StoredEvent:
    service: str
    event_id: str
    aggregate_id: str
    version: int
    subject: str
    reported: bool = True
    """Whether reporting projects it: campaigns' and dossiers' events, not the year's registers,
    rounds and councils (published for other subscribers, not counted by reporting)."""


@dataclass
class Row:
    scenario: str
    acknowledged: int = 0
    stored: int = 0
    published: int = 0
    applied: int = 0
    for_subscribers: int = 0
    """Published events no tdkt service projects (the year's registers, rounds, councils)."""
    duplicates: int = 0
    losses: int = 0
    seconds: float = 0.0
    failures: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures and not self.duplicates and not self.losses


def _value(status: Any) -> str:
    return str(status.value if isinstance(status, Enum) else status)


def open_store(system: System, service: str) -> TdktApplication:
    if system.databases is not None:
        env = system.databases.eventsourcing_env(service, direct=True)
    else:
        env = {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(system.store_path(service))}
    if service == "campaigns":
        return Campaigns(env=env, units=load_org_units())
    return Dossiers(env=env)


def stored_events(system: System) -> tuple[list[StoredEvent], dict[str, Counter[str]], list[str], list[str]]:
    """Every stored event that has a published contract; status totals; receipt numbers; decision
    numbers (with their authority and year, one per decided dossier)."""
    units = load_org_units()
    mappers = {"campaigns": map_campaign_event, "dossiers": dossier_event_mapper(units)}
    events: list[StoredEvent] = []
    totals: dict[str, Counter[str]] = {}
    receipts: list[str] = []
    decisions: list[str] = []
    for service in ("campaigns", "dossiers"):
        app = open_store(system, service)
        try:
            aggregates: set[UUID] = set()
            position = 0
            while batch := app.notification_log.select(start=position + 1, limit=500):
                for notification in batch:
                    domain_event = app.mapper.to_domain_event(notification)
                    envelope = envelope_for(service, notification, domain_event)
                    contract = mappers[service](app, domain_event, envelope)
                    if contract is None:
                        continue
                    reported = isinstance(contract, CampaignEvent | DossierEvent)  # what reporting projects
                    if reported:
                        aggregates.add(notification.originator_id)
                    events.append(
                        StoredEvent(
                            service,
                            envelope.event_id,
                            str(notification.originator_id),
                            notification.originator_version,
                            contract.subject,
                            reported,
                        )
                    )
                position = batch[-1].id
            totals[service] = Counter()
            for aggregate_id in aggregates:
                aggregate = app.repository.get(aggregate_id)
                totals[service][_value(aggregate.status)] += 1
                if service == "dossiers":
                    receipts.append(aggregate.receipt_number)
                    decision = aggregate.decision
                    if decision is not None and decision.number:
                        decisions.append(f"{decision.authority} {decision.decision_date.year} {decision.number}")
        finally:
            app.close()
    return events, totals, receipts, decisions


async def stream_contents(url: str, streams: tuple[str, ...]) -> list[tuple[str, dict[str, str], bytes]]:
    nc = await nats.connect(url)
    try:
        js = nc.jetstream()
        out = []
        for stream in streams:
            info = await js.stream_info(stream)
            if not info.state.messages:
                continue
            for seq in range(info.state.first_seq, info.state.last_seq + 1):
                try:
                    msg = await js.get_msg(stream, seq)
                except nats.js.errors.NotFoundError:
                    continue
                out.append((msg.subject, dict(msg.headers or {}), bytes(msg.data or b"")))
        return out
    finally:
        await nc.close()


def dead_letters(system: System) -> list[tuple[str, dict[str, str], bytes]]:
    return asyncio.run(stream_contents(system.nats.url, ("TDKT_DEAD_LETTERS",)))


def quiesce(system: System, timeout: float = 120.0) -> list[str]:
    """Wait until every service is ready, every relay has published everything, every consumer
    has nothing pending, and every delivery has ended; returns what did not settle."""
    deadline = time.monotonic() + timeout
    problems: list[str] = []
    while time.monotonic() < deadline:
        problems = []
        for replica in system.all_replicas():
            try:
                ready = httpx.get(f"{replica.url}/readyz", timeout=5)
            except httpx.HTTPError as exc:
                problems.append(f"{replica.label}: /readyz unreachable ({exc})")
                continue
            if ready.status_code != 200:
                problems.append(f"{replica.label}: /readyz {ready.status_code} {ready.text[:300]}")
                continue
            checks = ready.json()["checks"]
            for name, relay in checks.items():
                if name.startswith("relay:") and relay.get("lag_events"):
                    problems.append(f"{replica.label}: {relay['lag_events']} events not yet published")
            for durable, progress in (checks.get("consumers") or {}).items():
                if progress["pending"] or progress["ack_pending"]:
                    problems.append(f"{replica.label}: consumer {durable} behind {progress}")
        engine = make_engine(system.views_url("notifications"))
        try:
            with engine.connect() as conn:
                open_deliveries = conn.execute(
                    select(func.count()).where(deliveries.c.status.in_(("pending", "sending")))
                ).scalar_one()
        finally:
            engine.dispose()
        if open_deliveries:
            problems.append(f"notifications: {open_deliveries} deliveries neither delivered nor failed")
        if not problems:
            return []
        time.sleep(0.2)
    return problems


def audit(system: System, load: Workload, row: Row, *, settle_timeout: float = 120.0) -> Row:
    unsettled = quiesce(system, settle_timeout)
    row.failures.extend(f"did not settle: {p}" for p in unsettled)
    row.acknowledged = len(load.acks)

    events, totals, receipts, decisions = stored_events(system)
    stored_ids = {e.event_id for e in events}
    row.stored = len(events)
    by_version = {(e.aggregate_id, e.version) for e in events}
    unstored = [a for a in load.acks if (a.aggregate_id, a.version) not in by_version]
    # A command's version may carry an internal event only (never the case here), so an ack is
    # also satisfied by any stored version at or above it of the same aggregate.
    newest: dict[str, int] = {}
    for e in events:
        newest[e.aggregate_id] = max(newest.get(e.aggregate_id, 0), e.version)
    unstored = [a for a in unstored if newest.get(a.aggregate_id, 0) < a.version]
    if unstored:
        row.failures.append(f"{len(unstored)} acknowledged commands without their event stored: {unstored[:3]}")
    acked_receipts = [a.receipt_number for a in load.acks if a.command == "submit"]
    if len(set(acked_receipts)) != len(acked_receipts) or len(set(receipts)) != len(receipts):
        row.failures.append("a receipt number was issued twice")
    if len(set(decisions)) != len(decisions):
        row.failures.append(f"a decision number was issued twice: {sorted(decisions)}")
    if decisions:
        row.notes.append(f"{len(decisions)} award decisions, each number issued once in its register")

    messages = asyncio.run(stream_contents(system.nats.url, (CAMPAIGNS.name, DOSSIERS.name)))
    relayed = [m for m in messages if not m[1].get("Nats-Msg-Id", "").startswith(INJECTED)]
    copies = Counter(h.get("ce-id") or json.loads(d).get("event_id") for _, h, d in relayed)
    row.published = len(stored_ids & set(copies))
    unpublished = stored_ids - set(copies)
    stream_duplicates = sum(n - 1 for i, n in copies.items() if n > 1)
    foreign = set(copies) - stored_ids
    if foreign:
        row.failures.append(f"{len(foreign)} messages in the streams match no stored event: {sorted(foreign)[:3]}")
    order: dict[str, int] = {}
    for _, _, data in relayed:
        payload = json.loads(data)
        aggregate, version = str(payload["aggregate_id"]), int(payload["aggregate_version"])
        if version < order.get(aggregate, 0):
            row.failures.append(f"aggregate {aggregate}: version {version} after {order[aggregate]} in its stream")
        order[aggregate] = max(order.get(aggregate, 0), version)

    engine = make_engine(system.views_url("reporting"))
    try:
        with engine.connect() as conn:
            generation = live_generation(conn)
            assert generation is not None
            t = projection_tables(generation)
            rows = [
                *conn.execute(
                    select(t.campaign_events.c.event_id, t.campaign_events.c.campaign_id, t.campaign_events.c.version)
                ),
                *conn.execute(
                    select(t.dossier_events.c.event_id, t.dossier_events.c.dossier_id, t.dossier_events.c.version)
                ),
            ]
            reported = {
                "campaigns": Counter(
                    dict(conn.execute(select(t.campaigns.c.status, func.count()).group_by(t.campaigns.c.status)).all())
                ),
                "dossiers": Counter(
                    dict(conn.execute(select(t.dossiers.c.status, func.count()).group_by(t.dossiers.c.status)).all())
                ),
            }
    finally:
        engine.dispose()
    applied_ids = {r[0] for r in rows}
    row.applied = len(stored_ids & applied_ids)
    row.for_subscribers = len({e.event_id for e in events if not e.reported} - unpublished)
    if row.for_subscribers:
        row.notes.append(f"{row.for_subscribers} events of the year's registers published, for other subscribers")
    unapplied = ({e.event_id for e in events if e.reported} - unpublished) - applied_ids
    reporting_duplicates = sum(n - 1 for n in Counter((r[1], r[2]) for r in rows).values() if n > 1)
    for service in ("campaigns", "dossiers"):
        if reported[service] != totals[service]:
            row.failures.append(
                f"reporting's {service} by status {dict(reported[service])} != stores' {dict(totals[service])}"
            )

    sent_twice = system.smtp.sink.sent_twice()
    resent = system.smtp.sink.resent_same_message_id()
    if resent:
        row.notes.append(f"{resent} e-mail(s) re-sent with the same Message-ID (a crash between send and record)")

    row.duplicates = stream_duplicates + reporting_duplicates + sent_twice
    row.losses = len(unstored) + len(unpublished) + len(unapplied)
    if unpublished:
        row.failures.append(f"{len(unpublished)} stored events not in the stream")
    if unapplied:
        row.failures.append(f"{len(unapplied)} published events not applied by reporting")
    if stream_duplicates or reporting_duplicates or sent_twice:
        row.failures.append(
            f"duplicates: {stream_duplicates} in the streams, {reporting_duplicates} in reporting, "
            f"{sent_twice} notices sent twice"
        )
    not_ready = {k: v for k, v in system.readiness().items() if v != 200}
    if not_ready:
        row.failures.append(f"/readyz not 200: {not_ready}")
    return row
