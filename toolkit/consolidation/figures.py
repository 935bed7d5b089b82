"""The figures of a period, defined once: the Word report, the consolidated workbook's overview and
the report e-mail all show these.

Số liệu của một kỳ, định nghĩa một lần cho báo cáo Word, trang Tổng quan và thư báo cáo.

For each member, from its latest file for the period (a file with errors counts, marked
"Không hợp lệ"; a member with no file is "Chưa nộp"):

- open funding needs ("đang vận động"): NEEDS rows neither funded nor withdrawn (status Mới đề xuất or
  Đang vận động), their count and requested USD: the needs the donor catalogue lists;
- aid approved in the period: REGISTER rows whose decision date (Ngày quyết định) falls within the
  period and whose status is an approved one, their count and Giá trị (USD);
- disbursed in the period: the sum of Giải ngân trong kỳ (USD) over every REGISTER row;
- approval lead time: days from Ngày nhận đủ hồ sơ to Ngày quyết định over the aid approved in the
  period, as a mean ("bình quân"; the median beside it only where the two differ much) and the share
  of those decided dossiers within the cluster's threshold (Ngưỡng ngày phê duyệt);
- people-to-people activities (1.2): ACTIVITIES rows starting within the period, by type.

Cluster totals pool the members' rows, so the cluster mean is the mean of every lead time. An annual
period takes each member's annual file, else its two halves (rows by ID, the later file's version).
Pending dossiers are aged to the report's date.
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

from .. import schema
from ..periods import BadPeriod, Period
from .result import INDEX, ConsolidationResult, Entry, file_status, sum_usd

OPEN_NEEDS = schema.OPEN_NEEDS  # "đang vận động": Mới đề xuất, Đang vận động (not funded, not withdrawn)
#: The mean is given alone unless the median differs from it by more than this share (then both are given).
MEDIAN_GAP = 0.25
RUNNING = ("Đã phê duyệt", "Đang thực hiện", "Tạm dừng")  # approved and not finished
PENDING = "Chờ phê duyệt"
CERTIFICATE_MARGIN_DAYS = 90  # a certificate expiring this soon after the period's end needs renewing
_N, _R, _A = INDEX["needs"], INDEX["register"], INDEX["activities"]


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
    return [
        row
        for row in register
        if row[status] in schema.APPROVED_STATUSES
        and type(row[decided]) is date
        and period.start <= row[decided] <= period.end
    ]


def lead_days(rows: Iterable[tuple]) -> list[int]:
    """Days from the complete dossier to the decision, for rows with both dates in order."""
    dossier, decided = _R["ngay_nhan_hs"], _R["ngay_qd"]
    return [
        (row[decided] - row[dossier]).days
        for row in rows
        if type(row[dossier]) is date and type(row[decided]) is date and row[decided] >= row[dossier]
    ]


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
    activity_kinds: tuple[str, ...] = ()  # the type of each activity of the period
    open_needs_held: int = 0  # open needs with an error: counted, but left out of the donor catalogue

    @property
    def activities(self) -> int:
        return len(self.activity_kinds)

    def kind_count(self, kind: str) -> int:
        return self.activity_kinds.count(kind)

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
    def mean_days(self) -> float | None:
        return statistics.fmean(self.days) if self.days else None

    @property
    def median_differs(self) -> bool:
        """The median is worth giving beside the mean: they differ by more than MEDIAN_GAP of the mean."""
        mean, median = self.mean_days, self.median_days
        return mean is not None and median is not None and abs(mean - median) > MEDIAN_GAP * max(mean, 1)

    @property
    def within_share(self) -> float | None:
        """The share (0–1) of lead times within the threshold."""
        return sum(d <= self.threshold for d in self.days) / len(self.days) if self.days else None


def entry_figures(entry: Entry, threshold: int) -> Figures:
    """The figures of one overview entry (a province and a period)."""
    try:
        period = Period.parse(entry.period or "")
    except BadPeriod:
        period = None
    return member_figures([entry], period, threshold)


def _latest_rows(files: list, key: str, ident: str) -> list[tuple]:
    """A table's rows over several files of one member (oldest first): one row per ID, the latest file's."""
    if len(files) == 1:
        return list(files[0].rows.get(key, ()))
    i = INDEX[key][ident]
    start = INDEX[key]["ngay_bat_dau"] if key == "activities" else None  # an ID typed again in the next half
    rows: dict[Any, tuple] = {}
    for f in files:
        for n, row in enumerate(f.rows.get(key, ())):
            rows[(row[i], start is not None and row[start]) if row[i] else (f.name, n)] = row
    return list(rows.values())


def member_figures(entries: list[Entry], period: Period | None, threshold: int) -> Figures:
    """One member's figures over its entries for `period` (one entry, or an annual period's halves)."""
    entries = sorted(
        entries,
        key=lambda e: (
            Period.parse(e.period).end if e.period else date.min,
            e.period is not None and "-" not in e.period,
        ),
    )
    last = entries[-1]
    name = last.current.short if last.current else (last.code_written or "")
    files = [e.file for e in entries if e.file is not None]
    state = member_state(last)
    if not files or period is None:
        return Figures(last.code or "", name, state, threshold, None, 0)
    if any(e.file is not None and e.period == str(period) for e in entries):  # an annual file wins
        files = [e.file for e in entries if e.file is not None and e.period == str(period)]
        state = member_state(next(e for e in entries if e.period == str(period)))
    needs = [row for row in files[-1].rows.get("needs", ()) if row[_N["trang_thai"]] in OPEN_NEEDS]
    register = _latest_rows(files, "register", "ma_khoan")
    approved = approved_in(register, period)
    kinds = tuple(
        row[_A["loai_hoat_dong"]]
        for row in _latest_rows(files, "activities", "ma_hoat_dong")
        if _within(row[_A["ngay_bat_dau"]], period)
    )
    disbursed = sum_usd(row[_R["giai_ngan_ky_usd"]] for f in files for row in f.rows.get("register", ()))
    return Figures(
        last.code or "",
        name,
        state,
        threshold,
        files[-1].name,
        sum(f.errors for f in files),
        len(needs),
        sum_usd(row[_N["de_nghi_tai_tro_usd"]] for row in needs),
        len(approved),
        sum_usd(row[_R["gia_tri_usd"]] for row in approved),
        disbursed,
        tuple(lead_days(approved)),
        kinds,
        sum(1 for row in needs if row[-1]),
    )  # a row's last cell: its errors (as the catalogue)


def _within(day: Any, period: Period) -> bool:
    return type(day) is date and period.start <= day <= period.end


def total_figures(members: list[Figures], threshold: int) -> Figures:
    """The cluster's figures: sums of the members', every lead time pooled."""
    return Figures(
        "",
        "Toàn cụm",
        "",
        threshold,
        None,
        sum(m.errors for m in members),
        sum(m.open_needs for m in members),
        round(math.fsum(m.usd_open_needs for m in members), 2),
        sum(m.approved for m in members),
        round(math.fsum(m.usd_approved for m in members), 2),
        round(math.fsum(m.usd_disbursed for m in members), 2),
        tuple(d for m in members for d in m.days),
        tuple(k for m in members for k in m.activity_kinds),
        sum(m.open_needs_held for m in members),
    )


@dataclass(frozen=True)
class ActionItem:
    """A REGISTER row that needs someone to act, with why (Vietnamese)."""

    province: str
    ident: str
    title: str
    donor: str
    why: str
    days: int | None = None  # a pending dossier's age on the report's date
    received: date | None = None  # a pending dossier's complete-dossier date (None: not complete yet)


@dataclass(frozen=True)
class Activity:
    """A people-to-people activity of the period, for the lists of the report."""

    province: str
    start: date
    end: date | None
    kind: str
    country: str
    partner: str
    content: str
    people: int | None


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
    activities: list[Activity] = field(default_factory=list)
    today: date | None = None  # the report's date: pending dossiers are aged to it

    def count(self, *states: str) -> int:
        return sum(m.state in states for m in self.members)

    def named(self, *states: str) -> list[str]:
        return [m.name or m.code for m in self.members if m.state in states]

    @property
    def slow(self) -> list[Figures]:
        """Members whose mean lead time is over the threshold."""
        return [m for m in self.members if m.mean_days is not None and m.mean_days > self.threshold]

    @property
    def overdue(self) -> list[ActionItem]:
        """Pending dossiers complete for longer than the threshold on the report's date."""
        return [a for a in self.pending if a.days is not None and a.days > self.threshold]

    @property
    def activity_countries(self) -> list[tuple[str, int]]:
        """Countries of the period's activities, most activities first."""
        counts: dict[str, int] = defaultdict(int)
        for a in self.activities:
            counts[a.country or "(chưa rõ)"] += 1
        return sorted(counts.items(), key=lambda t: (-t[1], t[0]))


