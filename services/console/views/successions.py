"""Chuyển hồ sơ cho đơn vị kế thừa, in bulk: when the org-unit data says a unit ended (a merger, the
end of the district level), every open dossier pending at it passes to the unit that took over
its work (`POST /dossiers/successions`), and those whose successor is not one unit are listed for
a clerk to choose on the dossier's own screen."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from services.console import roles
from services.console.auth import User, UserDep
from services.console.clients import ServiceError
from services.console.pages import form_status
from services.console.views.common import PagesDep, ServicesDep
from services.console.views.dossiers import OPEN_STATUSES

router = APIRouter(prefix="/ho-so/ke-thua", tags=["hồ sơ"])


async def pending_at_ended_units(services: ServicesDep, user: User, units: Any) -> list[dict[str, Any]]:
    """Open dossiers whose deciding authority has ended, by the unit catalogue."""
    found: list[dict[str, Any]] = []
    for status in OPEN_STATUSES:
        for d in await services.dossiers.get("/dossiers", user=user, params={"status": status, "limit": 500}):
            if (ended := units.ended(d.get("deciding_authority"))) is not None:
                found.append({**d, "ended_on": ended, "successors": units.successors(d["deciding_authority"])})
    return sorted(found, key=lambda d: d["received_on"])


def _allowed(user: User) -> None:
    if not roles.may_pass_in_bulk(user.role):
        raise HTTPException(404)


@router.get("")
async def successions(request: Request, user: UserDep, services: ServicesDep, pages: PagesDep) -> Response:
    _allowed(user)
    problem = None
    pending: list[dict[str, Any]] = []
    try:
        pending = await pending_at_ended_units(services, user, request.app.state.units)
    except ServiceError as error:
        problem = error
    return pages.render(request, "dossiers/successions.html", {"pending": pending, "results": None, "problem": problem})


@router.post("")
async def pass_all(request: Request, user: UserDep, services: ServicesDep, pages: PagesDep) -> Response:
    _allowed(user)
    units = request.app.state.units
    before: list[dict[str, Any]] = []
    try:
        before = await pending_at_ended_units(services, user, units)
        results = await services.dossiers.post("/dossiers/successions", user=user)
    except ServiceError as error:
        context = {"pending": before, "results": None, "problem": error}
        return pages.render(request, "dossiers/successions.html", context, status_code=form_status(error))
    numbers = {d["id"]: d["receipt_number"] for d in before}
    for r in results:
        if r["id"] not in numbers:
            try:
                numbers[r["id"]] = (await services.dossiers.get(f"/dossiers/{r['id']}", user=user))["receipt_number"]
            except ServiceError:
                numbers[r["id"]] = r["id"]
    rows = [{**r, "receipt_number": numbers[r["id"]]} for r in results]
    context = {
        "pending": [],
        "results": {"passed": [r for r in rows if r["to"]], "to_choose": [r for r in rows if not r["to"]]},
        "problem": None,
    }
    return pages.render(request, "dossiers/successions.html", context)
