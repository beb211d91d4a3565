"""Đợt xét: the year-end rounds and each unit's progress (not submitted, late, decided), read-only;
the rounds are opened, voted and decided through the dossiers service's API (README)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from services.console.auth import UserDep
from services.console.clients import ServiceError
from services.console.views.common import PagesDep, ServicesDep

router = APIRouter(prefix="/dot-xet", tags=["đợt xét khen thưởng"])


@router.get("")
async def rounds(request: Request, user: UserDep, services: ServicesDep, pages: PagesDep) -> Response:
    found: list[dict[str, Any]] = []
    problem = None
    try:
        found = await services.dossiers.get("/rounds", user=user)
    except ServiceError as error:
        problem = error
    return pages.render(request, "rounds/list.html", {"rounds": found, "problem": problem})


@router.get("/{round_id}")
async def round_detail(
    request: Request, round_id: str, user: UserDep, services: ServicesDep, pages: PagesDep
) -> Response:
    progress = await services.dossiers.get(f"/rounds/{round_id}", user=user)
    return pages.render(request, "rounds/detail.html", {"r": progress})