def period_figures(
    result: ConsolidationResult,
    period: str,
    threshold: int | None = None,
    stale_months: int = schema.Settings.stale_approval_months,
    *,
    today: date | None = None,
) -> PeriodFigures:
    """The figures of one period of a consolidation: its member entries (not other provinces' files).

    An annual period takes the entries of the year and of its two halves (a consolidation of every period).

    :param threshold: the approval lead-time threshold in days (default: the consolidation's).
    :param today: the report's date, which pending dossiers are aged to (default: the period's end).
    """
    parsed = Period.parse(period)
    name = str(parsed)
    threshold = result.approval_days if threshold is None else threshold
    wanted = {name} if parsed.half is not None else {name, f"{name}-H1", f"{name}-H2"}
    groups: dict[str, list[Entry]] = {}
    for e in result.entries:
        if e.period in wanted and e.member is not False:
            groups.setdefault(e.code or e.code_written or "", []).append(e)
    members = [member_figures(group, parsed, threshold) for group in groups.values()]
    dues = [e.due for group in groups.values() for e in group if e.due and e.period == name]
    out = PeriodFigures(
        result.cluster or "",
        parsed,
        threshold,
        dues[0] if dues else None,
        members,
        total_figures(members, threshold),
        today=today,
    )
    ranked: dict[str, dict[str, list]] = {
        "sectors": defaultdict(lambda: [0, 0.0]),
        "donors": defaultdict(lambda: [0, 0.0]),
        "countries": defaultdict(lambda: [0, 0.0]),
    }
    keys = {"sectors": _R["linh_vuc"], "donors": _R["nha_tai_tro"], "countries": _R["quoc_gia"]}
    for group, m in zip(groups.values(), members, strict=True):
        files = [e.file for e in sorted(group, key=lambda e: e.period or "") if e.file is not None]
        files = [e.file for e in group if e.file is not None and e.period == name] or files  # as member_figures
        if not files:
            continue
        register = _latest_rows(files, "register", "ma_khoan")
        for row in approved_in(register, parsed):
            for key, i in keys.items():
                label = row[i] if isinstance(row[i], str) and row[i] else "(chưa rõ)"
                ranked[key][label][0] += 1
                ranked[key][label][1] += _usd(row[_R["gia_tri_usd"]]) or 0.0
        _actions(out, m.name or m.code, register, parsed, stale_months, today or parsed.end)
        out.activities += [
            _activity(m.name or m.code, row)
            for row in _latest_rows(files, "activities", "ma_hoat_dong")
            if _within(row[_A["ngay_bat_dau"]], parsed)
        ]
    for key, values in ranked.items():
        setattr(
            out, key, sorted(((k, n, round(usd, 2)) for k, (n, usd) in values.items()), key=lambda t: (-t[2], t[0]))
        )
    out.activities.sort(key=lambda a: (a.start, a.province))
    return out


