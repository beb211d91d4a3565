"""HTTP API of the year's workload (services/dossiers/annual): the council, the award history,
year-end rounds with XLSX lists, emulation registration, clusters and pacts, and their reports.

Endpoints are thin: they parse the request into typed values and call one `AnnualWork` use case.
"""

from __future__ import annotations

import contextlib
import io
import json
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import Response, StreamingResponse
from pydantic import BaseModel, Field

from services.dossiers.annual.application import AnnualNotFound, AnnualWork, identity_of
from services.dossiers.annual.council import council_view
from services.dossiers.annual.identity import person_key, valid_id_number, valid_person_id
from services.dossiers.annual.list_decision import render_list_decision
from services.dossiers.annual.past_awards_import import write_past_awards_xlsx
from services.dossiers.annual.reports import annual_report
from services.dossiers.domain.errors import DossierValidationError
from services.dossiers.http.common import BlobsDep, NowDep, UnitsDep, dossier_view, resolve_attachments
from shared.http.actor import ActorDep
from shared.messaging.storecheck import StoreNotWritable
from shared.workdays import local_date

router = APIRouter(tags=["năm thi đua: hội đồng, đợt xét, lịch sử khen thưởng, cụm khối"])


async def get_work(request: Request) -> AnnualWork:
    return request.app.state.annual  # type: ignore[no-any-return]


WorkDep = Annotated[AnnualWork, Depends(get_work)]
MAX_LIST_BYTES = 20_000_000
"""An XLSX list of a whole commune's nominees is a few hundred kilobytes; refuse what is not a list."""
MAX_LIST_PAGE = 1000
"""The most rows one page of a round's list may ask for (without `limit`: the whole list)."""


class AttachmentRef(BaseModel):
    name: str | None = None
    kind: str | None = None
    sha256: str | None = None
    size: int | None = None


def _list_file(file: UploadFile) -> bytes:
    content = file.file.read(MAX_LIST_BYTES + 1)
    if len(content) > MAX_LIST_BYTES:
        raise DossierValidationError({"file": f"Tệp danh sách quá lớn (tối đa {MAX_LIST_BYTES // 1_000_000} MB)."})
    return content


def _attachments(blobs: Any, refs: list[AttachmentRef]) -> list[dict[str, Any]]:
    resolved, errors = resolve_attachments(blobs, refs)  # type: ignore[arg-type]
    if errors:
        raise DossierValidationError(errors)
    return resolved


# --- council -------------------------------------------------------------------------------


class CouncilIn(BaseModel):
    authority: str = Field(description="Mã đơn vị có thẩm quyền (UBND)")
    name: str
    term_from: date
    term_to: date | None = None
    members: list[dict[str, Any]] = Field(description="member_id, name, role, position")
    decision_ref: str = Field(description="Số quyết định thành lập (kiện toàn) Hội đồng")


@router.post("/councils", status_code=201, summary="Thành lập Hội đồng Thi đua – Khen thưởng")
def constitute_council(body: CouncilIn, work: WorkDep, actor: ActorDep, now: NowDep) -> dict[str, Any]:
    return council_view(work.constitute_council(**body.model_dump(), actor=actor, at=now))


@router.get("/councils/{authority}", summary="Hội đồng, thành viên theo thời gian; `on`: thành phần vào ngày đó")
def get_council(authority: str, work: WorkDep, on: date | None = None) -> dict[str, Any]:
    return work.council_view(authority, on)


class AppointIn(BaseModel):
    member: dict[str, Any]
    on: date
    decision_ref: str


@router.post("/councils/{authority}/members", summary="Bổ sung (kiện toàn) thành viên từ ngày `on`")
def appoint_member(authority: str, body: AppointIn, work: WorkDep, actor: ActorDep, now: NowDep) -> dict[str, Any]:
    return council_view(work.appoint_member(authority, **body.model_dump(), actor=actor, at=now))


