"""What every workbook aidkit writes with xlsxwriter shares: a fixed build date, the page setup, typed cells."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

BUILD_DATE = datetime(2026, 1, 1)  # fixed document dates keep generated files reproducible


def print_setup(ws, repeat: tuple[int, int] | None = None) -> None:
    """A4 landscape, one page wide (as many pages tall as needed), `repeat` rows on every page."""
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    if repeat is not None:
        ws.repeat_rows(*repeat)


def write_value(ws, row: int, col: int, value, fmt=None) -> None:
    """Write a Python value with its natural Excel type; text is never a formula."""
    if value is None or value == "":
        return
    if isinstance(value, datetime):
        ws.write_datetime(row, col, value, fmt)
    elif isinstance(value, date):
        ws.write_datetime(row, col, datetime.combine(value, datetime.min.time()), fmt)
    elif isinstance(value, bool):
        ws.write_boolean(row, col, value, fmt)
    elif isinstance(value, (int, float, Decimal)):
        ws.write_number(row, col, float(value), fmt)
    else:
        ws.write_string(row, col, str(value), fmt)
