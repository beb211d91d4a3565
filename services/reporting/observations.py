"""The summary's reference definition, in Python: from a period's rows to observations, one per
thing a metric counts, with the group keys it falls under (its lead unit, proposing unit,
campaign, award type, award, channel). The service answers from SQL aggregates over the stored
outcomes (`aggregates.py`); tests check that both give the same summary on a generated history.

Cross-aggregate facts are joined here, at reading time: a dossier's lead unit is its campaign's
lead unit as the campaign's latest snapshot says, whatever order the two streams arrived in.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from services.reporting import labels as L
from services.reporting.dataset import Dataset, Row
from services.reporting.outcomes import complete_first_time, due_date, processing_days, result_date
from services.reporting.processing import WorkingDayCounter
from shared.reference.org_units import OrgUnitDirectory

NO_CAMPAIGN_KEY = ""
UNKNOWN_KEY = "?"
REGISTERED_STATES = frozenset({"registered", "launched", "final_reviewed", "closed"})
COMMUNE_KINDS = frozenset({"commune", "township", "ward"})


@dataclass(frozen=True)
class Obs:
    entity: str
    dims: Mapping[str, tuple[str, ...]]
    value: float = 1.0


@dataclass
class Observed:
    by_metric: dict[str, list[Obs]] = field(default_factory=lambda: defaultdict(list))
    communes_without_advanced_worker: list[dict[str, str]] = field(default_factory=list)
    thematic_not_eligible: list[dict[str, str]] = field(default_factory=list)

    def add(self, metric: str, entity: str, dims: Mapping[str, tuple[str, ...]], value: float = 1.0) -> None:
        self.by_metric[metric].append(Obs(entity, dims, value))


def capitalized(name: str) -> str:
    """A unit's short name as a list entry ("xã Bích Hòa" → "Xã Bích Hòa")."""
    return name[:1].upper() + name[1:]


def campaign_dims(campaign_id: str, ds: Dataset) -> dict[str, tuple[str, ...]]:
    c = ds.campaigns.get(campaign_id)
    return {"lead_unit": (c.lead_unit_code if c else UNKNOWN_KEY,), "campaign": (campaign_id,)}


def dossier_dims(d: Row, ds: Dataset, award: str | None = None) -> dict[str, tuple[str, ...]]:
    """Group keys of a dossier; `award` narrows the award key to one nominee's award."""
    if not d.campaign_id:
        lead = NO_CAMPAIGN_KEY
    else:
        c = ds.campaigns.get(d.campaign_id)
        lead = c.lead_unit_code if c else UNKNOWN_KEY
    awards = (award,) if award is not None else tuple(sorted({n.award for n in ds.nominees.get(d.dossier_id, ())}))
    return {
        "lead_unit": (lead,),
        "proposing_unit": (d.proposing_unit_code,),
        "campaign": (d.campaign_id or NO_CAMPAIGN_KEY,),
        "award_type": (d.award_type,),
        "award": awards,
        "channel": (d.channel,),
    }


def observe(ds: Dataset, workdays: WorkingDayCounter, units: OrgUnitDirectory, small_max: int) -> Observed:
    out = Observed()
    _campaigns(ds, out)
    _dossier_flows(ds, out)
    _processing(ds, workdays, out)
    _awards(ds, out, small_max)
    _communes(ds, units, out)
    return out


def _campaigns(ds: Dataset, out: Observed) -> None:
    p = ds.period
    flows = {
        "campaign.launched": "campaigns_launched",
        "campaign.registered": "campaigns_registered",
        "campaign.final_review_filed": "campaigns_final_reviews_filed",
        "campaign.review_overdue": "campaigns_review_overdue",
    }
    latest_by_end: dict[str, Row] = {}
    for e in ds.campaign_events:
        if e.occurred_on <= p.end:
            kept = latest_by_end.get(e.campaign_id)
            if kept is None or e.version > kept.version:
                latest_by_end[e.campaign_id] = e
        if not p.contains(e.event_date) or e.event_type not in flows:
            continue
        dims = campaign_dims(e.campaign_id, ds)
        out.add(flows[e.event_type], e.campaign_id, dims)
        if e.event_type == "campaign.final_review_filed" and (
            e.review_due_on is None or e.event_date <= e.review_due_on
        ):
            out.add("campaigns_reviewed_on_time", e.campaign_id, dims)
    for campaign_id, e in sorted(latest_by_end.items()):
        running = (e.start_date is None or e.start_date <= p.end) and (e.end_date is None or e.end_date >= p.start)
        if e.kind == "thematic" and e.status_after in REGISTERED_STATES and not e.eligible_after and running:
            out.add("thematic_campaigns_not_eligible", campaign_id, campaign_dims(campaign_id, ds))
            c = ds.campaigns.get(campaign_id)
            out.thematic_not_eligible.append(
                {
                    "campaign_id": campaign_id,
                    "code": c.code if c else "",
                    "name": c.name if c else "",
                    "lead_unit": e.lead_unit_code,
                    "reasons": e.ineligibility_reasons,
                    "reasons_label": L.reasons(e.ineligibility_reasons),
                }
            )


