"""Sending mail: SMTP settings, password lookup, MIME building, delivery.

Gửi thư: cấu hình SMTP, tìm mật khẩu, dựng thư MIME, gửi và thử lại.

Design
======

yagmail is the transport; the MIME message is ours.

* :func:`build_message` is the ONE function that turns an
  :class:`OutgoingMessage` into an :class:`email.message.EmailMessage`
  (``email.policy.SMTP``, 7-bit safe).  :func:`send` and :func:`write_eml`
  both use it, so a dry-run ``.eml`` is byte-for-byte the kind of message
  that would be sent (only Date, Message-ID and the MIME boundaries differ
  between two calls).
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
import email.policy
import logging
import mimetypes
import os
import re
import smtplib
import ssl
import time
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Callable, Iterable, Mapping, Union

from ..errors import AidkitError

__all__ = [
    "SECURITY_MODES",
    "PASSWORD_ENV",
    "KEYRING_SERVICE",
    "SmtpSettings",
    "parse_security",
    "resolve_password",
    "stored_password",
    "MailError",
    "InvalidSettings",
    "InvalidMessage",
    "InvalidAddress",
    "HeaderInjection",
    "PasswordMissing",
    "AuthenticationFailed",
    "TlsVerificationFailed",
    "TlsUnavailable",
    "OutgoingMessage",
    "SendResult",
    "build_message",
    "make_ssl_context",
    "send",
    "write_eml",
]

log = logging.getLogger(__name__)

SECURITY_MODES = ("STARTTLS", "SSL", "NONE")
PASSWORD_ENV = "AIDKIT_SMTP_PASSWORD"
KEYRING_SERVICE = "aidkit"

#: Serialisation policy: CRLF line ends, and non-ASCII bodies are encoded
#: (quoted-printable/base64) instead of being sent as raw 8-bit.
_POLICY = email.policy.SMTP.clone(cte_type="7bit")


# ---------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------
class MailError(AidkitError):
    """Base class of the SMTP errors."""


class InvalidSettings(MailError, ValueError):
    """The SMTP settings cannot be used as given."""


class InvalidMessage(MailError, ValueError):
    """The message cannot be built (bad attachment, no recipient...)."""


class InvalidAddress(InvalidMessage):
    """An e-mail address is malformed."""


class HeaderInjection(InvalidMessage):
    """A header value (subject, address, extra header) contains a line break
    or another control character."""


class PasswordMissing(MailError):
    """A login user is configured but no password was found."""


class AuthenticationFailed(MailError):
    """The server refused the login (or offers no usable AUTH)."""


class TlsVerificationFailed(MailError):
    """The server's certificate could not be verified."""


class TlsUnavailable(MailError):
    """TLS was required but the server does not offer it, or the TLS
    handshake failed for a reason other than certificate verification."""


# ---------------------------------------------------------------------------
# Settings and password
# ---------------------------------------------------------------------------
_SECURITY_ALIASES = {
    "starttls": "STARTTLS",
    "start tls": "STARTTLS",
    "start-tls": "STARTTLS",
    "start_tls": "STARTTLS",
    "ssl": "SSL",
    "ssl/tls": "SSL",
    "tls/ssl": "SSL",
    "smtps": "SSL",
    "implicit tls": "SSL",
    "none": "NONE",
    "no": "NONE",
    "plain": "NONE",
    "khong": "NONE",  # "Không"
    "khong ma hoa": "NONE",  # "Không mã hoá"
}


