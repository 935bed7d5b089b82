"""The workbook open in Excel, through xlwings' BSD-licensed API: read it, mark it, write sheets into it.

`mark` lists what it changes in the hidden sheet ``_aidkit`` (sheet, cell, our fill, the
fill before, whether the note is ours), so that `unmark` takes back exactly that: the
user's own fills return and their own notes are never touched.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import schema

if TYPE_CHECKING:  # the reader, the annotator and the findings are imported by the functions that use them
    from ..findings import Report
    from ..reader import Workbook

HEADER_FILL, HEADER_FONT = "#1F4E78", "#FFFFFF"
MARKS_HEADER = [
    "Trang tính / Sheet",
    "Ô / Cell",
    "Màu aidkit / aidkit fill",
    "Màu trước đó / fill before",
    "Ghi chú do aidkit thêm / note added by aidkit",
]
CELL_COLUMN = 4  # the Findings column that links to the cell


def read_open(book) -> Workbook:
    """Read the open workbook, unsaved edits included, with the file reader's rules."""
    from ..reader import read_rows

    return read_rows(book.fullname or book.name, book.sheet_names, lambda name: _rows(book.sheets[name]))


def setting(book, key: str) -> str:
    """The value of `key` (any case) in the workbook's xlwings.conf sheet, or ""."""
    if schema.XLWINGS_CONF.vi not in book.sheet_names:
        return ""
    for row in _rows(book.sheets[schema.XLWINGS_CONF.vi]):
        if str(row[0]).strip().upper() == key.upper() and len(row) > 1 and row[1] != "":
            return str(row[1]).strip()
    return ""


def mark(book, report: Report) -> None:
    """Fill every cell with an error (red) or warning (yellow) and note its messages; list them in ``_aidkit``.

    A cell that already has a note keeps it unchanged (its messages are in the Findings sheet).
    """
    from ..annotate import cell_marks

    done = []
    for (sheet, ref), found in cell_marks(report).items():
        cell = book.sheets[sheet].range(ref)
        ours, before, ours_note = f"#{found.color}", _hex(cell.color), cell.note is None
        cell.color = ours
        if ours_note:
            cell.add_note(found.note)
        done.append([sheet, ref, ours, before, int(ours_note)])
    if done:
        ws = book.sheets.add(schema.MARKS.vi, after=book.sheets[-1])
        ws.range("A1").value = [MARKS_HEADER] + done
        ws.visible = False


def unmark(book) -> int | None:
    """Take back what `mark` and `write_findings` added; returns the cells given back, None if nothing was ours."""
    names = book.sheet_names
    if schema.MARKS.vi not in names and schema.FINDINGS.vi not in names:
        return None
    cells = 0
    if schema.MARKS.vi in names:
        ws = book.sheets[schema.MARKS.vi]
        for sheet, ref, ours, before, ours_note in (row[:5] for row in _rows(ws)[1:]):
            if sheet not in names:
                continue
            cell = book.sheets[sheet].range(ref)
            if _hex(cell.color) == ours:  # the user has not re-filled it since
                cell.color = before or None
            if ours_note and cell.note is not None:
                cell.note.delete()
            cells += 1
        ws.delete()
    if schema.FINDINGS.vi in names:
        book.sheets[schema.FINDINGS.vi].delete()
    return cells


def write_findings(book, report: Report) -> None:
    """(Re)write the Findings sheet first in the book; each row's cell address links to that cell."""
    from ..findings import FINDING_HEADERS, FINDING_WIDTHS, WRAPPED_COLUMNS

    names = book.sheet_names
    if schema.FINDINGS.vi in names:
        book.sheets[schema.FINDINGS.vi].delete()
    ws = book.sheets.add(schema.FINDINGS.vi, before=book.sheets[0])
    header = [f"{vi} / {en}" for vi, en in FINDING_HEADERS]
    ws.range("A1").value = [header] + [[literal(v) for v in f.to_row(report.headers)] for f in report.findings]
    links = [[link(f.sheet, f.cell) if f.cell and f.sheet in names else f.cell] for f in report.findings]
    if links:
        ws.range((2, CELL_COLUMN), (len(links) + 1, CELL_COLUMN)).formula = links
    _header(ws.range((1, 1), (1, len(header))))
    for column, width in enumerate(FINDING_WIDTHS, start=1):
        ws.range((1, column)).column_width = width
    if report.findings:  # value, messages and suggestion wrap within their widths
        ws.range((2, WRAPPED_COLUMNS[0]), (len(report.findings) + 1, WRAPPED_COLUMNS[-1])).wrap_text = True
    ws.activate()


def write_table(book, name: str, caption: str, header: list[str], rows: list[list[Any]]) -> None:
    """(Re)create sheet `name` right after the first sheet: a caption in A1, then a table from row 3."""
    if name in book.sheet_names:
        book.sheets[name].delete()
    ws = book.sheets.add(name, after=book.sheets[0])
    ws.range("A1").value = literal(caption)
    ws.range("A3").value = [header] + [[literal(v) for v in row] for row in rows]
    _header(ws.range((3, 1), (3, len(header))))
    ws.range((3, 1), (3 + len(rows), len(header))).autofit()  # the table only: the caption may be long
    ws.activate()


def link(sheet: str, ref: str) -> str:
    """A HYPERLINK formula that jumps to `ref` on `sheet` in this workbook."""
    from ..annotate import sheet_ref

    target = sheet_ref(sheet, ref)
    return f'=HYPERLINK("#{target.replace(chr(34), chr(34) * 2)}","{ref}")'


def literal(value: Any) -> Any:
    """Text that Excel must keep as typed (no number, date or formula guessing): apostrophe-prefixed."""
    return f"'{value}" if isinstance(value, (str, Path)) and str(value) else value


def _rows(sheet) -> list[list[Any]]:
    """A sheet's values from A1 to its last used cell; "" for an empty cell."""
    last = sheet.used_range.last_cell
    values = sheet.range((1, 1), (last.row, last.column)).options(ndim=2).value
    return [["" if v is None else v for v in row] for row in values]


def _header(cells) -> None:
    cells.color = HEADER_FILL
    cells.font.bold = True
    cells.font.color = HEADER_FONT


def _hex(color) -> str:
    """An xlwings colour (RGB tuple or None) as ``#RRGGBB``, or "" for no fill."""
    return "#{:02X}{:02X}{:02X}".format(*color) if color else ""
