"""Rendering: the Jinja2 environment, the context every page has, and one-shot flash messages."""

from __future__ import annotations

import base64
import json
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from services.console import formatting, roles
from services.console.auth import User, current_user
from services.console.clients import ServiceError
from shared.workdays import VIETNAM_TZ

TEMPLATES = Path(__file__).with_name("templates")
FLASH_COOKIE = "tdkt_flash"


def field_id(name: str) -> str:
    """An HTML id for a field path: `nominees[0].name` → `f-nominees-0-name`."""
    return "f-" + "".join(ch if ch.isalnum() else "-" for ch in name).strip("-")


class Pages:
    def __init__(self) -> None:
        self.templates = Jinja2Templates(directory=str(TEMPLATES))
        env = self.templates.env
        env.trim_blocks, env.lstrip_blocks = True, True
        formatting.install(env)
        env.globals.update(field_id=field_id, role_label=roles.role_label)

    def render(
        self,
        request: Request,
        template: str,
        context: dict[str, Any] | None = None,
        *,
        user: User | bool | None = True,
        status_code: int = 200,
    ) -> HTMLResponse:
        who = current_user(request) if user is True else (user or None)
        flash = read_flash(request)
        page = {
            "request": request,
            "user": who,
            "menu": roles.menu_for(who.role) if who else (),
            "now": datetime.now(VIETNAM_TZ),
            "flash": flash,
            "dev_mode": request.app.state.settings.dev_mode,
            "units": request.app.state.units,
            **(context or {}),
        }
        response = self.templates.TemplateResponse(request, template, page, status_code=status_code)
        if flash is not None:
            response.delete_cookie(FLASH_COOKIE)
        return response

    def fragment(self, request: Request, template: str, context: dict[str, Any], status_code: int = 200) -> Response:
        return self.templates.TemplateResponse(
            request, template, {"request": request, **context}, status_code=status_code
        )


def redirect(url: str, flash: str | None = None, *, kind: str = "ok") -> RedirectResponse:
    """303 to `url`, carrying a message for the next page (a cookie read once)."""
    response = RedirectResponse(url, status_code=303)
    if flash:
        payload = base64.urlsafe_b64encode(json.dumps({"text": flash, "kind": kind}).encode()).decode()
        response.set_cookie(FLASH_COOKIE, payload, max_age=60, httponly=True, samesite="lax")
    return response


def read_flash(request: Request) -> dict[str, str] | None:
    raw = request.cookies.get(FLASH_COOKIE)
    if not raw:
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(raw.encode()))
    except ValueError:
        return None
    return data if isinstance(data, dict) and "text" in data else None


def error_context(error: ServiceError | None) -> dict[str, Any]:
    """What a form needs to show a refusal: the message and the per-field errors."""
    if error is None:
        return {"problem": None, "errors": {}}
    return {"problem": error, "errors": dict(error.errors)}


def form_status(error: ServiceError) -> int:
    """The status of a form shown again after a refusal: 503 while a service cannot take commands
    (nothing was recorded; the same form sent later will do), else 422."""
    return 503 if error.is_outage else 422


def login_url(next_url: str) -> str:
    return "/dang-nhap?next=" + quote(next_url)
