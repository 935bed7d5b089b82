"""Collecting submissions from the cluster's mailbox: `aidkit collect`.

Nhận bài nộp từ hộp thư của cụm: lưu tệp Excel các tỉnh gửi vào Thư mục nhận, ghi sổ, trả lời thư lỗi.

Each message above the last UID taken (per UIDVALIDITY) is read once, without changing it on the
server (toolkit.mail.imap), and recorded in the ledger's ``mailbox_messages`` with what became of it:

* **from a member** (its ``Email`` or one of its ``Email CC``): every attached workbook that
  ``validate`` reads and whose content (SHA-256) is new is saved into ``Thư mục nhận`` under a
  safe name and recorded as a submission whose received time is the message's INTERNALDATE (the
  moment the server received it, not the moment of collection). The province comes from the Info
  sheet, as for a file saved by hand. ``acknowledge`` then sends the receipt.
* a member's message that brings no workbook, only a compressed file, a password-protected or
  unreadable workbook, or is over the size cap, gets one reply saying so (``collect_reply`` in the
  ledger, once per message; retried for `REPLY_WITHIN` if sending failed). An unreadable or
  encrypted workbook is kept aside, not put in ``Thư mục nhận``.
* **from anyone else**: nothing is submitted; its attachments are kept aside in
  ``<Thư mục kết quả>/de-rieng/`` (outside the scanned folder) for the cluster lead, listed in the
  output and in the lead's digest. Nobody outside the members is ever answered.
* automatic messages (auto-replies, bounces, aidkit's own) are recorded and never answered.
* a member's message cut short before any workbook was found (more than ``attachments.MAX_PARTS``
  parts, or nested too deep) gets a reply saying so, not "no workbook".
* a message that cannot be read at all (a parser error) is kept whole as an ``.eml`` in
  ``de-rieng/``, recorded once as ``unparsed`` and listed in the lead's digest; it never stops
  the messages after it.
* a mailbox that cannot be read raises `imap.ImapError` (one bilingual sentence for the job's log),
  and the cluster lead is e-mailed once per outage (``collect_alert``; the ledger's
  ``mailbox_checks`` says since when it fails, and a successful run ends the outage).

A change of UIDVALIDITY makes every message look new; a message whose content was taken before
is recorded as a duplicate and nothing else happens, and a workbook already in the ledger is never
submitted twice.
"""

from __future__ import annotations

import logging
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from ..atomic import write_bytes
from ..clock import local_moment, vn_moment
from ..control import Control, Member
from ..errors import AidkitError
from ..findings import Refusal
from ..ledger import Ledger, MailRecord, sha256_of
from ..sentences import bilingual
from ..submissions import Checked, archive_and_check, check_copy, record_checked
from .attachments import Attachment, raw_sender, read_letter, safe_name
from .compose import collect_alert_message, collect_reply_message
from .imap import (
    DEFAULT_PORTS,
    Envelope,
    ImapError,
    ImapSettings,
    Mailbox,
    parse_security,
    resolve_password,
)
from .job import Job, JobResult, mail_job, status_words
from .postman import ca_file, postman_for

log = logging.getLogger(__name__)

ASIDE_FOLDER = "de-rieng"
REPLY_KIND = "collect_reply"
ALERT_KIND = "collect_alert"
#: Outcomes that get a reply (from a member, not automatic).
REPLY_OUTCOMES = ("no-workbook", "zip", "encrypted", "unreadable", "too-large", "cut-short")
UNPARSED_NAME = "thu-khong-doc-duoc.eml"
REPLY_WITHIN = timedelta(days=7)
MAX_MESSAGE_BYTES = 35 * 1024**2  # judged from RFC822.SIZE, before anything is downloaded
OUTCOME_WORDS = {
    "submitted": ("nhận là bài nộp", "taken as a submission"),
    "duplicate": ("trùng tệp đã nhận", "same content as a file already received"),
    "not-member": ("người gửi không phải thành viên: để riêng", "sender is not a member: set aside"),
    "no-workbook": ("không có tệp Excel", "no workbook attached"),
    "zip": ("chỉ có tệp nén (.zip…)", "only a compressed file (.zip…)"),
    "encrypted": ("tệp Excel có mật khẩu", "a password-protected workbook"),
    "unreadable": ("tệp Excel không đọc được", "an unreadable workbook"),
    "too-large": ("thư hoặc tệp quá lớn", "the message or its file is too large"),
    "automatic": ("thư tự động: bỏ qua", "an automatic message: ignored"),
    "cut-short": (
        "thư bị cắt bớt (quá nhiều phần hoặc lồng quá sâu), không thấy tệp Excel trong phần đã đọc",
        "message cut short (too many parts or nested too deep), no workbook in the part read",
    ),
    "unparsed": (
        "thư không đọc được: để riêng nguyên thư cho trưởng cụm",
        "a message that cannot be read: kept whole for the cluster lead",
    ),
}

