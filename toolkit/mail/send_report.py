"""The consolidated report by mail: the workbook, the Word review report and an overview, to the cluster
lead and the members.

Gửi báo cáo tổng hợp: tệp tổng hợp và bảng tóm tắt, tới trưởng cụm và các tỉnh thành viên.

The consolidation is `toolkit.consolidation.consolidate.consolidate` over the submissions
folder with the control workbook, so each file's received-at is the ledger's
and its status comes from `schema.submission_status` ("Nộp muộn" means the
same thing in the report as in `aidkit status`). The message goes to the cluster
lead with every member province active at the period's end in copy. The
same report — the same set of counted files — is mailed once; a new
submission makes a new report, and ``force`` sends again anyway.
"""

from __future__ import annotations

import hashlib
import os
import time
from datetime import date, datetime
from typing import Any, Callable

from ..control import Control, NotScheduled, load_control
from ..figures import Figures, period_figures
from ..numbers import format_number
from ..periods import BadPeriod, Period
from ..schema import OVERVIEW_FIGURES
from .compose import recipients, report_message
from .delivery import JobResult, mail_job, postman_for

KIND = "report"

MISSING = "—"  # a member with no file: nothing to count, which is not 0


def _cells(f: Figures) -> dict[str, Any]:
    """The figure columns of one member or of the cluster: whole USD, the mean lead time as "10,5"."""
    mean = f.mean_days
    return {"open_needs": f.open_needs, "usd_open_needs": f.usd_open_needs, "approved": f.approved,
            "usd_approved": f.usd_approved, "usd_disbursed": f.usd_disbursed,
            "mean_days": MISSING if mean is None else format_number(round(mean, 1), "vi"), "errors": f.errors}


def overview(consolidation, period: str) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The per-member rows and the cluster row of a ConsolidationResult for one period (toolkit.figures)."""
    figures = period_figures(consolidation, period)
    rows = []
    for m in figures.members:
        row = {"code": m.code, "name": m.name, "status": f"{m.word} / {m.word_en}"}
        row.update(_cells(m) if m.submitted else {key: MISSING for key, _, _ in OVERVIEW_FIGURES[3:]})
        rows.append(row)
    total_row: dict[str, Any] = {"code": None, "name": ""}  # the first cell reads "Tổng cộng" / "Total"
    total_row.update(_cells(figures.total))
    submitted = figures.count("valid", "late", "invalid")
    total_row["status"] = (f"{figures.count('valid', 'late')}/{len(figures.members)} hợp lệ / valid, "
                           f"{submitted} đã nộp / submitted")
    return rows, total_row


def report_slot(consolidation, force: bool, now: datetime) -> str:
    """What makes this report unique: the counted files (by content); with force, also the moment."""
    digest = hashlib.sha256("\n".join(sorted(f.sha256 for f in consolidation.counted)).encode()).hexdigest()
    return f"{digest}@{now.isoformat()}" if force else digest


def send_report(control: str | os.PathLike | Control, period: str, now: str | date | datetime | None = None, *,
                dry_run: bool = False, force: bool = False, password: str | None = None, retries: int = 3,
                backoff: float = 2.0, sleep: Callable[[float], None] = time.sleep,
                workers: int | None = None) -> JobResult:
    """Consolidate a period's submissions and mail the workbook and the Word review report with an overview.

    :param period: the period, e.g. ``2026-H1``.
    :param dry_run: write the message as .eml to <output folder>/outbox; send and record nothing.
    :param force: send even if this same report was sent before.
    :raises NotScheduled: for text that is not a period.
    :raises consolidate.ConsolidationError: when the consolidation cannot run.
    :raises smtp.MailError: for a failure of the settings, TLS or login.
    :raises report.ReportError: when the Word template of the review report cannot be used.
    """
    from ..consolidation.consolidate import consolidate
    from ..report import draft

    control = load_control(control)
    try:
        parsed = Period.parse(period)
    except BadPeriod:
        raise NotScheduled(period) from None
    name = str(parsed)
    deadline = control.deadline(parsed)
    with mail_job("send-report", control, now, dry_run) as (control, ledger, result, cluster):
        moment = result.now
        consolidation = consolidate(control.inbox, None, period=name, control=control.path, workers=workers)
        result.outputs["Tệp tổng hợp / consolidated workbook"] = str(consolidation.output)
        rows, totals = overview(consolidation, name)
        review = control.outbox / f"bao-cao_{name}.docx"
        draft(control, consolidation, name, review, moment.date(), workers=workers)
        result.outputs["Báo cáo sơ kết / review report"] = str(review)
        notes = []
        if consolidation.refused:
            n = len(consolidation.refused)
            notes.append((f"{n} tệp không đọc được nên không được tính.", f"{n} unreadable file(s) were not counted."))
        invalid = [r["name"] or r["code"] for r in rows if r["errors"] not in (MISSING, 0)]
        if invalid:
            notes.append((f"Số liệu của {', '.join(invalid)} còn lỗi.",
                          f"The data of {', '.join(invalid)} still has errors."))
        members = [m.email for m in control.members_on(parsed.end)]
        lead, _ = recipients(cluster.lead_email)
        copies, dropped = recipients(members)
        if dropped:
            result.notes.append((f"Bỏ qua địa chỉ không hợp lệ: {', '.join(dropped)}",
                                 f"Skipped invalid address(es): {', '.join(dropped)}"))
        to, cc = (lead, copies) if lead else (copies, [])
        if not to:
            result.notes.append(("Không có địa chỉ nào để gửi báo cáo.", "There is no address to send the report to."))
            return result
        attachments = [(path.name, path.read_bytes()) for path in (consolidation.output, review)]
        message = report_message(cluster, name, deadline.due if deadline else None, OVERVIEW_FIGURES, rows, totals,
                                 to, cc, attachments, notes)
        postman = postman_for(control, ledger, dry_run=dry_run, password=password, retries=retries,
                              backoff=backoff, sleep=sleep)
        delivery = postman.deliver(message, kind=KIND, period=name, province="", day=moment.date(),
                                   slot=report_slot(consolidation, force, moment))
        result.deliveries.append(delivery)
        if delivery.outcome == "skipped":
            result.notes.append(("Báo cáo này (cùng các tệp) đã được gửi; dùng --force để gửi lại.",
                                 "This report (same files) was already sent; use --force to send it again."))
    return result
