"""Write templates/bao-cao.docx, the Word template of `aidkit report` (Decree 30/2020/NĐ-CP, Appendix I).

The committed .docx is the source a cluster edits in Word (letterhead, signature block, wording);
this script only made its first version and can make it again after a change of layout:

    .venv/bin/python scripts/build_report_template.py templates/bao-cao.docx

The jinja2 tags (docxtpl) it places are the ones `toolkit.report` fills: see `report.context`.
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

FONT = "Times New Roman"
TABLE_TEXT = "Table Text"  # toolkit.report.TABLE_TEXT


def _font(style_or_run, size: float | None = None) -> None:
    font = style_or_run.font
    font.name = FONT
    if size:
        font.size = Pt(size)
    rpr = style_or_run.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.append(fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)


def _rule(container, indent_cm: float) -> None:
    """A short line under the previous paragraph: an empty 2-pt paragraph with a bottom border,
    made short by indenting both of its sides."""
    paragraph = container.add_paragraph()
    fmt = paragraph.paragraph_format
    fmt.left_indent = fmt.right_indent = Cm(indent_cm)
    fmt.first_line_indent = Cm(0)
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing = Pt(2)
    _font(paragraph.add_run(""), 2)
    ppr = paragraph._p.get_or_add_pPr()
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for k, v in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(k), v)
    border.append(bottom)
    ppr.insert(0, border)


def _line(
    cell_or_doc,
    text: str,
    size: float,
    *,
    bold=False,
    italic=False,
    align=WD_ALIGN_PARAGRAPH.CENTER,
    first=False,
    after: float = 0,
    before: float = 0,
):
    p = cell_or_doc.paragraphs[0] if first else cell_or_doc.add_paragraph()
    p.alignment = align
    fmt = p.paragraph_format
    fmt.first_line_indent = Cm(0)
    fmt.space_before = Pt(before)
    fmt.space_after = Pt(after)
    fmt.line_spacing = 1.0
    run = p.add_run(text)
    run.bold, run.italic = bold, italic
    _font(run, size)
    return p


def _widths(table, *cm: float) -> None:
    table.autofit = False
    for column, width in zip(table.columns, cm, strict=True):
        column.width = Cm(width)
        for cell in column.cells:
            cell.width = Cm(width)


def _no_borders(table) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        e = OxmlElement(f"w:{edge}")
        e.set(qn("w:val"), "nil")
        borders.append(e)
    table._tbl.tblPr.append(borders)


def _page_number(paragraph) -> None:
    run = paragraph.add_run()
    _font(run, 13)
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "2"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        elif text.strip() == "PAGE":
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        else:
            el = OxmlElement("w:t")
            el.text = text
        run._r.append(el)


def build(out: Path) -> Path:
    doc = Document()
    props = doc.core_properties
    props.title, props.author, props.comments = "Báo cáo sơ kết", "", ""
    props.last_modified_by = props.keywords = props.subject = ""
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.header_distance, section.footer_distance = Mm(10), Mm(10)
    section.different_first_page_header_footer = True  # no page number on page 1
    header = section.header.paragraphs[0]
    header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_number(header)

    _language(doc)
    normal = doc.styles["Normal"]
    _font(normal, 14)
    fmt = normal.paragraph_format
    fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    fmt.first_line_indent = Cm(1.27)
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(6)
    fmt.line_spacing = 1.15
    for name in ("Table Grid",):
        _font(doc.styles[name], 12)
    from docx.enum.style import WD_STYLE_TYPE

    cell = doc.styles.add_style(TABLE_TEXT, WD_STYLE_TYPE.PARAGRAPH)  # the text of the report's tables
    cell.base_style = normal
    _font(cell, 10)
    fmt = cell.paragraph_format
    fmt.alignment = WD_ALIGN_PARAGRAPH.LEFT
    fmt.first_line_indent = Cm(0)
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing = 1.0

    # The letterhead: two columns, no borders.
    head = doc.add_table(rows=1, cols=2)
    head.alignment = WD_TABLE_ALIGNMENT.CENTER
    _no_borders(head)
    _widths(head, 6.2, 10.3)
    left, right = head.rows[0].cells
    _line(left, "{{ co_quan_cap_tren }}", 13, first=True)
    _line(left, "{{ co_quan_ban_hanh }}", 13, bold=True)
    _rule(left, 2.0)
    _line(left, "Số: …/{{ ky_hieu }}", 13, before=6)
    _line(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 12, bold=True, first=True)
    _line(right, "Độc lập - Tự do - Hạnh phúc", 13, bold=True)
    _rule(right, 2.3)
    _line(right, "{{ noi_ngay }}", 14, italic=True, before=6)

    _line(doc, "", 14)
    _line(doc, "BÁO CÁO", 14, bold=True)
    _line(doc, "{{ trich_yeu }}", 14, bold=True)
    _rule(doc, 6.0)
    _line(doc, "", 6)
    doc.add_paragraph("{{p noi_dung }}")

    # The signature block and Nơi nhận.
    sign = doc.add_table(rows=1, cols=2)
    _no_borders(sign)
    _widths(sign, 7.5, 9.0)
    left, right = sign.rows[0].cells
    _line(left, "Nơi nhận:", 12, bold=True, italic=True, align=WD_ALIGN_PARAGRAPH.LEFT, first=True)
    _line(left, "{%p for n in noi_nhan %}", 11, align=WD_ALIGN_PARAGRAPH.LEFT)
    _line(left, "- {{ n }};", 11, align=WD_ALIGN_PARAGRAPH.LEFT)
    _line(left, "{%p endfor %}", 11, align=WD_ALIGN_PARAGRAPH.LEFT)
    _line(left, "- Lưu: VT.", 11, align=WD_ALIGN_PARAGRAPH.LEFT)
    _line(right, "{%p for line in chuc_vu %}", 14, first=True)
    _line(right, "{{ line }}", 14, bold=True)
    _line(right, "{%p endfor %}", 14)
    for _ in range(4):
        _line(right, "", 14)
    _line(right, "{{ nguoi_ky }}", 14, bold=True)
    doc.add_paragraph("{{p phu_luc }}")  # the appendices, after the signature, from a new page
    out.parent.mkdir(parents=True, exist_ok=True)
    doc.save(out)
    _application(out)
    return out


def _language(doc) -> None:
    """Vietnamese (vi-VN) as the language of every run, so Word checks spelling in Vietnamese."""
    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    for holder in [rpr, *(s.element.get_or_add_rPr() for s in doc.styles if s.type == 1)]:
        lang = holder.find(qn("w:lang"))
        if lang is None:
            lang = OxmlElement("w:lang")
            holder.append(lang)
        for attr in ("w:val", "w:eastAsia", "w:bidi"):
            lang.set(qn(attr), "vi-VN")


def _application(out: Path) -> None:
    """docProps/app.xml without python-docx's default "Microsoft Macintosh Word" and its 2013 template data."""
    import zipfile

    app = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Properties xmlns="http://schemas.openxmlformats.'
        'org/officeDocument/2006/extended-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/'
        '2006/docPropsVTypes"><Template>Normal.dotm</Template><DocSecurity>0</DocSecurity></Properties>'
    )
    with zipfile.ZipFile(out) as z:
        parts = [(i, z.read(i.filename)) for i in z.infolist()]
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in parts:
            z.writestr(info, app.encode() if info.filename == "docProps/app.xml" else data)


if __name__ == "__main__":
    print(build(Path(sys.argv[1] if len(sys.argv) > 1 else "templates/bao-cao.docx")))
