"""An XLSX list sent to a service that checks it row by row: the file is kept in the dossiers
service's file store first, so a list refused for some rows can be sent again (e.g. with "keep the
valid rows") without the user picking the file again; the form carries its hash and name."""

from __future__ import annotations

from collections.abc import Sequence
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


async def kept_papers(
    request: Request, services: Services, user: User, values: dict[str, Any], kinds: Sequence[str]
) -> list[dict[str, str]]:
    """The papers sent with a list, one per kind: those picked now (stored) and those stored by an
    earlier attempt (`attachments[i].kind`/`.sha256` in the form); `values` gets them as fields."""
    kept = [{"kind": values[k], "sha256": values[k.replace(".kind", ".sha256")]} for k in _kinds(values)]
    picked = [(kind, await form_files(request, f"file_{kind}")) for kind in kinds]
    papers = [(kind, f) for kind, files in picked for f in files[:1]]
    if papers:
        stored = await upload_files(services, user, [f for _, f in papers], [k for k, _ in papers])
        kept = [k for k in kept if k["kind"] not in {p[0] for p in papers}]
        kept += [{"kind": s["kind"], "sha256": s["sha256"]} for s in stored]
    for k in [k for k in values if k.startswith("attachments[")]:
        del values[k]
    values.update(_attachment_fields(kept))
    return kept


def _kinds(values: dict[str, Any]) -> list[str]:
    return [k for k in values if k.startswith("attachments[") and k.endswith(".kind")]


def _attachment_fields(kept: list[dict[str, str]]) -> dict[str, str]:
    fields: dict[str, str] = {}
    for i, a in enumerate(kept):
        fields[f"attachments[{i}].kind"], fields[f"attachments[{i}].sha256"] = a["kind"], a["sha256"]
    return fields
