"""Reminders: mail the provinces that are missing or invalid, on the days the schedule says.

Nhắc nộp báo cáo: gửi thư cho các tỉnh chưa nộp hoặc chưa hợp lệ, vào các ngày Lịch nộp quy định.

For each period of ``Lịch nộp``, with ``d`` days between today and the due date:

* ``d`` in "Nhắc trước (ngày)", or today is the due date → ``reminder_before``
  to every member province that is missing or invalid;
* ``d`` days after the due date, with ``d`` in "Nhắc sau (ngày)" →
  ``reminder_after`` (overdue) to the same;
* ``d`` days after, with ``d`` in "Báo trưởng cụm sau (ngày)" → one
  ``escalation`` digest to the cluster lead listing who is still missing or
  invalid (nothing when nobody is);
* from "Ngày mở kỳ" until the due date → the ``call_for_reports`` of
  ``aidkit open-period`` to every member not yet called for that period.

A day the job did not run (the computer was off) is caught up once: each
run sends, for each kind, the latest scheduled day of the last
``CATCH_UP_DAYS`` days that is not yet sent (the message is recorded for
that day, its text speaks of today); earlier missed days are not sent, so
there is no flood. A message left "unknown" by a run that was cut off, or
"failed", is sent again the same way.

A province whose latest submission is valid (on time or late) gets nothing.
An invalid province's reminder lists its errors and attaches its annotated
workbook. The ledger makes each (kind, period, province, day) go out at
most once, however often the job runs that day. New files in the
submissions folder are received first, so a file dropped in this morning
stops this morning's reminder.
"""

from __future__ import annotations

import logging
import os
import time
from datetime import date, datetime, timedelta
from typing import Callable

from ..control import Control, Deadline, deadline_for, load_control
from ..ledger import ASIDE_OUTCOMES
from ..sentences import bilingual
from ..status import period_status
from .compose import escalation_message, recipients, reminder_message
from .job import Job, JobResult, mail_job
from .open_period import call_members, opening_due
from .postman import Delivery, Postman

log = logging.getLogger(__name__)


CATCH_UP_DAYS = 14


def reminder_slots(deadline: Deadline, today: date) -> list[tuple[str, date]]:
    """(kind, day): for each kind, the latest day the schedule calls for it, up to today.

    Days more than CATCH_UP_DAYS ago are not caught up; the before-the-due-date reminder stops at
    the due date.
    """
    due = deadline.due
    scheduled = {
        "reminder_before": {due - timedelta(days=b) for b in deadline.before if b >= 0} | {due}
        if today <= due
        else set(),
        "reminder_after": {due + timedelta(days=a) for a in deadline.after if a > 0},
        "escalation": {due + timedelta(days=e) for e in deadline.escalate if e >= 0},
    }
    out = []
    for kind, days in scheduled.items():
        past = [d for d in days if d <= today and (today - d).days <= CATCH_UP_DAYS]
        if past:
            out.append((kind, max(past)))
    return out


def reminder_kinds(deadline: Deadline, today: date) -> list[str]:
    """The message kinds a period calls for today itself (no catching up)."""
    return [kind for kind, day in reminder_slots(deadline, today) if day == today]


