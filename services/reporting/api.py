"""HTTP API of the reporting service."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from sqlalchemy import Engine

from services.reporting import projection

router = APIRouter(prefix="/reports", tags=["báo cáo"])


def get_engine(request: Request) -> Engine:
    return request.app.state.engine  # type: ignore[no-any-return]


EngineDep = Annotated[Engine, Depends(get_engine)]


@router.get("/campaigns", summary="Số phong trào thi đua theo đơn vị chủ trì")
def campaigns_by_lead_unit(engine: EngineDep) -> list[dict[str, Any]]:
    return projection.campaigns_by_lead_unit(engine)
