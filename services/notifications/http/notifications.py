"""HTTP API: webhook subscriptions, the in-app inbox, and the audit trail of deliveries.

Queries are open; commands (subscribe, unsubscribe, mark read, re-queue) name their actor, which
until authentication lands comes from `X-Actor-*` headers in development mode only.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

import httpx
from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, Field, field_validator
from sqlalchemy import Engine

from services.notifications import audit, inbox, subscriptions
from services.notifications.claims import ClaimStore
from services.notifications.http.policy import INBOX_OVERSIGHT
from shared.actor import Actor
from shared.http.actor import ActorDep
from shared.http.problems import ProblemError


def get_engine(request: Request) -> Engine:
    return request.app.state.engine  # type: ignore[no-any-return]


EngineDep = Annotated[Engine, Depends(get_engine)]

subscriptions_router = APIRouter(prefix="/subscriptions", tags=["đăng ký webhook"])
inbox_router = APIRouter(prefix="/inbox", tags=["hộp thư"])
deliveries_router = APIRouter(prefix="/deliveries", tags=["lịch sử gửi"])


class SubscriptionRequest(BaseModel):
    event_types: list[str] = Field(
        min_length=1,
        description="Loại sự kiện hoặc mẫu chủ đề NATS: `tdkt.award.decided`, `tdkt.dossier.*`, `tdkt.>`",
    )
    url: str = Field(description="Địa chỉ http(s) nhận HTTP POST nội dung JSON của sự kiện")
    secret: str = Field(min_length=16, max_length=500, description="Khóa ký HMAC-SHA256 (X-Tdkt-Signature)")
    description: str = Field("", max_length=500, description="Hệ thống nào đăng ký, để làm gì")

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        try:
            url = httpx.URL(value.strip())
        except httpx.InvalidURL as exc:
            raise ValueError("Địa chỉ webhook không hợp lệ.") from exc
        if url.scheme not in ("http", "https") or not url.host:
            raise ValueError("Địa chỉ webhook phải bắt đầu bằng http:// hoặc https:// và có tên máy.")
        return str(url)

    @field_validator("event_types")
    @classmethod
    def _patterns(cls, value: list[str]) -> list[str]:
        cleaned = [pattern.strip() for pattern in value]
        for pattern in cleaned:
            problem = subscriptions.pattern_problem(pattern)
            if problem:
                raise ValueError(problem)
        return cleaned


@subscriptions_router.post("", status_code=201, summary="Đăng ký nhận sự kiện qua webhook")
def subscribe(body: SubscriptionRequest, engine: EngineDep, actor: ActorDep) -> dict[str, Any]:
    created = subscriptions.create_subscription(
        engine,
        url=body.url,
        secret=body.secret,
        event_types=body.event_types,
        description=body.description,
        created_by=actor.id,
        now=datetime.now(UTC),
    )
    return created.public()


@subscriptions_router.get("", summary="Các đăng ký webhook đang hoạt động (không kèm khóa ký)")
def list_subscriptions(engine: EngineDep) -> list[dict[str, Any]]:
    return [s.public() for s in subscriptions.list_subscriptions(engine)]


@subscriptions_router.delete("/{subscription_id}", status_code=204, summary="Hủy đăng ký webhook")
def unsubscribe(subscription_id: str, engine: EngineDep, actor: ActorDep) -> Response:
    if not subscriptions.delete_subscription(engine, subscription_id, datetime.now(UTC)):
        raise ProblemError(404, f"Không có đăng ký webhook đang hoạt động mã {subscription_id}.")
    return Response(status_code=204)


def check_inbox_owner(actor: Actor, recipient: str) -> None:
    """A unit's inbox is its own people's (the secretariat and those who oversee read every one)."""
    if actor.role in INBOX_OVERSIGHT:
        return
    if not actor.unit or inbox.owner_key(recipient) != inbox.owner_key(actor.unit):
        mine = actor.unit or "(không rõ đơn vị)"
        raise ProblemError(403, f"Chỉ được xem hộp thư của đơn vị mình ({mine}), không phải của «{recipient}».")


@inbox_router.get("", summary="Hộp thư của một đơn vị (mã đơn vị) hoặc một người (địa chỉ thư)")
def read_inbox(
    engine: EngineDep,
    actor: ActorDep,
    recipient: Annotated[str, Query(min_length=1, description="Mã đơn vị (PNV) hoặc địa chỉ thư của người nhận")],
    unread_only: bool = False,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> dict[str, Any]:
    check_inbox_owner(actor, recipient)
    return inbox.list_inbox(engine, recipient, unread_only=unread_only, limit=limit, offset=offset)


@inbox_router.post("/{message_id}/read", summary="Đánh dấu đã đọc")
def mark_read(message_id: str, engine: EngineDep, actor: ActorDep) -> dict[str, Any]:
    owner = inbox.recipient_of(engine, message_id)
    if owner is not None:
        check_inbox_owner(actor, owner)
    item = inbox.mark_read(engine, message_id, reader=actor.id, now=datetime.now(UTC))
    if item is None:
        raise ProblemError(404, f"Không có thông báo mã {message_id} trong hộp thư.")
    return item


@deliveries_router.get("", summary="Lịch sử gửi: mọi lần gửi của một sự kiện, một người nhận hoặc một trạng thái")
def list_deliveries(
    engine: EngineDep,
    event_id: str | None = None,
    recipient: Annotated[str | None, Query(description="Mã đơn vị, địa chỉ thư hoặc subscription:<mã>")] = None,
    status: Literal["pending", "sending", "delivered", "failed"] | None = None,
    channel: Literal["email", "webhook", "inbox"] | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[dict[str, Any]]:
    where = audit.DeliveryFilter(event_id, recipient, status, channel, limit, offset)
    return audit.list_deliveries(engine, where)


@deliveries_router.get("/{delivery_id}", summary="Một lần gửi: nội dung đã gửi và từng lần thử")
def get_delivery(delivery_id: str, engine: EngineDep) -> dict[str, Any]:
    found = audit.get_delivery(engine, delivery_id)
    if found is None:
        raise ProblemError(404, f"Không có lần gửi mã {delivery_id}.")
    return found


@deliveries_router.post("/{delivery_id}/retry", summary="Gửi lại một thông báo đã thất bại")
def retry_delivery(delivery_id: str, request: Request, engine: EngineDep, actor: ActorDep) -> dict[str, Any]:
    settings = request.app.state.settings
    if not ClaimStore(engine).requeue(delivery_id, datetime.now(UTC), settings.notification_max_attempts):
        if audit.get_delivery(engine, delivery_id) is None:
            raise ProblemError(404, f"Không có lần gửi mã {delivery_id}.")
        raise ProblemError(409, "Chỉ gửi lại được thông báo đang ở trạng thái thất bại (failed).")
    request.app.state.worker.wake()
    found = audit.get_delivery(engine, delivery_id)
    assert found is not None
    return found


routers = (subscriptions_router, inbox_router, deliveries_router)
