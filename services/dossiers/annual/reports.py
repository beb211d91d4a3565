"""The year's report from the dossiers service's own record: each unit's emulation registration
beside its results (awards decided, from the award history), each cluster's ranking, and each
year-end round's completion by unit. Forms 0601 and 0602 are the reporting service's
(`/forms/0601`, `/forms/0602`), from the published events."""

from __future__ import annotations

from datetime import date
from typing import Any

from services.dossiers.annual.application import AnnualWork
from services.dossiers.annual.history import HistoryStatus
from services.dossiers.domain.values import label


def registrations_against_results(work: AnnualWork, year: int) -> list[dict[str, Any]]:
    """Per registered unit and award: the target, the proposals and the awards decided (annulled
    awards do not count)."""
    work.sync_history()
    register = work.year_register(year)
    proposed: dict[tuple[str, str], int] = {}
    decided: dict[tuple[str, str], int] = {}
    for e in register.entries.values():
        key = (e.proposing_unit, e.award)
        if e.source == "DOSSIER":
            proposed[key] = proposed.get(key, 0) + 1
        if e.status is HistoryStatus.DECIDED:
            decided[key] = decided.get(key, 0) + 1
    rows = []
    for reg in sorted(work.registrations_of_year(year), key=lambda r: r.unit):
        awards = sorted(set(reg.targets) | {a for (u, a) in decided if u == reg.unit})
        for award in awards:
            target = reg.targets.get(award, 0)
            got = decided.get((reg.unit, award), 0)
            rows.append(
                {
                    "unit": reg.unit,
                    "award": award,
                    "award_label": label(award),
                    "target": target,
                    "proposed": proposed.get((reg.unit, award), 0),
                    "decided": got,
                    "reached": got >= target if target else None,
                }
            )
    return rows


def cluster_rankings(work: AnnualWork, year: int) -> list[dict[str, Any]]:
    return [
        {
            "code": c.code,
            "name": c.name,
            "kind": c.kind.value,
            "leading_unit": c.leading_unit,
            "ranking": c.ranking(),
            "proposals": list(c.proposals),
        }
        for c in sorted(work.clusters_of_year(year), key=lambda c: c.code)
    ]


def round_completion(work: AnnualWork, year: int, today: date) -> list[dict[str, Any]]:
    rows = []
    for round_id in work.round_ids():
        rnd = work.round(round_id)
        if rnd.year != year:
            continue
        progress = work.round_progress(round_id, today)
        rows.append(
            {
                "round_id": progress["round_id"],
                "name": rnd.name,
                "units": len(rnd.units),
                "by_status": progress["by_status"],
                "decisions": progress["decisions"],
            }
        )
    return rows


def annual_report(work: AnnualWork, year: int, today: date) -> dict[str, Any]:
    return {
        "year": year,
        "registrations_against_results": registrations_against_results(work, year),
        "cluster_rankings": cluster_rankings(work, year),
        "rounds": round_completion(work, year, today),
        "forms": {
            "0601": "Biểu 0601 (số lượng phong trào thi đua): dịch vụ báo cáo, /forms/0601",
            "0602": "Biểu 0602.N/BNV-TĐKT: dịch vụ báo cáo, /forms/0602",
        },
    }
