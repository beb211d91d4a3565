"""The dossier steps besides the main road, each on its own screen: a council vote refused on its
numbers then recorded, a revote refused without its reason then recorded with the vote history,
the decision, its annulment and the recovery of the reward; the council's check recorded again
only with a reason; who may sign refused next to the action (a dossier of another commune, a
thematic award above the launching level without the reason recorded at receipt) and signed
once the reason is on record; a dossier sent back for a supplement, supplemented with an upload,
given a new appointment with an apology slip, and withdrawn. Every refusal comes from the
dossiers service and stands next to its field or action, with what was typed still in the form."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from playwright.sync_api import expect

from shared.workdays import WorkingCalendar
from tests.e2e.console.conftest import Screen, System, api
from tests.e2e.console.helpers import THEMATIC_FILES, click, error_of, fill, pdf, reload_until, today, upload, vn
from tests.e2e.console.year_end_round import year_end_round
from tests.support.campaign_payloads import LEAD_UNIT, SECRETARIAT

pytestmark = pytest.mark.e2e

CLERK = {"X-Actor-Id": "cb.motcua", "X-Actor-Role": "desk_clerk", "X-Actor-Unit": "XA-THANH-OAI-2025"}
SECRETARY = {"X-Actor-Id": "cv.pnv", "X-Actor-Role": "council_secretariat", "X-Actor-Unit": "PNV"}
FIGHTER_FILES = ("SUBMISSION_MEMO", "ACHIEVEMENT_REPORT", "REVIEW_MINUTES", "BALLOT_RESULT", "INITIATIVE_CERTIFICATION")


def submit(system: System, kinds: tuple[str, ...], body: dict[str, Any]) -> dict[str, Any]:
    files = [("files", (f"{k.lower()}.pdf", pdf(f"{k}-{body['achievements']}"))) for k in kinds]
    stored = api(
        "POST", f"{system.dossiers.url}/attachments", 201, files=files, data={"kind": list(kinds)}, headers=CLERK
    )
    body = {
        "channel": "ONE_STOP_DESK",
        "proposing_unit": "XA-THANH-OAI-2025",
        **body,
        "attachments": [{"name": f["name"], "kind": f["kind"], "sha256": f["sha256"]} for f in stored],
    }
    desk = {**CLERK, "X-Actor-Unit": body["proposing_unit"]}  # the proposing commune's own desk
    return api("POST", f"{system.dossiers.url}/dossiers", 201, json=body, headers=desk)  # type: ignore[no-any-return]


def test_vote_decision_annulment_and_recovery_each_refused_then_done_on_its_screen(
    screen: Screen, system: System
) -> None:
    s, page = screen, screen.page
    dossier = submit(
        system,
        FIGHTER_FILES,
        {
            "award_type": "MOVEMENT",
            "kind": "ANNUAL_TITLE",
            "emulation_year": 2026,
            "achievements": "Hoàn thành xuất sắc nhiệm vụ năm 2026, có sáng kiến được công nhận.",
            "nominees": [
                {
                    "kind": "INDIVIDUAL",
                    "name": "Trần Văn Đức",
                    "award": "GRASSROOTS_EMULATION_FIGHTER",
                    "position": "Công chức Tư pháp – Hộ tịch",
                    "unit": "UBND xã Thanh Oai",
                    "gender": "MALE",
                    "performance_rating": "EXCELLENT",
                    "initiatives": [{"title": "Số hóa sổ hộ tịch", "recognised_by": "Hội đồng sáng kiến xã"}],
                }
            ],
        },
    )
    path = f"/ho-so/{dossier['id']}"
    for step in ("completeness-check", "appraisal"):
        api("POST", f"{system.dossiers.url}/dossiers/{dossier['id']}/{step}", 200, json={}, headers=SECRETARY)

    s.login("cv.pnv")
    s.goto(path)
    click(page, "link", "Ý kiến hiệp y")
    fill(page, {"department": "PTP", "document_ref": "15/PTP-HY"})
    click(page, "button", "Ghi nhận ý kiến hiệp y")
    expect(error_of(page, "agrees")).to_be_visible()  # neither "đồng ý" nor "không đồng ý" was chosen
    expect(page.locator("[name='document_ref']")).to_have_value("15/PTP-HY")
    page.get_by_label("Đồng ý", exact=True).check()
    click(page, "button", "Ghi nhận ý kiến hiệp y")
    expect(page.locator("section[aria-labelledby='h-tai-lieu']")).to_contain_text("Phòng Tư pháp: đồng ý")

    s.login("tv.hoidong")
    s.goto(path)
    click(page, "link", "Kết quả bỏ phiếu của Hội đồng")
    fill(page, {"members_total": "9", "votes_for": "10", "votes_against": "0", "absent_in_writing": "1"})
    click(page, "button", "Ghi nhận kết quả bỏ phiếu")
    expect(error_of(page, "votes_for")).to_contain_text("vượt quá tổng số thành viên")
    expect(page.locator("[name='votes_for']")).to_have_value("10")
    expect(page.locator("[name='absent_in_writing']")).to_have_value("1")
    s.check("01-bo-phieu-loi")
    fill(page, {"votes_for": "7", "votes_against": "2"})
    click(page, "button", "Ghi nhận kết quả bỏ phiếu")
    expect(page.locator(".flash")).to_contain_text("Đã ghi nhận kết quả bỏ phiếu")
    nominee = page.locator("table").filter(has_text="Trần Văn Đức")
    expect(nominee).to_contain_text("7/9 phiếu đồng ý (ngưỡng 80%)")
    expect(nominee).to_contain_text("không đạt")

    # A second vote is a revote: refused without its reason, then recorded; both rounds stay.
    click(page, "link", "Kết quả bỏ phiếu của Hội đồng")
    fill(page, {"members_total": "9", "votes_for": "8", "votes_against": "1", "absent_in_writing": "0"})
    click(page, "button", "Ghi nhận kết quả bỏ phiếu")
    expect(error_of(page, "reason")).to_contain_text("lý do")
    expect(page.locator("[name='votes_for']")).to_have_value("8")
    fill(page, {"reason": "Hai thành viên vắng mặt đã gửi phiếu bằng văn bản sau cuộc họp"})
    click(page, "button", "Ghi nhận kết quả bỏ phiếu")
    expect(page.locator(".flash")).to_contain_text("Đã ghi nhận kết quả bỏ phiếu")
    expect(nominee).to_contain_text("8/9 phiếu đồng ý (ngưỡng 80%)")
    history = nominee.get_by_role("list", name="Lịch sử bỏ phiếu")
    expect(history.locator("li")).to_have_count(2)
    expect(history.locator("li").nth(0)).to_contain_text("Lần 1")
    expect(history.locator("li").nth(0)).to_contain_text("7/9, không đạt")
    expect(history.locator("li").nth(1)).to_contain_text("lý do bỏ phiếu lại: Hai thành viên vắng mặt")
    s.check("01b-bo-phieu-lai")

    s.login("ct.ubnd")
    s.goto(path)
    click(page, "link", "Quyết định khen thưởng")
    click(page, "button", "Ký quyết định khen thưởng")
    expect(page.locator(".flash")).to_contain_text("Đã ban hành quyết định số")
    expect(page.locator("table").filter(has_text="Trần Văn Đức")).to_contain_text("2.340.000 đồng")

    click(page, "link", "Hủy bỏ quyết định khen thưởng")
    fill(page, {"act_reference": "Kết luận 12/KL-TTr ngày 20/11/2026"})
    click(page, "button", "Hủy bỏ quyết định")
    expect(error_of(page, "ground")).to_be_visible()
    expect(error_of(page, "reason")).to_be_visible()
    expect(page.locator("[name='act_reference']")).to_have_value("Kết luận 12/KL-TTr ngày 20/11/2026")
    s.check("02-huy-bo-loi")
    page.get_by_label("Điểm b:", exact=False).check()
    fill(page, {"reason": "Hồ sơ sáng kiến bị làm giả."})
    click(page, "button", "Hủy bỏ quyết định")
    expect(page.locator(".lead")).to_contain_text("Đã hủy bỏ quyết định khen thưởng")

    s.login("cv.pnv")
    s.goto(path)
    click(page, "link", "Thu hồi hiện vật, tiền thưởng")
    page.get_by_label("n1 — Trần Văn Đức").check()
    fill(
        page, {"artefacts_returned": "Giấy chứng nhận Chiến sĩ thi đua cơ sở\nKhung", "amount_recovered_vnd": "9000000"}
    )
    click(page, "button", "Ghi nhận thu hồi")
    expect(error_of(page, "amount_recovered_vnd")).to_contain_text("vượt số tiền thưởng đã chi")
    expect(page.locator("[name='artefacts_returned']")).to_have_value("Giấy chứng nhận Chiến sĩ thi đua cơ sở\nKhung")
    fill(page, {"amount_recovered_vnd": "2340000"})
    click(page, "button", "Ghi nhận thu hồi")
    expect(page.locator(".flash")).to_contain_text("Đã ghi nhận thu hồi")
    timeline = page.locator(".timeline")
    for label in ("Thu hồi hiện vật, tiền thưởng", "Hủy bỏ quyết định khen thưởng", "Ghi nhận kết quả bỏ phiếu"):
        expect(timeline).to_contain_text(label)
    s.check("03-ho-so-da-thu-hoi")


CHAIRMAN = {"X-Actor-Id": "ct.ubnd", "X-Actor-Role": "chairman", "X-Actor-Unit": "XA-THANH-OAI-2025"}
MERIT_CHECK = {"minutes_ref": "Biên bản số 07/BB-HĐTĐKT"}


def in_appraisal(system: System, dossier: dict[str, Any], *, council_check: bool = True) -> None:
    """Checked, with the council's check of the standards no record shows, and appraised."""
    base = f"{system.dossiers.url}/dossiers/{dossier['id']}"
    checked = api("POST", f"{base}/completeness-check", 200, json={}, headers=SECRETARY)
    assert checked["status"] == "IN_APPRAISAL", checked["status"]
    if council_check:
        keys = [c["key"] for c in checked["required_council_checks"]["n1"]]
        body = {**MERIT_CHECK, "confirmed": keys, "meeting_date": today().isoformat()}
        api("POST", f"{base}/council-checks", 200, json=body, headers=SECRETARY)
    api("POST", f"{base}/appraisal", 200, json={}, headers=SECRETARY)


