"""Read a provincial workbook into normalised values that remember their cell.

Reading never stops at a bad value: each one becomes a finding and the rest
is read. A file that cannot be read at all raises `Refusal`.
"""

from __future__ import annotations

import gc
import io
import os
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache, wraps
from pathlib import Path
from typing import Any

from . import legacy_encodings as legacy
from . import schema
from .findings import ERROR, INFO, WARNING, Finding, Refusal, finding
from .folders import MAX_FILE_BYTES
from .hidden_cells import ERROR_VALUE, hidden_cells
from .periods import BadPeriod, Period
from .text import cell_ref, clean, column_letter, fold
from .values import (
    PLACEHOLDERS,
    BadValue,
    currency_word,
    is_placeholder,
    parse_date,
    parse_integer,
    parse_number,
    text_of,
)
from .vocabulary import match_choice

# Bounds that keep memory in check: a standard workbook of 5,000 rows is about 1 MB packed, 5 MB unpacked.
MAX_UNPACKED_BYTES = 300 * 1024**2
MAX_SHEET_CELLS = 3_000_000  # rows × columns of one sheet read into Python (≈ 100,000 register rows)
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED_MARK = "EncryptionInfo".encode("utf-16-le")
#: Sheets our own tools add; not reported as extra.
OWN_SHEETS = (
    {fold(s.vi) for s in (schema.LISTS, schema.FINDINGS)}
    | {fold(s.en) for s in (schema.LISTS, schema.FINDINGS)}
    | {"xlwingsconf", fold(schema.MARKS.vi)}
)


#: Folded names (and aliases) of the sheets aidkit reads.
STANDARD_NAMES = {fold(s.vi) for s in schema.STANDARD_SHEETS} | {fold(s.en) for s in schema.STANDARD_SHEETS}


_detect = lru_cache(maxsize=8192)(legacy.detect_encoding)  # office files repeat the same texts


@dataclass(slots=True)
class Cell:
    """A value read from one cell: as found, and as understood."""

    sheet: str
    column: str  # the column's letters
    row: int
    raw: Any
    value: Any = None

    @property
    def ref(self) -> str:
        """The cell in A1 notation."""
        return f"{self.column}{self.row}"


@dataclass
class Record:
    """One row of a table: its non-empty cells, keyed by column key."""

    row: int
    cells: dict[str, Cell]

    def get(self, key: str) -> Any:
        cell = self.cells.get(key)
        return None if cell is None else cell.value


@dataclass
class TableData:
    table: schema.Table
    sheet: str
    columns: dict[str, int]  # column key → 0-based column index
    records: list[Record]

    def ref(self, key: str, row: int) -> str:
        col = self.columns.get(key)
        return "" if col is None else f"{column_letter(col)}{row}"


@dataclass
class Workbook:
    """A provincial submission as read: Info values, tables and reading findings."""

    path: Path
    info_sheet: str | None = None
    info: dict[str, Cell] = field(default_factory=dict)
    tables: dict[str, TableData] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    file_format: str = "xlsx"
    period: Period | None = None
    headers: dict[tuple[str, str], str] = field(default_factory=dict)  # (sheet, column key) → header as found

    def info_value(self, key: str) -> Any:
        cell = self.info.get(key)
        return None if cell is None else cell.value


# --- opening ------------------------------------------------------------------


def sniff(path: Path, data: bytes | None = None) -> str:
    """The real format of a file (xlsx, xls, xlsb, ods) or a Refusal saying why not.

    `data` is the file's bytes when the caller has read them already (then the file is not opened again).
    """
    name = str(path)
    data = read_file(path) if data is None else data
    if not data:
        raise Refusal(name, "file-empty")
    if len(data) > MAX_FILE_BYTES:
        raise Refusal(name, "file-too-large", f"{len(data) // 1024**2} MB")
    head = data[:8]
    if head == OLE_MAGIC:
        if ENCRYPTED_MARK in data:
            raise Refusal(name, "file-password-protected")
        return "xls"
    if head[:4] != b"PK\x03\x04":
        raise Refusal(name, "file-not-workbook")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            infos = z.infolist()
            names = {i.filename for i in infos}
            unpacked = sum(i.file_size for i in infos)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise Refusal(name, "file-damaged") from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise Refusal(name, "file-too-large", f"{unpacked // 1024**2} MB")
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "xl/workbook.bin" in names:
        return "xlsb"
    if "content.xml" in names and "mimetype" in names:
        return "ods"
    raise Refusal(name, "file-not-workbook")


