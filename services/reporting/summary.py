"""The period summary: metrics for the whole locality and per group.

A group row counts an observation if the observation carries the group's key; a dossier that
proposes two different awards is counted under each award, so for `group_by=award` the groups of a
dossier-level metric may add up to more than the total (the total counts each dossier once). A
metric that cannot be split by the chosen grouping (campaign metrics by channel, say) is null in
the group rows and present only in the total.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, select

from services.reporting import labels as L
from services.reporting.aggregates import aggregate_period, every_metric
from services.reporting.dataset import Dataset, Row, load
from services.reporting.generations import live_generation
from services.reporting.metrics import GROUP_BY, METRICS, Metric
from services.reporting.observations import NO_CAMPAIGN_KEY, UNKNOWN_KEY, Obs, Observed, capitalized, observe
from services.reporting.periods import Period
from services.reporting.processing import WorkingDayCounter, median, nearest_rank
from services.reporting.tables import ProjectionTables, projection_tables
from shared.reference.org_units import OrgUnitDirectory
from shared.workdays import VIETNAM_TZ

Number = int | float | None


@dataclass(frozen=True)
class SummaryOptions:
    group_by: str = "none"
    small_collective_max: int = 10


def aggregate(metric: Metric, observations: Iterable[Obs]) -> Number:
    by_entity: dict[str, float] = {}
    for o in observations:
        by_entity.setdefault(o.entity, o.value)
    values = list(by_entity.values())
    if metric.aggregate == "count":
        return len(values)
    if metric.aggregate == "sum":
        return int(sum(values))
    if metric.aggregate == "median":
        return median(values)
    if metric.aggregate == "p90":
        return nearest_rank(values, 0.9)
    raise ValueError(metric.aggregate)


def compute(observed: Observed, dimension: str | None, key: str | None) -> dict[str, Number]:
    """Every metric over the observations under `key` of `dimension` (all of them when None)."""

    def value_of(metric: Metric) -> Number:
        found = observed.by_metric.get(metric.key, [])
        if dimension is not None:
            found = [o for o in found if key in o.dims.get(dimension, ())]
        return aggregate(metric, found)

    return every_metric(dimension, value_of)


def group_keys(observed: Observed, dimension: str) -> list[str]:
    keys: set[str] = set()
    for metric in METRICS:
        if dimension in metric.dimensions:
            for o in observed.by_metric.get(metric.key, ()):
                keys.update(o.dims.get(dimension, ()))
    return sorted(keys)


def group_label(
    dimension: str, key: str, campaigns: Mapping[str, Row], unit_names: Iterable[Row], units: OrgUnitDirectory
) -> str:
    """The name a reader knows a group by; `unit_names`: (code, name) of proposing units, for a
    code the directory does not know."""
    if dimension in ("lead_unit", "campaign") and key == NO_CAMPAIGN_KEY:
        return L.NO_CAMPAIGN
    if key == UNKNOWN_KEY:
        return L.UNKNOWN_CAMPAIGN
    if dimension == "campaign":
        c = campaigns.get(key)
        return f"{c.code} – {c.name}" if c else L.UNKNOWN_CAMPAIGN
    if dimension in ("lead_unit", "proposing_unit"):
        if key in units:
            return capitalized(units.get(key).display_name)
        names = [c.lead_unit_name for c in campaigns.values() if c.lead_unit_code == key]
        names += [name for code, name in unit_names if code == key]
        return names[0] if names else key
    table = {"award_type": L.AWARD_TYPES, "award": L.AWARDS, "channel": L.CHANNELS}.get(dimension, {})
    return L.label(table, key) or "(không rõ)"


def report(
    period: Period,
    options: SummaryOptions,
    generation: int,
    total: dict[str, Number],
    groups: list[dict[str, Any]],
    communes: list[dict[str, str]],
    thematic: list[dict[str, str]],
) -> dict[str, Any]:
    """The summary as the API answers it; `groups` in any order (sorted here)."""
    dimension = options.group_by
    # Named groups first, alphabetically; "no campaign" and "unknown" last.
    groups = sorted(groups, key=lambda g: (g["key"] in (NO_CAMPAIGN_KEY, UNKNOWN_KEY), g["label"]))
    return {
        "period": period.as_dict(),
        "group_by": dimension,
        "group_by_label": GROUP_BY[dimension],
        "generation": generation,
        "generated_at": datetime.now(VIETNAM_TZ).isoformat(timespec="seconds"),
        "options": {"small_collective_max": options.small_collective_max},
        "metrics": [
            {
                "key": m.key,
                "section": m.section,
                "label": metric_label(m, options),
                "unit": m.unit,
                "definition": m.definition,
            }
            for m in METRICS
        ],
        "total": total,
        "groups": groups,
        "details": {
            "communes_without_advanced_worker": {"year": period.end.year, "communes": communes},
            "thematic_campaigns_not_eligible": thematic,
        },
        "notes": [
            "Ngày tính theo giờ Việt Nam (Asia/Ho_Chi_Minh); kỳ báo cáo gồm cả ngày đầu và ngày cuối.",
            "Các chỉ tiêu phát sinh (tiếp nhận, từ chối, quyết định…) tính theo ngày của chính sự việc; "
            "chỉ tiêu 'đầy đủ ngay lần đầu' tính trên các hồ sơ tiếp nhận trong kỳ.",
            "Khi nhóm theo hình thức, danh hiệu khen thưởng, một hồ sơ đề nghị nhiều hình thức được tính ở mỗi "
            "nhóm; cột tổng số tính mỗi hồ sơ một lần.",
        ],
    }


def build_summary(
    ds: Dataset, observed: Observed, options: SummaryOptions, units: OrgUnitDirectory, generation: int
) -> dict[str, Any]:
    """The reference summary, from the observations of a period's rows."""
    dimension = options.group_by
    groups = []
    if dimension != "none":
        unit_names = [(d.proposing_unit_code, d.proposing_unit_name) for d in ds.dossiers.values()]
        for key in group_keys(observed, dimension):
            name = group_label(dimension, key, ds.campaigns, unit_names, units)
            groups.append({"key": key, "label": name, "values": compute(observed, dimension, key)})
    return report(
        ds.period,
        options,
        generation,
        compute(observed, None, None),
        groups,
        observed.communes_without_advanced_worker,
        observed.thematic_not_eligible,
    )


