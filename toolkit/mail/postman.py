"""The Postman delivers messages exactly as the ledger allows: claim, send (or write .eml), record.

Gửi thư theo sổ theo dõi: giữ chỗ, gửi (hoặc ghi tệp .eml), ghi kết quả.

Rules every job (remind, acknowledge, send-report) gets from here:

* A message is sent only after the ledger granted its claim (``Ledger.claim``),
  so however often a job runs, and however many run at once, a slot gets at
  most one message that is known to be sent. A run killed between claim and
  outcome leaves the slot "sending": once that run is gone the message is
  shown as "unknown" (``aidkit status``, the lead's digest) and the next run
  sends it again. A duplicate is better than a lost message.
* Transient failures are retried with backoff by ``smtp.send``; if they
  outlive the retries the slot is recorded "failed" and the next run may
  claim it again. A recipient refused with a 5xx does not stop the others
  ("partial"); a message refused outright (bad address in a workbook, all
  recipients refused) is "refused" and not retried.
* Failures that would hit every message (TLS verification, login, missing
  password, bad settings) are recorded on the message at hand and raised,
  which stops the run.
* Bounded time: once one message could not reach the server at all (down,
  refusing, or stalled until the socket timeout, through every retry), the
  run stops sending: each remaining message is recorded "failed" without
  being tried, and the next run sends it. No retry waits past the run's time
  budget (``RUN_SECONDS``); after it, the rest is recorded the same way.
* Dry run: the would-be message is written as ``.eml`` into the outbox and
  nothing is claimed or recorded; slots already used are skipped, as in a
  real run.
* The password is resolved once, only when a real message is about to go
  (never in a dry run), and never reaches a log, a result or the ledger.
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Callable

from ..control import Control
from ..ledger import Ledger
from ..values import is_email
from . import smtp
from .errors import InvalidMessage, InvalidSettings, MailError
from .message import OutgoingMessage, write_eml
from .settings import SmtpSettings, parse_security, password_missing, resolve_password

log = logging.getLogger(__name__)

DEFAULT_PORTS = {"STARTTLS": 587, "SSL": 465, "NONE": 25}
RUN_SECONDS = 600.0  # a run's sending stops after this; what is left goes on the next run


def smtp_settings(control: Control, *, for_dry_run: bool = False) -> SmtpSettings:
    """SMTP settings from the control workbook's Cấu hình sheet.

    The sender address is the sending account when it is an address, else the cluster lead's.
    A relative CA file is relative to the control workbook. In a dry run a missing server is tolerated.
    :raises InvalidSettings: when a setting cannot be used.
    """
    values = control.values
    security = values.get("bao_mat") or "STARTTLS"
    mode = parse_security(security)
    host = str(values.get("may_chu_smtp") or "").strip()
    if not host:
        if not for_dry_run:
            raise InvalidSettings.of("smtp-host-missing")
        host = "localhost"
    user = str(values.get("tai_khoan_gui") or "").strip()
    return SmtpSettings(
        host=host,
        port=values.get("cong") or DEFAULT_PORTS[mode],
        security=mode,
        user=user,
        sender_name=str(values.get("ten_nguoi_gui") or ""),
        cafile=ca_file(control),
        from_addr=user if is_email(user) else control.lead_email,
    )


def ca_file(control: Control) -> Path | None:
    """The Cấu hình sheet's "Tệp CA" (relative to the control workbook), for SMTP and IMAP alike."""
    cafile = control.values.get("tep_ca")
    if not cafile:
        return None
    cafile = Path(str(cafile))
    return cafile if cafile.is_absolute() else Path(control.path).resolve().parent / cafile


@dataclass
class Delivery:
    """What happened to one message."""

    kind: str
    period: str
    province: str
    day: date
    to: list[str]
    cc: list[str]
    subject: str
    outcome: str  # sent | partial | failed | refused | skipped (already sent) | dry-run | unknown
    message_id: str = ""
    error: str = ""
    attachments: list[str] = field(default_factory=list)
    eml: str = ""
    attempts: int = 0
    file: str = ""  # the submission a receipt is about

    @property
    def delivered(self) -> bool:
        return self.outcome in ("sent", "partial")

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "period": self.period,
            "province": self.province,
            "day": self.day.isoformat(),
            "to": self.to,
            "cc": self.cc,
            "subject": self.subject,
            "outcome": self.outcome,
            "message_id": self.message_id,
            "error": self.error,
            "attachments": self.attachments,
            "eml": self.eml,
            "attempts": self.attempts,
            "file": self.file,
        }

    def to_text(self) -> str:
        from .compose import KIND_WORDS

        mark = {
            "sent": "✔",
            "partial": "!",
            "failed": "✘",
            "refused": "✘",
            "skipped": "·",
            "dry-run": "✉",
            "unknown": "?",
        }
        who = ", ".join(self.to + self.cc)
        outcome = " / ".join(OUTCOME_WORDS.get(self.outcome, (self.outcome, self.outcome)))
        kind = " / ".join(KIND_WORDS.get(self.kind, (self.kind, self.kind)))
        about = f"{self.province or '—'}" + (f" ({self.file})" if self.file else "")
        line = f"{mark.get(self.outcome, '?')} {outcome} · {kind} · {about} → {who}"
        if self.eml:
            line += f"\n      {self.eml}"
        if self.error:
            line += f"\n      {self.error}"
        return line


OUTCOME_WORDS = {
    "sent": ("đã gửi", "sent"),
    "partial": ("đã gửi một phần", "partly sent"),
    "failed": ("gửi lỗi, sẽ thử lại", "failed, will retry"),
    "refused": ("bị từ chối", "refused"),
    "skipped": ("đã gửi trước đó", "already sent"),
    "dry-run": ("chạy thử (.eml)", "dry run (.eml)"),
    "unknown": ("chưa rõ đã gửi chưa, sẽ gửi lại", "not known to be sent, will be sent again"),
}