def _activity(province: str, row: tuple) -> Activity:
    def text(key: str) -> str:
        return str(row[_A[key]] or "")

    end, people = row[_A["ngay_ket_thuc"]], row[_A["so_nguoi"]]
    return Activity(
        province,
        row[_A["ngay_bat_dau"]],
        end if type(end) is date else None,
        text("loai_hoat_dong"),
        text("quoc_gia"),
        text("doi_tac"),
        text("noi_dung"),
        people if type(people) is int else None,
    )


def _months_before(day: date, months: int) -> date:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _actions(
    out: PeriodFigures, province: str, register: Iterable[tuple], period: Period, stale_months: int, today: date
) -> None:
    """Add a member's rows to the three lists that need action (pending dossiers aged to `today`)."""
    horizon = period.end + timedelta(days=CERTIFICATE_MARGIN_DAYS)
    stale_before = _months_before(period.end, stale_months)
    for row in register:
        status, expiry, end, decided = (row[_R[k]] for k in ("trang_thai", "het_han_gdk", "ngay_ket_thuc", "ngay_qd"))
        ident, title, donor = (str(row[_R[k]] or "") for k in ("ma_khoan", "ten_vi", "nha_tai_tro"))
        item = (province, ident, title, donor)
        if status in RUNNING and type(expiry) is date:
            if type(end) is date and expiry < end:
                out.expiring.append(
                    ActionItem(
                        *item, f"Giấy đăng ký hết hạn {expiry:%d/%m/%Y}, trước khi dự án kết thúc ({end:%d/%m/%Y})"
                    )
                )
            elif expiry <= horizon:
                out.expiring.append(ActionItem(*item, f"Giấy đăng ký hết hạn {expiry:%d/%m/%Y}"))
        if (
            status == schema.APPROVED
            and type(decided) is date
            and decided < stale_before
            and not _usd(row[_R["giai_ngan_ky_usd"]])
            and not _usd(row[_R["giai_ngan_luy_ke_usd"]])
        ):
            out.stale.append(ActionItem(*item, f"Phê duyệt ngày {decided:%d/%m/%Y}, chưa giải ngân"))
        if status == PENDING:
            dossier = row[_R["ngay_nhan_hs"]]
            days = (today - dossier).days if type(dossier) is date and dossier <= today else None
            why = (
                f"Nhận đủ hồ sơ ngày {dossier:%d/%m/%Y}, đến ngày {today:%d/%m/%Y} đã {days} ngày"
                if days is not None
                else "Chưa đủ hồ sơ"
            )
            out.pending.append(ActionItem(*item, why, days, dossier if days is not None else None))


