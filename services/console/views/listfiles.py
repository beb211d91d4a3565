"""An XLSX list sent to a service that checks it row by row: the file is kept in the dossiers
service's file store first, so a list refused for some rows can be sent again (e.g. with "keep the
valid rows") without the user picking the file again; the form carries its hash and name."""

from __future__ import annotations

from typing import Any

from fastapi import Request

from services.console.auth import User
from services.console.clients import ServiceError, Services
from services.console.views.common import form_files
from services.console.views.dossiers import upload_files

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def kept_list_file(
    request: Request, services: Services, user: User, values: dict[str, Any], field: str = "file"
) -> tuple[str, bytes]:
    """The list's name and content: the file just picked (stored, and `values` updated with its
    `list_sha256` and `list_name`), else the one stored by an earlier attempt; 422 when neither."""
    picked = await form_files(request, field)
    if picked:
        (stored,) = await upload_files(services, user, picked[:1], ["OTHER"])
        values["list_sha256"], values["list_name"] = stored["sha256"], stored["name"]
    if not values.get("list_sha256"):
        raise ServiceError(422, "Chưa chọn tệp danh sách (.xlsx).", {field: "Chọn tệp danh sách (.xlsx)."})
    response = await services.dossiers.request("GET", f"/attachments/{values['list_sha256']}", user=user)
    return str(values.get("list_name") or "danh-sach.xlsx"), response.content
