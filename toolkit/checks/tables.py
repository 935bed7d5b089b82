"""Table rules: identifiers that are well formed, unique and of this province."""

from __future__ import annotations

import re

from ..findings import ERROR, finding

ID_PATTERN = re.compile(r"^(\d{2})-([NVH])(\d{4})-(\d{3,})$")


def check(wb, ctx):
    for data in wb.tables.values():
        table = data.table
        seen: dict[str, str] = {}
        for record in data.records:
            cell = record.cells.get(table.id_key)
            if cell is None or cell.value is None:
                continue
            ident = cell.value.strip().upper()
            ref = cell.ref
            if ident in seen:
                yield finding("duplicate-id", ERROR, **_where(data, cell, ref), first=seen[ident])
                continue
            seen[ident] = ref
            m = ID_PATTERN.match(ident)
            if not m or m.group(2) != table.id_kind:
                code = ctx.province.code if ctx.province else "NN"
                year = ctx.period.year if ctx.period else "YYYY"
                yield finding(
                    "id-format", ERROR, **_where(data, cell, ref), example=f"{code}-{table.id_kind}{year}-001"
                )
            elif ctx.province is not None and m.group(1) != ctx.province.code:
                fixed = f"{ctx.province.code}{ident[2:]}"
                yield finding(
                    "id-province-mismatch",
                    ERROR,
                    suggestion=fixed,
                    **_where(data, cell, ref),
                    code=m.group(1),
                    expected=ctx.province.code,
                )


def _where(data, cell, ref):
    return dict(sheet=data.sheet, cell=ref, row=cell.row, column=data.table.id_key, value=cell.raw)
