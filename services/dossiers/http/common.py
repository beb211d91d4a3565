"""What every dossiers endpoint shares: typed dependencies, the If-Match precondition, the reply
(the dossier's JSON view from `representation.py`, its version as ETag), and turning attachment
references into stored-blob metadata.

The service clock is a dependency (`app.state.clock`) rather than a call to `datetime.now()` in
each endpoint, so that tests can pin the receipt date (which chooses the rule set) and the
domain keeps receiving its time from outside.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends, Request, Response
from pydantic import BaseModel, Field

from services.dossiers.application import Dossiers
from services.dossiers.blobs import BlobStore, is_sha256
from services.dossiers.domain.dossier import Dossier
from services.dossiers.domain.errors import DossierConcurrencyError, DossierValidationError
from services.dossiers.domain.values import Attachment
from services.dossiers.forms import parse_attachment
from services.dossiers.representation import dossier_view
from services.dossiers.representation import unit_name as unit_name
from shared.http.actor import ActorDep
from shared.http.commands import CommandContext
from shared.http.requests import if_match_header, set_etag
from shared.reference.org_units import OrgUnitDirectory
from shared.workdays import local_date


async def get_dossiers(request: Request) -> Dossiers:
    return request.app.state.dossiers  # type: ignore[no-any-return]


async def get_units(request: Request) -> OrgUnitDirectory:
    return request.app.state.units  # type: ignore[no-any-return]


async def get_blobs(request: Request) -> BlobStore:
    return request.app.state.blobs  # type: ignore[no-any-return]


async def get_now(request: Request) -> datetime:
    clock: Callable[[], datetime] = request.app.state.clock
    return clock()


DossiersDep = Annotated[Dossiers, Depends(get_dossiers)]
UnitsDep = Annotated[OrgUnitDirectory, Depends(get_units)]
BlobsDep = Annotated[BlobStore, Depends(get_blobs)]
NowDep = Annotated[datetime, Depends(get_now)]
IfMatchDep = Annotated[int | None, Depends(if_match_header("hồ sơ"))]


class VersionedIn(BaseModel):
    expected_version: int | None = Field(
        None, description="Phiên bản hồ sơ mong đợi (thay cho header If-Match); sai lệch → 409"
    )


def respond(
    response: Response, units: OrgUnitDirectory, dossier: Dossier, now: datetime, app: Dossiers | None = None
) -> dict[str, Any]:
    """The dossier as JSON, with its version as the ETag for the next If-Match."""
    set_etag(response, dossier.version)
    return dossier_view(units, dossier, local_date(now), app.rules_of(dossier) if app is not None else None)


class AttachmentRefIn(BaseModel):
    """A file already uploaded (`POST /attachments`), referenced by its SHA-256."""

    name: str | None = Field(None, description="Tên tài liệu; mặc định là tên tệp đã tải lên")
    kind: str | None = Field(None, description="Loại tài liệu: SUBMISSION_MEMO, ACHIEVEMENT_REPORT, …")
    sha256: str | None = Field(None, description="Mã băm SHA-256 do POST /attachments trả về")
    size: int | None = Field(None, description="Dung lượng (byte); nếu gửi thì phải khớp tệp đã tải lên")


def resolve_attachments(
    blobs: BlobStore, refs: Sequence[AttachmentRefIn], path: str = "attachments"
) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """Attachment metadata for the domain (size and name from the stored blob), and the
    Vietnamese messages for references to files that were never uploaded."""
    resolved: list[dict[str, Any]] = []
    errors: dict[str, str] = {}
    for i, ref in enumerate(refs):
        key = f"{path}[{i}]"
        sha = (ref.sha256 or "").strip().lower()
        item = {"name": ref.name, "kind": ref.kind, "sha256": sha, "size": ref.size}
        if sha and is_sha256(sha):
            info = blobs.info(sha)
            if info is None:
                errors[f"{key}.sha256"] = "Chưa có tệp này trong kho; hãy tải tệp lên trước (POST /attachments)."
            else:
                if ref.size is not None and ref.size != info.size:
                    errors[f"{key}.size"] = f"Dung lượng không khớp với tệp đã tải lên ({info.size} byte)."
                item["size"] = info.size
                item["name"] = ref.name or info.name
        resolved.append(item)
    return resolved, errors


def attachments_from(
    items: Sequence[Mapping[str, Any]], errors: Mapping[str, str] | None = None, path: str = "attachments"
) -> list[Attachment]:
    """Attachment metadata read into `Attachment` values for the domain, or 422: first with the
    `errors` found before (files never uploaded, see `resolve_attachments`), else with every
    problem of the metadata itself."""
    if errors:
        raise DossierValidationError(dict(errors))
    found: dict[str, str] = {}
    files = [parse_attachment(item, f"{path}[{i}]", found) for i, item in enumerate(items)]
    if found:
        raise DossierValidationError(found)
    return [a for a in files if a is not None]


class DossierCommand(CommandContext[Dossier]):
    """The dossiers' command dependency (`shared.http.commands`): the application, the org-unit
    directory for the view, and three attempts against a lost race on `at`.

    `at` is read from the clock at each attempt. A request that started before another but
    loaded the dossier after that one committed would carry a time earlier than the dossier's
    last step, which the domain refuses (field `at`) before anything is stored; since the server
    chose that time, it is a lost race, not bad input: try again with a fresh time, and report
    409 if it keeps happening.
    """

    attempts = 3

    def __init__(
        self,
        request: Request,
        response: Response,
        app: DossiersDep,
        units: UnitsDep,
        actor: ActorDep,
        header_version: IfMatchDep,
    ) -> None:
        super().__init__(request, response, actor, header_version)
        self.app, self.units = app, units

    def view(self, aggregate: Dossier, now: datetime) -> dict[str, Any]:
        return dossier_view(self.units, aggregate, local_date(now), self.app.rules_of(aggregate))

    def retry(self, error: Exception) -> bool:
        return isinstance(error, DossierValidationError) and set(error.field_errors) == {"at"}

    def exhausted(self) -> Exception:
        return DossierConcurrencyError()


async def dossier_command(
    request: Request,
    response: Response,
    app: DossiersDep,
    units: UnitsDep,
    actor: ActorDep,
    header_version: IfMatchDep,
) -> DossierCommand:
    """`DossierCommand` made on the event loop: a class given to `Depends` is a plain callable,
    which FastAPI would run in a worker thread (a hop per request for a few assignments)."""
    return DossierCommand(request, response, app, units, actor, header_version)


CommandDep = Annotated[DossierCommand, Depends(dossier_command)]
