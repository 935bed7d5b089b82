"""An xlsxwriter worksheet that takes large blocks of typed rows quickly.

xlsxwriter spends about 6 µs per cell (a namedtuple per cell, held in memory until
close) and `add_table` records every cell of a table's range for its overlap check;
for 85,000 rows × 38 columns that is 20 s and 700 MB. `BulkWorksheet` instead

- renders rows to XML at once (`render`), with shared strings so repeated text is
  stored once (and text that never repeats, such as IDs, inline in its cell), into a
  temporary file, as a `Block` whose row numbers are left open;
- places blocks in order below the header when the sheet is written (`place`), so
  rows can be rendered as their source arrives and ordered later;
- declares an Excel Table over them without per-cell bookkeeping (`add_bulk_table`).

Everything else about the sheet (column formats, frozen panes, notes, conditional
formats, charts) is ordinary xlsxwriter. The longest text of each column is measured as it
renders (`longest_text`), so widths can show values whole.

Values are written strictly by Python type: `str` always as a (shared or inline)
string, never as a formula, whatever it starts with; `int`/`float`/`Decimal` as numbers;
`date` and `datetime` as Excel serial numbers (give the column a date format);
`bool` as a boolean; `None` and "" leave the cell empty; anything else as its text.

Constraint: blocks are the bottom of the sheet. Cells written with the normal API
must lie above the first placed row (titles, header rows).
"""

from __future__ import annotations

import math
import re
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import IO

from xlsxwriter.utility import xl_col_to_name, xl_range
from xlsxwriter.worksheet import Worksheet

_EPOCH = datetime(1899, 12, 30)
_EPOCH_ORDINAL = _EPOCH.toordinal()
_MAX_STRING = 32767
_ROW = "\x00"  # stands for the row number in rendered rows; never occurs in their XML otherwise
_CACHE = 1024  # rendered text cells remembered per column (values that repeat: statuses, names, files)


_NEEDS_ESCAPE = re.compile(r"[&<>\n\r\x00-\x08\x0b\x0c\x0e-\x1f]")
_PRESERVE = '<t xml:space="preserve">'
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _inline_text(text: str) -> str:
    """Text as the content of an inline-string cell: XML-escaped, control characters as _xHHHH_."""
    if not _NEEDS_ESCAPE.search(text):
        return text
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = text.replace("\n", "&#10;").replace("\r", "&#13;")  # one rendered row per line
    return _CONTROL.sub(lambda m: f"_x{ord(m.group()):04X}_", text)


class BulkOrderError(ValueError):
    """Cells were written with the normal API at or below the placed blocks."""


@dataclass(frozen=True)
class Block:
    """Rendered rows, waiting for their row numbers: stored in segments of at most SEGMENT rows."""

    segments: tuple[tuple[int, int, int], ...]  # (offset, length in bytes, rows)
    rows: int
    last_col: int


SEGMENT = 2048


