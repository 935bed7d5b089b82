"""The Info block: province, period, who prepared it."""

from __future__ import annotations

from datetime import date

from .. import schema
from ..findings import ERROR, WARNING, finding
from ..periods import BadPeriod, Period
from ..provinces import MERGER_DATE, current_province, name_matches
from ..values import is_email


def check(wb, ctx):
    if wb.info_sheet is None:
        return
    sheet = wb.info_sheet
    # A form with no data rows is not yet a submission: its gaps are warnings, so a
    # freshly generated template validates clean.
    severity = ERROR if any(t.records for t in wb.tables.values()) else WARNING
    for field_ in schema.INFO_FIELDS:
        cell = wb.info.get(field_.key)
        if field_.required and (cell is None or cell.value is None) and (cell is None or cell.raw in ("", None)):
            yield finding(
                "info-missing",
                severity,
                sheet=sheet,
                cell=cell.ref if cell else "",
                column=field_.key,
                label=field_.vi,
                label_en=field_.en,
            )
    yield from _period(wb, sheet)
    yield from _province(wb, ctx, sheet)
    email = wb.info.get("email")
    if email is not None and email.value and not is_email(email.value):
        yield finding(
            "invalid-email", ERROR, sheet=sheet, cell=email.ref, row=email.row, column="email", value=email.raw
        )
    version = wb.info.get("phien_ban_mau")
    if version is not None and version.value and _older(_version_text(version.raw), schema.TEMPLATE_VERSION):
        yield finding(
            "template-version-old",
            WARNING,
            sheet=sheet,
            cell=version.ref,
            column="phien_ban_mau",
            value=_version_text(version.raw),
            current=schema.TEMPLATE_VERSION,
        )


def _version_text(raw) -> str:
    """A version as typed: the number 1.0 is version "1.0", not "1"."""
    return repr(raw) if isinstance(raw, float) else str(raw)


def _older(version: str, current: str) -> bool:
    """Compared as versions, part by part, missing parts as 0: "1" = "1.0" < "1.1" < "1.10"."""

    def parts(v):
        return [int(p) if p.isdigit() else 0 for p in v.strip().lstrip("vV").split(".")]

    a, b = parts(version), parts(current)
    width = max(len(a), len(b))
    return a + [0] * (width - len(a)) < b + [0] * (width - len(b))


def _period(wb, sheet):
    cell = wb.info.get("ky_bao_cao")
    if cell is None or cell.value is None:
        return
    try:
        Period.parse(cell.value)
    except BadPeriod:
        yield finding("period-invalid", ERROR, sheet=sheet, cell=cell.ref, column="ky_bao_cao", value=cell.raw)


def _province(wb, ctx, sheet):
    code_cell, name_cell = wb.info.get("ma_tinh"), wb.info.get("ten_tinh")
    if code_cell is None or code_cell.value is None or ctx.period is None:
        return
    day = ctx.period.end
    code = str(code_cell.value).strip()
    where = dict(sheet=sheet, cell=code_cell.ref, column="ma_tinh", value=code_cell.raw)
    if not (code.isdigit() and len(code.zfill(2)) == 2):
        yield finding("province-code-invalid", ERROR, **where, period=str(ctx.period))
        return
    if ctx.province is None:
        hint = ""
        moved = current_province(code, date(2025, 6, 30))
        if day >= MERGER_DATE and moved is not None:
            hint = f"{moved.code} – {moved.short}"
        yield finding("province-code-invalid", ERROR, suggestion=hint, **where, period=str(ctx.period))
        return
    if name_cell is not None and name_cell.value and not name_matches(ctx.province, name_cell.value):
        yield finding(
            "province-name-mismatch",
            ERROR,
            sheet=sheet,
            cell=name_cell.ref,
            column="ten_tinh",
            value=name_cell.raw,
            code=ctx.province.code,
            expected=ctx.province.short,
            suggestion=ctx.province.short,
        )
    elif name_cell is None or not name_cell.value:
        yield finding(
            "info-missing",
            WARNING,
            sheet=sheet,
            cell=name_cell.ref if name_cell else "",
            column="ten_tinh",
            label="Tên tỉnh",
            label_en="Province name",
            suggestion=ctx.province.short,
        )
