"""Attachment files over HTTP: upload, download, and supplementing a dossier with files.

The upload flow a clerk's screen uses is two steps: each file is sent as soon as it is picked
(`POST /attachments`, multipart) and comes back as `{name, kind, size, sha256}`; the dossier is
then submitted (or supplemented) as JSON that lists those references. Files are checked once,
on upload (type by content, size), the JSON stays JSON (so its 422s name each field), and a
failed submission does not make the clerk upload again. For a one-shot supplement from a
scanner or a script, `POST /dossiers/{id}/attachments` takes the files and their kinds in one
multipart request and records them as the supplement.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, File, Form, Request, UploadFile, status
from fastapi.responses import StreamingResponse

from services.dossiers.blobs import BlobNotFound, BlobStore
from services.dossiers.domain.errors import DossierValidationError
from services.dossiers.domain.values import AttachmentKind
from services.dossiers.http.common import BlobsDep, CommandDep, VersionedIn, attachments_from
from services.dossiers.uploads import AcceptedFile, check_upload
from shared.http.actor import ActorDep

router = APIRouter(tags=["tài liệu đính kèm"])

KINDS = ", ".join(k.value for k in AttachmentKind)


def _max_bytes(request: Request) -> int:
    return int(request.app.state.settings.dossiers_max_attachment_bytes)


def _accept_all(
    files: list[UploadFile], kinds: list[str] | None, max_bytes: int, *, kinds_required: bool
) -> list[tuple[UploadFile, AcceptedFile, str | None]]:
    """Check every file (and its kind) before storing any, so a refused upload stores nothing."""
    errors: dict[str, str] = {}
    kinds = [k.strip() for k in kinds or []]
    if (kinds or kinds_required) and len(kinds) != len(files):
        errors["kind"] = f"Cần một loại tài liệu cho mỗi tệp ({len(files)} tệp, {len(kinds)} loại)."
    for i, k in enumerate(kinds):
        if k not in AttachmentKind.__members__:
            errors[f"kind[{i}]"] = f"Loại tài liệu không hợp lệ; chọn một trong: {KINDS}."
    accepted = []
    for i, upload in enumerate(files):
        outcome = check_upload(upload.filename, upload.file, max_bytes=max_bytes)
        if isinstance(outcome, str):
            errors[f"files[{i}]"] = f"{upload.filename or 'Tệp'}: {outcome}"
        else:
            accepted.append((upload, outcome, kinds[i] if i < len(kinds) else None))
    if errors:
        raise DossierValidationError(errors)
    return accepted


def _store(blobs: BlobStore, accepted: list[tuple[UploadFile, AcceptedFile, str | None]]) -> list[dict[str, Any]]:
    stored = []
    for upload, file, kind in accepted:
        info = blobs.put(upload.file, name=file.name, content_type=file.content_type)
        stored.append(
            {
                "name": file.name,
                "kind": kind,
                "size": info.size,
                "sha256": info.sha256,
                "content_type": file.content_type,
            }
        )
    return stored


@router.post(
    "/attachments",
    status_code=status.HTTP_201_CREATED,
    summary="Tải lên tệp đính kèm (PDF, DOC, DOCX, JPG, PNG, XLSX); trả về mã băm SHA-256 để dẫn chiếu trong hồ sơ",
)
def upload(
    request: Request,
    blobs: BlobsDep,
    actor: ActorDep,
    files: Annotated[list[UploadFile], File(description="Một hoặc nhiều tệp")],
    kind: Annotated[list[str] | None, Form(description="Loại tài liệu của từng tệp, theo thứ tự (tùy chọn)")] = None,
) -> list[dict[str, Any]]:
    return _store(blobs, _accept_all(files, kind, _max_bytes(request), kinds_required=False))


@router.get("/attachments/{sha256}", summary="Tải xuống tệp theo mã băm SHA-256")
def download(sha256: str, blobs: BlobsDep, name: str | None = None) -> StreamingResponse:
    sha = sha256.strip().lower()
    info = blobs.info(sha)
    if info is None:
        raise BlobNotFound(sha)
    filename = name or info.name
    headers = {
        "Content-Length": str(info.size),
        "Content-Disposition": f"inline; filename*=UTF-8''{quote(filename)}",
        "ETag": f'"{info.sha256}"',
        "Cache-Control": "private, max-age=31536000, immutable",
        "X-Content-Type-Options": "nosniff",
    }
    return StreamingResponse(blobs.open(sha), media_type=info.content_type, headers=headers)


@router.post(
    "/dossiers/{dossier_id}/attachments",
    tags=["xử lý hồ sơ"],
    summary="Bổ sung hồ sơ bằng tệp tải lên trực tiếp (multipart: files, kind cho từng tệp, note)",
)
def supplement_with_files(
    dossier_id: str,
    request: Request,
    blobs: BlobsDep,
    cmd: CommandDep,
    files: Annotated[list[UploadFile], File(description="Tài liệu bổ sung")],
    kind: Annotated[list[str], Form(description="Loại tài liệu của từng tệp, theo thứ tự")],
    note: Annotated[str | None, Form()] = None,
    expected_version: Annotated[int | None, Form()] = None,
) -> dict[str, Any]:
    stored = _store(blobs, _accept_all(files, kind, _max_bytes(request), kinds_required=True))
    attachments = attachments_from([{k: f[k] for k in ("name", "kind", "size", "sha256")} for f in stored])
    body = VersionedIn(expected_version=expected_version)
    return cmd.run(body, lambda kw: cmd.app.supplement(dossier_id, attachments=attachments, note=note, **kw))
