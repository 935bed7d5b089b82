"""Cell rules: required values, ranges, lengths, emails and phone numbers."""

from __future__ import annotations

from .. import schema
from ..findings import ERROR, WARNING, finding
from ..values import is_email, is_vietnamese_phone


def check(wb, ctx):
    for data in wb.tables.values():
        table = data.table
        columns = [table.column(k) for k in data.columns]
        for record in data.records:
            approved = record.get("trang_thai") in schema.APPROVED_STATUSES
            for column in columns:
                cell = record.cells[column.key]
                where = dict(sheet=data.sheet, cell=cell.ref, row=cell.row, column=column.key, value=cell.raw)
                if cell.value is None:
                    if cell.raw not in ("", None):
                        continue  # the reader already said why the value is unusable
                    if column.required:
                        yield finding("missing-value", ERROR, **where, header=column.vi, header_en=column.en)
                    elif column.required_once_approved and approved:
                        yield finding("missing-when-approved", ERROR, **where, header=column.vi,
                                      header_en=column.en, status=record.get("trang_thai"))
                    continue
                yield from _value_rules(column, cell.value, where)


def _value_rules(column, value, where):
    if column.numeric:
        low, high = column.minimum, column.maximum
        too_low = low is not None and (value <= low if column.exclusive_minimum else value < low)
        if too_low or (high is not None and value > high):
            yield finding("out-of-range", ERROR, **where, bounds=_bounds(column))
    elif column.type == schema.EMAIL and not is_email(value):
        yield finding("invalid-email", ERROR, **where)
    elif column.type == schema.PHONE and not is_vietnamese_phone(value):
        yield finding("invalid-phone", WARNING, **where)
    elif column.max_length and len(value) > column.max_length:
        yield finding("too-long", ERROR, **where, length=len(value), limit=column.max_length)


def _bounds(column) -> str:
    low = f"> {column.minimum:g}" if column.exclusive_minimum else f"≥ {column.minimum:g}"
    if column.maximum is None:
        return low
    return f"{column.minimum:g}–{column.maximum:g}"
