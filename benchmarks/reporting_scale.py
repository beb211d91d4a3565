"""Item 5's year summary at a realistic size: the reporting tables that item 4 built from a
generated history, grown to `--dossiers` dossiers by copying every dossier's rows (its snapshot,
nominees, events, outcome, approvals, annulments, recoveries) with new ids, shifted by whole
years so the copies spread over 2016–2026 (about a tenth of them in each year, as in ten years of
a province). Campaigns are shared by the copies. What a summary costs depends on the rows of its
period, which this reproduces; the rows' contents are the generated ones.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Engine, func, select

from services.reporting.bulk import insert_rows
from services.reporting.tables import ProjectionTables

YEARS = range(-6, 4)  # the generated history is mostly 2023: copies land in 2017-2026
DATE_TYPES = (date, datetime)


def shifted(value: Any, years: int) -> Any:
    if not isinstance(value, DATE_TYPES) or not years:
        return value
    try:
        return value.replace(year=value.year + years)
    except ValueError:  # 29 February
        return value.replace(year=value.year + years, day=28)


def copy_row(row: dict[str, Any], suffix: str, years: int, ids: tuple[str, ...]) -> dict[str, Any]:
    copy = {k: (f"{v}{suffix}" if k in ids and v is not None else shifted(v, years)) for k, v in row.items()}
    if copy.get("emulation_year") is not None:
        copy["emulation_year"] += years
    return copy


TABLE_IDS = {
    "dossiers": ("dossier_id",),
    "dossier_nominees": ("dossier_id",),
    "dossier_events": ("dossier_id", "event_id"),
    "dossier_outcomes": ("dossier_id",),
    "dossier_flows": ("dossier_id",),
    "awarded_nominees": ("dossier_id", "event_id"),
    "award_approvals": ("dossier_id", "event_id"),
    "award_annulments": ("dossier_id", "event_id"),
    "award_recoveries": ("dossier_id", "event_id"),
}


def grow(engine: Engine, t: ProjectionTables, target: int) -> int:
    """Copy the dossiers' rows until there are about `target` dossiers; the count reached."""
    tables = t.by_name()
    with engine.connect() as conn:
        originals = {name: [dict(r._mapping) for r in conn.execute(select(tables[name]))] for name in TABLE_IDS}
    per_copy = len(originals["dossiers"])
    copies = max(0, target // max(per_copy, 1) - 1)
    for k in range(1, copies + 1):
        years = YEARS[k % len(YEARS)]
        with engine.begin() as conn:
            for name, ids in TABLE_IDS.items():
                insert_rows(conn, tables[name], [copy_row(r, f"~{k}", years, ids) for r in originals[name]])
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(t.dossiers)).scalar_one())
