"""A unit's list typed on the screen (nhập tay), for a short list without an XLSX: rows of name,
identity (ID number or personal code), award and what intake needs of each person; "add rows"
shows the form again with more blank rows (a plain submit, no script); the papers picked are stored
at once, so neither adding rows nor a refusal means picking them again. The service's errors are
shown on the row and field they concern."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from services.console import formdata as F
from services.console.auth import User, UserDep
from services.console.clients import ServiceError
from services.console.pages import redirect
from services.console.roundentry import (
    ROWS_AT_FIRST,
    adding_rows,
    entry_errors,
    rows_named,
    rows_shown,
    submission_body,
)
from services.console.views.common import PagesDep, ServicesDep, form_pairs, refused
from services.console.views.dossiers import GENDERS, RATINGS
from services.console.views.listfiles import kept_papers
from services.console.views.rounds import LIST_FILES, ROUND_AWARDS, submit_context, submitted_message
from shared.contracts import labels as L

router = APIRouter(prefix="/dot-xet", tags=["đợt xét khen thưởng"])
TEMPLATE = "rounds/entry.html"
KINDS = {"COLLECTIVE": L.NOMINEE_KINDS["COLLECTIVE"]}
"""Besides an individual, the form's blank choice (so a row left blank stays blank)."""


async def _context(
    request: Request, services: ServicesDep, user: User, round_id: str, values: dict[str, Any], rows: int
) -> dict[str, Any]:
    context = await submit_context(request, services, user, round_id, values)
    return {
        **context,
        "rows": rows,
        "award_options": [(a, ROUND_AWARDS.get(a) or L.AWARDS.get(a, a)) for a in context["r"]["awards"]],
        "kinds": list(KINDS.items()),
        "genders": list(GENDERS.items()),
        "ratings": list(RATINGS.items()),
    }


@router.get("/{round_id}/nhap-tay")
async def entry_form(
    request: Request, round_id: str, user: UserDep, services: ServicesDep, pages: PagesDep
) -> Response:
    context = await _context(request, services, user, round_id, {"unit": user.unit}, ROWS_AT_FIRST)
    return pages.render(request, TEMPLATE, context)


@router.post("/{round_id}/nhap-tay")
async def enter_list(
    request: Request, round_id: str, user: UserDep, services: ServicesDep, pages: PagesDep
) -> Response:
    pairs = await form_pairs(request)
    raw = F.nest(pairs)
    raw.pop("attachments", None)
    values: dict[str, Any] = {k: v for k, v in pairs if k.startswith("attachments[")}
    rows = rows_shown(pairs, len(raw.get("nominees") or []))
    try:
        kept = await kept_papers(request, services, user, values, LIST_FILES)
        values.update(F.flatten(raw))
        if adding_rows(pairs):
            return pages.render(request, TEMPLATE, await _context(request, services, user, round_id, values, rows))
        done = await services.dossiers.post(
            f"/rounds/{round_id}/submissions", user=user, json=submission_body(raw, kept)
        )
    except ServiceError as error:
        values.update(F.flatten(raw))
        error.errors, error.detail = entry_errors(error.errors), rows_named(error.detail)
        context = await _context(request, services, user, round_id, values, rows)
        return refused(request, pages, TEMPLATE, context, error)
    return redirect(f"/dot-xet/{round_id}", submitted_message(done))
