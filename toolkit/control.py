"""The cluster control workbook: members, schedule and settings (STANDARD.md)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import pairwise
from pathlib import Path
from typing import Any

from . import schema
from .atomic import atomic_path
from .errors import AidkitError
from .findings import Refusal
from .periods import BadPeriod, Period
from .rates import Override, Rates
from .reader import open_book, sniff
from .sheets import BUILD_DATE
from .text import clean, column_letter, fold
from .values import BadValue, parse_date, parse_integer, parse_number, text_of


class ControlError(AidkitError, ValueError):
    """The control workbook is readable but something in it is unusable."""


@dataclass(frozen=True)
class Member:
    code: str
    name: str
    focal: str
    email: str
    cc: tuple[str, ...] = ()
    start: date | None = None
    end: date | None = None
    title: str = ""  # Danh xưng: Ông or Bà, for the salutation

    def active_on(self, day: date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class Deadline:
    period: Period
    due: date
    before: tuple[int, ...] = (7, 3, 1)
    after: tuple[int, ...] = (1, 3, 7)
    escalate: tuple[int, ...] = (7,)
    opens: date | None = None  # Ngày mở kỳ: the daily job sends the call for reports (aidkit open-period)


@dataclass(frozen=True)
class Target:
    """A member's targets for a year (the optional `Chỉ tiêu` sheet); None: no target set."""

    code: str
    year: int
    usd: float | None = None
    projects: int | None = None
    activities: int | None = None


@dataclass
class Control:
    path: Path
    cluster: str
    inbox: Path
    outbox: Path
    members: list[Member]
    schedule: list[Deadline]
    values: dict[str, Any] = field(default_factory=dict)
    rates: tuple[Override, ...] = ()
    targets: tuple[Target, ...] = ()

    def members_on(self, day: date) -> list[Member]:
        return [m for m in self.members if m.active_on(day)]

    def targets_for(self, year: int) -> dict[str, Target]:
        """Province code → its targets for `year`."""
        return {t.code: t for t in self.targets if t.year == year}

    def deadline(self, period: Period) -> Deadline | None:
        return next((d for d in self.schedule if d.period == period), None)

    @property
    def lead_email(self) -> str:
        return self.values.get("email_truong_cum") or ""

    def settings(self) -> schema.Settings:
        days = self.values.get("nguong_ngay_phe_duyet")
        extra = {"approval_days": int(days)} if days else {}
        return schema.Settings(**extra, rates=Rates(self.rates))


def read_control(path: str | os.PathLike) -> Control:
    """Read a control workbook. Raises Refusal (unreadable) or ControlError (unusable)."""
    path = Path(path)
    sniff(path)
    book = open_book(path)
    names = {fold(n): n for n in book.sheet_names}

    def rows(sheet: schema.Sheet, optional: bool = False) -> list[list[Any]]:
        name = names.get(fold(sheet.vi)) or names.get(fold(sheet.en))
        if name is None and optional:
            return []
        if name is None:
            raise ControlError.of("control-no-sheet", sheet=sheet.vi, sheet_en=sheet.en)
        return book.get_sheet_by_name(name).to_python(skip_empty_area=False)

    values = _key_values(rows(schema.SETTINGS_SHEET), path.name)
    for c in schema.CONTROL_SETTINGS:
        if c.required and not values.get(c.key):
            raise ControlError.of("control-no-setting", label=c.vi, label_en=c.en)
    base = path.parent
    members = [_member(r) for r in _records(rows(schema.MEMBERS_SHEET), schema.MEMBER_COLUMNS)]
    _no_member_twice(members, path.name)
    schedule = [_deadline(r, path.name) for r in _records(rows(schema.SCHEDULE_SHEET), schema.SCHEDULE_COLUMNS)]
    rates = tuple(_rate(r) for r in _records(rows(schema.RATES_SHEET, optional=True), schema.RATE_COLUMNS))
    targets = tuple(
        _target(r, path.name) for r in _records(rows(schema.TARGETS_SHEET, optional=True), schema.TARGET_COLUMNS)
    )
    return Control(
        path,
        values["ten_cum"],
        base / values["thu_muc_nhan"],
        base / values["thu_muc_ket_qua"],
        members,
        schedule,
        values,
        rates,
        targets,
    )


