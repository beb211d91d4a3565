"""Wiring of the notifications service (skeleton: health, readiness and documents only)."""

from __future__ import annotations

from fastapi import FastAPI

from shared.http.service import ServiceRuntime, create_service_app, make_broker
from shared.settings import TdktSettings

SERVICE = "notifications"


def build_app(settings: TdktSettings | None = None) -> FastAPI:
    settings = settings or TdktSettings()
    runtime = ServiceRuntime(name=SERVICE, settings=settings, broker=make_broker(settings, SERVICE))
    return create_service_app(
        runtime,
        title="tdkt – Thông báo",
        description="Gửi thông báo (email, webhook, hộp thư trong ứng dụng) theo sự kiện phong trào và hồ sơ.",
    )