@dataclass
class Review:
    """What a review report compares: the period, the same period a year before, the year so far against
    each member's targets (control.Target by province code), and the VND per USD of the period's end."""

    now: PeriodFigures
    before: PeriodFigures | None = None
    year: PeriodFigures | None = None  # the year to the period's end (the period itself for H1 and a year)
    targets: dict[str, Any] = field(default_factory=dict)
    vnd_per_usd: float | None = None

    @property
    def year_figures(self) -> PeriodFigures:
        return self.year or self.now

    def target_share(self, code: str, what: str) -> float | None:
        """The share (0–1) of a target reached in the year so far: `what` is usd, projects or activities;
        code "" is the cluster (the members' targets summed)."""
        year = self.year_figures
        if code:
            targets = [self.targets[code]] if code in self.targets else []
            done = next((m for m in year.members if m.code == code), None)
        else:
            targets, done = [self.targets[m.code] for m in year.members if m.code in self.targets], year.total
        goal = sum(getattr(t, what) or 0 for t in targets)
        if not goal or done is None:
            return None
        return {"usd": done.usd_approved, "projects": done.approved, "activities": done.activities}[what] / goal


def review_figures(
    result: ConsolidationResult,
    everything: ConsolidationResult | None,
    period: str,
    *,
    today: date | None = None,
    targets: dict[str, Any] | None = None,
    vnd_per_usd: float | None = None,
) -> Review:
    """The Review of `period`: its figures from `result` (that period's consolidation), the same period a
    year before and the year so far from `everything` (a consolidation of every period; None: neither)."""
    parsed = Period.parse(period)
    now = period_figures(everything if parsed.half is None and everything else result, period, today=today)
    before = year = None
    if everything is not None:
        last = str(Period(parsed.year - 1, parsed.half))
        wanted = {last} if parsed.half else {last, f"{last}-H1", f"{last}-H2"}
        if any(e.file is not None and e.period in wanted for e in everything.entries):
            before = period_figures(everything, last, today=today)
        if parsed.half == 2:
            year = period_figures(everything, str(parsed.year), today=today)
    return Review(now, before, year, dict(targets or {}), vnd_per_usd)