def remind(
    control: str | os.PathLike | Control,
    now: str | date | datetime | None = None,
    *,
    dry_run: bool = False,
    period: str | None = None,
    password: str | None = None,
    retries: int = 3,
    backoff: float = 2.0,
    sleep: Callable[[float], None] = time.sleep,
) -> JobResult:
    """Receive new files, then send today's reminders and escalation digests.

    :param now: the day to act for (default today); `--now` in simulations.
    :param dry_run: write the would-be messages as .eml files to <output folder>/outbox; send and record nothing.
    :param period: only this period (default: every period of the schedule).
    :param password: the SMTP password (default: keyring or AIDKIT_SMTP_PASSWORD).
    :raises findings.Refusal: if the control workbook cannot be used.
    :raises toolkit.mail.errors.MailError: for a failure that would hit every message (settings, TLS, login).
    """
    loaded = load_control(control)  # once: the job below receives it as loaded
    deadlines = [deadline_for(loaded, period)] if period else sorted(loaded.schedule, key=lambda d: d.due)
    with mail_job("remind", loaded, now, dry_run) as job:
        ledger, result, today = job.ledger, job.result, job.today
        postman = job.postman(password=password, retries=retries, backoff=backoff, sleep=sleep)
        unknown = ledger.unknown_messages()
        for deadline in deadlines:
            slots = reminder_slots(deadline, today)
            if not slots:
                continue
            status = period_status(job.control, ledger, deadline, job.now)
            name = status.period
            for kind, day in slots:
                if day < today and not _missed(ledger, kind, name, day, status):
                    continue  # a day that did go out (or was not needed): nothing to catch up
                if kind == "escalation":
                    cut_off = [m for m in unknown if m.period == name]
                    _escalate(job, postman, status, deadline, cut_off, day)
                    continue
                for p in status.outstanding:
                    if ledger.is_claimed(kind, name, p.code, day.isoformat()):
                        if day == today:
                            result.deliveries.append(
                                Delivery(kind, name, p.code, day, [p.email], list(p.cc), "", "skipped")
                            )
                        continue
                    with result.one_file(p.submission.file if p.submission else p.name):  # the others still go
                        _remind_one(job, postman, p, kind=kind, period=name, deadline=deadline, day=day)
        for deadline in deadlines:  # a period whose Ngày mở kỳ has come: the call for reports (once per member)
            if opening_due(deadline, today):
                call_members(job, postman, deadline, show_skipped=False)
    return job.result


def _escalate(job: Job, postman: Postman, status, deadline: Deadline, cut_off, day: date) -> None:
    """The cluster lead's digest of the provinces still outstanding (or a note why none is sent)."""
    name, result, cluster = status.period, job.result, job.cluster
    if not status.outstanding:
        result.notes.append(bilingual("note-all-valid", period=name))
    elif not recipients(cluster.lead_email)[0]:
        result.notes.append(bilingual("note-no-lead-email"))
    else:
        aside = [
            m
            for m in job.ledger.mail()
            if m.outcome in ASIDE_OUTCOMES and deadline.period.start <= m.received_at.date() <= job.today
        ]
        result.deliveries.append(
            postman.deliver(
                escalation_message(cluster, status, cut_off, aside),
                kind="escalation",
                period=name,
                province="",
                day=day,
            )
        )


def _remind_one(job: Job, postman: Postman, p, *, kind: str, period: str, deadline: Deadline, day: date) -> None:
    """One province's reminder, with the annotated copy of its invalid file attached."""
    from ..submissions import annotated_attachment, review

    result = job.result
    findings, attachment = [], None
    if p.state == "invalid" and p.submission is not None:
        with result.one_file(f"{p.name} ({p.submission.file})"):  # the reminder goes, without the copy
            report = review(job.ledger, p.submission, job.control)
            findings = report.findings
            attachment = annotated_attachment(job.ledger, p.submission, job.control, report)
    kept, dropped = recipients(p.email, p.cc)
    if dropped:
        result.notes.append(bilingual("note-addresses-skipped", name=p.name, addresses=", ".join(dropped)))
    if not kept:
        result.notes.append(bilingual("note-no-member-address", name=p.name))
        return
    message = reminder_message(
        kind, job.cluster, period, deadline.due, job.today, p, findings=findings, attachment=attachment
    )
    result.deliveries.append(postman.deliver(message, kind=kind, period=period, province=p.code, day=day))


def _missed(ledger, kind: str, period: str, day: date, status) -> bool:
    """Whether a past reminder day still has something to send (its slot is free for someone)."""
    if kind == "escalation":
        return bool(status.outstanding) and not ledger.is_claimed(kind, period, "", day.isoformat())
    return any(not ledger.is_claimed(kind, period, p.code, day.isoformat()) for p in status.outstanding)