def read_file(path: Path) -> bytes:
    """The bytes of a submission, read in one open; a Refusal if it is missing, special, empty or too large."""
    name = str(path)
    if not path.exists():
        raise Refusal(name, "file-not-found")
    if not path.is_file():
        raise Refusal(name, "file-special", "FIFO, device or folder")
    size = path.stat().st_size
    if size == 0:
        raise Refusal(name, "file-empty")
    if size > MAX_FILE_BYTES:
        raise Refusal(name, "file-too-large", f"{size // 1024**2} MB")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise Refusal(name, "file-not-readable", exc.strerror or type(exc).__name__) from None


def open_book(path: Path, data: bytes | None = None):
    """Open with calamine (from `data` when given), turning what it raises for a bad file into one Refusal."""
    from python_calamine import CalamineError, CalamineWorkbook, PasswordError

    try:
        return (
            CalamineWorkbook.from_filelike(io.BytesIO(data))
            if data is not None
            else CalamineWorkbook.from_path(str(path))
        )
    except PasswordError:
        raise Refusal(str(path), "file-password-protected") from None
    except (CalamineError, OSError, ValueError, OverflowError) as exc:  # calamine's own, I/O, bad encodings
        raise Refusal(str(path), "file-damaged", type(exc).__name__) from None


# --- the workbook -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Hidden:
    """A cell calamine reads as empty: an Excel error value, or a formula with no computed value."""

    kind: str  # hidden_cells.ERROR_VALUE or NO_VALUE
    text: str  # "#N/A", or the formula

    def __str__(self) -> str:
        return self.text


def _with_hidden(rows: list[list[Any]], hidden: dict[tuple[int, int], tuple[str, str]]) -> list[list[Any]]:
    for (r, c), (kind, text) in hidden.items():
        while len(rows) <= r:
            rows.append([])
        row = rows[r]
        if len(row) <= c:
            row.extend([""] * (c + 1 - len(row)))
        if row[c] in ("", None):
            row[c] = Hidden(kind, text)
    return rows


def collector_held_off(function):
    """Run `function` with the garbage collector paused: reading and checking make many objects and no cycles
    to collect."""

    @wraps(function)
    def held_off(*args, **kwargs):
        if not gc.isenabled():
            return function(*args, **kwargs)
        gc.disable()
        try:
            return function(*args, **kwargs)
        finally:
            gc.enable()

    return held_off


@collector_held_off
def read_workbook(path: str | os.PathLike, data: bytes | None = None) -> Workbook:
    """Read a submission file; raise `Refusal` if it is not a readable workbook.

    The file is opened once (or not at all when the caller gives its bytes as `data`): the sniff, calamine,
    the legacy-font scan and the hidden-cells scan all read the same bytes.
    """
    from python_calamine import CalamineError

    path = Path(path)
    data = read_file(path) if data is None else data
    fmt = sniff(path, data)
    book = open_book(path, data)

    def rows_of(sheet_name: str) -> list[list[Any]]:
        try:
            sheet = book.get_sheet_by_name(sheet_name)
        except (CalamineError, ValueError, OverflowError) as exc:
            raise Refusal(str(path), "file-damaged", f"{sheet_name}: {type(exc).__name__}") from None
        end_row, end_col = sheet.end or (0, 0)
        if (end_row + 1) * (end_col + 1) > MAX_SHEET_CELLS:
            raise Refusal(str(path), "file-too-large", f"{sheet_name}: {end_row + 1:,} × {end_col + 1:,}")
        return sheet.to_python(skip_empty_area=False)

    fonts = legacy.legacy_font_cells(io.BytesIO(data)) if fmt == "xlsx" else {}
    if fmt == "xlsx":
        hidden = hidden_cells(io.BytesIO(data), {n for n in book.sheet_names if fold(n) in STANDARD_NAMES})
        if hidden:
            plain = rows_of

            def rows_of(sheet_name: str) -> list[list[Any]]:
                return _with_hidden(plain(sheet_name), hidden.get(sheet_name, {}))

    wb = read_rows(path, book.sheet_names, rows_of, fonts, fmt)
    if fmt != "xlsx" or path.suffix.lower() not in (".xlsx", ".xlsm"):
        wb.findings.insert(0, finding("legacy-format", WARNING, value=path.suffix or fmt, format=fmt))
    return wb