def _key_values(rows, book: str) -> dict[str, Any]:
    labels = {}
    for c in schema.CONTROL_SETTINGS:
        labels.update({fold(c.vi): c, fold(c.en): c, fold(c.key): c})
    values: dict[str, Any] = {}
    for n, row in enumerate(rows, start=1):
        if len(row) < 2 or row[0] in ("", None):
            continue
        column = labels.get(fold(text_of(row[0])))
        if column is not None and row[1] not in ("", None):
            raw = row[1]
            if column.type != schema.INTEGER:
                values[column.key] = clean(text_of(raw))
                continue
            try:
                values[column.key] = parse_integer(raw)
            except BadValue:
                where = f"{schema.SETTINGS_SHEET.vi}!B{n}"
                raise ControlError.of(
                    "control-setting-not-integer",
                    where=where,
                    book=book,
                    label=column.vi,
                    label_en=column.en,
                    raw=text_of(raw),
                ) from None
    return values


def _records(rows, columns) -> list[dict[str, Any]]:
    if not rows:
        return []
    lookup = {}
    for c in columns:
        lookup.update({fold(c.vi): c.key, fold(c.en): c.key, fold(c.key): c.key})
    index = {lookup[fold(text_of(h))]: i for i, h in enumerate(rows[0]) if fold(text_of(h)) in lookup}
    out = []
    for n, row in enumerate(rows[1:], start=2):
        record = {k: row[i] if i < len(row) and row[i] != "" else None for k, i in index.items()}
        if any(v is not None for v in record.values()):
            record["_row"] = n
            record["_cell"] = {k: f"{column_letter(i)}{n}" for k, i in index.items()}
            out.append(record)
    return out


def _days(r, key: str, book: str) -> tuple[int, ...]:
    """A list of day counts such as 7;3;1 (a Lịch nộp cell), or a ControlError naming the cell."""
    raw = r.get(key)
    if raw is None:
        return ()
    days = set()
    for part in text_of(raw).replace(",", ";").split(";"):
        if not part.strip():
            continue
        try:
            number = float(part)
        except ValueError:
            number = -1.0
        if number < 0 or number != int(number):
            column = next(c for c in schema.SCHEDULE_COLUMNS if c.key == key)
            where = f"{schema.SCHEDULE_SHEET.vi}!{r['_cell'][key]}"
            raise ControlError.of(
                "control-days-invalid",
                where=where,
                book=book,
                label=column.vi,
                label_en=column.en,
                raw=text_of(raw),
                part=part.strip(),
            )
        days.add(int(number))
    return tuple(sorted(days))


def _no_member_twice(members: list[Member], book: str) -> None:
    """A province may be listed more than once only for periods that do not overlap (joined, left)."""
    by_code: dict[str, list[Member]] = {}
    for m in members:
        by_code.setdefault(m.code, []).append(m)
    for code, rows in by_code.items():
        rows.sort(key=lambda m: m.start or date.min)
        for a, b in pairwise(rows):
            if a.end is None or (b.start or date.min) <= a.end:
                raise ControlError.of(
                    "control-member-twice",
                    code=code,
                    book=book,
                    sheet=schema.MEMBERS_SHEET.vi,
                    sheet_en=schema.MEMBERS_SHEET.en,
                )


def _date(raw, what: str, row: int) -> date | None:
    if raw is None:
        return None
    try:
        return parse_date(raw)
    except BadValue:
        raise ControlError.of("control-date-invalid", raw=text_of(raw), label=what, row=str(row)) from None


def _member(r) -> Member:
    code = text_of(r.get("ma_tinh") or "").strip()
    if not code or not r.get("email"):
        raise ControlError.of("control-member-incomplete", row=str(r["_row"]))
    cc = tuple(a.strip() for a in text_of(r.get("email_cc") or "").replace(",", ";").split(";") if a.strip())
    return Member(
        code.zfill(2),
        clean(text_of(r.get("ten_tinh") or "")),
        clean(text_of(r.get("nguoi_dau_moi") or "")),
        clean(text_of(r["email"])),
        cc,
        _date(r.get("tu_ngay"), "Từ ngày", r["_row"]),
        _date(r.get("den_ngay"), "Đến ngày", r["_row"]),
        clean(text_of(r.get("danh_xung") or "")),
    )


