from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from nats.js.client import JetStreamContext

from services.campaigns.app import build_app
from services.campaigns.settings import CampaignsSettings


@pytest.fixture
def campaigns_client(tmp_path: Path, nats_url: str, jetstream: JetStreamContext) -> Iterator[TestClient]:
    """The service on fresh streams (a fresh store next to another test's journal is behind it)."""
    settings = CampaignsSettings(var_dir=tmp_path, dev_mode=True, nats_url=nats_url)
    with TestClient(build_app(settings)) as client:
        yield client
