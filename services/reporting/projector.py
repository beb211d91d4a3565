"""Turns published events into rows of one generation's tables.

Two steps, so a rebuild can skip a message it cannot read without opening a transaction:
`decode` parses the payload with the published contract (raises on a malformed one),
`project_batch` writes. Each fact row comes from one event alone and each state row from the
highest version seen (see `tables.py`), which is what makes the result independent of arrival
order.

**Set-based.** A batch of events (a rebuild's fetched batch, a live group) is written with one
multi-row INSERT per fact table, one read of the stored versions of the aggregates it touches,
one INSERT / UPDATE per state table, and one refresh of the touched dossiers' outcomes: a few
statements per batch instead of six or seven per event (docs/performance.md).
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any, Literal

from pydantic import TypeAdapter
from sqlalchemy import Connection, Table, bindparam, delete, select

from services.reporting.bulk import insert_rows, update_rows
from services.reporting.outcomes import chunks, mark_stale, refresh_outcomes
from services.reporting.tables import ProjectionTables
from shared.contracts import REGISTRY, EventContract
from shared.contracts import campaigns as c
from shared.contracts.base import version_of
from shared.contracts.campaigns import CampaignEvent
from shared.contracts.dossiers import (
    AwardAnnulled,
    AwardDecided,
    AwardRecovered,
    AwardRejected,
    DossierEvent,
    DossierResultReturned,
)
from shared.workdays import local_date

PROJECTED_PREFIXES = ("tdkt.campaign.", "tdkt.dossier.", "tdkt.award.")
"""Subjects read through their contract; anything else is kept as an `other_events` row."""

CAMPAIGN_EVENT_DATES = {
    c.CampaignRegistered.subject: "registered_on",
    c.CampaignRegistrationReturned.subject: "returned_on",
    c.CampaignLaunched.subject: "launched_on",
    c.CampaignInterimReviewFiled.subject: "filed_on",
    c.CampaignFinalReviewFiled.subject: "filed_on",
    c.CampaignFinalReviewCorrected.subject: "filed_on",
    c.CampaignClosed.subject: "closed_on",
    c.CampaignCancelled.subject: "cancelled_on",
    c.CampaignReviewOverdue.subject: "flagged_on",
}
"""The business date an event names (the day a movement was registered, not the day the event
was recorded); events without one use their local occurrence date."""

DOSSIER_EVENT_DATES = {
    AwardDecided.subject: "decision_date",
    AwardRejected.subject: "decision_date",
    DossierResultReturned.subject: "returned_on",
}

_DATETIME = TypeAdapter(datetime)


@dataclass(frozen=True)
class OtherEvent:
    """An event this projection does not interpret (notifications, a newer contract version):
    recorded so an auditor sees it arrived."""

    subject: str
    aggregate_id: str
    version: int | None
    occurred_at: datetime | None


Decoded = CampaignEvent | DossierEvent | OtherEvent
Outcomes = Literal["refresh", "mark_stale", "leave"]
"""What a batch does to the derived rows of the dossiers it touches (`project_batch`)."""


def decode(subject: str, payload: dict[str, Any]) -> Decoded:
    """The event as its contract (the versions this projection reads), or an `OtherEvent`; raises on a
    malformed payload."""
    if subject.startswith(PROJECTED_PREFIXES) and REGISTRY.for_payload(subject, payload) is not None:
        event = REGISTRY.parse(subject, payload)
        if isinstance(event, CampaignEvent | DossierEvent):
            return event
    occurred = payload.get("occurred_at")
    version = payload.get("aggregate_version")
    return OtherEvent(
        subject=subject,
        aggregate_id=str(payload.get("aggregate_id") or ""),
        version=int(version) if isinstance(version, int) else None,
        occurred_at=_DATETIME.validate_python(occurred) if occurred else None,
    )


@lru_cache(maxsize=512)
def _latest_contract(subject: str) -> type[EventContract] | None:
    """The newest contract this projection reads for `subject` (None if it reads none)."""
    contract = REGISTRY.get(subject) if subject.startswith(PROJECTED_PREFIXES) else None
    return contract if contract is not None and issubclass(contract, CampaignEvent | DossierEvent) else None


def decode_json(subject: str, data: bytes) -> Decoded:
    """`decode` of a raw JSON payload, the same result (or the same error) as
    `decode(subject, json.loads(data))`, but validated by pydantic-core straight from the bytes in
    one pass when the payload is of the subject's newest contract (a profile of a rebuild spent a
    third of its time in `json.loads` and `model_validate` of each payload, docs/performance.md).
    Anything else (another schema version, a payload the contract rejects, not JSON) goes the
    general way, which decides what it is."""
    contract = _latest_contract(subject)
    if contract is not None and _plain_schema_version(data):
        try:
            event = contract.model_validate_json(data)
        except ValueError:
            pass
        else:
            if event.schema_version == version_of(contract):
                return event  # type: ignore[return-value]
    return decode(subject, parse_payload(data))


_SCHEMA_VERSION_KEY = b'"schema_version"'
_INTEGER_SCHEMA_VERSION = re.compile(rb'"schema_version"\s*:\s*-?\d+\s*[,}]')


def _plain_schema_version(data: bytes) -> bool:
    """The payload names its schema version at most once, as a JSON integer (what every publisher
    writes): pydantic then reads the same version as `REGISTRY.for_payload` (`int()` of it), which
    it would not for e.g. the string "1.0"."""
    count = data.count(_SCHEMA_VERSION_KEY)
    return count == 0 or (count == 1 and _INTEGER_SCHEMA_VERSION.search(data) is not None)


def parse_payload(data: bytes) -> dict[str, Any]:
    """JSON payload, or the raw text under `_raw` (as the live consumer does) so decoding fails."""
    try:
        payload = json.loads(data)
    except (ValueError, RecursionError):
        return {"_raw": data.decode("utf-8", "replace")}
    return payload if isinstance(payload, dict) else {"_raw": payload}


def project(conn: Connection, t: ProjectionTables, event_id: str, event: Decoded) -> None:
    """Write the rows that `event` (stored under `event_id`) contributes to generation `t`."""
    project_batch(conn, t, [(event_id, event)])


def project_batch(
    conn: Connection,
    t: ProjectionTables,
    events: Sequence[tuple[str, Decoded | EventRows]],
    *,
    outcomes: Outcomes = "refresh",
) -> None:
    """Write the rows of `events` (`(event_id, event)`, ids distinct, none applied before) to `t`:
    the same rows as applying them one by one, in any order. An event may come as its rows
    already (`event_rows`, made by a rebuild's decoding processes). The touched dossiers' derived
    rows (`outcomes.py`) are refreshed now, marked stale (a live catch-up refreshes each once when
    the backlog is drained), or left to the caller (a rebuild computes every dossier's once, at
    the end)."""
    batch = EventRows()
    for event_id, event in events:
        if isinstance(event, EventRows):
            batch.merge(event)
        else:
            batch.add(event_id, event)
    batch.write(conn, t, outcomes=outcomes)


def event_rows(event_id: str, event: Decoded) -> EventRows:
    """The rows one event contributes, as plain values (they cross a process boundary)."""
    rows = EventRows()
    rows.add(event_id, event)
    return rows


def _business_date(event: CampaignEvent | DossierEvent, fields: dict[str, str]) -> date:
    name = fields.get(event.subject)
    value = getattr(event, name, None) if name else None
    return value if isinstance(value, date) else local_date(event.occurred_at)


class EventRows:
    """The rows of an event or a batch, gathered per table (by its generation-free name, see
    `ProjectionTables.by_name`) before anything is written."""

    def __init__(self) -> None:
        self.facts: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.campaigns: dict[str, tuple[int, dict[str, Any]]] = {}
        self.dossiers: dict[str, tuple[int, dict[str, Any]]] = {}
        self.nominees: dict[str, list[dict[str, Any]]] = {}

    def merge(self, other: EventRows) -> None:
        """Add the rows `other` gathered, as if its events were added here."""
        for name, rows in other.facts.items():
            self.facts[name].extend(rows)
        for campaign_id, (version, row) in other.campaigns.items():
            kept = self.campaigns.get(campaign_id)
            if kept is None or kept[0] < version:
                self.campaigns[campaign_id] = (version, row)
        for dossier_id, (version, row) in other.dossiers.items():
            kept = self.dossiers.get(dossier_id)
            if kept is None or kept[0] < version:
                self.dossiers[dossier_id] = (version, row)
                self.nominees[dossier_id] = other.nominees[dossier_id]

    def add(self, event_id: str, event: Decoded) -> None:
        if isinstance(event, CampaignEvent):
            self._campaign_event(event_id, event)
        elif isinstance(event, DossierEvent):
            self._dossier_event(event_id, event)
        else:
            self.facts["other_events"].append(
                {
                    "event_id": event_id,
                    "subject": event.subject,
                    "aggregate_id": event.aggregate_id,
                    "version": event.version,
                    "occurred_at": event.occurred_at,
                }
            )

    def write(self, conn: Connection, t: ProjectionTables, *, outcomes: Outcomes) -> None:
        tables = t.by_name()
        for name, rows in self.facts.items():
            insert_rows(conn, tables[name], rows)
        _store_latest(conn, t.campaigns, "campaign_id", self.campaigns)
        stored = _store_latest(conn, t.dossiers, "dossier_id", self.dossiers)
        if stored:
            ids = sorted(stored)
            for part in chunks(ids):
                conn.execute(_delete_nominees(t.dossier_nominees), {"ids": part})
            nominees = [n for i in ids for n in self.nominees[i]]
            if nominees:
                insert_rows(conn, t.dossier_nominees, nominees)
        touched = {r["dossier_id"] for r in self.facts.get("dossier_events", ())}
        if touched and outcomes == "refresh":
            refresh_outcomes(conn, t, touched)
        elif touched and outcomes == "mark_stale":
            mark_stale(conn, t, touched)

    # --- campaigns -----------------------------------------------------------------------------

    def _campaign_event(self, event_id: str, event: CampaignEvent) -> None:
        c = event.campaign
        reasons = ",".join(r.code for r in c.eligibility.reasons)
        self.facts["campaign_events"].append(
            {
                "event_id": event_id,
                "campaign_id": c.campaign_id,
                "version": event.aggregate_version,
                "event_type": event.subject.removeprefix("tdkt."),
                "occurred_at": event.occurred_at,
                "occurred_on": local_date(event.occurred_at),
                "event_date": _business_date(event, CAMPAIGN_EVENT_DATES),
                "kind": c.kind,
                "lead_unit_code": c.lead_unit.code,
                "status_after": c.status,
                "eligible_after": c.eligibility.eligible,
                "ineligibility_reasons": reasons,
                "start_date": c.start_date,
                "end_date": c.end_date,
                "review_due_on": c.review_due_on,
            }
        )
        kept = self.campaigns.get(c.campaign_id)
        if kept is not None and kept[0] >= event.aggregate_version:
            return
        self.campaigns[c.campaign_id] = (
            event.aggregate_version,
            {
                "code": c.code,
                "name": c.name,
                "kind": c.kind,
                "status": c.status,
                "lead_unit_code": c.lead_unit.code,
                "lead_unit_name": c.lead_unit.name,
                "launching_level": c.launching_level,
                "start_date": c.start_date,
                "end_date": c.end_date,
                "registration_number": c.registration_number,
                "registered_on": c.registered_on,
                "launched_on": c.launched_on,
                "final_review_filed": c.final_review_filed,
                "review_due_on": c.review_due_on,
                "eligible": c.eligibility.eligible,
                "ineligibility_reasons": reasons,
            },
        )

    # --- dossiers and awards -------------------------------------------------------------------

    def _dossier_event(self, event_id: str, event: DossierEvent) -> None:
        d = event.dossier
        occurred_on = local_date(event.occurred_at)
        self.facts["dossier_events"].append(
            {
                "event_id": event_id,
                "dossier_id": d.dossier_id,
                "version": event.aggregate_version,
                "event_type": event.subject.removeprefix("tdkt."),
                "occurred_at": event.occurred_at,
                "occurred_on": occurred_on,
                "event_date": _business_date(event, DOSSIER_EVENT_DATES),
                "status_after": d.status,
                "appointment_date_after": d.appointment_date,
            }
        )
        if isinstance(event, AwardDecided):
            self._approvals(event_id, event)
        elif isinstance(event, AwardAnnulled):
            self._annulments(event_id, event, occurred_on)
        elif isinstance(event, AwardRecovered):
            self.facts["award_recoveries"].append(
                {
                    "event_id": event_id,
                    "dossier_id": d.dossier_id,
                    "recovered_on": occurred_on,
                    "nominee_count": len(event.nominee_ids),
                    "amount_recovered_vnd": event.amount_recovered_vnd,
                }
            )
        kept = self.dossiers.get(d.dossier_id)
        if kept is not None and kept[0] >= event.aggregate_version:
            return
        self.dossiers[d.dossier_id] = (
            event.aggregate_version,
            {
                "receipt_number": d.receipt_number,
                "status": d.status,
                "channel": d.channel,
                "proposing_unit_code": d.proposing_unit.code,
                "proposing_unit_name": d.proposing_unit.name,
                "award_type": d.award_type,
                "kind": d.kind,
                "procedure": d.procedure,
                "campaign_id": d.campaign_id,
                "emulation_year": d.emulation_year,
                "rule_set_id": d.rule_set_id,
                "received_on": d.received_on,
                "appointment_date": d.appointment_date,
                "feat_date": d.feat_date,
                "late_proposal": d.late_proposal,
                "days_after_feat": d.days_after_feat,
                "decision_number": d.decision_number,
                "decision_date": d.decision_date,
                "nominee_count": len(d.nominees),
            },
        )
        self.nominees[d.dossier_id] = [
            {
                "dossier_id": d.dossier_id,
                "nominee_id": n.nominee_id,
                "kind": n.kind,
                "name": n.name,
                "award": n.award,
                "unit": n.unit,
                "position": n.position,
                "gender": n.gender,
                "is_direct_worker": n.is_direct_worker,
                "size": n.size,
            }
            for n in d.nominees
        ]

    def _approvals(self, event_id: str, event: AwardDecided) -> None:
        self.facts["award_approvals"].extend(
            {
                "event_id": event_id,
                "nominee_id": a.nominee_id,
                "dossier_id": event.dossier.dossier_id,
                "decision_number": event.decision_number,
                "decision_date": event.decision_date,
                "award": a.award,
                "multiplier": a.multiplier,
                "base_salary_vnd": a.base_salary_vnd,
                "cash_reward_vnd": a.cash_reward_vnd,
            }
            for a in event.approvals
        )

    def _annulments(self, event_id: str, event: AwardAnnulled, on: date) -> None:
        self.facts["award_annulments"].extend(
            {
                "event_id": event_id,
                "nominee_id": nominee_id,
                "dossier_id": event.dossier.dossier_id,
                "annulled_on": on,
                "ground": event.ground,
                "decision_number": event.decision_number,
                "act_reference": event.act_reference,
            }
            for nominee_id in dict.fromkeys(event.nominee_ids)
        )


# --- state tables: the highest version wins ----------------------------------------------------


@lru_cache(maxsize=128)
def _versions(table: Table, key: str) -> Any:
    """The stored versions of some aggregates, locked (PostgreSQL) so a replica writing the same
    aggregates at the same moment waits for this transaction and then sees its versions."""
    column = table.c[key]
    return select(column, table.c.version).where(column.in_(bindparam("ids", expanding=True))).with_for_update()


@lru_cache(maxsize=128)
def _delete_nominees(table: Table) -> Any:
    return delete(table).where(table.c.dossier_id.in_(bindparam("ids", expanding=True)))


def _store_latest(
    conn: Connection, table: Table, key: str, candidates: dict[str, tuple[int, dict[str, Any]]]
) -> set[str]:
    """Store each candidate snapshot unless one with a version at least as high is stored; the ids
    stored. A new aggregate inserted by another replica at the same moment makes this transaction
    fail on the primary key; the consumer retries the message."""
    if not candidates:
        return set()
    stored: dict[str, int] = {}
    for part in chunks(sorted(candidates)):
        stored.update(conn.execute(_versions(table, key), {"ids": part}).all())
    new, newer = [], []
    for aggregate_id, (version, row) in candidates.items():
        current = stored.get(aggregate_id)
        if current is None:
            new.append({key: aggregate_id, "version": version, **row})
        elif current < version:
            newer.append({f"key_{key}": aggregate_id, "version": version, **row})
    if new:
        insert_rows(conn, table, new)
    if newer:
        update_rows(conn, table, key, newer)
    return {r[key] for r in new} | {r[f"key_{key}"] for r in newer}
