"""Fixtures of the dossiers HTTP and messaging tests: the real app on a temporary var dir, a
pinned clock, and the session's real nats-server with fresh streams (a fresh store next to
another test's journal would rightly be refused as behind its stream)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from nats.js.client import JetStreamContext

from services.dossiers.app import build_app
from services.dossiers.settings import DossiersSettings

from .payloads import RECEIPT_MOMENT, PinnedClock


@pytest.fixture
def clock() -> PinnedClock:
    return PinnedClock(RECEIPT_MOMENT)


@pytest.fixture
def dossiers_settings(tmp_path: Path, nats_url: str, jetstream: JetStreamContext) -> DossiersSettings:
    return DossiersSettings(
        var_dir=tmp_path,
        dev_mode=True,
        nats_url=nats_url,
        relay_poll_seconds=0.2,
        dossiers_campaign_settle_seconds=0.2,
        dossiers_campaign_recheck_seconds=0,
        dossiers_max_attachment_bytes=64 * 1024,
    )


@pytest.fixture
def make_client(dossiers_settings: DossiersSettings, clock: PinnedClock) -> Iterator[Callable[..., TestClient]]:
    """Start the real app (lifespan included) with settings overrides; stopped at teardown."""
    clients: list[TestClient] = []

    def make(**overrides: Any) -> TestClient:
        settings = dossiers_settings.model_copy(update=overrides)
        client = TestClient(build_app(settings, clock=clock))
        client.__enter__()
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def client(make_client: Callable[..., TestClient]) -> TestClient:
    return make_client()
