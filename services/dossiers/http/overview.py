"""Read endpoints for screens: the secretariat's overview of deadlines, and the public listing.

`GET /dossiers/overview` counts dossiers by status and lists those whose appointment date falls
this week or has passed, in working days (the service owns the calendar that counts them).
`GET /public/nominees` is for the public disclosure page: nominees under disclosure and decided
awards of a unit and period, carrying nothing about a person beyond name, position and unit.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query

from services.dossiers.domain.dossier import Dossier
from services.dossiers.domain.errors import DossierValidationError
from services.dossiers.domain.values import DossierStatus, label
from services.dossiers.http.common import DossiersDep, NowDep, UnitsDep, unit_name
from services.dossiers.http.dossiers import _summary
from shared.contracts.labels import NOMINEE_KINDS
from shared.workdays import WorkingCalendar, local_date

overview_router = APIRouter(prefix="/dossiers", tags=["tổng quan"])
public_router = APIRouter(prefix="/public", tags=["công khai"])

DISCLOSABLE = frozenset({DossierStatus.IN_APPRAISAL, DossierStatus.AWARDED, DossierStatus.RESULT_RETURNED})
"""Statuses in which a disclosure still stands: a withdrawn or refused proposal is not shown."""


def working_days_between(calendar: WorkingCalendar, start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (0 when `end` is not after `start`)."""
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        count += calendar.is_working_day(day)
    return count


@overview_router.get(
    "/overview", summary="Tổng quan: số hồ sơ theo trạng thái, hồ sơ đến hạn trong tuần và quá hạn (ngày làm việc)"
)
def overview(
    app: DossiersDep,
    units: UnitsDep,
    now: NowDep,
    proposing_unit: Annotated[str | None, Query(description="Mã đơn vị đề nghị; để trống: tất cả")] = None,
) -> dict[str, Any]:
    today = local_date(now)
    week_end = today + timedelta(days=6 - today.weekday())
    found = app.list_dossiers(proposing_unit=proposing_unit.strip().upper() if proposing_unit else None)
    counts = Counter(d.status for d in found)
    overdue, due = [], []
    for d in found:
        if not d.clock_running or d.appointment_date is None:
            continue
        if d.is_overdue(today):
            late = working_days_between(app.calendar, d.appointment_date, today)
            overdue.append({**_summary(units, d, today), "working_days_late": late})
        elif d.appointment_date <= week_end:
            left = working_days_between(app.calendar, today, d.appointment_date)
            due.append({**_summary(units, d, today), "working_days_left": left})
    overdue.sort(key=lambda s: -s["working_days_late"])
    due.sort(key=lambda s: s["appointment_date"])
    return {
        "on": today.isoformat(),
        "week_end": week_end.isoformat(),
        "total": len(found),
        "by_status": [{"status": s.value, "label": label(s), "count": counts.get(s, 0)} for s in DossierStatus],
        "overdue": overdue,
        "due_this_week": due,
    }


def _period(year: int | None, start: date | None, end: date | None, today: date) -> tuple[date, date]:
    if year is not None and (start or end):
        raise DossierValidationError({"year": "Chỉ dùng một trong hai: năm hoặc khoảng ngày (from, to)."})
    if year is not None:
        return date(year, 1, 1), date(year, 12, 31)
    first, last = start or date(today.year, 1, 1), end or date(today.year, 12, 31)
    if last < first:
        raise DossierValidationError({"to": "Ngày cuối kỳ không được trước ngày đầu kỳ."})
    return first, last


def _person(d: Dossier, nominee_id: str, units: Any) -> dict[str, Any]:
    """What may be published of a nominee: name, position and unit, with the award proposed."""
    n = d.nominee(nominee_id)
    return {
        "name": n.name,
        "position": n.position,
        "unit": n.unit,
        "kind": n.kind.value,
        "kind_label": NOMINEE_KINDS.get(n.kind.value, n.kind.value),
        "award": n.award,
        "award_label": label(n.award),
        "proposing_unit": d.proposing_unit,
        "proposing_unit_name": unit_name(units, d.proposing_unit),
    }


@public_router.get(
    "/nominees",
    summary="Công khai: người được đề nghị đang công khai và khen thưởng đã quyết định (chỉ họ tên, chức vụ, đơn vị)",
)
def public_nominees(
    app: DossiersDep,
    units: UnitsDep,
    now: NowDep,
    proposing_unit: Annotated[str | None, Query(description="Mã đơn vị đề nghị; để trống: tất cả")] = None,
    year: Annotated[int | None, Query(ge=1945, le=2100, description="Năm; mặc định năm nay")] = None,
    start: Annotated[date | None, Query(alias="from", description="Từ ngày (YYYY-MM-DD)")] = None,
    end: Annotated[date | None, Query(alias="to", description="Đến ngày (YYYY-MM-DD)")] = None,
) -> dict[str, Any]:
    first, last = _period(year, start, end, local_date(now))
    unit = proposing_unit.strip().upper() if proposing_unit else None
    disclosed: list[dict[str, Any]] = []
    awarded: list[dict[str, Any]] = []
    for d in app.list_dossiers(proposing_unit=unit):
        annulled = d.annulled_ids
        if d.status in DISCLOSABLE:
            for disclosure in d.disclosures:
                if disclosure.to_date < first or disclosure.from_date > last:
                    continue
                for nominee_id in disclosure.nominee_ids or d.nominee_ids:
                    if nominee_id in annulled:
                        continue
                    disclosed.append(
                        {
                            **_person(d, nominee_id, units),
                            "where": disclosure.where,
                            "from_date": disclosure.from_date.isoformat(),
                            "to_date": disclosure.to_date.isoformat(),
                        }
                    )
        decision = d.decision
        if decision is not None and decision.number and first <= decision.decision_date <= last:
            for approval in decision.approvals:
                if approval.nominee_id in annulled:
                    continue
                awarded.append(
                    {
                        **_person(d, approval.nominee_id, units),
                        "award": approval.award,
                        "award_label": label(approval.award),
                        "decision_number": decision.number,
                        "decision_date": decision.decision_date.isoformat(),
                        "authority": decision.authority,
                        "authority_name": unit_name(units, decision.authority),
                    }
                )
    disclosed.sort(key=lambda r: (r["from_date"], r["name"]))
    awarded.sort(key=lambda r: (r["decision_date"], r["decision_number"], r["name"]))
    return {
        "proposing_unit": unit,
        "proposing_unit_name": unit_name(units, unit) if unit else None,
        "from": first.isoformat(),
        "to": last.isoformat(),
        "disclosed": disclosed,
        "awarded": awarded,
    }
