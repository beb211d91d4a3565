"""Quyết định cho cả danh sách: the chairman signs one decision for the round's list. The list is
awarded as the council voted, except the nominees the chairman names (one a line: the row's number
in the list or its code, then the reason); the list is browsed on the same form, a page and a unit
at a time, and rows ticked there are added to the lines (plain submits, no script, what was typed
kept). Before signing, the service's dry run gives the summary ("Khen thưởng N người, không khen
thưởng M người") and the rows named; signing sends exactly what the summary was computed for."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from services.console import formdata as F
from services.console import rounddecision as D
from services.console.auth import User, UserDep
from services.console.clients import ServiceError
from services.console.formatting import today_vn
from services.console.pages import redirect
from services.console.paging import PAGE_SIZE
from services.console.views.common import PagesDep, ServicesDep, form_pairs, refused
from services.console.views.rounds import list_page, unit_choices

router = APIRouter(prefix="/dot-xet", tags=["đợt xét khen thưởng"])
TEMPLATE = "rounds/decision.html"
UNIT_PAGE = 1000
"""A unit's part of the list read whole to find the rows named by code (the service's largest page)."""


async def _context(
    request: Request, services: ServicesDep, user: User, round_id: str, values: dict[str, Any]
) -> dict[str, Any]:
    r = await services.dossiers.get(f"/rounds/{round_id}", user=user)
    unit = str(values.get("don_vi") or "")
    page = await list_page(services, user, round_id, unit, str(values.get("trang") or ""))
    return {
        "r": r,
        "values": values,
        "pending": sum(u["nominees"] for u in r["progress"] if u["dossier_ids"] and u["status"] != "DECIDED"),
        "page": page,
        "unit": unit,
        "unit_options": unit_choices(request, r),
        "named_lines": D.keys_in(str(values.get("not_awarded") or "")),
        "summary": None,
    }


async def _rows_named(services: ServicesDep, user: User, round_id: str, named: list[D.Named]) -> list[dict[str, Any]]:
    """The list's rows the lines name: the pages holding the numbers, the units holding the codes."""
    rows: list[dict[str, Any]] = []
    for number in D.pages_needed(named, PAGE_SIZE):
        rows += (await list_page(services, user, round_id, "", str(number))).items
    for unit in D.units_needed(named):
        rows += await services.dossiers.get(
            f"/rounds/{round_id}/list", user=user, params={"unit": unit, "limit": UNIT_PAGE}
        )
    return rows


@router.get("/{round_id}/quyet-dinh")
async def decision_form(
    request: Request, round_id: str, user: UserDep, services: ServicesDep, pages: PagesDep
) -> Response:
    values = {"decision_date": today_vn().strftime("%d/%m/%Y"), **dict(request.query_params)}
    return pages.render(request, TEMPLATE, await _context(request, services, user, round_id, values))


@router.post("/{round_id}/quyet-dinh")
async def decide(request: Request, round_id: str, user: UserDep, services: ServicesDep, pages: PagesDep) -> Response:
    pairs = await form_pairs(request)
    values: dict[str, Any] = {k: v for k, v in pairs if k != "pick"}
    action = values.pop("_action", "") or ("browse" if values.get("trang") else "preview")
    if action in ("browse", "add"):
        if action == "add":
            values["not_awarded"] = D.with_picked(
                str(values.get("not_awarded") or ""), [v for k, v in pairs if k == "pick"]
            )
        return pages.render(request, TEMPLATE, await _context(request, services, user, round_id, values))
    try:
        named, problems = D.parse_named(str(values.get("not_awarded") or ""))
        found, unknown = D.resolve(named, await _rows_named(services, user, round_id, named))
        if problems or unknown:
            raise ServiceError(
                422, "Danh sách không khen thưởng có dòng chưa đúng.", {"not_awarded": " ".join(problems + unknown)}
            )
        body = F.convert({k: values.get(k, "") for k in ("decision_date", "reason")}, {"decision_date": F.day})
        body["reject"] = D.reject_of(found)
        checked = D.fingerprint(body)
        if action == "confirm" and values.get("_checked") == checked:
            done = await services.dossiers.post(f"/rounds/{round_id}/decision", user=user, json=body)
            return redirect(
                f"/dot-xet/{round_id}",
                f"Đã ban hành quyết định số {done['decision_number']}: khen thưởng {done['awarded']}, "
                f"không khen thưởng {done['not_awarded']}.",
            )
        preview = await services.dossiers.post(
            f"/rounds/{round_id}/decision", user=user, json={**body, "dry_run": True}
        )
    except ServiceError as error:
        if "reject" in error.errors:
            error.errors["not_awarded"] = error.errors.pop("reject")
        context = await _context(request, services, user, round_id, values)
        return refused(request, pages, TEMPLATE, context, error)
    context = await _context(request, services, user, round_id, {**values, "_checked": checked})
    context["summary"] = {
        "text": D.summary_text(preview),
        "named": found,
        "others": preview["not_awarded"] - len(found),
        "changed": action == "confirm",
    }
    return pages.render(request, TEMPLATE, context)
