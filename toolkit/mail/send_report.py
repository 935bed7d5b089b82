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
import tempfile
import time
from datetime import date, datetime
from pathlib import Path
from typing import Any, Callable

from ..consolidation.figures import Figures, period_figures
from ..control import Control, load_control, scheduled_period
from ..schema import OVERVIEW_FIGURES
from ..sentences import bilingual
from .compose import latin, recipients, report_message
from .job import JobResult, mail_job

KIND = "report"

#: The line of the body that says the attached report is the unedited draft (the subject says it too).
MISSING = "—"  # a member with no file: nothing to count, which is not 0


def _cells(f: Figures) -> dict[str, Any]:
    """The figure columns of one member or of the cluster: numbers (each language formats its own),
    the mean lead time in days to one decimal."""
    mean = f.mean_days
    return {
        "open_needs": f.open_needs,
        "usd_open_needs": f.usd_open_needs,
        "approved": f.approved,
        "usd_approved": f.usd_approved,
        "usd_disbursed": f.usd_disbursed,
        "mean_days": MISSING if mean is None else round(mean, 1),
        "errors": f.errors,
    }


def overview(consolidation, period: str) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The per-member rows and the cluster row of a ConsolidationResult for one period (toolkit.consolidation.figures).

    `status` is bilingual (a sheet shows it); `status_vi`, `status_en` and `state` are for a message's
    language blocks."""
    figures = period_figures(consolidation, period)
    rows = []
    for m in figures.members:
        row = {
            "code": m.code,
            "name": m.name,
            "status": f"{m.word} / {m.word_en}",
            "status_vi": m.word,
            "status_en": m.word_en,
            "state": m.state,
        }
        row.update(_cells(m) if m.submitted else {key: MISSING for key, _, _ in OVERVIEW_FIGURES[3:]})
        rows.append(row)
    total_row: dict[str, Any] = {"code": None, "name": ""}  # the first cell reads "Tổng cộng" / "Total"
    total_row.update(_cells(figures.total))
    valid, members = figures.count("valid", "late"), len(figures.members)
    submitted = figures.count("valid", "late", "invalid")
    total_row.update(
        status_vi=f"{valid}/{members} tỉnh hợp lệ, {submitted} tỉnh đã nộp",
        status_en=f"{valid} of {members} provinces valid, {submitted} submitted",
    )
    total_row["status"] = f"{total_row['status_vi']} / {total_row['status_en']}"
    return rows, total_row


def report_slot(consolidation, force: bool, now: datetime) -> str:
    """What makes this report unique: the counted files (by content); with force, also the moment."""
    digest = hashlib.sha256("\n".join(sorted(f.sha256 for f in consolidation.counted)).encode()).hexdigest()
    return f"{digest}@{now.isoformat()}" if force else digest


def review_report(
    control: Control, consolidation, period: str, moment: datetime, scratch: Path | None
) -> tuple[Path, bool]:
    """The Word review report to attach, and whether it is still aidkit's draft (nobody edited it since).

    The report the lead left in the output folder (``bao-cao_{period}.docx``, edited or not) is attached
    as it is, never written again; only when there is none is it drafted now (into `scratch` on a dry run).
    """
    from ..outputs import recorded_kind
    from ..report import KIND, default_report, draft

    report = default_report(control, period)
    if not report.is_file():
        target = report if scratch is None else scratch / report.name
        draft(control, consolidation, period, target, moment.date())
        return target, True
    return report, recorded_kind(report) == KIND


def send_report(
    control: str | os.PathLike | Control,
    period: str,
    now: str | date | datetime | None = None,
    *,
    dry_run: bool = False,
    force: bool = False,
    password: str | None = None,
    retries: int = 3,
    backoff: float = 2.0,
    sleep: Callable[[float], None] = time.sleep,
    workers: int | None = None,
) -> JobResult:
    """Consolidate a period's submissions and mail the workbook and the Word review report with an overview.

    :param period: the period, e.g. ``2026-H1``.
    :param dry_run: write the message as .eml to <output folder>/outbox and no other file; send and record nothing.
    :param force: send even if this same report was sent before.
    :raises NotScheduled: for text that is not a period, or a period not in Lịch nộp.
    :raises consolidate.ConsolidationError: when the consolidation cannot run.
    :raises toolkit.mail.errors.MailError: for a failure of the settings, TLS or login.
    :raises report.ReportError: when the Word template of the review report cannot be used.
    """
    from ..consolidation.consolidate import consolidate

    loaded = load_control(control)  # once: the job, the consolidation and the report receive it as loaded
    parsed = scheduled_period(loaded, period)  # as status and report: a period Lịch nộp does not have is refused
    name = str(parsed)
    deadline = loaded.deadline(parsed)
    with (
        mail_job("send-report", loaded, now, dry_run) as job,
        tempfile.TemporaryDirectory(prefix="aidkit-send-report-") as scratch,
    ):
        control, result, cluster, moment = job.control, job.result, job.cluster, job.now
        out = Path(scratch, f"tong-hop_{name}.xlsx") if dry_run else None  # a dry run writes only .eml files
        consolidation = consolidate(control.inbox, out, period=name, control=control, workers=workers)
        if not dry_run:
            result.outputs["Tệp tổng hợp / consolidated workbook"] = str(consolidation.output)
        rows, totals = overview(consolidation, name)
        review, unedited = review_report(control, consolidation, name, moment, Path(scratch) if dry_run else None)
        if review.parent != Path(scratch):
            result.outputs["Báo cáo sơ kết / review report"] = str(review)
        notes = [bilingual("report-draft-note")] if unedited else []
        if consolidation.refused:
            names = ", ".join(f.name for f in consolidation.refused)
            notes.append(
                bilingual(
                    "note-unreadable-not-counted",
                    names=names,
                    files_en="Files" if len(consolidation.refused) > 1 else "A file",
                )
            )
            result.notes.append(notes[-1])
        invalid = [r["name"] or r["code"] for r in rows if r["errors"] not in (MISSING, 0)]
        if invalid:
            notes.append(
                bilingual("note-data-has-errors", names=", ".join(invalid), names_en=", ".join(map(latin, invalid)))
            )
        members = [m.email for m in control.members_on(parsed.end)]
        lead, _ = recipients(cluster.lead_email)
        copies, dropped = recipients(members)
        if dropped:
            result.notes.append(bilingual("note-report-addresses-skipped", addresses=", ".join(dropped)))
        to, cc = (lead, copies) if lead else (copies, [])
        if not to:
            result.notes.append(bilingual("note-no-report-recipient"))
            return result
        attachments = [(path.name, path.read_bytes()) for path in (consolidation.output, review)]
        message = report_message(
            cluster,
            name,
            deadline.due if deadline else None,
            rows,
            totals,
            to,
            cc=cc,
            attachments=attachments,
            notes=notes,
            draft=unedited,
        )
        postman = job.postman(password=password, retries=retries, backoff=backoff, sleep=sleep)
        delivery = postman.deliver(
            message,
            kind=KIND,
            period=name,
            province="",
            day=moment.date(),
            slot=report_slot(consolidation, force, moment),
        )
        result.deliveries.append(delivery)
        if delivery.outcome == "skipped":
            result.notes.append(bilingual("note-report-already-sent"))
    return result
