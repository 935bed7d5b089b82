"""Expected against received: each member province's status for a period.

Tình hình nộp báo cáo: mỗi tỉnh thành viên đã nộp hay chưa, hợp lệ hay không.

The members expected for a period are those of ``Thành viên`` active on the
period's last day; the due date is the period's row of ``Lịch nộp``. The
latest readable file received for a province and period is the one that
counts (STANDARD.md); its status word is one of ``schema.SUBMISSION_STATUSES``:
Chưa nộp (nothing yet), Không hợp lệ (it has errors), Hợp lệ, or Nộp muộn
(valid, but received after the due date).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from . import schema
from .clock import parse_now, vn_date, vn_moment
from .control import Control, Deadline, deadline_for, load_control
from .ledger import Ledger, Submission
from .schema import submission_status

STATES = ("missing", "invalid", "valid", "late")
OUTSTANDING = ("missing", "invalid")


@dataclass(frozen=True)
class ProvinceStatus:
    """One member province for one period."""

    code: str
    name: str
    focal: str
    email: str
    cc: tuple[str, ...]
    state: str  # missing | invalid | valid | late
    submission: Submission | None = None
    versions: int = 0
    title: str = ""  # the focal person's Danh xưng (Ông, Bà)

    @property
    def word(self) -> str:
        return schema.SUBMISSION_STATUSES[self.state]

    @property
    def word_en(self) -> str:
        return schema.SUBMISSION_STATUSES_EN[self.state]

    @property
    def outstanding(self) -> bool:
        return self.state in OUTSTANDING

    def to_dict(self) -> dict[str, Any]:
        s = self.submission
        return {
            "province": self.code,
            "name": self.name,
            "focal": self.focal,
            "email": self.email,
            "status": self.word,
            "status_en": self.word_en,
            "state": self.state,
            "file": s.file if s else None,
            "received_at": s.received_at.isoformat() if s else None,
            "errors": s.errors if s else None,
            "warnings": s.warnings if s else None,
            "sha256": s.sha256 if s else None,
            "versions": self.versions,
        }


@dataclass
class PeriodStatus:
    """Every expected province of one period, on one day."""

    period: str
    due: date
    today: date
    provinces: list[ProvinceStatus]
    others: list[Submission] = field(default_factory=list)  # from provinces that are not members

    @property
    def days_to_due(self) -> int:
        return (self.due - self.today).days

    @property
    def outstanding(self) -> list[ProvinceStatus]:
        return [p for p in self.provinces if p.outstanding]

    def counts(self) -> dict[str, int]:
        return {state: sum(p.state == state for p in self.provinces) for state in STATES}

    def to_dict(self) -> dict[str, Any]:
        return {
            "period": self.period,
            "due": self.due.isoformat(),
            "days_to_due": self.days_to_due,
            "counts": dict(self.counts()),
            "labels": {
                k: {"vi": schema.SUBMISSION_STATUSES[k], "en": schema.SUBMISSION_STATUSES_EN[k]} for k in self.counts()
            },
            "provinces": [p.to_dict() for p in self.provinces],
            "others": [s.to_dict() for s in self.others],
        }

    def to_text(self) -> str:
        days = self.days_to_due
        if days > 0:
            when = f"còn {days} ngày / {days} {'day' if days == 1 else 'days'} left"
        elif days == 0:
            when = "hôm nay là hạn nộp / due today"
        else:
            when = f"quá hạn {-days} ngày / {-days} {'day' if days == -1 else 'days'} overdue"
        lines = [f"Kỳ {self.period} — hạn nộp / due {vn_date(self.due)} ({when})"]
        width = max([len(p.name) for p in self.provinces] + [4])
        for p in self.provinces:
            s = p.submission
            state = f"{p.word} / {p.word_en}"
            line = f"  {p.code:<3} {p.name:<{width}}  {state:<26}"
            if s:
                line += f" {s.name}  {vn_moment(s.received_at)}  {s.errors} lỗi/errors, {s.warnings} cảnh báo/warnings"
            lines.append(line.rstrip())
        for s in self.others:
            lines.append(f"  {s.province or '??':<3} (không phải thành viên / not a member)  {s.name}")
        counts = self.counts()
        lines.append("  Tổng / Total: " + ", ".join(f"{counts[k]} {schema.SUBMISSION_STATUSES[k]}" for k in STATES))
        return "\n".join(lines)


@dataclass
class StatusResult:
    """What `aidkit status` shows."""

    control: str
    cluster: str
    now: datetime
    periods: list[PeriodStatus]
    received: list[Submission] = field(default_factory=list)  # recorded by this run
    skipped: list = field(default_factory=list)  # folders.Skipped: files of the folder not read
    unknown: list = field(default_factory=list)  # ledger.MessageRecord whose sending was cut off
    refused: list[Submission] = field(default_factory=list)  # files of the shown periods that could not be read

    def to_dict(self) -> dict[str, Any]:
        return {
            "control": self.control,
            "cluster": self.cluster,
            "today": self.now.date().isoformat(),
            "received": [s.to_dict() for s in self.received],
            "skipped": [s.as_refusal().to_dict() for s in self.skipped],
            "unknown": [m.to_dict() | {"outcome": "unknown"} for m in self.unknown],
            "refused": [s.to_dict() | {"reason": s.as_refusal().to_dict()} for s in self.refused],
            "periods": [p.to_dict() for p in self.periods],
        }

    def to_text(self) -> str:
        head = f"{self.cluster} · {vn_date(self.now)}"
        blocks = [head]
        if self.received:
            blocks.append("Tệp mới nhận / newly received: " + ", ".join(s.file for s in self.received))
        for s in self.skipped:
            r = s.as_refusal()
            blocks.append(f"· {r.vi}\n  {r.en}")
        if self.refused:
            blocks.append(refused_text(self.refused))
        if self.unknown:
            blocks.append(unknown_text(self.unknown))
        if not self.periods:
            blocks.append("Lịch nộp chưa có kỳ nào / the schedule has no period.")
        blocks.extend(p.to_text() for p in self.periods)
        return "\n\n".join(blocks)


def period_status(control: Control, ledger: Ledger, deadline: Deadline, now: datetime) -> PeriodStatus:
    """Status of every member province for one scheduled period, as of `now`."""
    period = str(deadline.period)
    latest = ledger.latest(period, until=now)
    versions = ledger.counts(period, until=now)
    provinces = []
    members = control.members_on(deadline.period.end)
    for m in members:
        s = latest.get(m.code)
        state = submission_status(s.status if s else None, s.received_at if s else None, deadline.due)
        provinces.append(
            ProvinceStatus(m.code, m.name, m.focal, m.email, m.cc, state, s, versions.get(m.code, 0), m.title)
        )
    codes = {m.code for m in members}
    others = [s for code, s in sorted(latest.items()) if code not in codes]
    return PeriodStatus(period, deadline.due, now.date(), provinces, others)


def status(
    control: str | os.PathLike | Control, period: str | None = None, now: str | date | datetime | None = None
) -> StatusResult:
    """Receive new files, then report each member province's status.

    :param period: one period (``2026-H1``); default every scheduled period that has begun by today.
    :param now: the day to report for (default: now); also the received-at of files first seen now.
    :raises NotScheduled: if `period` is not in the schedule.
    :raises findings.Refusal: if the control workbook cannot be read or used.
    """
    from .submissions import receive

    control = load_control(control)
    moment = parse_now(now)
    if period is not None:
        deadlines = [deadline_for(control, period)]
    else:
        deadlines = [d for d in control.schedule if d.period.start <= moment.date()] or list(control.schedule)
        deadlines.sort(key=lambda d: (d.due, str(d.period)))
    skipped: list = []
    with Ledger.for_control(control.path) as ledger:
        received = receive(control, ledger, moment, skipped)
        periods = [period_status(control, ledger, d, moment) for d in deadlines]
        unknown = ledger.unknown_messages()
        since = min((d.period.start for d in deadlines), default=moment.date())
        refused = [
            s for s in ledger.submissions() if s.status == "refused" and since <= s.received_at.date() <= moment.date()
        ]
    return StatusResult(str(Path(control.path)), control.cluster, moment, periods, received, skipped, unknown, refused)


def refused_text(submissions: list[Submission]) -> str:
    """The received files that could not be read: no province counts them until they are sent again."""
    lines = [
        "Tệp đã nhận nhưng không đọc được, chưa tính cho tỉnh nào / "
        "files received that could not be read, counted for no province:"
    ]
    for s in submissions:
        reason = s.as_refusal()
        lines.append(f"  ✘ {s.name}  {vn_moment(s.received_at)}\n    {reason.vi}\n    {reason.en}")
    return "\n".join(lines)


def unknown_text(messages) -> str:
    """The messages whose sending was cut off (killed run): not known to be sent, sent again later."""
    lines = [
        (
            "Thư chưa rõ đã gửi hay chưa (lần chạy bị ngắt), sẽ gửi lại / "
            "messages not known to be sent (the run was cut off), to be sent again:"
        )
    ]
    for m in messages:
        lines.append(
            f"  ? chưa rõ / unknown  {m.kind:<16} {m.period} {m.province or '—':<3} {m.day.isoformat()}  "
            f"{', '.join(m.recipients)}"
        )
    return "\n".join(lines)