def ad_hoc_merit(name: str, **extra: Any) -> dict[str, Any]:
    return {
        "award_type": "AD_HOC",
        "kind": "AD_HOC",
        "feat_date": (today() - timedelta(days=2)).isoformat(),
        "achievements": f"{name}: dũng cảm cứu tài sản của Nhân dân trong vụ cháy chợ.",
        "nominees": [
            {
                "kind": "INDIVIDUAL",
                "name": name,
                "award": "CERTIFICATE_OF_MERIT",
                "position": "Công an viên",
                "unit": "Công an xã",
                "gender": "FEMALE",
            }
        ],
        **extra,
    }


def test_the_councils_check_again_needs_a_reason_and_a_dossier_of_another_commune_is_not_signed_here(
    screen: Screen, system: System
) -> None:
    s, page = screen, screen.page
    # Addressed to xã Bình Minh's chairman: the chairman of xã Thanh Oai cannot sign it.
    addressed = ad_hoc_merit("Lê Thị Hoa", deciding_authority="XA-BINH-MINH-2025")
    other = submit(system, ("SUBMISSION_MEMO", "ACHIEVEMENT_SUMMARY"), addressed)
    in_appraisal(system, other)
    path = f"/ho-so/{other['id']}"

    s.login("cv.pnv")
    s.goto(path)
    expect(page.locator("dl.facts")).to_contain_text("Thẩm quyền giải quyết")
    expect(page.locator("dl.facts")).to_contain_text("Ủy ban nhân dân xã Bình Minh")
    click(page, "link", "Hội đồng xét tiêu chuẩn")
    expect(page.locator("[name='reason']")).to_have_attribute("aria-required", "true")
    page.locator("fieldset").filter(has_text="Kết quả Hội đồng xét").get_by_label("Chưa đạt", exact=True).check()
    fill(page, {"minutes_ref": "Biên bản số 09/BB-HĐTĐKT"})
    click(page, "button", "Ghi nhận kết quả xét của Hội đồng")
    expect(error_of(page, "reason")).to_contain_text("ghi nhận lại phải nêu lý do")
    expect(page.locator("[name='minutes_ref']")).to_have_value("Biên bản số 09/BB-HĐTĐKT")
    fill(page, {"reason": "Hội đồng họp lại sau khi có ý kiến của Công an xã"})
    click(page, "button", "Ghi nhận kết quả xét của Hội đồng")
    nominee = page.locator("table").filter(has_text="Lê Thị Hoa")
    expect(nominee).to_contain_text("Hội đồng xét (lần 2")
    expect(nominee).to_contain_text("lý do ghi nhận lại: Hội đồng họp lại")
    # Back to "đạt" so that only who signs stands in the way.
    click(page, "link", "Hội đồng xét tiêu chuẩn")
    page.locator("fieldset").filter(has_text="Kết quả Hội đồng xét").get_by_label("Đạt", exact=True).check()
    fill(page, {"minutes_ref": "Biên bản số 10/BB-HĐTĐKT", "reason": "Công an xã xác nhận thành tích"})
    click(page, "button", "Ghi nhận kết quả xét của Hội đồng")
    click(page, "link", "Thẩm định")
    click(page, "button", "Thẩm định")
    expect(nominee.locator(".badge").first).to_have_text("Đạt")

    s.login("ct.ubnd")
    s.goto(path)
    click(page, "link", "Quyết định khen thưởng")
    expect(page.locator(".signer")).to_contain_text("không phải của Ủy ban nhân dân xã Thanh Oai")
    fill(page, {"reason": "Đề nghị khen thưởng đột xuất"})
    click(page, "button", "Ký quyết định khen thưởng")
    refusal = page.locator("#tu-choi")
    expect(refusal).to_contain_text("Ủy ban nhân dân xã Thanh Oai")
    expect(refusal).to_contain_text("Chỉ người đứng đầu đơn vị đang giải quyết hồ sơ")
    expect(page.locator("[name='reason']")).to_have_value("Đề nghị khen thưởng đột xuất")
    s.check("04-khong-dung-tham-quyen")
    assert api("GET", f"{system.dossiers.url}/dossiers/{other['id']}", 200)["status"] == "IN_APPRAISAL"


