"""Wiring of the reporting service."""

from __future__ import annotations

import os

from fastapi import FastAPI
from sqlalchemy import text

from services.reporting import api, handlers, projection
from shared.http.service import ServiceRuntime, create_service_app, make_broker
from shared.messaging import idempotence
from shared.settings import TdktSettings
from shared.sqlstore import make_engine

SERVICE = "reporting"


def build_app(settings: TdktSettings | None = None) -> FastAPI:
    settings = settings or TdktSettings()
    engine = make_engine(settings.database_url(SERVICE, os.environ.get("TDKT_REPORTING_DATABASE_URL")))
    idempotence.create_tables(engine)
    projection.create_tables(engine)
    broker = make_broker(settings, SERVICE)
    handlers.register(broker, engine, settings)

    def database_check() -> None:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))

    runtime = ServiceRuntime(
        name=SERVICE,
        settings=settings,
        broker=broker,
        readiness_checks={"database": database_check},
        on_shutdown=[engine.dispose],
    )
    app = create_service_app(
        runtime,
        title="tdkt – Báo cáo",
        description="Báo cáo tổng hợp thi đua, khen thưởng theo kỳ, dựng lại được từ lịch sử sự kiện.",
        routers=[api.router],
    )
    app.state.engine = engine
    return app
