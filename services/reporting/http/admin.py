"""Operator endpoints: rebuild the projection from the streams, watch it, and verify it.

`POST /admin/rebuild` is a command (it replaces the live tables), so it names its actor like
every other command; the checks are reads.
"""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, status

from services.reporting.context import ContextDep
from services.reporting.generations import list_generations, live_generation
from shared.http.actor import ActorDep

router = APIRouter(prefix="/admin", tags=["quản trị"])


def _live(ctx: ContextDep) -> int | None:
    with ctx.engine.connect() as conn:
        return live_generation(conn)


@router.post(
    "/rebuild",
    status_code=status.HTTP_202_ACCEPTED,
    summary="Dựng lại bảng báo cáo từ đầu các luồng sự kiện (dịch vụ vẫn trả lời trong khi dựng)",
)
async def start_rebuild(ctx: ContextDep, actor: ActorDep) -> dict[str, Any]:
    progress = ctx.rebuilder.start_rebuild(f"{actor.id} ({actor.role}, {actor.unit})")
    return progress.as_dict()


@router.get("/rebuild", summary="Tiến độ lượt dựng lại hoặc đối chiếu gần nhất; các thế hệ bảng")
async def rebuild_progress(ctx: ContextDep) -> dict[str, Any]:
    live = await asyncio.to_thread(_live, ctx)
    generations = await asyncio.to_thread(list_generations, ctx.engine)
    job = ctx.rebuilder.current
    return {
        "live_generation": live,
        "job": job.as_dict() if job else None,
        "generations": [
            {**g, "created_at": str(g["created_at"]), "finished_at": g["finished_at"] and str(g["finished_at"])}
            for g in generations
            if g["state"] != "dropped"
        ],
    }


@router.get(
    "/verify",
    summary="Kiểm tra đối chiếu: dựng một bộ bảng tạm từ các luồng sự kiện và so sánh từng dòng với bộ đang dùng",
)
async def verify(ctx: ContextDep) -> dict[str, Any]:
    progress = await ctx.rebuilder.verify("kiểm tra đối chiếu (GET /admin/verify)")
    return progress.as_dict()
