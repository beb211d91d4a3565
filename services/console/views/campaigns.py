"""Phong trào: list and accent-insensitive search, drafting with every field, amendment, and each
step of a movement's life (registration or return, launch, reviews, documents, closing,
cancellation), with the dispatch-147 eligibility verdict and the history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from services.console import formdata as F
from services.console import roles
from services.console.auth import UserDep
from services.console.clients import ServiceError
from services.console.formatting import today_vn
from services.console.history import timeline
from services.console.lastseen import LastSeen
from services.console.pages import error_context, form_status, redirect
from services.console.views.common import PagesDep, ServicesDep, form_pairs
from shared.contracts.labels import CAMPAIGN_KINDS, CAMPAIGN_STATUSES

router = APIRouter(prefix="/phong-trao", tags=["phong trào"])

LEVELS = {"district": "Cấp huyện", "commune": "Cấp xã", "department": "Cấp phòng, ban, ngành"}
DRAFT_CONVERTERS: dict[str, F.Converter] = {
    "targets[].target_value": F.decimal_text,
    "stages[].number": F.integer,
    "stages[].start_date": F.day,
    "stages[].end_date": F.day,
    "start_date": F.day,
    "end_date": F.day,
    "directive.issued_on": F.day,
    "plan.issued_on": F.day,
}
REVIEW_CONVERTERS: dict[str, F.Converter] = {
    "report.issued_on": F.day,
    "filed_on": F.day,
    "stage": F.integer,
    "results[].achieved_value": F.decimal_text,
    "proposed_collectives": F.integer,
    "proposed_individuals": F.integer,
}


@dataclass(frozen=True)
class Action:
    """One step on a movement: its screen title, the API call, and how its form converts."""

    key: str
    title: str
    method: str
    api_path: str
    converters: dict[str, F.Converter]
    done: str
    button: str


ACTIONS: dict[str, Action] = {
    a.key: a
    for a in (
        Action(
            "registration",
            "Đăng ký phong trào",
            "POST",
            "/registration",
            {"registered_on": F.day},
            "Đã đăng ký phong trào.",
            "Đăng ký",
        ),
        Action(
            "registration-return",
            "Trả lại hồ sơ đăng ký",
            "POST",
            "/registration-return",
            {"reasons": F.lines, "returned_on": F.day},
            "Đã trả lại hồ sơ đăng ký cho đơn vị chủ trì.",
            "Trả lại",
        ),
        Action(
            "launch",
            "Phát động phong trào",
            "POST",
            "/launch",
            {"launched_on": F.day},
            "Đã ghi nhận phát động phong trào.",
            "Phát động",
        ),
        Action(
            "interim-reviews",
            "Báo cáo sơ kết",
            "POST",
            "/interim-reviews",
            REVIEW_CONVERTERS,
            "Đã gửi báo cáo sơ kết.",
            "Gửi báo cáo sơ kết",
        ),
        Action(
            "final-review",
            "Báo cáo tổng kết",
            "POST",
            "/final-review",
            REVIEW_CONVERTERS,
            "Đã gửi báo cáo tổng kết.",
            "Gửi báo cáo tổng kết",
        ),
        Action(
            "final-review-correction",
            "Đính chính báo cáo tổng kết",
            "PUT",
            "/final-review",
            REVIEW_CONVERTERS,
            "Đã đính chính báo cáo tổng kết (lịch sử giữ bản cũ).",
            "Đính chính",
        ),
        Action(
            "documents",
            "Bổ sung văn bản chỉ đạo, kế hoạch",
            "POST",
            "/documents",
            {"directive.issued_on": F.day, "plan.issued_on": F.day},
            "Đã bổ sung văn bản.",
            "Bổ sung văn bản",
        ),
        Action(
            "close",
            "Kết thúc phong trào",
            "POST",
            "/close",
            {"closed_on": F.day},
            "Đã kết thúc phong trào.",
            "Kết thúc phong trào",
        ),
        Action(
            "cancel",
            "Hủy phong trào",
            "POST",
            "/cancel",
            {"cancelled_on": F.day},
            "Đã hủy phong trào.",
            "Hủy phong trào",
        ),
    )
}
# Which steps make sense in which status (the service still decides; this only orders the screen).
OFFERED = {
    "draft": ("registration", "registration-return", "documents", "cancel"),
    "registration_returned": ("documents", "cancel"),
    "registered": ("launch", "documents", "cancel"),
    "launched": ("interim-reviews", "final-review", "documents", "cancel"),
    "final_reviewed": ("final-review-correction", "close", "documents", "cancel"),
    "closed": ("final-review-correction",),
    "cancelled": (),
}


def review_overdue(c: dict[str, Any], today: date) -> bool:
    """Flagged by the service's sweep, or past the review due date with no final review yet."""
    if c.get("review_overdue_flagged_on"):
        return c.get("final_review") is None
    due = c.get("review_due_on")
    return (
        bool(due)
        and c.get("final_review") is None
        and c["status"] in ("registered", "launched")
        and (date.fromisoformat(due) < today)
    )


