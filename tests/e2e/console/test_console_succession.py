"""Dossiers pending at a unit that ended pass to its successor, in the console (NĐ 129/2025 Art. 59;
docs/domain.md W4): the org-unit data is updated after a merger (two communes ended yesterday,
one with a single successor, one split between two), the campaigns and dossiers services are
restarted on it, and Phòng Nội vụ hands one dossier over by choosing among the successors (refused
first without a choice) and all the others at once, on a phone; the successor's chairman then
sees why the dossier is his and signs it, and finds a notice of each dossier his unit took over.

The automatic hourly hand-over is switched off here (`TDKT_DOSSIERS_SUCCESSION_SWEEP_SECONDS=0`),
as an operator may, so that the clerks' screens do the work."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from playwright.sync_api import expect

from shared.reference.org_units import DEFAULT_PATH
from tests.e2e.console.conftest import Screen, System, api, restart, running_system
from tests.e2e.console.helpers import click, error_of, fill, reload_until, today, vn
from tests.e2e.console.test_console_steps import SECRETARY, ad_hoc_merit, in_appraisal, submit

pytestmark = pytest.mark.e2e

MERGED = {"XA-DAN-HOA-2025": ["XA-THANH-OAI-2025"], "XA-TAM-HUNG-2025": ["XA-THANH-OAI-2025", "XA-BINH-MINH-2025"]}
"""Units that end yesterday in the updated data, and who takes over their work."""


def org_units(*, merged: bool) -> str:
    data: dict[str, Any] = yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))
    if merged:
        for unit in data["units"]:
            if unit["code"] in MERGED:
                unit["valid_to"] = today() - timedelta(days=1)
                unit["successors"] = MERGED[unit["code"]]
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


@pytest.fixture(scope="module")
def system(nats_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[System]:
    tmp = tmp_path_factory.mktemp("console-succession")
    units_file = tmp / "org_units.yaml"
    units_file.write_text(org_units(merged=False), encoding="utf-8")
    env = {
        "TDKT_ORG_UNITS_FILE": str(units_file),
        "TDKT_DOSSIERS_SUCCESSION_SWEEP_SECONDS": "0",
        "TDKT_CONSOLE_UNITS_TTL_SECONDS": "1",
    }
    with running_system(nats_url, tmp, "test_console_succession", env) as running:
        yield running


def addressed_to(system: System, commune: str, name: str) -> dict[str, Any]:
    body = ad_hoc_merit(name, proposing_unit=commune, deciding_authority=commune)
    return submit(system, ("SUBMISSION_MEMO", "ACHIEVEMENT_SUMMARY"), body)


def test_dossiers_of_merged_communes_pass_to_their_successor_one_by_one_and_all_at_once(
    screen: Screen, phone: Screen, system: System
) -> None:
    s, page = screen, screen.page
    split = addressed_to(system, "XA-TAM-HUNG-2025", "Đỗ Thị Mai")
    merged = addressed_to(system, "XA-DAN-HOA-2025", "Phạm Văn Long")
    waiting = addressed_to(system, "XA-DAN-HOA-2025", "Vũ Thị Lan")
    in_appraisal(system, merged)

    s.login("cv.pnv")
    s.goto(f"/ho-so/{split['id']}")
    expect(page.get_by_role("link", name="Chuyển hồ sơ cho đơn vị kế thừa")).to_have_count(0)

    # The resolution merging the communes is entered in the org-unit data; the services restart on it.
    units_file = Path(system.dossiers.env["TDKT_ORG_UNITS_FILE"])
    units_file.write_text(org_units(merged=True), encoding="utf-8")
    restart(system, "campaigns")
    restart(system, "dossiers")
    yesterday = vn(today() - timedelta(days=1))
    notice = page.locator("main .notice").filter(has_text="đã chấm dứt hoạt động")
    reload_until(page, lambda: notice.count() == 1)
    expect(notice).to_contain_text(f"Ủy ban nhân dân xã Tam Hưng đã chấm dứt hoạt động sau ngày {yesterday}")
    expect(notice).to_contain_text("Ủy ban nhân dân xã Bình Minh")

    # One dossier: two successors, so the clerk must choose; refused first, nothing typed lost.
    click(page, "link", "Chuyển hồ sơ cho đơn vị kế thừa")
    fill(page, {"reason": "Nghị quyết sắp xếp đơn vị hành chính cấp xã"})
    click(page, "button", "Chuyển hồ sơ")
    expect(error_of(page, "successor")).to_contain_text("nhiều đơn vị kế thừa")
    expect(page.locator("[name='reason']")).to_have_value("Nghị quyết sắp xếp đơn vị hành chính cấp xã")
    s.check("01-chon-don-vi-ke-thua")
    fill(page, {"successor": "XA-THANH-OAI-2025"})
    click(page, "button", "Chuyển hồ sơ")
    expect(page.locator(".flash")).to_contain_text("Đã chuyển hồ sơ cho Ủy ban nhân dân xã Thanh Oai")
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text(f"chuyển từ Ủy ban nhân dân xã Tam Hưng (chấm dứt hoạt động sau ngày {yesterday})")
    first = page.locator(".timeline li").first
    expect(first).to_contain_text("Chuyển hồ sơ cho đơn vị kế thừa")
    expect(first).to_contain_text("Nghị quyết sắp xếp đơn vị hành chính cấp xã")
    s.check("02-da-chuyen")

    # All the others at once, from a phone: both of xã Dân Hòa's dossiers go to xã Thanh Oai.
    phone.login("cv.pnv")
    phone.goto("/ho-so")
    phone.page.get_by_role("link", name="Hồ sơ của đơn vị đã chấm dứt hoạt động").first.click()
    listed = phone.page.locator("tbody tr")
    expect(listed).to_have_count(2)
    for d in (merged, waiting):
        expect(phone.page.locator("tbody")).to_contain_text(d["receipt_number"])
    expect(listed.first).to_contain_text("Ủy ban nhân dân xã Dân Hòa")
    phone.check("03-ke-thua-dien-thoai")
    click(phone.page, "button", "Chuyển tất cả cho đơn vị kế thừa")
    expect(phone.page.locator(".notice")).to_contain_text("Đã chuyển 2 hồ sơ cho đơn vị kế thừa")
    expect(phone.page.locator("tbody tr").filter(has_text=merged["receipt_number"])).to_contain_text(
        "Ủy ban nhân dân xã Thanh Oai"
    )
    phone.check("04-ke-thua-ket-qua")
    for d in (merged, waiting):
        after = api("GET", f"{system.dossiers.url}/dossiers/{d['id']}", 200, headers=SECRETARY)
        assert after["deciding_authority"] == "XA-THANH-OAI-2025"
        assert after["successions"][0]["from"] == "XA-DAN-HOA-2025"

    # The successor's chairman sees why the dossier is his, and signs it.
    s.login("ct.ubnd")
    s.goto(f"/ho-so/{merged['id']}/buoc/decision")
    expect(page.locator(".signer")).to_contain_text("chuyển từ Ủy ban nhân dân xã Dân Hòa")
    click(page, "button", "Ký quyết định khen thưởng")
    expect(page.locator(".flash")).to_contain_text("Đã ban hành quyết định số 1/QĐ-UBND")

    # The successor was told of each dossier it took over (tdkt.dossier.passed_to_successor).
    s.goto("/thong-bao")
    taken_over = page.locator("li.msg").filter(has_text="Tiếp nhận giải quyết hồ sơ số")
    reload_until(page, lambda: taken_over.count() == 3)
    expect(taken_over.filter(has_text=split["receipt_number"])).to_contain_text("Ủy ban nhân dân xã Tam Hưng")
    s.check("05-thong-bao-tiep-nhan")
