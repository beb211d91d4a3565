"""Wiring of the console: one HTTP client for the services, the unit catalogue, the pages, the
static assets (htmx and the console's own CSS and script, no build step) and the routers."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from services.console import auth
from services.console.auth import LoginRequired, current_user
from services.console.clients import ServiceError, Services
from services.console.pages import Pages, login_url
from services.console.settings import ConsoleSettings
from services.console.units import UnitCatalogue
from services.console.views import (
    awardhistory,
    campaigns,
    clusters,
    councils,
    dashboard,
    dossiers,
    notifications,
    pastawards,
    pledges,
    public,
    reports,
    rounddecision,
    roundentry,
    rounds,
    successions,
)
from shared.http.limits import install_limits
from shared.settings import TdktSettings

SERVICE = "console"
STATIC = Path(__file__).with_name("static")
CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'"
)


def build_app(settings: TdktSettings | None = None) -> FastAPI:
    settings = settings if isinstance(settings, ConsoleSettings) else ConsoleSettings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with httpx.AsyncClient(timeout=settings.console_service_timeout_seconds) as http:
            services = Services.connect(
                http,
                {
                    "campaigns": settings.campaigns_url,
                    "dossiers": settings.dossiers_url,
                    "notifications": settings.notifications_url,
                    "reporting": settings.reporting_url,
                },
            )
            app.state.services = services
            app.state.units = UnitCatalogue(
                services.campaigns, ttl=settings.console_units_ttl_seconds, reference=settings.org_units_file
            )
            yield

    app = FastAPI(title="tdkt – Bảng điều khiển", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)
    app.state.settings = settings
    app.state.pages = Pages()
    app.mount("/tinh", StaticFiles(directory=STATIC), name="static")
    install_limits(app, settings)  # body size; login and form submissions per caller per minute

    @app.middleware("http")
    async def before_and_after(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        page = not request.url.path.startswith("/tinh/")  # static files need neither units nor a session
        if page and hasattr(request.app.state, "units"):
            await request.app.state.units.ensure()
        if page:  # one renewal per page, not one per stylesheet loaded with it
            await auth.renew_session(request)
        response = await call_next(request)
        auth.keep_renewed_session(request, response)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if "text/html" in response.headers.get("content-type", ""):
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    @app.exception_handler(LoginRequired)
    async def _login(_: Request, exc: LoginRequired) -> Response:
        return RedirectResponse(login_url(exc.next_url), status_code=303)

    @app.exception_handler(ServiceError)
    async def _service_error(request: Request, exc: ServiceError) -> Response:
        """A page that could not be read: say which service said what, in its words."""
        return app.state.pages.render(
            request, "error.html", {"problem": exc}, user=current_user(request), status_code=exc.status
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        detail = "Không tìm thấy trang này." if exc.status_code == 404 else "Yêu cầu không hợp lệ."
        problem = ServiceError(exc.status_code, detail)
        return app.state.pages.render(
            request, "error.html", {"problem": problem}, user=current_user(request), status_code=exc.status_code
        )

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        return {"status": "ok", "service": SERVICE}

    for router in (
        auth.router,
        dashboard.router,
        campaigns.router,
        successions.router,  # before /ho-so/{dossier_id}
        dossiers.router,
        reports.router,
        rounds.router,
        roundentry.router,
        rounddecision.router,
        councils.router,
        pledges.router,
        clusters.router,
        pastawards.router,  # before /lich-su-khen-thuong
        awardhistory.router,
        notifications.router,
        public.router,
    ):
        app.include_router(router)
    return app
