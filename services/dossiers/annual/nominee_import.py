"""Reading a unit's year-end list (danh sách đề nghị) from the office's usual XLSX layout.

Row by row, column by column: every problem is reported with its row number (as Excel shows it)
and its column header, in Vietnamese; nothing is kept from a file with errors unless the caller
chooses to keep its valid rows. Columns are found by their header (any order; case, spacing and
diacritics as typed by offices are tolerated), so a sheet with extra columns still reads.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from xml.etree.ElementTree import ParseError

from services.dossiers.annual.identity import collective_key, person_key, valid_id_number, valid_person_id
from services.dossiers.annual.xlsx_rows import sheet_rows
from services.dossiers.domain.values import LABELS, AwardForm, Gender, NomineeKind, PerformanceRating, Title
from shared.text import fold_vietnamese as fold

COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("Họ và tên", "Họ tên", "Tên tập thể", "Tên"),
    "kind": ("Đối tượng", "Loại đối tượng"),
    "id_number": ("Số CCCD", "Số định danh cá nhân", "CCCD"),
    "person_id": ("Mã cá nhân",),
    "gender": ("Giới tính",),
    "position": ("Chức vụ", "Chức vụ, chức danh"),
    "unit": ("Đơn vị công tác", "Đơn vị"),
    "award": ("Danh hiệu đề nghị", "Danh hiệu, hình thức đề nghị", "Hình thức đề nghị"),
    "rating": ("Xếp loại", "Kết quả đánh giá, xếp loại"),
    "initiative": ("Sáng kiến", "Tên sáng kiến"),
    "initiative_by": ("Cấp công nhận sáng kiến", "Cơ quan công nhận sáng kiến"),
    "size": ("Số thành viên", "Quân số"),
}
HEADER = {key: names[0] for key, names in COLUMNS.items()}
REQUIRED_COLUMNS = ("name", "award")


def _fold(text: Any) -> str:
    return " ".join(fold(str(text)).replace(",", " ").replace(".", " ").split())


KINDS = {"ca nhan": NomineeKind.INDIVIDUAL, "tap the": NomineeKind.COLLECTIVE, "ho gia dinh": NomineeKind.HOUSEHOLD}
GENDERS = {"nam": Gender.MALE, "nu": Gender.FEMALE}
ABBREVIATIONS = {
    "ldtt": Title.ADVANCED_WORKER,
    "cstdcs": Title.GRASSROOTS_EMULATION_FIGHTER,
    "ttldtt": Title.ADVANCED_COLLECTIVE,
    "ttldxs": Title.EXCELLENT_COLLECTIVE,
    "cstd cap tinh": Title.PROVINCIAL_EMULATION_FIGHTER,
    "gk": AwardForm.CERTIFICATE_OF_MERIT,
}
AWARDS: dict[str, str] = {
    **{_fold(LABELS[v]): v.value for v in (*Title, *AwardForm)},
    **{v.value.lower(): v.value for v in (*Title, *AwardForm)},
    **{k: v.value for k, v in ABBREVIATIONS.items()},
}
RATINGS = {_fold(LABELS[r]): r for r in PerformanceRating} | {r.value.lower(): r for r in PerformanceRating}


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class ImportResult:
    """The nominees read (with the sheet row each came from) and the problems found."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    rows_read: int = 0

    @property
    def bad_rows(self) -> set[int]:
        return {e.row for e in self.errors}

    def valid_rows(self) -> list[dict[str, Any]]:
        bad = self.bad_rows
        return [r for r in self.rows if r["row"] not in bad]

    def summary(self) -> dict[str, Any]:
        return {
            "rows_read": self.rows_read,
            "valid_rows": len(self.valid_rows()),
            "rows_with_errors": len(self.bad_rows),
            "errors": [e.as_dict() for e in self.errors],
        }


def find_columns(header: Sequence[Any], columns: Mapping[str, Sequence[str]]) -> dict[str, int]:
    """Where each wanted column is, by its header as offices type it (the first match wins)."""
    wanted = {_fold(n): key for key, names in columns.items() for n in names}
    found: dict[str, int] = {}
    for i, cell in enumerate(header):
        key = wanted.get(_fold(cell)) if cell is not None else None
        if key and key not in found:
            found[key] = i
    return found


def _columns(header: Sequence[Any]) -> tuple[dict[str, int], list[RowError]]:
    found = find_columns(header, COLUMNS)
    missing = [HEADER[k] for k in REQUIRED_COLUMNS if k not in found]
    errors = [RowError(1, name, f"Thiếu cột «{name}» ở dòng tiêu đề.") for name in missing]
    if "id_number" not in found and "person_id" not in found:
        errors.append(
            RowError(1, HEADER["id_number"], "Thiếu cột «Số CCCD» hoặc «Mã cá nhân»: cần để nhận ra từng người.")
        )
    return found, errors