DOSSIER_FLOWS = {
    "dossier.supplement_requested": "dossiers_supplement_requested",
    "dossier.supplemented": "dossiers_supplemented",
    "dossier.refused": "dossiers_refused",
    "dossier.withdrawn": "dossiers_withdrawn",
    "award.decided": "dossiers_awarded",
    "award.rejected": "dossiers_rejected",
}


def _dossier_flows(ds: Dataset, out: Observed) -> None:
    p = ds.period
    for dossier_id, d in ds.dossiers.items():
        dims = dossier_dims(d, ds)
        history = ds.dossier_events.get(dossier_id, [])
        if p.contains(d.received_on):
            out.add("dossiers_received", dossier_id, dims)
            if complete_first_time(history):
                out.add("dossiers_complete_first_time", dossier_id, dims)
            for n in ds.nominees.get(dossier_id, ()):
                out.add("nominees_proposed", f"{dossier_id}/{n.nominee_id}", dossier_dims(d, ds, n.award))
            if d.award_type == "AD_HOC":
                out.add("ad_hoc_dossiers", dossier_id, dims)
                if d.late_proposal:
                    out.add("ad_hoc_late", dossier_id, dims)
        for e in history:
            metric = DOSSIER_FLOWS.get(e.event_type)
            if metric and p.contains(e.event_date):
                out.add(metric, dossier_id, dims)
                if e.event_type.startswith("award."):
                    out.add("dossiers_decided", dossier_id, dims)


def _processing(ds: Dataset, workdays: WorkingDayCounter, out: Observed) -> None:
    for dossier_id, d in ds.dossiers.items():
        history = ds.dossier_events.get(dossier_id, [])
        result = result_date(history)
        if result is None or not ds.period.contains(result.event_date):
            continue
        dims = dossier_dims(d, ds)
        days = processing_days(d.received_on, history, result.event_date, workdays)
        out.add("results_returned", dossier_id, dims)
        out.add("processing_days_median", dossier_id, dims, days)
        out.add("processing_days_p90", dossier_id, dims, days)
        due = due_date(history)
        if due is not None and due.appointment_date_after is not None:
            out.add("results_with_appointment", dossier_id, dims)
            if result.event_date <= due.appointment_date_after:
                out.add("results_on_time", dossier_id, dims)


def _awards(ds: Dataset, out: Observed, small_max: int) -> None:
    for a in ds.approvals:
        d = ds.dossiers.get(a.dossier_id)
        if d is None:
            continue
        key = f"{a.dossier_id}/{a.nominee_id}"
        dims = dossier_dims(d, ds, a.award)
        out.add("nominees_awarded", key, dims)
        if a.cash_reward_vnd is None:
            out.add("awards_without_cash_amount", key, dims)
        else:
            out.add("cash_reward_vnd", key, dims, a.cash_reward_vnd)
        n = ds.nominee(a.dossier_id, a.nominee_id)
        if n is None:
            continue
        if n.kind == "INDIVIDUAL":
            out.add("awarded_individuals", key, dims)
            if n.is_direct_worker:
                out.add("awarded_direct_workers", key, dims)
        elif n.kind == "COLLECTIVE":
            out.add("awarded_collectives", key, dims)
            if n.size is not None and n.size <= small_max:
                out.add("awarded_small_collectives", key, dims)
    for x in ds.annulments:
        d = ds.dossiers.get(x.dossier_id)
        if d is None:
            continue
        n = ds.nominee(x.dossier_id, x.nominee_id)
        out.add("awards_annulled", f"{x.dossier_id}/{x.nominee_id}", dossier_dims(d, ds, n.award if n else ""))
    for r in ds.recoveries:
        d = ds.dossiers.get(r.dossier_id)
        if d is not None:
            out.add("cash_recovered_vnd", r.event_id, dossier_dims(d, ds), r.amount_recovered_vnd)


def _communes(ds: Dataset, units: OrgUnitDirectory, out: Observed) -> None:
    """The communes that exist at the end of the period (the 2025 ones for 2025, not the merged
    former communes as well) without an LĐTT for the year; an award to a commune that has since
    been merged counts for the commune that took it over."""
    end = ds.period.end
    awarded = {r.proposing_unit_code for r in ds.advanced_worker_awards} | {
        r.unit for r in ds.advanced_worker_awards if r.unit
    }
    covered = set(awarded)
    for code in awarded:
        if code in units:
            covered |= {u.code for u in units.successors_on(code, end)}
    for unit in units.all(active_on=end):
        if unit.kind in COMMUNE_KINDS and unit.code not in covered:
            out.add("communes_without_advanced_worker", unit.code, {})
            out.communes_without_advanced_worker.append({"code": unit.code, "name": capitalized(unit.display_name)})