def department_movement(system: System) -> str:
    """A thematic movement launched by a district office (launching level: department), eligible."""
    body = {
        "code": "PT-2025-VHCS",
        "name": "Xây dựng văn hóa công sở",
        "lead_unit_id": "PKT",
        "kind": "thematic",
        "launching_level": "department",
        "purpose": "Xây dựng phong cách làm việc chuyên nghiệp, văn minh trong cơ quan",
        "requirements": "Các cơ quan, đơn vị đăng ký thực hiện và tự đánh giá hằng quý",
        "content": "Trang phục, giao tiếp, ứng xử và sắp xếp nơi làm việc",
        "targets": [
            {"indicator": "Cơ quan đạt chuẩn văn hóa công sở", "target_value": 10, "unit_of_measure": "cơ quan"}
        ],
        "start_date": "2025-01-01",
        "end_date": "2025-06-30",
        "directive": {"number": "03/CT-PKT", "issued_on": "2025-01-02", "signer": "Trưởng phòng Kinh tế"},
        "plan": {"number": "04/KH-PKT", "issued_on": "2025-01-05", "signer": "Trưởng phòng Kinh tế"},
    }
    base = f"{system.campaigns.url}/campaigns"
    campaign = api("POST", base, 201, json=body, headers=LEAD_UNIT)
    steps = (
        ("registration", {"registration_number": "30/ĐK-PNV", "registered_on": "2025-01-10"}, SECRETARIAT),
        ("launch", {"launched_on": "2025-01-15"}, LEAD_UNIT),
        (
            "interim-reviews",
            {
                "report": {"number": "60/BC-PKT", "issued_on": "2025-03-31", "signer": "Trưởng phòng Kinh tế"},
                "summary": "Sơ kết quý I: 7 cơ quan đạt chuẩn",
                "filed_on": "2025-03-31",
                "results": [{"indicator": "Cơ quan đạt chuẩn văn hóa công sở", "achieved_value": 7}],
                "proposed_collectives": 1,
            },
            LEAD_UNIT,
        ),
    )
    for path, payload, actor in steps:
        api("POST", f"{base}/{campaign['id']}/{path}", 200, json=payload, headers=actor)
    return str(campaign["id"])