def read_rows(
    values: Iterable[Sequence[Any]],
    *,
    proposing_unit: str,
    awards_considered: Iterable[str],
    first_row: int = 1,
) -> ImportResult:
    """Validate a sheet given as rows of cell values (the first is the header)."""
    result = ImportResult()
    it = iter(values)
    header = next(it, None)
    if header is None:
        result.errors.append(RowError(first_row, "", "Tệp không có dữ liệu."))
        return result
    cols, errors = _columns(header)
    result.errors += errors
    if errors:
        return result
    considered = set(awards_considered)
    seen: dict[tuple[str, str], int] = {}
    for offset, raw in enumerate(it, start=1):
        row_no = first_row + offset
        cells = {k: (raw[i] if i < len(raw) else None) for k, i in cols.items()}
        if all(v is None or str(v).strip() == "" for v in cells.values()):
            continue
        result.rows_read += 1
        errs: list[RowError] = []

        def fail(key: str, message: str, row_no: int = row_no, errs: list[RowError] = errs) -> None:
            errs.append(RowError(row_no, HEADER[key], message))

        def text(key: str, cells: Mapping[str, Any] = cells) -> str:
            v = cells.get(key)
            return "" if v is None else str(v).strip()

        name = text("name")
        if not name:
            fail("name", "Bắt buộc nhập họ và tên (tên tập thể).")
        kind = NomineeKind.INDIVIDUAL
        if text("kind"):
            kind = KINDS.get(_fold(text("kind")))  # type: ignore[assignment]
            if kind is None:
                fail("kind", "Đối tượng phải là «Cá nhân», «Tập thể» hoặc «Hộ gia đình».")
                kind = NomineeKind.INDIVIDUAL
        award = AWARDS.get(_fold(text("award"))) if text("award") else None
        if not text("award"):
            fail("award", "Bắt buộc nhập danh hiệu, hình thức đề nghị.")
        elif award is None:
            fail("award", f"Không nhận ra danh hiệu «{text('award')}».")
        elif considered and award not in considered:
            fail("award", f"Đợt xét này không xét danh hiệu «{LABELS.get(award, award)}».")
        nominee: dict[str, Any] = {"kind": kind.value, "name": name, "award": award or ""}
        identity = ""
        if kind is NomineeKind.INDIVIDUAL:
            id_number, person_id = text("id_number"), text("person_id")
            if id_number and not valid_id_number(id_number):
                fail("id_number", "Số CCCD phải gồm 12 chữ số (hoặc 9 chữ số với CMND cũ).")
            elif person_id and not valid_person_id(person_id):
                fail("person_id", "Mã cá nhân phải có dạng P-… (chữ, số, dấu gạch ngang).")
            elif not id_number and not person_id:
                fail("id_number", "Bắt buộc nhập số CCCD hoặc mã cá nhân.")
            else:
                identity = person_key(id_number) if id_number else person_id
            gender = GENDERS.get(_fold(text("gender")))
            if gender is None:
                fail("gender", "Giới tính phải là «Nam» hoặc «Nữ».")
            nominee["gender"] = gender.value if gender else None
            for key in ("position", "unit"):
                if not text(key):
                    fail(key, "Bắt buộc nhập với cá nhân.")
                nominee[key] = text(key)
            if text("rating"):
                rating = RATINGS.get(_fold(text("rating")))
                if rating is None:
                    fail(
                        "rating", "Xếp loại phải là một trong: " + ", ".join(LABELS[r] for r in PerformanceRating) + "."
                    )
                else:
                    nominee["performance_rating"] = rating.value
            nominee["is_direct_worker"] = False
            if text("initiative"):
                nominee["initiatives"] = [
                    {"title": text("initiative"), "recognised_by": text("initiative_by") or proposing_unit}
                ]
        else:
            identity = collective_key(proposing_unit, name)
            size = cells.get("size")
            if kind is NomineeKind.COLLECTIVE:
                if not isinstance(size, int | float) or isinstance(size, bool) or int(size) < 1 or size != int(size):
                    fail("size", "Số thành viên phải là số nguyên dương.")
                else:
                    nominee["size"] = int(size)
        if identity and award:
            key = (identity, award)
            if key in seen:
                fail("award", f"Trùng với dòng {seen[key]}: cùng người (tập thể), cùng danh hiệu.")
            else:
                seen[key] = row_no
        result.errors += errs
        result.rows.append({"row": row_no, "identity": identity, "nominee": nominee})
    return result


NOT_XLSX = RowError(0, "", "Tệp không phải bảng tính XLSX đọc được.")


def read_sheet(content: bytes) -> list[list[Any]] | None:
    """The first sheet's rows of an XLSX file (straight from its XML; through openpyxl when that
    fails), or None when the file is not a readable XLSX. A date cell comes as a `datetime` through
    openpyxl and as its serial number straight from the XML (see `cell_date`)."""
    try:
        return list(sheet_rows(content))
    except (ValueError, KeyError, IndexError, zipfile.BadZipFile, ParseError):
        pass
    from openpyxl import load_workbook  # ~10 MiB: imported when a sheet is first read this way, not at start

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises several kinds for a file that is not XLSX
        return None
    try:
        return [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
    except Exception:  # a sheet openpyxl cannot read either
        return None
    finally:
        book.close()


def read_xlsx(content: bytes, *, proposing_unit: str, awards_considered: Iterable[str]) -> ImportResult:
    """Read the first sheet of an XLSX file."""
    rows = read_sheet(content)
    if rows is None:
        return ImportResult(errors=[NOT_XLSX])
    return read_rows(rows, proposing_unit=proposing_unit, awards_considered=awards_considered)


def write_table(header: Mapping[str, str], rows: Iterable[Mapping[str, Any]], title: str) -> bytes:
    """An XLSX list: STT, then one column per key of `header` (its Vietnamese title)."""
    from openpyxl import Workbook  # ~10 MiB: imported when a list is first written, not at start

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title)
    keys = list(header)
    sheet.append(["STT", *(header[k] for k in keys)])
    for i, row in enumerate(rows, start=1):
        sheet.append([i, *(row.get(k) for k in keys)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def write_xlsx(rows: Iterable[Mapping[str, Any]]) -> bytes:
    """A list in the layout `read_xlsx` reads (headers in Vietnamese; keys as `COLUMNS`)."""
    return write_table(HEADER, rows, "Danh sách")
