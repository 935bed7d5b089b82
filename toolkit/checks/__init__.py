"""The registry of checks. Each check is a function (workbook, context) → findings."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..periods import Period
from ..schema import Province, Settings


@dataclass(frozen=True)
class Context:
    """What the checks know besides the workbook itself."""

    settings: Settings = field(default_factory=Settings)
    province: Province | None = None
    period: Period | None = None
    earlier_proposals: frozenset[str] = frozenset()


def registry():
    """All checks, in the order their findings are reported."""
    from . import cells, cross, info, rows, structure, tables

    return (
        structure.check,
        info.check,
        cells.check,
        tables.check,
        rows.check_needs,
        rows.check_register,
        rows.check_activities,
        cross.check,
    )
