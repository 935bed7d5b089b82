"""Structure: the sheets a submission must have."""

from __future__ import annotations

from .. import schema
from ..findings import ERROR, INFO, finding
from .info import _older, _version_text


def check(wb, ctx):
    if wb.info_sheet is None:
        yield finding("missing-sheet", ERROR, sheet=schema.INFO.vi, expected=schema.INFO.vi, expected_en=schema.INFO.en)
    if not wb.tables:
        yield finding("no-table", ERROR, needs=schema.NEEDS_SHEET.vi, register=schema.REGISTER_SHEET.vi)
    yield from _optional_tables(wb)
    for data in wb.tables.values():
        if not data.records:
            yield finding("empty-table", INFO, sheet=data.sheet, table=data.table.name_vi, table_en=data.table.name_en)


def _optional_tables(wb):
    """A sheet added to the standard later (the activities of 1.2) is expected only from that version on."""
    version = wb.info.get("phien_ban_mau")
    if version is None or not version.value:
        return
    for key, since in schema.OPTIONAL_BEFORE.items():
        table = schema.TABLE_BY_KEY[key]
        if key not in wb.tables and not _older(_version_text(version.raw), since):
            yield finding(
                "optional-sheet-missing",
                INFO,
                sheet=table.sheet.vi,
                expected=table.sheet.vi,
                expected_en=table.sheet.en,
                version=since,
            )
