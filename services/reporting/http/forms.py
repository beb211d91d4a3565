"""Form 0601 (the number of emulation movements), alone or beside form 0602, with exports."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import Response

from services.reporting import form0601, form0602
from services.reporting.context import ContextDep
from services.reporting.dataset import load
from services.reporting.exports import FORMATS, file_response
from services.reporting.generations import live_generation
from services.reporting.http.reports import FormatQuery, _choice, _refuse_if, _slug
from services.reporting.periods import year_period
from services.reporting.tables import projection_tables
from services.reporting.tabulate import form_sheets

router = APIRouter(prefix="/reports/forms", tags=["báo cáo"])
YearQuery = Annotated[int, Query(ge=1945, le=9999, description="Năm báo cáo")]


def _forms(ctx: Any, year: int) -> tuple[dict[str, Any], dict[str, Any]]:
    chosen = year_period(year)
    with ctx.engine.connect() as conn:
        generation = live_generation(conn) or 0
        ds = load(conn, projection_tables(generation), chosen)
    return form0601.build_form(ds, chosen, generation), form0602.build_form(ds, chosen, generation)


@router.get(
    "/0601", summary="Biểu 0601 (số lượng phong trào thi đua), trong phạm vi dữ liệu hệ thống có", response_model=None
)
def form_0601(ctx: ContextDep, year: YearQuery, format: FormatQuery = "json") -> dict[str, Any] | Response:
    errors: dict[str, str] = {}
    fmt = _choice("format", format, FORMATS, errors)
    _refuse_if(errors)
    form, _ = _forms(ctx, year)
    if fmt == "json":
        return form
    return file_response([form0601.form_sheet(form)], fmt, f"bieu-0601N_{_slug(year_period(year))}")


@router.get("/0601-0602", summary="Biểu 0601 bên cạnh biểu 0602 của cùng năm (XLSX: hai trang)", response_model=None)
def forms_side_by_side(ctx: ContextDep, year: YearQuery, format: FormatQuery = "json") -> dict[str, Any] | Response:
    errors: dict[str, str] = {}
    fmt = _choice("format", format, FORMATS, errors)
    if fmt == "csv":
        errors["format"] = "Hai biểu chỉ xuất chung được dạng xlsx hoặc json."
    _refuse_if(errors)
    f0601, f0602 = _forms(ctx, year)
    if fmt == "json":
        return {"0601": f0601, "0602": f0602}
    return file_response(
        [form0601.form_sheet(f0601), *form_sheets(f0602)], fmt, f"bieu-0601N-0602N_{_slug(year_period(year))}"
    )