#: What became of each attachment, as collect's output says it.
FATE_WORDS = {
    "submitted": ("nhận là bài nộp", "submitted"),
    "duplicate": ("trùng tệp đã nhận", "duplicate"),
    "set-aside": ("để riêng cho trưởng cụm", "set aside"),
    "ignored": ("bỏ qua (không phải tệp Excel)", "ignored (not a workbook)"),
    "archive": ("tệp nén: để riêng", "compressed file: set aside"),
    "encrypted": ("có mật khẩu: để riêng", "password-protected: set aside"),
    "unreadable": ("không đọc được: để riêng", "unreadable: set aside"),
    "too-large": ("quá lớn", "too large"),
    "unparsed": ("thư không đọc được: để riêng nguyên thư", "unreadable message: kept whole"),
}


@dataclass
class CollectResult(JobResult):
    """What one run of collect did: JobResult (received submissions, replies, notes) plus the mail."""

    mailbox: str = ""
    taken: list[MailRecord] = field(default_factory=list)

    @property
    def aside(self) -> list[str]:
        return [f["kept"] for m in self.taken for f in m.files if f.get("kept")]

    def to_dict(self) -> dict[str, Any]:
        out = super().to_dict()
        out.update(mailbox=self.mailbox, mail=[m.to_dict() for m in self.taken], aside=self.aside)
        return out

    def to_text(self) -> str:
        lines = [f"aidkit collect · {vn_moment(self.now)} · {self.mailbox}"]
        if self.dry_run:
            lines[0] += " · chạy thử: không lưu, không ghi sổ, không gửi / dry run: nothing saved, recorded or sent"
        if not self.taken:
            lines.append("Không có thư mới / no new mail.")
        for m in self.taken:
            vi, en = OUTCOME_WORDS[m.outcome]
            lines.append(f"  UID {m.uid} · {vn_moment(m.received_at)} · {m.sender or '?'} · {vi} / {en}")
            for f in m.files:
                where = f.get("saved") or f.get("kept") or ""
                fate = " / ".join(FATE_WORDS.get(f["fate"], (f["fate"], f["fate"])))
                lines.append(f"      {f['name']} → {fate}" + (f"  ({where})" if where else ""))
        if self.received:
            lines.append(
                "Bài nộp mới / new submissions: "
                + ", ".join(
                    f"{s.file} ({s.province or '?'} {s.period or '?'}: {status_words(s.status)})" for s in self.received
                )
            )
        if self.aside:
            lines.append(f"Để riêng cho trưởng cụm / set aside for the cluster lead: {len(self.aside)} tệp / file(s)")
        lines.extend(d.to_text() for d in self.deliveries)
        for vi, en in self.notes:
            lines.append(f"· {vi}\n  {en}")
        return "\n".join(lines)


def imap_settings(control: Control) -> ImapSettings:
    """The mailbox of the Cấu hình sheet. :raises ImapError: when it is not set up."""
    values = control.values
    host = str(values.get("may_chu_imap") or "").strip()
    user = str(values.get("tai_khoan_nhan") or "").strip()
    if not host or not user:
        raise ImapError.of("imap-host-missing")
    mode = parse_security(values.get("bao_mat_imap") or "SSL")
    port = values.get("cong_imap") or DEFAULT_PORTS[mode]
    if not 0 < int(port) < 65536:
        raise ImapError.of("imap-port-invalid", port=str(port))
    mailbox = str(values.get("hop_thu_nhan") or "").strip() or "INBOX"
    return ImapSettings(host, int(port), mode, user, mailbox, ca_file(control))


def member_for_address(control: Control, address: str, day: date) -> Member | None:
    """The member whose Email or Email CC is `address` (active on `day` first); None for anyone else."""
    address = address.strip().lower()
    if not address:
        return None
    found = [m for m in control.members if address == m.email.lower() or address in {c.lower() for c in m.cc}]
    active = [m for m in found if m.active_on(day)]
    chosen = active or found
    return chosen[0] if chosen else None


