"""Building a message: addresses and headers checked, the MIME message, the dry run's .eml.

Dựng thư: kiểm tra địa chỉ và tiêu đề, dựng thư MIME, ghi tệp .eml khi chạy thử.

:func:`build_message` is the ONE function that turns an :class:`OutgoingMessage` into an
:class:`email.message.EmailMessage` (``email.policy.SMTP``, 7-bit safe).
:func:`toolkit.mail.smtp.send` and :func:`write_eml` both use it, so a dry-run ``.eml`` is
byte-for-byte the kind of message that would be sent (only Date, Message-ID and the MIME
boundaries differ between two calls). Attachments are only ``(filename, bytes)`` pairs or
:class:`pathlib.Path` objects: plain strings are refused (why: the design note of
:mod:`toolkit.mail.smtp`).
"""

from __future__ import annotations

import email.policy
import mimetypes
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Iterable, Union

from .errors import HeaderInjection, InvalidAddress, InvalidMessage, InvalidSettings
from .settings import SmtpSettings, check_header_text

__all__ = [
    "Attachment",
    "OutgoingMessage",
    "build_message",
    "write_eml",
]

#: Serialisation policy: CRLF line ends, and non-ASCII bodies are encoded
#: (quoted-printable/base64) instead of being sent as raw 8-bit.
_POLICY = email.policy.SMTP.clone(cte_type="7bit")


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


_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_ADDR_SPEC = re.compile(rf"{_ATEXT}+(?:\.{_ATEXT}+)*@(?:{_LABEL}(?:\.{_LABEL})+|localhost)", re.ASCII)
_NAMED = re.compile(r"(?P<name>.*?)\s*<(?P<addr>[^<>]*)>", re.DOTALL)


def _parse_address(entry: object, what: str) -> Address:
    """``a@b.vn`` or ``Tên <a@b.vn>`` -> Address; anything else raises."""
    if not isinstance(entry, str):
        raise InvalidAddress.of("mail-address-not-text", what=what, entry=repr(entry))
    check_header_text(entry, what)
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
    "from",
    "sender",
    "to",
    "cc",
    "bcc",
    "subject",
    "date",
    "message-id",
    "mime-version",
    "content-type",
    "content-transfer-encoding",
    "content-disposition",
    "return-path",
    "received",
}
_HEADER_NAME = re.compile(r"[!-9;-~]+", re.ASCII)  # printable ASCII except ':'


def _attachment_parts(item: Attachment) -> tuple[str, bytes]:
    if isinstance(item, Path):
        try:
            return item.name, item.read_bytes()
        except OSError as exc:
            raise InvalidMessage.of(
                "mail-attachment-unreadable", item=repr(str(item)), reason=str(exc.strerror)
            ) from None
    if (
        isinstance(item, tuple)
        and len(item) == 2
        and isinstance(item[0], str)
        and isinstance(item[1], (bytes, bytearray, memoryview))
    ):
        return item[0], bytes(item[1])
    raise InvalidMessage.of("mail-attachment-type", kind=type(item).__name__)


def _clean_filename(name: str) -> str:
    check_header_text(name, "attachment filename")
    name = re.split(r"[\\/]", unicodedata.normalize("NFC", name))[-1].strip()
    return name or "attachment.bin"


def build_message(message: OutgoingMessage, settings: SmtpSettings, *, message_id: str | None = None) -> EmailMessage:
    """The MIME message for ``message`` as sent by ``settings.sender_address``.

    Raises :class:`InvalidAddress`, :class:`HeaderInjection` or
    :class:`InvalidMessage`.  Used by both :func:`toolkit.mail.smtp.send` and :func:`write_eml`.
    """
    if not settings.sender_address:
        raise InvalidSettings.of("mail-no-sender")
    sender = _parse_address(settings.sender_address, "sender")
    sender = Address(display_name=settings.sender_name, username=sender.username, domain=sender.domain)
    to = _address_list(message.to, "To")
    cc = _address_list(message.cc, "Cc")
    if not to and not cc:
        raise InvalidMessage.of("mail-no-recipient")
    subject = check_header_text(str(message.subject or "").strip(), "subject")

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
        msg[name] = check_header_text(str(value), name)

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


# ---------------------------------------------------------------------------
# .eml
# ---------------------------------------------------------------------------
def write_eml(message: OutgoingMessage, settings: SmtpSettings, folder: Union[str, Path], name: str) -> Path:
    """Write the message that :func:`toolkit.mail.smtp.send` would send to ``folder/name.eml``,
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
