"""Receipts: tell each sender that their file arrived, and what the checks found.

Xác nhận đã nhận: báo cho người gửi biết tệp đã đến và kết quả kiểm tra.

Every submission recorded in the ledger gets one receipt (the ledger's
``acknowledgement`` slot is the file's SHA-256), addressed to the Info
sheet's email with the member's focal person in copy. It gives the status
word (Hợp lệ, Nộp muộn or Không hợp lệ), the error and warning counts and the
first findings, and attaches the annotated workbook when there are errors.
A file that could not be read has no trustworthy sender: its receipt goes
to the cluster lead, who knows who sent it.
"""

from __future__ import annotations

import os
import time
from datetime import date, datetime
from typing import Callable

from ..control import Control, Member
from ..ledger import Submission
from ..periods import BadPeriod, Period
from ..schema import submission_status
from ..sentences import bilingual
from .compose import acknowledgement_message, recipients
from .job import Job, JobResult, mail_job
from .postman import Postman

KIND = "acknowledgement"


def member_for(control: Control, submission: Submission) -> Member | None:
    """The member province a submission belongs to (active on its period's last day when known)."""
    if not submission.province:
        return None
    candidates = [m for m in control.members if m.code == submission.province]
    try:
        end = Period.parse(submission.period or "").end
        candidates = [m for m in candidates if m.active_on(end)] or candidates
    except BadPeriod:
        pass
    return candidates[0] if candidates else None


def due_for(control: Control, submission: Submission) -> date | None:
    try:
        deadline = control.deadline(Period.parse(submission.period or ""))
    except BadPeriod:
        return None
    return deadline.due if deadline else None


def acknowledge(
    control: str | os.PathLike | Control,
    now: str | date | datetime | None = None,
    *,
    dry_run: bool = False,
    password: str | None = None,
    retries: int = 3,
    backoff: float = 2.0,
    sleep: Callable[[float], None] = time.sleep,
) -> JobResult:
    """Receive new files, then send a receipt for every submission that has none yet.

    :param now: the moment to act for (default now); `--now` in simulations.
    :param dry_run: write the receipts as .eml files to <output folder>/outbox; send and record nothing.
    :raises findings.Refusal: if the control workbook cannot be used.
    :raises toolkit.mail.errors.MailError: for a failure that would hit every message (settings, TLS, login).
    """
    with mail_job("acknowledge", control, now, dry_run) as job:
        postman = job.postman(password=password, retries=retries, backoff=backoff, sleep=sleep)
        for s in job.ledger.submissions():
            if s.received_at > job.now or job.ledger.is_claimed(KIND, s.period or "", s.province or "", s.sha256):
                continue
            with job.result.one_file(s.file):  # one odd file never stops the receipts of the others
                _receipt(job, postman, s)
    return job.result


def _receipt(job: Job, postman: Postman, s: Submission) -> None:
    """The receipt for one submission (and the annotated copy of an invalid one)."""
    from ..submissions import annotated_attachment, review

    control, ledger, cluster, result = job.control, job.ledger, job.cluster, job.result
    period, province = s.period or "", s.province or ""
    member = member_for(control, s)
    due = due_for(control, s)
    findings, attachment, refusal, state, preparer = [], None, None, None, None
    if s.status == "refused":
        refused = s.as_refusal()
        refusal = (refused.vi, refused.en)
        to, _ = recipients(cluster.lead_email)
        cc: list[str] = []
    else:
        state = submission_status(s.status, s.received_at, due)
        with result.one_file(s.file):  # the receipt goes, without what could not be made
            report = review(ledger, s, control)
            findings, preparer = report.findings, report.preparer
            if s.status == "invalid":
                attachment = annotated_attachment(ledger, s, control, report)
        senders, dropped = recipients(s.sender)
        focal, _ = recipients(member.email if member else None)
        if dropped:
            result.notes.append(bilingual("note-preparer-email-invalid", file=s.file, address=dropped[0]))
        to, cc = (senders, focal) if senders else (focal, [])
        if not to:
            to, _ = recipients(cluster.lead_email)
    if not to:
        result.notes.append(bilingual("note-no-receipt-recipient", file=s.file))
        return
    message = acknowledgement_message(
        cluster,
        s,
        state=state,
        province_name=member.name if member else "",
        due=due,
        findings=findings,
        to=to,
        cc=cc,
        refusal=refusal,
        attachment=attachment,
        preparer=preparer,
        focal=member.focal if member else "",
        title=member.title if member else "",
    )
    delivery = postman.deliver(
        message, kind=KIND, period=period, province=province, day=result.now.date(), slot=s.sha256, submission_id=s.id
    )
    delivery.file = s.name
    result.deliveries.append(delivery)
