"""A batch of certificates prints as one PDF, one page each, every name where the blank's layout
puts it (read back from the PDF's text layout), shifted by the calibration."""

from __future__ import annotations

import io

import pdfplumber
import pytest

from services.dossiers.documents.certificates import BlankBook, CertificateText, print_batch

MM = 72 / 25.4
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ"]
GIVEN = ["Văn Hùng", "Thị Hương", "Đức Thắng", "Thị Ngọc Ánh", "Quốc Việt", "Thu Hà", "Minh Đức", "Thị Yến"]


def awardee(i: int) -> CertificateText:
    name = f"{'Bà' if i % 2 else 'Ông'} {SURNAMES[i % len(SURNAMES)]} {GIVEN[i % len(GIVEN)]} {i:03d}"
    return CertificateText(
        f"n{i}",
        {
            "name": name,
            "position_unit": f"Giáo viên Trường Tiểu học số {i % 7 + 1} xã Thanh Oai",
            "achievement": "Đã có thành tích xuất sắc trong năm học 2024–2025",
            "place_date": "Thanh Oai, ngày 05 tháng 9 năm 2025",
            "signer_title": "CHỦ TỊCH",
            "signer_name": "Trần Văn Bình",
            "decision_ref": "Quyết định số 15/QĐ-UBND ngày 05/09/2025",
            "register_number": f"Số vào sổ: 15/{i:03d}",
            "heading": "GIẤY KHEN",
        },
    )


@pytest.mark.parametrize("offset", [(0.0, 0.0), (2.5, -1.5)])
def test_two_hundred_certificates_print_in_one_pdf_with_each_name_in_its_place(offset: tuple[float, float]) -> None:
    blank = BlankBook().get("giay-khen-a4-ngang")
    name_field, unit_field = blank.field("name"), blank.field("position_unit")
    assert name_field and unit_field
    certificates = [awardee(i) for i in range(200)]

    pdf = print_batch(blank, certificates, offset=offset)

    dx, dy = offset
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        assert len(document.pages) == 200
        for page, certificate in zip(document.pages, certificates, strict=True):
            assert (round(float(page.width)), round(float(page.height))) == (842, 595)
            by_text = {line["text"]: line for line in page.extract_text_lines()}
            name = by_text[certificate.values["name"]]
            # Centred on the field's x; its baseline at the field's y (from the top), both shifted.
            assert abs((name["x0"] + name["x1"]) / 2 - (name_field.x + dx) * MM) < 1.0
            baseline = max(c["bottom"] for c in name["chars"])
            assert abs(baseline - (name_field.y + dy) * MM) < 0.35 * name_field.size
            unit = by_text[certificate.values["position_unit"]]
            assert unit["top"] > name["top"]
            assert "GIẤY KHEN" not in by_text, "the blank's own heading is not printed onto it"


def test_a_name_too_long_for_its_field_is_set_smaller_to_fit() -> None:
    blank = BlankBook().get("giay-khen-a4-ngang")
    field = blank.field("name")
    assert field and field.max_width_mm
    long_name = "Tập thể Ban Chỉ huy Quân sự và Công an xã Thanh Oai cùng các tổ dân phòng liên thôn Kim Bài"
    pdf = print_batch(blank, [CertificateText("n1", {"name": long_name})], offset=(0, 0))
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        (line,) = [x for x in document.pages[0].extract_text_lines() if x["text"] == long_name]
    assert (line["x1"] - line["x0"]) <= field.max_width_mm * MM + 1
