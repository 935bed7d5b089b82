"""Reading the cluster's mailbox over IMAP: the only module that speaks IMAP (standard imaplib).

Đọc hộp thư của cụm qua IMAP (chỉ đọc, không thay đổi gì trên máy chủ).

Read, never change. The lead reads the same mailbox, so:

* the mailbox is opened with ``EXAMINE`` (read-only: the server itself refuses any change of
  flags, and ``\\Recent`` is left alone);
* bodies are fetched with ``BODY.PEEK[]``, which never sets ``\\Seen``;
* nothing is ever stored, copied, moved, expunged or deleted.

Messages are found by UID above the last one taken (``UID SEARCH UID n:*``, optionally with
``SINCE``), and their ``INTERNALDATE`` (when the server received them) and ``RFC822.SIZE`` are
fetched first, so that a message over the size cap is never downloaded.

TLS always verifies the server's certificate and host name (``smtp.make_ssl_context``: the
system store plus ``Tệp CA``); a server that does not offer STARTTLS when it is asked for is an
error, never a silent downgrade. The password is passed to LOGIN only and removed from every
text that could reach an error or a log.
"""

from __future__ import annotations

import imaplib
import logging
import re
import ssl
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from ..errors import AidkitError
from ..text import fold
from .settings import KEYRING_SERVICE, stored_password
from .smtp import make_ssl_context

log = logging.getLogger(__name__)

PASSWORD_ENV = "AIDKIT_IMAP_PASSWORD"
SECURITY_MODES = ("SSL", "STARTTLS", "NONE")
DEFAULT_PORTS = {"SSL": 993, "STARTTLS": 143, "NONE": 143}
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_INTERNALDATE = re.compile(
    rb'INTERNALDATE "\s?(\d{1,2})-([A-Za-z]{3})-(\d{4}) '
    rb'(\d\d):(\d\d):(\d\d) ([+-])(\d\d)(\d\d)"'
)
_UID = re.compile(rb"\bUID (\d+)")
_SIZE = re.compile(rb"\bRFC822\.SIZE (\d+)")


class ImapError(AidkitError):
    """Base class: the mailbox cannot be read."""


class MailboxUnreachable(ImapError):
    """The server cannot be reached, or the connection broke."""


class ImapTlsFailed(ImapError):
    """The server's certificate could not be verified, or TLS could not be set up."""


class ImapLoginFailed(ImapError):
    """The server refused the login, or no password was found."""


class MailboxMissing(ImapError):
    """The account has no mailbox of that name."""


@dataclass(frozen=True)
class ImapSettings:
    """Where the mailbox is. ``security`` is SSL, STARTTLS or NONE."""

    host: str
    port: int
    security: str
    user: str
    mailbox: str = "INBOX"
    cafile: Path | None = None
    timeout: float = 60.0

    @property
    def key(self) -> str:
        """How the ledger names this mailbox (UIDs are only meaningful within it)."""
        return f"{self.host}/{self.user}/{self.mailbox}"

    @property
    def where(self) -> str:
        return f"{self.host}:{self.port}"


@dataclass(frozen=True)
class Envelope:
    """What the server says about a message before it is downloaded."""

    uid: int
    internal_date: datetime  # timezone-aware, as the server gave it
    size: int


def parse_security(text: object) -> str:
    """``SSL``, ``STARTTLS`` or ``NONE`` from a workbook value (``Không`` is NONE).

    :raises ImapError: for anything else.
    """
    folded = fold(str(text or ""))
    modes = {
        "ssl": "SSL",
        "ssltls": "SSL",
        "imaps": "SSL",
        "starttls": "STARTTLS",
        "khong": "NONE",
        "none": "NONE",
        "no": "NONE",
    }
    if folded not in modes:
        raise ImapError.of("imap-security-invalid", text=str(text))
    return modes[folded]