def thematic_merit(campaign_id: str, name: str, **extra: Any) -> dict[str, Any]:
    return {
        "award_type": "MOVEMENT",
        "kind": "THEMATIC",
        "campaign_id": campaign_id,
        "emulation_year": 2025,
        "achievements": f"{name} dẫn đầu phong trào xây dựng văn hóa công sở.",
        "nominees": [{"kind": "COLLECTIVE", "name": name, "award": "CERTIFICATE_OF_MERIT", "size": 12}],
        **extra,
    }


def test_a_thematic_award_goes_above_the_launching_level_only_with_the_reason_recorded_at_receipt(
    screen: Screen, system: System
) -> None:
    """Dispatch 147 point 4: a movement launched by a district office is considered at its level; the
    commune chairman signs its awards only with the reason recorded when the dossier was received."""
    s, page = screen, screen.page
    campaign_id = department_movement(system)
    s.login("cv.pnv")
    s.goto("/ho-so")
    reload_until(page, lambda: api("GET", f"{system.dossiers.url}/campaigns/{campaign_id}", 200)["eligible"])
    files = tuple(kind for kind, _ in THEMATIC_FILES)
    without = submit(system, files, thematic_merit(campaign_id, "Bộ phận Một cửa xã"))
    reason = "Mô hình được UBND thành phố biểu dương, nhân rộng toàn thành phố"
    escalated = submit(system, files, thematic_merit(campaign_id, "Văn phòng UBND xã", escalation_reason=reason))
    for dossier in (without, escalated):
        in_appraisal(system, dossier)

    s.login("ct.ubnd")
    s.goto(f"/ho-so/{without['id']}/buoc/decision")
    click(page, "button", "Ký quyết định khen thưởng")
    refusal = page.locator("#tu-choi")
    expect(refusal).to_contain_text("cấp phát động")
    expect(refusal).to_contain_text("Công văn 147/UBND-NV, điểm 4")
    s.check("05-chuyen-de-chua-co-ly-do")

    s.goto(f"/ho-so/{escalated['id']}")
    expect(page.locator("dl.facts")).to_contain_text(reason)
    click(page, "link", "Quyết định khen thưởng")
    expect(page.locator(".signer")).to_contain_text(f"Trình cấp trên với lý do ghi khi tiếp nhận: «{reason}»")
    click(page, "button", "Ký quyết định khen thưởng")
    expect(page.locator(".flash")).to_contain_text("Đã ban hành quyết định số")