class ReleaseIn(BaseModel):
    last_day: date
    decision_ref: str
    reason: str


@router.post("/councils/{authority}/members/{member_id}/release", summary="Thành viên thôi tham gia Hội đồng")
def release_member(
    authority: str, member_id: str, body: ReleaseIn, work: WorkDep, actor: ActorDep, now: NowDep
) -> dict[str, Any]:
    return council_view(work.release_member(authority, member_id=member_id, **body.model_dump(), actor=actor, at=now))


class BallotIn(BaseModel):
    meeting_date: date
    minutes_ref: str = Field(description="Số biên bản họp")
    present: list[str] = Field(description="Mã thành viên có mặt")
    written: list[str] = Field([], description="Mã thành viên vắng mặt có phiếu bằng văn bản")
    crossed_out: dict[str, list[str]] = Field({}, description="Phiếu của từng thành viên: những người bị gạch tên")


class DossierBallotIn(BallotIn):
    nominee_ids: list[str] | None = None
    reason: str | None = Field(None, description="Lý do bỏ phiếu lại")


@router.post(
    "/dossiers/{dossier_id}/council-ballots",
    summary="Hội đồng bỏ phiếu: tổng số thành viên lấy theo Hội đồng vào ngày họp, không nhập tay",
)
def vote_on_dossier(
    dossier_id: str, body: DossierBallotIn, work: WorkDep, actor: ActorDep, now: NowDep, units: UnitsDep
) -> dict[str, Any]:
    dossier, meeting = work.vote_on_dossier(dossier_id, **body.model_dump(), actor=actor, at=now)
    return {
        "dossier": dossier_view(units, dossier, local_date(now), work.app.rules_of(dossier)),
        "minutes": meeting.minutes(),
    }


@router.get("/council-meetings/{meeting_id}", summary="Biên bản họp: có mặt, phiếu bằng văn bản, kết quả")
def get_meeting(meeting_id: str, work: WorkDep) -> dict[str, Any]:
    return work.meeting(meeting_id).minutes()


# --- award history -------------------------------------------------------------------------


def _catch_up(work: AnnualWork) -> None:
    """A read first folds the decisions stored since the last one; while the store refuses writes
    (behind its stream), the history is shown as far as it was folded."""
    with contextlib.suppress(StoreNotWritable):
        work.sync_history()


class PastAwardsIn(BaseModel):
    source_ref: str
    rows: list[dict[str, Any]] = Field(description="id_number | person_id | identity, name, unit, award, year, …")


@router.post("/award-history/imports", summary="Nhập khen thưởng đã có trước hệ thống")
def import_past_awards(body: PastAwardsIn, work: WorkDep, actor: ActorDep, now: NowDep) -> dict[str, Any]:
    return work.import_past_awards(rows=body.rows, source_ref=body.source_ref, actor=actor, at=now)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.post(
    "/award-history/imports/xlsx",
    summary="Nhập khen thưởng đã có trước hệ thống từ sổ khen thưởng (.xlsx); tệp có lỗi không lưu gì "
    "trừ khi chọn giữ các dòng hợp lệ",
)
def import_past_awards_xlsx(
    work: WorkDep,
    actor: ActorDep,
    now: NowDep,
    source_ref: Annotated[str, Form(description="Nguồn: sổ khen thưởng, quyết định…")],
    file: Annotated[UploadFile, File(description="Sổ khen thưởng (.xlsx) theo mẫu")],
    keep_valid_rows: Annotated[bool, Form()] = False,
) -> dict[str, Any]:
    return work.import_past_awards_xlsx(
        content=_list_file(file), source_ref=source_ref, keep_valid_rows=keep_valid_rows, actor=actor, at=now
    )


