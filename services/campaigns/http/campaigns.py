"""HTTP API of the campaigns service: thin endpoints that turn requests into use-case calls.

Endpoints are plain `def`: `eventsourcing` is synchronous, so FastAPI runs them in its threadpool.
Each body is parsed by its request model (`bodies.py`) into the typed values the use case takes;
a field that does not parse is a 422 with its Vietnamese message, a rule the campaign refuses a
422 (`CampaignValidationError`) or a 409 (a refused transition).
Every command runs through `CampaignCommand` (`shared.http.commands`, as in the dossiers): it
passes the actor, the time (`at`) and the version from `If-Match`, and answers with the campaign
and its version as `ETag`; a stale `If-Match` is a 409, so a stale form never overwrites a newer
movement silently.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Body, Depends, Query, Request, Response, status

from services.campaigns.application import Campaigns
from services.campaigns.domain.campaign import Campaign
from services.campaigns.domain.eligibility import assess_eligibility
from services.campaigns.http.bodies import (
    AmendIn,
    CancelIn,
    CloseIn,
    CorrectionIn,
    DocumentsIn,
    DraftIn,
    InterimReviewIn,
    LaunchIn,
    RegisterIn,
    ReturnIn,
    ReviewIn,
    read_draft,
)
from shared.http.actor import ActorDep
from shared.http.commands import CommandContext
from shared.http.requests import if_match_header, set_etag, version_or_moment

router = APIRouter(prefix="/campaigns", tags=["phong trào thi đua"])
units_router = APIRouter(prefix="/units", tags=["danh mục đơn vị"])


def get_app(request: Request) -> Campaigns:
    return request.app.state.campaigns  # type: ignore[no-any-return]


AppDep = Annotated[Campaigns, Depends(get_app)]


IfMatchDep = Annotated[int | None, Depends(if_match_header("phong trào"))]


class CampaignCommand(CommandContext[Campaign]):
    """The campaigns' command dependency (`shared.http.commands`): each endpoint below is one
    `cmd.run(body, lambda kw: cmd.app.<use case>(campaign_id, …, **kw))`."""

    def __init__(
        self, request: Request, response: Response, app: AppDep, actor: ActorDep, header_version: IfMatchDep
    ) -> None:
        super().__init__(request, response, actor, header_version)
        self.app = app

    def view(self, aggregate: Campaign, now: datetime) -> dict[str, Any]:
        return self.app.state_as_dict(aggregate)


CommandDep = Annotated[CampaignCommand, Depends(CampaignCommand)]
Reply = dict[str, Any]


_DRAFT_SCHEMA = {
    k: v for k, v in DraftIn.model_json_schema(ref_template="#/components/schemas/{model}").items() if k != "$defs"
}
"""The draft's body as the API documents it; its parts are the amendment's, which FastAPI lists."""


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Soạn thảo phong trào thi đua",
    openapi_extra={"requestBody": {"content": {"application/json": {"schema": _DRAFT_SCHEMA}}}},
)
def draft(body: Annotated[Any, Body()], response: Response, app: AppDep, actor: ActorDep) -> Reply:
    """The body is read by `read_draft` (not by FastAPI) so that its 422 names every problem at once."""
    form = read_draft(body, app)
    campaign = app.draft(actor=actor, at=app.clock(), **form.command())
    set_etag(response, campaign.version)
    return app.state_as_dict(campaign)


@router.get("", summary="Danh sách, tìm kiếm phong trào (có dấu hoặc không dấu)")
def search(
    app: AppDep,
    lead_unit: Annotated[str | None, Query(description="Mã đơn vị chủ trì")] = None,
    kind: Annotated[str | None, Query()] = None,
    status_: Annotated[str | None, Query(alias="status")] = None,
    year: Annotated[int | None, Query(ge=1990, le=2100)] = None,
    q: Annotated[str | None, Query(description="Từ khóa, ví dụ: nong thon moi")] = None,
) -> list[Reply]:
    found = app.queries.search(lead_unit_id=lead_unit, kind=kind, status=status_, year=year, text=q)
    return app.queries.views(found)


@router.get("/{campaign_id}", summary="Một phong trào; ?version=N hoặc ?as_of=<thời điểm ISO> để xem lại trạng thái cũ")
def get_one(
    campaign_id: UUID,
    response: Response,
    app: AppDep,
    version: Annotated[int | None, Query(ge=1, description="Phiên bản")] = None,
    as_of: Annotated[datetime | None, Query(description="Thời điểm; không có múi giờ thì hiểu là giờ Việt Nam")] = None,
) -> Reply:
    moment = version_or_moment(version, as_of)
    campaign = app.get_as_of(campaign_id, moment) if moment is not None else app.get(campaign_id, version=version)
    set_etag(response, campaign.version)
    return app.state_as_dict(campaign)


@router.get("/{campaign_id}/history", summary="Toàn bộ lịch sử sự kiện (ai, khi nào, vì sao, thay đổi gì)")
def history(campaign_id: UUID, app: AppDep) -> list[Reply]:
    return app.history(campaign_id)


@router.get("/{campaign_id}/eligibility", summary="Phong trào có đủ điều kiện khen thưởng chuyên đề không")
def eligibility(campaign_id: UUID, app: AppDep) -> Reply:
    return assess_eligibility(app.get(campaign_id)).as_dict()


@router.patch("/{campaign_id}", summary="Điều chỉnh phong trào trước khi phát động")
def amend(campaign_id: UUID, body: AmendIn, cmd: CommandDep) -> Reply:
    return cmd.run(body, lambda kw: cmd.app.amend(campaign_id, reason=body.reason, **body.changes(), **kw))


@router.post("/{campaign_id}/documents", summary="Bổ sung văn bản chỉ đạo, kế hoạch")
def attach_documents(campaign_id: UUID, body: DocumentsIn, cmd: CommandDep) -> Reply:
    return cmd.run(body, lambda kw: cmd.app.attach_documents(campaign_id, **body.documents(), **kw))


@router.post("/{campaign_id}/registration", summary="Phòng Nội vụ đăng ký phong trào")
def register(campaign_id: UUID, body: RegisterIn, cmd: CommandDep) -> Reply:
    return cmd.run(
        body,
        lambda kw: cmd.app.register(
            campaign_id, registration_number=body.registration_number, registered_on=body.registered_on, **kw
        ),
    )


@router.post("/{campaign_id}/registration-return", summary="Trả lại hồ sơ đăng ký, nêu lý do")
def return_registration(campaign_id: UUID, body: ReturnIn, cmd: CommandDep) -> Reply:
    return cmd.run(
        body,
        lambda kw: cmd.app.return_registration(campaign_id, reasons=body.reasons, returned_on=body.returned_on, **kw),
    )


@router.post("/{campaign_id}/launch", summary="Phát động phong trào")
def launch(campaign_id: UUID, body: LaunchIn, cmd: CommandDep) -> Reply:
    return cmd.run(body, lambda kw: cmd.app.launch(campaign_id, launched_on=body.launched_on, **kw))


@router.post("/{campaign_id}/interim-reviews", summary="Gửi báo cáo sơ kết")
def file_interim_review(campaign_id: UUID, body: InterimReviewIn, cmd: CommandDep) -> Reply:
    return cmd.run(body, lambda kw: cmd.app.file_interim_review(campaign_id, stage=body.stage, **body.review(), **kw))


@router.post("/{campaign_id}/final-review", summary="Gửi báo cáo tổng kết")
def file_final_review(campaign_id: UUID, body: ReviewIn, cmd: CommandDep) -> Reply:
    return cmd.run(body, lambda kw: cmd.app.file_final_review(campaign_id, **body.review(), **kw))


@router.put("/{campaign_id}/final-review", summary="Đính chính báo cáo tổng kết (lịch sử giữ bản cũ)")
def correct_final_review(campaign_id: UUID, body: CorrectionIn, cmd: CommandDep) -> Reply:
    return cmd.run(
        body, lambda kw: cmd.app.correct_final_review(campaign_id, reason=body.reason, **body.review(), **kw)
    )


@router.post("/{campaign_id}/close", summary="Kết thúc phong trào sau tổng kết")
def close(campaign_id: UUID, body: CloseIn, cmd: CommandDep) -> Reply:
    return cmd.run(body, lambda kw: cmd.app.close_campaign(campaign_id, closed_on=body.closed_on, **kw))


@router.post("/{campaign_id}/cancel", summary="Hủy phong trào, nêu lý do")
def cancel(campaign_id: UUID, body: CancelIn, cmd: CommandDep) -> Reply:
    return cmd.run(
        body, lambda kw: cmd.app.cancel(campaign_id, reason=body.reason, cancelled_on=body.cancelled_on, **kw)
    )


@units_router.get(
    "", summary="Danh mục đơn vị (phòng, ban, xã): cấp, thẩm quyền khen thưởng, thời gian hoạt động, đơn vị kế thừa"
)
def list_units(app: AppDep, active_on: date | None = None) -> list[dict[str, Any]]:
    return [
        {
            "code": u.code,
            "name": u.name,
            "kind": u.kind,
            "authority_level": u.authority_level,
            "parent": u.parent,
            "valid_from": u.valid_from,
            "valid_to": u.valid_to,
            "award_level": u.award_level,
            "award_power": power.name if (power := app.units.award_level(u.code)) else None,
            "award_power_article": power.article if power else None,
            "successors": list(u.successors),
        }
        for u in app.units.all(active_on=active_on)
    ]