def _rate(r) -> Override:
    """A row of the `Tỷ giá` sheet: currency, from-date, USD per unit (and its source)."""
    code = clean(text_of(r.get("tien_te") or "")).upper()
    since = _date(r.get("tu_ngay"), "Từ ngày", r["_row"])
    try:
        value = float(parse_number(r.get("usd_moi_don_vi"))) if r.get("usd_moi_don_vi") is not None else 0
    except BadValue:
        value = 0
    if len(code) != 3 or not code.isalpha() or since is None or value <= 0:
        raise ControlError.of("control-rate-incomplete", row=str(r["_row"]))
    return Override(code, since, value, clean(text_of(r.get("nguon") or "")))


def _target(r, book: str) -> Target:
    """A row of the `Chỉ tiêu` sheet: province, year and up to three targets (each ≥ 0), or a ControlError."""
    code = text_of(r.get("ma_tinh") or "").strip().zfill(2)
    values: dict[str, Any] = {}
    for c in schema.TARGET_COLUMNS[1:]:
        raw = r.get(c.key)
        try:
            value = (
                None if raw is None else (parse_integer(raw) if c.type == schema.INTEGER else float(parse_number(raw)))
            )
        except BadValue:
            value = -1
        if value is not None and value < 0 or (c.key == "nam" and not value):
            where = f"{schema.TARGETS_SHEET.vi}!{r['_cell'].get(c.key, r['_row'])}"
            raise ControlError.of(
                "control-target-invalid", where=where, book=book, label=c.vi, label_en=c.en, raw=str(raw)
            )
        values[c.key] = value
    if code == "00":
        raise ControlError.of(
            "control-target-no-province",
            sheet=schema.TARGETS_SHEET.vi,
            sheet_en=schema.TARGETS_SHEET.en,
            book=book,
            row=str(r["_row"]),
        )
    return Target(code, values["nam"], values["vien_tro_usd"], values["so_du_an"], values["so_hoat_dong"])


def _deadline(r, book: str) -> Deadline:
    try:
        period = Period.parse(text_of(r.get("ky_bao_cao") or ""))
    except BadPeriod:
        raise ControlError.of("control-period-invalid", raw=str(r.get("ky_bao_cao")), row=str(r["_row"])) from None
    due = _date(r.get("han_nop"), "Hạn nộp", r["_row"])
    if due is None:
        raise ControlError.of("control-no-due-date", period=str(period))
    return Deadline(
        period,
        due,
        _days(r, "nhac_truoc", book),
        _days(r, "nhac_sau", book),
        _days(r, "bao_truong_cum", book),
        _date(r.get("ngay_mo_ky"), "Ngày mở kỳ", r["_row"]),
    )


# --- writing ------------------------------------------------------------------------


def write_control(
    out: str | os.PathLike,
    cluster: str,
    members: list[Member],
    schedule: list[Deadline],
    settings: dict[str, Any],
    *,
    rates: tuple[Override, ...] = (),
    targets: tuple[Target, ...] = (),
) -> Path:
    """Write a control workbook (xlsx) for a cluster."""
    import xlsxwriter

    with atomic_path(out) as tmp:
        book = xlsxwriter.Workbook(str(tmp))
        fill_control(book, cluster, members, schedule, settings, rates=rates, targets=targets)
        book.close()
    return Path(out)


