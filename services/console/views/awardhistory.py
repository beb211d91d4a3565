"""Lịch sử khen thưởng: a person's awards by year (proposed, decided, not awarded, annulled),
searched by ID number (sent in the form's body, never in an address, and not kept by the
service) or personal code; and the history of each nominee of a dossier, linked from its page."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from services.console import roles
from services.console.auth import User, UserDep
from services.console.clients import ServiceError
from services.console.views.common import PagesDep, ServicesDep, form_pairs, refused

router = APIRouter(prefix="/lich-su-khen-thuong", tags=["lịch sử khen thưởng"])
TEMPLATE = "history/search.html"


@router.get("")
async def history(request: Request, user: UserDep, services: ServicesDep, pages: PagesDep) -> Response:
    identity = request.query_params.get("dinh_danh", "").strip()
    dossier_id = request.query_params.get("ho_so", "").strip()
    context: dict[str, Any] = {"values": {}, "found": None, "dossier": None, "people": [], **_offers(user)}
    if identity:
        context["found"] = await services.dossiers.post("/award-history/search", user=user, json={"identity": identity})
    elif dossier_id:
        d = await services.dossiers.get(f"/dossiers/{dossier_id}", user=user)
        by_nominee = await services.dossiers.get(f"/dossiers/{dossier_id}/award-history", user=user)
        context["dossier"] = d
        context["people"] = nominees_history(d["nominees"], by_nominee)
    return pages.render(request, TEMPLATE, context)


def _offers(user: User) -> dict[str, Any]:
    return {"may_import": roles.may_annual(user.role, "import-history")}


def nominees_history(nominees: list[dict[str, Any]], by_nominee: dict[str, Any]) -> list[dict[str, Any]]:
    """The dossier's nominees in its order, each `{name, identified, awards, note}` as the service
    answers (a nominee it does not answer for is shown as not identifiable, with no note)."""
    people = []
    for n in nominees:
        found = by_nominee.get(n["nominee_id"]) or {}
        people.append(
            {
                "name": found.get("name") or n["name"],
                "identified": bool(found.get("identified")),
                "awards": found.get("awards") or [],
                "note": found.get("note"),
            }
        )
    return people


@router.post("")
async def search(request: Request, user: UserDep, services: ServicesDep, pages: PagesDep) -> Response:
    values = dict(await form_pairs(request))
    body = {k: values[k].strip() for k in ("id_number", "person_id") if values.get(k, "").strip()}
    context: dict[str, Any] = {
        "values": {"person_id": values.get("person_id", "")},
        "dossier": None,
        "people": [],
        **_offers(user),
    }
    try:
        found = await services.dossiers.post("/award-history/search", user=user, json=body)
    except ServiceError as error:
        return refused(request, pages, TEMPLATE, {**context, "found": None}, error)
    return pages.render(request, TEMPLATE, {**context, "found": found})
