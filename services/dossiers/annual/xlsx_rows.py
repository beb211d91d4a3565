"""The cell values of an XLSX file's first sheet, read straight from its XML parts.

A unit's list is a plain table (text and numbers), and a round imports thousands of rows, so this
reads the parts the table needs (shared strings, the first sheet) with the standard library's
streaming XML parser instead of building openpyxl's cell objects; anything it does not expect
(no sheet, a broken part) raises `ValueError`, and the caller falls back to openpyxl."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from typing import Any
from xml.etree.ElementTree import iterparse

NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_COLUMN = re.compile(r"^([A-Z]+)")


def _column_index(ref: str) -> int:
    letters = _COLUMN.match(ref)
    if not letters:
        raise ValueError(f"cell reference {ref!r}")
    n = 0
    for ch in letters.group(1):
        n = n * 26 + ord(ch) - 64
    return n - 1


def _text(el: Any) -> str:
    return "".join(t.text or "" for t in el.iter(f"{NS}t"))


def _first_sheet(book: zipfile.ZipFile) -> str:
    names = set(book.namelist())
    workbook = iterparse(io.BytesIO(book.read("xl/workbook.xml")))
    rel_id = next((el.get(f"{REL_NS}id") for _, el in workbook if el.tag == f"{NS}sheet"), None)
    if rel_id is None:
        raise ValueError("no sheet")
    for _, el in iterparse(io.BytesIO(book.read("xl/_rels/workbook.xml.rels"))):
        if el.tag == f"{PKG_REL}Relationship" and el.get("Id") == rel_id:
            target = el.get("Target") or ""
            path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            if path in names:
                return path
    raise ValueError("sheet part not found")


def sheet_rows(content: bytes) -> Iterator[list[Any]]:
    """Each row's values (str, int, float, bool or None), gaps filled with None."""
    with zipfile.ZipFile(io.BytesIO(content)) as book:
        shared: list[str] = []
        if "xl/sharedStrings.xml" in book.namelist():
            for _, el in iterparse(io.BytesIO(book.read("xl/sharedStrings.xml"))):
                if el.tag == f"{NS}si":
                    shared.append(_text(el))
                    el.clear()
        sheet = book.read(_first_sheet(book))
    for _, row in iterparse(io.BytesIO(sheet)):
        if row.tag != f"{NS}row":
            continue
        values: list[Any] = []
        for c in row.iter(f"{NS}c"):
            index = _column_index(c.get("r") or "") if c.get("r") else len(values)
            kind, v = c.get("t", "n"), c.find(f"{NS}v")
            if kind == "s":
                value: Any = shared[int(v.text)] if v is not None and v.text else None
            elif kind == "inlineStr":
                value = _text(c)
            elif kind == "b":
                value = v is not None and v.text == "1"
            elif kind in ("str", "e"):
                value = v.text if v is not None else None
            elif v is None or v.text is None:
                value = None
            else:
                number = float(v.text)
                value = (
                    int(number) if number.is_integer() and "." not in v.text and "E" not in v.text.upper() else number
                )
            values.extend([None] * (index - len(values)))
            values.append(value)
        row.clear()
        yield values
