"""A workbook "open in Excel" for tests: xlwings' remote engine plus a small stand-in for Excel.

TESTS ONLY. xlwings' remote engine (``xw.Book(json=...)``) is xlwings PRO code, used here
under its PolyForm Noncommercial licence (``XLWINGS_LICENSE_KEY=noncommercial``); aidkit's
production code uses only xlwings' BSD-licensed API. The engine turns the same calls the
macros make on Windows into a list of recorded actions; `RemoteExcel.sync` applies them to
this stand-in's state the way Excel would, so a test can look at the result and open the
next "session" on it. The engine can neither read a fill colour nor set the status bar,
so `remote_engine` backs the fill colour with this state (a colour set is read back at
once, as from Excel) and the status bar with a log; everything else is the engine's own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import xlwings as xw
from python_calamine import CalamineWorkbook

from toolkit.text import cell_ref


@dataclass
class SheetState:
    name: str
    values: list[list[Any]]
    fills: dict[str, str] = field(default_factory=dict)  # A1 → "#RRGGBB"
    notes: dict[str, str] = field(default_factory=dict)  # A1 → text
    formulas: dict[str, str] = field(default_factory=dict)
    wrapped: set[str] = field(default_factory=set)  # A1 of cells whose text wraps
    visible: bool = True

    def value(self, ref: str) -> Any:
        row, col = _coords(ref)
        return self.values[row][col] if row < len(self.values) and col < len(self.values[row]) else ""


@dataclass
class RemoteExcel:
    """The state of one open workbook: sheets, fills, notes; plus what the user was shown."""

    name: str
    sheets: list[SheetState]
    active: int = 0
    alerts: list[dict[str, str]] = field(default_factory=list)
    _book: Any = None

    @classmethod
    def from_file(cls, path: Path, name: str | None = None) -> RemoteExcel:
        """The workbook at `path` as Excel would open it (values only)."""
        book = CalamineWorkbook.from_path(str(path))
        sheets = [
            SheetState(n, book.get_sheet_by_name(n).to_python(skip_empty_area=False) or [[]]) for n in book.sheet_names
        ]
        return cls(name or str(path), sheets)

    def sheet(self, name: str) -> SheetState:
        return next(s for s in self.sheets if s.name == name)

    @property
    def sheet_names(self) -> list[str]:
        return [s.name for s in self.sheets]

    def book(self) -> xw.Book:
        """Open this state with the remote engine, as an Office.js client with notes would send it."""
        self._book = xw.Book(
            json={
                "client": "Office.js",
                "version": xw.__version__,
                "book": {"name": self.name, "active_sheet_index": self.active, "selection": "A1"},
                "names": [],
                "sheets": [
                    {
                        "name": s.name,
                        "values": _payload_values(s.values),
                        "fills": dict(s.fills),
                        "notes": [{"address": ref} for ref in s.notes],
                        "notes_supported": True,
                        "visibility": "Visible" if s.visible else "Hidden",
                        "pictures": [],
                        "tables": [],
                        "shapes": [],
                        "charts": [],
                        "pivot_tables": [],
                        "show_gridlines": True,
                    }
                    for s in self.sheets
                ],
            }
        )
        return self._book

    def sync(self) -> list[dict]:
        """Apply the actions the open book recorded, as Excel would; returns them."""
        actions = self._book.json()["actions"]
        for action in actions:
            getattr(self, "_" + action["func"], lambda a: None)(action)
        return actions

    # --- what Excel does with each recorded action -------------------------------------------

    def _cells(self, a) -> list[str]:
        return [
            cell_ref(a["start_row"] + r, a["start_column"] + c)
            for r in range(a["row_count"])
            for c in range(a["column_count"])
        ]

    def _setRangeColor(self, a):
        fills = self.sheets[a["sheet_position"]].fills
        for ref in self._cells(a):
            if a["args"][0] is None:
                fills.pop(ref, None)
            else:
                fills[ref] = a["args"][0].upper()

    def _setWrapText(self, a):
        cells = self.sheets[a["sheet_position"]].wrapped
        (cells.update if a["args"][0] else cells.difference_update)(self._cells(a))

    def _addNote(self, a):
        self.sheets[a["sheet_position"]].notes[a["args"][0].replace("$", "")] = a["args"][1]

    def _deleteNote(self, a):
        del self.sheets[a["sheet_position"]].notes[a["args"][0].replace("$", "")]

    def _addSheet(self, a):
        self.sheets.insert(a["args"][0], SheetState(a["args"][1], [[]]))
        self.active = a["args"][0]

    def _sheetDelete(self, a):
        del self.sheets[a["sheet_position"]]
        self.active = min(self.active, len(self.sheets) - 1)

    def _setSheetVisibility(self, a):
        self.sheets[a["sheet_position"]].visible = a["args"][0] == "Visible"

    def _activateSheet(self, a):
        self.active = a["args"][0]

    def _setValues(self, a):
        self._write(a, [[_typed(v) for v in row] for row in a["values"]])

    def _setFormula(self, a):
        sheet = self.sheets[a["sheet_position"]]
        for r, row in enumerate(a["values"]):
            for c, formula in enumerate(row):
                sheet.formulas[cell_ref(a["start_row"] + r, a["start_column"] + c)] = formula
        self._write(a, a["values"])

    def _alert(self, a):
        self.alerts.append(dict(zip(("prompt", "title", "buttons", "mode"), a["args"], strict=False)))

    def _write(self, a, block):
        values = self.sheets[a["sheet_position"]].values
        width = max([a["start_column"] + len(row) for row in block] + [len(values[0]) if values else 0])
        while len(values) < a["start_row"] + len(block):
            values.append([])
        for row in values:
            row.extend([""] * (width - len(row)))
        for r, row in enumerate(block):
            values[a["start_row"] + r][a["start_column"] : a["start_column"] + len(row)] = row


def remote_engine(monkeypatch) -> list:
    """Register xlwings' remote engine for this test; returns the log of status-bar texts."""
    import xlwings.main

    monkeypatch.setenv("XLWINGS_LICENSE_KEY", "noncommercial")
    from xlwings.pro import _xlremote

    engines = xlwings.main.engines
    if "remote" not in engines.engines_by_name:
        monkeypatch.setattr(engines, "engines", [*engines.engines, xlwings.main.Engine(impl=_xlremote.engine)])
        monkeypatch.setitem(engines.engines_by_name, "remote", engines.engines[-1])
    status_bar: list = []
    monkeypatch.setattr(
        _xlremote.App,
        "status_bar",
        property(lambda self: status_bar[-1] if status_bar else False, lambda self, value: status_bar.append(value)),
    )

    def color(self):
        hex_ = self.sheet.api.get("fills", {}).get(self.address.replace("$", ""))
        return None if hex_ is None else tuple(int(hex_[i : i + 2], 16) for i in (1, 3, 5))

    def set_color(self, value, record=_xlremote.Range.color.fset):
        record(self, value)  # the engine's own action, applied to the state by RemoteExcel.sync
        fills = self.sheet.api.setdefault("fills", {})  # and seen at once by later reads, as in Excel
        rows, columns = self.shape
        for ref in (cell_ref(self.row - 1 + r, self.column - 1 + c) for r in range(rows) for c in range(columns)):
            if value is None:
                fills.pop(ref, None)
            else:
                fills[ref] = _xlremote._color_to_hex(value).upper()

    monkeypatch.setattr(_xlremote.Range, "color", property(color, set_color))
    return status_bar


def _payload_values(values: list[list[Any]]) -> list[list[Any]]:
    """Rectangular, with dates as the ISO strings an Office.js client sends."""
    width = max((len(r) for r in values), default=0)
    return [[_json(v) for v in row] + [""] * (width - len(row)) for row in values] or [[]]


def _json(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return f"{value:%Y-%m-%dT%H:%M:%S}.000Z"
    return value


def _typed(value: Any) -> Any:
    """What a cell holds after Excel took `value`: an apostrophe only marks text as text."""
    if isinstance(value, str) and value.startswith("'"):
        return value[1:]
    if value is None:
        return ""
    return value


def _coords(ref: str) -> tuple[int, int]:
    letters = "".join(ch for ch in ref if ch.isalpha())
    col = 0
    for ch in letters:
        col = col * 26 + ord(ch) - 64
    return int(ref[len(letters) :]) - 1, col - 1
