"""HTTP commands on one dossier: each step of its life after receipt.

One endpoint per use case of `Dossiers`, each a thin translation of its body. Every command
answers with the dossier after the step (ETag = its version) and takes the expected version
from `If-Match` or `expected_version`: a mismatch, or a change that won a race, is a 409 with
nothing stored. A step the dossier's state does not allow is a 409 too (`invalid_transition`),
invalid fields a 422 with a Vietnamese message per field: the request models parse them with the
field types of `fields.py`, and the use case receives typed values.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field, ValidationInfo, field_validator

from services.dossiers.domain.values import REQUIRED, AnnulmentGround
from services.dossiers.http.common import (
    AttachmentRefIn,
    BlobsDep,
    CommandDep,
    VersionedIn,
    attachments_from,
    resolve_attachments,
)
from services.dossiers.http.fields import (
    Count,
    Day,
    Flag,
    OptionalDay,
    OptionalText,
    Reason,
    Text,
    choice,
    count,
    invalid,
)

router = APIRouter(prefix="/dossiers/{dossier_id}", tags=["xử lý hồ sơ"])

MembersTotal = count(1)
Ground = choice(AnnulmentGround)


class SupplementRequestIn(VersionedIn):
    missing: list[str] | None = Field(None, description="Tài liệu, nội dung cần bổ sung")
    reason: str | None = None


class SupplementIn(VersionedIn):
    attachments: list[AttachmentRefIn] = Field([], description="Tài liệu bổ sung đã tải lên (POST /attachments)")
    note: str | None = None


class ReasonsIn(VersionedIn):
    reasons: list[str] | None = Field(None, description="Lý do, mỗi lý do một mục")


class ConcurrenceIn(VersionedIn):
    department: Text = Field(None, description="Cơ quan cho ý kiến hiệp y")
    agrees: Flag = Field(None, description="Đồng ý hay không")
    opinion: str = Field("", validate_default=True, description="Ý kiến (bắt buộc khi không đồng ý)")
    nominee_ids: list[str] = Field([], description="Đối tượng liên quan; để trống là cả hồ sơ")
    document_ref: str = Field("", description="Số văn bản hiệp y")

    @field_validator("opinion", mode="before")
    @classmethod
    def _opinion(cls, value: Any, info: ValidationInfo) -> str:
        """Required unless the department agrees; the domain guards the rule again."""
        text = value.strip() if isinstance(value, str) else value
        if not text and info.data.get("agrees") is not True:
            raise invalid(REQUIRED)
        return text or ""


class DisclosureIn(VersionedIn):
    where: Text = Field(None, description="Nơi công khai")
    from_date: Day = Field(None, description="Từ ngày, YYYY-MM-DD")
    to_date: Day = Field(None, description="Đến ngày, YYYY-MM-DD")
    nominee_ids: list[str] = Field([], description="Để trống: tất cả đối tượng")


class AppraisalIn(VersionedIn):
    nominee_ids: list[str] | None = Field(None, description="Để trống: thẩm định tất cả")
    objections: dict[str, list[str]] | None = Field(None, description="Ý kiến không đạt của cán bộ, theo đối tượng")
    reason: str | None = None


class CouncilVoteIn(VersionedIn):
    nominee_id: Text = None
    members_total: MembersTotal = Field(None, description="Tổng số thành viên Hội đồng")
    votes_for: Count = Field(None, description="Số phiếu đồng ý")
    votes_against: Count = Field(None, description="Số phiếu không đồng ý")
    absent_in_writing: Count = Field(None, description="Thành viên vắng mặt bỏ phiếu bằng văn bản")
    meeting_date: OptionalDay = Field(None, description="Ngày họp, YYYY-MM-DD")
    reason: OptionalText = Field(None, description="Lý do bỏ phiếu lại (bắt buộc từ lần bỏ phiếu thứ hai)")


class CouncilCheckIn(VersionedIn):
    nominee_ids: list[str] | None = Field(None, description="Để trống: tất cả đối tượng")
    confirmed: list[str] = Field(
        [], description="Mã các tiêu chuẩn Hội đồng xác nhận đạt (xem required_council_checks)"
    )
    not_confirmed: list[str] = Field([], description="Mã các tiêu chuẩn Hội đồng xác nhận chưa đạt")
    meeting_date: Day = Field(None, description="Ngày họp xét, YYYY-MM-DD")
    minutes_ref: Text = Field(None, description="Số, ngày biên bản họp")
    reason: OptionalText = Field(None, description="Lý do ghi nhận lại (bắt buộc từ lần thứ hai)")


class DecisionIn(VersionedIn):
    approve: list[str] = Field([], description="Đối tượng được khen thưởng (nominee_id)")
    authority: str | None = Field(
        None, description="Mã đơn vị ký quyết định; mặc định: cơ quan đang giải quyết hồ sơ (deciding_authority)"
    )
    authority_level: str | None = Field(
        None,
        description="Không bắt buộc: cấp thẩm quyền lấy theo danh mục đơn vị; nếu gửi mà khác danh mục thì bị từ chối",
    )
    reject: dict[str, list[str]] | None = Field(None, description="Đối tượng không khen thưởng và lý do")
    decision_date: OptionalDay = Field(None, description="Ngày quyết định, YYYY-MM-DD; mặc định hôm nay")
    reason: OptionalText = None
    decision_number: str | None = Field(
        None,
        description="Số quyết định lấy ở sổ văn bản của văn thư (ví dụ 125/QĐ-UBND), chỉ với cơ quan tự cấp số; "
        "các cơ quan khác do hệ thống cấp số",
    )

    @field_validator("reject", mode="before")
    @classmethod
    def _one_reason_is_a_list(cls, value: Any) -> Any:
        """A single reason may be sent as a string; the use case takes lists."""
        if isinstance(value, dict):
            return {k: [v] if isinstance(v, str) else v for k, v in value.items()}
        return value


class RejectionIn(ReasonsIn):
    authority: str | None = Field(None, description="Mặc định: cơ quan đang giải quyết hồ sơ")
    authority_level: str | None = Field(None, description="Không bắt buộc; phải khớp danh mục đơn vị")
    decision_date: OptionalDay = Field(None, description="YYYY-MM-DD; mặc định hôm nay")


class SuccessorIn(VersionedIn):
    successor: str | None = Field(None, description="Mã đơn vị kế thừa; để trống: theo danh mục đơn vị")
    reason: str | None = None


class ResultReturnIn(VersionedIn):
    returned_to: str = Field("", description="Người nhận kết quả")
    note: str | None = None


class ExtensionIn(VersionedIn):
    new_date: Day = Field(None, description="Ngày hẹn trả mới (ngày làm việc), YYYY-MM-DD")
    reason: Reason = Field(None, description="Lý do chậm trả kết quả (in trên phiếu xin lỗi)")


class ReasonIn(VersionedIn):
    reason: Reason = None


class AnnulmentIn(VersionedIn):
    ground: Ground = Field(None, description="a | b | c | d (Điều 93 Luật Thi đua, khen thưởng 2022)")
    act_reference: Text = Field(None, description="Kết luận, bản án… của cơ quan có thẩm quyền")
    authority: str | None = Field(
        None, description="Mã đơn vị đã quyết định khen thưởng, hoặc đơn vị kế thừa; để trống: theo danh mục đơn vị"
    )
    reason: Reason = None
    nominee_ids: list[str] | None = Field(None, description="Để trống: tất cả người còn được khen thưởng")
    decision_number: str | None = Field(None, description="Số quyết định hủy bỏ, với cơ quan tự cấp số")


class RecoveryIn(VersionedIn):
    nominee_ids: list[str] = []
    artefacts_returned: list[str] = Field([], description="Hiện vật đã thu hồi (bằng, khung…)")
    amount_recovered_vnd: Count = Field(None, description="Số tiền đã thu hồi (đồng)")
    note: str | None = None


Reply = dict[str, Any]


def _without(body: BaseModel, *names: str) -> dict[str, Any]:
    return body.model_dump(exclude={"expected_version", *names})


@router.post(
    "/completeness-check", summary="Kiểm tra tính đầy đủ: từ chối, yêu cầu bổ sung, chờ phong trào hoặc tiếp nhận"
)
def check_completeness(dossier_id: str, body: VersionedIn, cmd: CommandDep) -> Reply:
    return cmd.run(body, lambda kw: cmd.app.check_completeness(dossier_id, **kw))


@router.post("/supplement-request", summary="Yêu cầu bổ sung, hoàn thiện hồ sơ (tạm dừng thời hạn)")
def request_supplement(dossier_id: str, body: SupplementRequestIn, cmd: CommandDep) -> Reply:
    return cmd.run(
        body, lambda kw: cmd.app.request_supplement(dossier_id, missing=body.missing, reason=body.reason, **kw)
    )


@router.post("/supplement", summary="Bổ sung hồ sơ bằng tài liệu đã tải lên (thời hạn tính lại)")
def supplement(dossier_id: str, body: SupplementIn, cmd: CommandDep, blobs: BlobsDep) -> Reply:
    files = attachments_from(*resolve_attachments(blobs, body.attachments))
    return cmd.run(body, lambda kw: cmd.app.supplement(dossier_id, attachments=files, note=body.note, **kw))


@router.post("/acceptance", summary="Tiếp nhận hồ sơ đầy đủ, chuyển thẩm định")
def accept(dossier_id: str, body: VersionedIn, cmd: CommandDep) -> Reply:
    return cmd.run(body, lambda kw: cmd.app.accept_as_complete(dossier_id, **kw))


@router.post("/refusal", summary="Từ chối giải quyết hồ sơ, nêu lý do")
def refuse(dossier_id: str, body: ReasonsIn, cmd: CommandDep) -> Reply:
    return cmd.run(body, lambda kw: cmd.app.refuse(dossier_id, reasons=body.reasons, **kw))


@router.post("/concurrences", summary="Ghi nhận ý kiến hiệp y của cơ quan chức năng")
def record_concurrence(dossier_id: str, body: ConcurrenceIn, cmd: CommandDep) -> Reply:
    return cmd.run(body, lambda kw: cmd.app.record_concurrence(dossier_id, **_without(body), **kw))


@router.post("/disclosures", summary="Ghi nhận việc công khai danh sách đề nghị khen thưởng")
def disclose(dossier_id: str, body: DisclosureIn, cmd: CommandDep) -> Reply:
    return cmd.run(body, lambda kw: cmd.app.disclose_publicly(dossier_id, **_without(body), **kw))


@router.post("/appraisal", summary="Thẩm định các đối tượng theo bộ quy tắc của hồ sơ")
def appraise(dossier_id: str, body: AppraisalIn, cmd: CommandDep) -> Reply:
    return cmd.run(body, lambda kw: cmd.app.appraise(dossier_id, **_without(body), **kw))


@router.post("/council-votes", summary="Ghi nhận kết quả bỏ phiếu của Hội đồng Thi đua – Khen thưởng")
def record_council_vote(dossier_id: str, body: CouncilVoteIn, cmd: CommandDep) -> Reply:
    return cmd.run(body, lambda kw: cmd.app.record_council_vote(dossier_id, **_without(body), **kw))


@router.post("/council-checks", summary="Ghi nhận kết quả Hội đồng xét các tiêu chuẩn không có số liệu")
def record_council_check(dossier_id: str, body: CouncilCheckIn, cmd: CommandDep) -> Reply:
    return cmd.run(body, lambda kw: cmd.app.record_council_check(dossier_id, **_without(body), **kw))


@router.post("/successor", summary="Chuyển hồ sơ cho đơn vị kế thừa khi cơ quan giải quyết chấm dứt hoạt động")
def pass_to_successor(dossier_id: str, body: SuccessorIn, cmd: CommandDep) -> Reply:
    return cmd.run(body, lambda kw: cmd.app.pass_to_successor(dossier_id, **_without(body), **kw))


@router.post("/decision", summary="Quyết định khen thưởng (cấp số quyết định liên tục theo năm)")
def decide(dossier_id: str, body: DecisionIn, cmd: CommandDep) -> Reply:
    return cmd.run(body, lambda kw: cmd.app.decide_award(dossier_id, **_without(body), **kw))


@router.post("/rejection", summary="Không khen thưởng (thông báo bằng văn bản, không cấp số)")
def reject(dossier_id: str, body: RejectionIn, cmd: CommandDep) -> Reply:
    return cmd.run(body, lambda kw: cmd.app.reject_award(dossier_id, **_without(body), **kw))


@router.post("/result-return", summary="Trả kết quả cho đơn vị đề nghị")
def return_result(dossier_id: str, body: ResultReturnIn, cmd: CommandDep) -> Reply:
    return cmd.run(body, lambda kw: cmd.app.return_result(dossier_id, **_without(body), **kw))


@router.post("/deadline-extension", summary="Hẹn lại ngày trả kết quả (kèm phiếu xin lỗi)")
def extend_deadline(dossier_id: str, body: ExtensionIn, cmd: CommandDep) -> Reply:
    return cmd.run(body, lambda kw: cmd.app.extend_deadline(dossier_id, **_without(body), **kw))


@router.post("/withdrawal", summary="Đơn vị rút hồ sơ trước khi có quyết định")
def withdraw(dossier_id: str, body: ReasonIn, cmd: CommandDep) -> Reply:
    return cmd.run(body, lambda kw: cmd.app.withdraw(dossier_id, reason=body.reason, **kw))


@router.post("/annulment", summary="Hủy bỏ quyết định khen thưởng (Điều 93 Luật Thi đua, khen thưởng)")
def annul(dossier_id: str, body: AnnulmentIn, cmd: CommandDep) -> Reply:
    return cmd.run(body, lambda kw: cmd.app.annul_award(dossier_id, **_without(body), **kw))


@router.post("/recovery", summary="Ghi nhận thu hồi hiện vật và tiền thưởng đã hủy bỏ")
def recover(dossier_id: str, body: RecoveryIn, cmd: CommandDep) -> Reply:
    return cmd.run(body, lambda kw: cmd.app.record_recovery(dossier_id, **_without(body), **kw))
