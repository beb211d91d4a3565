"""The console on the dossiers service under test (the other services unreachable), logged in."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from contextlib import contextmanager
from html import unescape
from pathlib import Path
from typing import Any

import nats
from fastapi.testclient import TestClient

from services.console.app import build_app
from services.console.settings import ConsoleSettings
from shared.natsserver import free_port
from shared.testing.fixtures import ServiceProcess, reset_streams, start_service


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


@contextmanager
def fresh_dossiers(nats_url: str, tmp: Path) -> Iterator[ServiceProcess]:
    """The dossiers service as a process on streams emptied first."""

    async def fresh() -> None:
        nc = await nats.connect(nats_url)
        await reset_streams(nc.jetstream())
        await nc.close()

    asyncio.run(fresh())
    service = start_service("dossiers", {"TDKT_NATS_URL": nats_url, "TDKT_VAR_DIR": str(tmp / "var")}, tmp / "d.log")
    try:
        yield service
    finally:
        service.stop()


def moved(response: Any, to: str | None = None) -> str:
    """The page a form sent to (303), and the flash it carries, read on that page."""
    assert response.status_code == 303, response.text
    location: str = response.headers["location"]
    if to is not None:
        assert location.startswith(to), location
    return location


def text(page: Any) -> str:
    return unescape(re.sub(r"<[^>]+>", " ", page.text))


def hidden(page: str, prefix: str) -> dict[str, str]:
    return dict(re.findall(rf'<input type="hidden" name="({re.escape(prefix)}[^"]*)" value="([^"]*)"', page))
