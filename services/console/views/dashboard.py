"""Tổng quan: dossiers by status, due this week and overdue (working days, counted by the dossiers
service), movements whose reviews are overdue, and the charts of the current year."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from services.console import roles
from services.console.auth import OptionalUserDep, UserDep
from services.console.charts import Chart, bar_chart
from services.console.clients import ServiceError, Services
from services.console.formatting import today_vn
from services.console.views.campaigns import review_overdue
from services.console.views.common import PagesDep, ServicesDep
from services.console.views.dossiers import role_queue

router = APIRouter(tags=["tổng quan"])


@router.get("/")
async def home(user: OptionalUserDep) -> Response:
    return RedirectResponse("/tong-quan" if user else "/dang-nhap", status_code=303)


async def _summary(services: Services, year: int, group_by: str) -> dict[str, Any] | None:
    try:
        return await services.reporting.get("/reports/summary", params={"period": str(year), "group_by": group_by})
    except ServiceError:
        return None


def period_charts(by_award: dict[str, Any] | None, by_unit: dict[str, Any] | None) -> list[Chart]:
    """Awards by form, by unit, and results on time against the appointment, per unit."""
    charts = []
    if by_award:
        rows = [(g["label"], [g["values"].get("nominees_awarded")]) for g in by_award["groups"]]
        charts.append(bar_chart("Số lượt khen thưởng theo hình thức, danh hiệu", rows, unit="lượt"))
    if by_unit:
        rows = [(g["label"], [g["values"].get("nominees_awarded")]) for g in by_unit["groups"]]
        charts.append(bar_chart("Số lượt khen thưởng theo đơn vị trình khen", rows, unit="lượt"))
        timing = []
        for g in by_unit["groups"]:
            on_time = g["values"].get("results_on_time") or 0
            with_date = g["values"].get("results_with_appointment") or 0
            timing.append((g["label"], [on_time, max(0, with_date - on_time)]))
        charts.append(
            bar_chart(
                "Kết quả giải quyết so với ngày hẹn trả, theo đơn vị",
                timing,
                series=(("Đúng hẹn", "ok"), ("Trễ hẹn", "late")),
                unit="hồ sơ",
            )
        )
    return charts


@router.get("/tong-quan")
async def dashboard(request: Request, user: UserDep, services: ServicesDep, pages: PagesDep) -> Response:
    today = today_vn()
    problems: list[ServiceError] = []
    overview = None
    queue: list[dict[str, Any]] = []
    unit = user.unit if roles.sees_own_unit_only(user.role) else None
    try:
        overview = await services.dossiers.get("/dossiers/overview", user=user, params={"proposing_unit": unit})
        queue = await role_queue(services, user)
    except ServiceError as error:
        problems.append(error)
    campaigns: list[dict[str, Any]] = []
    try:
        lead = user.unit if roles.may_campaign(user.role, "launch") else None
        campaigns = await services.campaigns.get("/campaigns", user=user, params={"lead_unit": lead})
    except ServiceError as error:
        problems.append(error)
    by_award = await _summary(services, today.year, "award")
    by_unit = await _summary(services, today.year, "proposing_unit")
    status_chart = None
    if overview:
        rows = [(s["label"], [s["count"]]) for s in overview["by_status"]]
        status_chart = bar_chart("Hồ sơ theo trạng thái", rows, unit="hồ sơ")
    return pages.render(
        request,
        "dashboard.html",
        {
            "overview": overview,
            "queue": queue,
            "queue_title": roles.QUEUE_TITLES.get(user.role),
            "quick_actions": roles.QUICK_ACTIONS.get(user.role, ()),
            "overdue_campaigns": [c for c in campaigns if review_overdue(c, today)],
            "campaign_counts": _campaign_counts(campaigns),
            "status_chart": status_chart,
            "charts": period_charts(by_award, by_unit),
            "totals": (by_unit or {}).get("total"),
            "year": today.year,
            "reporting_down": by_unit is None,
            "problems": problems,
        },
    )


def _campaign_counts(campaigns: list[dict[str, Any]]) -> list[tuple[str, int]]:
    counts: dict[str, int] = {}
    for c in campaigns:
        counts[c["status_label"]] = counts.get(c["status_label"], 0) + 1
    return sorted(counts.items(), key=lambda kv: -kv[1])
