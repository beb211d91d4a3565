"""A period's summary as SQL aggregates over the stored rows: a handful of GROUP BY queries over
date-indexed tables, whatever the number of dossiers (docs/performance.md).

The same numbers as the reference definition in Python (`observations.py`, which replays each
dossier's rows; a test compares both on a generated history). What a dossier's whole history
says (result day, processing time, due date, complete at once) is stored per dossier when its
events are applied (`outcomes.py`); the group keys come from the dossier's and its campaign's
latest snapshots, joined here, at reading time, as before. Anything that depends on the period's
end (the thematic campaigns not eligible on its last day, the communes without an LĐTT) is
computed here too, from few rows.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    Boolean,
    ColumnElement,
    Connection,
    Date,
    FromClause,
    Integer,
    Select,
    and_,
    bindparam,
    case,
    func,
    or_,
    select,
    union,
)

from services.reporting import labels as L
from services.reporting.metrics import CAMPAIGN_DIMS, DOSSIER_DIMS, METRICS, Metric
from services.reporting.observations import (
    COMMUNE_KINDS,
    DOSSIER_FLOWS,
    NO_CAMPAIGN_KEY,
    REGISTERED_STATES,
    UNKNOWN_KEY,
    capitalized,
)
from services.reporting.outcomes import DECISION, FLOW_TYPES
from services.reporting.periods import Period
from services.reporting.processing import median, nearest_rank
from services.reporting.tables import ProjectionTables
from shared.reference.org_units import OrgUnitDirectory

Number = int | float | None
CAMPAIGN_FLOWS = {
    "campaign.launched": "campaigns_launched",
    "campaign.registered": "campaigns_registered",
    "campaign.final_review_filed": "campaigns_final_reviews_filed",
    "campaign.review_overdue": "campaigns_review_overdue",
}


@dataclass
class Tally:
    """Raw figures per group key and metric, before defaults; the key None is the whole locality."""

    counts: dict[str | None, dict[str, Number]] = field(default_factory=lambda: defaultdict(dict))
    days: dict[str | None, list[int]] = field(default_factory=lambda: defaultdict(list))
    keys: set[str] = field(default_factory=set)

    def add(self, key: str | None, values: Mapping[str, Any]) -> None:
        """Add `values` to the group `key`'s (sums: each metric comes from one source query, whose
        rows may fall in one group several times)."""
        counts = self.counts[key]
        for metric, value in values.items():
            counts[metric] = (counts.get(metric) or 0) + (value or 0)
        if key is not None:
            self.keys.add(key)


@dataclass
class Aggregated:
    total: dict[str, Number]
    groups: dict[str, dict[str, Number]]
    campaigns: dict[str, Any]
    communes_without_advanced_worker: list[dict[str, str]]
    thematic_not_eligible: list[dict[str, str]]


def distinct_count(condition: ColumnElement[Boolean] | None, entity: ColumnElement[Any]) -> ColumnElement[int]:
    return func.count((entity if condition is None else case((condition, entity))).distinct())


def row_count(condition: ColumnElement[Boolean] | None) -> ColumnElement[int]:
    """COUNT of rows (meeting `condition`): for rows that are one per thing counted, much cheaper
    than a COUNT(DISTINCT …)."""
    return func.count() if condition is None else func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


assert set(FLOW_TYPES) == set(DOSSIER_FLOWS), "dossier_flows stores the kinds the summary counts"

FLOW_METRICS = {**DOSSIER_FLOWS, DECISION: "dossiers_decided"}
"""The metric of each kind of `dossier_flows` row."""

RAW_KEYS = {
    "lead_unit": "campaign_id",
    "campaign": "campaign_id",
    "proposing_unit": "proposing_unit_code",
    "award_type": "award_type",
    "channel": "channel",
    "award": "awards",
}
"""The `dossier_outcomes` column a dossier-level row is grouped by in SQL for each grouping."""


class _Keys:
    """How a dossier-level row's raw key (a `dossier_outcomes` column) becomes the grouping's keys.

    SQL groups by the raw column alone, which partitions the dossiers whatever the grouping, so
    the whole locality is the sum of the raw groups and no query is run twice. A campaign becomes
    its lead unit here (a few dozen campaigns, read anyway); the text of a dossier's awards
    becomes each of them (a dossier proposing two awards counts under each)."""

    def __init__(self, dimension: str | None, campaigns: Mapping[str, Any]) -> None:
        self.dimension = dimension
        self.campaigns = campaigns
        self._awards: dict[str, list[tuple[str, int]]] = {}

    def awards(self, raw: str) -> list[tuple[str, int]]:
        found = self._awards.get(raw)
        if found is None:
            found = self._awards[raw] = [(award, count) for award, count in json.loads(raw)]
        return found

    def of(self, raw: Any) -> list[str]:
        dimension = self.dimension
        if dimension is None:
            return []
        if dimension == "award":
            return [award for award, _ in self.awards(raw)]
        if dimension == "campaign":
            return [raw or NO_CAMPAIGN_KEY]
        if dimension == "lead_unit":
            if not raw:
                return [NO_CAMPAIGN_KEY]
            campaign = self.campaigns.get(raw)
            return [campaign.lead_unit_code if campaign is not None else UNKNOWN_KEY]
        return [raw]


START = bindparam("start", type_=Date())
END = bindparam("end", type_=Date())
SMALL_MAX = bindparam("small_max", type_=Integer())


@dataclass(frozen=True)
class _Source:
    """One GROUP BY query of dossier metrics: its rows are its key columns (`keys` of them: the
    group's key first when `grouped`, the processing days last for `results`), then `measures`."""

    statement: Select[Any]
    measures: tuple[str, ...]
    keys: int
    grouped: bool
    raw: bool = True
    """The group key is the dossier's raw key (`_Keys.of`), else an award as it is."""
    family: str = ""


def _source(
    frm: FromClause,
    where: Iterable[ColumnElement[Boolean]],
    measures: Mapping[str, ColumnElement[Any]],
    keys: Sequence[ColumnElement[Any] | None],
    **kind: Any,
) -> _Source:
    """The group's key is `keys[0]` when it is not None; any further keys are the row's own."""
    grouping = [k for k in keys if k is not None]
    columns = [m.label(name) for name, m in measures.items()]
    query = select(*grouping, *columns).select_from(frm).where(*where)
    if grouping:
        query = query.group_by(*grouping)
    grouped = keys[0] is not None
    return _Source(query, tuple(measures), len(grouping), grouped, **kind)


@lru_cache(maxsize=64)
def _dossier_queries(t: ProjectionTables, dimension: str | None) -> tuple[_Source, ...]:
    """The queries of every dossier metric for a grouping, built once per table set (the period
    and the small-collective threshold are parameters)."""
    o, n = t.dossier_outcomes.c, t.dossier_nominees.c
    raw = None if dimension is None else o[RAW_KEYS[dimension]]
    by_award = dimension == "award"
    sources = []

    # Flows, by the date of their own event: a dossier's first day of each kind in the period.
    # Filtered and counted per kind rather than summed per kind: one test per row, not seven.
    f = t.dossier_flows.c
    first = or_(f.previous_date.is_(None), f.previous_date < START)
    where = [f.event_type.in_(tuple(FLOW_METRICS)), f.event_date.between(START, END), first]
    flow_key = None if dimension is None else f[RAW_KEYS[dimension]]
    keys = [flow_key, f.event_type]
    sources.append(_source(t.dossier_flows, where, {"dossiers": row_count(None)}, keys, family="flows"))

    # The dossiers received in the period, and their nominees (each under its own award).
    ad_hoc = o.award_type == "AD_HOC"
    measures = {
        "dossiers_received": row_count(None),
        "dossiers_complete_first_time": row_count(o.complete_first_time.is_(True)),
        "ad_hoc_dossiers": row_count(ad_hoc),
        "ad_hoc_late": row_count(and_(ad_hoc, o.late_proposal.is_(True))),
        "nominees_proposed": func.coalesce(func.sum(o.nominees), 0),
    }
    where = [o.received_on.between(START, END)]
    sources.append(_source(t.dossier_outcomes, where, measures, [raw], family="received"))

    # Results returned in the period, and their processing time.
    has_due = o.due_on.is_not(None)
    measures = {
        "results_returned": row_count(None),
        "results_with_appointment": row_count(has_due),
        "results_on_time": row_count(and_(has_due, o.result_on <= o.due_on)),
    }
    where = [o.result_on.between(START, END)]
    keys = [raw, o.processing_days]
    sources.append(_source(t.dossier_outcomes, where, measures, keys, family="results"))

    # Awards decided in the period, each nominee under the award given. A dossier has one
    # decision, so its approvals are one row per nominee.
    w = t.awarded_nominees.c
    individual, collective = w.nominee_kind == "INDIVIDUAL", w.nominee_kind == "COLLECTIVE"
    measures = {
        "nominees_awarded": row_count(None),
        "awards_without_cash_amount": row_count(w.cash_reward_vnd.is_(None)),
        "cash_reward_vnd": func.coalesce(func.sum(w.cash_reward_vnd), 0),
        "awarded_individuals": row_count(individual),
        "awarded_direct_workers": row_count(and_(individual, w.is_direct_worker.is_(True))),
        "awarded_collectives": row_count(collective),
        "awarded_small_collectives": row_count(and_(collective, w.size.is_not(None), w.size <= SMALL_MAX)),
    }
    key = w.award if by_award else (None if dimension is None else w[RAW_KEYS[dimension]])
    where = [w.decision_date.between(START, END)]
    sources.append(_source(t.awarded_nominees, where, measures, [key], raw=not by_award))

    # Annulments, under the annulled nominee's award.
    x = t.award_annulments.c
    nominee = and_(n.dossier_id == x.dossier_id, n.nominee_id == x.nominee_id)
    frm = t.award_annulments.join(t.dossier_outcomes, o.dossier_id == x.dossier_id).outerjoin(
        t.dossier_nominees, nominee
    )
    measures = {"awards_annulled": distinct_count(None, x.dossier_id + "/" + x.nominee_id)}
    key = func.coalesce(n.award, "") if by_award else raw
    sources.append(_source(frm, [x.annulled_on.between(START, END)], measures, [key], raw=not by_award))

    # Cash recovered: one row per recovery, under each of the dossier's groups.
    r = t.award_recoveries.c
    frm = t.award_recoveries.join(t.dossier_outcomes, o.dossier_id == r.dossier_id)
    measures = {"cash_recovered_vnd": func.coalesce(func.sum(r.amount_recovered_vnd), 0)}
    sources.append(_source(frm, [r.recovered_on.between(START, END)], measures, [raw]))
    return tuple(sources)


def _dossier_sources(
    conn: Connection, t: ProjectionTables, period: Period, keys: _Keys, small_max: int, tally: Tally
) -> None:
    """Every dossier metric, for the whole locality and per group: each family one query over one
    derived table (`dossier_outcomes`, `dossier_flows`, `awarded_nominees`), grouped by the raw key,
    its rows added to the total and to each group the raw key stands for."""
    params = {"start": period.start, "end": period.end, "small_max": small_max}
    by_award = keys.dimension == "award"
    for source in _dossier_queries(t, keys.dimension):
        k = source.keys
        to_keys = keys.of if source.raw else _one
        for row in conn.execute(source.statement, params):
            if source.family == "flows":  # (key,) kind, dossiers
                values = {FLOW_METRICS[row[k - 1]]: row[k]}
            else:
                values = dict(zip(source.measures, row[k:], strict=True))
            tally.add(None, values)
            if source.family == "received" and by_award:
                for award, nominees in keys.awards(row[0]):
                    tally.add(award, {**values, "nominees_proposed": values["dossiers_received"] * nominees})
                continue
            groups = to_keys(row[0]) if source.grouped else ()
            for key in groups:
                tally.add(key, values)
            if source.family == "results":
                days = [row[k - 1]] * values["results_returned"]
                tally.days[None].extend(days)
                for key in groups:
                    tally.days[key].extend(days)


def _one(key: Any) -> list[str]:
    return [key]


def _campaign_sources(
    conn: Connection, t: ProjectionTables, period: Period, dimension: str | None
) -> list[tuple[str | None, dict[str, Any]]]:
    """The campaign flows of the period, for the whole locality (`dimension` None) or per lead
    unit or campaign."""
    e, c = t.campaign_events.c, t.campaigns.c
    filed = e.event_type == "campaign.final_review_filed"
    on_time = and_(filed, or_(e.review_due_on.is_(None), e.event_date <= e.review_due_on))
    measures = {metric: distinct_count(e.event_type == kind, e.campaign_id) for kind, metric in CAMPAIGN_FLOWS.items()}
    measures["campaigns_reviewed_on_time"] = distinct_count(on_time, e.campaign_id)
    frm = t.campaign_events.outerjoin(t.campaigns, c.campaign_id == e.campaign_id)
    key = {None: None, "lead_unit": func.coalesce(c.lead_unit_code, UNKNOWN_KEY), "campaign": e.campaign_id}[dimension]
    where = [e.event_date.between(period.start, period.end), e.event_type.in_(tuple(CAMPAIGN_FLOWS))]
    source = _source(frm, where, measures, [key])
    return [
        (row[0] if source.grouped else None, dict(zip(source.measures, row[source.keys :], strict=True)))
        for row in conn.execute(source.statement)
    ]


def thematic_not_eligible(conn: Connection, t: ProjectionTables, period: Period) -> list[Any]:
    """Each campaign's latest event recorded by the period's end, for the thematic ones that are
    registered, running in the period and not eligible then."""
    e = t.campaign_events
    later = e.alias("later")
    latest = (
        select(func.max(later.c.version))
        .where(later.c.campaign_id == e.c.campaign_id, later.c.occurred_on <= period.end)
        .scalar_subquery()
    )
    query = (
        select(e)
        .where(e.c.occurred_on <= period.end, e.c.version == latest, e.c.kind == "thematic")
        .order_by(e.c.campaign_id)
    )
    found, seen = [], set()
    for row in conn.execute(query):
        if row.campaign_id in seen:
            continue
        seen.add(row.campaign_id)
        running = (row.start_date is None or row.start_date <= period.end) and (
            row.end_date is None or row.end_date >= period.start
        )
        if row.status_after in REGISTERED_STATES and not row.eligible_after and running:
            found.append(row)
    return found


def advanced_worker_units(conn: Connection, t: ProjectionTables, year: int) -> set[str]:
    """The proposing units and nominees' units of the 'Lao động tiên tiến' awards for emulation
    year `year` (or decided in it when the dossier names no year) not annulled: the same awards
    as `dataset.advanced_worker_awards`, reduced to their units in SQL, from one index."""
    w = t.awarded_nominees.c
    awards = select(w.proposing_unit_code, w.nominee_unit).where(w.award == "ADVANCED_WORKER", w.annulled.is_(False))
    of_year = awards.where(w.emulation_year == year)
    decided_in_year = awards.where(
        w.emulation_year.is_(None), w.decision_date.between(date(year, 1, 1), date(year, 12, 31))
    )
    units: set[str] = set()
    for proposing_unit, unit in conn.execute(union(of_year, decided_in_year)):
        units.add(proposing_unit)
        if unit:
            units.add(unit)
    return units


def communes_without_advanced_worker(
    conn: Connection, t: ProjectionTables, period: Period, units: OrgUnitDirectory
) -> list[dict[str, str]]:
    """The communes that exist at the end of the period without an LĐTT for the year; an award
    to a commune that has since been merged counts for the commune that took it over."""
    end = period.end
    awarded = advanced_worker_units(conn, t, end.year)
    covered = set(awarded)
    for code in awarded:
        if code in units:
            covered |= {u.code for u in units.successors_on(code, end)}
    return [
        {"code": unit.code, "name": capitalized(unit.display_name)}
        for unit in units.all(active_on=end)
        if unit.kind in COMMUNE_KINDS and unit.code not in covered
    ]


def _thematic_counts(
    thematic: list[Any], campaigns: Mapping[str, Any], dimension: str | None
) -> dict[str | None, dict[str, Any]]:
    counts: dict[str | None, dict[str, Any]] = defaultdict(lambda: {"thematic_campaigns_not_eligible": 0})
    for row in thematic:
        c = campaigns.get(row.campaign_id)
        if dimension is None:
            key = None
        elif dimension == "campaign":
            key = row.campaign_id
        else:
            key = c.lead_unit_code if c else UNKNOWN_KEY
        counts[key]["thematic_campaigns_not_eligible"] += 1
    return counts


def aggregate_period(
    conn: Connection, t: ProjectionTables, period: Period, dimension: str, small_max: int, units: OrgUnitDirectory
) -> Aggregated:
    campaigns = {r.campaign_id: r for r in conn.execute(select(t.campaigns))}
    thematic = thematic_not_eligible(conn, t, period)
    communes = communes_without_advanced_worker(conn, t, period, units)
    dim = None if dimension == "none" else dimension
    tally = Tally()
    if dim is None or dim in DOSSIER_DIMS:
        _dossier_sources(conn, t, period, _Keys(dim, campaigns), small_max, tally)
    # Campaign metrics: grouped when the grouping splits them (each campaign falls in one group,
    # so the whole locality is their sum), else for the whole locality alone.
    campaign_dim = dim if dim in CAMPAIGN_DIMS else None
    campaign_rows = _campaign_sources(conn, t, period, campaign_dim)
    campaign_rows.extend(_thematic_counts(thematic, campaigns, campaign_dim).items())
    for key, values in campaign_rows:
        tally.add(None, values)
        if key is not None:
            tally.add(key, values)
    tally.counts[None]["communes_without_advanced_worker"] = len(communes)
    total = _values(tally, None, None)
    groups = {}
    if dim is not None:
        groups = {key: _values(tally, dim, key) for key in sorted(tally.keys)}
    thematic_rows = [
        {
            "campaign_id": row.campaign_id,
            "code": campaigns[row.campaign_id].code if row.campaign_id in campaigns else "",
            "name": campaigns[row.campaign_id].name if row.campaign_id in campaigns else "",
            "lead_unit": row.lead_unit_code,
            "reasons": row.ineligibility_reasons,
            "reasons_label": L.reasons(row.ineligibility_reasons),
        }
        for row in thematic
    ]
    return Aggregated(total, groups, campaigns, communes, thematic_rows)


def every_metric(dimension: str | None, value_of: Callable[[Metric], Number]) -> dict[str, Number]:
    """Every metric in catalogue order: None for one the grouping `dimension` cannot split, the
    ratios from their parts, the others from `value_of`."""
    values: dict[str, Number] = {}
    for metric in METRICS:
        if metric.aggregate == "ratio":
            continue
        split = dimension is None or dimension in metric.dimensions
        values[metric.key] = value_of(metric) if split else None
    for metric in METRICS:
        if metric.aggregate == "ratio":
            assert metric.ratio_of is not None
            numerator, denominator = metric.ratio_of
            values[metric.key] = ratio(values[numerator], values[denominator])
    return {m.key: values[m.key] for m in METRICS}


def _values(tally: Tally, dimension: str | None, key: str | None) -> dict[str, Number]:
    """Every metric of one group (or the total) with the reference's defaults: 0 for counts and
    sums without rows, None for a median of nothing."""
    counts, days = tally.counts.get(key, {}), tally.days.get(key, [])
    return every_metric(dimension, lambda metric: _value(metric, counts.get(metric.key), days))


def _value(metric: Metric, found: Number, days: list[int]) -> Number:
    if metric.aggregate == "median":
        return median(days)
    if metric.aggregate == "p90":
        return nearest_rank(days, 0.9)
    return int(found or 0)


def ratio(numerator: Number, denominator: Number) -> float | None:
    if not denominator or numerator is None:
        return None
    return round(100.0 * numerator / denominator, 1)
