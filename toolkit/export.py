"""A clean submission copy: the current standard layout, filled with what a read workbook holds."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from .findings import Report
from .reader import Workbook

KIND = "submission-copy"  # the kind of output (toolkit.outputs)
#: Info field key → the keyword of `template.fill_template` that writes it.
INFO_ARGUMENTS = {
    "don_vi": "organisation",
    "nguoi_lap": "preparer",
    "email": "email",
    "dien_thoai": "phone",
    "ngay_lap": "prepared_on",
}


def submission_name(report: Report, day: date) -> str:
    """``{MaTinh}_{Ky}_{YYYYMMDD}.xlsx``, e.g. ``92_2026-H1_20260710.xlsx``."""
    return f"{report.province}_{report.period}_{day:%Y%m%d}.xlsx"


def write_submission(wb: Workbook, report: Report, folder: str | os.PathLike, day: date | None = None) -> Path:
    """Write the standard workbook holding `wb`'s Info values and rows (as found) into `folder`.

    Only the standard sheets and columns are written: no marks, notes, extra sheets or
    buttons. `report` is `wb`'s checked report; its province and period name the file. A copy of
    that name exported earlier is replaced unless someone changed it since (then ``_2`` is written).
    """
    import xlsxwriter

    from .outputs import beside, output_path
    from .template import fill_template

    out = beside(Path(folder) / submission_name(report, day or date.today()), KIND)
    rows = {
        key: [{k: cell.raw for k, cell in record.cells.items()} for record in table.records]
        for key, table in wb.tables.items()
    }
    info = {argument: wb.info_value(key) for key, argument in INFO_ARGUMENTS.items()}
    with output_path(out, KIND) as tmp:
        book = xlsxwriter.Workbook(str(tmp))
        fill_template(book, report.province, report.period, rows=rows, **info)
        book.close()
    return out