@router.get(
    "/award-history/imports/template.xlsx",
    summary="Mẫu sổ khen thưởng để nhập: STT, Họ và tên, Số CCCD / Mã định danh, Đơn vị, Danh hiệu / Hình thức, "
    "Năm, Số quyết định, Ngày quyết định",
    response_class=Response,
)
def past_awards_template() -> Response:
    return Response(
        write_past_awards_xlsx(),
        media_type=XLSX,
        headers={"Content-Disposition": 'attachment; filename="mau-so-khen-thuong.xlsx"'},
    )


class HistoryQuery(BaseModel):
    id_number: str | None = Field(None, description="Số CCCD (chỉ dùng để tra, không lưu)")
    person_id: str | None = None
    identity: str | None = None


@router.post("/award-history/search", summary="Lịch sử khen thưởng của một người (theo CCCD, mã cá nhân)")
def history_of(body: HistoryQuery, work: WorkDep) -> dict[str, Any]:
    _catch_up(work)
    if body.id_number:
        if not valid_id_number(body.id_number):
            raise DossierValidationError({"id_number": "Số CCCD phải gồm 12 chữ số (hoặc 9 chữ số với CMND cũ)."})
        identity = person_key(body.id_number)
    elif body.person_id and valid_person_id(body.person_id):
        identity = body.person_id.strip()
    elif body.identity:
        identity = body.identity.strip()
    else:
        raise DossierValidationError({"id_number": "Nhập số CCCD hoặc mã cá nhân."})
    return {"identity": identity, "awards": work.history_of(identity)}


@router.get(
    "/dossiers/{dossier_id}/award-history",
    summary="Lịch sử khen thưởng của từng đối tượng trong hồ sơ (hoặc vì sao không đối chiếu được)",
)
def dossier_history(dossier_id: str, work: WorkDep) -> dict[str, Any]:
    _catch_up(work)
    return work.dossier_history(work.app.get(dossier_id))


# --- rounds --------------------------------------------------------------------------------


class RoundIn(BaseModel):
    authority: str
    year: int
    name: str
    awards: list[str]
    units: list[str]
    submission_deadline: date
    decision_deadline: date | None = None


@router.post("/rounds", status_code=201, summary="Mở đợt xét khen thưởng tổng kết năm")
def open_round(body: RoundIn, work: WorkDep, actor: ActorDep, now: NowDep) -> dict[str, Any]:
    return work.open_round(**body.model_dump(), actor=actor, at=now).view()


@router.get("/rounds", summary="Các đợt xét")
def list_rounds(work: WorkDep) -> list[dict[str, Any]]:
    return [work.round(i).view() for i in work.round_ids()]


@router.get("/rounds/{round_id}", summary="Đợt xét và tiến độ của từng đơn vị (chưa nộp, nộp muộn, đã quyết định)")
def round_progress(round_id: str, work: WorkDep, now: NowDep) -> dict[str, Any]:
    return work.round_progress(round_id, local_date(now))


class SubmissionIn(BaseModel):
    unit: str
    nominees: list[dict[str, Any]] = Field(
        description="Mỗi đối tượng: id_number | person_id | identity, và `nominee` (như khi tiếp nhận hồ sơ)"
    )
    attachments: list[AttachmentRef] = []
    achievements: str


@router.post("/rounds/{round_id}/submissions", status_code=201, summary="Đơn vị nộp danh sách đề nghị (nhập tay)")
def submit(
    round_id: str, body: SubmissionIn, work: WorkDep, blobs: BlobsDep, actor: ActorDep, now: NowDep
) -> dict[str, Any]:
    errors: dict[str, str] = {}
    rows = []
    for i, item in enumerate(body.nominees):
        identity = identity_of({**item, **{"proposing_unit": body.unit}}, f"nominees[{i}]", errors)
        rows.append({"identity": identity, "nominee": item.get("nominee") or {}, "ref": f"nominees[{i}]"})
    if errors:
        raise DossierValidationError(errors)
    return work.submit_to_round(
        round_id,
        unit=body.unit,
        nominees=rows,
        attachments=_attachments(blobs, body.attachments),
        achievements=body.achievements,
        actor=actor,
        at=now,
    )