def fill_control(
    book,
    cluster: str,
    members: list[Member],
    schedule: list[Deadline],
    settings: dict[str, Any],
    *,
    first_sheet=None,
    rates: tuple[Override, ...] = (),
    targets: tuple[Target, ...] = (),
) -> None:
    """Add the control sheets to an open xlsxwriter workbook (first_sheet: a sheet to put before them)."""
    book.set_properties({"title": f"Điều hành {cluster}", "created": BUILD_DATE})
    bold = book.add_format({"bold": True, "bg_color": "#1F4E78", "font_color": "#FFFFFF", "border": 1})
    day = book.add_format({"num_format": schema.DATE_FORMAT})
    text = book.add_format({"num_format": "@"})
    number = book.add_format({"num_format": "0.0000000"})
    if first_sheet:
        first_sheet(book)

    def table(sheet, columns, rows):
        ws = book.add_worksheet(sheet.vi)
        for col, c in enumerate(columns):
            ws.set_column(col, col, c.width, day if c.type == schema.DATE else text)
            ws.write_string(0, col, c.vi, bold)
        for r, values in enumerate(rows, start=1):
            for col, value in enumerate(values):
                if isinstance(value, float):
                    ws.write_number(r, col, value, number)
                elif isinstance(value, date):
                    ws.write_datetime(r, col, datetime.combine(value, datetime.min.time()), day)
                elif value not in (None, ""):
                    ws.write_string(r, col, str(value), text)
        ws.freeze_panes(1, 0)

    table(
        schema.MEMBERS_SHEET,
        schema.MEMBER_COLUMNS,
        [(m.code, m.name, m.focal, m.email, ";".join(m.cc), m.start, m.end, m.title) for m in members],
    )
    table(
        schema.SCHEDULE_SHEET,
        schema.SCHEDULE_COLUMNS,
        [
            (
                str(d.period),
                d.due,
                ";".join(map(str, d.before)),
                ";".join(map(str, d.after)),
                ";".join(map(str, d.escalate)),
                d.opens,
            )
            for d in schedule
        ],
    )
    ws = book.add_worksheet(schema.SETTINGS_SHEET.vi)
    ws.set_column(0, 0, 28)
    ws.set_column(1, 1, 40, text)
    ws.set_column(2, 2, 40)
    for row, c in enumerate(schema.CONTROL_SETTINGS):
        ws.write_string(row, 0, c.vi, book.add_format({"bold": True}))
        if settings.get(c.key) not in (None, ""):
            ws.write_string(row, 1, str(settings[c.key]), text)
        ws.write_string(row, 2, c.en)
    table(schema.RATES_SHEET, schema.RATE_COLUMNS, [(o.currency, o.since, o.usd_per_unit, o.source) for o in rates])
    table(
        schema.TARGETS_SHEET,
        schema.TARGET_COLUMNS,
        [
            (t.code, str(t.year), t.usd, t.projects and str(t.projects), t.activities and str(t.activities))
            for t in targets
        ],
    )


def read_or_explain(path) -> Control:
    """read_control, but any failure becomes a Refusal carrying the bilingual text."""
    try:
        return read_control(path)
    except ControlError as exc:
        raise Refusal(str(path), "control-unusable", exc.vi, exc.en) from None


class NotScheduled(AidkitError, ValueError):
    """The period asked for is not a row of the control workbook's Lịch nộp sheet."""

    key = "period-not-scheduled"

    def __init__(self, period: str):
        from .sentences import bilingual

        super().__init__(*bilingual(self.key, period=str(period)))


def load_control(control: str | os.PathLike | Control) -> Control:
    """A Control from a path (read, or a Refusal that explains why not) or as given."""
    return control if isinstance(control, Control) else read_or_explain(control)


def deadline_for(control: Control, period: str) -> Deadline:
    try:
        found = control.deadline(Period.parse(period))
    except BadPeriod:
        found = None
    if found is None:
        raise NotScheduled(period)
    return found


def scheduled_period(control: Control, period: str) -> Period:
    """`period` if Lịch nộp schedules it (a year: if it schedules the year or one of its halves).

    :raises NotScheduled: for text that is not a period, or a period the schedule does not have.
    """
    try:
        parsed = Period.parse(period)
    except BadPeriod:
        raise NotScheduled(str(period)) from None
    if not any(d.period == parsed or (parsed.half is None and d.period.year == parsed.year) for d in control.schedule):
        raise NotScheduled(str(parsed))
    return parsed
