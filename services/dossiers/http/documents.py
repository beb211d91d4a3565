"""HTTP for the documents of a dossier (`services.dossiers.documents`): Word and PDF drafts, the
digitally signed decision, certificates printed onto blanks, forwarding upward (khen cao).

Downloads are plain GETs on the dossier's unguessable id, so the links in a notification open
without a login (as the rest of this service's reads, until authentication lands). Commands
take the actor like every other command, answer with the dossier and its `ETag`.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, File, Form, Query, Request, Response, UploadFile
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from services.dossiers.blobs import BlobNotFound
from services.dossiers.documents.certificates import BlankBook, UnknownBlank
from services.dossiers.documents.context import DraftOptions, OfficeBook
from services.dossiers.documents.records import HigherLevelOutcome, SigningMethod
from services.dossiers.documents.render import PDF_TYPE, DocumentRenderer, RenderingUnavailable, TemplateMissing
from services.dossiers.documents.service import KINDS, DocumentService
from services.dossiers.documents.signatures import Pkcs12Signer, SigningUnavailable, load_certificates
from services.dossiers.domain.errors import DossierError, DossierValidationError
from services.dossiers.http.common import (
    BlobsDep,
    CommandDep,
    DossiersDep,
    IfMatchDep,
    NowDep,
    UnitsDep,
    VersionedIn,
    respond,
)
from services.dossiers.http.fields import choice
from shared.http.actor import ActorDep
from shared.workdays import local_date

DOMAIN_ERRORS: dict[type[Exception], int] = {
    RenderingUnavailable: 503,
    SigningUnavailable: 503,
    TemplateMissing: 503,
    UnknownBlank: 404,
}
MAX_SIGNED_PDF_BYTES = 30 * 1024 * 1024

router = APIRouter(prefix="/dossiers/{dossier_id}", tags=["văn bản, ký số, in giấy khen, trình cấp trên"])
blanks_router = APIRouter(tags=["văn bản, ký số, in giấy khen, trình cấp trên"])


def document_service(settings: Any, dossiers: Any, units: Any, blobs: Any) -> DocumentService:
    """The documents use cases, from the dossiers settings."""
    signer = None
    if settings.dossiers_signing_pkcs12:
        password = settings.dossiers_signing_pkcs12_password
        signer = Pkcs12Signer(
            Path(settings.dossiers_signing_pkcs12), password.get_secret_value().encode() if password else None
        )
    return DocumentService(
        dossiers,
        units,
        blobs,
        renderer=DocumentRenderer(settings.dossiers_document_templates_dir, settings.dossiers_soffice),
        offices=OfficeBook.load(settings.dossiers_offices_file),
        blanks=BlankBook(settings.dossiers_certificate_blanks_dir),
        trust_roots=load_certificates(settings.dossiers_signature_trust_roots),
        signer=signer,
        public_url=settings.dossiers_public_url,
    )


async def get_documents(request: Request) -> DocumentService:
    return request.app.state.documents  # type: ignore[no-any-return]


DocumentsDep = Annotated[DocumentService, Depends(get_documents)]


def _file(data: bytes, filename: str, content_type: str, *, inline: bool = True) -> Response:
    disposition = "inline" if inline else "attachment"
    return Response(
        data,
        media_type=content_type,
        headers={"Content-Disposition": f"{disposition}; filename*=UTF-8''{quote(filename)}"},
    )


# --- drafts ------------------------------------------------------------------------------------


@router.get("/documents", summary="Các văn bản của hồ sơ (dự thảo Word/PDF, quyết định đã ký, giấy khen)")
def list_documents(dossier_id: str, app: DossiersDep, docs: DocumentsDep) -> dict[str, Any]:
    dossier = app.get(dossier_id)
    base = f"/dossiers/{dossier.id}/documents"
    return {
        "drafts": [
            {"document": k, "title": t, "docx": f"{base}/{k}.docx", "pdf": f"{base}/{k}.pdf"} for k, t in KINDS.items()
        ],
        "links": docs.links(dossier),
        "pdf_available": docs.renderer.available,
    }


@router.get(
    "/documents/{document}.{fmt}",
    summary="Văn bản tạo từ hồ sơ theo thể thức Nghị định 30/2020/NĐ-CP (docx hoặc pdf)",
    response_class=Response,
)
def document(
    dossier_id: str,
    document: str,
    fmt: str,
    app: DossiersDep,
    docs: DocumentsDep,
    now: NowDep,
    version: Annotated[int | None, Query(ge=1, description="Theo hồ sơ ở phiên bản này")] = None,
    signer_name: Annotated[str | None, Query(description="Họ tên người ký (mặc định theo danh mục cơ quan)")] = None,
    number: Annotated[str | None, Query(description="Số văn bản đã lấy ở sổ văn bản (tờ trình), nếu có")] = None,
) -> Response:
    dossier = app.get(dossier_id, version=version)
    options = DraftOptions(number=number or None, signer_name=signer_name)
    rendered = docs.render(dossier, document, fmt, local_date(now), options)
    return _file(rendered.data, rendered.filename, rendered.content_type, inline=fmt == "pdf")


# --- the signed decision -------------------------------------------------------------------------


@router.post("/signed-decision", summary="Nộp quyết định đã ký số (PDF, PAdES); kiểm tra chữ ký trước khi nhận")
async def upload_signed_decision(
    dossier_id: str,
    response: Response,
    docs: DocumentsDep,
    units: UnitsDep,
    actor: ActorDep,
    now: NowDep,
    header_version: IfMatchDep,
    file: Annotated[UploadFile, File(description="Tệp PDF quyết định đã ký số")],
    reason: Annotated[str | None, Form(description="Lý do, khi thay bản ký số đã nộp")] = None,
) -> dict[str, Any]:
    data = await file.read(MAX_SIGNED_PDF_BYTES + 1)
    if len(data) > MAX_SIGNED_PDF_BYTES:
        raise DossierValidationError({"file": "Tệp quá lớn (tối đa 30 MB)."})
    dossier = await run_in_threadpool(
        docs.accept_signed,
        dossier_id,
        data,
        name=file.filename or "quyet-dinh-da-ky.pdf",
        method=SigningMethod.UPLOADED,
        actor=actor,
        at=now,
        reason=reason,
        expected_version=header_version,
    )
    return respond(response, units, dossier, now, docs.app)


class SignIn(VersionedIn):
    reason: str | None = Field(None, description="Lý do, khi thay bản ký số đã có")


@router.post("/signed-decision/signing", summary="Ký số quyết định qua dịch vụ ký số đã cấu hình")
def sign_decision(dossier_id: str, body: SignIn, docs: DocumentsDep, cmd: CommandDep) -> dict[str, Any]:
    return cmd.run(body, lambda kw: docs.sign_with_service(dossier_id, reason=body.reason, **kw))


@router.get("/signed-decision.pdf", summary="Quyết định đã ký số (bản mới nhất)", response_class=Response)
def signed_decision(dossier_id: str, app: DossiersDep, blobs: BlobsDep) -> Response:
    dossier = app.get(dossier_id)
    if not dossier.signed_documents:
        raise BlobNotFound("quyết định đã ký số")
    latest = dossier.signed_documents[-1]
    return _file(b"".join(blobs.open(latest.sha256)), latest.name, PDF_TYPE)


# --- certificates ----------------------------------------------------------------------------------


@router.get("/certificates/{nominee_id}.pdf", summary="Bản điện tử giấy khen, giấy chứng nhận", response_class=Response)
def certificate_copy(dossier_id: str, nominee_id: str, docs: DocumentsDep) -> Response:
    return _file(docs.certificate_copy(dossier_id, nominee_id), f"giay-khen-{nominee_id}.pdf", PDF_TYPE)


@blanks_router.get("/certificate-blanks", summary="Các mẫu phôi in giấy khen và hiệu chỉnh của từng mẫu")
def blanks(docs: DocumentsDep) -> list[dict[str, Any]]:
    return [docs.blank_view(b) for b in docs.blanks.all()]


class CalibrationIn(BaseModel):
    offset_x_mm: float = Field(0, description="Dịch sang phải (mm; âm: sang trái)")
    offset_y_mm: float = Field(0, description="Dịch xuống dưới (mm; âm: lên trên)")
    note: str = Field("", description="Máy in, khay giấy, ai đo…")


@blanks_router.put("/certificate-blanks/{blank_id}/calibration", summary="Ghi hiệu chỉnh vị trí in cho mẫu phôi")
def calibrate(blank_id: str, body: CalibrationIn, docs: DocumentsDep, actor: ActorDep, now: NowDep) -> dict[str, Any]:
    blank = docs.calibrate(blank_id, x=body.offset_x_mm, y=body.offset_y_mm, note=body.note, actor=actor, at=now)
    return docs.blank_view(blank)


@blanks_router.get(
    "/certificate-blanks/{blank_id}/test-page.pdf", summary="Trang in thử để hiệu chỉnh", response_class=Response
)
def test_page(blank_id: str, docs: DocumentsDep) -> Response:
    return _file(docs.calibration_page(blank_id), f"in-thu-{blank_id}.pdf", PDF_TYPE)


class PrintItemIn(BaseModel):
    dossier_id: str
    nominee_ids: list[str] | None = Field(None, description="Mặc định: mọi người được khen thưởng trong hồ sơ")


class PrintIn(BaseModel):
    blank_id: str = Field(description="Mẫu phôi (GET /certificate-blanks)")
    items: list[PrintItemIn] = Field(description="Các hồ sơ và người được in trong đợt")
    reprint_reason: str | None = Field(None, description="Bắt buộc khi có người đã được in trước đó")


@blanks_router.post(
    "/certificate-prints",
    summary="In một đợt giấy khen lên phôi: một tệp PDF, mỗi người một trang; ghi sổ in vào từng hồ sơ",
    response_class=Response,
)
def print_certificates(body: PrintIn, docs: DocumentsDep, actor: ActorDep, now: NowDep) -> Response:
    batch_id, pdf, dossiers = docs.print_certificates(
        blank_id=body.blank_id,
        items=[(i.dossier_id, i.nominee_ids) for i in body.items],
        actor=actor,
        at=now,
        reprint_reason=body.reprint_reason,
    )
    response = _file(pdf, f"dot-in-{batch_id}.pdf", PDF_TYPE)
    response.headers["X-Print-Batch"] = batch_id
    response.headers["X-Certificates"] = str(sum(len(b.prints) for d in dossiers for b in d.print_batches[-1:]))
    return response


# --- forwarding upward (khen cao) ------------------------------------------------------------------


class ForwardIn(VersionedIn):
    to_authority: str = Field(description="Cấp trên nhận hồ sơ, ví dụ: Chủ tịch UBND thành phố Hà Nội")
    proposal_number: str = Field(description="Số tờ trình của đơn vị, theo sổ văn bản (ví dụ 15/TTr-UBND)")
    proposal_date: date | None = Field(None, description="Ngày tờ trình; mặc định hôm nay")
    nominee_ids: list[str] | None = Field(None, description="Mặc định: mọi người đủ điều kiện")
    signer_name: str | None = None
    reason: str | None = Field(None, description="Bắt buộc khi trình lại sau khi cấp trên trả hồ sơ")


@router.post("/forwarding", summary="Trình cấp trên khen thưởng: đóng gói hồ sơ (Word và PDF) và ghi nhận")
def forward(dossier_id: str, body: ForwardIn, docs: DocumentsDep, cmd: CommandDep) -> dict[str, Any]:
    return cmd.run(body, lambda kw: docs.forward(dossier_id, **body.model_dump(exclude={"expected_version"}), **kw))


@router.get(
    "/forwarding/package.zip", summary="Gói hồ sơ đã trình cấp trên (lần trình mới nhất)", response_class=Response
)
def forwarding_package(dossier_id: str, app: DossiersDep, blobs: BlobsDep) -> Response:
    dossier = app.get(dossier_id)
    if not dossier.forwardings:
        raise DossierError("not_forwarded", "Hồ sơ chưa được trình cấp trên.")
    latest = dossier.forwardings[-1]
    return _file(
        b"".join(blobs.open(latest.package_sha256)),
        f"ho-so-trinh-khen-{dossier.receipt_number.replace('/', '-')}.zip",
        "application/zip",
        inline=False,
    )


Outcome = choice(HigherLevelOutcome)


class HigherResultIn(VersionedIn):
    outcome: Outcome = Field(description="AWARDED (cấp trên quyết định khen thưởng) | RETURNED (trả lại hồ sơ)")
    decided_by: str = Field(description="Cấp trên, ví dụ: Chủ tịch UBND thành phố Hà Nội")
    decision_number: str | None = None
    decision_date: date | None = None
    awarded_ids: list[str] | None = Field(None, description="Mặc định: mọi người đã trình")
    not_awarded: dict[str, list[str]] | None = None
    reasons: list[str] = Field([], description="Lý do trả lại hồ sơ")


@router.post("/forwarding/result", summary="Ghi nhận kết quả của cấp trên: quyết định khen thưởng hoặc trả lại")
def higher_level_result(dossier_id: str, body: HigherResultIn, docs: DocumentsDep, cmd: CommandDep) -> dict[str, Any]:
    fields = body.model_dump(exclude={"expected_version"})
    return cmd.run(body, lambda kw: docs.record_higher_result(dossier_id, **fields, **kw))
