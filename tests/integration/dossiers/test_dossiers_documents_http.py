"""The papers an office issues, over HTTP: drafts from the demo dossier in Word and PDF laid out
per NĐ 30/2020 (golden text and layout fields), decision numbers from the office's own register,
the digitally signed decision (a test CA made here), certificates printed onto blanks, and the
package forwarded upward.

LibreOffice converts Word to PDF (a few seconds); each test converts at most a few files."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from fastapi.testclient import TestClient
from pydantic import SecretStr

from services.dossiers.documents.signatures import Pkcs12Signer
from tests.support.signing_ca import PASSPHRASE, make_ca

from .documents_demo import CHAIR, COMMUNE, DEMO_MOMENT, DESK, ad_hoc_appraised, ad_hoc_awarded, higher_level_voted
from .payloads import PinnedClock, ok
from .pdf_layout import A4_LANDSCAPE, A4_PORTRAIT, find, lines, needs_libreoffice, page_sizes

pdf_tests = needs_libreoffice()


@pytest.fixture
def demo_client(make_client: Callable[..., TestClient], clock: PinnedClock) -> Callable[..., TestClient]:
    clock.start = DEMO_MOMENT

    def make(**overrides: object) -> TestClient:
        return make_client(dossiers_receiving_unit=COMMUNE, **overrides)

    return make


def docx_text(data: bytes) -> list[str]:
    """Every paragraph of a Word file, the tables' cells included, in order."""
    document = Document(io.BytesIO(data))
    found = [p.text for p in document.paragraphs if p.text.strip()]
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                found += [p.text for p in cell.paragraphs if p.text.strip()]
    return found


DECISION_GOLDEN = [
    "ỦY BAN NHÂN DÂN",
    "XÃ THANH OAI",
    "Số: 1/QĐ-UBND",
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
    "Thanh Oai, ngày 03 tháng 9 năm 2025",
    "QUYẾT ĐỊNH",
    "Về việc tặng Giấy khen",
    "CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ THANH OAI",
    "Căn cứ Luật Tổ chức chính quyền địa phương;",
    "Căn cứ Luật Thi đua, khen thưởng;",
    "Căn cứ Nghị định số 152/2025/NĐ-CP ngày 14 tháng 6 năm 2025 của Chính phủ quy định chi tiết một số điều "
    "của Luật Thi đua, khen thưởng;",
    "Điều 1. Tặng Giấy khen cho 01 cá nhân và 01 tập thể (có danh sách kèm theo), đã có thành tích: dũng cảm "
    "cứu người bị đuối nước tại sông Đáy.",
    "Nơi nhận:",
    "- Như Điều 3;",
    "CHỦ TỊCH",
    "DANH SÁCH CÁ NHÂN, TẬP THỂ ĐƯỢC KHEN THƯỞNG",
    "(Kèm theo Quyết định số 1/QĐ-UBND ngày 03/09/2025 của Chủ tịch Ủy ban nhân dân xã Thanh Oai)",
    "Ông Nguyễn Văn Hùng",
    "Tổ dân quân thôn Kim Lâm",
    "1.410.000",
]


