"""HTTP API of the dossiers service: receipt, search, audit reads and every step of a dossier.

Endpoints are plain `def`: `eventsourcing` is synchronous, so FastAPI runs them in its
threadpool. The receipt (`POST /dossiers`), the busiest write, is a coroutine that runs its
work in one worker-thread call and answers the view as it is (docs/performance.md, fix 24).
Request bodies are deliberately loose (strings, lists, optional fields): the receipt form is
parsed once, here at the edge (`submission.read_submission`), into a typed command, with
one Vietnamese message per field path, all at once, which is what a clerk needs; typing the
request model strictly would stop at the first kind of mistake.
A command answers with the dossier after it and its version as `ETag`; send that back as
`If-Match` (or `expected_version`) and a change someone made meanwhile is a 409, not a lost write.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query, Request, Response, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from services.dossiers import submission
from services.dossiers.application import Dossiers
from services.dossiers.blobs import BlobStore
from services.dossiers.domain.dossier import Dossier
from services.dossiers.domain.errors import DossierNotFound, DossierValidationError
from services.dossiers.domain.values import AwardType, DossierKind, DossierStatus, label
from services.dossiers.http.common import (
    AttachmentRefIn,
    DossiersDep,
    NowDep,
    UnitsDep,
    get_now,
    resolve_attachments,
    respond,
    unit_name,
)
from services.dossiers.http.policy import reach_of
from services.dossiers.query_model import DossierFilter, DossierQueryModel
from services.dossiers.representation import dossier_view
from shared.actor import Actor
from shared.http.actor import ActorDep, actor_from_headers
from shared.http.requests import etag, version_or_moment
from shared.reference.org_units import OrgUnitDirectory
from shared.workdays import local_date

router = APIRouter(prefix="/dossiers", tags=["hồ sơ đề nghị khen thưởng"])


class SubmitIn(BaseModel):
    id: UUID | None = Field(None, description="Mã định danh do máy khách tạo, để gửi lại an toàn khi mất kết nối")
    channel: str | None = Field(None, description="ONLINE_PORTAL | ONE_STOP_DESK | POST")
    proposing_unit: str | None = Field(None, description="Mã đơn vị đề nghị (danh mục đơn vị)")
    award_type: str | None = Field(None, description="MERIT | AD_HOC | MOVEMENT | CONTRIBUTION | SENIORITY | FOREIGN")
    kind: str | None = Field(None, description="ANNUAL_TITLE | YEAR_END | THEMATIC | AD_HOC | ASSOCIATION | ENTERPRISE")
    campaign_id: str | None = Field(None, description="Mã phong trào thi đua (bắt buộc với hồ sơ chuyên đề)")
    emulation_year: int | None = Field(None, description="Năm thi đua")
    feat_date: str | None = Field(None, description="Ngày lập thành tích (khen đột xuất), YYYY-MM-DD")
    postmark_date: str | None = Field(None, description="Ngày theo dấu bưu điện (nộp qua bưu chính), YYYY-MM-DD")
    achievements: str | None = Field(None, description="Tóm tắt thành tích")
    nominees: list[dict[str, Any]] = Field([], description="Cá nhân, tập thể, hộ gia đình được đề nghị")
    attachments: list[AttachmentRefIn] = Field([], description="Tài liệu đã tải lên (POST /attachments)")
    deciding_authority: str | None = Field(
        None, description="Mã cơ quan có thẩm quyền giải quyết; mặc định: UBND nơi tiếp nhận (theo danh mục đơn vị)"
    )
    escalation_reason: str | None = Field(
        None, description="Khen thưởng chuyên đề trình cấp trên cấp phát động: lý do (phạm vi ảnh hưởng)"
    )


def _summary(units: OrgUnitDirectory, d: Dossier, today: date) -> dict[str, Any]:
    """One line of the list: enough to find and open a dossier."""
    return {
        "id": str(d.id),
        "version": d.version,
        "receipt_number": d.receipt_number,
        "status": d.status.value,
        "status_label": label(d.status),
        "channel": d.channel.value,
        "proposing_unit": d.proposing_unit,
        "proposing_unit_name": unit_name(units, d.proposing_unit),
        "award_type": d.award_type.value,
        "kind": d.kind.value,
        "campaign_id": d.campaign_id,
        "emulation_year": d.emulation_year,
        "received_on": d.received_on.isoformat(),
        "appointment_date": d.appointment_date.isoformat() if d.appointment_date else None,
        "overdue": d.is_overdue(today),
        "nominees": [{"nominee_id": n.nominee_id, "name": n.name, "award": n.award} for n in d.nominees],
        "decision_number": d.decision.number if d.decision else None,
        "deciding_authority": d.deciding_authority,
    }


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=dict[str, Any],
    summary="Tiếp nhận hồ sơ đề nghị khen thưởng",
)
async def submit(body: SubmitIn, request: Request) -> JSONResponse:
    """Receive a dossier (online, at the one-stop desk, or by post with its postmark date): it
    gets a receipt number, the rule set in force today and an appointment date. Attachments
    refer to files uploaded first with `POST /attachments`."""
    # The busiest write: one worker-thread hop for the whole of it (the store is synchronous),
    # and the view answered as it is (JSON types already), where a plain `def` endpoint costs a
    # second hop to validate the returned dict and a walk of it to encode it. Its collaborators
    # are read from the app's state as the dependencies of `common` do, without FastAPI solving
    # five dependencies per request (docs/performance.md, fixes 24 and 25); the actor was
    # resolved by the policy check (`actor_from_headers` reads it from the request).
    state = request.app.state
    actor, now = await actor_from_headers(request), await get_now(request)
    dossier, view = await run_in_threadpool(_submit, body, state.dossiers, state.units, state.blobs, actor, now)
    headers = {"Location": f"/dossiers/{dossier.id}", "ETag": etag(dossier.version)}
    return JSONResponse(view, status_code=status.HTTP_201_CREATED, headers=headers)


def _submit(
    body: SubmitIn, app: Dossiers, units: OrgUnitDirectory, blobs: BlobStore, actor: Actor, now: datetime
) -> tuple[Dossier, dict[str, Any]]:
    received_on = local_date(now)
    files, errors = resolve_attachments(blobs, body.attachments)
    code, unit_errors = submission.check_proposing_unit(units, body.proposing_unit, received_on)
    errors.update(unit_errors)
    fields = body.model_dump(exclude={"id", "attachments"}) | {"proposing_unit": code or body.proposing_unit}
    # A file the store refused has no size of its own: say what is wrong with it once.
    fields["attachments"] = [{**f, "size": f["size"] or 0} for f in files] if errors else files
    try:
        rules = app.rule_book.for_date(received_on)
    except LookupError:
        raise DossierValidationError({"at": submission.NO_RULE_SET, **errors}) from None
    command = submission.read_submission(fields, rules=rules, received_on=received_on, edge_errors=errors)
    dossier = app.submit(command, actor=actor, at=now, dossier_id=body.id)
    return dossier, dossier_view(units, dossier, received_on, app.rules_of(dossier))


@router.post("/successions", summary="Chuyển mọi hồ sơ đang giải quyết ở đơn vị đã chấm dứt cho đơn vị kế thừa")
def pass_pending_to_successors(app: DossiersDep, actor: ActorDep, now: NowDep) -> list[dict[str, Any]]:
    """For each open dossier whose deciding authority has ended: passed to its successor, or the
    reason a clerk must choose (several successors)."""
    return app.pass_pending_to_successors(actor=actor, at=now)


@router.get("", summary="Danh sách, tìm kiếm hồ sơ (tên người được đề nghị có dấu hoặc không dấu)")
def search(
    request: Request,
    units: UnitsDep,
    now: NowDep,
    actor: ActorDep,
    proposing_unit: Annotated[str | None, Query(description="Mã đơn vị đề nghị")] = None,
    status_: Annotated[DossierStatus | None, Query(alias="status")] = None,
    award_type: Annotated[AwardType | None, Query()] = None,
    kind: Annotated[DossierKind | None, Query()] = None,
    campaign: Annotated[str | None, Query(description="Mã phong trào thi đua")] = None,
    year: Annotated[int | None, Query(ge=1945, le=2100, description="Năm tiếp nhận")] = None,
    overdue: Annotated[bool | None, Query(description="true: quá hạn hẹn trả; false: chưa quá hạn")] = None,
    q: Annotated[str | None, Query(description="Tên người, tập thể được đề nghị, ví dụ: nguyen thi huong")] = None,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[dict[str, Any]]:
    today = local_date(now)
    query: DossierQueryModel = request.app.state.dossier_query
    query.catch_up()  # read your own writes: whatever is stored before this request is listed
    where = DossierFilter(
        proposing_unit=proposing_unit.strip().upper() if proposing_unit else None,
        status=status_,
        award_type=award_type,
        kind=kind,
        campaign_id=submission.campaign_key(campaign),
        year=year,
        overdue_on=today if overdue else None,
        not_overdue_on=today if overdue is False else None,
        nominee_name=q,
        within_units=reach_of(units, actor),
    )
    return [_line(units, row, today) for row in query.search(where, offset=offset, limit=limit)]


def _line(units: OrgUnitDirectory, row: dict[str, Any], today: date) -> dict[str, Any]:
    """One line of the list from the query model (the same fields as `_summary`)."""
    appointment = row["appointment_date"]
    return {
        "id": row["id"],
        "version": row["version"],
        "receipt_number": row["receipt_number"],
        "status": row["status"],
        "status_label": label(row["status"]),
        "channel": row["channel"],
        "proposing_unit": row["proposing_unit"],
        "proposing_unit_name": unit_name(units, row["proposing_unit"]),
        "award_type": row["award_type"],
        "kind": row["kind"],
        "campaign_id": row["campaign_id"],
        "emulation_year": row["emulation_year"],
        "received_on": row["received_on"].isoformat(),
        "appointment_date": appointment.isoformat() if appointment else None,
        "overdue": bool(row["clock_running"] and appointment is not None and today > appointment),
        "nominees": json.loads(row["nominees"]),
        "decision_number": row["decision_number"],
        "deciding_authority": row["deciding_authority"],
    }


@router.get("/{dossier_id}", summary="Một hồ sơ; ?version=N hoặc ?as_of=<thời điểm ISO> để xem lại trạng thái cũ")
def get_one(
    dossier_id: str,
    response: Response,
    app: DossiersDep,
    units: UnitsDep,
    now: NowDep,
    version: Annotated[int | None, Query(ge=1, description="Phiên bản")] = None,
    as_of: Annotated[datetime | None, Query(description="Thời điểm; không có múi giờ thì hiểu là giờ Việt Nam")] = None,
) -> dict[str, Any]:
    moment = version_or_moment(version, as_of)
    if moment is not None:
        dossier = app.get_as_of(dossier_id, moment)
    else:
        dossier = app.get(dossier_id, version=version)
        if version is not None and dossier.version != version:
            raise DossierNotFound(f"{dossier_id} (phiên bản {version})")
    return respond(response, units, dossier, now, app)


@router.get("/{dossier_id}/history", summary="Toàn bộ lịch sử sự kiện: ai, khi nào, vì sao, thay đổi gì")
def history(dossier_id: str, app: DossiersDep) -> list[dict[str, Any]]:
    return app.history(dossier_id)
