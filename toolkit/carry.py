"""What a province's next-period workbook starts with: the rows of its last submission still open.

Chuyển sang kỳ sau: các dòng còn mở của lần nộp trước được điền sẵn vào mẫu kỳ mới.

Carried (docs/STANDARD.md, "The next period"): every register row not finished or revoked, with
every field as it stood and its disbursement to date as the new period's opening figure (the
period's own disbursement starts empty); every need still open (not funded, not withdrawn); the
Info sheet's province, preparer and e-mail. Each carried record keeps ``CARRIED_FROM`` (the period
it came from), which the template turns into the carried-row marking.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import schema
from .errors import AidkitError
from .periods import Period
from .provinces import current_province

if TYPE_CHECKING:
    from .reader import Record, TableData

#: The key of a record that names the period it was carried from.
CARRIED_FROM = "_carried_from"


class CannotCarry(AidkitError):
    """The previous workbook cannot start the next period (invalid, another province, not earlier)."""


@dataclass
class Carried:
    """What the next period starts with."""

    source: Path
    province: str
    period: str  # the previous period
    info: dict[str, Any] = field(default_factory=dict)  # Info values by field key
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # table key → records

    def count(self, table: str) -> int:
        return len(self.rows.get(table, ()))


def still_open(table: schema.Table, status: Any) -> bool:
    """Whether a row of this status carries into the next period."""
    return status in schema.CARRIED_STATUSES[table.key]


def carry(previous: str | os.PathLike, period: str, province: str | None = None) -> Carried:
    """The rows and Info values of `previous` that start `period`.

    :param province: the province asked for (None: the previous workbook's own).
    :raises findings.Refusal: when `previous` cannot be read at all.
    :raises CannotCarry: when it has errors, is another province's, or is not of an earlier period.
    """
    from .reader import read_workbook
    from .validate import check_workbook

    path = Path(previous)
    wb = read_workbook(path)
    report = check_workbook(wb)
    name = path.name
    if report.errors or not (report.province and report.period):
        raise CannotCarry.of("carry-invalid", file=name, errors=max(1, len(report.errors)))
    before, after = Period.parse(report.period), Period.parse(period)
    current = current_province(report.province, before.end)
    code = current.code if current else report.province
    if province is not None and str(province).strip().zfill(2) != code:
        raise CannotCarry.of("carry-other-province", file=name, found=code, asked=str(province).strip())
    if before.end >= after.start:
        raise CannotCarry.of("carry-not-earlier", file=name, found=str(before), asked=str(after))
    result = Carried(path, code, str(before))
    result.info = {k: v for k in ("nguoi_lap", "email") if (v := wb.info_value(k)) not in (None, "")}
    for table in schema.TABLES:
        data = wb.tables.get(table.key)
        rows = [] if data is None else [_record(data, r) for r in data.records]
        result.rows[table.key] = [
            dict(r, **{CARRIED_FROM: str(before)}) for r in rows if still_open(table, r.get("trang_thai"))
        ]
    for record in result.rows["register"]:
        record["giai_ngan_ky_usd"] = None  # the new period's own disbursement: the province types it
    return result


def following(period: str) -> str:
    """The period after this one: 2026-H1 → 2026-H2 → 2027-H1; 2026 → 2027."""
    p = Period.parse(period)
    if p.half is None:
        return str(p.year + 1)
    return f"{p.year}-H2" if p.half == 1 else f"{p.year + 1}-H1"


def _record(data: TableData, record: Record) -> dict[str, Any]:
    """A record as the template writes it: values as understood, text as the province wrote it."""
    out: dict[str, Any] = {}
    for key, cell in record.cells.items():
        column = data.table.column(key)
        out[key] = _written(column, cell.raw, cell.value)
    return out


def _written(column: schema.Column, raw: Any, value: Any) -> Any:
    if value is None:
        return None
    if column.type == schema.SECTOR:
        return next((s.vi for s in schema.sectors() if s.code == value), value)
    if column.type == schema.COUNTRY:
        return raw.strip() if isinstance(raw, str) else value  # the province's own spelling
    if column.type == schema.INTEGER:
        return int(value)
    if isinstance(value, Decimal):
        return float(value)
    return value
