"""What the screens share: typed dependencies and reading a posted form."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from starlette.datastructures import UploadFile

from services.console.clients import Services
from services.console.pages import Pages


def get_services(request: Request) -> Services:
    return request.app.state.services  # type: ignore[no-any-return]


def get_pages(request: Request) -> Pages:
    return request.app.state.pages  # type: ignore[no-any-return]


ServicesDep = Annotated[Services, Depends(get_services)]
PagesDep = Annotated[Pages, Depends(get_pages)]


async def form_pairs(request: Request) -> list[tuple[str, str]]:
    """The posted text fields in order (files are read separately)."""
    form = await request.form()
    return [(k, v) for k, v in form.multi_items() if isinstance(v, str)]


async def form_files(request: Request, name: str) -> list[UploadFile]:
    form = await request.form()
    return [v for v in form.getlist(name) if isinstance(v, UploadFile) and v.filename]


def options(items: dict[str, str]) -> list[dict[str, Any]]:
    return [{"value": k, "label": v} for k, v in items.items()]