def resolve_password(settings: ImapSettings, environ=None) -> str | None:
    """``$AIDKIT_IMAP_PASSWORD``, else the keyring (service ``aidkit``, the account's name), else None."""
    import os

    return stored_password(settings.user, PASSWORD_ENV, os.environ if environ is None else environ)


def imap_date(day: date) -> str:
    """A date as IMAP SEARCH writes it (``01-Jan-2026``), whatever the locale."""
    return f"{day.day:02d}-{_MONTHS[day.month - 1]}-{day.year}"


def parse_internaldate(response: bytes) -> datetime | None:
    """The INTERNALDATE of a FETCH response line, timezone-aware; None when it has none."""
    m = _INTERNALDATE.search(response)
    if not m:
        return None
    day, month, year, hour, minute, second, sign, oh, om = m.groups()
    try:
        index = _MONTHS.index(month.decode().title())
    except ValueError:
        return None
    offset = timedelta(hours=int(oh), minutes=int(om)) * (-1 if sign == b"-" else 1)
    return datetime(int(year), index + 1, int(day), int(hour), int(minute), int(second), tzinfo=timezone(offset))


class Mailbox:
    """One read-only session on a mailbox. Use as a context manager.

    :param password: the account's password (see resolve_password); never logged.
    :raises ImapError: (on entering) when the mailbox cannot be opened.
    """

    def __init__(self, settings: ImapSettings, password: str | None):
        self.settings = settings
        self._password = password or ""
        self._client: imaplib.IMAP4 | None = None
        self.uidvalidity = 0

    def _redact(self, text: object) -> str:
        if isinstance(text, BaseException) and len(text.args) == 1 and isinstance(text.args[0], bytes):
            text = text.args[0]  # imaplib raises with the server's bytes: b'[AUTHENTICATIONFAILED] …'
        text = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
        return text.replace(self._password, "***") if self._password else text

    def __enter__(self) -> Mailbox:
        s = self.settings
        if s.user and not self._password:
            raise ImapLoginFailed.of(
                "imap-password-missing", user=repr(s.user), variable=PASSWORD_ENV, service=KEYRING_SERVICE
            )
        try:
            self._connect()
            self._login()
            self._examine()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self._client is not None:
            try:
                self._client.logout()
            except (imaplib.IMAP4.error, OSError) as exc:  # a broken connection cannot say goodbye
                log.debug("IMAP logout: %s", type(exc).__name__)
            self._client = None

    def _connect(self) -> None:
        s = self.settings
        try:
            if s.security == "SSL":
                self._client = imaplib.IMAP4_SSL(s.host, s.port, ssl_context=make_ssl_context(s), timeout=s.timeout)
            else:
                self._client = imaplib.IMAP4(s.host, s.port, timeout=s.timeout)
                if s.security == "STARTTLS":
                    if "STARTTLS" not in self._client.capabilities:
                        raise ImapTlsFailed.of("imap-no-starttls", where=s.where)
                    self._client.starttls(make_ssl_context(s))
        except ssl.SSLCertVerificationError as exc:
            raise ImapTlsFailed.of(
                "imap-tls-unverified", where=s.where, detail=str(exc.verify_message or exc)
            ) from None
        except ssl.SSLError as exc:
            raise ImapTlsFailed.of("imap-tls-failed", where=s.where, security=s.security, detail=str(exc)) from None
        except (OSError, imaplib.IMAP4.error) as exc:
            raise MailboxUnreachable.of(
                "imap-unreachable", where=s.where, detail=self._redact(exc) or type(exc).__name__
            ) from None

    @property
    def _session(self) -> imaplib.IMAP4:
        """The open connection (there is one from entering the `with` until leaving it)."""
        assert self._client is not None, "a Mailbox is used inside `with`"
        return self._client

    def _login(self) -> None:
        s = self.settings
        try:
            self._session.login(s.user, self._password)
        except imaplib.IMAP4.abort as exc:
            raise MailboxUnreachable.of("imap-dropped-at-login", where=s.where, detail=self._redact(exc)) from None
        except imaplib.IMAP4.error as exc:
            raise ImapLoginFailed.of(
                "imap-login-rejected", where=s.where, user=repr(s.user), detail=self._redact(exc)
            ) from None
        except UnicodeError:  # imaplib sends LOGIN as ASCII; the error would quote the password
            raise ImapLoginFailed.of("imap-login-not-ascii") from None
        except OSError as exc:
            raise MailboxUnreachable.of("imap-connection-lost", where=s.where, detail=self._redact(exc)) from None

    def _examine(self) -> None:
        s = self.settings
        typ, data = self._call(self._session.select, mailbox_name(s.mailbox), readonly=True)  # EXAMINE
        if typ != "OK":
            raise MailboxMissing.of("imap-no-mailbox", user=repr(s.user), mailbox=s.mailbox, detail=self._redact(data))
        _, values = self._session.response("UIDVALIDITY")
        self.uidvalidity = int(values[0]) if values and values[0] else 0

    def _call(self, method, *args, **kwargs):
        s = self.settings
        try:
            return method(*args, **kwargs)
        except (imaplib.IMAP4.abort, OSError) as exc:
            raise MailboxUnreachable.of(
                "imap-connection-lost-server", where=s.where, detail=self._redact(exc)
            ) from None
        except imaplib.IMAP4.error as exc:
            return "NO", [str(exc).encode()]

    def envelopes(self, after_uid: int = 0, since: date | None = None) -> list[Envelope]:
        """Messages whose UID is above `after_uid` (and received on or after `since`), in UID order."""
        criteria = f"UID {after_uid + 1}:*" + (f" SINCE {imap_date(since)}" if since else "")
        typ, data = self._call(self._session.uid, "SEARCH", None, criteria)
        if typ != "OK":
            raise MailboxUnreachable.of("imap-search-refused", detail=self._redact(data))
        uids = sorted(u for u in (int(x) for x in b" ".join(d or b"" for d in data).split()) if u > after_uid)
        found = []
        for start in range(0, len(uids), 200):
            chunk = ",".join(str(u) for u in uids[start : start + 200])
            typ, data = self._call(self._session.uid, "FETCH", chunk, "(UID INTERNALDATE RFC822.SIZE)")
            for line in data if typ == "OK" else ():
                text = line[0] if isinstance(line, tuple) else line
                uid, size, when = _UID.search(text or b""), _SIZE.search(text or b""), parse_internaldate(text or b"")
                if uid and size and when:
                    found.append(Envelope(int(uid.group(1)), when, int(size.group(1))))
        return sorted(found, key=lambda e: e.uid)

    def fetch(self, uid: int, part: str = "") -> bytes:
        """The message (or ``part``, e.g. ``HEADER``) with ``BODY.PEEK``: its flags stay as they were."""
        typ, data = self._call(self._session.uid, "FETCH", str(uid), f"(BODY.PEEK[{part}])")
        for item in data if typ == "OK" else ():
            if isinstance(item, tuple) and len(item) == 2:
                return bytes(item[1])
        raise MailboxUnreachable.of("imap-fetch-refused", uid=str(uid), detail=self._redact(data))


def mailbox_name(name: str) -> str:
    """A mailbox name as IMAP wants it: modified UTF-7 (RFC 3501 5.1.3, so ``Báo cáo`` works), quoted."""
    import base64

    out: list[str] = []
    pending: list[str] = []

    def flush():
        if pending:
            encoded = base64.b64encode("".join(pending).encode("utf-16-be")).rstrip(b"=").replace(b"/", b",")
            out.append("&" + encoded.decode() + "-")
            pending.clear()

    for ch in name:
        if " " <= ch <= "~":
            flush()
            out.append("&-" if ch == "&" else ch)
        else:
            pending.append(ch)
    flush()
    return '"' + "".join(out).replace("\\", "\\\\").replace('"', '\\"') + '"'
