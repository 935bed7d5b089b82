"""The figures of a period, defined once: the Word report, the consolidated workbook's overview and
the report e-mail all show these.

Số liệu của một kỳ, định nghĩa một lần cho báo cáo Word, trang Tổng quan và thư báo cáo.

For each member, from its latest file for the period (a file with errors counts, marked
"Không hợp lệ"; a member with no file is "Chưa nộp"):

- open funding needs: NEEDS rows still being sought (status Mới đề xuất, Đang vận động or
  Đã có nhà tài trợ), their count and requested USD;
- aid approved in the period: REGISTER rows whose decision date (Ngày quyết định) falls within the
  period and whose status is an approved one, their count and Giá trị (USD);
- disbursed in the period: the sum of Giải ngân trong kỳ (USD) over every REGISTER row;
- approval lead time: days from Ngày nhận đủ hồ sơ to Ngày quyết định over the aid approved in the
  period, as a median and the share within the cluster's threshold (Ngưỡng ngày phê duyệt).

Cluster totals pool the members' rows, so the cluster median is the median of every lead time.
"""

from __future__ import annotations

import calendar
import math
import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from . import schema
from .consolidation.result import INDEX, ConsolidationResult, Entry, file_status, sum_usd
from .periods import BadPeriod, Period

OPEN_NEEDS = schema.NEEDS_STATUSES[:3]  # Mới đề xuất, Đang vận động, Đã có nhà tài trợ
RUNNING = ("Đã phê duyệt", "Đang thực hiện", "Tạm dừng")  # approved and not finished
PENDING = "Chờ phê duyệt"
CERTIFICATE_MARGIN_DAYS = 90  # a certificate expiring this soon after the period's end needs renewing
_N, _R = INDEX["needs"], INDEX["register"]


def member_state(entry: Entry) -> str:
    """The submission status of an entry (a key of schema.SUBMISSION_STATUSES).

    The one place the figures ask for it: missing without a file, otherwise the consolidation's
    rule (`consolidate.file_status`: invalid, late or valid from the received time and the due date).
    """
    return "missing" if entry.file is None else file_status(entry.file, entry.due)


def _usd(value: Any) -> float | None:
    return float(value) if type(value) is float or type(value) is int else None


def approved_in(register: Iterable[tuple], period: Period) -> list[tuple]:
    """REGISTER rows approved (status) with a decision date within the period."""
    status, decided = _R["trang_thai"], _R["ngay_qd"]
    return [row for row in register if row[status] in schema.APPROVED_STATUSES and type(row[decided]) is date
            and period.start <= row[decided] <= period.end]


def lead_days(rows: Iterable[tuple]) -> list[int]:
    """Days from the complete dossier to the decision, for rows with both dates in order."""
    dossier, decided = _R["ngay_nhan_hs"], _R["ngay_qd"]
    return [(row[decided] - row[dossier]).days for row in rows
            if type(row[dossier]) is date and type(row[decided]) is date and row[decided] >= row[dossier]]


@dataclass(frozen=True)
class Figures:
    """One member's figures for a period (or, with code "", the cluster's)."""

    code: str
    name: str
    state: str  # missing | invalid | valid | late; "" for the cluster total
    threshold: int
    file: str | None = None
    errors: int = 0
    open_needs: int = 0
    usd_open_needs: float = 0.0
    approved: int = 0
    usd_approved: float = 0.0
    usd_disbursed: float = 0.0
    days: tuple[int, ...] = ()

    @property
    def submitted(self) -> bool:
        return self.state != "missing"

    @property
    def word(self) -> str:
        return schema.SUBMISSION_STATUSES.get(self.state, "")

    @property
    def word_en(self) -> str:
        return schema.SUBMISSION_STATUSES_EN.get(self.state, "")

    @property
    def median_days(self) -> float | None:
        return float(statistics.median(self.days)) if self.days else None

    @property
    def within_share(self) -> float | None:
        """The share (0–1) of lead times within the threshold."""
        return sum(d <= self.threshold for d in self.days) / len(self.days) if self.days else None


def entry_figures(entry: Entry, threshold: int) -> Figures:
    """The figures of one overview entry (a province and a period)."""
    name = entry.current.short if entry.current else (entry.code_written or "")
    state = member_state(entry)
    f = entry.file
    try:
        period = Period.parse(entry.period or "")
    except BadPeriod:
        period = None
    if f is None or period is None:
        return Figures(entry.code or "", name, state, threshold, f.name if f else None, f.errors if f else 0)
    needs = [row for row in f.rows.get("needs", ()) if row[_N["trang_thai"]] in OPEN_NEEDS]
    register = f.rows.get("register", ())
    approved = approved_in(register, period)
    return Figures(entry.code or "", name, state, threshold, f.name, f.errors, len(needs),
                   sum_usd(row[_N["de_nghi_tai_tro_usd"]] for row in needs), len(approved),
                   sum_usd(row[_R["gia_tri_usd"]] for row in approved),
                   sum_usd(row[_R["giai_ngan_ky_usd"]] for row in register), tuple(lead_days(approved)))


