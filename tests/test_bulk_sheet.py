"""The bulk worksheet: typed rows rendered now, placed later, read back as written."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from toolkit import schema
from toolkit.consolidation.bulk_sheet import BulkOrderError, BulkWorksheet


def test_bulk_sheet_writes_by_type_and_grows_its_table(tmp_path):
    import xlsxwriter

    path = tmp_path / "b.xlsx"
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet("S", worksheet_class=BulkWorksheet)
    usd = book.add_format({"num_format": schema.USD_FORMAT})
    day = book.add_format({"num_format": schema.DATE_FORMAT})
    ws.write_string(0, 0, "title")
    later = ws.render([("z", 3.0, None, None)], [None, usd, day, None])
    first = ws.render([("=1+1", 1.5, date(2026, 1, 2), True), ("@x", 2, None, "a&b<c>#")], [None, usd, day, None])
    assert ws.place(2, [first, later]) == 5
    ws.add_bulk_table(1, 4, [{"header": h} for h in "ABCD"], {"name": "T_1"})
    with pytest.raises(BulkOrderError):
        ws.place(3, [later])
    book.close()
    sheet = load_workbook(path)["S"]
    assert [list(r) for r in sheet.iter_rows(min_row=3, values_only=True)] == [
        ["=1+1", 1.5, datetime(2026, 1, 2), True],
        ["@x", 2, None, "a&b<c>#"],
        ["z", 3, None, None],
    ]
    assert sheet["A3"].data_type == "s" and sheet["B3"].number_format == schema.USD_FORMAT
    assert sheet.tables["T_1"].ref == "A2:D5"


def test_bulk_sheet_inline_text_round_trips(tmp_path):
    """Columns of nearly unique text are written inline: escaped, and still plain text when read back."""
    import xlsxwriter
    from python_calamine import CalamineWorkbook

    path = tmp_path / "i.xlsx"
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet("S", worksheet_class=BulkWorksheet)
    tricky = [
        "92-V2026-001",
        "Đồng Tháp #1 & <b>",
        " cách đầu",
        "tab\there",
        "ctl\x01x",
        "=SUM(A1)",
        "😀",
        "two\nlines",
        "a\x00b",
    ]
    ws.place(0, [ws.render([(t, t) for t in tricky], inline=[0])])
    book.close()
    sheet = load_workbook(path)["S"]
    assert [c.value for c in sheet["A"]] == [c.value for c in sheet["B"]]
    assert [c.data_type for c in sheet["A"]] == ["s"] * len(tricky)
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("S").to_python()
    assert [r[0] for r in rows] == tricky