@router.post(
    "/rounds/{round_id}/imports",
    status_code=201,
    summary="Đơn vị nộp danh sách từ tệp XLSX; tệp có lỗi không lưu gì trừ khi chọn giữ các dòng hợp lệ",
)
def import_list(
    round_id: str,
    work: WorkDep,
    blobs: BlobsDep,
    actor: ActorDep,
    now: NowDep,
    unit: Annotated[str, Form()],
    achievements: Annotated[str, Form()],
    file: Annotated[UploadFile, File(description="Danh sách đề nghị (.xlsx)")],
    keep_valid_rows: Annotated[bool, Form()] = False,
    attachments: Annotated[str, Form(description="JSON: các tài liệu đã tải lên (sha256, kind)")] = "[]",
) -> dict[str, Any]:
    content = _list_file(file)
    try:
        refs = [AttachmentRef(**a) for a in json.loads(attachments)]
    except (ValueError, TypeError):
        raise DossierValidationError({"attachments": "Phải là danh sách JSON các tài liệu đã tải lên."}) from None
    return work.import_to_round(
        round_id,
        unit=unit,
        content=content,
        keep_valid_rows=keep_valid_rows,
        attachments=_attachments(blobs, refs),
        achievements=achievements,
        actor=actor,
        at=now,
    )


@router.post(
    "/rounds/{round_id}/appraisal", summary="Kiểm tra, thẩm định mọi hồ sơ của đợt (kể cả lịch sử khen thưởng)"
)
def appraise_round(round_id: str, work: WorkDep, actor: ActorDep, now: NowDep) -> dict[str, Any]:
    return work.appraise_round(round_id, actor=actor, at=now)


class RoundChecksIn(BaseModel):
    meeting_date: date
    minutes_ref: str
    not_confirmed: dict[str, list[str]] = Field({}, description="Mã đối tượng → tiêu chuẩn Hội đồng chưa xác nhận")


@router.post(
    "/rounds/{round_id}/council-checks",
    summary="Hội đồng xét các tiêu chuẩn không có hồ sơ chứng minh, cho cả danh sách (trừ những mục nêu)",
)
def round_council_checks(
    round_id: str, body: RoundChecksIn, work: WorkDep, actor: ActorDep, now: NowDep
) -> dict[str, Any]:
    return work.record_round_council_checks(round_id, **body.model_dump(), actor=actor, at=now)


class RoundBallotIn(BallotIn):
    reason: str | None = Field(None, description="Lý do bỏ phiếu lại (từ lần thứ hai)")


@router.post("/rounds/{round_id}/votes", summary="Hội đồng bỏ phiếu theo danh sách của đợt")
def vote_round(round_id: str, body: RoundBallotIn, work: WorkDep, actor: ActorDep, now: NowDep) -> dict[str, Any]:
    return work.vote_round(round_id, **body.model_dump(), actor=actor, at=now)


class RoundDecisionIn(BaseModel):
    decision_date: date
    reject: dict[str, str] = Field({}, description="Mã đối tượng (đơn vị:số tiếp nhận:mã) → lý do không khen thưởng")
    reason: str | None = None
    dry_run: bool = Field(
        False, description="Chỉ tính trước: số người được khen thưởng, không khen thưởng; không lưu gì"
    )


@router.post("/rounds/{round_id}/decision", summary="Một quyết định cho cả danh sách, kèm phụ lục")
def decide_round(round_id: str, body: RoundDecisionIn, work: WorkDep, actor: ActorDep, now: NowDep) -> dict[str, Any]:
    return work.decide_round(round_id, **body.model_dump(), actor=actor, at=now)


