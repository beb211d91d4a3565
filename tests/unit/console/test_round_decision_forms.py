"""The chairman's decision for a whole list, its pure parts: the lines naming those not awarded (by
number in the list or by code), rows ticked joining them, the rows they name, the summary; and a
page as the service serves it."""

from __future__ import annotations

from services.console import rounddecision as D
from services.console.paging import page_number, served

REF = "XA-DAN-HOA-2025:000123/2026/TN:n12"


def test_lines_name_a_row_by_number_or_code_each_with_its_reason() -> None:
    named, problems = D.parse_named(f"7: Chuyển công tác\n\n{REF} – Vi phạm kỷ luật\n 12 - Nghỉ hưu \n")
    assert [(n.line, n.key, n.reason) for n in named] == [
        (1, 7, "Chuyển công tác"),
        (3, REF, "Vi phạm kỷ luật"),
        (4, 12, "Nghỉ hưu"),
    ]
    assert problems == []


def test_lines_without_a_reason_a_row_or_twice_the_same_row_are_named_by_line() -> None:
    named, problems = D.parse_named("7:\nNguyễn Văn A: lý do\n8: a\n8: b\n7: c")
    assert [(n.line, n.key) for n in named] == [(3, 8)]
    assert problems == [
        "Dòng 1: ghi lý do không khen thưởng.",
        "Dòng 2: phải bắt đầu bằng số thứ tự (STT) hoặc mã trong danh sách.",
        "Dòng 4: trùng với dòng 3.",
        "Dòng 5: trùng với dòng 1.",
    ]


def test_rows_ticked_join_the_lines_once() -> None:
    assert D.with_picked("", ["5", "9"]) == "5: \n9: "
    assert D.with_picked("5: Lý do\n", ["5", "9", "9", "x"]) == "5: Lý do\n9: "
    assert D.keys_in(f"5: \n{REF}: a\nkhông phải") == {5, REF}


def test_the_rows_named_are_read_by_page_and_by_unit_and_matched() -> None:
    named, _ = D.parse_named(f"7: a\n250: b\n{REF}: c\n999: d\n{REF.replace('n12', 'n1')}: e")
    assert D.pages_needed(named, 100) == [1, 3, 10] and D.units_needed(named) == ["XA-DAN-HOA-2025"]
    rows = [{"stt": 7, "ref": "A:1:n7"}, {"stt": 250, "ref": REF}]
    found, problems = D.resolve(named, rows)
    assert [(r["ref"], r["reason"]) for r in found] == [("A:1:n7", "a"), (REF, "b")]
    assert problems == [
        "Dòng 3: trùng người với dòng 2.",
        "Dòng 4: không có số thứ tự 999 trong danh sách.",
        f"Dòng 5: không có mã «{REF.replace('n12', 'n1')}» trong danh sách.",
    ]
    assert D.reject_of(found) == {"A:1:n7": "a", REF: "b"}


def test_the_summary_and_what_it_was_computed_for() -> None:
    assert D.summary_text({"awarded": 298, "not_awarded": 2}) == "Khen thưởng 298 người, không khen thưởng 2 người."
    body = {"decision_date": "2026-12-03", "reject": {REF: "a"}}
    assert D.fingerprint(body) == D.fingerprint(dict(reversed(body.items())))
    assert D.fingerprint(body) != D.fingerprint({**body, "reject": {}})


def test_a_page_as_the_service_serves_it() -> None:
    page = served(["a", "b"], total=202, number=3)
    assert (page.pages, page.first, page.last) == (3, 201, 202)
    assert page_number("4") == 4 and page_number("4", 3) == 3 and page_number("x", 3) == 1
    assert served([], 0, 1).pages == 1
