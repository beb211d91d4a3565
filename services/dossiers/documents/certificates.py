"""Certificates printed onto the office's pre-printed blanks (phôi Giấy khen, Giấy chứng nhận).

A blank has a print layout (`blanks/*.yaml`, or the office's own folder): where each field goes,
in millimetres from the sheet's top-left corner, and which fields are already printed on the
blank. A printer never feeds paper exactly where the layout says, so each blank carries
calibration offsets (the packaged default, then whatever the office recorded after printing a
test page). One batch prints many awardees as one PDF, one page each, only the variable fields;
the digital copy for an awardee's notification prints every field, blank included.

PDF by reportlab, with the Times New Roman family as fontconfig resolves it (Debian's Liberation
Serif, same metrics, every Vietnamese letter).
"""

from __future__ import annotations

import io
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from uuid import NAMESPACE_URL, UUID, uuid5

import yaml
from eventsourcing.domain import Aggregate, event

from shared.actor import Actor

if TYPE_CHECKING:
    from reportlab.pdfgen.canvas import Canvas

mm = 72 / 25.4
"""Points per millimetre (`reportlab.lib.units.mm`): reportlab itself is imported when first used."""

PACKAGED_BLANKS = Path(__file__).parent / "blanks"
FONT_FAMILY = "Times New Roman"
FALLBACK_FONTS = {
    "regular": "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
    "bold": "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf",
    "italic": "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Italic.ttf",
    "bolditalic": "/usr/share/fonts/truetype/dejavu/DejaVuSerif-BoldItalic.ttf",
}


class UnknownBlank(LookupError):
    pass


@dataclass(frozen=True)
class Field:
    key: str
    x: float
    y: float
    size: float = 14
    bold: bool = False
    italic: bool = False
    align: str = "center"
    max_width_mm: float | None = None
    preprinted: bool = False


@dataclass(frozen=True)
class Blank:
    """A print layout: the sheet, its fields, the awards it is for, its packaged calibration."""

    id: str
    name: str
    awards: tuple[str, ...]
    width_mm: float
    height_mm: float
    offset_x_mm: float
    offset_y_mm: float
    fields: tuple[Field, ...]

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Blank:
        page, offset = data["page"], data.get("offset_mm") or {}
        return cls(
            id=str(data["id"]),
            name=str(data["name"]),
            awards=tuple(data.get("awards") or ()),
            width_mm=float(page["width_mm"]),
            height_mm=float(page["height_mm"]),
            offset_x_mm=float(offset.get("x", 0)),
            offset_y_mm=float(offset.get("y", 0)),
            fields=tuple(Field(**f) for f in data["fields"]),
        )

    def field(self, key: str) -> Field | None:
        return next((f for f in self.fields if f.key == key), None)


class BlankBook:
    """The print layouts: the office's folder first, then the packaged ones."""

    def __init__(self, folder: Path | None = None) -> None:
        self._blanks: dict[str, Blank] = {}
        for directory in (PACKAGED_BLANKS, folder):
            if directory is None or not directory.is_dir():
                continue
            for path in sorted(directory.glob("*.yaml")):
                blank = Blank.from_dict(yaml.safe_load(path.read_text(encoding="utf-8")))
                self._blanks[blank.id] = blank

    def get(self, blank_id: str) -> Blank:
        try:
            return self._blanks[blank_id]
        except KeyError:
            raise UnknownBlank(f"Không có mẫu phôi «{blank_id}» (xem GET /certificate-blanks).") from None

    def all(self) -> list[Blank]:
        return list(self._blanks.values())


# --- calibration: recorded per blank, with who and when ---------------------------------------

CALIBRATION_NAMESPACE = uuid5(NAMESPACE_URL, "urn:tdkt:dossiers:blank-calibration")


class BlankCalibration(Aggregate):
    """The offsets the office measured for one blank on its printer; history kept."""

    @staticmethod
    def create_id(blank_id: str) -> UUID:
        return uuid5(CALIBRATION_NAMESPACE, blank_id)

    @event("Started")
    def __init__(self, blank_id: str) -> None:
        self.blank_id = blank_id
        self.offset_x_mm = 0.0
        self.offset_y_mm = 0.0
        self.note = ""
        self.calibrated_by: Actor | None = None
        self.calibrated_at: datetime | None = None

    @event("Calibrated")
    def calibrate(self, offset_x_mm: float, offset_y_mm: float, note: str, actor: Actor, at: datetime) -> None:
        self.offset_x_mm, self.offset_y_mm, self.note = offset_x_mm, offset_y_mm, note
        self.calibrated_by, self.calibrated_at = actor, at


# --- fonts --------------------------------------------------------------------------------------


def _fc_match(style: str) -> str | None:
    pattern = {"regular": "", "bold": ":bold", "italic": ":italic", "bolditalic": ":bold:italic"}[style]
    if not shutil.which("fc-match"):
        return None
    try:
        out = subprocess.run(
            ["fc-match", "-f", "%{file}", f"{FONT_FAMILY}{pattern}"], capture_output=True, text=True, timeout=10
        ).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return None
    return out if out.lower().endswith(".ttf") and Path(out).is_file() else None


