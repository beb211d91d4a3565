"""Reading the office's register of past awards (sổ khen thưởng) from its usual XLSX layout:
STT, Họ và tên, Số CCCD / Mã định danh, Đơn vị, Danh hiệu / Hình thức, Năm, Số quyết định,
Ngày quyết định. One award per row; a Vietnamese message per row and column, as the year-end
lists (`nominee_import`, whose sheet reading and column matching this reuses)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from services.dossiers.annual.identity import person_key, valid_id_number, valid_person_id
from services.dossiers.annual.nominee_import import (
    AWARDS,
    NOT_XLSX,
    ImportResult,
    RowError,
    _fold,
    find_columns,
    read_sheet,
    write_table,
)

COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("Họ và tên", "Họ tên", "Tên"),
    "id": ("Số CCCD / Mã định danh", "Số CCCD", "Mã định danh", "Số định danh cá nhân", "CCCD", "Mã cá nhân"),
    "unit": ("Đơn vị", "Đơn vị công tác"),
    "award": ("Danh hiệu / Hình thức", "Danh hiệu", "Hình thức khen thưởng", "Danh hiệu, hình thức"),
    "year": ("Năm", "Năm khen thưởng", "Năm thi đua"),
    "decision_number": ("Số quyết định", "Số QĐ"),
    "decision_date": ("Ngày quyết định", "Ngày QĐ", "Ngày ký"),
}
HEADER = {key: names[0] for key, names in COLUMNS.items()}
REQUIRED = ("name", "id", "award", "year")
EXCEL_EPOCH = date(1899, 12, 30)
"""Day 0 of Excel's date serial numbers (the 1900 system, with its phantom 29/2/1900)."""
_DAY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")


def cell_date(value: Any) -> date | None:
    """A date cell as typed: a date, an Excel serial number, `dd/mm/yyyy` or ISO; None if not one."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and 1 <= value < 2_958_466:
        return EXCEL_EPOCH + timedelta(days=int(value))
    text = str(value).strip()
    try:
        if m := _DAY.match(text):
            return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        return date.fromisoformat(text)
    except ValueError:
        return None


def _year(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float) and value == int(value):
        return int(value)
    text = str(value).strip()
    return int(text) if text.isdigit() else None


def read_past_award_rows(
    values: Iterable[Sequence[Any]], *, today: date, once_a_year: Callable[[str], bool]
) -> ImportResult:
    """Rows `{row, id_number | person_id, name, unit, award, year, decision_number, decision_date}`
    (as `AnnualWork.import_past_awards` takes them); the header row first. The same person twice
    for an award limited to one a year, in the same year, is an error on the second row."""
    result = ImportResult()
    it = iter(values)
    cols = find_columns(next(it, None) or [], COLUMNS)
    for key in REQUIRED:
        if key not in cols:
            result.errors.append(RowError(1, HEADER[key], f"Thiếu cột «{HEADER[key]}» ở dòng tiêu đề."))
    if result.errors:
        return result
    seen: dict[tuple[str, str, int], int] = {}
    for row_no, raw in enumerate(it, start=2):
        cells = {k: (raw[i] if i < len(raw) else None) for k, i in cols.items()}
        text = {k: "" if v is None else str(v).strip() for k, v in cells.items()}
        if not any(text.values()):
            continue
        result.rows_read += 1
        errors: list[RowError] = []

        def fail(key: str, message: str, row_no: int = row_no, errors: list[RowError] = errors) -> None:
            errors.append(RowError(row_no, HEADER[key], message))

        row: dict[str, Any] = {"row": row_no, "name": text["name"], "unit": text.get("unit", "")}
        if not text["name"]:
            fail("name", "Bắt buộc nhập họ và tên.")
        identity = ""
        given = text["id"]
        if not given:
            fail("id", "Bắt buộc nhập số CCCD (12 chữ số) hoặc mã cá nhân (P-…).")
        elif valid_id_number(given):
            row["id_number"], identity = given, person_key(given)
        elif valid_person_id(given):
            row["person_id"] = identity = given.strip()
        else:
            fail("id", "Số CCCD phải gồm 12 chữ số (hoặc 9 chữ số với CMND cũ); mã cá nhân có dạng P-….")
        award = AWARDS.get(_fold(text["award"])) if text["award"] else None
        if not text["award"]:
            fail("award", "Bắt buộc nhập danh hiệu hoặc hình thức khen thưởng.")
        elif award is None:
            fail("award", f"Không nhận ra danh hiệu, hình thức «{text['award']}».")
        row["award"] = award or ""
        year = _year(cells["year"]) if text["year"] else None
        if not text["year"]:
            fail("year", "Bắt buộc nhập năm.")
        elif year is None or not 1945 <= year <= today.year:
            fail("year", f"Năm phải là số từ 1945 đến {today.year}.")
        row["year"] = year
        row["decision_number"] = text.get("decision_number", "")
        row["decision_date"] = ""
        if text.get("decision_date"):
            day = cell_date(cells["decision_date"])
            if day is None:
                fail("decision_date", "Ngày quyết định phải có dạng ngày/tháng/năm (ví dụ 25/12/2023).")
            elif day > today or day.year < 1945:
                fail("decision_date", "Ngày quyết định không hợp lệ (sau hôm nay hoặc trước năm 1945).")
            elif year is not None and day.year < year:
                fail("decision_date", f"Ngày quyết định trước năm khen thưởng {year}.")
            else:
                row["decision_date"] = day.isoformat()
        if identity and award and year is not None and once_a_year(award):
            key = (identity, award, year)
            if key in seen:
                fail("award", f"Trùng với dòng {seen[key]}: cùng người, cùng danh hiệu, cùng năm.")
            seen.setdefault(key, row_no)
        result.errors += errors
        result.rows.append(row)
    return result


def read_past_awards_xlsx(content: bytes, *, today: date, once_a_year: Callable[[str], bool]) -> ImportResult:
    rows = read_sheet(content)
    if rows is None:
        return ImportResult(errors=[NOT_XLSX])
    return read_past_award_rows(rows, today=today, once_a_year=once_a_year)


def write_past_awards_xlsx(rows: Iterable[dict[str, Any]] = ()) -> bytes:
    """The office's layout, with `rows` (keys as `COLUMNS`, `id` the ID number or person id); with
    none, the empty template offered for download."""
    return write_table(HEADER, rows, "Sổ khen thưởng")