class BulkWorksheet(Worksheet):
    """A Worksheet with fast, pre-rendered blocks of rows at its bottom."""

    # xlsxwriter's own, set in its methods (mypy cannot see their type there)
    dim_rowmin: int | None
    dim_rowmax: int | None
    dim_colmin: int | None
    dim_colmax: int | None

    def __init__(self) -> None:
        super().__init__()
        self._store: IO[bytes] | None = None
        self._placed: list[Block] = []
        self._bulk_first: int | None = None
        self._bulk_next: int | None = None
        self._bulk_tables: list[tuple[dict, int, int, int]] = []
        self._cells: dict[tuple[int, str], dict[str, str]] = {}
        self._longest: dict[int, list[int]] = {}  # column → [length of its longest text so far]

    # --- public ------------------------------------------------------------------------

    # The per-cell type dispatch is the measured hot loop (bench/bench_consolidate.py): kept inline on purpose.
    def render(  # noqa: C901
        self,
        rows: Iterable[Sequence],
        formats: Sequence | None = None,
        inline: Iterable[int] = (),
    ) -> Block:
        """Render rows of typed values now; `place` them later.

        :param formats: one xlsxwriter Format (or None) per column, applied to every cell of that column.
        :param inline: columns whose text is nearly always different (IDs, phone numbers): written in
            the cell itself rather than in the shared-string table, which would only grow.
        """
        self._storage()
        styles = [f' s="{f._get_xf_index()}"' if f is not None else "" for f in (formats or ())]
        strings = self.str_table
        lookup = strings.string_table
        shared = strings._get_shared_string_index
        uses = count = 0
        width = 0
        cols: list[tuple[dict[str, str] | None, str, str, str, str, list[int]]] = []
        unique = set(inline)
        out: list[str] = []
        segments = []
        for values in rows:
            if len(out) == SEGMENT:
                segments.append(self._save(out))
                out = []
            count += 1
            if len(values) > width:
                width = len(values)
                styles += [""] * (width - len(styles))
                cols = []
                for c in range(width):
                    head = f'<c r="{xl_col_to_name(c)}{_ROW}"{styles[c]}'
                    cache = None if c in unique else self._cells.setdefault((c, styles[c]), {})
                    cols.append(
                        (
                            cache,
                            f'{head} t="s"><v>',
                            f"{head}><v>",
                            f'{head} t="b"><v>',
                            f'{head} t="inlineStr"><is><t>',
                            self._longest.setdefault(c, [0]),
                        )
                    )
            parts: list[str] = []
            append = parts.append
            for (cache, as_string, as_number, as_bool, as_inline, longest), value in zip(cols, values, strict=False):
                if value is None:
                    continue
                kind = type(value)
                if kind is str and cache is None:
                    if len(value) > longest[0]:
                        longest[0] = len(value)
                    if value:
                        head = as_inline if value.strip() == value else as_inline[:-3] + _PRESERVE
                        append(f"{head}{_inline_text(value[:_MAX_STRING])}</t></is></c>")
                elif kind is str and cache is not None:  # (always, once the line above is not taken)
                    piece = cache.get(value)
                    if piece is not None:  # the same text in this column before: one dictionary lookup
                        uses += 1
                        append(piece)
                        continue
                    if not value:
                        continue
                    if len(value) > longest[0]:  # measured once per distinct text (then it is cached)
                        longest[0] = len(value)
                    index = lookup.get(value)
                    if index is None:
                        index = shared(value[:_MAX_STRING])
                    else:
                        uses += 1
                    piece = f"{as_string}{index}</v></c>"
                    if len(cache) < _CACHE:
                        cache[value] = piece
                    append(piece)
                elif kind is float:
                    if math.isfinite(value):
                        append(f"{as_number}{value!r}</v></c>")
                    else:
                        append(f"{as_string}{shared(str(value))}</v></c>")
                elif kind is int:
                    append(f"{as_number}{value}</v></c>")
                elif kind is date:
                    append(f"{as_number}{value.toordinal() - _EPOCH_ORDINAL}</v></c>")
                elif kind is bool:
                    append(f"{as_bool}{int(value)}</v></c>")
                elif kind is datetime:
                    serial = (value.replace(tzinfo=None) - _EPOCH).total_seconds() / 86400
                    append(f"{as_number}{serial!r}</v></c>")
                elif kind is Decimal and value.is_finite():
                    append(f"{as_number}{float(value)!r}</v></c>")
                else:  # anything else is written as its text, never interpreted
                    append(f"{as_string}{shared(str(value)[:_MAX_STRING])}</v></c>")
            out.append(f'<row r="{_ROW}">{"".join(parts)}</row>')
        if out:
            segments.append(self._save(out))
        strings.count += uses
        return Block(tuple(segments), count, width - 1)

    def longest_text(self, col: int) -> int:
        """The length of the longest text rendered so far in column `col` (0 if none)."""
        return self._longest.get(col, [0])[0]

    def _storage(self) -> IO[bytes]:
        """The temporary file the rendered rows wait in (made at the first render)."""
        if self._store is None:
            self._store = tempfile.TemporaryFile(dir=self.tmpdir)
        return self._store

    def _save(self, rows: list[str]) -> tuple[int, int, int]:
        data = "\n".join(rows).encode("utf-8")
        store = self._storage()
        offset = store.seek(0, 2)
        store.write(data)
        return offset, len(data), len(rows)

    def place(self, first_row: int, blocks: Iterable[Block]) -> int:
        """Put rendered blocks one after another from `first_row` (0-based); return the next free row."""
        if self._bulk_next is not None and first_row < self._bulk_next:
            raise BulkOrderError(f"blocks must be appended: row {first_row} < {self._bulk_next}")
        row = first_row
        for block in blocks:
            if not block.rows:
                continue
            if self._bulk_first is None:
                self._bulk_first = first_row
            self._placed.append(block)
            row += block.rows
        if row > first_row:
            self._bulk_next = row
        return row

    def write_rows(self, first_row: int, rows: Iterable[Sequence], formats: Sequence | None = None) -> int:
        """Render and place rows at once; return the next free row."""
        return self.place(first_row, [self.render(rows, formats)])

    def add_bulk_table(self, header_row: int, last_row: int, columns: list[dict], options: dict) -> None:
        """An Excel Table from `header_row` down to `last_row` (inclusive, 0-based) over `columns`.

        Calls `add_table` on the header and one row (xlsxwriter's checks and XML), then widens
        the table to its full height when the file is written.
        """
        last_col = len(columns) - 1
        result = self.add_table(header_row, 0, header_row + 1, last_col, {**options, "columns": columns})
        if result != 0:
            raise ValueError(f"add_table failed ({result}) for {options.get('name')}")
        self._bulk_tables.append((self.tables[-1], header_row, max(last_row, header_row + 1), last_col))

    # --- xlsxwriter hooks -----------------------------------------------------------------

    def _assemble_xml_file(self) -> None:
        for table, first, last, last_col in self._bulk_tables:
            table["range"] = xl_range(first, 0, last, last_col)
            table["a_range"] = table["range"]
            if table.get("autofilter"):
                table["autofilter"] = table["range"]
        super()._assemble_xml_file()

    def _write_dimension(self) -> None:
        if self._bulk_first is None or self._bulk_next is None:
            return super()._write_dimension()
        saved = (self.dim_rowmin, self.dim_rowmax, self.dim_colmin, self.dim_colmax)
        last_col = max(b.last_col for b in self._placed)
        self.dim_rowmin = self._bulk_first if self.dim_rowmin is None else min(self.dim_rowmin, self._bulk_first)
        self.dim_rowmax = self._bulk_next - 1
        self.dim_colmin = 0
        self.dim_colmax = max(last_col, self.dim_colmax or 0)
        try:
            super()._write_dimension()
        finally:
            self.dim_rowmin, self.dim_rowmax, self.dim_colmin, self.dim_colmax = saved

    def _write_sheet_data(self) -> None:
        if self._bulk_first is None:
            self._close_store()
            return super()._write_sheet_data()
        if self.dim_rowmax is not None and self.dim_rowmax >= self._bulk_first:
            raise BulkOrderError(
                f"cells written at row {self.dim_rowmax + 1}, inside the rows placed from row {self._bulk_first + 1}"
            )
        self._xml_start_tag("sheetData")
        if self.dim_rowmin is not None:
            self._write_rows()
        number = self._bulk_first + 1
        write = self.fh.write
        store = self._storage()
        for block in self._placed:
            for offset, length, count in block.segments:
                store.seek(offset)
                rows = store.read(length).decode("utf-8").split("\n")
                write("".join([row.replace(_ROW, str(n)) for n, row in enumerate(rows, start=number)]))
                number += count
        self._close_store()
        self._xml_end_tag("sheetData")

    def _close_store(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None