def test_supplement_new_appointment_and_withdrawal(screen: Screen, system: System) -> None:
    s, page = screen, screen.page
    dossier = submit(
        system,
        ("SUBMISSION_MEMO",),
        {
            "award_type": "AD_HOC",
            "kind": "AD_HOC",
            "feat_date": (today() - timedelta(days=3)).isoformat(),
            "achievements": "Dũng cảm cứu người bị đuối nước tại sông Đáy.",
            "nominees": [
                {
                    "kind": "INDIVIDUAL",
                    "name": "Nguyễn Văn Hùng",
                    "award": "CERTIFICATE_OF_MERIT",
                    "position": "Dân quân thường trực",
                    "unit": "UBND xã Thanh Oai",
                    "gender": "MALE",
                }
            ],
        },
    )
    path = f"/ho-so/{dossier['id']}"

    s.login("cv.pnv")
    s.goto(path)
    click(page, "link", "Kiểm tra tính đầy đủ")
    click(page, "button", "Kiểm tra tính đầy đủ")
    expect(page.locator(".flash")).to_contain_text("Chờ bổ sung, hoàn thiện hồ sơ")
    expect(page.locator("dl.facts")).to_contain_text("Tóm tắt thành tích")
    expect(page.get_by_role("link", name="Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ")).to_be_visible()

    s.login("cb.motcua")
    s.goto(path)
    click(page, "link", "Bổ sung hồ sơ")
    upload(page, "ACHIEVEMENT_SUMMARY", "tom-tat-thanh-tich.pdf")
    fill(page, {"note": "Đơn vị nộp bổ sung tóm tắt thành tích"})
    s.check("01-bo-sung")
    click(page, "button", "Ghi nhận bổ sung")
    expect(page.locator(".flash")).to_contain_text("Đã bổ sung hồ sơ")
    expect(page.locator(".lead")).to_contain_text("Đã tiếp nhận")
    appointment = date.fromisoformat(
        api("GET", f"{system.dossiers.url}/dossiers/{dossier['id']}", 200)["appointment_date"]
    )

    calendar = WorkingCalendar.from_file()
    sunday = appointment + timedelta(days=6 - appointment.weekday() or 7)
    later = appointment + timedelta(days=7)
    while not calendar.is_working_day(later):
        later += timedelta(days=1)
    click(page, "link", "Hẹn lại ngày trả kết quả")
    fill(page, {"new_date": vn(sunday), "reason": "Chờ xác minh thành tích với Công an xã"})
    click(page, "button", "Hẹn lại và in phiếu xin lỗi")
    expect(error_of(page, "new_date")).to_contain_text("ngày làm việc")
    expect(page.locator("[name='reason']")).to_have_value("Chờ xác minh thành tích với Công an xã")
    fill(page, {"new_date": vn(later)})
    click(page, "button", "Hẹn lại và in phiếu xin lỗi")
    expect(page.locator("dl.facts")).to_contain_text(vn(later))
    expect(page.get_by_role("link", name="Phiếu xin lỗi và hẹn lại ngày trả kết quả")).to_be_visible()

    click(page, "link", "Rút hồ sơ")
    click(page, "button", "Ghi nhận rút hồ sơ")
    expect(error_of(page, "reason")).to_contain_text("lý do")
    fill(page, {"reason": "Đơn vị đề nghị rút để hoàn thiện thành tích"})
    click(page, "button", "Ghi nhận rút hồ sơ")
    expect(page.locator(".lead")).to_contain_text("Đã rút hồ sơ")
    s.check("02-da-rut")


