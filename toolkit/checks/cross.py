"""Cross-table rules: a register row's linked proposal must exist in NEEDS."""

from __future__ import annotations

from ..findings import WARNING, Finding, finding
from ..vocabulary import did_you_mean


def check(wb, ctx):
    register = wb.tables.get("register")
    if register is None:
        return
    needs = wb.tables.get("needs")
    known = set(ctx.earlier_proposals)
    if needs is not None:
        known |= {str(r.get("ma_de_xuat")).strip().upper() for r in needs.records if r.get("ma_de_xuat")}
    for record in register.records:
        cell = record.cells.get("ma_de_xuat")
        if cell is None or not cell.value or cell.value.strip().upper() in known:
            continue
        yield finding(
            "linked-proposal-missing",
            WARNING,
            suggestion=did_you_mean(cell.value, sorted(known), 80),
            sheet=register.sheet,
            cell=cell.ref,
            row=cell.row,
            column="ma_de_xuat",
            value=cell.raw,
        )


def answered_elsewhere(findings: list[Finding], earlier: set[str] | frozenset[str]) -> list[Finding]:
    """The findings less the linked-proposal warnings that `earlier` (the province's earlier NEEDS IDs) answers."""
    return [
        f
        for f in findings
        if not (f.rule == "linked-proposal-missing" and str(f.value or "").strip().upper() in earlier)
    ]
