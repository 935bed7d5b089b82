"""Sending a built message over SMTP, with retries: the only module that speaks SMTP.

Gửi thư qua SMTP: kết nối, TLS, đăng nhập, gửi và thử lại.

Design
======

yagmail is the transport; the MIME message is ours (:func:`toolkit.mail.message.build_message`).

* :func:`send` opens the connection with ``yagmail.SMTP`` -- yagmail does
  the connect, the TLS (STARTTLS or implicit SSL) and the login -- and then
  submits our bytes over yagmail's own smtplib connection
  (``yag.smtp.sendmail``).  We deliberately do NOT call ``yag.send()``
  because its message builder (``yagmail.message.prepare_message``):

  - attaches any ``contents`` string that happens to be the path of an
    existing file (``yagmail.raw`` only switches that off per string, and
    still turns the text into an HTML part with ``<br>``);
  - cannot take attachments from memory with a proper name/MIME type, nor
    a separate text and HTML alternative;
  - runs ``premailer`` over HTML (which may fetch remote stylesheets);
  - accepts CR/LF in the subject and addresses unchecked.

  Because body text and HTML never reach yagmail, there is no code path in
  which a body string can be read as a file name.  Attachments are only
  ``(filename, bytes)`` pairs or :class:`pathlib.Path` objects -- plain
  strings are refused for the same reason.
* Certificates are verified: STARTTLS gets
  ``smtp_starttls={"context": ctx}`` and SSL gets ``context=ctx`` (passed
  through yagmail to ``smtplib.SMTP_SSL``), where ``ctx`` is
  ``ssl.create_default_context()`` plus ``settings.cafile`` when given.
  yagmail's default ``smtp_starttls=True`` would NOT verify.  A server that
  does not offer STARTTLS is an error, never a silent downgrade.
* yagmail never looks for a password itself: we either pass the resolved
  password or ``smtp_skip_login=True``.  ``user`` is passed as a one-entry
  dict so that yagmail does not append ``@gmail.com`` to a login name
  without ``@``, and yagmail's own address validation is off (ours is
  stricter).
* Errors: problems with the settings, the credentials, TLS or the message
  itself (they would hit every message of a batch) raise a
  :class:`MailError` subclass.  Delivery problems for this one message
  (server refused it, transient errors that did not go away after the
  retries) come back as ``SendResult(outcome="failed", ...)``.  Messages are
  Vietnamese first, then English, and never contain the password.
"""

from __future__ import annotations

import base64
import contextlib
import logging
import smtplib
import ssl
import time
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import TYPE_CHECKING, Callable, Mapping, Protocol

from .errors import AuthenticationFailed, InvalidSettings, MailError, TlsUnavailable, TlsVerificationFailed
from .message import OutgoingMessage, build_message
from .settings import SmtpSettings, password_missing

if TYPE_CHECKING:
    from pathlib import Path

__all__ = [
    "SendResult",
    "make_ssl_context",
    "needs_login",
    "send",
]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SendResult:
    message_id: str
    outcome: str  # "sent" | "failed"
    attempts: int
    refused: dict[str, tuple[int, str]] = field(default_factory=dict)
    error: str = ""
    accepted: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.outcome == "sent" and not self.refused


class _Trusting(Protocol):
    """Settings that may name an extra CA certificate: SmtpSettings, imap.ImapSettings."""

    @property
    def cafile(self) -> str | Path | None: ...


def make_ssl_context(settings: _Trusting) -> ssl.SSLContext:
    """A certificate- and hostname-verifying client context: the system CA
    store plus ``settings.cafile`` when given."""
    ctx = ssl.create_default_context(ssl.Purpose.SERVER_AUTH)
    if settings.cafile:
        try:
            ctx.load_verify_locations(cafile=str(settings.cafile))
        except (OSError, ssl.SSLError) as exc:
            raise InvalidSettings.of(
                "smtp-cafile-unreadable", cafile=repr(str(settings.cafile)), detail=str(exc)
            ) from None
    return ctx


class _Transient(Exception):
    def __init__(self, text: str):
        super().__init__(text)
        self.text = text


