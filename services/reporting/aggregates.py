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

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import (
    Boolean,
    ColumnElement,
    Connection,
    FromClause,
    and_,
    case,
    func,
    literal,
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
from services.reporting.periods import Period
from services.reporting.processing import median, nearest_rank
from services.reporting.tables import ProjectionTables
from shared.reference.org_units import OrgUnitDirectory

Number = int | float | None
PARTITIONS = frozenset({"lead_unit", "proposing_unit", "campaign", "award_type", "channel"})
"""Groupings under which each dossier, campaign and award falls in exactly one group."""
CAMPAIGN_FLOWS = {
    "campaign.launched": "campaigns_launched",
    "campaign.registered": "campaigns_registered",
    "campaign.final_review_filed": "campaigns_final_reviews_filed",
    "campaign.review_overdue": "campaigns_review_overdue",
}


@dataclass
class Tally:
    """Raw figures per group key (None: the whole locality) and metric, before defaults."""

    counts: dict[str | None, dict[str, Number]] = field(default_factory=lambda: defaultdict(dict))
    days: dict[str | None, list[int]] = field(default_factory=lambda: defaultdict(list))
    keys: set[str] = field(default_factory=set)

    def summed(self) -> Tally:
        """The whole locality from groups that partition it."""
        total = Tally()
        for values in self.counts.values():
            for metric, value in values.items():
                total.counts[None][metric] = (total.counts[None].get(metric) or 0) + (value or 0)
        for days in self.days.values():
            total.days[None].extend(days)
        return total

    def add(self, rows: Mapping[str | None, Mapping[str, Any]]) -> None:
        for key, values in rows.items():
            if key is not None:
                self.keys.add(key)
            self.counts[key].update(values)


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


class _Sql:
    """The FROM clauses and group-key expressions of one generation's tables."""

    def __init__(self, t: ProjectionTables) -> None:
        self.t = t
        self.d, self.c, self.n = t.dossiers.c, t.campaigns.c, t.dossier_nominees.c

    def with_dossier(self, frm: FromClause, dossier_id: ColumnElement[Any]) -> FromClause:
        t = self.t
        return frm.join(t.dossiers, self.d.dossier_id == dossier_id).outerjoin(
            t.campaigns, self.c.campaign_id == self.d.campaign_id
        )

    def dossier_key(self, dimension: str) -> ColumnElement[Any]:
        """The group key of a dossier-level row (not `award`: see `_Grouping`)."""
        d, c = self.d, self.c
        if dimension == "lead_unit":
            no_campaign = or_(d.campaign_id.is_(None), d.campaign_id == "")
            return case((no_campaign, literal(NO_CAMPAIGN_KEY)), else_=func.coalesce(c.lead_unit_code, UNKNOWN_KEY))
        if dimension == "campaign":
            return func.coalesce(d.campaign_id, NO_CAMPAIGN_KEY)
        return {"proposing_unit": d.proposing_unit_code, "award_type": d.award_type, "channel": d.channel}[dimension]


@dataclass(frozen=True)
class _Grouping:
    """How one source is grouped. A dossier-level row grouped by award is joined with each of the
    dossier's nominees (a dossier proposing two awards counts under each): its rows are then no
    longer one per dossier, and its counts must be COUNT(DISTINCT …)."""

    key: ColumnElement[Any] | None
    frm: FromClause
    unique: bool

    def count(self, condition: ColumnElement[Boolean] | None, entity: ColumnElement[Any]) -> ColumnElement[int]:
        return row_count(condition) if self.unique else distinct_count(condition, entity)


def _tally(
    conn: Connection,
    frm: FromClause,
    where: Iterable[ColumnElement[Boolean]],
    measures: Mapping[str, ColumnElement[Any]],
    key: ColumnElement[Any] | None,
) -> dict[str | None, dict[str, Any]]:
    columns = [m.label(name) for name, m in measures.items()]
    if key is None:
        row = conn.execute(select(*columns).select_from(frm).where(*where)).one()
        return {None: dict(row._mapping)}
    query = select(key.label("group_key"), *columns).select_from(frm).where(*where).group_by(key)
    return {r.group_key: {name: r._mapping[name] for name in measures} for r in conn.execute(query)}


def _dossier_sources(
    conn: Connection, sql: _Sql, period: Period, dimension: str | None, small_max: int, tally: Tally
) -> None:
    """Every dossier metric for the whole locality (`dimension` None) or per group."""
    t, d, n = sql.t, sql.d, sql.n
    start, end = period.start, period.end

    def grouped(frm: FromClause, award: ColumnElement[Any] | None = None) -> _Grouping:
        """`frm` (joined with the dossier) grouped by the dimension; `award`: the row's own award
        (a nominee's), if it has one."""
        if dimension is None:
            return _Grouping(None, frm, True)
        if dimension != "award":
            return _Grouping(sql.dossier_key(dimension), frm, True)
        if award is not None:
            return _Grouping(award, frm, True)
        return _Grouping(n.award, frm.join(t.dossier_nominees, n.dossier_id == d.dossier_id), False)

    # Flows, by the date of their own event: one row per dossier and kind of event.
    e = t.dossier_events.c
    flows = (
        select(e.dossier_id, e.event_type)
        .where(e.event_date.between(start, end), e.event_type.in_(tuple(DOSSIER_FLOWS)))
        .distinct()
        .subquery("flows")
    )
    g = grouped(sql.with_dossier(flows, flows.c.dossier_id))
    measures = {metric: g.count(flows.c.event_type == kind, d.dossier_id) for kind, metric in DOSSIER_FLOWS.items()}
    decided = flows.c.event_type.in_(("award.decided", "award.rejected"))
    measures["dossiers_decided"] = distinct_count(decided, d.dossier_id)
    tally.add(_tally(conn, g.frm, [], measures, g.key))

    # The dossiers received in the period.
    o = t.dossier_outcomes.c
    ad_hoc = d.award_type == "AD_HOC"
    received = t.dossiers.outerjoin(t.campaigns, sql.c.campaign_id == d.campaign_id).outerjoin(
        t.dossier_outcomes, o.dossier_id == d.dossier_id
    )
    g = grouped(received)
    measures = {
        "dossiers_received": g.count(None, d.dossier_id),
        "dossiers_complete_first_time": g.count(o.complete_first_time.is_(True), d.dossier_id),
        "ad_hoc_dossiers": g.count(ad_hoc, d.dossier_id),
        "ad_hoc_late": g.count(and_(ad_hoc, d.late_proposal.is_(True)), d.dossier_id),
    }
    tally.add(_tally(conn, g.frm, [d.received_on.between(start, end)], measures, g.key))

    # Their nominees, each under its own award.
    g = grouped(sql.with_dossier(t.dossier_nominees, n.dossier_id), n.award)
    tally.add(_tally(conn, g.frm, [d.received_on.between(start, end)], {"nominees_proposed": func.count()}, g.key))

    # Results returned in the period, and their processing time.
    has_due = o.due_on.is_not(None)
    g = grouped(sql.with_dossier(t.dossier_outcomes, o.dossier_id))
    measures = {
        "results_returned": g.count(None, d.dossier_id),
        "results_with_appointment": g.count(has_due, d.dossier_id),
        "results_on_time": g.count(and_(has_due, o.result_on <= o.due_on), d.dossier_id),
    }
    where = [o.result_on.between(start, end)]
    tally.add(_tally(conn, g.frm, where, measures, g.key))
    key = literal(None) if g.key is None else g.key
    query = (
        select(key.label("k"), o.processing_days, g.count(None, d.dossier_id))
        .select_from(g.frm)
        .where(*where)
        .group_by(key, o.processing_days)
    )
    for group, days, dossiers in conn.execute(query):
        tally.days[group].extend([days] * dossiers)

    # Awards decided in the period, each nominee under the award given. A dossier has one
    # decision, so its approvals are one row per nominee.
    a = t.award_approvals.c
    individual, collective = n.kind == "INDIVIDUAL", n.kind == "COLLECTIVE"
    measures = {
        "nominees_awarded": row_count(None),
        "awards_without_cash_amount": row_count(a.cash_reward_vnd.is_(None)),
        "cash_reward_vnd": func.coalesce(func.sum(a.cash_reward_vnd), 0),
        "awarded_individuals": row_count(individual),
        "awarded_direct_workers": row_count(and_(individual, n.is_direct_worker.is_(True))),
        "awarded_collectives": row_count(collective),
        "awarded_small_collectives": row_count(and_(collective, n.size.is_not(None), n.size <= small_max)),
    }
    nominee = and_(n.dossier_id == a.dossier_id, n.nominee_id == a.nominee_id)
    g = grouped(sql.with_dossier(t.award_approvals, a.dossier_id).outerjoin(t.dossier_nominees, nominee), a.award)
    tally.add(_tally(conn, g.frm, [a.decision_date.between(start, end)], measures, g.key))

    # Annulments, under the annulled nominee's award.
    x = t.award_annulments.c
    nominee = and_(n.dossier_id == x.dossier_id, n.nominee_id == x.nominee_id)
    frm = sql.with_dossier(t.award_annulments, x.dossier_id).outerjoin(t.dossier_nominees, nominee)
    g = grouped(frm, func.coalesce(n.award, ""))
    measures = {"awards_annulled": distinct_count(None, x.dossier_id + "/" + x.nominee_id)}
    tally.add(_tally(conn, g.frm, [x.annulled_on.between(start, end)], measures, g.key))

    # Cash recovered: one row per recovery (and award proposed, when grouped by award).
    r = t.award_recoveries.c
    columns = [r.event_id, r.dossier_id, r.amount_recovered_vnd]
    if dimension == "award":
        recovered = select(*columns, n.award).join_from(
            t.award_recoveries, t.dossier_nominees, n.dossier_id == r.dossier_id
        )
    else:
        recovered = select(*columns)
    recovered = recovered.where(r.recovered_on.between(start, end)).distinct().subquery("recovered")
    g = grouped(sql.with_dossier(recovered, recovered.c.dossier_id), recovered.c.get("award"))
    measures = {"cash_recovered_vnd": func.coalesce(func.sum(recovered.c.amount_recovered_vnd), 0)}
    tally.add(_tally(conn, g.frm, [], measures, g.key))


def _campaign_key(sql: _Sql, dimension: str, campaign_id: ColumnElement[Any]) -> ColumnElement[Any]:
    if dimension == "lead_unit":
        return func.coalesce(sql.c.lead_unit_code, UNKNOWN_KEY)
    return campaign_id


def _campaign_sources(conn: Connection, sql: _Sql, period: Period, dimension: str | None, tally: Tally) -> None:
    t = sql.t
    e = t.campaign_events.c
    filed = e.event_type == "campaign.final_review_filed"
    on_time = and_(filed, or_(e.review_due_on.is_(None), e.event_date <= e.review_due_on))
    measures = {metric: distinct_count(e.event_type == kind, e.campaign_id) for kind, metric in CAMPAIGN_FLOWS.items()}
    measures["campaigns_reviewed_on_time"] = distinct_count(on_time, e.campaign_id)
    frm = t.campaign_events.outerjoin(t.campaigns, sql.c.campaign_id == e.campaign_id)
    key = None if dimension is None else _campaign_key(sql, dimension, e.campaign_id)
    where = [e.event_date.between(period.start, period.end), e.event_type.in_(tuple(CAMPAIGN_FLOWS))]
    tally.add(_tally(conn, frm, where, measures, key))


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
    as `dataset.advanced_worker_awards`, reduced to their units in SQL, each half by an index."""
    a, d, n, x = t.award_approvals.c, t.dossiers.c, t.dossier_nominees.c, t.award_annulments.c
    annulled = select(x.nominee_id).where(x.dossier_id == a.dossier_id, x.nominee_id == a.nominee_id)
    awards = (
        select(d.proposing_unit_code, n.unit)
        .join_from(t.award_approvals, t.dossiers, d.dossier_id == a.dossier_id)
        .outerjoin(t.dossier_nominees, and_(n.dossier_id == a.dossier_id, n.nominee_id == a.nominee_id))
        .where(a.award == "ADVANCED_WORKER", ~annulled.exists())
    )
    of_year = awards.where(d.emulation_year == year)
    # COALESCE rather than IS NULL: driven by the decision date's index, not by every dossier
    # of every year that names no emulation year.
    decided_in_year = awards.where(
        func.coalesce(d.emulation_year, -1) == -1, a.decision_date.between(date(year, 1, 1), date(year, 12, 31))
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
    sql = _Sql(t)
    campaigns = {r.campaign_id: r for r in conn.execute(select(t.campaigns))}
    thematic = thematic_not_eligible(conn, t, period)
    communes = communes_without_advanced_worker(conn, t, period, units)
    tallies: dict[str | None, Tally] = {}
    for dim in (None,) if dimension == "none" else (None, dimension):
        tally = tallies[dim] = Tally()
        # Grouped by anything but award, every row falls in exactly one group: the total is the
        # sum of the groups, and the ungrouped queries are not run.
        if dim is None and dimension in PARTITIONS:
            continue
        if dim is None or dim in DOSSIER_DIMS:
            _dossier_sources(conn, sql, period, dim, small_max, tally)
        if dim is None or dim in CAMPAIGN_DIMS:
            _campaign_sources(conn, sql, period, dim, tally)
            tally.add(_thematic_counts(thematic, campaigns, dim))
    if dimension in PARTITIONS:
        grouped = tallies[dimension]
        tallies[None] = grouped.summed()
        if dimension not in CAMPAIGN_DIMS:
            _campaign_sources(conn, sql, period, None, tallies[None])
            tallies[None].add(_thematic_counts(thematic, campaigns, None))
    tallies[None].counts[None]["communes_without_advanced_worker"] = len(communes)
    total = _values(tallies[None], None, None)
    groups = {}
    if dimension != "none":
        tally = tallies[dimension]
        groups = {key: _values(tally, dimension, key) for key in sorted(tally.keys)}
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
