"""Reading a unit's XLSX list: a Vietnamese message per row and column, headers found by name."""

from __future__ import annotations

from services.dossiers.annual.identity import person_key
from services.dossiers.annual.nominee_import import read_rows, read_xlsx, write_xlsx

AWARDS = ["ADVANCED_WORKER", "GRASSROOTS_EMULATION_FIGHTER", "ADVANCED_COLLECTIVE"]


def test_rows_are_read_with_labels_or_abbreviations_in_any_column_order() -> None:
    sheet = [
        ["Danh hiệu đề nghị", "Ho va ten", "Số CCCD", "Giới tính", "Chức vụ", "Đơn vị công tác", "Xếp loại"],
        ["LĐTT", "Nguyễn Thị Hương", "001 090 000 001", "nữ", "Giáo viên", "THCS", "hoàn thành tốt nhiệm vụ"],
        ["CSTĐCS", "Trần Văn Minh", "001090000002", "Nam", "Tổ trưởng", "THCS", "Hoàn thành xuất sắc nhiệm vụ"],
    ]  # fmt: skip
    result = read_rows(sheet, proposing_unit="THCS-KIM-BAI", awards_considered=AWARDS)
    assert result.errors == []
    first, second = (r["nominee"] for r in result.rows)
    assert first["award"] == "ADVANCED_WORKER" and first["gender"] == "FEMALE" and first["performance_rating"] == "GOOD"
    assert second["award"] == "GRASSROOTS_EMULATION_FIGHTER"
    assert result.rows[0]["identity"] == person_key("001090000001")
    assert "001090000001" not in str(result.rows)  # the raw ID number is not kept


def test_every_bad_cell_is_named_by_row_and_column() -> None:
    sheet = [
        ["Họ và tên", "Đối tượng", "Mã cá nhân", "Giới tính", "Chức vụ", "Đơn vị", "Danh hiệu đề nghị", "Quân số"],
        ["", "Cá nhân", "P-0001", "Nam", "CV", "Xã", "LĐTT", None],
        ["Tổ Văn", "Tập thể", None, None, None, None, "Tập thể lao động tiên tiến", "mười"],
        ["Lê Văn C", "Người", "P-0002", "Nam", "CV", "Xã", "Bằng khen", None],
    ]  # fmt: skip
    result = read_rows(sheet, proposing_unit="XA-A", awards_considered=AWARDS)
    assert [e.as_dict() for e in result.errors] == [
        {"row": 2, "column": "Họ và tên", "message": "Bắt buộc nhập họ và tên (tên tập thể)."},
        {"row": 3, "column": "Số thành viên", "message": "Số thành viên phải là số nguyên dương."},
        {"row": 4, "column": "Đối tượng", "message": "Đối tượng phải là «Cá nhân», «Tập thể» hoặc «Hộ gia đình»."},
        {"row": 4, "column": "Danh hiệu đề nghị", "message": "Đợt xét này không xét danh hiệu «Bằng khen»."},
    ]
    assert result.valid_rows() == []


def test_a_file_without_the_needed_columns_or_not_xlsx_is_refused_whole() -> None:
    missing = read_xlsx(write_xlsx([]).replace(b"", b""), proposing_unit="X", awards_considered=AWARDS)
    assert missing.errors == []  # the writer's own layout has every column, and no row
    headers = read_rows([["Họ và tên", "Giới tính"]], proposing_unit="X", awards_considered=AWARDS)
    assert {e.column for e in headers.errors} == {"Danh hiệu đề nghị", "Số CCCD"}
    assert read_xlsx(b"not a spreadsheet", proposing_unit="X", awards_considered=AWARDS).errors[0].message == (
        "Tệp không phải bảng tính XLSX đọc được."
    )


def test_the_direct_xml_reader_reads_what_openpyxl_reads() -> None:
    import io

    from openpyxl import Workbook, load_workbook

    from services.dossiers.annual.xlsx_rows import sheet_rows

    book = Workbook()  # a normal workbook: shared strings, numbers, a gap, a formula's cached value absent
    sheet = book.active
    sheet.append(["Họ và tên", "Số CCCD", None, "Số thành viên", "Tỷ lệ"])
    sheet.append(["Tổ Toán – Tin", "001090000001", None, 12, 0.75])
    sheet.append([None, None, None, None, True])
    out = io.BytesIO()
    book.save(out)
    content = out.getvalue()
    expected = [list(r) for r in load_workbook(io.BytesIO(content), read_only=True).active.iter_rows(values_only=True)]
    got = list(sheet_rows(content))
    assert [r + [None] * (len(e) - len(r)) for r, e in zip(got, expected, strict=True)] == expected
