"""A service that cannot take commands for a while, as a clerk meets it in the console: the dossiers'
event store is restored from an earlier copy (a disk loss), so the service refuses writes (503
`event_store_behind`) until the operator reconciles it. The clerk's form comes back with a plain
Vietnamese banner saying what happened and that nothing was recorded, with everything typed still
there; once `tdkt store reconcile dossiers` has run, the same form sent again is recorded."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import expect

from shared.testing.fixtures import wait_until
from tests.e2e.console.conftest import Screen, System, api, restart
from tests.e2e.console.test_console_steps import SECRETARY, ad_hoc_merit, submit

pytestmark = pytest.mark.e2e

FILES = ("SUBMISSION_MEMO", "ACHIEVEMENT_SUMMARY")


def published(system: System) -> bool:
    relay = httpx.get(f"{system.dossiers.url}/readyz", timeout=5).json()["checks"]["relay:dossiers"]
    return relay["lag_events"] == 0 and relay["store"]["state"] == "in_sync"


def copy_store(source: Path, target: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    with sqlite3.connect(source) as live, sqlite3.connect(target) as copy:
        live.backup(copy)


def test_a_store_restored_from_a_copy_keeps_the_form_and_says_why_until_the_operator_reconciles(
    screen: Screen, system: System
) -> None:
    s, page = screen, screen.page
    dossier = submit(system, FILES, ad_hoc_merit("Nguyễn Thị Thu"))
    var = Path(system.dossiers.env["TDKT_VAR_DIR"])
    store = var / "dossiers.sqlite"
    wait_until(lambda: published(system))
    copy_store(store, var / "last-night.sqlite")
    submit(system, FILES, ad_hoc_merit("Trần Văn Bình"))  # published, then lost with the disk
    wait_until(lambda: published(system))

    s.login("cv.pnv")
    s.goto(f"/ho-so/{dossier['id']}/buoc/supplement-request")
    system.dossiers.stop()
    copy_store(var / "last-night.sqlite", store)
    restart(system, "dossiers")

    missing = "Bản xác nhận thành tích của Công an xã\nẢnh chụp hiện trường"
    page.locator("[name='missing']").fill(missing)
    page.locator("[name='reason']").fill("Thiếu tài liệu chứng minh thành tích")
    page.get_by_role("button", name="Gửi yêu cầu bổ sung").click()
    banner = page.locator("#loi")
    expect(banner).to_contain_text("Hệ thống tạm thời chưa ghi nhận được thao tác")
    expect(banner).to_contain_text("thiếu dữ liệu so với lịch sử sự kiện đã phát hành")
    expect(banner).to_contain_text("Những gì bạn đã nhập vẫn còn nguyên")
    expect(page.locator("[name='missing']")).to_have_value(missing)
    expect(page.locator("[name='reason']")).to_have_value("Thiếu tài liệu chứng minh thành tích")
    s.check("01-kho-du-lieu-thieu")
    assert api("GET", f"{system.dossiers.url}/dossiers/{dossier['id']}", 200, headers=SECRETARY)["version"] == 1

    # The operator's documented command, beside the running service.
    env = {**os.environ, **system.dossiers.env}
    tdkt = Path(sys.executable).with_name("tdkt")
    done = subprocess.run([str(tdkt), "store", "reconcile", "dossiers"], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    wait_until(lambda: httpx.get(f"{system.dossiers.url}/readyz", timeout=5).status_code == 200, timeout=20)

    page.get_by_role("button", name="Gửi yêu cầu bổ sung").click()
    expect(page.locator(".flash")).to_contain_text("Đã yêu cầu bổ sung")
    expect(page.locator("dl.facts")).to_contain_text("Ảnh chụp hiện trường")