def summarize(
    engine: Engine,
    periods: list[Period],
    options: SummaryOptions,
    units: OrgUnitDirectory,
) -> list[dict[str, Any]]:
    """One summary per period, all from the live generation as it is when reading starts: SQL
    aggregates over the stored rows and outcomes (`aggregates.py`); processing times in working
    days were counted when the events were applied (`outcomes.py`)."""
    answers = []
    with engine.connect() as conn, conn.begin():
        generation = live_generation(conn)
        if generation is None:
            raise LookupError("no live generation")
        tables = projection_tables(generation)
        for period in periods:
            found = aggregate_period(conn, tables, period, options.group_by, options.small_collective_max, units)
            groups = [
                {
                    "key": key,
                    "label": group_label(
                        options.group_by,
                        key,
                        found.campaigns,
                        _unit_names(conn, tables, options.group_by, key, units),
                        units,
                    ),
                    "values": values,
                }
                for key, values in found.groups.items()
            ]
            answers.append(
                report(
                    period,
                    options,
                    generation,
                    found.total,
                    groups,
                    found.communes_without_advanced_worker,
                    found.thematic_not_eligible,
                )
            )
    return answers


def _unit_names(conn: Connection, t: ProjectionTables, dimension: str, code: str, units: OrgUnitDirectory) -> list[Row]:
    """The names dossiers give a proposing unit the directory does not know (none otherwise, and
    none for a group that is not a unit: each is a scan of the dossiers)."""
    if code in units or dimension not in ("lead_unit", "proposing_unit"):
        return []
    d = t.dossiers.c
    query = select(d.proposing_unit_code, d.proposing_unit_name).where(d.proposing_unit_code == code).limit(1)
    return list(conn.execute(query))


def summarize_by_replay(
    engine: Engine,
    periods: list[Period],
    options: SummaryOptions,
    units: OrgUnitDirectory,
    workdays: WorkingDayCounter,
) -> list[dict[str, Any]]:
    """The reference: each period's rows loaded and every dossier's observations computed in
    Python (`observations.py`). O(dossiers of the period) per call; kept to check `summarize`."""
    with engine.connect() as conn:
        generation = live_generation(conn)
        if generation is None:
            raise LookupError("no live generation")
        tables = projection_tables(generation)
        datasets = [load(conn, tables, period) for period in periods]
    return [
        build_summary(ds, observe(ds, workdays, units, options.small_collective_max), options, units, generation)
        for ds in datasets
    ]


def metric_label(m: Metric, options: SummaryOptions) -> str:
    return m.label.format(small_collective_max=options.small_collective_max)
