"""Opening a period: each member gets the call for reports, with its workbook already filled in.

Mở kỳ báo cáo: gửi mỗi tỉnh thành viên thư đề nghị báo cáo, kèm mẫu kỳ mới đã điền sẵn.

For each member province of the period, the workbook is ``template --from`` its latest accepted
submission of an earlier period (the archived copy the ledger points to), or the blank template
when it has none; it is written to ``<output folder>/mo-ky/<period>/`` and attached to one
``call_for_reports`` message: the due date, what changed in the standard since the province's
last file, and the mailbox address ``collect`` reads. The ledger's slot is the period: once per
member and period, a rerun sends nothing twice, and a run killed halfway sends the rest next time
(postman.Postman). The daily job (``remind``) sends it on the schedule's ``Ngày mở kỳ``.
"""

from __future__ import annotations

import os
import time
from datetime import date, datetime
from typing import Callable

from .. import schema
from ..control import Control, Deadline, Member, deadline_for
from ..sentences import bilingual
from ..values import is_email
from .compose import compose, recipients
from .job import Job, JobResult, mail_job
from .postman import Delivery, Postman

KIND = "call_for_reports"
FOLDER = "mo-ky"


def open_period(
    control: str | os.PathLike | Control,
    period: str,
    now: str | date | datetime | None = None,
    *,
    dry_run: bool = False,
    password: str | None = None,
    retries: int = 3,
    backoff: float = 2.0,
    sleep: Callable[[float], None] = time.sleep,
) -> JobResult:
    """Receive new files, then mail every member not yet called the call for reports of `period`.

    :param dry_run: write the messages as .eml files to <output folder>/outbox; send and record nothing.
    :raises control.NotScheduled: for a period that is not a row of Lịch nộp.
    :raises findings.Refusal: if the control workbook cannot be used.
    :raises toolkit.mail.errors.MailError: for a failure that would hit every message (settings, TLS, login).
    """
    with mail_job("open-period", control, now, dry_run) as job:
        deadline = deadline_for(job.control, period)
        postman = job.postman(password=password, retries=retries, backoff=backoff, sleep=sleep)
        call_members(job, postman, deadline)
    return job.result


def call_members(job: Job, postman: Postman, deadline: Deadline, *, show_skipped: bool = True) -> None:
    """The call for reports of one period to every member without one (the body of open_period).

    :param show_skipped: list the members already called as "skipped" (the daily job does not).
    """
    name, today, result = str(deadline.period), job.today, job.result
    for member in job.control.members_on(deadline.period.end):
        if job.ledger.is_claimed(KIND, name, member.code, name):
            if show_skipped:
                result.deliveries.append(
                    Delivery(KIND, name, member.code, today, [member.email], list(member.cc), "", "skipped")
                )
            continue
        to, _ = recipients(member.email)
        cc, dropped = recipients(member.cc)
        if dropped or not to:
            result.notes.append(
                bilingual("note-addresses-skipped", name=member.name, addresses=", ".join(dropped or [member.email]))
            )
        if not to and not cc:
            continue
        message = _call(job, deadline, member, to or cc[:1], cc if to else cc[1:])
        result.deliveries.append(
            postman.deliver(message, kind=KIND, period=name, province=member.code, day=today, slot=name)
        )


def changes_since(version: str | None) -> list[dict[str, str]]:
    """The standard's changes after a template version (None: those of the current version)."""
    from ..checks.info import _older as older

    since = version or next(
        (v for v, _, _ in reversed(schema.STANDARD_CHANGES) if older(v, schema.TEMPLATE_VERSION)), "0"
    )
    return [{"version": v, "vi": vi, "en": en} for v, vi, en in schema.STANDARD_CHANGES if older(since, v)]


def _call(job: Job, deadline: Deadline, member: Member, to, cc):
    """The workbook for one member (prefilled when it can be) and the message carrying it."""
    from ..carry import CannotCarry
    from ..findings import Refusal
    from ..reader import read_workbook
    from ..template import template

    name, control, ledger, result = str(deadline.period), job.control, job.ledger, job.result
    out = control.outbox / FOLDER / name / f"{member.code}_{name}.xlsx"
    out.parent.mkdir(parents=True, exist_ok=True)
    previous = ledger.latest_accepted(member.code, name)
    context = {
        "cluster": job.cluster,
        "member": member,
        "period": name,
        "due": deadline.due,
        "previous": None,
        "mailbox": _mailbox(control),
        "carried_register": 0,
        "carried_needs": 0,
    }
    version = None
    if previous is not None:
        source = ledger.archived_path(previous)
        try:
            template(out, member.code, name, previous=source, prepared_on=result.now.date())
            written = read_workbook(out)
            version = str(read_workbook(source).info_value("phien_ban_mau") or "") or None
            context.update(
                previous={"name": previous.name, "period": previous.period},
                carried_register=len(written.tables["register"].records),
                carried_needs=len(written.tables["needs"].records),
            )
        except (CannotCarry, Refusal) as why:  # the archived copy is gone, or cannot start this period
            result.notes.append(
                bilingual("note-blank-workbook-sent", name=member.name, reason_vi=why.vi, reason_en=why.en)
            )
            previous = None
    if previous is None:
        template(out, member.code, name)
    context.update(changes=changes_since(version), attached=out.name)
    result.outputs[f"Mẫu / workbook {member.code}"] = str(out)
    return compose(KIND, context, to, cc, [(out.name, out.read_bytes())], period=name, province=member.code)


def _mailbox(control: Control) -> str:
    """Where provinces send their files: the address `collect` reads, else the cluster lead's."""
    account = str(control.values.get("tai_khoan_nhan") or "").strip()
    return account if is_email(account) else control.lead_email


def opening_due(deadline: Deadline, today: date) -> bool:
    """Whether the daily job sends a period's call for reports today: from Ngày mở kỳ until the due date."""
    return deadline.opens is not None and deadline.opens <= today <= deadline.due