@router.get(
    "/rounds/{round_id}/list",
    summary="Danh sách của đợt: thẩm định, phiếu bầu, kết quả; `unit`, `offset`, `limit` để lấy từng trang "
    "(tổng số dòng trong tiêu đề X-Total-Count)",
)
def round_list(
    round_id: str,
    work: WorkDep,
    response: Response,
    unit: Annotated[str | None, Query(description="Chỉ danh sách của đơn vị này (mã đơn vị)")] = None,
    offset: Annotated[int, Query(ge=0, description="Bỏ qua bấy nhiêu dòng đầu")] = 0,
    limit: Annotated[int | None, Query(ge=1, le=MAX_LIST_PAGE, description="Số dòng tối đa; bỏ trống: tất cả")] = None,
) -> list[dict[str, Any]]:
    rows, total = work.round_page(round_id, unit=unit, offset=offset, limit=limit)
    response.headers["X-Total-Count"] = str(total)
    return rows


@router.get(
    "/rounds/{round_id}/decision.{fmt}",
    summary="Quyết định khen thưởng của cả danh sách (Word hoặc PDF), kèm danh sách được khen thưởng",
    response_model=None,
)
def list_decision(round_id: str, fmt: str, request: Request, work: WorkDep, now: NowDep) -> Response:
    if fmt not in ("docx", "pdf"):
        raise DossierValidationError({"format": "Định dạng phải là docx hoặc pdf."})
    data = render_list_decision(work, request.app.state.documents, round_id, local_date(now), fmt)
    media = {
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "pdf": "application/pdf",
    }
    return Response(
        data,
        media_type=media[fmt],
        headers={"Content-Disposition": f'attachment; filename="quyet-dinh-danh-sach.{fmt}"'},
    )


ANNEX_COLUMNS = (
    ("stt", "STT"),
    ("name", "Họ và tên"),
    ("position", "Chức vụ"),
    ("work_unit", "Đơn vị công tác"),
    ("award_label", "Danh hiệu"),
    ("cash_reward_vnd", "Tiền thưởng (đồng)"),
)


@router.get(
    "/rounds/{round_id}/annex", summary="Phụ lục quyết định: danh sách được khen thưởng (JSON hoặc ?format=xlsx)"
)
def round_annex(round_id: str, work: WorkDep, format: str = "json") -> Any:
    rows = work.round_annex(round_id)
    if format != "xlsx":
        return rows
    from openpyxl import (
        Workbook,  # openpyxl (~10 MiB): imported when a spreadsheet is first read or written, not at start
    )

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Phụ lục")
    sheet.append([title for _, title in ANNEX_COLUMNS])
    for r in rows:
        sheet.append([r[k] for k, _ in ANNEX_COLUMNS])
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return StreamingResponse(
        out,
        media_type=XLSX,
        headers={"Content-Disposition": 'attachment; filename="phu-luc-quyet-dinh.xlsx"'},
    )


# --- registration --------------------------------------------------------------------------


class RegistrationIn(BaseModel):
    unit: str
    year: int
    targets: dict[str, int] = Field({}, description="Danh hiệu → số lượng đăng ký")
    individuals: list[dict[str, Any]] = Field([], description="id_number | person_id | identity, name, award")
    registered_on: date
    reason: str | None = None


@router.post("/registrations", summary="Đơn vị đăng ký thi đua năm (đăng ký lại phải nêu lý do)")
def register(body: RegistrationIn, work: WorkDep, actor: ActorDep, now: NowDep) -> dict[str, Any]:
    return work.register_emulation(**body.model_dump(), actor=actor, at=now).view()


