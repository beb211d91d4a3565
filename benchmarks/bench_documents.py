"""Documents: a batch of certificates onto blanks (reportlab), Word drafts (docxtpl) and their
PDF conversion (LibreOffice, when installed). Prints what it measured; asserts nothing."""

from __future__ import annotations

import time
from datetime import date

from services.dossiers.documents.certificates import BlankBook, CertificateText, print_batch
from services.dossiers.documents.render import DocumentRenderer


def _certificates(n: int) -> list[CertificateText]:
    return [
        CertificateText(
            f"n{i}",
            {
                "name": f"Bà Nguyễn Thị Hương {i:04d}",
                "position_unit": "Giáo viên Trường Tiểu học xã Thanh Oai",
                "achievement": "Đã có thành tích xuất sắc trong năm học 2024–2025",
                "place_date": "Thanh Oai, ngày 05 tháng 9 năm 2025",
                "decision_ref": "Quyết định số 15/QĐ-UBND ngày 05/09/2025",
            },
        )
        for i in range(n)
    ]


def _timed(label: str, work: object) -> float:
    start = time.perf_counter()
    work()  # type: ignore[operator]
    elapsed = time.perf_counter() - start
    print(f"{label}: {elapsed:.2f} s", flush=True)
    return elapsed


def main() -> None:
    blank = BlankBook().get("giay-khen-a4-ngang")
    print_batch(blank, _certificates(1), offset=(0, 0))  # fonts registered once
    for n in (200, 1000):
        certificates = _certificates(n)
        _timed(f"{n} certificates in one PDF", lambda c=certificates: print_batch(blank, c, offset=(0.5, -0.5)))
    renderer = DocumentRenderer()
    context = {
        "draft": True,
        "governing": "",
        "issuer_lines": ["ỦY BAN NHÂN DÂN", "XÃ THANH OAI"],
        "number": "Số: 1/QĐ-UBND",
        "place_date": f"Thanh Oai, ngày {date.today():%d} tháng 9 năm 2025",
        "title": "QUYẾT ĐỊNH",
        "subject": "Về việc tặng Giấy khen",
        "authority_title": "CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ THANH OAI",
        "bases": ["Căn cứ Luật Thi đua, khen thưởng."],
        "considering": "Xét đề nghị.",
        "articles": [],
        "recipients": ["Như Điều 3;"],
        "signature": {"title_lines": ["CHỦ TỊCH"], "name": ""},
        "annex_title": "DANH SÁCH",
        "annex_subtitle": "",
        "total": "",
        "total_words": "",
        "rows": [
            {"stt": i, "name": f"Người {i}", "position_unit": "", "award": "Giấy khen", "cash": ""} for i in range(200)
        ],
    }
    word: list[bytes] = []
    _timed("decision with a 200-row annex (Word)", lambda: word.append(renderer.docx("quyet-dinh", context)))
    if renderer.available:
        _timed("the same as PDF (LibreOffice, one start)", lambda: renderer.pdf(word[0]))
        _timed("four Word files to PDF in one LibreOffice run", lambda: renderer.pdfs(word * 4))
    else:
        print("LibreOffice not installed: PDF conversion not measured")