@router.get("")
async def list_campaigns(request: Request, user: UserDep, services: ServicesDep, pages: PagesDep) -> Response:
    q = dict(request.query_params)
    filters = {k: q.get(k, "") for k in ("q", "kind", "status", "year", "lead_unit")}
    if roles.may_campaign(user.role, "launch") and "lead_unit" not in q:
        filters["lead_unit"] = user.unit  # a lead unit starts from its own movements
    problem = None
    found: list[dict[str, Any]] = []
    try:
        found = await services.campaigns.get("/campaigns", user=user, params=filters)
    except ServiceError as error:
        problem = error
    today = today_vn()
    queue: list[dict[str, Any]] = []
    if user.role == "council_secretariat":
        queue = [c for c in found if c["status"] == "draft"]
    elif roles.may_campaign(user.role, "launch"):
        queue = [c for c in found if c["status"] in ("registration_returned", "registered") or review_overdue(c, today)]
    return pages.render(
        request,
        "campaigns/list.html",
        {
            "campaigns": found,
            "filters": filters,
            "values": filters,
            "queue": queue,
            "problem": problem,
            "kinds": CAMPAIGN_KINDS,
            "statuses": CAMPAIGN_STATUSES,
            "may_draft": roles.may_campaign(user.role, "draft"),
            "today": today,
            "review_overdue": review_overdue,
        },
    )


def _draft_defaults(user: Any) -> dict[str, Any]:
    return {
        "lead_unit_id": user.unit if roles.may_campaign(user.role, "launch") else "",
        "kind": "thematic",
        "launching_level": "district",
    }


@router.get("/moi")
async def draft_form(request: Request, user: UserDep, pages: PagesDep) -> Response:
    return pages.render(request, "campaigns/form.html", _form_context(_draft_defaults(user), None, amend=None))


def _form_context(
    values: dict[str, Any], error: ServiceError | None, *, amend: dict[str, Any] | None
) -> dict[str, Any]:
    targets = max(
        1, 1 + max((int(k.split("[")[1].split("]")[0]) for k in values if k.startswith("targets[")), default=-1)
    )
    stages = 1 + max((int(k.split("[")[1].split("]")[0]) for k in values if k.startswith("stages[")), default=-1)
    return {
        "values": values,
        "target_rows": targets,
        "stage_rows": stages,
        "kinds": CAMPAIGN_KINDS,
        "levels": LEVELS,
        "campaign": amend,
        **error_context(error),
    }


@router.post("/moi")
async def draft(request: Request, user: UserDep, services: ServicesDep, pages: PagesDep) -> Response:
    raw = F.nest(await form_pairs(request))
    body = F.convert(raw, DRAFT_CONVERTERS)
    try:
        created = await services.campaigns.post("/campaigns", user=user, json=body)
    except ServiceError as error:
        context = _form_context(F.flatten(raw), error, amend=None)
        return pages.render(request, "campaigns/form.html", context, status_code=form_status(error))
    return redirect(f"/phong-trao/{created['id']}", f"Đã soạn thảo phong trào «{created['name']}» ({created['code']}).")


@router.get("/the/{target}")
async def extra_row(request: Request, target: str, index: int, pages: PagesDep, user: UserDep) -> Response:
    """One more target or stage row (htmx), with the next index."""
    if target not in ("chi-tieu", "dot"):
        raise HTTPException(404)
    return pages.fragment(request, "campaigns/_row.html", {"target": target, "i": index, "values": {}, "errors": {}})


LAST_SEEN = LastSeen()


async def _campaign(services: ServicesDep, user: Any, campaign_id: str) -> dict[str, Any]:
    return LAST_SEEN.keep(await services.campaigns.get(f"/campaigns/{campaign_id}", user=user))


async def _campaign_for_form(services: ServicesDep, user: Any, campaign_id: str, error: ServiceError) -> dict[str, Any]:
    """The movement to show a refused form with; during an outage, the last copy read."""
    return await LAST_SEEN.for_form(
        lambda: services.campaigns.get(f"/campaigns/{campaign_id}", user=user), campaign_id, error
    )


@router.get("/{campaign_id}")
async def detail(request: Request, campaign_id: str, user: UserDep, services: ServicesDep, pages: PagesDep) -> Response:
    campaign = await _campaign(services, user, campaign_id)
    entries = await services.campaigns.get(f"/campaigns/{campaign_id}/history", user=user)
    offered = [ACTIONS[k] for k in OFFERED.get(campaign["status"], ()) if roles.may_campaign(user.role, k)]
    return pages.render(
        request,
        "campaigns/detail.html",
        {
            "c": campaign,
            "timeline": timeline(entries, request.app.state.units.name),
            "actions": offered,
            "may_amend": roles.may_campaign(user.role, "amend")
            and campaign["status"] in ("draft", "registration_returned", "registered"),
            "overdue": review_overdue(campaign, today_vn()),
        },
    )


