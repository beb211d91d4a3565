"""The console end to end, as its users work: a lead office drafts a thematic movement, Phòng Nội
vụ registers it, the office launches it and files an interim review, the one-stop desk takes in a
thematic dossier with its files, Phòng Nội vụ checks and discloses it; the appraisal fails until
the council's check of Giấy khen's standard (which no record shows) is recorded, then passes with
the priority to women shown; the council's vote is refused by the rules (a Giấy khen needs none);
the chairman sees who signs and why (no authority level to choose) and decides; and the
dashboard, the report (and its XLSX), the public page and the unit's inbox all show it. Every
screen is photographed and checked with axe-core."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import expect

from tests.e2e.console.conftest import Screen, System, api
from tests.e2e.console.helpers import THEMATIC_FILES, click, error_of, fill, flash, in_days, reload_until, today, upload

pytestmark = pytest.mark.e2e

CAMPAIGN = {
    "code": "PT-2025-CDS",
    "lead_unit_id": "PKT",
    "kind": "thematic",
    "launching_level": "district",
    "purpose": "Đẩy mạnh ứng dụng công nghệ thông tin trong giải quyết thủ tục hành chính",
    "requirements": "Các cơ quan, đơn vị triển khai đồng bộ, có kiểm tra và đánh giá định kỳ",
    "content": "Số hóa hồ sơ, tiếp nhận trực tuyến, thanh toán không dùng tiền mặt",
    "targets[0].indicator": "Hồ sơ tiếp nhận trực tuyến",
    "targets[0].target_value": "80",
    "targets[0].unit_of_measure": "%",
    "start_date": "01/01/2025",
    "end_date": "30/06/2025",
    "directive.number": "05/CT-UBND",
    "directive.issued_on": "02/01/2025",
    "directive.signer": "Chủ tịch UBND huyện",
    "plan.number": "40/KH-UBND",
    "plan.issued_on": "05/01/2025",
    "plan.signer": "Chủ tịch UBND huyện",
}
COOPERATIVE = "Hợp tác xã Nông nghiệp Thanh Oai"


def test_a_thematic_award_from_movement_draft_to_the_public_page(screen: Screen, system: System) -> None:
    s, page = screen, screen.page

    # 1. The lead office drafts the movement; a missing name is refused next to the field, nothing typed is lost.
    s.login("nv.phongkt")
    s.check("01-tong-quan-phong-kinh-te")
    s.goto("/phong-trao")
    click(page, "link", "Soạn thảo phong trào")
    fill(page, CAMPAIGN)
    click(page, "button", "Thêm chỉ tiêu")
    page.locator("[name='targets[1].indicator']").wait_for()
    fill(
        page,
        {
            "targets[1].indicator": "Đơn vị thanh toán không dùng tiền mặt",
            "targets[1].target_value": "100",
            "targets[1].unit_of_measure": "%",
        },
    )
    click(page, "button", "Lưu dự thảo")
    expect(error_of(page, "name")).to_contain_text("bắt buộc")
    expect(page.locator("#loi")).to_be_focused()
    expect(page.locator("[name='code']")).to_have_value("PT-2025-CDS")
    expect(page.locator("[name='targets[1].indicator']")).to_have_value("Đơn vị thanh toán không dùng tiền mặt")
    expect(page.locator("[name='plan.issued_on']")).to_have_value("05/01/2025")
    s.check("02-phong-trao-loi-giu-du-lieu")
    fill(page, {"name": "Chuyển đổi số trong cơ quan hành chính"})
    click(page, "button", "Lưu dự thảo")
    expect(page.locator(".flash")).to_contain_text("Đã soạn thảo phong trào")
    campaign_url = page.url
    campaign_id = campaign_url.rsplit("/", 1)[1]
    verdict = page.locator(".verdict")
    expect(verdict).to_contain_text("Chưa đủ điều kiện")
    expect(verdict).to_contain_text("chưa được đăng ký với UBND")
    s.check("03-phong-trao-du-thao")

    # 2. Phòng Nội vụ registers it from its queue.
    s.login("cv.pnv")
    s.goto("/phong-trao")
    page.locator(".box").get_by_role("link", name=re.compile("Chuyển đổi số")).click()
    click(page, "link", "Đăng ký phong trào")
    fill(page, {"registration_number": "15/ĐK-PNV", "registered_on": "10/01/2025"})
    s.check("04-dang-ky")
    click(page, "button", "Đăng ký")
    expect(page.locator(".flash")).to_contain_text("Đã đăng ký phong trào")

    # 3. The lead office launches it and files an interim review: now it can carry thematic awards.
    s.login("nv.phongkt")
    s.goto(campaign_url.removeprefix(system.url))
    click(page, "link", "Phát động phong trào")
    fill(page, {"launched_on": "15/01/2025"})
    click(page, "button", "Phát động")
    click(page, "link", "Báo cáo sơ kết")
    fill(
        page,
        {
            "report.number": "45/BC-PKT",
            "report.issued_on": "20/03/2025",
            "report.signer": "Trưởng phòng Kinh tế",
            "summary": "Sơ kết quý I: 65% hồ sơ tiếp nhận trực tuyến",
            "filed_on": "20/03/2025",
            "results[0].achieved_value": "65",
            "proposed_collectives": "1",
        },
    )
    s.check("05-so-ket")
    click(page, "button", "Gửi báo cáo sơ kết")
    expect(page.locator(".verdict")).to_contain_text("Đủ điều kiện")
    expect(page.locator(".timeline")).to_contain_text("Đăng ký phong trào")
    expect(page.locator(".timeline")).to_contain_text("cv.pnv")
    s.check("06-phong-trao-du-dieu-kien")

    # The dossiers service learns the movement over NATS before the desk takes in a dossier for it.
    reload_until(page, lambda: _campaign_known(system, campaign_id))

    # 4. The one-stop desk takes in a thematic dossier with five files; a refusal keeps files and nominees.
    s.login("cb.motcua")
    s.goto("/ho-so")
    click(page, "link", "Tiếp nhận hồ sơ")
    fill(
        page,
        {
            "kind": "THEMATIC",
            "award_type": "MOVEMENT",
            "campaign_id": campaign_id,
            "emulation_year": "2025",
            "nominees[0].kind": "COLLECTIVE",
            "nominees[0].name": COOPERATIVE,
            "nominees[0].award": "CERTIFICATE_OF_MERIT",
            "nominees[0].size": "40",
            "nominees[0].share_of_women": "0,75",
        },
    )
    for kind, name in THEMATIC_FILES:
        upload(page, kind, name)
    s.check("07-tiep-nhan")
    click(page, "button", "Tiếp nhận hồ sơ")
    expect(error_of(page, "achievements")).to_be_visible()
    expect(page.locator("#tep-da-tai .ok")).to_have_count(5)
    expect(page.locator("[name='nominees[0].name']")).to_have_value(COOPERATIVE)
    fill(page, {"achievements": "Dẫn đầu phong trào chuyển đổi số trong sản xuất nông nghiệp của xã."})
    click(page, "button", "Tiếp nhận hồ sơ")
    expect(page.locator(".flash")).to_contain_text("Đã tiếp nhận hồ sơ số")
    expect(page.locator(".flash")).to_contain_text(re.compile("hẹn trả kết quả ngày|thời hạn tính từ"))
    receipt_number = re.search(r"hồ sơ số (\S+);", flash(page)).group(1)  # type: ignore[union-attr]
    dossier_path = page.url.removeprefix(system.url).split("?")[0]
    s.check("08-ho-so-vua-tiep-nhan")
    with page.expect_popup() as popup:
        click(page, "link", "In giấy tiếp nhận (mở trang in)")
    slip = popup.value
    slip.wait_for_load_state()
    assert receipt_number in slip.content() and "hẹn trả kết quả" in slip.content().lower()
    s.shot("09-giay-tiep-nhan", page=slip)
    slip.close()

    # 5. Phòng Nội vụ finds it in its queue, checks it, discloses the nominee and appraises: Giấy khen's
    #    standard shows in no record, so the appraisal fails until the council's check is recorded.
    s.login("cv.pnv")
    s.goto("/ho-so")
    expect(page.locator(".box")).to_contain_text(receipt_number)
    s.check("10-hang-viec-phong-noi-vu")
    s.goto(dossier_path)
    click(page, "link", "Kiểm tra tính đầy đủ")
    click(page, "button", "Kiểm tra tính đầy đủ")
    expect(page.locator(".flash")).to_contain_text("Đang thẩm định")
    click(page, "link", "Công khai danh sách đề nghị khen thưởng")
    fill(page, {"where": "Bảng tin trụ sở UBND xã Thanh Oai", "to_date": in_days(10)})
    s.check("11-cong-khai-buoc")
    click(page, "button", "Ghi nhận công khai")
    click(page, "link", "Thẩm định")
    click(page, "button", "Thẩm định")
    nominee = page.locator("table").filter(has_text=COOPERATIVE)
    expect(nominee).to_contain_text("Không đạt")
    expect(nominee).to_contain_text("Hội đồng chưa xác nhận")
    expect(nominee).to_contain_text("Cần Hội đồng xét")
    click(page, "link", "Hội đồng xét tiêu chuẩn")
    fill(page, {"minutes_ref": "Biên bản số 05/BB-HĐTĐKT"})
    click(page, "button", "Ghi nhận kết quả xét của Hội đồng")  # no standard answered yet
    expect(error_of(page, "confirmed")).to_contain_text("tiêu chuẩn")
    expect(page.locator("[name='minutes_ref']")).to_have_value("Biên bản số 05/BB-HĐTĐKT")
    s.check("11b-hoi-dong-xet-loi")
    page.locator("fieldset").filter(has_text="Kết quả Hội đồng xét").get_by_label("Đạt", exact=True).check()
    click(page, "button", "Ghi nhận kết quả xét của Hội đồng")
    expect(page.locator(".flash")).to_contain_text("Đã ghi nhận kết quả Hội đồng xét tiêu chuẩn")
    expect(nominee).to_contain_text("Hội đồng xét (lần 1")
    click(page, "link", "Thẩm định")
    click(page, "button", "Thẩm định")
    expect(nominee.locator(".badge").first).to_have_text("Đạt")
    expect(nominee).to_contain_text("Ưu tiên nữ")  # NĐ 152/2025 Art. 4(6): 75 % women
    expect(page.locator(".timeline")).to_contain_text("Hội đồng xét tiêu chuẩn")
    s.check("11c-tham-dinh-dat")

    # 6. The council's vote: the rules need none for a Giấy khen, and the service says so on the vote screen.
    s.login("tv.hoidong")
    s.goto(dossier_path)
    click(page, "link", "Kết quả bỏ phiếu của Hội đồng")
    fill(page, {"members_total": "9", "votes_for": "9", "votes_against": "0", "absent_in_writing": "0"})
    click(page, "button", "Ghi nhận kết quả bỏ phiếu")
    expect(page.locator("#loi")).to_contain_text("không yêu cầu Hội đồng bỏ phiếu")
    expect(page.locator("[name='members_total']")).to_have_value("9")
    s.check("12-bo-phieu-khong-can")

    # 7. The chairman decides; the decision is numbered and the timeline says who did it.
    s.login("ct.ubnd")
    s.goto("/ho-so")
    expect(page.locator(".box")).to_contain_text(receipt_number)
    s.goto(dossier_path)
    click(page, "link", "Quyết định khen thưởng")
    signer = page.locator(".signer")
    expect(signer).to_contain_text("Người ký: Chủ tịch Ủy ban nhân dân xã Thanh Oai")
    expect(signer).to_contain_text("Hồ sơ đang thuộc thẩm quyền giải quyết của Ủy ban nhân dân xã Thanh Oai")
    expect(signer).to_contain_text("Chủ tịch Ủy ban nhân dân cấp xã")
    expect(page.locator("[name='authority_level'], [name='authority']")).to_have_count(0)
    s.check("13-quyet-dinh")
    click(page, "button", "Ký quyết định khen thưởng")
    expect(page.locator(".flash")).to_contain_text("Đã ban hành quyết định số 1/QĐ-UBND")
    expect(page.locator(".timeline li").first).to_contain_text("Quyết định khen thưởng")
    expect(page.locator(".timeline li").first).to_contain_text("ct.ubnd")
    s.check("14-ho-so-da-quyet-dinh")
    page.get_by_role("link", name="Xem như lúc đó: phiên bản 2, Hồ sơ đầy đủ, chuyển thẩm định").click()
    expect(page.locator(".lead")).to_contain_text("Đang thẩm định")  # the record as it stood then
    expect(page.locator("main .notice").first).to_contain_text("phiên bản 2")
    expect(page.locator("#h-thao-tac")).to_have_count(0)

    # 8. The dashboard and the report show it (reporting read the events from JetStream).
    s.login("cv.pnv")
    by_form = page.locator("figure.chart").filter(has_text="theo hình thức").locator("li").filter(has_text="Giấy khen")
    reload_until(page, lambda: by_form.count() == 1)
    expect(by_form).to_contain_text("1 lượt")
    s.check("15-tong-quan-phong-noi-vu")
    s.goto(f"/bao-cao?period={today().year}&group_by=proposing_unit")
    expect(page.locator("[name='period']")).to_have_value(str(today().year))
    row = page.locator("tbody tr").filter(has_text="xã Thanh Oai").first
    expect(row).to_be_visible()
    with page.expect_download() as download:
        click(page, "link", "Báo cáo tổng hợp (XLSX)")
    assert download.value.suggested_filename.endswith(".xlsx")
    expect(page.locator("[data-download-status]")).to_contain_text("Đã tải về")
    s.check("16-bao-cao")

    # 9. The public page, with no login: the nominee under disclosure and the award, name and unit only.
    s.context.clear_cookies()
    s.goto(f"/cong-khai?don_vi=XA-THANH-OAI-2025&nam={today().year}")
    expect(page.locator("[name='nam']")).to_have_value(str(today().year))
    disclosed = page.locator("section").filter(has_text="Đang công khai")
    expect(disclosed).to_contain_text(COOPERATIVE)
    expect(disclosed).to_contain_text("Bảng tin trụ sở UBND xã Thanh Oai")
    awarded = page.locator("section").filter(has_text="Đã quyết định khen thưởng")
    expect(awarded).to_contain_text("1/QĐ-UBND")
    expect(page.locator("nav.menu")).to_have_count(0)
    s.check("17-cong-khai")

    # 10. The proposing unit's inbox has the notices; marking one read needs no page reload.
    s.login("cb.motcua")
    s.goto("/thong-bao")
    reload_until(page, lambda: page.locator("li.msg").count() > 0)
    first = page.locator("li.msg.unread").first
    first.get_by_role("button", name=re.compile("Đánh dấu đã đọc")).click()
    expect(page.locator("li.msg").first).to_contain_text("Đã đọc")
    s.check("18-thong-bao")


def _campaign_known(system: System, campaign_id: str) -> bool:
    response = httpx.get(f"{system.dossiers.url}/campaigns/{campaign_id}", timeout=5)
    return response.status_code == 200 and response.json()["eligible"]


def test_each_role_sees_its_own_menu_and_queue(screen: Screen, system: System) -> None:
    page = screen.page
    menus = {}
    for user in ("cb.motcua", "nv.phongkt", "cv.pnv", "ct.ubnd", "qt.hethong"):
        screen.login(user)
        menus[user] = page.locator("nav.menu a").all_inner_texts()
    assert "Báo cáo" not in menus["cb.motcua"] and "Hồ sơ" in menus["cb.motcua"]
    assert menus["nv.phongkt"][:2] == ["Tổng quan", "Phong trào"]
    assert menus["qt.hethong"][:3] == ["Tổng quan", "Báo cáo", "Thông báo"]
    screen.login("ct.ubnd")
    expect(page.locator("#h-hang-viec")).to_contain_text("hồ sơ chờ quyết định")
    screen.login("cb.motcua")
    screen.goto("/ho-so")
    expect(page.get_by_role("link", name="Tiếp nhận hồ sơ")).to_be_visible()
    assert api("GET", f"{system.url}/healthz", 200)["service"] == "console"
