"""Đăng ký thi đua: a unit's registration for a year (its title targets and its people's
individual targets), entered on a form or uploaded as XLSX (the service's row and column errors
shown in a table; nothing stored from a file with errors); the year's registrations by unit beside
what was proposed and decided (the year's report); one unit's registration."""

from __future__ import annotations

from itertools import groupby
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from services.console import formdata as F
from services.console import roles
from services.console.auth import User, UserDep
from services.console.clients import ServiceError
from services.console.formatting import today_vn
from services.console.pages import redirect
from services.console.views.common import (
    PagesDep,
    ServicesDep,
    form_files,
    post_form,
    refused_list,
)
from services.console.views.rounds import ROUND_AWARDS, XLSX

router = APIRouter(prefix="/dang-ky-thi-dua", tags=["đăng ký thi đua"])
PEOPLE_ROWS = 5


def _year(request: Request) -> int:
    raw = request.query_params.get("nam", "")
    return int(raw) if raw.isdigit() else today_vn().year


@router.get("")
async def pledges(request: Request, user: UserDep, services: ServicesDep, pages: PagesDep) -> Response:
    year = _year(request)
    rows: list[dict[str, Any]] = []
    problem = None
    try:
        report = await services.dossiers.get(f"/annual-reports/{year}", user=user)
        rows = report["registrations_against_results"]
    except ServiceError as error:
        problem = error
    by_unit = [(unit, list(items)) for unit, items in groupby(rows, key=lambda r: r["unit"])]
    context = {
        "year": year,
        "by_unit": by_unit,
        "problem": problem,
        "may_register": roles.may_annual(user.role, "register"),
        "unit_options": _unit_options(request),
        "values": {"unit": user.unit, "year": str(year)},
    }
    return pages.render(request, "pledges/list.html", context)


def _unit_options(request: Request) -> list[tuple[str, str]]:
    return request.app.state.units.options(active_on=today_vn())  # type: ignore[no-any-return]


@router.get("/don-vi")
async def lookup(request: Request, user: UserDep) -> Response:
    unit = request.query_params.get("unit", "").strip() or user.unit
    return redirect(f"/dang-ky-thi-dua/{unit}/{_year_param(request)}")


def _year_param(request: Request) -> int:
    raw = request.query_params.get("year", "")
    return int(raw) if raw.isdigit() else today_vn().year


def _form_context(request: Request, user: User, **more: Any) -> dict[str, Any]:
    return {
        "unit_options": _unit_options(request),
        "award_options": list(ROUND_AWARDS.items()),
        "people_rows": PEOPLE_ROWS,
        "row_errors": [],
        **more,
    }


def _defaults(request: Request, user: User) -> dict[str, Any]:
    return {
        "unit": request.query_params.get("unit") or user.unit,
        "year": str(_year_param(request)),
        "registered_on": today_vn().strftime("%d/%m/%Y"),
    }


@router.get("/moi")
async def register_form(request: Request, user: UserDep, pages: PagesDep) -> Response:
    context = _form_context(request, user, values=_defaults(request, user))
    return pages.render(request, "pledges/form.html", context)


@router.post("/moi")
async def register(request: Request, user: UserDep, services: ServicesDep, pages: PagesDep) -> Response:
    return await post_form(
        request,
        services,
        user,
        pages,
        path="/registrations",
        template="pledges/form.html",
        context=_form_context(request, user),
        converters={"year": F.integer, "registered_on": F.day, "targets.*": F.integer},
        done=lambda p: (
            f"/dang-ky-thi-dua/{p['unit']}/{p['year']}",
            f"Đã đăng ký thi đua năm {p['year']} cho {request.app.state.units.name(p['unit'])}.",
        ),
    )


@router.get("/tep")
async def upload_form(request: Request, user: UserDep, pages: PagesDep) -> Response:
    context = _form_context(request, user, values=_defaults(request, user))
    return pages.render(request, "pledges/upload.html", context)


@router.post("/tep")
async def upload(request: Request, user: UserDep, services: ServicesDep, pages: PagesDep) -> Response:
    form = await request.form()
    values = {k: v for k, v in form.multi_items() if isinstance(v, str)}
    files = await form_files(request, "file")
    try:
        if not files:
            raise ServiceError(422, "Chưa chọn tệp đăng ký (.xlsx).", {"file": "Chọn tệp đăng ký (.xlsx)."})
        data = {k: values.get(k, "") for k in ("unit", "year", "reason")}
        data["registered_on"] = str(F.day(values.get("registered_on", "")) or "")
        done = await services.dossiers.post(
            "/registrations/imports",
            user=user,
            data={k: v for k, v in data.items() if v},
            files={"file": (files[0].filename, await files[0].read(), XLSX)},
        )
    except ServiceError as error:
        context = _form_context(request, user, values=values)
        return refused_list(request, pages, "pledges/upload.html", context, error)
    return redirect(
        f"/dang-ky-thi-dua/{done['unit']}/{done['year']}",
        f"Đã đăng ký thi đua năm {done['year']} từ tệp: {len(done['individuals'])} cá nhân.",
    )


@router.get("/{unit}/{year}")
async def pledge(
    request: Request, unit: str, year: int, user: UserDep, services: ServicesDep, pages: PagesDep
) -> Response:
    found, problem = None, None
    try:
        found = await services.dossiers.get(f"/registrations/{unit}/{year}", user=user)
    except ServiceError as error:
        if error.status != 404:
            raise
        problem = error
    context = {
        "unit": unit,
        "year": year,
        "p": found,
        "problem": problem,
        "may_register": roles.may_annual(user.role, "register"),
    }
    return pages.render(request, "pledges/detail.html", context)
