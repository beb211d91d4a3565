"""Reading a PDF's text layout for the documents tests: lines with their position and font."""

from __future__ import annotations

import io
import os
import shutil
from dataclasses import dataclass

import pdfplumber
import pytest

A4_PORTRAIT = (595.3, 841.9)
A4_LANDSCAPE = (841.9, 595.3)


@dataclass(frozen=True)
class Line:
    page: int
    text: str
    x0: float
    x1: float
    top: float
    fonts: frozenset[str]

    @property
    def centre(self) -> float:
        return (self.x0 + self.x1) / 2


def lines(pdf: bytes) -> list[Line]:
    found = []
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        for number, page in enumerate(document.pages, start=1):
            for line in page.extract_text_lines(layout=False, strip=True):
                fonts = frozenset(c["fontname"].split("+")[-1] for c in line["chars"])
                found.append(Line(number, line["text"], line["x0"], line["x1"], line["top"], fonts))
    return found


def page_sizes(pdf: bytes) -> list[tuple[float, float]]:
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        return [(round(float(p.width), 1), round(float(p.height), 1)) for p in document.pages]


def find(found: list[Line], text: str, page: int | None = None) -> Line:
    for line in found:
        if text in line.text and (page is None or line.page == page):
            return line
    raise AssertionError(f"«{text}» not on {'page ' + str(page) if page else 'any page'}: {[x.text for x in found]}")


def needs_libreoffice() -> pytest.MarkDecorator:
    """PDF tests need LibreOffice; CI installs it (`.ci/run`) and requires it."""
    missing = shutil.which("soffice") is None
    if missing and os.environ.get("TDKT_REQUIRE_LIBREOFFICE") == "1":
        raise RuntimeError("TDKT_REQUIRE_LIBREOFFICE=1 but soffice is not installed")
    return pytest.mark.skipif(
        missing, reason="LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui"
    )
