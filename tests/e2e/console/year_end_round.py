"""A year-end round in the browser: Phòng Nội vụ opens it; the commune's clerk uploads the
commune's XLSX list, sees the bad row's error by row and column, and keeps the valid rows
without picking the files again; the office sees the progress by unit and appraises the list;
a council member records the vote by list (the members' total from the council, never typed);
the chairman sees the summary, then signs one decision for the list, with its annex to download.
Each of the year's screens on the way (and the council, registrations, clusters and award history
screens) is checked with axe.

Run from `test_console_steps.py` on that module's running system (starting the whole system for
one scenario would cost more than the scenario itself)."""

from __future__ import annotations

from playwright.sync_api import expect

from services.dossiers.annual.nominee_import import write_xlsx
from tests.e2e.console.conftest import Screen, System, api
from tests.e2e.console.helpers import click, fill, flash, in_days, pdf, today

SECRETARY = {"X-Actor-Id": "cv.pnv", "X-Actor-Role": "council_secretariat", "X-Actor-Unit": "PNV"}
COMMUNE = "XA-THANH-OAI-2025"
PAPERS = ("SUBMISSION_MEMO", "ACHIEVEMENT_REPORT", "REVIEW_MINUTES", "BALLOT_RESULT", "INITIATIVE_CERTIFICATION")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PEOPLE = [
    {"name": "Nguyễn Thị Hương", "id_number": "001090000021", "gender": "Nữ", "position": "Công chức Văn hóa",
     "unit": "UBND xã Thanh Oai", "award": "LĐTT", "rating": "Hoàn thành tốt nhiệm vụ"},
    {"name": "Trần Văn Đức", "id_number": "001090000022", "gender": "Nam", "position": "Công chức Tư pháp",
     "unit": "UBND xã Thanh Oai", "award": "CSTĐCS", "rating": "Hoàn thành xuất sắc nhiệm vụ",
     "initiative": "Số hóa sổ hộ tịch"},
    {"name": "Dòng sai", "id_number": "0010900", "gender": "Nam", "position": "Cán bộ", "unit": "UBND xã Thanh Oai",
     "award": "LĐTT", "rating": "Hoàn thành tốt nhiệm vụ"},
]  # fmt: skip