@collector_held_off
def read_rows(
    path: str | os.PathLike,
    sheet_names: list[str],
    rows_of: Callable[[str], list[list[Any]]],
    fonts: dict[str, dict[tuple[int, int], str]] | None = None,
    fmt: str = "xlsx",
) -> Workbook:
    """Read a workbook from any source of rows (a file, or a workbook open in Excel).

    :param rows_of: sheet name → its rows from A1, as lists of Python values ("" for empty).
    :param fonts: sheet name → {(row0, col0): legacy encoding} of cells typed in a legacy font.
    """
    fonts = fonts or {}
    wb = Workbook(path=Path(path), file_format=fmt)
    sheets = _match_sheets(wb, list(sheet_names))
    if schema.INFO.key in sheets:
        wb.info_sheet = sheet = sheets[schema.INFO.key]
        _read_info(wb, sheet, rows_of(sheet), fonts.get(sheet, {}))
    for table in schema.TABLES:
        if table.key in sheets:
            name = sheets[table.key]
            wb.tables[table.key] = _read_table(wb, table, name, rows_of(name), fonts.get(name, {}))
    return wb


def _match_sheets(wb: Workbook, names: list[str]) -> dict[str, str]:
    """Standard sheet key → actual sheet name, reporting loose and extra names."""
    wanted = {fold(s.vi): s for s in schema.STANDARD_SHEETS} | {fold(s.en): s for s in schema.STANDARD_SHEETS}
    found: dict[str, str] = {}
    for name in names:
        sheet = wanted.get(fold(name))
        if sheet is None:
            if fold(name) not in OWN_SHEETS:
                wb.findings.append(finding("extra-sheet", INFO, sheet=name, value=name))
            continue
        if sheet.key in found:
            wb.findings.append(finding("duplicate-sheet", ERROR, sheet=name, value=name, expected=sheet.vi))
            continue
        found[sheet.key] = name
        if clean(name) != sheet.vi:
            wb.findings.append(finding("sheet-name-loose", INFO, sheet=name, value=name, expected=sheet.vi))
    return found


def _text(raw: Any, cell: Cell, font_encoding: str | None, findings: list[Finding]) -> str:
    text = clean(raw if raw.__class__ is str else text_of(raw))
    if not font_encoding and text.isascii():
        return text  # legacy-encoded Vietnamese always carries non-ASCII characters
    encoding = font_encoding or _detect(text)
    if encoding and text:
        converted = clean(legacy.to_unicode(text, encoding))
        if converted != text:
            findings.append(
                finding(
                    "legacy-encoding",
                    WARNING,
                    sheet=cell.sheet,
                    cell=cell.ref,
                    value=text,
                    suggestion=converted,
                    encoding=encoding.split("-")[0].upper(),
                )
            )
            return converted
    return text


def _read_info(wb: Workbook, sheet: str, rows: list[list[Any]], fonts: dict[tuple[int, int], str]) -> None:
    labels = {}
    for c in schema.INFO_FIELDS:
        labels.update({fold(c.vi): c, fold(c.en): c, fold(c.key): c})
    for r, row in enumerate(rows):
        label = clean(text_of(row[0])) if row and row[0] != "" else ""
        if not label:
            continue
        field_ = labels.get(fold(label))
        if field_ is None or field_.key in wb.info:
            continue
        raw = row[1] if len(row) > 1 else ""
        wb.headers[(sheet, field_.key)] = label
        cell = Cell(sheet, "B", r + 1, raw)
        cell.value = _convert(field_, cell, fonts.get((r, 1)), wb.findings)
        wb.info[field_.key] = cell
    period = wb.info_value("ky_bao_cao")
    if period:
        try:
            wb.period = Period.parse(period)
        except BadPeriod:
            pass


#: Row below the header 10 rows down at most: an official form's title block sits above it.
HEADER_SEARCH_ROWS = 10
#: Words (folded) that mark a totals row in the first columns.
TOTALS_WORDS = frozenset(
    {"tongcong", "cong", "tong", "tongso", "total", "totals", "grandtotal", "sum", "tongcongusd", "congusd"}
)


@lru_cache(maxsize=4)
def _header_keys(table: schema.Table) -> dict[str, schema.Column]:
    keys = {}
    for c in table.columns:
        keys.update({fold(c.vi): c, fold(c.en): c, fold(c.key): c})
    return keys


def _find_header(rows: list[list[Any]], table: schema.Table) -> int:
    """The 0-based row, among the first ten, that best matches the table's headers (0 if none does)."""
    keys = _header_keys(table)
    best, best_score = 0, 0
    for r, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        texts = [v for v in row if isinstance(v, str) and v]
        if len(texts) <= best_score:
            continue  # cannot score more: its texts (data, below the header) need no folding
        score = sum(1 for v in texts if fold(v) in keys)
        if score > best_score:
            best, best_score = r, score
    return best