@cache
def font_names() -> dict[str, str]:
    """Register the serif family once; style → reportlab font name."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    names = {}
    for style in ("regular", "bold", "italic", "bolditalic"):
        path = _fc_match(style) or FALLBACK_FONTS[style]
        name = f"tdkt-serif-{style}"
        pdfmetrics.registerFont(TTFont(name, path))
        names[style] = name
    return names


def _font(f: Field) -> str:
    style = ("bold" if f.bold else "") + ("italic" if f.italic else "")
    return font_names()[style or "regular"]


# --- drawing --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CertificateText:
    """What one certificate says, field by field (keys of the layout)."""

    nominee_id: str
    values: dict[str, str] = field(default_factory=dict)


def _fit(text: str, font: str, size: float, max_width_mm: float | None) -> float:
    """Shrink the size until the text fits the field's width (long collective names)."""
    if not max_width_mm:
        return size
    from reportlab.pdfbase import pdfmetrics

    while size > 8 and pdfmetrics.stringWidth(text, font, size) > max_width_mm * mm:
        size -= 0.5
    return size


def _draw(canvas: Canvas, blank: Blank, f: Field, text: str, dx: float, dy: float) -> None:
    if not text:
        return
    font = _font(f)
    size = _fit(text, font, f.size, f.max_width_mm)
    canvas.setFont(font, size)
    x = (f.x + dx) * mm
    # Layout y is the text's baseline measured from the top; PDF counts from the bottom.
    y = (blank.height_mm - (f.y + dy)) * mm
    if f.align == "left":
        canvas.drawString(x, y, text)
    elif f.align == "right":
        canvas.drawRightString(x, y, text)
    else:
        canvas.drawCentredString(x, y, text)


def _canvas(blank: Blank, buffer: io.BytesIO, title: str) -> Canvas:
    from reportlab.pdfgen.canvas import Canvas  # reportlab and Pillow: imported when first drawn

    canvas = Canvas(buffer, pagesize=(blank.width_mm * mm, blank.height_mm * mm), invariant=True)
    canvas.setTitle(title)
    canvas.setAuthor("tdkt")
    return canvas


def print_batch(
    blank: Blank, certificates: Sequence[CertificateText], *, offset: tuple[float, float], digital_copy: bool = False
) -> bytes:
    """One page per certificate: the variable fields only (onto blanks), shifted by `offset`, or
    every field (a digital copy, never shifted, with the blank's frame drawn)."""
    buffer = io.BytesIO()
    canvas = _canvas(blank, buffer, blank.name)
    dx, dy = (0.0, 0.0) if digital_copy else offset
    for certificate in certificates:
        if digital_copy:
            canvas.setLineWidth(2)
            canvas.rect(8 * mm, 8 * mm, (blank.width_mm - 16) * mm, (blank.height_mm - 16) * mm)
            canvas.setLineWidth(0.6)
            canvas.rect(11 * mm, 11 * mm, (blank.width_mm - 22) * mm, (blank.height_mm - 22) * mm)
        for f in blank.fields:
            if f.preprinted and not digital_copy:
                continue
            _draw(canvas, blank, f, certificate.values.get(f.key, ""), dx, dy)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def calibration_page(blank: Blank, *, offset: tuple[float, float]) -> bytes:
    """A page to print on plain paper and hold against a blank: a millimetre ruler along two
    edges, a cross at each field's anchor with its name, sample text where the variable fields
    go, all shifted by the current calibration; the offsets are printed on it."""
    buffer = io.BytesIO()
    canvas = _canvas(blank, buffer, f"Trang in thử – {blank.name}")
    fonts = font_names()
    dx, dy = offset
    height = blank.height_mm
    canvas.setLineWidth(0.3)
    for x in range(0, int(blank.width_mm) + 1, 5):
        length = 6 if x % 10 == 0 else 3
        canvas.line(x * mm, height * mm, x * mm, (height - length) * mm)
        if x % 50 == 0 and x:
            canvas.setFont(fonts["regular"], 7)
            canvas.drawString(x * mm + 1, (height - 9) * mm, str(x))
    for y in range(0, int(height) + 1, 5):
        length = 6 if y % 10 == 0 else 3
        canvas.line(0, (height - y) * mm, length * mm, (height - y) * mm)
        if y % 50 == 0 and y:
            canvas.setFont(fonts["regular"], 7)
            canvas.drawString(7 * mm, (height - y) * mm - 2, str(y))
    for f in blank.fields:
        x, y = (f.x + dx) * mm, (height - (f.y + dy)) * mm
        canvas.line(x - 3 * mm, y, x + 3 * mm, y)
        canvas.line(x, y - 3 * mm, x, y + 3 * mm)
        canvas.setFont(fonts["italic"], 7)
        canvas.drawString(x + 1 * mm, y + 1 * mm, f.key + (" (in sẵn trên phôi)" if f.preprinted else ""))
        if not f.preprinted:
            _draw(canvas, blank, f, SAMPLE_TEXT.get(f.key, "Mẫu chữ in thử"), dx, dy)
    canvas.setFont(fonts["regular"], 10)
    canvas.drawString(
        20 * mm,
        12 * mm,
        f"TRANG IN THỬ – {blank.name} – độ lệch đang dùng: ngang {dx:+.1f} mm, dọc {dy:+.1f} mm. "
        "Đặt lên phôi, soi ngược sáng, đo độ lệch rồi ghi hiệu chỉnh.",
    )
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


SAMPLE_TEXT = {
    "name": "Ông Nguyễn Văn Thử",
    "title": "Danh hiệu “Lao động tiên tiến”",
    "position_unit": "Chức vụ, đơn vị công tác (mẫu in thử)",
    "achievement": "Đã có thành tích xuất sắc trong phong trào thi đua (mẫu in thử)",
    "year": "Năm 2025",
    "place_date": "Thanh Oai, ngày 05 tháng 9 năm 2025",
    "signer_title": "CHỦ TỊCH",
    "signer_name": "Họ và tên người ký",
    "decision_ref": "Quyết định số 01/QĐ-UBND ngày 05/9/2025",
    "register_number": "Số vào sổ: 01/01",
}
