"""Mark findings on a copy of the workbook: coloured cells, notes, and a Findings sheet."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from . import schema
from .findings import ERROR, FINDING_HEADERS, FINDING_WIDTHS, SEVERITY_RANK, WRAPPED_COLUMNS, Refusal, Report
from .outputs import check_output, mark_openpyxl, output_path
from .text import xml_safe

FILL = {"error": "FFC7CE", "warning": "FFEB9C"}
NOTE_AUTHOR = "aidkit"
NOTE_WIDTH = 480  # points: about 80 characters a line, readable without resizing


def annotated_name(name: str | Path, tag: str = "") -> str:
    """The name of a file's annotated copy: ``92.xlsx`` → ``92.kiem-tra.xlsx`` (a tag: ``92.<tag>.kiem-tra.xlsx``)."""
    name = Path(name)
    return f"{name.stem}{'.' + tag if tag else ''}.kiem-tra{name.suffix}"


def note_height(note: str) -> int:
    """Points a note needs to show all its lines at NOTE_WIDTH."""
    lines = sum(1 + len(line) // 80 for line in note.split("\n"))
    return min(600, max(120, 16 * lines + 12))


@dataclass(frozen=True)
class Mark:
    """What one cell gets: a fill colour for its worst finding, and a note with every message."""

    severity: str
    note: str

    @property
    def color(self) -> str:
        return FILL[self.severity]


def cell_marks(report: Report) -> dict[tuple[str, str], Mark]:
    """(sheet, cell) → Mark, for every error or warning that points to a cell."""
    grouped: dict[tuple[str, str], list] = {}
    for f in report.findings:
        if f.cell and f.sheet and f.severity in FILL:
            grouped.setdefault((f.sheet, f.cell), []).append(f)
    marks = {}
    for where, found in grouped.items():
        worst = min(found, key=lambda f: SEVERITY_RANK[f.severity]).severity
        lines = []
        for f in found:
            hint = f"\n→ {f.suggestion}" if f.suggestion else ""
            lines.append(f"[{f.rule}] {f.message_vi}\n{f.message_en}{hint}")
        marks[where] = Mark(worst, xml_safe("\n\n".join(lines)))
    return marks


def annotate(source: str | os.PathLike, report: Report, out: str | os.PathLike) -> Path:
    """Write an annotated copy of `source` to `out`; `source` is only read, never written."""
    from openpyxl import load_workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    source, out = Path(source), Path(out)
    if source.suffix.lower() not in (".xlsx", ".xlsm"):
        raise Refusal(str(source), "annotate-unsupported")
    if out.resolve() == source.resolve():
        raise Refusal(str(source), "annotate-same-file")
    check_output(out, "annotated", (".xlsx", ".xlsm"), inputs=[source])
    keep_vba = source.suffix.lower() == ".xlsm" and out.suffix.lower() == ".xlsm"
    try:
        book = load_workbook(source, keep_vba=keep_vba, rich_text=True)
    except Exception as exc:  # openpyxl fails in many ways on odd files
        raise Refusal(str(source), "file-damaged", type(exc).__name__) from None
    for (sheet, ref), mark in cell_marks(report).items():
        if sheet not in book.sheetnames:
            continue
        cell = _anchor(book[sheet], ref)
        cell.fill = PatternFill("solid", start_color=mark.color, end_color=mark.color)
        note = mark.note if cell.comment is None else f"{cell.comment.text}\n\n{mark.note}"
        cell.comment = Comment(note, NOTE_AUTHOR, width=NOTE_WIDTH, height=note_height(note))
    write_findings_sheet(book, report)
    mark_openpyxl(book, "annotated")
    with output_path(out, "annotated") as tmp:
        book.save(tmp)
    return out


def _anchor(ws, ref: str):
    """The cell at `ref`, or the first cell of the merged range it lies in (only that one holds a note)."""
    for merged in ws.merged_cells.ranges:
        if ref in merged:
            return ws.cell(merged.min_row, merged.min_col)
    return ws[ref]


def write_findings_sheet(book, report: Report) -> None:
    """(Re)create the Findings sheet; each row links to the cell it is about."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.hyperlink import Hyperlink

    name = schema.FINDINGS.vi
    if name in book.sheetnames:
        del book[name]
    ws = book.create_sheet(name, 0)
    _append_text(ws, [f"{vi} / {en}" for vi, en in FINDING_HEADERS])
    for cell in ws[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", start_color="1F4E78", end_color="1F4E78")
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    wrap, top = Alignment(wrap_text=True, vertical="top"), Alignment(vertical="top")
    for f in report.findings:
        row = f.to_row(report.headers)
        _append_text(ws, row)
        for column in range(1, len(row) + 1):
            ws.cell(ws.max_row, column).alignment = wrap if column in WRAPPED_COLUMNS else top
        lines = max(1 + len(str(row[c - 1] or "")) // int(FINDING_WIDTHS[c - 1] * 1.1) for c in WRAPPED_COLUMNS)
        ws.row_dimensions[ws.max_row].height = 15 * lines  # Excel does not grow rows written by a library
        if f.cell and f.sheet in book.sheetnames:
            link = ws.cell(ws.max_row, 4)
            link.hyperlink = Hyperlink(ref=link.coordinate, location=sheet_ref(f.sheet, f.cell))
            link.font = Font(color="0563C1", underline="single")
        if f.severity == ERROR:
            ws.cell(ws.max_row, 1).font = Font(bold=True, color="9C0006")
    for letter, width in zip("ABCDEFGHI", FINDING_WIDTHS, strict=False):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    ws.page_setup.orientation = "landscape"  # printed, every column on the page's width
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0


def sheet_ref(sheet: str, cell: str) -> str:
    """A reference to a cell of a sheet, whatever its name holds: 'It''s'!B4."""
    return "'" + sheet.replace("'", "''") + "'!" + cell


def _append_text(ws, values) -> None:
    """Append a row whose text stays text: a value beginning with "=" is never made a formula (nor holds a
    character a worksheet cannot)."""
    ws.append([xml_safe(v) if isinstance(v, str) else v for v in values])
    for cell in ws[ws.max_row]:
        if isinstance(cell.value, str) and cell.data_type == "f":
            cell.data_type = "s"