def _totals_row(row: list[Any], id_col: int | None, first_cols: tuple[int, ...]) -> int | None:
    """The column of the totals word of a `Tổng cộng` row (no ID, the word in its first columns), else None."""
    if id_col is not None and id_col < len(row) and row[id_col] not in ("", None):
        return None
    for c in first_cols:
        value = row[c] if c < len(row) else ""
        if isinstance(value, str) and value.strip() and fold(value) in TOTALS_WORDS:
            return c
    return None


def _read_table(
    wb: Workbook, table: schema.Table, sheet: str, rows: list[list[Any]], fonts: dict[tuple[int, int], str]
) -> TableData:
    header_index = _find_header(rows, table)
    header = rows[header_index] if len(rows) > header_index else []
    if header_index:
        wb.findings.append(
            finding(
                "header-not-first-row",
                WARNING,
                sheet=sheet,
                cell=cell_ref(header_index, 0),
                row=header_index + 1,
                header_row=header_index + 1,
            )
        )
    columns = _map_header(wb, table, sheet, header, header_index)
    records = []
    specs: list[tuple[str, int, schema.Column, str, dict]] = [
        (key, col, table.column(key), column_letter(col), {}) for key, col in columns.items()
    ]
    findings = wb.findings
    id_col = columns.get(table.id_key)
    first_cols = tuple(sorted({0, 1, 2, 3} | {columns[k] for k in ("stt", table.id_key, "ten_vi") if k in columns}))
    totals_seen = False
    unlabelled = _unlabelled(header, columns)
    for r in range(header_index + 1, len(rows)):
        row = rows[r]
        if row.count("") + row.count(None) == len(row) or _blank(row):
            continue
        word = _totals_row(row, id_col, first_cols)
        if word is not None:
            if not totals_seen:
                findings.append(
                    finding("totals-row", INFO, sheet=sheet, cell=cell_ref(r, word), row=r + 1, value=clean(row[word]))
                )
                totals_seen = True
            continue
        for col in [c for c in unlabelled if c < len(row) and not _empty(row[c])] if unlabelled else ():
            findings.append(
                finding(
                    "data-without-header",
                    WARNING,
                    sheet=sheet,
                    cell=cell_ref(header_index, col),
                    value=text_of(row[col]),
                    first=cell_ref(r, col),
                )
            )
            unlabelled.discard(col)
        cells = {}
        width = len(row)
        number = r + 1
        for key, col, column, letter, clean_values in specs:  # inline: the hot path
            if col >= width:
                continue
            raw = row[col]
            kind = raw.__class__
            if kind is str:
                if not raw or raw.isspace():
                    continue  # empty cells (white space only, too) get no Cell: TableData.ref names them
            elif kind is not float and (raw is None or raw == ""):
                continue
            cell = cells[key] = Cell(sheet, letter, number, raw)
            if fonts and (font := fonts.get((r, col))) is not None:
                cell.value = _convert(column, cell, font, findings)
                continue
            memo = (kind, raw)  # True == 1 == 1.0, but they do not read alike
            value = clean_values.get(memo, _UNREAD)  # office tables repeat values: one read cleanly is kept
            if value is _UNREAD:
                before = len(findings)
                value = _convert(column, cell, None, findings)
                if len(findings) == before:
                    clean_values[memo] = value
            cell.value = value
        records.append(Record(r + 1, cells))
    return TableData(table, sheet, columns, records)


#: A value not read yet (None is a value read: a placeholder, say).
_UNREAD = object()


def _empty(value: Any) -> bool:
    """Nothing in the cell, or only white space."""
    return value is None or value == "" or (value.__class__ is str and value.isspace())


def _blank(row: list[Any]) -> bool:
    """A row whose filled cells hold only white space (a lone space far below a table is no row)."""
    return all(v.__class__ is str and v.isspace() for v in row if v != "" and v is not None)


def _unlabelled(header: list[Any], columns: dict[str, int]) -> set[int]:
    """Columns whose header cell is blank (or the covered part of a merged one)."""
    used = set(columns.values())
    return {i for i, v in enumerate(header) if v in ("", None) and i not in used}


