"""Wiring of the reporting service: projection database, live consumers, rebuilder, HTTP API."""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Awaitable, Callable

from fastapi import FastAPI

from services.reporting import handlers
from services.reporting.context import ReportingContext
from services.reporting.generations import drop_all_but_live, ensure_live_generation
from services.reporting.http import admin as admin_api
from services.reporting.http import forms as api_forms
from services.reporting.http import policy
from services.reporting.http import reports as api
from services.reporting.live import LiveProjection, keep_outcomes_fresh
from services.reporting.rebuild import DECODE_PROCESSES, JobBusy, Rebuilder, nats_connector
from services.reporting.settings import ReportingSettings
from shared.http.circuit import engine_probe
from shared.http.service import ServiceRuntime, create_service_app, make_broker
from shared.natsaccounts import nats_options
from shared.reference.org_units import load_org_units
from shared.settings import TdktSettings
from shared.sqlstore import make_engine

SERVICE = "reporting"
INITIAL_FILL_RETRY_SECONDS = 5.0

log = logging.getLogger(__name__)


def open_context(settings: ReportingSettings) -> tuple[ReportingContext, bool]:
    """The projection database with a live generation, and what reads it; True when the database
    was new (its first generation was created now)."""
    engine = make_engine(settings.database_url(SERVICE, settings.reporting_database_url))
    generation, created = ensure_live_generation(engine)
    drop_all_but_live(engine)
    live = LiveProjection(engine, generation)
    rebuilder = Rebuilder(
        live,
        nats_connector(settings.nats_url, **nats_options(settings)),
        durables=handlers.durable_names(),
        batch_size=settings.reporting_rebuild_batch_size,
        decode_processes=(
            DECODE_PROCESSES
            if settings.reporting_rebuild_decode_processes is None
            else settings.reporting_rebuild_decode_processes
        ),
        verify_wait_seconds=settings.reporting_verify_wait_seconds,
    )
    context = ReportingContext(
        settings=settings,
        engine=engine,
        live=live,
        rebuilder=rebuilder,
        units=load_org_units(settings.org_units_file),
    )
    return context, created


def initial_fill(rebuilder: Rebuilder) -> Callable[[], Awaitable[None]]:
    """Replay the streams into a brand-new database once: the durable consumers may already be
    past events that these tables have never seen (a new or reset database)."""

    async def fill() -> None:
        while True:
            try:
                progress = await rebuilder.rebuild("hệ thống: nạp lần đầu từ lịch sử sự kiện")
            except JobBusy:
                return  # an operator's rebuild does the same job
            if progress.state == "done":
                return
            log.warning("initial fill failed (%s); retrying", progress.error)
            await asyncio.sleep(INITIAL_FILL_RETRY_SECONDS)

    return fill


def build_app(settings: TdktSettings | None = None) -> FastAPI:
    settings = settings if isinstance(settings, ReportingSettings) else ReportingSettings()
    ctx, is_new = open_context(settings)
    broker = make_broker(settings, SERVICE)

    jobs: list[Callable[[], Awaitable[None]]] = [functools.partial(keep_outcomes_fresh, ctx.live)]
    if is_new and settings.reporting_initial_rebuild:
        jobs.append(initial_fill(ctx.rebuilder))
    runtime = ServiceRuntime(
        name=SERVICE,
        settings=settings,
        broker=broker,
        database_checks={"database": engine_probe(ctx.engine)},
        background_jobs=jobs,
        batch_consumers=handlers.consumers(ctx.live, settings),
        on_shutdown=[ctx.rebuilder.cancel, ctx.engine.dispose],
    )
    app = create_service_app(
        runtime,
        policy=policy.POLICY,
        title="tdkt – Báo cáo",
        description=(
            "Báo cáo tổng hợp thi đua, khen thưởng theo kỳ; biểu 0602.N/BNV-TĐKT; xuất CSV, XLSX. "
            "Số liệu dựng lại được từ lịch sử sự kiện và đối chiếu được với bảng đang dùng."
        ),
        routers=[api.router, api_forms.router, admin_api.router],
        domain_errors={JobBusy: 409},
    )
    app.state.reporting = ctx
    return app
