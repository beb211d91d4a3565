"""Turns one published event into rows of one generation's tables.

Two steps, so a rebuild can skip a message it cannot read without opening a transaction:
`decode` parses the payload with the published contract (raises on a malformed one), `project`
writes. Each row comes from this one event alone (see `tables.py`), which is what makes the
result independent of arrival order.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from pydantic import TypeAdapter
from sqlalchemy import Connection, Delete, Insert, Select, Table, Update, bindparam, delete, insert, select, update

from services.reporting.tables import ProjectionTables
from shared.contracts import REGISTRY
from shared.contracts import campaigns as c
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


def project(conn: Connection, t: ProjectionTables, event_id: str, event: Decoded) -> None:
    """Write the rows that `event` (stored under `event_id`) contributes to generation `t`."""
    if isinstance(event, CampaignEvent):
        _campaign_event(conn, t, event_id, event)
    elif isinstance(event, DossierEvent):
        _dossier_event(conn, t, event_id, event)
    else:
        conn.execute(
            _insert(t.other_events),
            {
                "event_id": event_id,
                "subject": event.subject,
                "aggregate_id": event.aggregate_id,
                "version": event.version,
                "occurred_at": event.occurred_at,
            },
        )


def _business_date(event: CampaignEvent | DossierEvent, fields: dict[str, str]) -> date:
    name = fields.get(event.subject)
    value = getattr(event, name, None) if name else None
    return value if isinstance(value, date) else local_date(event.occurred_at)


# Statements are built once per table and executed with parameters: building a statement with
# `.values(...)` per event costs more than running it.


@lru_cache(maxsize=128)
def _insert(table: Table) -> Insert:
    return insert(table)


@lru_cache(maxsize=128)
def _version_of(table: Table, key: tuple[str, ...]) -> Select[Any]:
    return select(table.c.version).where(*[table.c[k] == bindparam(f"key_{k}") for k in key])


@lru_cache(maxsize=128)
def _update_if_older(table: Table, key: tuple[str, ...]) -> Update:
    """Replace the row only if it holds an older version: one statement, so two replicas writing
    the same aggregate at once cannot leave the older snapshot behind (the row lock makes the
    second writer re-read the version)."""
    keys = [table.c[k] == bindparam(f"key_{k}") for k in key]
    return update(table).where(*keys, table.c.version < bindparam("newer_version"))


@lru_cache(maxsize=128)
def _delete(table: Table, key: tuple[str, ...]) -> Delete:
    return delete(table).where(*[table.c[k] == bindparam(f"key_{k}") for k in key])


def _keep_latest(conn: Connection, table: Table, key: dict[str, Any], version: int, row: dict[str, Any]) -> bool:
    """Store `row` unless a snapshot with a version at least as high is stored; True if stored."""
    names = tuple(key)
    bound = {f"key_{k}": v for k, v in key.items()}
    params = {**bound, "newer_version": version, "version": version, **row}
    while True:
        if conn.execute(_update_if_older(table, names), params).rowcount:
            return True
        current = conn.execute(_version_of(table, names), bound).scalar_one_or_none()
        if current is None:
            # New aggregate. Another replica inserting it at the same moment makes this
            # transaction fail on the primary key; the consumer retries the message.
            conn.execute(_insert(table), {**key, "version": version, **row})
            return True
        if current >= version:
            return False  # a version at least as high is stored
        # An older version was committed between the two statements (the update could not see
        # it yet): update again.


# --- campaigns ---------------------------------------------------------------------------------


def _campaign_event(conn: Connection, t: ProjectionTables, event_id: str, event: CampaignEvent) -> None:
    c = event.campaign
    reasons = ",".join(r.code for r in c.eligibility.reasons)
    conn.execute(
        _insert(t.campaign_events),
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
        },
    )
    _keep_latest(
        conn,
        t.campaigns,
        {"campaign_id": c.campaign_id},
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


# --- dossiers and awards -----------------------------------------------------------------------


def _dossier_event(conn: Connection, t: ProjectionTables, event_id: str, event: DossierEvent) -> None:
    d = event.dossier
    occurred_on = local_date(event.occurred_at)
    conn.execute(
        _insert(t.dossier_events),
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
        },
    )
    if isinstance(event, AwardDecided):
        _approvals(conn, t, event_id, event)
    elif isinstance(event, AwardAnnulled):
        _annulments(conn, t, event_id, event, occurred_on)
    elif isinstance(event, AwardRecovered):
        conn.execute(
            _insert(t.award_recoveries),
            {
                "event_id": event_id,
                "dossier_id": d.dossier_id,
                "recovered_on": occurred_on,
                "nominee_count": len(event.nominee_ids),
                "amount_recovered_vnd": event.amount_recovered_vnd,
            },
        )
    stored = _keep_latest(
        conn,
        t.dossiers,
        {"dossier_id": d.dossier_id},
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
    if stored:
        conn.execute(_delete(t.dossier_nominees, ("dossier_id",)), {"key_dossier_id": d.dossier_id})
        if d.nominees:
            conn.execute(
                _insert(t.dossier_nominees),
                [
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
                ],
            )


def _approvals(conn: Connection, t: ProjectionTables, event_id: str, event: AwardDecided) -> None:
    if not event.approvals:
        return
    conn.execute(
        _insert(t.award_approvals),
        [
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
        ],
    )


def _annulments(conn: Connection, t: ProjectionTables, event_id: str, event: AwardAnnulled, on: date) -> None:
    ids = list(dict.fromkeys(event.nominee_ids))
    if not ids:
        return
    conn.execute(
        _insert(t.award_annulments),
        [
            {
                "event_id": event_id,
                "nominee_id": nominee_id,
                "dossier_id": event.dossier.dossier_id,
                "annulled_on": on,
                "ground": event.ground,
                "decision_number": event.decision_number,
                "act_reference": event.act_reference,
            }
            for nominee_id in ids
        ],
    )