def collect(
    control: str | os.PathLike | Control,
    now: str | date | datetime | None = None,
    *,
    dry_run: bool = False,
    password: str | None = None,
    smtp_password: str | None = None,
    retries: int = 3,
    backoff: float = 2.0,
    sleep: Callable[[float], None] = time.sleep,
) -> CollectResult:
    """Take the new messages of the cluster's mailbox: save members' workbooks as submissions, keep the
    rest aside, reply to members whose message brought no usable workbook.

    :param now: the moment to act for (default now); messages received after it are left for later.
    :param dry_run: read the mailbox, but save, record and send nothing (replies become .eml files).
    :param password: the IMAP password (default: AIDKIT_IMAP_PASSWORD or the keyring).
    :param smtp_password: the SMTP password for replies (default: as for every mail job).
    :raises imap.ImapError: when the mailbox cannot be read (settings, network, TLS, login).
    :raises findings.Refusal: if the control workbook cannot be used.
    """
    with mail_job("collect", control, now, dry_run, CollectResult) as job:
        control, ledger, result = job.control, job.ledger, _collected(job)
        settings = imap_settings(control)
        result.mailbox = f"{settings.user} · {settings.host} · {settings.mailbox}"
        since = min((d.period.start for d in control.schedule), default=None)
        mail_options = {"password": smtp_password, "retries": retries, "backoff": backoff, "sleep": sleep}
        try:
            with Mailbox(settings, password if password is not None else resolve_password(settings)) as box:
                after = ledger.last_uid(settings.key, box.uidvalidity)
                for envelope in box.envelopes(after, since):
                    if local_moment(envelope.internal_date) > result.now:
                        break  # arrived after the moment acted for (--now): a later run takes it, in UID order
                    result.taken.append(_take_one(job, box, envelope, settings))
        except ImapError as exc:
            if not result.dry_run:
                _alert(job, settings, exc, **mail_options)
            raise
        if not result.dry_run:
            ledger.mailbox_reached(settings.key, result.now)
        _reply(job, **mail_options)
    return result


def _collected(job: Job) -> CollectResult:
    """The run's result: collect's mail_job makes it a CollectResult."""
    assert isinstance(job.result, CollectResult), "a Job of collect's mail_job"
    return job.result


def _alert(job: Job, settings: ImapSettings, error: ImapError, **options) -> None:
    """Tell the cluster lead once per outage that the mailbox cannot be read (the job log says it every run)."""
    control, ledger, cluster, result = job.control, job.ledger, job.cluster, _collected(job)
    began = ledger.mailbox_unreached(settings.key, result.now)
    if not cluster.lead_email or ledger.is_claimed(ALERT_KIND, "", "", began.isoformat()):
        return
    try:
        postman = postman_for(control, ledger, **options)
        message = collect_alert_message(cluster, result.mailbox, began, error.vi, error.en)
        result.deliveries.append(
            postman.deliver(
                message, kind=ALERT_KIND, period="", province="", day=result.now.date(), slot=began.isoformat()
            )
        )
    except AidkitError as exc:  # no mail either: the job log is all there is
        log.warning("cannot tell the cluster lead about the mailbox: %s", exc)


def _take_one(job: Job, box: Mailbox, envelope: Envelope, settings: ImapSettings) -> MailRecord:
    """Fetch one message and take it; one that cannot be read is set aside whole, never stopping the others."""
    raw = box.fetch(envelope.uid, "HEADER" if envelope.size > MAX_MESSAGE_BYTES else "")
    try:
        return _take(job, raw, box, envelope, settings)
    except Exception as exc:  # noqa: BLE001  (untrusted mail reaches the standard parser's own bugs)
        log.warning("mail UID %s cannot be read: %s: %s", envelope.uid, type(exc).__name__, exc)
        return _unparsed(job, raw, box, envelope, settings, exc)


