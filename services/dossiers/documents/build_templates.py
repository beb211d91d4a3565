"""Builds the packaged Word templates (`templates/*.docx`) laid out per NĐ 30/2020/NĐ-CP Phụ lục I.

The templates are ordinary .docx files with Jinja tags (docxtpl) that an office opens in Word and
edits: wording, spacing, an extra line of "Nơi nhận". This module only made the packaged set
(`python -m services.dossiers.documents.build_templates`); an office keeps its edited copies in
`TDKT_DOSSIERS_DOCUMENT_TEMPLATES_DIR`, which this never overwrites.

Layout (Phụ lục I, read in secondary quotations, see docs/documents.md): A4 portrait; margins top
and bottom 20 mm, left 30 mm, right 15 mm; Times New Roman; national title 13 bold upper case,
motto 14 bold with a line under it; the issuer 13 bold upper case under its governing body (13
regular); "Số:" 13; place and date 14 italic; title 14 bold upper case with its abstract 14 bold;
"Căn cứ" lines 14 italic; body 14 justified; "Nơi nhận:" 12 bold italic and its list 11; the
signer's title 14 bold upper case and name 14 bold; page numbers from page 2, centred at the top.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

TEMPLATES_DIR = Path(__file__).parent / "templates"
FONT = "Times New Roman"


def _run(p: Paragraph, text: str, *, size: int = 14, bold: bool = False, italic: bool = False, underline=False):
    run = p.add_run(text)
    run.font.name = FONT
    run.font.size = Pt(size)
    run.bold, run.italic, run.underline = bold, italic, underline
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)
    return run


def _para(
    container,
    text: str = "",
    *,
    size: int = 14,
    bold: bool = False,
    italic: bool = False,
    align=WD_ALIGN_PARAGRAPH.CENTER,
    before: float = 0,
    after: float = 0,
    indent_first: float | None = None,
    underline: bool = False,
    line: float = 1.0,
) -> Paragraph:
    p = container.add_paragraph()
    p.alignment = align
    fmt = p.paragraph_format
    fmt.space_before, fmt.space_after, fmt.line_spacing = Pt(before), Pt(after), line
    if indent_first is not None:
        fmt.first_line_indent = Mm(indent_first)
    if text:
        _run(p, text, size=size, bold=bold, italic=italic, underline=underline)
    return p


def _rule_after(container, width_mm: float, available_mm: float) -> None:
    """A short solid line, centred under the text above it (NĐ 30: under the issuer, the motto
    and the abstract), drawn as the bottom border of an empty 2-pt paragraph."""
    p = _para(container, "", size=2)
    side = max((available_mm - width_mm) / 2, 0)
    p.paragraph_format.left_indent, p.paragraph_format.right_indent = Mm(side), Mm(side)
    ppr = p._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    ppr.append(borders)


def _no_borders(table: Table) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    tbl_pr.append(borders)


def _grid(table: Table) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{side}")
        for key, value in (("w:val", "single"), ("w:sz", "4"), ("w:space", "0"), ("w:color", "000000")):
            el.set(qn(key), value)
        borders.append(el)
    tbl_pr.append(borders)


def _cell(cell: _Cell, width_mm: float) -> _Cell:
    cell.width = Mm(width_mm)
    # python-docx leaves an empty first paragraph in every cell; templates fill it or drop it.
    return cell


def _widths(table: Table, widths_mm: list[float]) -> None:
    """Column widths in the table grid too: LibreOffice lays a table out by its grid."""
    for column, width in zip(table.columns, widths_mm, strict=True):
        column.width = Mm(width)
        for cell in column.cells:
            cell.width = Mm(width)


def _page_number_header(section) -> None:
    """Page numbers from page 2, centred at the top, 13 regular (NĐ 30 Phụ lục I)."""
    section.different_first_page_header_footer = True
    p = section.header.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = _run(p, "", size=13)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            run._element.append(fld)
        else:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._element.append(instr)


def new_document() -> Document:
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(14)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    _page_number_header(section)
    return doc


def header(doc: Document) -> None:
    """Cells 1–4: governing body and issuer, number and symbol | national title, motto, place and date."""
    table = doc.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _no_borders(table)
    _widths(table, [62, 103])
    left, right = table.cell(0, 0), table.cell(0, 1)
    first = left.paragraphs[0]
    first.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(first, "{%p if governing %}", size=13)
    _para(left, "{{ governing }}", size=13)
    _para(left, "{%p endif %}", size=13)
    _para(left, "{%p for line in issuer_lines %}", size=13)
    _para(left, "{{ line }}", size=13, bold=True)
    _para(left, "{%p endfor %}", size=13)
    _rule_after(left, 24, 62)
    _para(left, "{{ number }}", size=13, before=6)
    top = right.paragraphs[0]
    top.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(top, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", size=13, bold=True)
    _para(right, "Độc lập - Tự do - Hạnh phúc", size=14, bold=True)
    _rule_after(right, 62, 103)
    _para(right, "{{ place_date }}", size=14, italic=True, before=8)


def draft_mark(doc: Document) -> None:
    _para(doc, "{%p if draft %}", size=12)
    _para(doc, "DỰ THẢO", size=12, bold=True, align=WD_ALIGN_PARAGRAPH.LEFT, before=4)
    _para(doc, "{%p endif %}", size=12)


def title(doc: Document) -> None:
    """Cell 5a: the kind of document and its abstract, with a short line under it."""
    _para(doc, "{{ title }}", size=14, bold=True, before=12)
    _para(doc, "{{ subject }}", size=14, bold=True)
    _rule_after(doc, 40, 165)


def signature_block(doc: Document, *, recipients: bool = True) -> None:
    """Cells 7 and 9: "Nơi nhận" on the left, the signer on the right."""
    table = doc.add_table(rows=1, cols=2)
    table.autofit = False
    _no_borders(table)
    _widths(table, [75, 90])
    left, right = table.cell(0, 0), table.cell(0, 1)
    first = left.paragraphs[0]
    first.alignment = WD_ALIGN_PARAGRAPH.LEFT
    if recipients:
        _run(first, "Nơi nhận:", size=12, bold=True, italic=True)
        _para(left, "{%p for r in recipients %}", size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
        _para(left, "- {{ r }}", size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
        _para(left, "{%p endfor %}", size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
    top = right.paragraphs[0]
    top.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(top, "{%p for t in signature.title_lines %}", size=14)
    _para(right, "{{ t }}", size=14, bold=True)
    _para(right, "{%p endfor %}", size=14)
    for _ in range(4):
        _para(right, "", size=14)
    _para(right, "{{ signature.name }}", size=14, bold=True)


def page_break(doc: Document) -> None:
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def list_table(doc: Document, columns: list[tuple[str, str, float]], *, total: bool = False) -> None:
    """A bordered list with a header row and one row per item (`{%tr for r in rows %}`)."""
    table = doc.add_table(rows=4 + (1 if total else 0), cols=len(columns))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _grid(table)
    _widths(table, [width for _, _, width in columns])
    for i, (heading, _, width) in enumerate(columns):
        cell = _cell(table.cell(0, i), width)
        _run(cell.paragraphs[0], heading, size=12, bold=True)
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(table.cell(1, 0).paragraphs[0], "{%tr for r in rows %}", size=12)
    for i, (_, field, width) in enumerate(columns):
        cell = _cell(table.cell(2, i), width)
        centred = field in ("stt", "cash")
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER if centred else WD_ALIGN_PARAGRAPH.LEFT
        _run(cell.paragraphs[0], "{{ r." + field + " }}", size=12)
    _run(table.cell(3, 0).paragraphs[0], "{%tr endfor %}", size=12)
    if total:
        row = table.rows[4]
        merged = row.cells[0].merge(row.cells[len(columns) - 2])
        _run(merged.paragraphs[0], "Tổng cộng", size=12, bold=True)
        merged.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(row.cells[len(columns) - 1].paragraphs[0], "{{ total }}", size=12, bold=True)
        row.cells[len(columns) - 1].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER


def body_paragraph(doc: Document, text: str, *, italic: bool = False) -> Paragraph:
    return _para(
        doc, text, size=14, italic=italic, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent_first=10, after=6, line=1.15
    )


def build_decision() -> Document:
    doc = new_document()
    header(doc)
    draft_mark(doc)
    title(doc)
    _para(doc, "{{ authority_title }}", size=14, bold=True, before=12, after=6)
    _para(doc, "{%p for b in bases %}", size=14)
    body_paragraph(doc, "{{ b }}", italic=True)
    _para(doc, "{%p endfor %}", size=14)
    body_paragraph(doc, "{{ considering }}", italic=True)
    _para(doc, "QUYẾT ĐỊNH:", size=14, bold=True, before=6, after=6)
    _para(doc, "{%p for a in articles %}", size=14)
    p = body_paragraph(doc, "")
    _run(p, "{{ a.heading }}", bold=True)
    _run(p, " {{ a.text }}")
    _para(doc, "{%p endfor %}", size=14)
    signature_block(doc)
    page_break(doc)
    _para(doc, "{{ annex_title }}", size=14, bold=True)
    _para(doc, "{{ annex_subtitle }}", size=14, italic=True, after=12)
    list_table(
        doc,
        [
            ("STT", "stt", 12),
            ("Họ và tên / Tên tập thể", "name", 45),
            ("Chức vụ, đơn vị", "position_unit", 50),
            ("Hình thức khen thưởng", "award", 30),
            ("Tiền thưởng (đồng)", "cash", 28),
        ],
        total=True,
    )
    _para(doc, "{%p if total_words %}", size=13)
    _para(doc, "Bằng chữ: {{ total_words }}.", size=13, italic=True, align=WD_ALIGN_PARAGRAPH.LEFT, before=6)
    _para(doc, "{%p endif %}", size=13)
    return doc


def build_submission_memo() -> Document:
    doc = new_document()
    header(doc)
    draft_mark(doc)
    title(doc)
    _para(doc, "{{ addressee }}", size=14, before=12, after=12)
    _para(doc, "{%p for b in bases %}", size=14)
    body_paragraph(doc, "{{ b }}", italic=True)
    _para(doc, "{%p endfor %}", size=14)
    _para(doc, "{%p for line in body %}", size=14)
    body_paragraph(doc, "{{ line }}")
    _para(doc, "{%p endfor %}", size=14)
    signature_block(doc)
    page_break(doc)
    _para(doc, "{{ annex_title }}", size=14, bold=True)
    _para(doc, "{{ annex_subtitle }}", size=14, italic=True, after=12)
    list_table(
        doc,
        [
            ("STT", "stt", 12),
            ("Họ và tên / Tên tập thể", "name", 45),
            ("Chức vụ, đơn vị", "position_unit", 50),
            ("Hình thức đề nghị", "award", 30),
            ("Ghi chú", "note", 28),
        ],
    )
    return doc


def build_achievement_summary() -> Document:
    doc = new_document()
    header(doc)
    title(doc)
    _para(doc, "{%p for s in sections %}", size=14)
    _para(doc, "{{ s.heading }}", size=14, bold=True, align=WD_ALIGN_PARAGRAPH.LEFT, before=12)
    _para(doc, "{{ s.award }}", size=14, italic=True, align=WD_ALIGN_PARAGRAPH.LEFT)
    _para(doc, "{%p for f in s.facts %}", size=14)
    body_paragraph(doc, "- {{ f }}")
    _para(doc, "{%p endfor %}", size=14)
    body_paragraph(doc, "Thành tích: {{ s.achievements }}")
    _para(doc, "{%p endfor %}", size=14)
    signature_block(doc, recipients=False)
    return doc


def build_council_minutes() -> Document:
    doc = new_document()
    header(doc)
    title(doc)
    body_paragraph(doc, "{{ opening }}")
    _para(doc, "{%p if attendance %}", size=14)
    body_paragraph(doc, "{{ attendance }}")
    _para(doc, "{%p endif %}", size=14)
    body_paragraph(doc, "Kết quả xét tiêu chuẩn và bỏ phiếu:")
    list_table(
        doc,
        [
            ("STT", "stt", 10),
            ("Họ và tên / Tên tập thể", "name", 38),
            ("Đề nghị", "award", 25),
            ("Tiêu chuẩn Hội đồng xác nhận", "confirmed", 47),
            ("Kết quả bỏ phiếu", "vote", 30),
            ("Kết luận", "result", 15),
        ],
    )
    body_paragraph(doc, "{{ conclusion }}")
    body_paragraph(doc, "{{ closing }}")
    table = doc.add_table(rows=1, cols=2)
    table.autofit = False
    _no_borders(table)
    _widths(table, [82, 82])
    for i in range(2):
        cell = _cell(table.cell(0, i), 82)
        _run(cell.paragraphs[0], "{%p for t in signatures[" + str(i) + "].title_lines %}", size=14)
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        _para(cell, "{{ t }}", size=14, bold=True)
        _para(cell, "{%p endfor %}", size=14)
        for _ in range(4):
            _para(cell, "", size=14)
        _para(cell, "{{ signatures[" + str(i) + "].name }}", size=14, bold=True)
    return doc


BUILDERS = {
    "quyet-dinh": build_decision,
    "to-trinh": build_submission_memo,
    "tom-tat-thanh-tich": build_achievement_summary,
    "bien-ban-hop-hoi-dong": build_council_minutes,
}


def main() -> None:
    TEMPLATES_DIR.mkdir(exist_ok=True)
    for name, build in BUILDERS.items():
        build().save(TEMPLATES_DIR / f"{name}.docx")
        print(TEMPLATES_DIR / f"{name}.docx")


if __name__ == "__main__":
    main()
