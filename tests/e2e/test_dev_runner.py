"""`make up` (`tdkt up`) as a new user runs it: its own NATS, four services and the console, demo
data, clean Ctrl-C."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import httpx
import nats
import pytest
from nats.errors import Error as NatsError

from shared.natsserver import free_port, port_open
from shared.testing.fixtures import wait_until

pytestmark = pytest.mark.e2e


def four_free_ports() -> int:
    for _ in range(50):
        first = free_port()
        if first < 65000 and not any(port_open("127.0.0.1", first + n) for n in range(4)):
            return first
    raise RuntimeError("no four consecutive free ports")


def free_port_outside(taken: range) -> int:
    """A free port that is not one of `taken` (a free port may well be one the services will take)."""
    for _ in range(50):
        port = free_port()
        if port not in taken:
            return port
    raise RuntimeError("no free port outside the services' range")


def stored_states_are_encrypted(store: Path) -> bool:
    with contextlib.closing(sqlite3.connect(store)) as db:
        states = [bytes(row[0]) for row in db.execute("SELECT state FROM stored_events LIMIT 20")]
    return bool(states) and not any(is_json(state) for state in states)


def is_json(state: bytes) -> bool:
    """A plain stored state is a JSON object; ciphertext is random bytes, which may well begin
    with `{` (one state in 256) but is not JSON."""
    try:
        return isinstance(json.loads(state), dict)
    except ValueError:
        return False


async def auditor_reads(url: str, login: dict[str, str]) -> tuple[bool, bool]:
    """(could read the campaigns' stream, could publish a campaign event) as the auditor."""
    nc = await nats.connect(url, user=login["TDKT_NATS_USER"], password=login["TDKT_NATS_PASSWORD"])
    try:
        js = nc.jetstream()
        sub = await js.subscribe("tdkt.campaign.>", stream="TDKT_CAMPAIGNS", ordered_consumer=True)
        read = (await sub.next_msg(timeout=5)).subject.startswith("tdkt.campaign.")
        await sub.unsubscribe()
        try:
            await js.publish("tdkt.campaign.drafted", b"{}", timeout=1)
            published = True
        except NatsError:
            published = False
        return read, published
    finally:
        await nc.close()


def test_tdkt_up_runs_the_system_with_demo_data_and_stops_cleanly_on_ctrl_c(tmp_path: Path) -> None:
    first = four_free_ports()
    nats_port = free_port_outside(range(first, first + 4))
    console_port = free_port_outside(range(first, first + 4))
    while console_port == nats_port:
        console_port = free_port_outside(range(first, first + 4))
    env = {k: v for k, v in os.environ.items() if not k.startswith("TDKT_")}
    tdkt = Path(sys.executable).parent / "tdkt"
    log = tmp_path / "up.log"
    with open(log, "wb") as output:
        runner = subprocess.Popen(
            [
                str(tdkt),
                "up",
                "--var-dir",
                str(tmp_path / "var"),
                "--nats-port",
                str(nats_port),
                "--first-port",
                str(first),
                "--console-port",
                str(console_port),
            ],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    campaigns, reporting = f"http://127.0.0.1:{first}", f"http://127.0.0.1:{first + 3}"
    try:
        wait_until(lambda: b"Ctrl-C" in log.read_bytes(), timeout=90)
        assert "chưa trả lời /healthz" not in log.read_text(errors="replace"), log.read_text(errors="replace")[-3000:]
        assert port_open("127.0.0.1", nats_port)  # its own NATS, not the machine's
        console = f"http://127.0.0.1:{console_port}"
        started = log.read_text(errors="replace").split("tdkt đang chạy", 1)[1].splitlines()
        assert console in started[1]  # the console's address comes first
        issuer = next(line.split(": ", 1)[1].strip() for line in started if "Định danh OIDC" in line)
        assert httpx.get(f"{campaigns}/campaigns", timeout=5).status_code == 401  # no token, no answer
        token = httpx.get(f"{issuer}/dev/token/tt.kiemtra", timeout=5).json()["access_token"]
        auditor = {"Authorization": f"Bearer {token}"}
        assert len(httpx.get(f"{campaigns}/campaigns", headers=auditor, timeout=5).json()) == 15  # dispatch 147
        with httpx.Client(base_url=console, timeout=10, follow_redirects=True) as browser:
            # The console's login goes through the development OIDC provider (code + PKCE):
            # its form lists the demo users; picking one returns to the console.
            form = browser.get("/dang-nhap/oidc", params={"next": "/phong-trao"})
            assert form.status_code == 200 and "cv.pnv" in form.text
            page = browser.post(str(form.url), data={"sub": "cv.pnv"})
        assert page.status_code == 200 and "Tìm thấy 15 phong trào" in page.text, page.text[-2000:]

        def reported() -> int:
            answer = httpx.get(f"{reporting}/reports/campaigns", headers=auditor, timeout=5)
            return sum(r["campaigns"] for r in answer.json())

        wait_until(lambda: reported() == 15, timeout=60)
        # Personal data encrypted at rest with the key made with the stores (var/pii.key).
        assert (tmp_path / "var" / "pii.key").stat().st_mode & 0o077 == 0
        assert stored_states_are_encrypted(tmp_path / "var" / "campaigns.sqlite")
        # The auditor's NATS login written for this run reads the published history, and only reads.
        login = dict(line.split("=", 1) for line in (tmp_path / "var" / "nats-auditor.env").read_text().split())
        assert asyncio.run(auditor_reads(f"nats://127.0.0.1:{nats_port}", login)) == (True, False)
        for offset in range(4):
            assert httpx.get(f"http://127.0.0.1:{first + offset}/readyz", timeout=5).status_code == 200
    finally:
        runner.send_signal(signal.SIGINT)
        code = runner.wait(90)
    text = log.read_text(errors="replace")
    assert code == 0, text[-3000:]
    assert "Đã dừng tdkt." in text
    assert "Traceback" not in text, text[-3000:]
    assert not port_open("127.0.0.1", nats_port)
    assert not any(port_open("127.0.0.1", first + n) for n in range(4))
    assert not port_open("127.0.0.1", console_port)
