"""What the dossiers service knows of campaigns (its read model), for clerks and operators.

This is the copy the thematic-eligibility check reads, so a clerk can see why a thematic dossier
waits or was refused, and an operator can see whether campaign events have arrived. It is not the
campaigns service's API: it may lag behind it by the time events take to arrive.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request

from services.dossiers.campaign_table import CampaignTable
from shared.http.problems import ProblemError

router = APIRouter(prefix="/campaigns", tags=["phong trào thi đua (bản đồng bộ)"])


async def get_view(request: Request) -> CampaignTable:
    return request.app.state.campaign_table  # type: ignore[no-any-return]


ViewDep = Annotated[CampaignTable, Depends(get_view)]


@router.get("", summary="Các phong trào đã đồng bộ từ dịch vụ phong trào thi đua")
def list_campaigns(view: ViewDep) -> list[dict[str, Any]]:
    return [asdict(c) for c in view.all()]


@router.get("/{campaign_id}", summary="Một phong trào và điều kiện khen thưởng chuyên đề, như dịch vụ hồ sơ biết")
def get_campaign(campaign_id: str, view: ViewDep) -> dict[str, Any]:
    found = view.lookup(campaign_id)
    if found is None:
        raise ProblemError(
            404, f"Chưa có thông tin về phong trào thi đua mã {campaign_id} (chưa đồng bộ từ dịch vụ phong trào)."
        )
    return asdict(found)
