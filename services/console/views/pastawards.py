"""Nhập khen thưởng đã có trước hệ thống: the office (Phòng Nội vụ) uploads its register of past
awards (sổ khen thưởng, XLSX, from the service's template); the service checks it row by row and
stores nothing from a file with errors unless the user chooses to keep the valid rows. The file is
kept in the file store first (`listfiles`), so choosing that does not mean picking it again."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from services.console import roles
from services.console.auth import User, UserDep
from services.console.clients import ServiceError
from services.console.pages import redirect
from services.console.views.common import PagesDep, ServicesDep, refused_list
from services.console.views.listfiles import XLSX, kept_list_file

router = APIRouter(prefix="/lich-su-khen-thuong/nhap", tags=["lịch sử khen thưởng"])
TEMPLATE = "history/import.html"
COLUMNS_HELP = (
    "STT",
    "Họ và tên",
    "Số CCCD / Mã định danh",
    "Đơn vị",
    "Danh hiệu / Hình thức",
    "Năm",
    "Số quyết định",
    "Ngày quyết định",
)
"""The register's columns as the service reads them (its template's headers)."""


def _context(user: User, values: dict[str, Any]) -> dict[str, Any]:
    return {
        "values": values,
        "columns": COLUMNS_HELP,
        "row_errors": [],
        "may_import": roles.may_annual(user.role, "import-history"),
    }


@router.get("")
async def import_form(request: Request, user: UserDep, pages: PagesDep) -> Response:
    return pages.render(request, TEMPLATE, _context(user, {}))


@router.get("/mau.xlsx")
async def template(user: UserDep, services: ServicesDep) -> Response:
    """The service's template of the register (its headers, as it reads them)."""
    response = await services.dossiers.request("GET", "/award-history/imports/template.xlsx", user=user)
    keep = ("content-type", "content-disposition", "content-length")
    return Response(response.content, headers={k: v for k, v in response.headers.items() if k in keep})


@router.post("")
async def import_register(request: Request, user: UserDep, services: ServicesDep, pages: PagesDep) -> Response:
    form = await request.form()
    values: dict[str, Any] = {k: v for k, v in form.multi_items() if isinstance(v, str)}
    try:
        name, content = await kept_list_file(request, services, user, values)
        done = await services.dossiers.post(
            "/award-history/imports/xlsx",
            user=user,
            json=None,
            data={
                "source_ref": values.get("source_ref", "").strip(),
                "keep_valid_rows": "true" if values.get("keep_valid_rows") else "false",
            },
            files={"file": (name, content, XLSX)},
        )
    except ServiceError as error:
        return refused_list(request, pages, TEMPLATE, _context(user, values), error)
    return redirect("/lich-su-khen-thuong/nhap", imported_message(done))


def imported_message(done: dict[str, Any]) -> str:
    """What was imported: how many awards, for which years, and the rows left out."""
    text = f"Đã nhập {done['imported']} khen thưởng vào lịch sử"
    years = done.get("years") or []
    if years:
        text += " (năm " + ", ".join(str(y) for y in years) + ")"
    summary = done.get("import") or {}
    if summary.get("rows_read"):
        text += f"; tệp có {summary['rows_read']} dòng"
    if summary.get("rows_with_errors"):
        text += f", bỏ qua {summary['rows_with_errors']} dòng có lỗi"
    return text + "."