class _Permanent(Exception):
    def __init__(self, text: str, code: int = 0):
        super().__init__(text)
        self.text = text
        self.code = code


class _Redactor:
    """Removes the password (plain and as it appears in AUTH PLAIN/LOGIN)
    from any text that could reach an exception, a log or a result."""

    def __init__(self, user: str, password: str | None):
        self._secrets: list[str] = []
        if password:
            pw = password.encode("utf-8")
            self._secrets = sorted(
                {
                    password,
                    base64.b64encode(pw).decode(),
                    base64.b64encode(b"\0" + user.encode("utf-8") + b"\0" + pw).decode(),
                    repr(password)[1:-1],
                },
                key=len,
                reverse=True,
            )

    def __call__(self, text: object) -> str:
        text = str(text)
        for secret in self._secrets:
            if secret:
                text = text.replace(secret, "***")
        return text


def _reply_text(exc: smtplib.SMTPResponseException) -> str:
    err = exc.smtp_error
    if isinstance(err, bytes):
        err = err.decode("utf-8", "replace")
    return f"{exc.smtp_code} {err}".strip()


def _yagmail_client(settings: SmtpSettings, password: str | None):
    import yagmail  # noqa: PLC0415  (keeps `import toolkit.mail.smtp` cheap)

    kwargs: dict = {
        "host": settings.host,
        "port": settings.port,
        "timeout": float(settings.timeout),
        "soft_email_validation": False,
    }
    if settings.user and password:
        # dict form: yagmail keeps the login verbatim (no "@gmail.com").
        kwargs.update(user={settings.user: settings.user}, password=password, smtp_skip_login=False)
    else:
        kwargs.update(user={settings.sender_address: settings.sender_address}, password=None, smtp_skip_login=True)
    if settings.security == "SSL":
        kwargs.update(smtp_ssl=True, smtp_starttls=False, context=make_ssl_context(settings))
    elif settings.security == "STARTTLS":
        kwargs.update(smtp_ssl=False, smtp_starttls={"context": make_ssl_context(settings)})
    else:
        kwargs.update(smtp_ssl=False, smtp_starttls=False)
    client = yagmail.SMTP(**kwargs)
    client.set_logging(logging.ERROR)
    return client


def _deliver_once(
    settings: SmtpSettings,
    password: str | None,
    envelope_from: str,
    recipients: list[str],
    data: bytes,
    redact: _Redactor,
) -> dict[str, tuple[int, bytes]]:
    """One connection: connect, TLS, login, MAIL/RCPT/DATA, quit.
    Returns the refused recipients; raises _Transient/_Permanent/MailError."""
    client = _yagmail_client(settings, password)
    try:
        _connect(client, settings, password, redact)
        return _transmit(client, envelope_from, recipients, data, redact)
    finally:
        try:
            client.close()
        except (smtplib.SMTPException, OSError):  # a half-open TLS socket may fail on QUIT (ssl.SSLError is an OSError)
            pass


