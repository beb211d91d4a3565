"""The period summary: metrics for the whole locality and per group.

A group row counts an observation if the observation carries the group's key; a dossier that
proposes two different awards is counted under each award, so for `group_by=award` the groups of a
dossier-level metric may add up to more than the total (the total counts each dossier once). A
metric that cannot be split by the chosen grouping (campaign metrics by channel, say) is null in
the group rows and present only in the total.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine

from services.reporting import labels as L
from services.reporting.dataset import Dataset, load
from services.reporting.generations import live_generation
from services.reporting.metrics import GROUP_BY, METRICS, Metric
from services.reporting.observations import NO_CAMPAIGN_KEY, UNKNOWN_KEY, Obs, Observed, capitalized, observe
from services.reporting.periods import Period
from services.reporting.processing import WorkingDayCounter, median, nearest_rank
from services.reporting.tables import projection_tables
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


def ratio(numerator: Number, denominator: Number) -> float | None:
    if not denominator or numerator is None:
        return None
    return round(100.0 * numerator / denominator, 1)


def compute(observed: Observed, dimension: str | None, key: str | None) -> dict[str, Number]:
    """Every metric over the observations under `key` of `dimension` (all of them when None)."""
    values: dict[str, Number] = {}
    for metric in METRICS:
        if metric.aggregate == "ratio":
            continue
        if dimension is not None and dimension not in metric.dimensions:
            values[metric.key] = None
            continue
        found = observed.by_metric.get(metric.key, [])
        if dimension is not None:
            found = [o for o in found if key in o.dims.get(dimension, ())]
        values[metric.key] = aggregate(metric, found)
    for metric in METRICS:
        if metric.aggregate == "ratio":
            assert metric.ratio_of is not None
            numerator, denominator = metric.ratio_of
            values[metric.key] = ratio(values[numerator], values[denominator])
    return {m.key: values[m.key] for m in METRICS}


def group_keys(observed: Observed, dimension: str) -> list[str]:
    keys: set[str] = set()
    for metric in METRICS:
        if dimension in metric.dimensions:
            for o in observed.by_metric.get(metric.key, ()):
                keys.update(o.dims.get(dimension, ()))
    return sorted(keys)


def group_label(dimension: str, key: str, ds: Dataset, units: OrgUnitDirectory) -> str:
    """The name a reader knows a group by."""
    if dimension in ("lead_unit", "campaign") and key == NO_CAMPAIGN_KEY:
        return L.NO_CAMPAIGN
    if key == UNKNOWN_KEY:
        return L.UNKNOWN_CAMPAIGN
    if dimension == "campaign":
        c = ds.campaigns.get(key)
        return f"{c.code} – {c.name}" if c else L.UNKNOWN_CAMPAIGN
    if dimension in ("lead_unit", "proposing_unit"):
        if key in units:
            return capitalized(units.get(key).display_name)
        names = [c.lead_unit_name for c in ds.campaigns.values() if c.lead_unit_code == key]
        names += [d.proposing_unit_name for d in ds.dossiers.values() if d.proposing_unit_code == key]
        return names[0] if names else key
    table = {"award_type": L.AWARD_TYPES, "award": L.AWARDS, "channel": L.CHANNELS}.get(dimension, {})
    return L.label(table, key) or "(không rõ)"


def build_summary(
    ds: Dataset, observed: Observed, options: SummaryOptions, units: OrgUnitDirectory, generation: int
) -> dict[str, Any]:
    dimension = options.group_by
    groups = []
    if dimension != "none":
        for key in group_keys(observed, dimension):
            name = group_label(dimension, key, ds, units)
            groups.append({"key": key, "label": name, "values": compute(observed, dimension, key)})
        # Named groups first, alphabetically; "no campaign" and "unknown" last.
        groups.sort(key=lambda g: (g["key"] in (NO_CAMPAIGN_KEY, UNKNOWN_KEY), g["label"]))
    return {
        "period": ds.period.as_dict(),
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
        "total": compute(observed, None, None),
        "groups": groups,
        "details": {
            "communes_without_advanced_worker": {
                "year": ds.period.end.year,
                "communes": observed.communes_without_advanced_worker,
            },
            "thematic_campaigns_not_eligible": observed.thematic_not_eligible,
        },
        "notes": [
            "Ngày tính theo giờ Việt Nam (Asia/Ho_Chi_Minh); kỳ báo cáo gồm cả ngày đầu và ngày cuối.",
            "Các chỉ tiêu phát sinh (tiếp nhận, từ chối, quyết định…) tính theo ngày của chính sự việc; "
            "chỉ tiêu 'đầy đủ ngay lần đầu' tính trên các hồ sơ tiếp nhận trong kỳ.",
            "Khi nhóm theo hình thức, danh hiệu khen thưởng, một hồ sơ đề nghị nhiều hình thức được tính ở mỗi "
            "nhóm; cột tổng số tính mỗi hồ sơ một lần.",
        ],
    }


def summarize(
    engine: Engine,
    periods: list[Period],
    options: SummaryOptions,
    units: OrgUnitDirectory,
    workdays: WorkingDayCounter,
) -> list[dict[str, Any]]:
    """One summary per period, all from the live generation as it is when reading starts."""
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
