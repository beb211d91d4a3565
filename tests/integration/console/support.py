"""The console on the dossiers service under test (the other services unreachable), logged in."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from fastapi.testclient import TestClient

from services.console.app import build_app
from services.console.settings import ConsoleSettings
from shared.natsserver import free_port


@contextmanager
def console_as(dossiers_url: str, user_id: str) -> Iterator[TestClient]:
    nowhere = f"http://127.0.0.1:{free_port()}"
    settings = ConsoleSettings(
        dev_mode=True, campaigns_url=nowhere, dossiers_url=dossiers_url, notifications_url=nowhere,
        reporting_url=nowhere, console_service_timeout_seconds=20,
    )  # fmt: skip
    with TestClient(build_app(settings), follow_redirects=False) as client:
        assert client.post("/dang-nhap", data={"user_id": user_id, "next": "/"}).status_code == 303
        yield client