def _connect(client, settings: SmtpSettings, password: str | None, redact: _Redactor) -> None:
    """Connect, secure and log in (without a password: make sure no login is asked for)."""
    where = f"{settings.host}:{settings.port}"
    try:
        client.login()
    except ssl.SSLCertVerificationError as exc:
        raise TlsVerificationFailed.of(
            "smtp-tls-unverified", where=where, detail=str(exc.verify_message or exc)
        ) from exc
    except ssl.SSLError as exc:
        raise TlsUnavailable.of("smtp-tls-failed", where=where, security=settings.security, detail=str(exc)) from exc
    except smtplib.SMTPNotSupportedError:  # the EHLO reply lacks the extension asked for: STARTTLS, or AUTH
        if settings.security == "STARTTLS" and not client.smtp.has_extn("starttls"):
            raise TlsUnavailable.of("smtp-no-starttls", where=where) from None
        raise AuthenticationFailed.of("smtp-no-auth", where=where) from None
    except smtplib.SMTPAuthenticationError as exc:
        reply = redact(_reply_text(exc))
        if 400 <= exc.smtp_code < 500:
            raise _Transient(f"login: {reply}") from None
        raise AuthenticationFailed.of(
            "smtp-login-rejected", where=where, user=repr(settings.user), reply=reply
        ) from None
    except smtplib.SMTPResponseException as exc:  # greeting / EHLO
        reply = redact(_reply_text(exc))
        if 400 <= exc.smtp_code < 500:
            raise _Transient(f"connect: {reply}") from None
        raise _Permanent(f"connect: {reply}", exc.smtp_code) from None
    except smtplib.SMTPServerDisconnected as exc:
        raise _Transient(f"connect {where}: {redact(exc) or 'disconnected'}") from None
    except smtplib.SMTPException as exc:  # e.g. no suitable AUTH mechanism
        if settings.user and password:
            raise AuthenticationFailed.of("smtp-login-failed", where=where, detail=redact(exc)) from None
        raise _Transient(f"connect: {redact(exc)}") from None
    except OSError as exc:  # refused, reset, timeout, DNS
        raise _Transient(f"connect {where}: {redact(exc) or type(exc).__name__}") from None
    except UnicodeError:
        # smtplib encodes AUTH data as ASCII; the exception text would
        # quote a character of the password, so it is not shown.
        raise AuthenticationFailed.of("smtp-login-not-ascii") from None
    if settings.user and not password:
        _check_no_login_asked(client, settings, redact)


def _check_no_login_asked(client, settings: SmtpSettings, redact: _Redactor) -> None:
    """Without a password, a server that asks for AUTH gets PasswordMissing, not a refused message."""
    try:
        client.smtp.ehlo_or_helo_if_needed()
    except (smtplib.SMTPException, OSError) as exc:
        raise _Transient(f"EHLO: {redact(exc) or type(exc).__name__}") from None
    if client.smtp.has_extn("auth"):
        raise password_missing(settings)


def _transmit(
    client, envelope_from: str, recipients: list[str], data: bytes, redact: _Redactor
) -> dict[str, tuple[int, bytes]]:
    """MAIL FROM, RCPT TO and DATA on a connected client; returns the refused recipients."""
    try:
        return client.smtp.sendmail(envelope_from, recipients, data) or {}
    except smtplib.SMTPRecipientsRefused as exc:
        return dict(exc.recipients)
    except smtplib.SMTPResponseException as exc:  # sender refused, data error
        reply = redact(_reply_text(exc))
        stage = "MAIL FROM" if isinstance(exc, smtplib.SMTPSenderRefused) else "DATA"
        if 400 <= exc.smtp_code < 500:
            raise _Transient(f"{stage}: {reply}") from None
        raise _Permanent(f"{stage}: {reply}", exc.smtp_code) from None
    except (smtplib.SMTPException, OSError) as exc:
        raise _Transient(f"send: {redact(exc) or type(exc).__name__}") from None


def needs_login(settings: SmtpSettings) -> bool:
    """Whether the server offers AUTH (after STARTTLS when configured), so a password is needed.

    False when the server cannot be asked (down, TLS trouble): sending will then say what is wrong.
    """
    client = None
    try:
        client = _yagmail_client(settings, None)
        client.login()  # no password: connects and secures only
        client.smtp.ehlo_or_helo_if_needed()
        return bool(client.smtp.has_extn("auth"))
    except (smtplib.SMTPException, OSError, MailError):  # down, refusing, TLS: the real send says what is wrong
        return False
    finally:
        if client is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                client.close()