class Postman:
    """Sends messages for one run, through the ledger.

    :param outbox: a folder for .eml files: a dry run (nothing sent, nothing recorded).
    :param password: the SMTP password; default resolved with resolve_password on first real send.
    :param send: the sending function (smtp.send); tests may wrap it.
    :param budget: seconds this run may spend sending (RUN_SECONDS).
    """

    def __init__(
        self,
        ledger: Ledger,
        settings: SmtpSettings,
        *,
        outbox: Path | None = None,
        password: str | None = None,
        retries: int = 3,
        backoff: float = 2.0,
        sleep: Callable[[float], None] = time.sleep,
        send: Callable = smtp.send,
        budget: float = RUN_SECONDS,
    ):
        self.ledger = ledger
        self.settings = settings
        self.outbox = Path(outbox) if outbox else None
        self._password = password
        self._resolved = password is not None
        self.retries, self.backoff, self.sleep, self._send = retries, backoff, sleep, send
        self.deadline = time.monotonic() + budget
        self.stopped: tuple[str, str] | None = None  # (vi, en): why this run sends no more

    @property
    def dry_run(self) -> bool:
        return self.outbox is not None

    def _secret(self) -> str | None:
        """The password, or None: then the message goes without login (a relay without AUTH).

        :raises PasswordMissing: before anything is claimed, when there is no password and the
            server asks for a login.
        """
        if not self._resolved:
            self._password = resolve_password(self.settings)
            self._resolved = True
            if self.settings.user and not self._password and smtp.needs_login(self.settings):
                self._resolved = False
                raise password_missing(self.settings)
        return self._password

    def _redact(self, text: str) -> str:
        if self._password:
            text = text.replace(self._password, "***")
        return text

    def deliver(
        self,
        message: OutgoingMessage,
        *,
        kind: str,
        period: str,
        province: str,
        day: date,
        slot: str | None = None,
        submission_id: int | None = None,
    ) -> Delivery:
        """Send one message unless its slot is taken; record the outcome."""
        slot_key = day.isoformat() if slot is None else slot
        result = Delivery(
            kind,
            period,
            province,
            day,
            list(message.to),
            list(message.cc),
            message.subject,
            "skipped",
            attachments=[a[0] if isinstance(a, tuple) else a.name for a in message.attachments],
        )
        everyone = result.to + result.cc
        if self.outbox is not None:  # a dry run
            if self.ledger.is_claimed(kind, period, province, slot_key):
                return result
            name = "_".join(
                re.sub(r"[^\w.-]+", "-", x)
                for x in (day.isoformat(), kind, period, province or "cum", slot_key[:12] if slot is not None else "")
            )
            result.eml = str(write_eml(message, self.settings, self.outbox, name.strip("_")[:150]))
            result.outcome = "dry-run"
            return result
        password = self._secret()
        row = self.ledger.claim(
            kind,
            period,
            province,
            day,
            slot=slot,
            submission_id=submission_id,
            recipients=everyone,
            subject=message.subject,
        )
        if row is None:
            return result
        if self.stopped is None and time.monotonic() >= self.deadline:
            self.stopped = ("hết thời gian dành cho lần chạy này", "this run's time is up")
        if self.stopped is not None:  # not tried: recorded "failed", so the next run sends it
            vi, en = self.stopped
            result.outcome = "failed"
            result.error = f"Chưa gửi ({vi}); lần chạy sau sẽ gửi / not sent ({en}); the next run sends it"
            self.ledger.finish(row, "failed", error=result.error)
            return result
        try:
            sent = self._send(
                self.settings,
                password,
                message,
                retries=self.retries,
                backoff=self.backoff,
                sleep=self.sleep,
                deadline=self.deadline,
            )
        except InvalidMessage as exc:  # this message only (e.g. an address from a workbook)
            result.outcome, result.error = "refused", self._redact(str(exc))
            self.ledger.finish(row, "refused", error=result.error)
            log.warning("%s %s %s not sent: %s", kind, period, province, result.error)
            return result
        except MailError as exc:  # every message would fail the same way: stop the run
            self.ledger.finish(row, "failed", error=self._redact(str(exc)))
            raise
        except BaseException as exc:
            self.ledger.finish(row, "failed", error=self._redact(f"{type(exc).__name__}: {exc}"))
            raise
        result.message_id, result.attempts = sent.message_id, sent.attempts
        result.error = self._redact(sent.error)
        if sent.outcome == "sent":
            result.outcome = "partial" if sent.refused else "sent"
        elif sent.refused and all(code >= 500 for code, _ in sent.refused.values()):
            result.outcome = "refused"  # every recipient refused permanently: retrying will not help
        else:
            result.outcome = "failed"
        self.ledger.finish(row, result.outcome, message_id=sent.message_id, error=result.error, attempts=sent.attempts)
        if result.outcome == "failed" and sent.refused and all(code == 0 for code, _ in sent.refused.values()):
            where = f"{self.settings.host}:{self.settings.port}"
            self.stopped = (f"không kết nối được máy chủ {where}", f"the server {where} could not be reached")
        log.info("%s %s %s: %s (%s)", kind, period, province or "-", result.outcome, sent.message_id)
        return result


def postman_for(control: Control, ledger: Ledger, *, dry_run: bool = False, **options: Any) -> Postman:
    """A Postman with the control workbook's SMTP settings; a dry run writes to <output folder>/outbox."""
    settings = smtp_settings(control, for_dry_run=dry_run)
    return Postman(ledger, settings, outbox=control.outbox / "outbox" if dry_run else None, **options)