@router.post("/registrations/imports", summary="Đăng ký thi đua từ tệp XLSX (họ tên, CCCD hoặc mã cá nhân, danh hiệu)")
def import_registration(
    work: WorkDep,
    actor: ActorDep,
    now: NowDep,
    unit: Annotated[str, Form()],
    year: Annotated[int, Form()],
    registered_on: Annotated[date, Form()],
    file: Annotated[UploadFile, File(description="Danh sách đăng ký (.xlsx)")],
    targets: Annotated[
        str, Form(description="JSON: danh hiệu → chỉ tiêu của đơn vị (mặc định: đếm theo danh sách)")
    ] = "",
    reason: Annotated[str | None, Form()] = None,
) -> dict[str, Any]:
    try:
        given = json.loads(targets) if targets.strip() else None
    except ValueError:
        raise DossierValidationError({"targets": "Phải là JSON: danh hiệu → số lượng."}) from None
    content = _list_file(file)
    return work.import_registration(
        unit=unit,
        year=year,
        content=content,
        targets=given,
        registered_on=registered_on,
        actor=actor,
        at=now,
        reason=reason,
    ).view()


@router.get("/registrations/{unit}/{year}", summary="Bản đăng ký thi đua của đơn vị")
def get_registration(unit: str, year: int, work: WorkDep) -> dict[str, Any]:
    found = work.registration(unit, year)
    if found is None:
        raise AnnualNotFound(f"Đơn vị mã «{unit}» chưa đăng ký thi đua năm {year}.")
    return found.view()


# --- clusters ------------------------------------------------------------------------------


class ClusterIn(BaseModel):
    code: str
    year: int
    name: str
    kind: str = Field(description="CLUSTER | BLOC")
    members: list[str]
    leading_unit: str
    deputy_unit: str


@router.post("/clusters", status_code=201, summary="Thành lập cụm, khối thi đua của năm")
def form_cluster(body: ClusterIn, work: WorkDep, actor: ActorDep, now: NowDep) -> dict[str, Any]:
    return work.form_cluster(**body.model_dump(), actor=actor, at=now).view()


@router.get("/clusters/{code}/{year}", summary="Cụm, khối: giao ước, điểm, xếp hạng, đề nghị")
def get_cluster(code: str, year: int, work: WorkDep) -> dict[str, Any]:
    return work.cluster(code, year).view()


class PactIn(BaseModel):
    signed_on: date
    criteria: list[dict[str, Any]] = Field(description="key, text, max_points")


@router.post("/clusters/{code}/{year}/pact", summary="Ký giao ước thi đua")
def sign_pact(code: str, year: int, body: PactIn, work: WorkDep, actor: ActorDep, now: NowDep) -> dict[str, Any]:
    return work.cluster_command(code, year, lambda c: c.sign_pact(**body.model_dump(), actor=actor, at=now)).view()


class ScoresIn(BaseModel):
    unit: str
    points: dict[str, Any]
    reason: str | None = None


@router.post("/clusters/{code}/{year}/scores", summary="Chấm điểm cuối năm một đơn vị")
def record_scores(code: str, year: int, body: ScoresIn, work: WorkDep, actor: ActorDep, now: NowDep) -> dict[str, Any]:
    return work.cluster_command(code, year, lambda c: c.record_scores(**body.model_dump(), actor=actor, at=now)).view()


class ProposalIn(BaseModel):
    award: str = Field(description="EMULATION_FLAG (Cờ thi đua) | COMMENDATION (Bằng khen)")
    units: list[str]


@router.post("/clusters/{code}/{year}/proposals", summary="Đề nghị đơn vị dẫn đầu tặng Cờ thi đua, Bằng khen")
def propose(code: str, year: int, body: ProposalIn, work: WorkDep, actor: ActorDep, now: NowDep) -> dict[str, Any]:
    return work.cluster_command(
        code, year, lambda c: c.propose_leading_units(**body.model_dump(), actor=actor, at=now)
    ).view()


# --- reports -------------------------------------------------------------------------------


@router.get("/annual-reports/{year}", summary="Báo cáo năm: đăng ký và kết quả, xếp hạng cụm khối, tiến độ đợt xét")
def report(year: int, work: WorkDep, now: NowDep) -> dict[str, Any]:
    return annual_report(work, year, local_date(now))
