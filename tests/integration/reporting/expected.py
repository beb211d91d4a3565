"""The summary computed straight from the generated events, independently of the projection.

Each metric's definition (services/reporting/metrics.py) written as plain loops over the
contract objects: no SQL, no projection tables, no code from services/reporting. The tests then
require the service's answer to equal this one.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from shared.contracts import campaigns as cc
from shared.contracts import dossiers as dc
from shared.contracts.base import EventContract
from shared.reference.org_units import OrgUnitDirectory
from shared.workdays import WorkingCalendar, local_date

ALL_METRICS = (
    "campaigns_launched",
    "campaigns_registered",
    "campaigns_final_reviews_filed",
    "campaigns_reviewed_on_time",
    "campaigns_review_overdue",
    "thematic_campaigns_not_eligible",
    "dossiers_received",
    "dossiers_complete_first_time",
    "dossiers_supplement_requested",
    "dossiers_supplemented",
    "dossiers_refused",
    "dossiers_withdrawn",
    "dossiers_decided",
    "dossiers_awarded",
    "dossiers_rejected",
    "nominees_proposed",
    "nominees_awarded",
    "awards_annulled",
    "results_returned",
    "processing_days_median",
    "processing_days_p90",
    "results_on_time",
    "results_with_appointment",
    "results_on_time_share",
    "awarded_individuals",
    "awarded_direct_workers",
    "direct_worker_share",
    "awarded_collectives",
    "awarded_small_collectives",
    "small_collective_share",
    "ad_hoc_dossiers",
    "ad_hoc_late",
    "ad_hoc_late_share",
    "communes_without_advanced_worker",
    "cash_reward_vnd",
    "awards_without_cash_amount",
    "cash_recovered_vnd",
)
CAMPAIGN_METRICS = {
    "campaigns_launched",
    "campaigns_registered",
    "campaigns_final_reviews_filed",
    "campaigns_reviewed_on_time",
    "campaigns_review_overdue",
    "thematic_campaigns_not_eligible",
}
TOTAL_ONLY = {"communes_without_advanced_worker"}
RATIOS = {
    "results_on_time_share": ("results_on_time", "results_with_appointment"),
    "direct_worker_share": ("awarded_direct_workers", "awarded_individuals"),
    "small_collective_share": ("awarded_small_collectives", "awarded_collectives"),
    "ad_hoc_late_share": ("ad_hoc_late", "ad_hoc_dossiers"),
}
SUMS = {"cash_reward_vnd", "cash_recovered_vnd"}
Dims = dict[str, tuple[str, ...]]


class Truth:
    """What the history says, aggregate by aggregate."""

    def __init__(self, events: Iterable[EventContract], calendar: WorkingCalendar, units: OrgUnitDirectory) -> None:
        self.calendar = calendar
        self.units = units
        self.campaign_history: dict[str, list[cc.CampaignEvent]] = defaultdict(list)
        self.dossier_history: dict[str, list[dc.DossierEvent]] = defaultdict(list)
        for e in events:
            if isinstance(e, cc.CampaignEvent):
                self.campaign_history[e.aggregate_id].append(e)
            elif isinstance(e, dc.DossierEvent):
                self.dossier_history[e.aggregate_id].append(e)
        self.campaign = {
            k: max(v, key=lambda e: e.aggregate_version).campaign for k, v in self.campaign_history.items()
        }
        self.dossier = {k: max(v, key=lambda e: e.aggregate_version).dossier for k, v in self.dossier_history.items()}

    # --- group keys ----------------------------------------------------------------------

    def campaign_dims(self, campaign_id: str) -> Dims:
        return {"lead_unit": (self.campaign[campaign_id].lead_unit.code,), "campaign": (campaign_id,)}

    def dossier_dims(self, dossier_id: str, award: str | None = None) -> Dims:
        d = self.dossier[dossier_id]
        if d.campaign_id is None:
            lead = ""
        elif d.campaign_id in self.campaign:
            lead = self.campaign[d.campaign_id].lead_unit.code
        else:
            lead = "?"
        return {
            "lead_unit": (lead,),
            "proposing_unit": (d.proposing_unit.code,),
            "campaign": (d.campaign_id or "",),
            "award_type": (d.award_type,),
            "award": (award,) if award is not None else tuple(sorted({n.award for n in d.nominees})),
            "channel": (d.channel,),
        }

    # --- the observations ----------------------------------------------------------------

    def items(self, start: date, end: date, small_max: int) -> dict[str, list[tuple[str, Dims, float]]]:
        def inside(day: date | None) -> bool:
            return day is not None and start <= day <= end

        out: dict[str, list[tuple[str, Dims, float]]] = defaultdict(list)

        def add(metric: str, entity: str, dims: Dims, value: float = 1.0) -> None:
            out[metric].append((entity, dims, value))

        for cid, history in self.campaign_history.items():
            for e in history:
                if isinstance(e, cc.CampaignLaunched) and inside(e.launched_on):
                    add("campaigns_launched", cid, self.campaign_dims(cid))
                if isinstance(e, cc.CampaignRegistered) and inside(e.registered_on):
                    add("campaigns_registered", cid, self.campaign_dims(cid))
                if isinstance(e, cc.CampaignFinalReviewFiled) and inside(e.filed_on):
                    add("campaigns_final_reviews_filed", cid, self.campaign_dims(cid))
                    due = e.campaign.review_due_on
                    if due is None or e.filed_on <= due:
                        add("campaigns_reviewed_on_time", cid, self.campaign_dims(cid))
                if isinstance(e, cc.CampaignReviewOverdue) and inside(e.flagged_on):
                    add("campaigns_review_overdue", cid, self.campaign_dims(cid))
            known = [e for e in history if local_date(e.occurred_at) <= end]
            if known:
                c = max(known, key=lambda e: e.aggregate_version).campaign
                running = (c.start_date is None or c.start_date <= end) and (c.end_date is None or c.end_date >= start)
                registered = c.status in ("registered", "launched", "final_reviewed", "closed")
                if c.kind == "thematic" and registered and not c.eligibility.eligible and running:
                    add("thematic_campaigns_not_eligible", cid, self.campaign_dims(cid))

        for did, history in self.dossier_history.items():
            d = self.dossier[did]
            dims = self.dossier_dims(did)
            subjects = {e.subject for e in history}
            if inside(d.received_on):
                add("dossiers_received", did, dims)
                if "tdkt.dossier.accepted_as_complete" in subjects and "tdkt.dossier.supplement_requested" not in (
                    subjects
                ):
                    add("dossiers_complete_first_time", did, dims)
                for n in d.nominees:
                    add("nominees_proposed", f"{did}/{n.nominee_id}", self.dossier_dims(did, n.award))
                if d.award_type == "AD_HOC":
                    add("ad_hoc_dossiers", did, dims)
                    if d.late_proposal:
                        add("ad_hoc_late", did, dims)
            nominees = {n.nominee_id: n for n in d.nominees}
            results: list[date] = []
            for e in history:
                on = local_date(e.occurred_at)
                flow = {
                    dc.DossierSupplementRequested: "dossiers_supplement_requested",
                    dc.DossierSupplemented: "dossiers_supplemented",
                    dc.DossierRefused: "dossiers_refused",
                    dc.DossierWithdrawn: "dossiers_withdrawn",
                }.get(type(e))
                if flow and inside(on):
                    add(flow, did, dims)
                if isinstance(e, dc.DossierRefused):
                    results.append(on)
                if isinstance(e, dc.DossierResultReturned):
                    results.append(e.returned_on)
                if isinstance(e, dc.AwardDecided | dc.AwardRejected) and inside(e.decision_date):
                    add("dossiers_decided", did, dims)
                    add("dossiers_awarded" if isinstance(e, dc.AwardDecided) else "dossiers_rejected", did, dims)
                if isinstance(e, dc.AwardDecided) and inside(e.decision_date):
                    for a in e.approvals:
                        key, adims = f"{did}/{a.nominee_id}", self.dossier_dims(did, a.award)
                        add("nominees_awarded", key, adims)
                        if a.cash_reward_vnd is None:
                            add("awards_without_cash_amount", key, adims)
                        else:
                            add("cash_reward_vnd", key, adims, a.cash_reward_vnd)
                        n = nominees[a.nominee_id]
                        if n.kind == "INDIVIDUAL":
                            add("awarded_individuals", key, adims)
                            if n.is_direct_worker:
                                add("awarded_direct_workers", key, adims)
                        if n.kind == "COLLECTIVE":
                            add("awarded_collectives", key, adims)
                            if n.size is not None and n.size <= small_max:
                                add("awarded_small_collectives", key, adims)
                if isinstance(e, dc.AwardAnnulled) and inside(on):
                    for nid in e.nominee_ids:
                        add("awards_annulled", f"{did}/{nid}", self.dossier_dims(did, nominees[nid].award))
                if isinstance(e, dc.AwardRecovered) and inside(on):
                    add("cash_recovered_vnd", e.event_id, dims, e.amount_recovered_vnd)
            if results and inside(min(results)):
                result = min(results)
                # Working days after receipt up to the result, not counting the days from a
                # supplement request up to the supplement (or the result, if none came).
                waiting: set[date] = set()
                asked: date | None = None
                for e in history:
                    if isinstance(e, dc.DossierSupplementRequested) and asked is None:
                        asked = local_date(e.occurred_at)
                    elif isinstance(e, dc.DossierSupplemented) and asked is not None:
                        came = min(local_date(e.occurred_at), result)
                        waiting |= {asked + timedelta(days=i) for i in range(1, (came - asked).days + 1)}
                        asked = None
                if asked is not None:
                    waiting |= {asked + timedelta(days=i) for i in range(1, (result - asked).days + 1)}
                days = sum(
                    self.calendar.is_working_day(day)
                    for i in range(1, (result - d.received_on).days + 1)
                    if (day := d.received_on + timedelta(days=i)) not in waiting
                )
                add("results_returned", did, dims)
                add("processing_days_median", did, dims, days)
                add("processing_days_p90", did, dims, days)
                setting = [e for e in history if isinstance(e, dc.DossierSubmitted | dc.DossierSupplemented)]
                due = max(setting, key=lambda e: e.aggregate_version).dossier.appointment_date
                if due is not None:
                    add("results_with_appointment", did, dims)
                    if result <= due:
                        add("results_on_time", did, dims)

        year = end.year
        covered: set[str] = set()
        for did, history in self.dossier_history.items():
            d = self.dossier[did]
            annulled = {nid for e in history if isinstance(e, dc.AwardAnnulled) for nid in e.nominee_ids}
            for e in history:
                if not isinstance(e, dc.AwardDecided):
                    continue
                in_year = d.emulation_year == year or (d.emulation_year is None and e.decision_date.year == year)
                for a in e.approvals:
                    if a.award == "ADVANCED_WORKER" and in_year and a.nominee_id not in annulled:
                        covered.add(d.proposing_unit.code)
                        unit = next(n.unit for n in d.nominees if n.nominee_id == a.nominee_id)
                        if unit:
                            covered.add(unit)
        for code in list(covered):  # an award to a merged commune counts for its successor
            if code in self.units:
                covered |= {u.code for u in self.units.successors_on(code, end)}
        for unit in self.units.all():
            exists_at_end = unit.is_active_on(end)
            if unit.kind in ("commune", "township", "ward") and exists_at_end and unit.code not in covered:
                add("communes_without_advanced_worker", unit.code, {})
        return out

    # --- aggregation ---------------------------------------------------------------------

    def summary(self, start: date, end: date, group_by: str = "none", small_max: int = 10) -> dict[str, Any]:
        items = self.items(start, end, small_max)
        total = _values(items, lambda dims: True, set())
        groups: dict[str, dict[str, Any]] = {}
        if group_by != "none":
            keys = {
                k
                for metric, found in items.items()
                if metric not in TOTAL_ONLY
                and (group_by in ("lead_unit", "campaign") or metric not in CAMPAIGN_METRICS)
                for _, dims, _ in found
                for k in dims.get(group_by, ())
            }
            excluded = TOTAL_ONLY | (set() if group_by in ("lead_unit", "campaign") else CAMPAIGN_METRICS)
            for key in keys:
                groups[key] = _values(items, lambda dims, key=key: key in dims.get(group_by, ()), excluded)
        return {"total": total, "groups": groups}


def _values(items: dict[str, list[tuple[str, Dims, float]]], member: Any, excluded: set[str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for metric in ALL_METRICS:
        if metric in RATIOS:
            continue
        if metric in excluded:
            values[metric] = None
            continue
        chosen: dict[str, float] = {}
        for entity, dims, value in items.get(metric, []):
            if member(dims):
                chosen.setdefault(entity, value)
        numbers = list(chosen.values())
        if metric == "processing_days_median":
            values[metric] = float(statistics.median(numbers)) if numbers else None
        elif metric == "processing_days_p90":
            values[metric] = float(sorted(numbers)[math.ceil(0.9 * len(numbers)) - 1]) if numbers else None
        elif metric in SUMS:
            values[metric] = int(sum(numbers))
        else:
            values[metric] = len(numbers)
    for metric, (numerator, denominator) in RATIOS.items():
        n, d = values[numerator], values[denominator]
        values[metric] = round(100.0 * n / d, 1) if d else None
    return {m: values[m] for m in ALL_METRICS}