def _unparsed(
    job: Job, raw: bytes, box: Mailbox, envelope: Envelope, settings: ImapSettings, error: Exception
) -> MailRecord:
    """Keep a message that cannot be read as it came, in de-rieng/, and record it once."""
    control, ledger, result = job.control, job.ledger, job.result
    received = local_moment(envelope.internal_date)
    kept = Attachment(UNPARSED_NAME, UNPARSED_NAME, "other", len(raw), raw)
    files = (
        {
            "name": UNPARSED_NAME,
            "size": len(raw),
            "fate": "unparsed",
            "reason": type(error).__name__,
            **_kept(kept, envelope, received, control, result.dry_run),
        },
    )
    record: dict[str, Any] = {
        "mailbox": settings.key,
        "uid": envelope.uid,
        "sha256": sha256_of(raw),
        "sender": raw_sender(raw),
        "internal_date": envelope.internal_date,
        "size": envelope.size,
        "outcome": "unparsed",
    }
    if result.dry_run:
        return MailRecord(
            0,
            settings.key,
            box.uidvalidity,
            envelope.uid,
            record["sha256"],
            "",
            record["sender"],
            "",
            envelope.internal_date,
            received,
            envelope.size,
            "",
            "unparsed",
            files,
            result.now,
        )
    return ledger.record_mail(uidvalidity=box.uidvalidity, files=list(files), **record)


def _take(job: Job, raw: bytes, box: Mailbox, envelope: Envelope, settings: ImapSettings) -> MailRecord:
    """Read one message and decide what it is; save and record unless this is a dry run."""
    control, ledger, result = job.control, job.ledger, _collected(job)
    received = local_moment(envelope.internal_date)
    too_large = envelope.size > MAX_MESSAGE_BYTES
    sha = sha256_of(raw)
    letter = read_letter(raw)
    member = member_for_address(control, letter.sender, received.date())
    files: list[dict[str, Any]] = []
    if ledger.mail_taken(settings.key, sha) is not None:
        outcome = "duplicate"  # the same message again (a UIDVALIDITY change, or appended twice)
    elif member is None:
        outcome = "not-member"
        files = [_set_aside(a, envelope, received, control, result.dry_run) for a in letter.attachments]
    elif too_large:
        outcome = "too-large"
    else:
        files = [_submit(a, envelope, received, control, ledger, result) for a in letter.attachments]
        outcome = _outcome(files)
        if letter.cut_short and outcome == "no-workbook":
            outcome = "cut-short"
    if letter.automatic and outcome in REPLY_OUTCOMES:
        outcome = "automatic"
    province = member.code if member else ""
    if result.dry_run:
        return MailRecord(
            0,
            settings.key,
            box.uidvalidity,
            envelope.uid,
            sha,
            letter.message_id,
            letter.sender,
            letter.subject,
            envelope.internal_date,
            received,
            envelope.size,
            province,
            outcome,
            tuple(files),
            result.now,
        )
    log.info("mail UID %s from %s: %s", envelope.uid, letter.sender, outcome)
    return ledger.record_mail(
        mailbox=settings.key,
        uidvalidity=box.uidvalidity,
        uid=envelope.uid,
        sha256=sha,
        internal_date=envelope.internal_date,
        size=envelope.size,
        outcome=outcome,
        message_id=letter.message_id,
        sender=letter.sender,
        subject=letter.subject,
        province=province,
        files=files,
    )


def _outcome(files: list[dict[str, Any]]) -> str:
    fates = {f["fate"] for f in files}
    for fate in ("submitted", "duplicate", "encrypted", "unreadable", "too-large"):
        if fate in fates:
            return fate
    return "zip" if "archive" in fates else "no-workbook"


def _submit(
    a: Attachment, envelope: Envelope, received: datetime, control: Control, ledger: Ledger, result: CollectResult
) -> dict[str, Any]:
    """One attachment of a member's message: a submission, a duplicate, kept aside, or left alone."""
    entry: dict[str, Any] = {"name": a.name, "size": a.size, "fate": "ignored"}
    if a.kind == "archive":
        return {**entry, "fate": "archive", **_kept(a, envelope, received, control, result.dry_run)}
    if a.kind != "workbook":
        return entry
    if a.data is None:  # too large to decode
        return {**entry, "fate": "too-large"}
    sha = sha256_of(a.data)
    known = ledger.known(sha)
    if known is not None:
        return {**entry, "fate": "duplicate", "sha256": sha, "submission": known.id}
    suffix = Path(a.safe).suffix
    if result.dry_run:
        checked = _check_only(a.data, suffix, control)
    else:
        copy, checked = archive_and_check(ledger, a.data, suffix, control)
    entry.update(sha256=sha, province=checked.province, period=checked.period)
    if checked.status == "refused":
        fate = "encrypted" if checked.detail == "file-password-protected" else "unreadable"
        return {
            **entry,
            "fate": fate,
            "reason": checked.detail,
            **_kept(a, envelope, received, control, result.dry_run),
        }
    entry["fate"] = "submitted"
    if result.dry_run:
        return {**entry, "saved": str(control.inbox / a.safe)}
    path = _save_new(control.inbox, a.safe, a.data, received)
    submission = record_checked(
        ledger, sha, path.relative_to(control.inbox).as_posix(), received, copy, size=len(a.data), checked=checked
    )
    if submission is not None:
        result.received.append(submission)
        entry["submission"] = submission.id
    return {**entry, "saved": str(path)}