def _campaign_values(c: dict[str, Any]) -> dict[str, Any]:
    """A movement as its form's values (dates as dd/mm/yyyy), to amend it."""
    keep = {
        k: c.get(k)
        for k in (
            "name",
            "lead_unit_id",
            "kind",
            "launching_level",
            "purpose",
            "requirements",
            "content",
            "start_date",
            "end_date",
            "targets",
            "stages",
            "directive",
            "plan",
        )
    }
    flat = {k: v for k, v in F.flatten({k: v for k, v in keep.items() if v is not None}).items() if v is not None}
    return {k: F.day_text(v) if k.endswith(("_date", "issued_on")) else str(v) for k, v in flat.items()}


@router.get("/{campaign_id}/sua")
async def amend_form(
    request: Request, campaign_id: str, user: UserDep, services: ServicesDep, pages: PagesDep
) -> Response:
    campaign = await _campaign(services, user, campaign_id)
    return pages.render(request, "campaigns/form.html", _form_context(_campaign_values(campaign), None, amend=campaign))


@router.post("/{campaign_id}/sua")
async def amend(request: Request, campaign_id: str, user: UserDep, services: ServicesDep, pages: PagesDep) -> Response:
    raw = F.nest(await form_pairs(request))
    body = F.convert(raw, DRAFT_CONVERTERS)
    headers = _if_match(body)
    try:
        await services.campaigns.request("PATCH", f"/campaigns/{campaign_id}", user=user, headers=headers, json=body)
    except ServiceError as error:
        campaign = await _campaign_for_form(services, user, campaign_id, error)
        context = _form_context(F.flatten(raw), error, amend=campaign)
        return pages.render(request, "campaigns/form.html", context, status_code=form_status(error))
    return redirect(f"/phong-trao/{campaign_id}", "Đã điều chỉnh nội dung phong trào.")


def _if_match(body: dict[str, Any]) -> dict[str, str]:
    """The movement's version the form was filled against (its hidden `version` field), sent as
    If-Match: a movement someone changed meanwhile is refused (409), not overwritten."""
    version = str(body.pop("version", "") or "").strip()
    return {"If-Match": f'"{version}"'} if version.isdigit() else {}


def _action_values(action: Action, c: dict[str, Any]) -> dict[str, Any]:
    """Sensible starting values: today's date, the targets to report on, the current review."""
    today = today_vn().strftime("%d/%m/%Y")
    values: dict[str, Any] = {"version": str(c["version"])}
    for key in ("registered_on", "returned_on", "launched_on", "filed_on", "closed_on", "cancelled_on"):
        values[key] = today
    if action.key in ("interim-reviews", "final-review", "final-review-correction"):
        review = c.get("final_review") if action.key == "final-review-correction" else None
        achieved = {r["indicator"]: r for r in (review or {}).get("results", [])}
        for i, t in enumerate(c.get("targets", [])):
            values[f"results[{i}].indicator"] = t["indicator"]
            if t["indicator"] in achieved:
                values[f"results[{i}].achieved_value"] = str(achieved[t["indicator"]].get("achieved_value") or "")
                values[f"results[{i}].note"] = achieved[t["indicator"]].get("note", "")
        if review:
            values.update({f"report.{k}": str(v or "") for k, v in review["report"].items()})
            values["report.issued_on"] = F.day_text(review["report"].get("issued_on"))
            values["summary"] = review["summary"]
            values["filed_on"] = F.day_text(review["filed_on"])
            values["proposed_collectives"] = str(review["proposed_collectives"])
            values["proposed_individuals"] = str(review["proposed_individuals"])
    return values


@router.get("/{campaign_id}/{action_key}")
async def action_form(
    request: Request, campaign_id: str, action_key: str, user: UserDep, services: ServicesDep, pages: PagesDep
) -> Response:
    action = ACTIONS.get(action_key)
    if action is None:
        raise HTTPException(404)
    campaign = await _campaign(services, user, campaign_id)
    context = {"c": campaign, "action": action, "values": _action_values(action, campaign), **error_context(None)}
    return pages.render(request, "campaigns/action.html", context)


@router.post("/{campaign_id}/{action_key}")
async def act(
    request: Request, campaign_id: str, action_key: str, user: UserDep, services: ServicesDep, pages: PagesDep
) -> Response:
    action = ACTIONS.get(action_key)
    if action is None:
        raise HTTPException(404)
    raw = F.nest(await form_pairs(request))
    body = F.convert(raw, action.converters)
    if action.key in ("interim-reviews", "final-review", "final-review-correction"):
        body.setdefault("results", [])
    if action.key == "registration-return":
        body.setdefault("reasons", [])
    headers = _if_match(body)
    try:
        await services.campaigns.request(
            action.method, f"/campaigns/{campaign_id}{action.api_path}", user=user, headers=headers, json=body
        )
    except ServiceError as error:
        campaign = await _campaign_for_form(services, user, campaign_id, error)
        context = {"c": campaign, "action": action, "values": F.flatten(raw), **error_context(error)}
        return pages.render(request, "campaigns/action.html", context, status_code=form_status(error))
    return redirect(f"/phong-trao/{campaign_id}", action.done)