def test_a_movement_returned_amended_registered_reviewed_corrected_and_closed(screen: Screen, system: System) -> None:
    s, page = screen, screen.page
    lead = {"X-Actor-Id": "nv.phongkt", "X-Actor-Role": "lead_unit_officer", "X-Actor-Unit": "PKT"}
    draft = {
        "code": "PT-2025-KN",
        "name": "Khởi nghiệp",
        "lead_unit_id": "PKT",
        "kind": "thematic",
        "purpose": "Khuyến khích thanh niên khởi nghiệp sáng tạo tại địa phương",
        "requirements": "Có đề án, có người hướng dẫn và có đánh giá cuối kỳ",
        "content": "Hỗ trợ ý tưởng, kết nối vốn, đào tạo kỹ năng kinh doanh",
        "targets": [{"indicator": "Dự án được hỗ trợ", "target_value": 10, "unit_of_measure": "dự án"}],
        "start_date": "2025-01-01",
        "end_date": "2025-06-30",
        "directive": {"number": "07/CT-UBND", "issued_on": "2025-01-02", "signer": "Chủ tịch UBND huyện"},
        "plan": {"number": "51/KH-UBND", "issued_on": "2025-01-05", "signer": "Chủ tịch UBND huyện"},
    }
    campaign = api("POST", f"{system.campaigns.url}/campaigns", 201, json=draft, headers=lead)
    path = f"/phong-trao/{campaign['id']}"

    s.login("cv.pnv")
    s.goto(path)
    click(page, "link", "Trả lại hồ sơ đăng ký")
    fill(page, {"reasons": "Tên phong trào chưa nêu rõ đối tượng\nThiếu chỉ tiêu về việc làm"})
    click(page, "button", "Trả lại")
    expect(page.locator(".lead")).to_contain_text("Bị trả lại hồ sơ đăng ký")

    s.login("nv.phongkt")
    s.goto(path)
    click(page, "link", "Điều chỉnh nội dung")
    expect(page.locator("[name='start_date']")).to_have_value("01/01/2025")
    fill(page, {"name": "Thanh niên khởi nghiệp sáng tạo", "reason": "Theo ý kiến Phòng Nội vụ"})
    click(page, "button", "Lưu điều chỉnh")
    expect(page.locator("h1")).to_have_text("Thanh niên khởi nghiệp sáng tạo")
    expect(page.locator(".lead")).to_contain_text("Dự thảo")

    s.login("cv.pnv")
    s.goto(path)
    click(page, "link", "Đăng ký phong trào")
    fill(page, {"registration_number": "21/ĐK-PNV", "registered_on": "15/01/2025"})
    click(page, "button", "Đăng ký")

    s.login("nv.phongkt")
    s.goto(path)
    click(page, "link", "Phát động phong trào")
    fill(page, {"launched_on": "10/01/2025"})  # before the registration: the service refuses
    click(page, "button", "Phát động")
    expect(error_of(page, "launched_on")).to_contain_text("ngày đăng ký")
    fill(page, {"launched_on": "20/01/2025"})
    click(page, "button", "Phát động")
    click(page, "link", "Báo cáo tổng kết")
    fill(
        page,
        {
            "report.number": "90/BC-PKT",
            "report.issued_on": "15/07/2025",
            "summary": "Tổng kết: 12 dự án được hỗ trợ",
            "filed_on": "15/07/2025",
            "results[0].achieved_value": "12",
            "proposed_individuals": "3",
        },
    )
    click(page, "button", "Gửi báo cáo tổng kết")
    expect(page.locator(".lead")).to_contain_text("Đã tổng kết")
    click(page, "link", "Đính chính báo cáo tổng kết")
    expect(page.locator("[name='results[0].achieved_value']")).to_have_value("12")
    fill(page, {"results[0].achieved_value": "11"})
    click(page, "button", "Đính chính")
    expect(error_of(page, "reason")).to_be_visible()
    fill(page, {"reason": "Một dự án bị trùng"})
    click(page, "button", "Đính chính")
    expect(page.locator("table").filter(has_text="Dự án được hỗ trợ")).to_contain_text("11 dự án")
    click(page, "link", "Kết thúc phong trào")
    fill(page, {"closed_on": "31/07/2025"})
    click(page, "button", "Kết thúc phong trào")
    expect(page.locator(".lead")).to_contain_text("Đã kết thúc")
    timeline = page.locator(".timeline")
    for label in ("Trả lại hồ sơ đăng ký", "Điều chỉnh nội dung", "Đính chính báo cáo tổng kết", "Kết thúc phong trào"):
        expect(timeline).to_contain_text(label)
    expect(timeline).to_contain_text("Lý do: Một dự án bị trùng")
    s.check("04-phong-trao-da-ket-thuc")


def test_a_year_end_round_from_opening_to_the_decision(screen: Screen, system: System) -> None:
    """Office opens a round, the commune uploads its list, the council votes, the chairman decides
    (`year_end_round.py`)."""
    year_end_round(screen, system)
