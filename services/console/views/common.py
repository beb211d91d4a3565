"""What the screens share: typed dependencies and reading a posted form."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from services.console import formdata as F
from services.console.auth import User
from services.console.clients import ServiceError, Services
from services.console.formatting import today_vn
from services.console.pages import Pages, error_context, form_status, redirect

_ROW = re.compile(r"^(?:rows\[(\d+)\](?:\.(.+))?|dòng (\d+))$")


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


def refused(request: Request, pages: Pages, template: str, context: dict[str, Any], error: ServiceError) -> Response:
    """A form shown again after the service refused it: its message on top, each field's next to
    the field, what was typed still there (503 for an outage, else 422, as every form does)."""
    return pages.render(request, template, {**context, **error_context(error)}, status_code=form_status(error))


def refused_list(
    request: Request, pages: Pages, template: str, context: dict[str, Any], error: ServiceError
) -> Response:
    """An uploaded list refused by the service: its row errors as a table, the rest as `refused`."""
    rows, rest = row_errors(error.errors)
    error.errors = rest
    return refused(request, pages, template, {**context, "row_errors": rows}, error)


def row_errors(errors: dict[str, str]) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """An imported list's errors (`rows[N].<column>`, or `dòng N` for a row refused as a whole, from
    the service) as a table of row, column
    and message, in sheet order; and the other errors, keyed by the form's field names."""
    rows: list[dict[str, Any]] = []
    rest: dict[str, str] = {}
    for key, message in errors.items():
        found = _ROW.match(key)
        if found:
            rows.append({"row": int(found[1] or found[3]), "column": found[2] or "", "message": message})
        else:
            rest[key] = message
    return sorted(rows, key=lambda r: (r["row"], r["column"])), rest


async def post_form(
    request: Request,
    services: Services,
    user: User,
    pages: Pages,
    *,
    path: str,
    template: str,
    context: dict[str, Any],
    converters: dict[str, Any],
    done: Callable[[Any], tuple[str, str]],
    multi: tuple[str, ...] = (),
    shape: Callable[[dict[str, Any]], None] | None = None,
) -> Response:
    """Post a form to the dossiers service as JSON; on success go where `done(answer)` says with
    its message, on refusal show the form again with what was typed and the service's words."""
    raw = F.nest(await form_pairs(request), multi=multi)
    try:
        body = F.convert(raw, converters)
        for name in multi:
            body.setdefault(name, [])
        if shape is not None:
            shape(body)
        answer = await services.dossiers.post(path, user=user, json=body)
    except ServiceError as error:
        return refused(request, pages, template, {**context, "values": F.flatten(raw)}, error)
    url, text = done(answer)
    return redirect(url, text)


def day_or_today(typed: str) -> str:
    """A typed date (dd/mm/yyyy) as ISO, or today in Vietnam when blank or not a date."""
    value = F.day(typed or "")
    try:
        return date.fromisoformat(str(value)).isoformat()
    except ValueError:
        return today_vn().isoformat()
