"""Thông báo: the unit's inbox (mark read without leaving the page), and webhook subscriptions
for administrators."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from services.console import formdata as F
from services.console.auth import UserDep
from services.console.clients import ServiceError
from services.console.pages import error_context, form_status, redirect
from services.console.views.common import PagesDep, ServicesDep, form_pairs

router = APIRouter(prefix="/thong-bao", tags=["thông báo"])

EVENT_PATTERNS = {
    "tdkt.>": "Mọi sự kiện",
    "tdkt.campaign.*": "Mọi sự kiện phong trào thi đua",
    "tdkt.dossier.*": "Mọi sự kiện hồ sơ",
    "tdkt.award.*": "Quyết định, hủy bỏ, thu hồi khen thưởng",
    "tdkt.award.decided": "Quyết định khen thưởng",
    "tdkt.dossier.submitted": "Tiếp nhận hồ sơ",
    "tdkt.notification.*": "Kết quả gửi thông báo",
}


@router.get("")
async def inbox(request: Request, user: UserDep, services: ServicesDep, pages: PagesDep) -> Response:
    unread_only = request.query_params.get("chua_doc") == "1"
    box: dict[str, Any] = {"items": [], "unread": 0}
    problem = None
    try:
        box = await services.notifications.get(
            "/inbox", user=user, params={"recipient": user.unit, "unread_only": str(unread_only).lower()}
        )
    except ServiceError as error:
        problem = error
    return pages.render(
        request, "notifications/inbox.html", {"box": box, "unread_only": unread_only, "problem": problem}
    )


@router.post("/{message_id}/da-doc")
async def mark_read(
    request: Request, message_id: str, user: UserDep, services: ServicesDep, pages: PagesDep
) -> Response:
    problem = None
    item = None
    try:
        item = await services.notifications.post(f"/inbox/{message_id}/read", user=user)
    except ServiceError as error:
        problem = error
    if request.headers.get("HX-Request"):
        return pages.fragment(request, "notifications/_item.html", {"item": item, "problem": problem, "id": message_id})
    return redirect(
        "/thong-bao", problem.detail if problem else "Đã đánh dấu đã đọc.", kind="error" if problem else "ok"
    )


async def _webhooks_page(
    request: Request,
    services: ServicesDep,
    pages: PagesDep,
    user: Any,
    values: dict[str, Any],
    error: ServiceError | None,
) -> Response:
    subscriptions: list[dict[str, Any]] = []
    list_problem = None
    try:
        subscriptions = await services.notifications.get("/subscriptions", user=user)
    except ServiceError as problem:
        list_problem = problem
    return pages.render(
        request,
        "notifications/webhooks.html",
        {
            "subscriptions": subscriptions,
            "patterns": EVENT_PATTERNS,
            "values": values,
            "list_problem": list_problem,
            "is_admin": user.role == "administrator",
            **error_context(error),
        },
        status_code=form_status(error) if error else 200,
    )


@router.get("/webhook")
async def webhooks(request: Request, user: UserDep, services: ServicesDep, pages: PagesDep) -> Response:
    return await _webhooks_page(request, services, pages, user, {"event_types": ["tdkt.award.*"]}, None)


@router.post("/webhook")
async def subscribe(request: Request, user: UserDep, services: ServicesDep, pages: PagesDep) -> Response:
    raw = F.nest(await form_pairs(request), multi=("event_types",))
    extra = [p.strip() for p in str(raw.pop("other_types", "")).split(",") if p.strip()]
    raw["event_types"] = [*raw.get("event_types", []), *extra]
    body = F.convert(raw, {"event_types": F.text, "description": F.text_or_empty})
    body.setdefault("event_types", [])
    try:
        await services.notifications.post("/subscriptions", user=user, json=body)
    except ServiceError as error:
        return await _webhooks_page(request, services, pages, user, F.flatten(raw), error)
    return redirect("/thong-bao/webhook", f"Đã đăng ký webhook tới {body.get('url')}.")


@router.post("/webhook/{subscription_id}/huy")
async def unsubscribe(subscription_id: str, user: UserDep, services: ServicesDep) -> Response:
    try:
        await services.notifications.delete(f"/subscriptions/{subscription_id}", user=user)
    except ServiceError as error:
        return redirect("/thong-bao/webhook", error.detail, kind="error")
    return redirect("/thong-bao/webhook", "Đã hủy đăng ký webhook.")