def _map_header(
    wb: Workbook, table: schema.Table, sheet: str, header: list[Any], header_index: int = 0
) -> dict[str, int]:
    """Column key → index, reporting loose matches, unknown and missing columns.

    Headers written as the standard's English header or column key are the standard's own aliases:
    one finding for the sheet says so, not one per column.
    """
    from .vocabulary import did_you_mean

    exact = {clean(c.vi): c for c in table.columns}
    loose = _header_keys(table)
    aliases = {fold(c.en) for c in table.columns} | {fold(c.key) for c in table.columns}
    english: list[str] = []
    columns: dict[str, int] = {}
    for i, raw in enumerate(header):
        text = clean(text_of(raw)) if raw not in ("", None) else ""
        if not text:
            continue
        ref = cell_ref(header_index, i)
        column = exact.get(text)
        if column is None:
            column = loose.get(fold(text))
            if column is not None and column.key not in columns:
                if fold(text) in aliases and fold(text) != fold(column.vi):
                    english.append(ref)
                else:
                    wb.findings.append(
                        finding(
                            "header-loose-match",
                            INFO,
                            sheet=sheet,
                            cell=ref,
                            column=column.key,
                            value=text,
                            expected=column.vi,
                        )
                    )
        if column is None:
            hint = did_you_mean(text, [c.vi for c in table.columns if c.key not in columns])
            wb.findings.append(finding("unknown-column", WARNING, sheet=sheet, cell=ref, value=text, suggestion=hint))
        elif column.key in columns:
            wb.findings.append(finding("duplicate-column", ERROR, sheet=sheet, cell=ref, column=column.key, value=text))
        else:
            columns[column.key] = i
            wb.headers[(sheet, column.key)] = text
    if english:
        wb.findings.append(finding("headers-english", INFO, sheet=sheet, cell=english[0], count=len(english)))
    for c in table.columns:
        if c.key not in columns and c.key not in schema.ADDED_IN_1_2:  # optional, and new: a 1.1 file is fine
            wb.findings.append(
                finding(
                    "missing-column",
                    ERROR if c.required else WARNING,
                    sheet=sheet,
                    column=c.key,
                    expected=c.vi,
                    expected_en=c.en,
                )
            )
    return columns


def _convert(column: schema.Column, cell: Cell, font_encoding: str | None, findings: list[Finding]) -> Any:
    """The cell's value as its column's type, or None with a finding explaining why."""
    raw = cell.raw
    if raw is None or raw == "":
        return None
    if raw.__class__ is Hidden:
        strict = ERROR if column.required or column.numeric or column.type == schema.DATE else WARNING
        where = {**_where(cell, column), "value": raw.text}
        if raw.kind == ERROR_VALUE:
            findings.append(finding("error-value", strict, **where))
        else:
            findings.append(finding("formula-not-computed", strict, **where))
        return None
    if isinstance(raw, str):
        text = _text(raw, cell, font_encoding, findings)
        if not text:
            return None
        if (
            len(text) <= _PLACEHOLDER_LENGTH
            and is_placeholder(text)
            and not (column.type == schema.COUNTRY and text == "NA")
        ):
            exact = column.required or column.numeric or column.type == schema.DATE
            findings.append(finding("placeholder-value", ERROR if exact else WARNING, **_where(cell, column)))
            return None
        if column.type == schema.TEXT or column.type == schema.EMAIL:
            return text
        raw = text
    try:
        return _typed(column, raw, cell, findings)
    except BadValue as bad:
        findings.append(finding(bad.rule, ERROR, suggestion=bad.suggestion, **_where(cell, column), **bad.params))
        return None


#: No longer text is a placeholder (lower-casing never shortens a text): the check is skipped for most cells.
_PLACEHOLDER_LENGTH = max(map(len, PLACEHOLDERS))


def _where(cell: Cell, column: schema.Column) -> dict[str, Any]:
    return dict(sheet=cell.sheet, cell=cell.ref, row=cell.row, column=column.key, value=cell.raw)


def _typed(column: schema.Column, raw: Any, cell: Cell, findings: list[Finding]) -> Any:
    kind = column.type
    if kind in (schema.TEXT, schema.EMAIL):
        return text_of(raw)
    if kind == schema.PHONE:
        if isinstance(raw, (int, float)) and not isinstance(raw, bool):
            findings.append(finding("phone-as-number", WARNING, suggestion="0" + text_of(raw), **_where(cell, column)))
            return "0" + text_of(raw)
        return text_of(raw)
    if kind == schema.INTEGER:
        return parse_integer(raw)
    if kind == schema.DECIMAL:
        if raw.__class__ is str and (typed := currency_word(raw)):
            own = "USD" if column.key.endswith("_usd") else "VND" if column.key.endswith("_vnd") else typed
            if typed != own:
                raise BadValue("currency-contradicts-column", typed=typed, expected=own)
        return parse_number(raw)
    if kind == schema.DATE:
        return parse_date(raw)
    return match_choice(column, text_of(raw), _where(cell, column), findings)
