"""The actor of an HTTP command.

Until authentication lands, the actor comes from `X-Actor-Id`, `X-Actor-Role` and
`X-Actor-Unit` headers, and only when `TDKT_DEV_MODE` is on; otherwise commands are refused
with 401 rather than recorded under an unverified name.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Request

from shared.actor import Actor
from shared.http.problems import ProblemError


def actor_from_headers(
    request: Request,
    x_actor_id: Annotated[str | None, Header()] = None,
    x_actor_role: Annotated[str | None, Header()] = None,
    x_actor_unit: Annotated[str | None, Header()] = None,
) -> Actor:
    settings = request.app.state.settings
    if not settings.dev_mode:
        raise ProblemError(
            401,
            "Chưa có cơ chế xác thực; chỉ chế độ phát triển (TDKT_DEV_MODE=1) nhận người thực hiện qua header.",
        )
    if not x_actor_id or not x_actor_role:
        raise ProblemError(
            401,
            "Thiếu thông tin người thực hiện: cần header X-Actor-Id và X-Actor-Role (X-Actor-Unit nếu có).",
        )
    return Actor(id=x_actor_id.strip(), role=x_actor_role.strip(), unit=(x_actor_unit or "").strip())


ActorDep = Annotated[Actor, Depends(actor_from_headers)]
