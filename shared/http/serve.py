"""`python -m services.<name>`: run one service under uvicorn with graceful shutdown."""

from __future__ import annotations

from collections.abc import Callable

import uvicorn
from fastapi import FastAPI

from shared.logs import configure_logging
from shared.settings import TdktSettings


def serve(
    service: str, build_app: Callable[[TdktSettings], FastAPI], settings_class: type[TdktSettings] = TdktSettings
) -> None:
    settings = settings_class()
    configure_logging(service, json_lines=settings.log_json, level=settings.log_level)
    app = build_app(settings)
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port_for(service),
        log_config=None,
        timeout_graceful_shutdown=20,
    )
