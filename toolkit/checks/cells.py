"""Cell rules: required values, ranges, lengths, emails and phone numbers."""

from __future__ import annotations

from .. import schema
from ..findings import ERROR, WARNING, finding
from ..values import is_email, is_phone, vnd_multiplier


def check(wb, ctx):
    for data in wb.tables.values():
        columns = [data.table.column(k) for k in data.columns]
        required = [c for c in columns if c.required]
        once_approved = [c for c in columns if c.required_once_approved]
        ruled = [(c, rule) for c in columns if (rule := _rule_for(c))]
        usd = [c for c in columns if c.type == schema.DECIMAL and c.key.endswith("_usd")]
        limit = ctx.settings.max_project_usd
        for record in data.records:
            cells = record.cells
            for column in required:
                if column.key not in cells:
                    yield finding(
                        "missing-value", ERROR, **_empty(data, record, column), header=column.vi, header_en=column.en
                    )
            status = record.get("trang_thai")
            if status in schema.APPROVED_STATUSES:
                for column in once_approved:
                    if column.key not in cells:
                        yield finding(
                            "missing-when-approved",
                            ERROR,
                            **_empty(data, record, column),
                            header=column.vi,
                            header_en=column.en,
                            status=status,
                        )
            for column, rule in ruled:
                cell = cells.get(column.key)
                if cell is not None and cell.value is not None:  # None: the reader said why
                    found = rule(column, cell.value, cell, data.sheet)
                    if found is not None:
                        yield found
            for column in usd:
                cell = cells.get(column.key)
                if cell is not None and cell.value is not None and cell.value > 0:
                    found = _usd_amount(column, cell, data.sheet, limit)
                    if found is not None:
                        yield found


def _empty(data, record, column) -> dict:
    return dict(sheet=data.sheet, cell=data.ref(column.key, record.row), row=record.row, column=column.key, value=None)


def _rule_for(column):
    """The value rule a column needs, or None (most text columns need none). A rule gives one finding or None
    (a plain function, not a generator: it runs for most cells)."""
    if column.numeric and (column.minimum is not None or column.maximum is not None):
        return _range
    if column.type == schema.EMAIL:
        return _email
    if column.type == schema.PHONE:
        return _phone
    if column.max_length:
        return _length
    return None


def _where(column, cell, sheet) -> dict:
    return dict(sheet=sheet, cell=cell.ref, row=cell.row, column=column.key, value=cell.raw)


def _range(column, value, cell, sheet):
    low, high = column.minimum, column.maximum
    too_low = low is not None and (value <= low if column.exclusive_minimum else value < low)
    if too_low or (high is not None and value > high):
        return finding("out-of-range", ERROR, **_where(column, cell, sheet), bounds=_bounds(column))
    return None


def _usd_amount(column, cell, sheet, limit):
    """A USD amount typed with "tỷ"/"triệu", or beyond any provincial project: usually VND."""
    word = vnd_multiplier(cell.raw) if isinstance(cell.raw, str) else ""
    if word:
        return finding("usd-looks-like-vnd", WARNING, **_where(column, cell, sheet), word=word)
    if cell.value > limit:
        return finding("usd-implausible", WARNING, **_where(column, cell, sheet), limit=limit)
    return None


def _email(column, value, cell, sheet):
    if not is_email(value):
        return finding("invalid-email", ERROR, **_where(column, cell, sheet))
    return None


def _phone(column, value, cell, sheet):
    if not is_phone(value):
        return finding("invalid-phone", WARNING, **_where(column, cell, sheet))
    return None


def _length(column, value, cell, sheet):
    if len(value) > column.max_length:
        return finding("too-long", ERROR, **_where(column, cell, sheet), length=len(value), limit=column.max_length)
    return None


def _bounds(column) -> str:
    low = f"> {column.minimum:g}" if column.exclusive_minimum else f"≥ {column.minimum:g}"
    if column.maximum is None:
        return low
    return f"{column.minimum:g}–{column.maximum:g}"
