"""Check one workbook against the standard: read it, run every check, order the findings."""

from __future__ import annotations

import dataclasses
import os
import re
from functools import cache
from pathlib import Path

from . import schema
from .checks import Context, registry
from .findings import SEVERITY_RANK, Finding, Report
from .provinces import province
from .reader import Workbook, collector_held_off, read_workbook

_CELL = re.compile(r"^([A-Z]+)(\d+)$")


def validate(
    path: str | os.PathLike, settings: schema.Settings | None = None, earlier_proposals: frozenset[str] = frozenset()
) -> Report:
    """Validate a workbook file. Raises `findings.Refusal` when it cannot be read at all."""
    return read_and_check(path, settings, earlier_proposals=earlier_proposals)[1]


def read_and_check(
    path: str | os.PathLike,
    settings: schema.Settings | None = None,
    data: bytes | None = None,
    *,
    earlier_proposals: frozenset[str] = frozenset(),
) -> tuple[Workbook, Report]:
    """The one way a file is read and checked (validate, the intake, the merge and the catalogue): the
    workbook, read once from `data` when the caller already holds its bytes, and its report.

    :raises findings.Refusal: when the file cannot be read as a workbook at all.
    """
    wb = read_workbook(path, data)
    return wb, check_workbook(wb, settings, earlier_proposals)


@collector_held_off
def check_workbook(
    wb: Workbook, settings: schema.Settings | None = None, earlier_proposals: frozenset[str] = frozenset()
) -> Report:
    """Run every check on an already read workbook."""
    ctx = context_for(wb, settings or schema.Settings(), earlier_proposals)
    findings = list(wb.findings)
    for check in registry():
        findings.extend(check(wb, ctx))
    return Report(
        str(wb.path),
        sorted(findings, key=_order_key(wb)),
        province=ctx.province.code if ctx.province else _code_as_written(wb),
        period=str(ctx.period) if ctx.period else None,
        headers=wb.headers,
        preparer=_preparer(wb),
    )


#: What decides the findings: the modules that read a workbook and judge it, and the reference data.
#: (The sentences are not among them: a kept finding renders its sentences afresh.)
RULE_SOURCES = (
    "checks/*.py",
    "validate.py",
    "schema.py",
    "reader.py",
    "hidden_cells.py",
    "legacy_encodings.py",
    "values.py",
    "vocabulary.py",
    "provinces.py",
    "periods.py",
    "rates.py",
    "text.py",
    "findings.py",
    "data/*.csv",
    "data/*.json",
)


@cache
def rules_version() -> str:
    """One word for the standard and the checks as this aidkit has them: the template version and a digest
    of the sources that decide the findings (computed once per process). Findings kept in the ledger
    under another word are stale: the file is checked once again."""
    import hashlib  # the ledger's jobs ask for the rules' version, not `aidkit validate`

    root = Path(__file__).parent
    digest = hashlib.sha256()
    for path in sorted({p for pattern in RULE_SOURCES for p in root.glob(pattern)}):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return f"{schema.TEMPLATE_VERSION}+{digest.hexdigest()[:16]}"


def rules_key(settings: schema.Settings | None = None) -> str:
    """The rules version and the cluster's thresholds and rates (Cấu hình, Tỷ giá), which change findings too."""
    import hashlib

    settings = settings or schema.Settings()
    own = [(f.name, getattr(settings, f.name)) for f in dataclasses.fields(settings) if f.name != "rates"]
    cluster = repr((own, settings.rates.overrides)).encode()
    return f"{rules_version()}/{hashlib.sha256(cluster).hexdigest()[:12]}"


def _preparer(wb: Workbook) -> str | None:
    value = wb.info_value("nguoi_lap")
    return str(value).strip() or None if value is not None else None


def context_for(wb: Workbook, settings: schema.Settings, earlier_proposals=frozenset()) -> Context:
    code = _code_as_written(wb)
    found = province(code, wb.period.end) if code and wb.period else None
    return Context(settings=settings, province=found, period=wb.period, earlier_proposals=earlier_proposals)


def _code_as_written(wb: Workbook) -> str | None:
    value = wb.info_value("ma_tinh")
    if value is None:
        return None
    text = str(value).strip()
    return text.zfill(2) if text.isdigit() else text


def _order_key(wb: Workbook):
    sheet_rank = {}
    sheet_rank[wb.info_sheet or schema.INFO.vi] = 1
    for i, table in enumerate(("needs", "register")):
        if table in wb.tables:
            sheet_rank[wb.tables[table].sheet] = 2 + i

    def key(f: Finding):
        m = _CELL.match(f.cell or "")
        col = (len(m.group(1)), m.group(1)) if m else (0, "")
        row = f.row or (int(m.group(2)) if m else 0)
        return (sheet_rank.get(f.sheet, 0 if not f.sheet else 9), f.sheet, row, col, SEVERITY_RANK[f.severity], f.rule)

    return key