def total_figures(members: list[Figures], threshold: int) -> Figures:
    """The cluster's figures: sums of the members', every lead time pooled."""
    return Figures("", "Toàn cụm", "", threshold, None, sum(m.errors for m in members),
                   sum(m.open_needs for m in members), round(math.fsum(m.usd_open_needs for m in members), 2),
                   sum(m.approved for m in members), round(math.fsum(m.usd_approved for m in members), 2),
                   round(math.fsum(m.usd_disbursed for m in members), 2),
                   tuple(d for m in members for d in m.days))


@dataclass(frozen=True)
class ActionItem:
    """A REGISTER row that needs someone to act, with why (Vietnamese)."""

    province: str
    ident: str
    title: str
    donor: str
    why: str


@dataclass
class PeriodFigures:
    """Everything the report says about one period of a cluster."""

    cluster: str
    period: Period
    threshold: int
    due: date | None
    members: list[Figures]
    total: Figures
    sectors: list[tuple[str, int, float]] = field(default_factory=list)  # approved in the period, by USD
    donors: list[tuple[str, int, float]] = field(default_factory=list)
    countries: list[tuple[str, int, float]] = field(default_factory=list)
    expiring: list[ActionItem] = field(default_factory=list)
    stale: list[ActionItem] = field(default_factory=list)
    pending: list[ActionItem] = field(default_factory=list)

    def count(self, *states: str) -> int:
        return sum(m.state in states for m in self.members)

    def named(self, *states: str) -> list[str]:
        return [m.name or m.code for m in self.members if m.state in states]

    @property
    def slow(self) -> list[Figures]:
        """Members whose median lead time is over the threshold."""
        return [m for m in self.members if m.median_days is not None and m.median_days > self.threshold]


def period_figures(result: ConsolidationResult, period: str, threshold: int | None = None,
                   stale_months: int = schema.Settings.stale_approval_months) -> PeriodFigures:
    """The figures of one period of a consolidation: its member entries (not other provinces' files).

    :param threshold: the approval lead-time threshold in days (default: the consolidation's).
    """
    parsed = Period.parse(period)
    name = str(parsed)
    threshold = result.approval_days if threshold is None else threshold
    entries = [e for e in result.entries if e.period == name and e.member is not False]
    members = [entry_figures(e, threshold) for e in entries]
    out = PeriodFigures(result.cluster or "", parsed, threshold, next((e.due for e in entries if e.due), None),
                        members, total_figures(members, threshold))
    groups: dict[str, dict[str, list]] = {"sectors": defaultdict(lambda: [0, 0.0]),
                                          "donors": defaultdict(lambda: [0, 0.0]),
                                          "countries": defaultdict(lambda: [0, 0.0])}
    keys = {"sectors": _R["linh_vuc"], "donors": _R["nha_tai_tro"], "countries": _R["quoc_gia"]}
    for e, m in zip(entries, members, strict=True):
        if e.file is None:
            continue
        register = e.file.rows.get("register", ())
        for row in approved_in(register, parsed):
            for group, i in keys.items():
                label = row[i] if isinstance(row[i], str) and row[i] else "(chưa rõ)"
                groups[group][label][0] += 1
                groups[group][label][1] += _usd(row[_R["gia_tri_usd"]]) or 0.0
        _actions(out, m.name or m.code, register, parsed, stale_months)
    for group, values in groups.items():
        ranked = sorted(((k, n, round(usd, 2)) for k, (n, usd) in values.items()), key=lambda t: (-t[2], t[0]))
        setattr(out, group, ranked)
    return out


def _months_before(day: date, months: int) -> date:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _actions(out: PeriodFigures, province: str, register: Iterable[tuple], period: Period, stale_months: int) -> None:
    """Add a member's rows to the three lists that need action."""
    horizon = period.end + timedelta(days=CERTIFICATE_MARGIN_DAYS)
    stale_before = _months_before(period.end, stale_months)
    for row in register:
        status, expiry, end, decided = (row[_R[k]] for k in ("trang_thai", "het_han_gdk", "ngay_ket_thuc", "ngay_qd"))
        item = (province, *(str(row[_R[k]] or "") for k in ("ma_khoan", "ten_vi", "nha_tai_tro")))
        if status in RUNNING and type(expiry) is date:
            if type(end) is date and expiry < end:
                out.expiring.append(ActionItem(*item, f"Giấy đăng ký hết hạn {expiry:%d/%m/%Y}, trước khi dự án "
                                                      f"kết thúc ({end:%d/%m/%Y})"))
            elif expiry <= horizon:
                out.expiring.append(ActionItem(*item, f"Giấy đăng ký hết hạn {expiry:%d/%m/%Y}"))
        if (status == schema.APPROVED and type(decided) is date and decided < stale_before
                and not _usd(row[_R["giai_ngan_ky_usd"]]) and not _usd(row[_R["giai_ngan_luy_ke_usd"]])):
            out.stale.append(ActionItem(*item, f"Phê duyệt ngày {decided:%d/%m/%Y}, chưa giải ngân"))
        if status == PENDING:
            dossier = row[_R["ngay_nhan_hs"]]
            why = (f"Nhận đủ hồ sơ ngày {dossier:%d/%m/%Y}, đã {(period.end - dossier).days} ngày"
                   if type(dossier) is date and dossier <= period.end else "Chưa đủ hồ sơ")
            out.pending.append(ActionItem(*item, why))