def _fold(text: str) -> str:
    """casefold, strip Vietnamese diacritics, collapse spaces."""
    text = unicodedata.normalize("NFD", text.strip().casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("đ", "d")
    return " ".join(text.split())


def parse_security(text: object) -> str:
    """Map a workbook value to ``"STARTTLS"``, ``"SSL"`` or ``"NONE"``.

    Accepts any case, ``SSL/TLS``, ``SMTPS`` and Vietnamese ``Không``.  The
    bare word ``TLS`` is refused: mail programs use it for both modes.
    """
    folded = _fold(str(text)) if text is not None else ""
    try:
        return _SECURITY_ALIASES[folded]
    except KeyError:
        raise InvalidSettings.of("smtp-security-invalid", text=repr(text)) from None


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to connect.

    ``user`` is the login account (often also the sender address); it may be
    ``""`` for a relay without AUTH, in which case ``from_addr`` must give the
    sender address.  ``cafile`` is an extra CA certificate (PEM) trusted in
    addition to the system store, for an internal server.
    """

    host: str
    port: int
    security: str = "STARTTLS"
    user: str = ""
    sender_name: str = ""
    cafile: Union[str, Path, None] = None
    timeout: float = 30.0
    from_addr: str = ""

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "security", parse_security(self.security))
        host = str(self.host or "").strip()
        if not host or any(c.isspace() or _is_control(c) for c in host):
            raise InvalidSettings.of("smtp-host-invalid", host=repr(self.host))
        set_(self, "host", host)
        try:
            port = int(float(self.port)) if not isinstance(self.port, int) else self.port
        except (TypeError, ValueError):
            port = -1
        if not 0 < port < 65536:
            raise InvalidSettings.of("smtp-port-invalid", port=repr(self.port))
        set_(self, "port", port)
        set_(self, "user", str(self.user or "").strip())
        set_(self, "from_addr", str(self.from_addr or "").strip())
        set_(self, "sender_name", str(self.sender_name or "").strip())
        _check_header_text(self.user, "user")
        _check_header_text(self.sender_name, "sender_name")
        if self.cafile in ("", None):
            set_(self, "cafile", None)
        try:
            timeout = float(self.timeout)
        except (TypeError, ValueError):
            timeout = -1.0
        if not timeout > 0:
            raise InvalidSettings.of("smtp-timeout-invalid", timeout=repr(self.timeout))
        set_(self, "timeout", timeout)

    parse_security = staticmethod(parse_security)

    @property
    def sender_address(self) -> str:
        """The From/envelope address: ``from_addr``, else ``user``."""
        return self.from_addr or self.user


def resolve_password(settings: SmtpSettings,
                     environ: Mapping[str, str] = os.environ) -> str | None:
    """The SMTP password: ``$AIDKIT_SMTP_PASSWORD``, else the OS keyring
    (service ``"aidkit"``, username ``settings.user``), else ``None``.

    ``None`` also when there is no login user, when keyring is not installed
    or has no usable backend.  Never prompts.
    """
    return stored_password(settings.user, PASSWORD_ENV, environ)


def stored_password(user: str, variable: str, environ: Mapping[str, str] = os.environ) -> str | None:
    """A password from the environment variable `variable`, else the OS keyring (service ``"aidkit"``,
    username `user`), else ``None`` (also with no user, or no usable keyring). Never prompts."""
    if not user:
        return None
    value = environ.get(variable)
    if value:
        return value
    try:
        import keyring  # noqa: PLC0415  (optional at run time)
    except ImportError:  # not installed: no stored password (a broken install is a bug, and raises)
        log.debug("keyring is not importable; no stored password")
        return None
    try:
        value = keyring.get_password(KEYRING_SERVICE, user)
    except Exception as exc:  # NoKeyringError, locked keychain, D-Bus down...
        log.debug("keyring lookup failed: %s", type(exc).__name__)
        return None
    return value or None


# ---------------------------------------------------------------------------
# Message
# ---------------------------------------------------------------------------
Attachment = Union[tuple[str, bytes], Path]


@dataclass
class OutgoingMessage:
    to: list[str]
    cc: list[str] = field(default_factory=list)
    subject: str = ""
    text: str = ""
    html: str | None = None
    attachments: list[Attachment] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    dated: datetime | None = None  # the Date header (local time); None: the moment it is built


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


_LINE_BREAKS = {"\u2028", "\u2029"}


def _is_control(c: str) -> bool:
    return (unicodedata.category(c) == "Cc" and c != "\t") or c in _LINE_BREAKS


def _encoded_subject(subject: str) -> str:
    """The Subject as RFC 2047 encoded-words, folded, with every space kept.

    CPython's own folder (email.policy, 3.11) can drop the space where it splits a long non-ASCII
    subject into encoded-words ("Cà Mau chưa hợp lệ" arrives as "Cà Mau chưahợp lệ"); about one
    random Vietnamese subject in six was hit. The legacy email.header.Header keeps the spaces
    inside the encoded-words. The caller has already refused line breaks and control characters.
    """
    if subject.isascii() and "=?" not in subject:  # (a literal "=?…?=" is encoded, not passed as one)
        return subject
    from email.header import Header

    return Header(subject, "utf-8", header_name="Subject").encode(linesep="\r\n")


def _check_header_text(value: str, what: str) -> str:
    bad = next((c for c in value if _is_control(c)), None)
    if bad is not None:
        raise HeaderInjection.of("mail-header-control-char", what=what, bad=repr(bad))
    return value


_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_ADDR_SPEC = re.compile(
    rf"{_ATEXT}+(?:\.{_ATEXT}+)*@(?:{_LABEL}(?:\.{_LABEL})+|localhost)", re.ASCII
)
_NAMED = re.compile(r"(?P<name>.*?)\s*<(?P<addr>[^<>]*)>", re.DOTALL)


def _parse_address(entry: object, what: str) -> Address:
    """``a@b.vn`` or ``Tên <a@b.vn>`` -> Address; anything else raises."""
    if not isinstance(entry, str):
        raise InvalidAddress.of("mail-address-not-text", what=what, entry=repr(entry))
    _check_header_text(entry, what)
    text = entry.strip()
    name = ""
    m = _NAMED.fullmatch(text)
    if m:
        name, addr = m.group("name").strip(), m.group("addr").strip()
        if len(name) >= 2 and name[0] == name[-1] == '"':
            name = name[1:-1].strip()
        if any(c in name for c in '<>"'):
            addr = ""  # force the error below
    else:
        addr = text
    if not addr or len(addr) > 254 or not _ADDR_SPEC.fullmatch(addr):
        raise InvalidAddress.of("mail-address-invalid", what=what, entry=repr(entry))
    local, domain = addr.rsplit("@", 1)
    return Address(display_name=name, username=local, domain=domain)


def _address_list(values: Iterable[str] | str | None, what: str) -> list[Address]:
    if values is None:
        return []
    if isinstance(values, str):
        values = [values]
    return [_parse_address(v, what) for v in values]


_RESERVED_HEADERS = {
    "from", "sender", "to", "cc", "bcc", "subject", "date", "message-id",
    "mime-version", "content-type", "content-transfer-encoding",
    "content-disposition", "return-path", "received",
}
_HEADER_NAME = re.compile(r"[!-9;-~]+", re.ASCII)  # printable ASCII except ':'


def _attachment_parts(item: Attachment) -> tuple[str, bytes]:
    if isinstance(item, Path):
        try:
            return item.name, item.read_bytes()
        except OSError as exc:
            raise InvalidMessage.of("mail-attachment-unreadable", item=repr(str(item)),
                                    reason=str(exc.strerror)) from None
    if (isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], str)
            and isinstance(item[1], (bytes, bytearray, memoryview))):
        return item[0], bytes(item[1])
    raise InvalidMessage.of("mail-attachment-type", kind=type(item).__name__)


def _clean_filename(name: str) -> str:
    _check_header_text(name, "attachment filename")
    name = re.split(r"[\\/]", unicodedata.normalize("NFC", name))[-1].strip()
    return name or "attachment.bin"


def build_message(message: OutgoingMessage, settings: SmtpSettings, *,
                  message_id: str | None = None) -> EmailMessage:
    """The MIME message for ``message`` as sent by ``settings.sender_address``.

    Raises :class:`InvalidAddress`, :class:`HeaderInjection` or
    :class:`InvalidMessage`.  Used by both :func:`send` and :func:`write_eml`.
    """
    if not settings.sender_address:
        raise InvalidSettings.of("mail-no-sender")
    sender = _parse_address(settings.sender_address, "sender")
    sender = Address(display_name=settings.sender_name, username=sender.username,
                     domain=sender.domain)
    to = _address_list(message.to, "To")
    cc = _address_list(message.cc, "Cc")
    if not to and not cc:
        raise InvalidMessage.of("mail-no-recipient")
    subject = _check_header_text(str(message.subject or "").strip(), "subject")

    msg = EmailMessage(policy=_POLICY)
    msg["From"] = sender
    if to:
        msg["To"] = to
    if cc:
        msg["Cc"] = cc
    msg.set_raw("Subject", _encoded_subject(subject))
    msg["Date"] = formatdate(message.dated.timestamp() if message.dated else None, localtime=True)
    msg["Message-ID"] = message_id or make_msgid(domain=sender.domain)
    for name, value in (message.headers or {}).items():
        if not isinstance(name, str) or not _HEADER_NAME.fullmatch(name):
            raise HeaderInjection.of("mail-header-name-invalid", name=repr(name))
        if name.lower() in _RESERVED_HEADERS:
            raise InvalidMessage.of("mail-header-reserved", name=name)
        msg[name] = _check_header_text(str(value), name)

    text = message.text or ""
    if message.html:
        msg.set_content(text)
        msg.add_alternative(message.html, subtype="html")
    else:
        msg.set_content(text)

    for item in message.attachments or []:
        filename, data = _attachment_parts(item)
        filename = _clean_filename(filename)
        ctype, _ = mimetypes.guess_type(filename, strict=False)
        maintype, _, subtype = (ctype or "application/octet-stream").partition("/")
        if maintype in ("multipart", "message"):
            maintype, subtype = "application", "octet-stream"
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    # EmailMessage.add_attachment/add_alternative build sub-parts as
    # EmailMessage, which stamps a (harmless, but noisy) MIME-Version on them.
    for part in msg.walk():
        if part is not msg:
            del part["MIME-Version"]
    return msg


def _envelope_recipients(msg: EmailMessage) -> list[str]:
    seen: dict[str, str] = {}
    for header in ("To", "Cc"):
        for addr in getattr(msg[header], "addresses", ()) if msg[header] else ():
            seen.setdefault(addr.addr_spec.lower(), addr.addr_spec)
    return list(seen.values())


# ---------------------------------------------------------------------------
# .eml
# ---------------------------------------------------------------------------
def write_eml(message: OutgoingMessage, settings: SmtpSettings,
              folder: Union[str, Path], name: str) -> Path:
    """Write the message that :func:`send` would send to ``folder/name.eml``,
    atomically (:func:`toolkit.atomic.write_bytes`)."""
    if not name or re.search(r"[\\/\x00]", name) or name in (".", ".."):
        raise InvalidMessage.of("mail-eml-name-invalid", name=repr(name))
    if not name.lower().endswith(".eml"):
        name += ".eml"
    from ..atomic import write_bytes

    data = build_message(message, settings).as_bytes()
    target = Path(folder) / name
    write_bytes(target, data)
    return target


# ---------------------------------------------------------------------------
# Sending
# ---------------------------------------------------------------------------
def make_ssl_context(settings: SmtpSettings) -> ssl.SSLContext:
    """A certificate- and hostname-verifying client context: the system CA
    store plus ``settings.cafile`` when given."""
    ctx = ssl.create_default_context(ssl.Purpose.SERVER_AUTH)
    if settings.cafile:
        try:
            ctx.load_verify_locations(cafile=str(settings.cafile))
        except (OSError, ssl.SSLError) as exc:
            raise InvalidSettings.of("smtp-cafile-unreadable", cafile=repr(str(settings.cafile)),
                                     detail=str(exc)) from None
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
            self._secrets = sorted({
                password,
                base64.b64encode(pw).decode(),
                base64.b64encode(b"\0" + user.encode("utf-8") + b"\0" + pw).decode(),
                repr(password)[1:-1],
            }, key=len, reverse=True)

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

    kwargs: dict = {"host": settings.host, "port": settings.port,
                    "timeout": float(settings.timeout),
                    "soft_email_validation": False}
    if settings.user and password:
        # dict form: yagmail keeps the login verbatim (no "@gmail.com").
        kwargs.update(user={settings.user: settings.user}, password=password,
                      smtp_skip_login=False)
    else:
        kwargs.update(user={settings.sender_address: settings.sender_address},
                      password=None, smtp_skip_login=True)
    if settings.security == "SSL":
        kwargs.update(smtp_ssl=True, smtp_starttls=False,
                      context=make_ssl_context(settings))
    elif settings.security == "STARTTLS":
        kwargs.update(smtp_ssl=False,
                      smtp_starttls={"context": make_ssl_context(settings)})
    else:
        kwargs.update(smtp_ssl=False, smtp_starttls=False)
    client = yagmail.SMTP(**kwargs)
    client.set_logging(logging.ERROR)
    return client


def _deliver_once(settings: SmtpSettings, password: str | None, envelope_from: str,
                  recipients: list[str], data: bytes, redact: _Redactor
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
        raise TlsVerificationFailed.of("smtp-tls-unverified", where=where,
                                       detail=str(exc.verify_message or exc)) from exc
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
        raise AuthenticationFailed.of("smtp-login-rejected", where=where, user=repr(settings.user),
                                      reply=reply) from None
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


def _transmit(client, envelope_from: str, recipients: list[str], data: bytes, redact: _Redactor
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


def password_missing(settings: SmtpSettings) -> PasswordMissing:
    return PasswordMissing.of("smtp-password-missing", user=repr(settings.user), variable=PASSWORD_ENV,
                              service=KEYRING_SERVICE)


def send(settings: SmtpSettings, password: str | None, message: OutgoingMessage, *,
         retries: int = 3, backoff: float = 1.0,
         sleep: Callable[[float], None] = time.sleep, deadline: float | None = None) -> SendResult:
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
    log.info("sending %s to %d recipient(s) via %s:%s (%s)", message_id, len(pending),
             settings.host, settings.port, settings.security)
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
        log.warning("transient failure for %s (attempt %d), retrying in %.1fs: %s",
                    message_id, attempts, delay, error)
        sleep(delay)

    return _result(message_id, attempts, accepted, refused, error, redact)


def _sort_replies(pending: list[str], rejected: dict[str, tuple[int, bytes]], redact: _Redactor,
                  accepted: list[str], deferred: dict[str, tuple[int, str]],
                  refused: dict[str, tuple[int, str]]) -> str:
    """Sort one attempt's recipients into accepted, deferred (4xx) and refused (5xx);
    returns the last deferral's text ("" when none)."""
    error = ""
    for rcpt in pending:
        if rcpt not in rejected:
            accepted.append(rcpt)
            continue
        code, reply = rejected[rcpt]
        if isinstance(reply, bytes):
            reply = reply.decode("utf-8", "replace")
        reply = redact(reply)
        if 400 <= code < 500:
            deferred[rcpt] = (code, reply)
            error = f"RCPT {rcpt}: {code} {reply}"
        else:
            refused[rcpt] = (code, reply)
    return error


def _result(message_id: str, attempts: int, accepted: list[str], refused: dict[str, tuple[int, str]],
            error: str, redact: _Redactor) -> SendResult:
    """The SendResult of a finished send, logged."""
    outcome = "sent" if accepted else "failed"
    if not refused:
        error = ""
    elif not error:
        error = "; ".join(f"{r}: {c} {t}" for r, (c, t) in refused.items())
    result = SendResult(message_id=message_id, outcome=outcome, attempts=attempts,
                        refused=refused, error=redact(error), accepted=tuple(accepted))
    if outcome == "sent":
        log.info("sent %s to %d recipient(s), %d refused, %d attempt(s)",
                 message_id, len(accepted), len(refused), attempts)
    else:
        log.warning("failed to send %s after %d attempt(s): %s",
                    message_id, attempts, result.error)
    return result
