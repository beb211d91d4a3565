"""End to end: `tdkt audit replay`, the independent subscriber, rebuilds every dossier and the
period summaries from a generated history of thousands of published events and finds them equal
to what the dossiers and reporting services (real processes) answer; a forged event is caught."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from nats.js.client import JetStreamContext
from typer.testing import CliRunner

from services.campaigns.app import open_campaigns
from services.campaigns.seed import seed_demo
from services.campaigns.settings import CampaignsSettings
from services.cli import app as cli
from services.dossiers.app import open_dossiers
from services.dossiers.settings import DossiersSettings
from shared.audit.keys import ensure_dev_keys
from shared.natsaccounts import AUDITOR_USER
from shared.streams import DOSSIERS
from shared.testing.fixtures import ServiceProcess, wait_until
from shared.testing.servers import NATS_PASSWORDS
from tests.support.audit_history import generate

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
DOSSIERS_COUNT = 500  # about 2,500 published dossier events


def reporting_caught_up(reporting: ServiceProcess, stored: int) -> bool:
    checks = httpx.get(f"{reporting.url}/readyz", timeout=10).json()["checks"]
    consumers = checks.get("consumers", {})
    received = httpx.get(f"{reporting.url}/reports/summary", params={"period": "2024"}, timeout=30).json()
    return (
        bool(consumers)
        and all(c["pending"] == 0 and c["ack_pending"] == 0 for c in consumers.values())
        and (received["total"]["dossiers_received"] == stored)
    )


async def test_replay_of_thousands_of_events_equals_the_live_services(
    tmp_path: Path,
    nats_url: str,
    jetstream: JetStreamContext,
    run_service: Callable[..., ServiceProcess],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    var = tmp_path / "var"
    private, public_keys = ensure_dev_keys(tmp_path / "keys", ("campaigns", "dossiers"))
    # The history is stored before the services start; their relays then publish all of it.
    campaigns_store = open_campaigns(CampaignsSettings(var_dir=var))
    seed_demo(campaigns_store)
    campaigns_store.close()
    common = {"TDKT_NATS_URL": nats_url, "TDKT_AUDIT_PUBLIC_KEYS_FILE": str(public_keys)}
    audit = {"TDKT_AUDIT_CHECKPOINT_SECONDS": "0.5", **common}
    run_service("campaigns", {**audit, "TDKT_AUDIT_SIGNING_KEY_FILE": str(private["campaigns"])}, var_dir=var)
    reporting = run_service("reporting", common, var_dir=var)
    dossiers_store = open_dossiers(DossiersSettings(var_dir=var))
    generate(dossiers_store, DOSSIERS_COUNT)
    dossiers_store.close()
    dossiers = run_service("dossiers", {**audit, "TDKT_AUDIT_SIGNING_KEY_FILE": str(private["dossiers"])}, var_dir=var)
    started = time.monotonic()
    await asyncio.to_thread(wait_until, lambda: reporting_caught_up(reporting, DOSSIERS_COUNT), 120, 0.5)
    info = await jetstream.stream_info(DOSSIERS.name)
    assert info.state.messages >= 2400  # thousands of published dossier events
    published_in = time.monotonic() - started

    if passwords := NATS_PASSWORDS.get(nats_url):  # the fixtures' own server: replay as the read-only auditor
        monkeypatch.setenv("TDKT_NATS_USER", AUDITOR_USER)
        monkeypatch.setenv("TDKT_NATS_PASSWORD", passwords[AUDITOR_USER])

    def run_replay(out: Path) -> tuple[int, str]:
        monkeypatch.chdir(REPO)  # docs/contracts/, the published JSON Schemas
        result = CliRunner().invoke(
            cli,
            [
                "audit",
                "replay",
                "--nats-url",
                nats_url,
                "--dossiers-url",
                dossiers.url,
                "--reporting-url",
                reporting.url,
                "--public-keys",
                str(public_keys),
                "--json",
                str(out),
            ],
        )
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        return result.exit_code, result.output

    started = time.monotonic()
    code, output = await asyncio.to_thread(run_replay, tmp_path / "replay.json")
    replayed_in = time.monotonic() - started
    report = json.loads((tmp_path / "replay.json").read_text(encoding="utf-8"))
    assert code == 0, output
    assert report["dossiers"] == DOSSIERS_COUNT and report["campaigns"] == 15
    assert report["events"] > info.state.messages and report["checkpoints"] >= 2  # campaigns' events too
    assert report["periods"] == ["2024", "2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4"]
    print(f"published and projected in {published_in:.1f} s; replayed and compared in {replayed_in:.1f} s")

    # A forged event: someone with access to NATS appends a "decision" the dossiers service never made.
    messages = [await jetstream.get_msg(DOSSIERS.name, seq) for seq in (1, 2)]
    payload = json.loads(messages[1].data)
    forged = {**payload, "event_id": "forged-1", "aggregate_version": 99}
    forged["dossier"] = {**forged["dossier"], "status": "AWARDED"}
    await jetstream.publish(
        messages[1].subject,
        json.dumps(forged).encode(),
        headers={**messages[1].headers, "ce-id": "forged-1", "Nats-Msg-Id": "forged-1"},
    )
    code, output = await asyncio.to_thread(run_replay, tmp_path / "replay-forged.json")
    assert code == 1
    differences = json.loads((tmp_path / "replay-forged.json").read_text(encoding="utf-8"))["differences"]
    kinds = {d["kind"] for d in differences}
    assert {"missing", "dossier"} <= kinds, output  # versions skipped, and the state no longer agrees
    assert any(d["subject"] == payload["aggregate_id"] and d["detail"].startswith("status") for d in differences), [
        d for d in differences if d["kind"] != "summary"
    ]
