"""Báo cáo: period summaries with charts and tables, the dispatch's concerns, exports to CSV and
XLSX (downloaded with a progress bar), and, for administrators, the projections' rebuild."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from services.console.auth import UserDep
from services.console.charts import bar_chart
from services.console.clients import ServiceError
from services.console.formatting import today_vn
from services.console.pages import redirect
from services.console.views.common import PagesDep, ServicesDep

router = APIRouter(prefix="/bao-cao", tags=["báo cáo"])

GROUP_BY = {
    "proposing_unit": "Đơn vị trình khen",
    "lead_unit": "Đơn vị chủ trì phong trào",
    "campaign": "Phong trào thi đua",
    "award_type": "Loại hình khen thưởng",
    "award": "Hình thức, danh hiệu khen thưởng",
    "channel": "Kênh tiếp nhận hồ sơ",
    "none": "Toàn địa bàn",
}
GROUP_COLUMNS = (
    "dossiers_received",
    "dossiers_decided",
    "nominees_awarded",
    "results_on_time_share",
    "processing_days_median",
    "cash_reward_vnd",
)
EXPORTS = {
    "tong-hop": ("/reports/summary", "Báo cáo tổng hợp"),
    "tien-thuong": ("/reports/cash-rewards", "Tiền thưởng theo tháng"),
    "bieu-0602": ("/reports/forms/0602", "Biểu 0602.N/BNV-TĐKT"),
}
DISPATCH_SECTION = "Nội dung Công văn 147/UBND-NV yêu cầu theo dõi"


def _params(request: Request) -> dict[str, str]:
    q = request.query_params
    params = {"period": q.get("period", ""), "from": q.get("from", ""), "to": q.get("to", "")}
    if not any(params.values()):
        params["period"] = str(today_vn().year)
    params["group_by"] = q.get("group_by") or "proposing_unit"
    return params


@router.get("")
async def summary(request: Request, user: UserDep, services: ServicesDep, pages: PagesDep) -> Response:
    params = _params(request)
    report, problem = None, None
    try:
        report = await services.reporting.get("/reports/summary", user=user, params=params)
    except ServiceError as error:
        problem = error
    sections: dict[str, list[dict[str, Any]]] = {}
    charts = []
    if report:
        for m in report["metrics"]:
            sections.setdefault(m["section"], []).append({**m, "value": report["total"].get(m["key"])})
        labels = {m["key"]: m["label"] for m in report["metrics"]}
        for key in ("nominees_awarded", "dossiers_received"):
            rows = [(g["label"], [g["values"].get(key)]) for g in report["groups"]]
            charts.append(bar_chart(f"{labels[key]} — theo {report['group_by_label'].lower()}", rows))
    return pages.render(
        request,
        "reports/summary.html",
        {
            "params": params,
            "values": params,
            "report": report,
            "sections": sections,
            "dispatch_section": DISPATCH_SECTION,
            "charts": charts,
            "group_by": GROUP_BY,
            "columns": GROUP_COLUMNS,
            "metric_labels": {m["key"]: m for m in report["metrics"]} if report else {},
            "exports": EXPORTS,
            "problem": problem,
            "errors": problem.errors if problem else {},
            "is_admin": user.role == "administrator",
        },
    )


@router.get("/tai-ve/{report}")
async def download(request: Request, report: str, user: UserDep, services: ServicesDep) -> Response:
    """The service's CSV or XLSX, passed through with its file name."""
    if report not in EXPORTS:
        raise HTTPException(404)
    params = {k: v for k, v in request.query_params.items() if k in ("period", "from", "to", "group_by", "format")}
    if report == "bieu-0602":
        params.pop("group_by", None)
    response = await services.reporting.request("GET", EXPORTS[report][0], user=user, params=params)
    keep = ("content-type", "content-disposition")
    headers = {k: v for k, v in response.headers.items() if k in keep}
    return Response(response.content, headers=headers)


@router.post("/dung-lai")
async def start_rebuild(request: Request, user: UserDep, services: ServicesDep, pages: PagesDep) -> Response:
    try:
        await services.reporting.post("/admin/rebuild", user=user)
    except ServiceError as error:
        return redirect("/bao-cao/dung-lai", error.detail, kind="error")
    return redirect("/bao-cao/dung-lai", "Đã bắt đầu dựng lại bảng báo cáo từ các luồng sự kiện.")


@router.get("/dung-lai")
async def rebuild_page(request: Request, user: UserDep, services: ServicesDep, pages: PagesDep) -> Response:
    progress, problem = None, None
    try:
        progress = await services.reporting.get("/admin/rebuild", user=user)
    except ServiceError as error:
        problem = error
    template = "reports/_rebuild.html" if request.headers.get("HX-Request") else "reports/rebuild.html"
    return pages.render(
        request, template, {"progress": progress, "problem": problem, "is_admin": user.role == "administrator"}
    )
