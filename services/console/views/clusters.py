"""Cụm, khối thi đua: a year's clusters and blocs (members, leading and deputy units), the pact
and its criteria, the year-end scores and ranking (equal totals share a place), and the proposal
of the leading units for Cờ thi đua or Bằng khen; the service checks the ranking rules."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from services.console import formdata as F
from services.console import roles
from services.console.auth import UserDep
from services.console.clients import ServiceError
from services.console.formatting import today_vn
from services.console.views.common import PagesDep, ServicesDep, post_form

router = APIRouter(prefix="/cum-khoi", tags=["cụm, khối thi đua"])

KINDS = {"CLUSTER": "Cụm thi đua", "BLOC": "Khối thi đua"}
PROPOSALS = {"EMULATION_FLAG": "Cờ thi đua", "COMMENDATION": "Bằng khen"}
CRITERIA_ROWS = 6


@router.get("")
async def clusters(request: Request, user: UserDep, services: ServicesDep, pages: PagesDep) -> Response:
    raw = request.query_params.get("nam", "")
    year = int(raw) if raw.isdigit() else today_vn().year
    found: list[dict[str, Any]] = []
    problem = None
    try:
        found = (await services.dossiers.get(f"/annual-reports/{year}", user=user))["cluster_rankings"]
    except ServiceError as error:
        problem = error
    context = {
        "year": year,
        "clusters": found,
        "problem": problem,
        "kinds": KINDS,
        "may_keep": roles.may_annual(user.role, "keep-clusters"),
    }
    return pages.render(request, "clusters/list.html", context)


def _form_context(request: Request) -> dict[str, Any]:
    return {"unit_options": request.app.state.units.options(active_on=today_vn()), "kind_options": list(KINDS.items())}


@router.get("/moi")
async def form_form(request: Request, user: UserDep, pages: PagesDep) -> Response:
    values = {"year": str(today_vn().year), "kind": "CLUSTER"}
    return pages.render(request, "clusters/form.html", {**_form_context(request), "values": values})


@router.post("/moi")
async def form_cluster(request: Request, user: UserDep, services: ServicesDep, pages: PagesDep) -> Response:
    return await post_form(
        request,
        services,
        user,
        pages,
        path="/clusters",
        template="clusters/form.html",
        context=_form_context(request),
        converters={"year": F.integer},
        multi=("members",),
        done=lambda c: (f"/cum-khoi/{c['code']}/{c['year']}", f"Đã thành lập {c['name']} năm {c['year']}."),
    )


async def _cluster(services: ServicesDep, user: Any, code: str, year: int) -> dict[str, Any]:
    return await services.dossiers.get(f"/clusters/{code}/{year}", user=user)  # type: ignore[no-any-return]


@router.get("/{code}/{year}")
async def cluster(
    request: Request, code: str, year: int, user: UserDep, services: ServicesDep, pages: PagesDep
) -> Response:
    c = await _cluster(services, user, code, year)
    context = {"c": c, "kinds": KINDS, "may_keep": roles.may_annual(user.role, "keep-clusters")}
    return pages.render(request, "clusters/detail.html", context)


STEPS: dict[str, tuple[str, str, dict[str, F.Converter], tuple[str, ...], str]] = {
    "giao-uoc": (
        "pact",
        "Ký giao ước thi đua",
        {"signed_on": F.day, "criteria[].max_points": F.integer},
        (),
        "Đã ký giao ước thi đua.",
    ),
    "cham-diem": ("scores", "Chấm điểm cuối năm", {"points.*": F.decimal_text}, (), "Đã ghi điểm của đơn vị."),
    "de-nghi": ("proposals", "Đề nghị khen thưởng đơn vị dẫn đầu", {}, ("units",), "Đã ghi nhận đề nghị."),
}
"""Each command on a cluster: screen path → (API path, title, converters, multi-value fields, message)."""


async def _cluster_for(step: str, services: ServicesDep, user: Any, code: str, year: int) -> dict[str, Any]:
    if step not in STEPS:
        raise HTTPException(404)
    return await _cluster(services, user, code, year)


def _step_context(c: dict[str, Any], step: str, request: Request) -> dict[str, Any]:
    return {
        "c": c,
        "step": step,
        "title": STEPS[step][1],
        "criteria_rows": CRITERIA_ROWS,
        "proposal_options": list(PROPOSALS.items()),
        "member_options": [(u, request.app.state.units.name(u)) for u in c["members"]],
    }


@router.get("/{code}/{year}/{step}")
async def step_form(
    request: Request, code: str, year: int, step: str, user: UserDep, services: ServicesDep, pages: PagesDep
) -> Response:
    c = await _cluster_for(step, services, user, code, year)
    values = {"signed_on": today_vn().strftime("%d/%m/%Y"), "award": "EMULATION_FLAG"}
    return pages.render(request, "clusters/step.html", {**_step_context(c, step, request), "values": values})


@router.post("/{code}/{year}/{step}")
async def run_step(
    request: Request, code: str, year: int, step: str, user: UserDep, services: ServicesDep, pages: PagesDep
) -> Response:
    c = await _cluster_for(step, services, user, code, year)
    api, _, converters, multi, message = STEPS[step]
    return await post_form(
        request,
        services,
        user,
        pages,
        path=f"/clusters/{code}/{year}/{api}",
        template="clusters/step.html",
        context=_step_context(c, step, request),
        converters=converters,
        multi=multi,
        done=lambda _: (f"/cum-khoi/{code}/{year}", message),
    )
