"""Structure: the sheets a submission must have."""

from __future__ import annotations

from .. import schema
from ..findings import ERROR, INFO, finding


def check(wb, ctx):
    if wb.info_sheet is None:
        yield finding("missing-sheet", ERROR, sheet=schema.INFO.vi, expected=schema.INFO.vi, expected_en=schema.INFO.en)
    if not wb.tables:
        yield finding("no-table", ERROR, needs=schema.NEEDS_SHEET.vi, register=schema.REGISTER_SHEET.vi)
    for data in wb.tables.values():
        if not data.records:
            yield finding("empty-table", INFO, sheet=data.sheet, table=data.table.name_vi,
                          table_en=data.table.name_en)
