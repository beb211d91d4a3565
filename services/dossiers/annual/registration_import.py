"""Reading a unit's emulation registration (its people's individual targets) from an XLSX list:
one person and title per row, a Vietnamese message per row and column, as the year-end lists."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

from services.dossiers.annual.identity import person_key, valid_id_number, valid_person_id
from services.dossiers.annual.nominee_import import AWARDS, ImportResult, RowError, _fold

COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("Họ và tên", "Họ tên"),
    "id_number": ("Số CCCD", "Số định danh cá nhân", "CCCD"),
    "person_id": ("Mã cá nhân",),
    "award": ("Danh hiệu đăng ký", "Danh hiệu", "Danh hiệu thi đua đăng ký"),
}
HEADER = {key: names[0] for key, names in COLUMNS.items()}


def read_registration_rows(values: Iterable[Sequence[Any]]) -> ImportResult:
    """Rows `{row, identity, name, award}`; the header row first."""
    result = ImportResult()
    it = iter(values)
    header = next(it, None) or []
    wanted = {_fold(n): key for key, names in COLUMNS.items() for n in names}
    cols: dict[str, int] = {}
    for i, cell in enumerate(header):
        key = wanted.get(_fold(cell)) if cell is not None else None
        if key and key not in cols:
            cols[key] = i
    for key in ("name", "award"):
        if key not in cols:
            result.errors.append(RowError(1, HEADER[key], f"Thiếu cột «{HEADER[key]}» ở dòng tiêu đề."))
    if "id_number" not in cols and "person_id" not in cols:
        result.errors.append(RowError(1, HEADER["id_number"], "Thiếu cột «Số CCCD» hoặc «Mã cá nhân»."))
    if result.errors:
        return result
    seen: dict[tuple[str, str], int] = {}
    for row_no, raw in enumerate(it, start=2):
        cells = {k: ("" if i >= len(raw) or raw[i] is None else str(raw[i]).strip()) for k, i in cols.items()}
        if not any(cells.values()):
            continue
        result.rows_read += 1
        errors: list[RowError] = []
        if not cells["name"]:
            errors.append(RowError(row_no, HEADER["name"], "Bắt buộc nhập họ và tên."))
        award = AWARDS.get(_fold(cells["award"])) if cells["award"] else None
        if award is None:
            errors.append(RowError(row_no, HEADER["award"], f"Không nhận ra danh hiệu «{cells['award']}»."))
        id_number, person_id = cells.get("id_number", ""), cells.get("person_id", "")
        identity = ""
        if id_number and not valid_id_number(id_number):
            errors.append(
                RowError(row_no, HEADER["id_number"], "Số CCCD phải gồm 12 chữ số (hoặc 9 chữ số với CMND cũ).")
            )
        elif person_id and not id_number and not valid_person_id(person_id):
            errors.append(RowError(row_no, HEADER["person_id"], "Mã cá nhân phải có dạng P-…"))
        elif not id_number and not person_id:
            errors.append(RowError(row_no, HEADER["id_number"], "Bắt buộc nhập số CCCD hoặc mã cá nhân."))
        else:
            identity = person_key(id_number) if id_number else person_id
        if identity and award:
            if (identity, award) in seen:
                errors.append(RowError(row_no, HEADER["award"], f"Trùng với dòng {seen[(identity, award)]}."))
            seen.setdefault((identity, award), row_no)
        result.errors += errors
        result.rows.append({"row": row_no, "identity": identity, "name": cells["name"], "award": award or ""})
    return result


def read_registration_xlsx(content: bytes) -> ImportResult:
    from openpyxl import (
        load_workbook,  # openpyxl (~10 MiB): imported when a spreadsheet is first read or written, not at start
    )

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises several kinds for a file that is not XLSX
        return ImportResult(errors=[RowError(0, "", "Tệp không phải bảng tính XLSX đọc được.")])
    try:
        return read_registration_rows(book.worksheets[0].iter_rows(values_only=True))
    finally:
        book.close()
