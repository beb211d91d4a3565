"""Reading the office's register of past awards (XLSX): row-by-row, column-by-column messages."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from services.dossiers.annual.past_awards_import import (
    HEADER,
    cell_date,
    read_past_award_rows,
    read_past_awards_xlsx,
    write_past_awards_xlsx,
)

TODAY = date(2025, 3, 1)
HEAD = ["STT", "Họ và tên", "Số CCCD / Mã định danh", "Đơn vị", "Danh hiệu / Hình thức", "Năm", "Số quyết định",
        "Ngày quyết định"]  # fmt: skip


def titles_only(award: str) -> bool:
    return award != "CERTIFICATE_OF_MERIT"


def read(*rows: list) -> object:
    return read_past_award_rows([HEAD, *rows], today=TODAY, once_a_year=titles_only)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (datetime(2023, 12, 20, 0, 0), date(2023, 12, 20)),
        (date(2023, 12, 20), date(2023, 12, 20)),
        (45280, date(2023, 12, 20)),  # Excel's serial number, as the XML holds a date cell
        ("20/12/2023", date(2023, 12, 20)),
        ("2023-12-20", date(2023, 12, 20)),
        ("31/02/2023", None),
        ("hôm qua", None),
    ],
)
def test_a_decision_date_as_typed(value: object, expected: date | None) -> None:
    assert cell_date(value) == expected


def test_valid_rows_read_as_import_rows() -> None:
    result = read(
        [1, "Trần Văn Minh", "001090000202", "THCS Kim Bài", "CSTĐCS", 2023, "15/QĐ-UBND", "20/12/2023"],
        [2, "Lê Thị Mai", "P-0042", "UBND xã", "Giấy khen", "2024", None, None],
    )
    assert result.errors == []  # type: ignore[attr-defined]
    assert result.rows == [  # type: ignore[attr-defined]
        {"row": 2, "name": "Trần Văn Minh", "unit": "THCS Kim Bài", "id_number": "001090000202",
         "award": "GRASSROOTS_EMULATION_FIGHTER", "year": 2023, "decision_number": "15/QĐ-UBND",
         "decision_date": "2023-12-20"},
        {"row": 3, "name": "Lê Thị Mai", "unit": "UBND xã", "person_id": "P-0042", "award": "CERTIFICATE_OF_MERIT",
         "year": 2024, "decision_number": "", "decision_date": ""},
    ]  # fmt: skip


def test_each_problem_is_named_by_row_and_column() -> None:
    result = read(
        [1, "", "12345", "ĐV", "Anh hùng", 2023, "1/QĐ", "20/12/2023"],
        [2, "B", "001090000202", "ĐV", "LĐTT", 2026, "2/QĐ", "hôm qua"],
        [3, "C", "001090000203", "ĐV", "LĐTT", 2023, "3/QĐ", "20/12/2022"],
        [4, "D", "", "ĐV", "", None, None, None],
        [5, "E", "001090000203", "ĐV", "Lao động tiên tiến", 2023, None, None],
        [6, "F", "001090000203", "ĐV", "GK", 2023, "6/QĐ", None],
        [7, "F", "001090000203", "ĐV", "GK", 2023, "7/QĐ", None],
    )
    found = {(e.row, e.column): e.message for e in result.errors}  # type: ignore[attr-defined]
    assert found == {
        (2, HEADER["name"]): "Bắt buộc nhập họ và tên.",
        (2, HEADER["id"]): "Số CCCD phải gồm 12 chữ số (hoặc 9 chữ số với CMND cũ); mã cá nhân có dạng P-….",
        (2, HEADER["award"]): "Không nhận ra danh hiệu, hình thức «Anh hùng».",
        (3, HEADER["year"]): "Năm phải là số từ 1945 đến 2025.",
        (3, HEADER["decision_date"]): "Ngày quyết định phải có dạng ngày/tháng/năm (ví dụ 25/12/2023).",
        (4, HEADER["decision_date"]): "Ngày quyết định trước năm khen thưởng 2023.",
        (5, HEADER["id"]): "Bắt buộc nhập số CCCD (12 chữ số) hoặc mã cá nhân (P-…).",
        (5, HEADER["award"]): "Bắt buộc nhập danh hiệu hoặc hình thức khen thưởng.",
        (5, HEADER["year"]): "Bắt buộc nhập năm.",
        (6, HEADER["award"]): "Trùng với dòng 4: cùng người, cùng danh hiệu, cùng năm.",
    }  # two Giấy khen in a year are two awards, not a repeat
    assert [r["row"] for r in result.valid_rows()] == [7, 8]  # type: ignore[attr-defined]


def test_a_missing_column_and_a_file_that_is_not_xlsx() -> None:
    result = read_past_award_rows([["STT", "Họ và tên", "Năm"]], today=TODAY, once_a_year=titles_only)
    assert [(e.row, e.column) for e in result.errors] == [(1, HEADER["id"]), (1, HEADER["award"])]
    assert read_past_awards_xlsx(b"not a workbook", today=TODAY, once_a_year=titles_only).errors[0].row == 0


def test_the_template_reads_back() -> None:
    content = write_past_awards_xlsx(
        [{"name": "A", "id": "001090000202", "unit": "ĐV", "award": "LĐTT", "year": 2024, "decision_number": "1/QĐ"}]
    )
    result = read_past_awards_xlsx(content, today=TODAY, once_a_year=titles_only)
    assert result.errors == [] and [(r["award"], r["year"]) for r in result.rows] == [("ADVANCED_WORKER", 2024)]
    assert read_past_awards_xlsx(write_past_awards_xlsx(), today=TODAY, once_a_year=titles_only).rows == []