@pdf_tests
def test_every_document_renders_from_the_demo_dossier_in_word_and_pdf_per_decree_30(
    demo_client: Callable[..., TestClient],
) -> None:
    client = demo_client()
    dossier = ad_hoc_awarded(client)
    base = f"/dossiers/{dossier['id']}/documents"

    word = client.get(f"{base}/quyet-dinh.docx")
    assert word.status_code == 200 and word.headers["content-type"].startswith("application/vnd.openxmlformats")
    text = docx_text(word.content)
    for expected in DECISION_GOLDEN:
        assert any(expected in t for t in text), f"«{expected}» missing from the Word decision"
    fonts = {r.font.name for p in Document(io.BytesIO(word.content)).paragraphs for r in p.runs if r.font.name}
    assert fonts == {"Times New Roman"}

    pdf = client.get(f"{base}/quyet-dinh.pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert page_sizes(pdf.content) == [A4_PORTRAIT, A4_PORTRAIT]
    found = lines(pdf.content)
    width = A4_PORTRAIT[0]
    # Cells 1–4 (NĐ 30 Phụ lục I): issuer and number on the left, national title, motto and date on the right.
    issuer, national = find(found, "ỦY BAN NHÂN DÂN", 1), find(found, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 1)
    assert issuer.x0 < width / 2 and issuer.top < 80
    assert national.x1 > width / 2 and national.top < 80 and "LiberationSerif-Bold" in national.fonts
    number = find(found, "Số: 1/QĐ-UBND", 1)
    assert number.x1 < width / 2 and number.top > issuer.top
    date_line = find(found, "Thanh Oai, ngày 03 tháng 9 năm 2025", 1)
    assert date_line.x0 > width / 2 - 30 and date_line.fonts == {"LiberationSerif-Italic"}
    # Cell 5a: the title and abstract centred below, in bold.
    title = find(found, "QUYẾT ĐỊNH", 1)
    assert (
        title.top > date_line.top and abs(title.centre - (85 + 552) / 2) < 15 and "LiberationSerif-Bold" in title.fonts
    )
    assert find(found, "Về việc tặng Giấy khen", 1).top > title.top
    # "Căn cứ" lines in italics, in the rule set's order, before the articles.
    bases = [line for line in found if line.text.startswith("Căn cứ")]
    assert [b.fonts for b in bases] == [{"LiberationSerif-Italic"}] * len(bases) and len(bases) == 4
    article_1 = find(found, "Điều 1.", 1)
    assert article_1.top > bases[-1].top
    # Cells 7 and 9: "Nơi nhận" at the left, the signer's title at the right, below the articles.
    recipients = find(found, "Nơi nhận:", 1)
    assert recipients.top > find(found, "chịu trách nhiệm thi hành", 1).top and recipients.x0 < 100
    # The annex: on page 2 (page numbers from page 2), names and cash.
    assert find(found, "2", 2).top < 50
    assert find(found, "DANH SÁCH CÁ NHÂN, TẬP THỂ ĐƯỢC KHEN THƯỞNG", 2)
    assert find(found, "Ông Nguyễn Văn Hùng", 2) and find(found, "1.410.000", 2)
    assert all("�" not in line.text for line in found), "every Vietnamese letter has its glyph"

    for document, golden in (
        (
            "to-trinh",
            [
                "TỜ TRÌNH",
                "Về việc đề nghị tặng Giấy khen",
                "Kính gửi: Chủ tịch Ủy ban nhân dân xã Thanh Oai.",
                "DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG",
                "Tổ dân quân thôn Kim",
            ],
        ),
        (
            "tom-tat-thanh-tich",
            [
                "TÓM TẮT THÀNH TÍCH",
                "1. Ông Nguyễn Văn Hùng",
                "- Giới tính: Nam",
                "Thành tích: Dũng cảm cứu người bị đuối nước tại sông Đáy",
            ],
        ),
        (
            "bien-ban-hop-hoi-dong",
            [
                "HỘI ĐỒNG THI ĐUA",
                "Số: 01/BB-HĐTĐKT",
                "BIÊN BẢN",
                "Vào ngày 03 tháng 9 năm 2025",
                "THƯ KÝ HỘI ĐỒNG",
                "CHỦ TỊCH HỘI ĐỒNG",
            ],
        ),
    ):
        rendered = client.get(f"{base}/{document}.pdf")
        assert rendered.status_code == 200, rendered.text
        found = lines(rendered.content)
        assert page_sizes(rendered.content)[0] == A4_PORTRAIT
        assert find(found, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 1).top < 80
        for expected in golden:
            find(found, expected)
        assert any(
            expected in t for t in docx_text(client.get(f"{base}/{document}.docx").content) for expected in golden
        )


def test_a_draft_decision_leaves_the_number_and_day_blank_until_issued(demo_client: Callable[..., TestClient]) -> None:
    client = demo_client()
    dossier = ad_hoc_awarded(client)
    draft = client.get(
        f"/dossiers/{dossier['id']}/documents/quyet-dinh.docx", params={"version": dossier["version"] - 1}
    )
    text = docx_text(draft.content)
    assert "DỰ THẢO" in text
    assert any(t.startswith("Số:") and t.endswith("/QĐ-UBND") and "1/" not in t for t in text)
    assert any("Thanh Oai, ngày" in t and "năm 2025" in t and "03" not in t for t in text)
    unknown = client.get(f"/dossiers/{dossier['id']}/documents/ho-so-khac.docx")
    assert unknown.status_code == 422 and "Văn bản không hợp lệ" in unknown.text


def test_an_office_with_its_own_register_enters_the_number_checked_for_uniqueness_in_the_year(
    demo_client: Callable[..., TestClient], clock: PinnedClock
) -> None:
    client = demo_client(dossiers_external_decision_registers=[COMMUNE])
    ready = [ad_hoc_appraised(client)["id"] for _ in range(3)]
    clock.advance(days=2)  # Friday 05/09/2025

    def decide(dossier_id: str, number: str | None, **extra: str) -> Any:
        body = {"approve": ["n1", "n2"], **extra, **({"decision_number": number} if number is not None else {})}
        return client.post(f"/dossiers/{dossier_id}/decision", json=body, headers=CHAIR)

    missing = decide(ready[0], None)
    assert missing.status_code == 422 and "nhập số quyết định" in missing.json()["errors"]["decision_number"]
    assert ok(decide(ready[0], "125/QĐ-UBND"))["decision"]["number"] == "125/QĐ-UBND"
    twice = decide(ready[1], "125")
    assert twice.status_code == 422 and "đã được dùng" in twice.json()["errors"]["decision_number"]
    wrong_symbol = decide(ready[1], "126/QĐ-CT")
    assert wrong_symbol.status_code == 422 and "Ký hiệu" in wrong_symbol.json()["errors"]["decision_number"]
    earlier_day = decide(ready[1], "126", decision_date="2025-09-04")
    assert earlier_day.status_code == 422 and "thứ tự" in earlier_day.json()["errors"]["decision_date"]
    later_small = decide(ready[1], "124", decision_date="2025-09-05")
    assert ok(later_small)["decision"]["number"] == "124/QĐ-UBND", "a smaller number on the same day keeps the order"
    assert ok(decide(ready[2], "126"))["decision"]["decision_date"] == "2025-09-05"


def test_a_system_register_refuses_a_number_typed_in(demo_client: Callable[..., TestClient]) -> None:
    client = demo_client()
    dossier = ad_hoc_appraised(client)
    typed = client.post(
        f"/dossiers/{dossier['id']}/decision",
        json={"approve": ["n1", "n2"], "decision_number": "125/QĐ-UBND"},
        headers=CHAIR,
    )
    assert typed.status_code == 422 and "do hệ thống cấp số" in typed.json()["errors"]["decision_number"]


@pdf_tests
def test_a_decision_signed_with_a_trusted_certificate_is_recorded_and_a_tampered_or_foreign_one_refused(
    demo_client: Callable[..., TestClient], tmp_path: Path
) -> None:
    ca, foreign = make_ca(tmp_path / "ca"), make_ca(tmp_path / "ca", "Foreign CA", signer="Người Lạ")
    client = demo_client(
        dossiers_signature_trust_roots=[ca.root_pem],
        dossiers_signing_pkcs12=ca.signer_p12,
        dossiers_signing_pkcs12_password=SecretStr(PASSPHRASE.decode()),
    )
    dossier = ad_hoc_awarded(client)
    url = f"/dossiers/{dossier['id']}"
    decision_pdf = client.get(f"{url}/documents/quyet-dinh.pdf").content
    signed = Pkcs12Signer(ca.signer_p12, PASSPHRASE).sign(decision_pdf, reason="Ký ban hành", location="Thanh Oai")

    def upload(data: bytes, **form: str) -> Any:
        return client.post(
            f"{url}/signed-decision",
            files={"file": ("qd-da-ky.pdf", data, "application/pdf")},
            data=form,
            headers=CHAIR,
        )

    tampered = bytearray(signed)
    tampered[len(decision_pdf) // 2] ^= 0x01
    foreign_signed = Pkcs12Signer(foreign.signer_p12, PASSPHRASE).sign(decision_pdf, reason="x", location="y")
    for data, why in (
        (bytes(tampered), "đã bị thay đổi sau khi ký"),
        (foreign_signed, "không do tổ chức chứng thực được tin cậy cấp"),
        (decision_pdf, "không có chữ ký số"),
        (signed + b"% appended\n", "thêm vào sau chữ ký"),
    ):
        refused = upload(data)
        assert refused.status_code == 422, refused.text
        assert why in refused.json()["errors"]["file"]
    assert ok(client.get(url))["version"] == dossier["version"], "a refused file changes nothing"

    accepted = ok(upload(signed))
    (document,) = accepted["signed_documents"]
    assert document["sha256"] == hashlib.sha256(signed).hexdigest()
    assert "Trần Văn Bình" in document["signer_subject"] and "Test CA" in document["trust_root"]
    assert document["method"] == "UPLOADED" and document["decision_number"] == "1/QĐ-UBND"
    assert client.get(f"{url}/signed-decision.pdf").content == signed

    again = client.post(f"{url}/signed-decision/signing", json={}, headers=CHAIR)
    assert again.status_code == 422 and "phải nêu lý do" in again.json()["errors"]["reason"]
    by_service = ok(
        client.post(f"{url}/signed-decision/signing", json={"reason": "Ký lại qua dịch vụ ký số"}, headers=CHAIR)
    )
    assert [d["method"] for d in by_service["signed_documents"]] == ["UPLOADED", "SIGNING_SERVICE"]
    history = client.get(f"{url}/history").json()
    assert [e["type"] for e in history].count("DecisionDocumentSigned") == 2
    links = client.get(f"{url}/documents").json()["links"]
    assert {link["kind"] for link in links} == {"decision", "signed_decision", "certificate"}


def test_without_trust_roots_no_signed_file_is_accepted(demo_client: Callable[..., TestClient]) -> None:
    client = demo_client()
    dossier = ad_hoc_awarded(client)
    response = client.post(
        f"/dossiers/{dossier['id']}/signed-decision",
        files={"file": ("qd.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")},
        headers=CHAIR,
    )
    assert response.status_code == 503 and "chứng thư gốc" in response.json()["detail"]


def test_certificates_print_onto_the_calibrated_blank_and_reprints_are_marked(
    demo_client: Callable[..., TestClient],
) -> None:
    client = demo_client()
    dossier = ad_hoc_awarded(client)
    blanks = {b["id"]: b for b in client.get("/certificate-blanks").json()}
    assert blanks["giay-khen-a4-ngang"]["offset_mm"] == {"x": 0.0, "y": 0.0}
    calibrated = client.put(
        "/certificate-blanks/giay-khen-a4-ngang/calibration",
        json={"offset_x_mm": 2.0, "offset_y_mm": -1.5, "note": "Máy in HP khay 2"},
        headers=DESK,
    )
    assert (
        ok(calibrated)["offset_mm"] == {"x": 2.0, "y": -1.5} and calibrated.json()["calibrated_by"]["id"] == "cb.motcua"
    )
    test_page = client.get("/certificate-blanks/giay-khen-a4-ngang/test-page.pdf")
    assert find(lines(test_page.content), "TRANG IN THỬ").page == 1

    body = {"blank_id": "giay-khen-a4-ngang", "items": [{"dossier_id": dossier["id"]}]}
    printed = client.post("/certificate-prints", json=body, headers=DESK)
    assert printed.status_code == 200, printed.text
    assert page_sizes(printed.content) == [A4_LANDSCAPE, A4_LANDSCAPE]
    found = lines(printed.content)
    name = find(found, "Ông Nguyễn Văn Hùng", 1)
    layout = {f["key"]: f for f in blanks["giay-khen-a4-ngang"]["fields"]}
    mm = 72 / 25.4
    assert abs(name.centre - (layout["name"]["x"] + 2.0) * mm) < 1.5
    assert not any("GIẤY KHEN" in line.text for line in found), "the blank's own print is not printed again"
    assert find(found, "Tổ dân quân thôn Kim Lâm", 2)

    record = ok(client.get(f"/dossiers/{dossier['id']}"))["certificate_prints"]
    assert [(p["nominee_id"], p["copy"], p["reprint"]) for p in record[0]["prints"]] == [
        ("n1", 1, False),
        ("n2", 1, False),
    ]
    assert record[0]["offset_x_mm"] == 2.0 and record[0]["batch_id"] == printed.headers["x-print-batch"]

    again = client.post(
        "/certificate-prints",
        json={**body, "items": [{"dossier_id": dossier["id"], "nominee_ids": ["n1"]}]},
        headers=DESK,
    )
    assert again.status_code == 422 and "in lại phải nêu lý do" in json.dumps(again.json(), ensure_ascii=False)
    reprint = client.post(
        "/certificate-prints",
        json={**body, "items": [{"dossier_id": dossier["id"], "nominee_ids": ["n1"]}], "reprint_reason": "Hỏng phôi"},
        headers=DESK,
    )
    assert reprint.status_code == 200
    record = ok(client.get(f"/dossiers/{dossier['id']}"))["certificate_prints"]
    assert record[1]["prints"] == [{"nominee_id": "n1", "copy": 2, "reprint_reason": "Hỏng phôi", "reprint": True}]

    wrong_blank = client.post(
        "/certificate-prints", json={**body, "blank_id": "chung-nhan-danh-hieu-a4-ngang"}, headers=DESK
    )
    assert wrong_blank.status_code == 422 and "không dùng cho" in wrong_blank.text
    copy = client.get(f"/dossiers/{dossier['id']}/certificates/n1.pdf")
    copy_lines = lines(copy.content)
    assert find(copy_lines, "GIẤY KHEN") and find(copy_lines, "Ông Nguyễn Văn Hùng")


@pdf_tests
def test_a_dossier_beyond_the_communes_power_is_forwarded_as_a_package_and_the_result_recorded(
    demo_client: Callable[..., TestClient],
) -> None:
    client = demo_client()
    memo = io.BytesIO()
    word = Document()
    word.add_paragraph("Báo cáo thành tích của bà Lê Thị Mai")
    word.save(memo)
    dossier = higher_level_voted(client, word_memo=memo.getvalue())
    url = f"/dossiers/{dossier['id']}"

    refused = client.post(f"{url}/decision", json={"approve": ["n1", "n2"]}, headers=CHAIR)
    assert refused.status_code == 409 and "không thuộc thẩm quyền" in refused.json()["detail"]

    forward = {
        "to_authority": "Chủ tịch UBND thành phố Hà Nội",
        "proposal_number": "15/TTr-UBND",
        "proposal_date": "2025-09-03",
    }
    forwarded = ok(client.post(f"{url}/forwarding", json=forward, headers=CHAIR))
    assert forwarded["status"] == "FORWARDED"
    (record,) = forwarded["forwardings"]
    assert record["nominee_ids"] == ["n1", "n2"] and record["proposal_number"] == "15/TTr-UBND"

    package = client.get(f"{url}/forwarding/package.zip")
    assert hashlib.sha256(package.content).hexdigest() == record["package_sha256"]
    with zipfile.ZipFile(io.BytesIO(package.content)) as archive:
        assert archive.testzip() is None
        names = set(archive.namelist())
        manifest = json.loads(archive.read("manifest.json"))
        listed = {f["path"] for f in manifest["files"]}
        assert names == listed | {"manifest.json"}, "the manifest lists every file of the package"
        for f in manifest["files"]:
            assert hashlib.sha256(archive.read(f["path"])).hexdigest() == f["sha256"]
    for folder in (
        "01-to-trinh/to-trinh",
        "02-tom-tat-thanh-tich/tom-tat-thanh-tich",
        "03-bien-ban-hop-hoi-dong/bien-ban-hop-hoi-dong",
    ):
        assert {f"{folder}.docx", f"{folder}.pdf"} <= names, f"{folder} in Word and PDF"
    assert {"04-ho-so-cua-don-vi/bao-cao-thanh-tich.docx", "04-ho-so-cua-don-vi/bao-cao-thanh-tich.pdf"} <= names
    assert manifest["proposal"] == {"number": "15/TTr-UBND", "date": "2025-09-03"}
    assert manifest["forwarded_by"]["code"] == COMMUNE and manifest["to_authority"] == "Chủ tịch UBND thành phố Hà Nội"
    votes = {n["nominee_id"]: n["council_vote"] for n in manifest["nominees"]}
    assert votes["n1"]["votes_for"] == 10 and votes["n2"]["votes_for"] == 9
    assert any("Thiếu bản Word" in w for w in manifest["warnings"]), "a scanned PDF without its Word file is named"
    memo_pdf = next(f for f in manifest["files"] if f["path"] == "01-to-trinh/to-trinh.pdf")
    with zipfile.ZipFile(io.BytesIO(package.content)) as archive:
        memo_lines = lines(archive.read(memo_pdf["path"]))
    assert find(memo_lines, "Số: 15/TTr-UBND") and find(memo_lines, "Kính gửi: Chủ tịch UBND thành phố Hà Nội.")

    returned = ok(
        client.post(
            f"{url}/forwarding/result",
            json={
                "outcome": "RETURNED",
                "decided_by": "Chủ tịch UBND thành phố Hà Nội",
                "reasons": ["Thiếu xác nhận sáng kiến cấp thành phố"],
            },
            headers=DESK,
        )
    )
    assert returned["status"] == "HIGHER_LEVEL_RETURNED"
    history = ok(client.get(f"{url}/award-history", headers=DESK))
    assert history["n1"]["note"] and not history["n1"]["identified"]  # no ID number: not compared
    assert [(a["award"], a["status"]) for a in history["n2"]["awards"]] == [("COMMENDATION", "PROPOSED")]
    again = client.post(f"{url}/forwarding", json=forward, headers=CHAIR)
    assert again.status_code == 422 and "trình lại phải nêu lý do" in again.json()["errors"]["reason"]
    ok(client.post(f"{url}/forwarding", json={**forward, "reason": "Đã bổ sung xác nhận sáng kiến"}, headers=CHAIR))
    awarded = ok(
        client.post(
            f"{url}/forwarding/result",
            json={
                "outcome": "AWARDED",
                "decided_by": "Chủ tịch UBND thành phố Hà Nội",
                "decision_number": "3456/QĐ-UBND",
                "decision_date": "2025-09-03",
                "awarded_ids": ["n1"],
                "not_awarded": {"n2": ["Chưa đủ tiêu chuẩn"]},
            },
            headers=DESK,
        )
    )
    assert awarded["status"] == "HIGHER_LEVEL_AWARDED"
    assert awarded["higher_level_result"]["decision_number"] == "3456/QĐ-UBND"
    assert awarded["higher_level_result"]["not_awarded"] == {"n2": ["Chưa đủ tiêu chuẩn"]}
    assert [f["round"] for f in awarded["forwardings"]] == [1, 2]
    history = ok(client.get(f"{url}/award-history", headers=DESK))  # the higher level's decision reaches it
    assert [(a["status"], a["decision_number"]) for a in history["n2"]["awards"]] == [("NOT_AWARDED", "3456/QĐ-UBND")]


def test_an_award_within_the_communes_power_is_not_forwarded(demo_client: Callable[..., TestClient]) -> None:
    client = demo_client()
    dossier = ad_hoc_appraised(client)
    response = client.post(
        f"/dossiers/{dossier['id']}/forwarding",
        json={"to_authority": "Chủ tịch UBND thành phố Hà Nội", "proposal_number": "16/TTr-UBND"},
        headers=CHAIR,
    )
    assert response.status_code == 409 and "thuộc thẩm quyền của" in response.json()["detail"]
