"""Công khai: no login. The nominees under public disclosure and the decided awards of a unit and
period, as the dossiers service publishes them (name, position and unit, nothing more)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from services.console import formdata as F
from services.console.clients import ServiceError
from services.console.formatting import today_vn
from services.console.views.common import PagesDep, ServicesDep

router = APIRouter(prefix="/cong-khai", tags=["công khai"])

PUBLIC_KINDS = ("commune", "township", "people_committee", "department", "armed_forces", "public_service_unit")


@router.get("")
async def public_listing(request: Request, services: ServicesDep, pages: PagesDep) -> Response:
    q = request.query_params
    unit = q.get("don_vi", "")
    year = q.get("nam", "") or str(today_vn().year)
    params: dict[str, Any] = {"proposing_unit": unit, "year": year}
    if q.get("tu_ngay") or q.get("den_ngay"):
        params = {"proposing_unit": unit, "from": F.day(q.get("tu_ngay", "")), "to": F.day(q.get("den_ngay", ""))}
        params = {k: (None if v is F.SKIP else v) for k, v in params.items()}
    listing, problem = None, None
    try:
        listing = await services.dossiers.get("/public/nominees", params=params)
    except ServiceError as error:
        problem = error
    errors = {}
    if problem:
        names = {"year": "nam", "from": "tu_ngay", "to": "den_ngay", "proposing_unit": "don_vi"}
        errors = {names.get(k, k): v for k, v in problem.errors.items()}
    return pages.render(
        request,
        "public.html",
        {
            "listing": listing,
            "problem": problem,
            "errors": errors,
            "values": {"don_vi": unit, "nam": year, "tu_ngay": q.get("tu_ngay", ""), "den_ngay": q.get("den_ngay", "")},
            "form": {"don_vi": unit, "nam": year, "tu_ngay": q.get("tu_ngay", ""), "den_ngay": q.get("den_ngay", "")},
            "public_units": request.app.state.units.all(PUBLIC_KINDS),
        },
        user=None,
    )
