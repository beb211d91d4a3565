"""CSV and XLSX files of a report, with Vietnamese headers.

A report becomes one or more `Sheet`s (see `tabulate.py`); CSV carries the first sheet only (one
table per file is what spreadsheet imports expect), XLSX carries them all. CSV is UTF-8 with a
byte-order mark, so that Excel shows the diacritics; numbers keep a dot as decimal separator.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from fastapi.responses import Response
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("json", "csv", "xlsx")


@dataclass
class Sheet:
    name: str  # at most 31 characters (an Excel limit)
    columns: list[str]
    rows: list[list[Any]]
    heading: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def to_csv(sheet: Sheet) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(sheet.columns)
    for row in sheet.rows:
        writer.writerow(["" if v is None else v for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(sheets: list[Sheet]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for sheet in sheets:
        ws = book.create_sheet(sheet.name[:31])
        for line in sheet.heading:
            ws.append([line])
            ws.cell(ws.max_row, 1).font = Font(bold=ws.max_row == 1)
        if sheet.heading:
            ws.append([])
        ws.append(sheet.columns)
        header_row = ws.max_row
        for cell in ws[header_row]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for row in sheet.rows:
            ws.append(row)
            for cell in ws[ws.max_row]:
                if isinstance(cell.value, bool):
                    continue
                if isinstance(cell.value, int):
                    cell.number_format = "#,##0"
                elif isinstance(cell.value, float):
                    cell.number_format = "#,##0.0"
        if sheet.notes:
            ws.append([])
            for note in sheet.notes:
                ws.append([note])
        for index, title in enumerate(sheet.columns, start=1):
            longest = max([len(str(title))] + [len(str(r[index - 1])) for r in sheet.rows if len(r) >= index] + [8])
            ws.column_dimensions[get_column_letter(index)].width = min(longest + 2, 60)
        ws.freeze_panes = ws.cell(header_row + 1, 1)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def file_response(sheets: list[Sheet], fmt: str, filename: str) -> Response:
    """The report as a download; `filename` without extension, ASCII."""
    if fmt == "csv":
        return Response(
            to_csv(sheets[0]),
            media_type=CSV_MEDIA_TYPE,
            headers={"Content-Disposition": f'attachment; filename="{filename}.csv"'},
        )
    return Response(
        to_xlsx(sheets),
        media_type=XLSX_MEDIA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{filename}.xlsx"'},
    )