def year_end_round(screen: Screen, system: System) -> None:
    s, page, year = screen, screen.page, today().year
    api("POST", f"{system.dossiers.url}/councils", 201, headers=SECRETARY, json={
        "authority": COMMUNE, "name": "Hội đồng Thi đua – Khen thưởng xã Thanh Oai", "term_from": f"{year}-01-01",
        "decision_ref": "12/QĐ-UBND", "members": [
            {"member_id": "m1", "name": "Đỗ Văn Thành", "role": "CHAIRMAN"},
            {"member_id": "m2", "name": "Lê Thị Hạnh", "role": "STANDING_MEMBER"},
            {"member_id": "m3", "name": "Phạm Quốc Huy", "role": "MEMBER"},
        ],
    })  # fmt: skip
    api("POST", f"{system.dossiers.url}/registrations", 200, headers=SECRETARY, json={
        "unit": COMMUNE, "year": year, "registered_on": f"{year}-01-05",
        "targets": {"ADVANCED_WORKER": 10, "GRASSROOTS_EMULATION_FIGHTER": 1},
        "individuals": [{"id_number": p["id_number"], "name": p["name"],
                         "award": "GRASSROOTS_EMULATION_FIGHTER" if p["award"] == "CSTĐCS" else "ADVANCED_WORKER"}
                        for p in PEOPLE[:2]],
    })  # fmt: skip

    s.login("cv.pnv")
    s.goto("/dot-xet")
    click(page, "link", "Mở đợt xét")
    s.check("round-open")
    fill(page, {"authority": COMMUNE, "submission_deadline": in_days(20)})
    page.locator("#f-units-XA-THANH-OAI-2025").check()
    page.locator("#f-units-XA-TAM-HUNG-2025").check()
    click(page, "button", "Mở đợt xét")
    expect(page.locator(".flash")).to_contain_text("Đã mở đợt xét")
    round_path = page.url.removeprefix(system.url)

    s.login("cb.motcua")
    s.goto(round_path + "/nhap-tay")
    s.check("round-hand-entry")
    s.goto(round_path)
    click(page, "link", "Nộp danh sách đề nghị (tệp XLSX)")
    fill(page, {"achievements": "Hoàn thành tốt nhiệm vụ năm; nhiều sáng kiến được công nhận."})
    page.locator("#f-file").set_input_files(
        files=[{"name": "danh-sach.xlsx", "mimeType": XLSX, "buffer": write_xlsx(PEOPLE)}]
    )
    for kind in PAPERS:
        page.locator(f"#f-file-{kind.lower()}").set_input_files(
            files=[{"name": f"{kind.lower()}.pdf", "mimeType": "application/pdf", "buffer": pdf(kind + round_path)}]
        )
    click(page, "button", "Nộp danh sách")
    errors = page.get_by_role("region", name="Lỗi theo dòng và cột")
    expect(errors).to_contain_text("Số CCCD phải gồm 12 chữ số")
    expect(errors.locator("tbody tr").first).to_contain_text("4")
    s.check("round-list-refused")
    page.get_by_label("Giữ các dòng hợp lệ (bỏ qua các dòng có lỗi)").check()
    click(page, "button", "Nộp danh sách")  # the list and its papers are not picked again
    assert "Đã nộp danh sách: 2 người được đề nghị; bỏ qua 1 dòng có lỗi" in flash(page)

    s.login("cv.pnv")
    s.goto(round_path)
    progress = page.get_by_role("region", name="Tiến độ theo đơn vị")
    expect(progress.locator("tr", has_text="xã Thanh Oai")).to_contain_text("Đã nộp")
    expect(progress.locator("tr", has_text="xã Tam Hưng")).to_contain_text("Chưa nộp")
    click(page, "button", "Thẩm định cả danh sách")
    assert "Đã thẩm định danh sách: 2 đạt, 0 không đạt" in flash(page)
    s.check("round-appraised")
    click(page, "link", "Danh sách 2 người được đề nghị: thẩm định, phiếu bầu và kết quả")
    expect(page.get_by_role("region", name="Danh sách đề nghị")).to_contain_text("Chiến sĩ thi đua cơ sở")
    s.check("round-list")
    s.goto(round_path)
    click(page, "link", "Hội đồng xét tiêu chuẩn")
    s.check("round-council-checks")
    annual_screens(s, year)

    s.login("tv.hoidong")
    s.goto(round_path)
    click(page, "link", "Hội đồng bỏ phiếu theo danh sách")
    expect(page.locator("main form.form[method=post]")).to_contain_text("3 thành viên")
    fill(page, {"minutes_ref": "07/BB-HĐTĐKT"})
    page.locator("#f-attendance-m3-written").check()
    s.check("round-vote")
    click(page, "button", "Ghi nhận kết quả bỏ phiếu")
    assert "Hội đồng 3 thành viên): 1/1 người đạt" in flash(page)

    s.login("ct.ubnd")
    s.goto(round_path)
    click(page, "link", "Quyết định khen thưởng cả danh sách")
    s.check("round-decision")
    click(page, "button", "Xem tóm tắt trước khi ký")
    expect(page.get_by_role("status")).to_contain_text("Khen thưởng 2 người, không khen thưởng 0 người.")
    s.check("round-decision-summary")
    click(page, "button", "Ký quyết định khen thưởng")
    assert "Đã ban hành quyết định số" in flash(page) and "khen thưởng 2" in flash(page)
    with page.expect_download() as annex:
        click(page, "link", "Phụ lục: danh sách được khen thưởng (XLSX)")
    assert annex.value.suggested_filename == "phu-luc-quyet-dinh.xlsx"
    s.check("round-decided")
    dossier = page.locator("main a[href^='/ho-so/']").first.get_attribute("href") or ""
    s.goto("/lich-su-khen-thuong?ho_so=" + dossier.rsplit("/", 1)[1])  # its award history per nominee
    expect(page.locator("main")).to_contain_text("Trần Văn Đức")
    s.check("round-award-history")


def annual_screens(s: Screen, year: int) -> None:
    """The year's other screens as the office sees them, each checked with axe: the council, the
    registrations (list, one unit's, the form, the upload), the clusters (list, the form) and the
    award history with the import of past awards."""
    for path, name in (
        (f"/hoi-dong/{COMMUNE}", "council"),
        (f"/dang-ky-thi-dua?nam={year}", "registrations"),
        (f"/dang-ky-thi-dua/{COMMUNE}/{year}", "registration"),
        ("/dang-ky-thi-dua/moi", "registration-form"),
        ("/dang-ky-thi-dua/tep", "registration-upload"),
        ("/cum-khoi", "clusters"),
        ("/cum-khoi/moi", "cluster-form"),
        ("/lich-su-khen-thuong", "award-history"),
        ("/lich-su-khen-thuong/nhap", "past-awards-import"),
    ):
        s.goto(path)
        s.check(f"annual-{name}")
