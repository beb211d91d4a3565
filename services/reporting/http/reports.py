"""HTTP API of the reporting service: period summaries, cash rewards, the TT 02/2023 form, and
their CSV/XLSX exports.

Endpoints are plain `def` (database reads block), so FastAPI runs them in its threadpool. Every
parameter error is a 422 problem document with a Vietnamese message per parameter.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import anyio
from fastapi import APIRouter, Query
from fastapi.responses import Response

from services.reporting import as_of as time_travel
from services.reporting import campaign_counts
from services.reporting.cash import cash_report
from services.reporting.context import ContextDep, ReportingContext
from services.reporting.dataset import load
from services.reporting.exports import FORMATS, file_response
from services.reporting.form0602 import build_form
from services.reporting.generations import live_generation
from services.reporting.metrics import GROUP_BY
from services.reporting.periods import INTERVALS, Period, resolve_period, year_period
from services.reporting.summary import SummaryOptions, summarize
from services.reporting.tables import projection_tables
from services.reporting.tabulate import cash_sheets, form_sheets, summary_sheets
from shared.errors import FieldErrors
from shared.http.problems import ProblemError

router = APIRouter(prefix="/reports", tags=["báo cáo"])

FromQuery = Annotated[
    str | None, Query(alias="from", description="Ngày đầu kỳ (YYYY-MM-DD, giờ Việt Nam), tính cả ngày này")
]
ToQuery = Annotated[str | None, Query(description="Ngày cuối kỳ (YYYY-MM-DD), tính cả ngày này; mặc định hôm nay")]
PeriodQuery = Annotated[
    str | None, Query(description="Thay cho from/to: 2023 (năm), 2023-Q1…Q4 (quý), 2023-H1/H2 (6 tháng), 2023-03")
]
FormatQuery = Annotated[str, Query(description="json (mặc định), csv hoặc xlsx")]
GroupByQuery = Annotated[str, Query(description="Chia theo: " + ", ".join(f"{k} ({v})" for k, v in GROUP_BY.items()))]


def _choice(name: str, value: str, choices: dict[str, str] | tuple[str, ...], errors: dict[str, str]) -> str:
    if value not in choices:
        listed = (
            ", ".join(f"{k} ({v})" for k, v in choices.items()) if isinstance(choices, dict) else ", ".join(choices)
        )
        errors[name] = f"Không có giá trị «{value}»; chọn một trong: {listed}."
    return value


def _period(start: str | None, to: str | None, period: str | None, errors: dict[str, str]) -> Period:
    try:
        return resolve_period(start, to, period)
    except FieldErrors as problem:
        errors.update(problem.field_errors or {"period": problem.detail})
        return year_period(2000)  # placeholder; the request is refused below


def _refuse_if(errors: dict[str, str]) -> None:
    """One 422 listing every wrong parameter, so the clerk fixes them all at once."""
    if errors:
        raise FieldErrors(errors, "Tham số của báo cáo chưa hợp lệ; xem chi tiết từng tham số.")


def _slug(period: Period) -> str:
    return f"{period.start.isoformat()}_{period.end.isoformat()}"


@router.get("/campaigns", summary="Số phong trào thi đua theo đơn vị chủ trì")
def campaigns_by_lead_unit(ctx: ContextDep) -> list[dict[str, Any]]:
    return campaign_counts.campaigns_by_lead_unit(ctx.engine)


@router.get(
    "/summary",
    summary="Báo cáo tổng hợp theo kỳ (tháng, quý, 6 tháng, năm hoặc khoảng ngày bất kỳ)",
    response_model=None,
)
def summary(
    ctx: ContextDep,
    start: FromQuery = None,
    to: ToQuery = None,
    period: PeriodQuery = None,
    group_by: GroupByQuery = "none",
    small_collective_max: Annotated[
        int | None, Query(ge=0, description="Ngưỡng số thành viên của tập thể nhỏ; mặc định theo cấu hình")
    ] = None,
    format: FormatQuery = "json",
    as_of: Annotated[
        date | None,
        Query(description="Số liệu như hồ sơ ghi nhận đến hết ngày này (YYYY-MM-DD), tính lại từ các sự kiện"),
    ] = None,
) -> dict[str, Any] | Response:
    errors: dict[str, str] = {}
    chosen = _period(start, to, period, errors)
    group_by = _choice("group_by", group_by, GROUP_BY, errors)
    fmt = _choice("format", format, FORMATS, errors)
    _refuse_if(errors)
    small = (
        ctx.settings.reporting_small_collective_max_members if small_collective_max is None else small_collective_max
    )
    if as_of is not None:
        report = _summary_as_of(ctx, as_of, chosen, SummaryOptions(group_by, small))
    else:
        report = summarize(ctx.engine, [chosen], SummaryOptions(group_by, small), ctx.units)[0]
    if fmt == "json":
        return report
    return file_response(summary_sheets(report), fmt, f"bao-cao-tong-hop_{group_by}_{_slug(chosen)}")


def _summary_as_of(ctx: ReportingContext, day: date, chosen: Period, options: SummaryOptions) -> dict[str, Any]:
    """The summary as the record stood at the end of `day` (`services.reporting.as_of`)."""
    try:
        messages = anyio.from_thread.run(time_travel.history_until, ctx.rebuilder.connect, day)
    except Exception as exc:
        raise ProblemError(
            503, f"Chưa đọc được các luồng sự kiện từ NATS để tính số liệu tại ngày {day:%d/%m/%Y}: {exc}"
        ) from exc
    engine, read = time_travel.project_history(messages)
    try:
        report = summarize(engine, [chosen], options, ctx.units)[0]
    finally:
        engine.dispose()
    report["generation"] = None
    report["as_of"] = {
        "date": day.isoformat(),
        "recorded_before": time_travel.end_of_day(day).isoformat(),
        **read,
        "note": (
            "Số liệu như hồ sơ ghi nhận đến hết ngày này: tính lại từ các sự kiện đã ghi trước thời điểm đó; "
            "sự kiện ghi sau (kể cả đính chính, hủy bỏ, quyết định nhập muộn) không được tính."
        ),
    }
    return report


@router.get("/cash-rewards", summary="Tiền thưởng theo kỳ và đơn vị", response_model=None)
def cash_rewards(
    ctx: ContextDep,
    start: FromQuery = None,
    to: ToQuery = None,
    period: PeriodQuery = None,
    interval: Annotated[str, Query(description="Chia kỳ theo: month, quarter, half, year")] = "month",
    group_by: GroupByQuery = "proposing_unit",
    format: FormatQuery = "json",
) -> dict[str, Any] | Response:
    errors: dict[str, str] = {}
    chosen = _period(start, to, period, errors)
    interval = _choice("interval", interval, INTERVALS, errors)
    group_by = _choice("group_by", group_by, GROUP_BY, errors)
    fmt = _choice("format", format, FORMATS, errors)
    _refuse_if(errors)
    report = cash_report(ctx, chosen, interval, group_by)
    if fmt == "json":
        return report
    return file_response(cash_sheets(report), fmt, f"tien-thuong_{interval}_{group_by}_{_slug(chosen)}")


@router.get(
    "/forms/0602",
    summary="Biểu 0602.N/BNV-TĐKT (Thông tư 02/2023/TT-BNV), trong phạm vi các trường đã biết",
    response_model=None,
)
def form_0602(
    ctx: ContextDep,
    year: Annotated[int | None, Query(ge=1945, le=9999, description="Năm báo cáo (mặc định: năm nay)")] = None,
    start: FromQuery = None,
    to: ToQuery = None,
    period: PeriodQuery = None,
    format: FormatQuery = "json",
) -> dict[str, Any] | Response:
    errors: dict[str, str] = {}
    if year is not None and (start or to or period):
        errors["year"] = "Không dùng cùng lúc với from/to/period."
    chosen = year_period(year) if year is not None else _period(start, to, period, errors)
    fmt = _choice("format", format, FORMATS, errors)
    _refuse_if(errors)
    with ctx.engine.connect() as conn:
        generation = live_generation(conn) or 0
        ds = load(conn, projection_tables(generation), chosen)
    form = build_form(ds, chosen, generation)
    if fmt == "json":
        return form
    return file_response(form_sheets(form), fmt, f"bieu-0602N_{_slug(chosen)}")