def _set_aside(
    a: Attachment, envelope: Envelope, received: datetime, control: Control, dry_run: bool
) -> dict[str, Any]:
    entry: dict[str, Any] = {"name": a.name, "size": a.size, "fate": "set-aside"}
    if a.too_large:
        return {**entry, "fate": "too-large"}
    return {**entry, **_kept(a, envelope, received, control, dry_run)}


def _kept(a: Attachment, envelope: Envelope, received: datetime, control: Control, dry_run: bool) -> dict[str, str]:
    """Keep an attachment for the cluster lead in <Thư mục kết quả>/de-rieng/, outside the scanned folder."""
    if a.data is None:  # too large to decode
        return {}
    target = _free_name(control.outbox / ASIDE_FOLDER, f"{received:%Y-%m-%d_%H%M}_uid{envelope.uid}_{a.safe}", a.data)
    if not dry_run:
        write_bytes(target, a.data)
    return {"kept": str(target)}


def _check_only(data: bytes, suffix: str, control: Control) -> Checked:
    """Check bytes without archiving them (a dry run keeps nothing)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"check{suffix}"
        path.write_bytes(data)
        return check_copy(path, control)


def _save_new(folder: Path, name: str, data: bytes, received: datetime) -> Path:
    """Save a submission in the submissions folder under `name`, or `name (2)`… if that is taken by other bytes.

    Its modification time is the received time, so a later scan of the folder agrees with the ledger.
    """
    target = _free_name(folder, name, data)
    write_bytes(target, data)
    stamp = received.timestamp()
    os.utime(target, (stamp, stamp))
    return target


def _free_name(folder: Path, name: str, data: bytes) -> Path:
    """``folder/name``, or ``name (2)``… when that is taken by other bytes (two attachments of one name)."""
    stem, suffix = Path(name).stem, Path(name).suffix
    for n in range(1, 1000):
        target = folder / (name if n == 1 else f"{stem} ({n}){suffix}")
        if not target.exists() or target.read_bytes() == data:
            break
    return target


def _reply(job: Job, **options) -> None:
    """One reply per member message that brought no usable workbook (recent ones whose reply is not out)."""
    control, ledger, cluster, result = job.control, job.ledger, job.cluster, _collected(job)
    if result.dry_run:
        pending = list(result.taken)
    else:
        pending = [m for m in ledger.mail() if m.received_at >= result.now - REPLY_WITHIN]
    pending = [
        m
        for m in pending
        if m.outcome in REPLY_OUTCOMES and m.province and not ledger.is_claimed(REPLY_KIND, "", m.province, m.sha256)
    ]
    if not pending:
        return
    try:
        postman = postman_for(control, ledger, dry_run=result.dry_run, **options)
        for m in pending:
            member = next((x for x in control.members if x.code == m.province), None)
            message = collect_reply_message(
                cluster,
                m,
                member.name if member else m.province,
                _reasons(m),
                member.focal if member else "",
                member.title if member else "",
            )
            result.deliveries.append(
                postman.deliver(
                    message, kind=REPLY_KIND, period="", province=m.province, day=result.now.date(), slot=m.sha256
                )
            )
    except AidkitError as exc:  # every reply would fail the same way: the next run tries again
        result.notes.append(bilingual("note-replies-not-sent", detail_vi=exc.vi, detail_en=exc.en))


def _reasons(m: MailRecord) -> list[tuple[str, str]]:
    """Why each attached workbook could not be used, in Vietnamese and English."""
    out = []
    for f in m.files:
        if f.get("reason"):
            file, reason = safe_name(f["name"]), f["reason"]
            refusal = Refusal(file, reason)
            out.append((refusal.vi, refusal.en))
    return out
