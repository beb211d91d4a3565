"""Request bodies of the campaigns' commands: untrusted JSON parsed once, here, into the typed
values the use cases take (`Target`, `Stage`, `DocumentReference`, `ReviewResult`, `date`,
`MovementKind`). A body that does not parse is a 422 (`shared.http.problems`) before any use case
runs; the rules that need the campaign or the org-unit directory stay with the domain and the
application.

A draft is read by `read_draft` rather than by FastAPI, so that its 422 names every problem at
once: the shape of each field and the rules on the fields that did parse (the lead unit in the
directory, the timeline), as a clerk filling the form in has always seen them.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from pydantic import BaseModel, Field, ValidationError, create_model

from services.campaigns.application import Campaigns
from services.campaigns.domain.campaign import (
    AMENDABLE_FIELDS,
    CampaignContent,
    DocumentReference,
    ReviewResult,
    Stage,
    Target,
    draft_problems,
)
from services.campaigns.domain.errors import CampaignValidationError
from services.campaigns.http.fields import (
    AchievedValue,
    AmendReason,
    CampaignCode,
    CancelReason,
    Content,
    CorrectionReason,
    Indicator,
    Kind,
    Level,
    Name,
    NewLevel,
    NewName,
    NewUnitCode,
    Note,
    Purpose,
    Reason,
    RegistrationNumber,
    Requirements,
    ReturnReason,
    StageName,
    StageNumber,
    Summary,
    TargetValue,
    UnitCode,
    UnitOfMeasure,
    required_day,
    text,
)
from shared.http.fields import parsed_apart
from shared.http.problems import request_field_errors

# --------------------------------------------------------------------------- value objects


class DocumentIn(BaseModel):
    """A document reference; each kind of document is its own model (`document_model`), as
    its messages name it."""

    number: str
    issued_on: date | None
    signer: str
    reference: str

    def value(self) -> DocumentReference:
        return DocumentReference(self.number, self.issued_on, self.signer, self.reference)


def document_model(name: str, label: str, *, require_signer: bool) -> type[DocumentIn]:
    """The request model of one kind of document (`label`: "Văn bản chỉ đạo", "Kế hoạch", …)."""
    what = label.lower()
    signer = text(f"Người ký {what}", 200, required=require_signer)
    return create_model(
        name,
        __base__=DocumentIn,
        number=(
            text(f"Số hiệu {what}", 100, required=True),
            Field(description="Số, ký hiệu văn bản, ví dụ 02/CT-UBND"),
        ),
        issued_on=(
            required_day(f"Ngày ban hành {what}"),
            Field(None, validate_default=True, description="Ngày ban hành"),
        ),
        signer=(signer, Field("", validate_default=require_signer, description="Người ký")),
        reference=(text("Trích yếu / đường dẫn", 1000), Field("", description="Trích yếu hoặc đường dẫn")),
    )


DirectiveIn = document_model("DirectiveIn", "Văn bản chỉ đạo", require_signer=True)
PlanIn = document_model("PlanIn", "Kế hoạch", require_signer=False)
InterimReportIn = document_model("InterimReportIn", "Báo cáo sơ kết", require_signer=False)
FinalReportIn = document_model("FinalReportIn", "Báo cáo tổng kết", require_signer=False)


class TargetIn(BaseModel):
    indicator: Indicator = Field(description="Chỉ tiêu")
    target_value: TargetValue = Field(None, description="Giá trị chỉ tiêu")
    unit_of_measure: UnitOfMeasure = Field("", description="Đơn vị tính")

    def value(self) -> Target:
        return Target(self.indicator, self.target_value, self.unit_of_measure)


class StageIn(BaseModel):
    number: StageNumber
    name: StageName
    start_date: date | None = None
    end_date: date | None = None

    def value(self) -> Stage:
        return Stage(self.number, self.name, self.start_date, self.end_date)


class ResultIn(BaseModel):
    indicator: Indicator
    achieved_value: AchievedValue = None
    note: Note = ""

    def value(self) -> ReviewResult:
        return ReviewResult(self.indicator, self.achieved_value, self.note)


# --------------------------------------------------------------------------- a campaign's content


def _content_value(field: str, value: Any) -> Any:
    """A content field as the use cases take it (nulls as the field's empty value)."""
    if field in ("targets", "stages"):
        return tuple(item.value() for item in value or ())
    if field in ("directive", "plan"):
        return value.value() if value is not None else None
    if field in ("purpose", "requirements", "content"):
        return value or ""  # not sent on a draft, or null on an amendment: empty
    return value


class CampaignContentIn(BaseModel):
    """The content fields of an amendment: each one sent is changed (null empties it)."""

    name: NewName = Field(None, description="Tên phong trào")
    lead_unit_id: NewUnitCode = Field(None, description="Mã đơn vị chủ trì (xem /units)")
    kind: Kind = Field(None, description="regular (thường xuyên) | periodic (theo đợt) | thematic (chuyên đề)")
    launching_level: NewLevel = Field(None, description="Cấp phát động: district | commune | department")
    purpose: Purpose = Field(None, description="Mục đích")
    requirements: Requirements = Field(None, description="Yêu cầu")
    content: Content = Field(None, description="Nội dung")
    targets: list[TargetIn] | None = Field(None, description="Chỉ tiêu đo được")
    start_date: date | None = None
    end_date: date | None = None
    stages: list[StageIn] | None = Field(None, description="Các đợt (phong trào theo đợt)")
    directive: DirectiveIn | None = Field(None, description="Văn bản chỉ đạo")
    plan: PlanIn | None = Field(None, description="Kế hoạch")

    def changes(self, fields: set[str] | None = None) -> CampaignContent:
        """The content fields (`fields`, default: those the body sent) as typed values."""
        names = self.model_fields_set if fields is None else fields
        return {f: _content_value(f, getattr(self, f)) for f in AMENDABLE_FIELDS if f in names}  # type: ignore[return-value]


class AmendIn(CampaignContentIn):
    reason: AmendReason = Field("", description="Lý do điều chỉnh")


class DraftIn(CampaignContentIn):
    code: CampaignCode = Field(description="Mã phong trào, chữ không dấu, ví dụ PT-2023-NTM")
    name: Name = Field(description="Tên phong trào")
    lead_unit_id: UnitCode = Field(description="Mã đơn vị chủ trì (xem /units)")
    kind: Kind = Field(description="regular | periodic | thematic")
    launching_level: Level = Field("district", description="Cấp phát động")

    def command(self) -> dict[str, Any]:
        """The keywords of `Campaigns.draft` besides who and when."""
        return {"code": self.code, **self.changes(set(AMENDABLE_FIELDS))}


_RULE_FIELDS = ("code", "lead_unit_id", "launching_level", "start_date", "end_date", "targets", "stages")


def read_draft(data: Any, app: Campaigns) -> DraftIn:
    """The draft form, parsed; else a `CampaignValidationError` naming every problem: the shape
    of each field, and the rules (`Campaigns.reference_problems`, `draft_problems`) on the
    fields that parsed."""
    try:
        return DraftIn.model_validate(data)
    except ValidationError as exc:
        shape = request_field_errors(exc).field_errors
    if not isinstance(data, Mapping):
        raise CampaignValidationError(shape)
    parsed = parsed_apart(DraftIn, data, _RULE_FIELDS)
    content: CampaignContent = {f: _content_value(f, v) for f, v in parsed.items() if f != "code"}  # type: ignore[assignment]
    level = parsed.get("launching_level")
    references = app.reference_problems(parsed.get("lead_unit_id"), level, parsed.get("start_date"))
    raise CampaignValidationError({**references, **draft_problems(parsed.get("code"), content), **shape})


# --------------------------------------------------------------------------- the other commands


class DocumentsIn(BaseModel):
    directive: DirectiveIn | None = None
    plan: PlanIn | None = None
    reason: Reason = ""

    def documents(self) -> dict[str, Any]:
        return {
            "directive": self.directive.value() if self.directive else None,
            "plan": self.plan.value() if self.plan else None,
            "reason": self.reason,
        }


class RegisterIn(BaseModel):
    registration_number: RegistrationNumber = Field(description="Số đăng ký do Phòng Nội vụ cấp")
    registered_on: date | None = Field(None, description="Ngày đăng ký; mặc định hôm nay")


class ReturnIn(BaseModel):
    reasons: list[ReturnReason] = Field(description="Lý do trả lại")
    returned_on: date | None = None


class LaunchIn(BaseModel):
    launched_on: date | None = None


class ReviewIn(BaseModel):
    report: FinalReportIn = Field(description="Báo cáo sơ kết/tổng kết")
    summary: Summary = Field(description="Tóm tắt kết quả")
    filed_on: date | None = None
    results: list[ResultIn] = Field(default_factory=list, description="Kết quả theo từng chỉ tiêu")
    proposed_collectives: int = Field(0, ge=0, description="Số tập thể đề nghị khen thưởng")
    proposed_individuals: int = Field(0, ge=0, description="Số cá nhân đề nghị khen thưởng")

    def review(self) -> dict[str, Any]:
        """The keywords of the review use cases: the report as typed values."""
        return {
            "report": self.report.value(),
            "summary": self.summary,
            "filed_on": self.filed_on,
            "results": tuple(r.value() for r in self.results),
            "proposed_collectives": self.proposed_collectives,
            "proposed_individuals": self.proposed_individuals,
        }


class InterimReviewIn(ReviewIn):
    report: InterimReportIn = Field(description="Báo cáo sơ kết")
    stage: int | None = Field(None, description="Đợt được sơ kết (phong trào theo đợt)")


class CorrectionIn(ReviewIn):
    reason: CorrectionReason = Field(description="Lý do đính chính")


class CloseIn(BaseModel):
    closed_on: date | None = None


class CancelIn(BaseModel):
    reason: CancelReason = Field(description="Lý do hủy")
    cancelled_on: date | None = None
