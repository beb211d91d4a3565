"""The dossiers service in-process with signing keys, a history made through it, and `tdkt audit`
run as an operator runs it (same environment), on a real nats-server and a real store."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from nats.js.client import JetStreamContext
from typer.testing import CliRunner

from services.cli import app as cli
from services.dossiers.app import build_app
from services.dossiers.settings import DossiersSettings
from shared.audit.keys import ensure_dev_keys
from shared.streams import AUDIT
from shared.testing.fixtures import wait_until
from shared.testing.jetstream import stream_messages
from tests.support.audit_history import generate


@dataclass
class Deployment:
    """One installation: its var dir, keys, NATS and (optionally) PostgreSQL environment."""

    var_dir: Path
    nats_url: str
    signing_key: Path
    public_keys: Path
    env: dict[str, str]

    def settings(self, **overrides: Any) -> DossiersSettings:
        values: dict[str, Any] = {
            "var_dir": self.var_dir,
            "dev_mode": True,
            "nats_url": self.nats_url,
            "relay_poll_seconds": 0.1,
            "dossiers_campaign_settle_seconds": 0.2,
            "dossiers_campaign_recheck_seconds": 0,
            "audit_signing_key_file": self.signing_key,
            "audit_public_keys_file": self.public_keys,
            "audit_checkpoint_seconds": 0.2,
            "store_recheck_seconds": 0.2,
        }
        values.update(overrides)
        return DossiersSettings(**values)

    @contextmanager
    def service(self, monkeypatch: pytest.MonkeyPatch, **overrides: Any) -> Iterator[TestClient]:
        for key, value in self.env.items():
            monkeypatch.setenv(key, value)
        with TestClient(build_app(self.settings(**overrides))) as client:
            yield client

    def cli(self, monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[int, str]:
        for key, value in {
            **self.env,
            "TDKT_VAR_DIR": str(self.var_dir),
            "TDKT_NATS_URL": self.nats_url,
            "TDKT_AUDIT_PUBLIC_KEYS_FILE": str(self.public_keys),
        }.items():
            monkeypatch.setenv(key, value)
        result = CliRunner().invoke(cli, list(args))
        if result.exception and not isinstance(result.exception, SystemExit):
            raise result.exception
        return result.exit_code, result.output

    async def verify(
        self, monkeypatch: pytest.MonkeyPatch, *, progress: bool = False
    ) -> tuple[int, dict[str, Any], str]:
        out = self.var_dir / "verify.json"
        args = ["audit", "verify", "dossiers", "--json", str(out), *([] if progress else ["--no-progress"])]
        code, output = await asyncio.to_thread(self.cli, monkeypatch, *args)
        return code, json.loads(out.read_text(encoding="utf-8")), output


def deployment(tmp_path: Path, nats_url: str, env: dict[str, str] | None = None) -> Deployment:
    private, public = ensure_dev_keys(tmp_path / "keys", ("campaigns", "dossiers"))
    return Deployment(tmp_path / "var", nats_url, private["dossiers"], public, env or {})


def caught_up(client: TestClient) -> bool:
    relay = client.get("/readyz").json()["checks"]["relay:dossiers"]
    return relay["lag_events"] == 0 and relay["store"]["state"] == "in_sync"


async def checkpointed(js: JetStreamContext, client: TestClient) -> None:
    """Wait until the relay has published everything and both chain heads are signed."""
    await asyncio.to_thread(wait_until, lambda: caught_up(client), 30)
    heads = client.get("/audit/chain", headers=AUDITOR).json()["published"]

    async def signed() -> bool:
        positions = {(c["chain"], c["position"]) for c in map(json.loads, await _audit_payloads(js))}
        return ("stream", heads["stream"]["index"]) in positions and ("log", heads["log"]["index"]) in positions

    for _ in range(150):
        if await signed():
            return
        await asyncio.sleep(0.1)
    raise AssertionError("the chain heads were not checkpointed")


async def _audit_payloads(js: JetStreamContext) -> list[bytes]:
    return [m.data for m in await stream_messages(js, AUDIT.name)]


def make_history(client: TestClient, dossiers: int) -> int:
    return generate(client.app.state.dossiers, dossiers)  # type: ignore[attr-defined]


def sqlite_store(deployment: Deployment) -> sqlite3.Connection:
    return sqlite3.connect(deployment.var_dir / "dossiers.sqlite")


def kinds(report: dict[str, Any]) -> set[tuple[str, str]]:
    return {(f["kind"], f["place"]) for f in report["findings"]}


AUDITOR = {"X-Actor-Id": "tt.kiemtra", "X-Actor-Role": "auditor", "X-Actor-Unit": "TTRA"}
CLERK = {"X-Actor-Id": "cb.motcua", "X-Actor-Role": "desk_clerk", "X-Actor-Unit": "XA-THANH-OAI-2025"}