def send(
    settings: SmtpSettings,
    password: str | None,
    message: OutgoingMessage,
    *,
    retries: int = 3,
    backoff: float = 1.0,
    sleep: Callable[[float], None] = time.sleep,
    deadline: float | None = None,
) -> SendResult:
    """Send ``message`` through yagmail and report what happened.

    ``retries`` is the number of extra attempts after the first one for
    transient failures (connection errors, SMTP 4xx); the waits are
    ``backoff * 2**n`` seconds via ``sleep``.  Recipients refused with a 5xx
    are reported in ``SendResult.refused`` and do not stop delivery to the
    others.  Without a password the message goes without login (an office
    relay); if the server then asks for AUTH, :class:`PasswordMissing` is
    raised.  ``deadline`` (a ``time.monotonic()`` value) ends the retries
    early: no wait reaches past it.  Raises :class:`MailError` for bad
    settings, a missing or wrong password, TLS problems and invalid messages.
    """
    if retries < 0:
        raise ValueError("retries must be >= 0")
    msg = build_message(message, settings)
    message_id = str(msg["Message-ID"])
    password = password if settings.user else None
    redact = _Redactor(settings.user, password)
    envelope_from = msg["From"].addresses[0].addr_spec
    data = msg.as_bytes()

    pending = _envelope_recipients(msg)
    accepted: list[str] = []
    refused: dict[str, tuple[int, str]] = {}
    error = ""
    attempts = 0
    log.info(
        "sending %s to %d recipient(s) via %s:%s (%s)",
        message_id,
        len(pending),
        settings.host,
        settings.port,
        settings.security,
    )
    while pending:
        attempts += 1
        deferred: dict[str, tuple[int, str]] = {}
        try:
            rejected = _deliver_once(settings, password, envelope_from, pending, data, redact)
        except _Transient as exc:
            error = exc.text
        except _Permanent as exc:
            error = exc.text
            refused.update({rcpt: (exc.code, exc.text) for rcpt in pending})
            pending = []
        else:
            error = _sort_replies(pending, rejected, redact, accepted, deferred, refused) or error
            pending = list(deferred)
        if not pending:
            break
        delay = backoff * (2 ** (attempts - 1))
        if attempts > retries or (deadline is not None and time.monotonic() + delay > deadline):
            # Give up: every recipient ends up either accepted or refused;
            # code 0 means there was no SMTP reply (connection failure).
            for rcpt in pending:
                refused[rcpt] = deferred.get(rcpt, (0, error))
            break
        log.warning("transient failure for %s (attempt %d), retrying in %.1fs: %s", message_id, attempts, delay, error)
        sleep(delay)

    return _result(message_id, attempts, accepted, refused, error, redact)


def _sort_replies(
    pending: list[str],
    rejected: Mapping[str, tuple[int, bytes | str]],
    redact: _Redactor,
    accepted: list[str],
    deferred: dict[str, tuple[int, str]],
    refused: dict[str, tuple[int, str]],
) -> str:
    """Sort one attempt's recipients into accepted, deferred (4xx) and refused (5xx);
    returns the last deferral's text ("" when none)."""
    error = ""
    for rcpt in pending:
        if rcpt not in rejected:
            accepted.append(rcpt)
            continue
        code, raw = rejected[rcpt]
        reply = redact(raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw)
        if 400 <= code < 500:
            deferred[rcpt] = (code, reply)
            error = f"RCPT {rcpt}: {code} {reply}"
        else:
            refused[rcpt] = (code, reply)
    return error


def _result(
    message_id: str,
    attempts: int,
    accepted: list[str],
    refused: dict[str, tuple[int, str]],
    error: str,
    redact: _Redactor,
) -> SendResult:
    """The SendResult of a finished send, logged."""
    outcome = "sent" if accepted else "failed"
    if not refused:
        error = ""
    elif not error:
        error = "; ".join(f"{r}: {c} {t}" for r, (c, t) in refused.items())
    result = SendResult(
        message_id=message_id,
        outcome=outcome,
        attempts=attempts,
        refused=refused,
        error=redact(error),
        accepted=tuple(accepted),
    )
    if outcome == "sent":
        log.info(
            "sent %s to %d recipient(s), %d refused, %d attempt(s)", message_id, len(accepted), len(refused), attempts
        )
    else:
        log.warning("failed to send %s after %d attempt(s): %s", message_id, attempts, result.error)
    return result


def _envelope_recipients(msg: EmailMessage) -> list[str]:
    seen: dict[str, str] = {}
    for header in ("To", "Cc"):
        for addr in getattr(msg[header], "addresses", ()) if msg[header] else ():
            seen.setdefault(addr.addr_spec.lower(), addr.addr_spec)
    return list(seen.values())
