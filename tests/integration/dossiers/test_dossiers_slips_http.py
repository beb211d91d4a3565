"""The printable one-stop slips: the right Vietnamese text, the office, the numbers and the dates."""

from __future__ import annotations

from uuid import uuid4

import pytest
from fastapi.testclient import TestClient

from .payloads import CLERK, PinnedClock, act, ok, submit, upload

MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")
OFFICE = ("ỦY BAN NHÂN DÂN HUYỆN THANH OAI", "BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ")


def html(client: TestClient, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    return response.text


def assert_contains(page: str, *texts: str) -> None:
    missing = [t for t in texts if t not in page]
    assert not missing, f"missing {missing}"


def test_the_receipt_slip_names_the_office_the_unit_the_documents_and_the_appointment(client: TestClient) -> None:
    dossier = submit(client)
    page = html(client, f"/dossiers/{dossier['id']}/receipt")
    assert_contains(
        page,
        *MOTTO,
        *OFFICE,
        "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
        "Số: 000001/2024/TN",
        "Mã hồ sơ: 000001/2024/TN",
        "Thanh Oai, ngày 03 tháng 6 năm 2024",
        "Tiếp nhận hồ sơ của: <strong>Ủy ban nhân dân xã Bích Hòa</strong>",
        "Nội dung yêu cầu giải quyết: Đề nghị xét tặng danh hiệu thi đua hằng năm (năm thi đua 2023).",
        "Hình thức nộp: Trực tiếp tại Bộ phận Tiếp nhận và Trả kết quả.",
        "Nguyễn Thị Hương – Lao động tiên tiến",
        "Trần Văn Đức – Chiến sĩ thi đua cơ sở",
        "Tờ trình: submission_memo.pdf",
        "Biên bản bình xét: review_minutes.pdf",
        "2. Số lượng hồ sơ: 01 (bộ).",
        "3. Thời gian giải quyết hồ sơ theo quy định là: 10 ngày làm việc.",
        "4. Thời gian nhận hồ sơ: 09 giờ 05 phút, ngày 03/06/2024.",
        "5. Thời gian trả kết quả giải quyết hồ sơ: ngày 17/06/2024.",
        "NGƯỜI NỘP HỒ SƠ",
        "NGƯỜI TIẾP NHẬN HỒ SƠ",
        "(Ký và ghi rõ họ tên)",
        "@page { size: A4;",
        "@media print",
    )


def test_a_posted_dossier_s_receipt_shows_its_postmark_date(client: TestClient) -> None:
    dossier = submit(client, channel="POST", postmark_date="2024-05-31")
    page = html(client, f"/dossiers/{dossier['id']}/receipt")
    assert "Hình thức nộp: Qua dịch vụ bưu chính (ngày theo dấu bưu điện: 31/05/2024)." in page


def test_a_receipt_can_be_reprinted_after_a_supplement_with_the_new_appointment(
    client: TestClient, clock: PinnedClock
) -> None:
    dossier = submit(client, attachments=upload(client, "SUBMISSION_MEMO"))
    d = dossier["id"]
    ok(act(client, d, "supplement-request", {"missing": ["Báo cáo thành tích"]}))
    clock.advance(days=2)  # Wednesday 05/06/2024
    missing = upload(client, "ACHIEVEMENT_REPORT", "REVIEW_MINUTES", "BALLOT_RESULT", "INITIATIVE_CERTIFICATION")
    ok(act(client, d, "supplement", {"attachments": missing}, CLERK))
    reprinted = html(client, f"/dossiers/{d}/receipt?version=3")
    assert_contains(reprinted, "Báo cáo thành tích: achievement_report.pdf", "ngày 19/06/2024")
    # The original receipt of an incomplete dossier promises no date: the deadline runs from completeness.
    assert "ngày hẹn trả kết quả được tính từ khi hồ sơ được bổ sung đầy đủ" in html(client, f"/dossiers/{d}/receipt")


def test_the_supplement_request_slip_lists_what_is_missing_and_why(client: TestClient) -> None:
    dossier = submit(client)
    body = {"missing": ["Báo cáo thành tích có xác nhận của thủ trưởng"], "reason": "Báo cáo chưa có chữ ký"}
    ok(act(client, dossier["id"], "supplement-request", body))
    page = html(client, f"/dossiers/{dossier['id']}/supplement-request-slip")
    assert_contains(
        page,
        *MOTTO,
        *OFFICE,
        "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
        "Hồ sơ của: <strong>Ủy ban nhân dân xã Bích Hòa</strong>",
        "Ngày tiếp nhận hồ sơ: 09 giờ 05 phút, ngày 03/06/2024.",
        "<li>Báo cáo thành tích có xác nhận của thủ trưởng</li>",
        "Lý do: Báo cáo chưa có chữ ký",
        "tạm dừng từ ngày 03/06/2024",
        "NGƯỜI HƯỚNG DẪN",
    )


def test_the_refusal_slip_gives_every_reason(client: TestClient) -> None:
    dossier = submit(client)
    reasons = ["Đơn vị đề nghị không đúng thẩm quyền", "Thành tích đã được khen thưởng"]
    ok(act(client, dossier["id"], "refusal", {"reasons": reasons}))
    page = html(client, f"/dossiers/{dossier['id']}/refusal-slip")
    assert_contains(
        page,
        *MOTTO,
        *OFFICE,
        "PHIẾU TỪ CHỐI GIẢI QUYẾT HỒ SƠ",
        "từ chối giải quyết hồ sơ này với lý do cụ thể như sau:",
        *(f"<li>{r}</li>" for r in reasons),
        "NGƯỜI TIẾP NHẬN HỒ SƠ",
    )


def test_the_apology_slip_gives_the_missed_and_the_new_appointment(client: TestClient, clock: PinnedClock) -> None:
    dossier = submit(client)
    clock.advance(days=14)  # Monday 17/06/2024, the appointment day
    ok(act(client, dossier["id"], "deadline-extension", {"new_date": "2024-06-24", "reason": "Hội đồng chưa họp xét"}))
    page = html(client, f"/dossiers/{dossier['id']}/apology-slip")
    assert_contains(
        page,
        *MOTTO,
        *OFFICE,
        "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ",
        "Thanh Oai, ngày 17 tháng 6 năm 2024",
        "Kính gửi: <strong>Ủy ban nhân dân xã Bích Hòa</strong>",
        "Ngày 03/06/2024, Bộ phận Tiếp nhận và Trả kết quả – Ủy ban nhân dân huyện Thanh Oai tiếp nhận",
        "Thời gian hẹn trả kết quả giải quyết hồ sơ: ngày 17/06/2024.",
        "Lý do: Hội đồng chưa họp xét",
        "Ủy ban nhân dân huyện Thanh Oai xin lỗi đơn vị",
        "<strong>ngày 24/06/2024</strong>",
        "THỦ TRƯỞNG CƠ QUAN",
    )


@pytest.mark.parametrize(
    ("slip", "detail"),
    [
        ("supplement-request-slip", "Hồ sơ chưa có yêu cầu bổ sung, hoàn thiện nào để in phiếu."),
        ("refusal-slip", "Hồ sơ không bị từ chối giải quyết; không có phiếu từ chối để in."),
        ("apology-slip", "Hồ sơ chưa được hẹn lại ngày trả kết quả; không có phiếu để in."),
    ],
)
def test_a_slip_for_an_act_that_did_not_happen_is_409(client: TestClient, slip: str, detail: str) -> None:
    dossier = submit(client)
    response = client.get(f"/dossiers/{dossier['id']}/{slip}")
    assert response.status_code == 409
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json() | {"detail": detail} == response.json()


def test_the_slip_of_an_unknown_dossier_is_404(client: TestClient) -> None:
    assert client.get(f"/dossiers/{uuid4()}/receipt").status_code == 404
