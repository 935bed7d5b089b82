"""Row rules: how the values of one record must agree with each other."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache

from .. import schema
from ..findings import ERROR, INFO, WARNING, finding

#: Decree 30/2020/NĐ-CP: number/[year/]type-issuer, e.g. `1234/QĐ-UBND`, `15/2025/QĐ-UBND` (normative
#: documents carry the year), `07/QĐ-SKHĐT-KHTC`; "Số:" before it as on the document itself.
DECISION_NUMBER = re.compile(
    r"^(?:số\s*:?\s*)?\d+\s*/\s*(?:(?:19|20)\d\d\s*/\s*)?"
    r"(?:QĐ|QD)(?:\s*-\s*[0-9A-ZĐa-zđ.&]+)+$",
    re.IGNORECASE,
)
#: Statuses of a project whose certificate no longer matters: it has ended or was revoked.
CLOSED_STATUSES = ("Đã kết thúc", "Bị thu hồi")


def _where(data, record, key):
    cell = record.cells.get(key)
    return dict(
        sheet=data.sheet, cell=data.ref(key, record.row), row=record.row, column=key, value=cell.raw if cell else None
    )


def check_needs(wb, ctx):
    data = wb.tables.get("needs")
    if data is None:
        return
    s = ctx.settings
    for r in data.records:
        if "ten_en" in data.columns and not r.get("ten_en") and r.get("ten_vi"):
            yield finding("title-en-missing", WARNING, **_where(data, r, "ten_en"))
        months = r.get("thoi_gian_thang")
        if r.get("hinh_thuc") == schema.NON_PROJECT and months is not None and months > s.non_project_months:
            yield finding(
                "non-project-too-long", WARNING, **_where(data, r, "thoi_gian_thang"), limit=s.non_project_months
            )
        total, requested = r.get("tong_kinh_phi_usd"), r.get("de_nghi_tai_tro_usd")
        if total is None or requested is None or total <= 0:
            continue
        if requested > total:
            yield finding("requested-over-total", ERROR, **_where(data, r, "de_nghi_tai_tro_usd"), total=total)
        elif "von_doi_ung_usd" in data.columns:
            counterpart = r.get("von_doi_ung_usd") or 0
            gap = abs(requested + counterpart - total)
            if gap > total * _d(s.budget_tolerance):
                yield finding(
                    "budget-sum-mismatch",
                    WARNING,
                    **_where(data, r, "von_doi_ung_usd"),
                    total=total,
                    sum=requested + counterpart,
                    tolerance=f"{s.budget_tolerance:.0%}",
                )


def check_register(wb, ctx):
    data = wb.tables.get("register")
    if data is None:
        return
    s = ctx.settings
    period_end = ctx.period.end if ctx.period else None
    for r in data.records:
        decision = r.get("so_qd")
        if decision and not DECISION_NUMBER.match(decision):
            yield finding("decision-number-format", WARNING, **_where(data, r, "so_qd"))
        dossier, approved_on = r.get("ngay_nhan_hs"), r.get("ngay_qd")
        if dossier and approved_on:
            if approved_on < dossier:
                yield finding(
                    "approval-before-dossier", ERROR, **_where(data, r, "ngay_qd"), dossier=f"{dossier:%d/%m/%Y}"
                )
            elif (approved_on - dossier).days > s.approval_days:
                yield finding(
                    "approval-slow",
                    WARNING,
                    **_where(data, r, "ngay_qd"),
                    days=(approved_on - dossier).days,
                    limit=s.approval_days,
                )
        start, end = r.get("ngay_bat_dau"), r.get("ngay_ket_thuc")
        if start and end and end < start:
            yield finding("end-before-start", ERROR, **_where(data, r, "ngay_ket_thuc"), start=f"{start:%d/%m/%Y}")
        if r.get("trang_thai") not in CLOSED_STATUSES:
            yield from _certificate(data, r, end, period_end, s)
        yield from _amounts(data, r, s, approved_on or dossier or period_end)
        if (
            period_end
            and r.get("trang_thai") == schema.APPROVED
            and approved_on
            and approved_on < _months_before(period_end, s.stale_approval_months)
            and not r.get("giai_ngan_luy_ke_usd")
            and not r.get("giai_ngan_ky_usd")
        ):
            yield finding(
                "approval-stale",
                WARNING,
                **_where(data, r, "trang_thai"),
                approved=f"{approved_on:%d/%m/%Y}",
                months=s.stale_approval_months,
            )


def check_activities(wb, ctx):
    """People-to-people activities: end not before start, dates inside the period (or near it), no row typed twice."""
    data = wb.tables.get("activities")
    if data is None:
        return
    period = ctx.period
    margin = timedelta(days=schema.ACTIVITY_MARGIN_DAYS)
    seen: dict[tuple, int] = {}
    for r in data.records:
        start, end = r.get("ngay_bat_dau"), r.get("ngay_ket_thuc")
        if start and end and end < start:
            yield finding("end-before-start", ERROR, **_where(data, r, "ngay_ket_thuc"), start=f"{start:%d/%m/%Y}")
        elif start and period and (start > period.end + margin or (end or start) < period.start - margin):
            yield finding(
                "activity-outside-period",
                WARNING,
                **_where(data, r, "ngay_bat_dau"),
                start=f"{start:%d/%m/%Y}",
                period_start=f"{period.start:%d/%m/%Y}",
                period_end=f"{period.end:%d/%m/%Y}",
            )
        if start and r.get("loai_hoat_dong"):
            key = (start, r.get("loai_hoat_dong"), str(r.get("doi_tac") or "").strip().casefold())
            if key in seen:
                yield finding("activity-repeated", WARNING, **_where(data, r, "ngay_bat_dau"), first=seen[key])
            else:
                seen[key] = r.row


def _certificate(data, r, end, period_end, s):
    """A running project's certificate: expiring before the project ends, or by the period's end + 90 days."""
    expiry = r.get("het_han_gdk")
    if not expiry:
        return
    if end and expiry < end:
        yield finding(
            "certificate-expires-before-end", WARNING, **_where(data, r, "het_han_gdk"), end=f"{end:%d/%m/%Y}"
        )
    elif period_end and expiry <= period_end + timedelta(days=s.certificate_warning_days):
        yield finding(
            "certificate-expiring",
            WARNING,
            **_where(data, r, "het_han_gdk"),
            period_end=f"{period_end:%d/%m/%Y}",
            days=s.certificate_warning_days,
        )


def _amounts(data, r, s, day):
    """The USD amount against the reference rate of the decision date, else the dossier date, else period end."""
    usd, original, currency = r.get("gia_tri_usd"), r.get("gia_tri_nguyen_te"), r.get("tien_te")
    if usd and original and currency and usd > 0 and original > 0:  # a value out of range is reported once
        rate = s.rates.rate(currency, day) if day else None
        if rate is None:
            yield finding("no-reference-rate", INFO, **_where(data, r, "tien_te"))
        else:
            expected = original * Decimal(repr(rate.usd_per_unit))
            if abs(usd - expected) > expected * _d(s.rate_tolerance):
                yield finding(
                    "usd-rate-mismatch",
                    WARNING,
                    **_where(data, r, "gia_tri_usd"),
                    expected=expected,
                    rate=rate.usd_per_unit,
                    currency=currency,
                    tolerance=f"{s.rate_tolerance:.0%}",
                    since=f"{rate.since:%d/%m/%Y}",
                    source_vi=rate.source_vi,
                    source_en=rate.source_en,
                )
    period_paid, to_date = r.get("giai_ngan_ky_usd"), r.get("giai_ngan_luy_ke_usd")
    if period_paid is not None and to_date is not None and to_date < period_paid:
        yield finding(
            "disbursed-below-period", ERROR, **_where(data, r, "giai_ngan_luy_ke_usd"), period_amount=period_paid
        )
    if to_date and usd and to_date > usd * (1 + _d(s.disbursed_tolerance)):
        yield finding(
            "disbursed-over-amount",
            WARNING,
            **_where(data, r, "giai_ngan_luy_ke_usd"),
            amount=usd,
            tolerance=f"{1 + s.disbursed_tolerance:.0%}",
        )


def _months_before(day: date, months: int) -> date:
    month = day.month - months
    year = day.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    return date(year, month, min(day.day, 28 if month == 2 else 30 if month in (4, 6, 9, 11) else 31))


@lru_cache(maxsize=64, typed=True)
def _d(x: float) -> Decimal:
    """A float setting as Decimal, to compare with amounts read exactly (asked for at every row)."""
    return Decimal(str(x))
