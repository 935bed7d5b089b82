"""Taking a received e-mail apart: its sender and its attachments, within bounds; safe file names.

Tách thư nhận được: người gửi, các tệp đính kèm (có giới hạn kích thước và độ lồng), tên tệp an toàn.

Pure: bytes in, data out; nothing is written. An e-mail is untrusted input:

* a part's size is judged from its encoded length *before* it is decoded, and a part over
  `MAX_ATTACHMENT_BYTES` is listed but never decoded;
* MIME nesting deeper than `MAX_DEPTH`, or more than `MAX_PARTS` parts, stops the walk (what was
  found so far is kept, and the letter says it was cut short);
* every header is cut to `MAX_HEADER_CHARS` before it is parsed (CPython's header parser takes
  quadratic time: a 585 KB Subject of 20,000 encoded words took 20 s), and a header the parser
  cannot read without exhausting its recursion (600 nested comment parentheses) is read with its
  comments removed, or as empty;
* an attachment's name never chooses where a file goes: `safe_name` keeps only a bare, bounded,
  NFC-normalised file name that Windows and Linux both accept.
"""

from __future__ import annotations

import email
import email.policy
import functools
import re
import unicodedata
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import getaddresses, parseaddr
from pathlib import PurePath
from typing import TYPE_CHECKING

MAX_DEPTH = 8
MAX_PARTS = 200
MAX_ATTACHMENT_BYTES = 25 * 1024**2
MAX_HEADER_CHARS = 4000  # one header field, unfolded (RFC 5322 lines are at most 998 characters)
#: What `validate` reads (STANDARD.md): saved as submissions.
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
ARCHIVE_SUFFIXES = (".zip", ".rar", ".7z", ".gz", ".tar", ".tgz")
_ARCHIVE_TYPES = (
    "application/zip",
    "application/x-zip-compressed",
    "application/x-rar-compressed",
    "application/vnd.rar",
    "application/x-7z-compressed",
    "application/gzip",
)
#: Windows device names, whatever the suffix (``COM¹``: Windows counts superscript digits as digits).
_DEVICE_NAMES = {
    "CON",
    "PRN",
    "AUX",
    "NUL",
    "CONIN$",
    "CONOUT$",
    *(f"{port}{digit}" for port in ("COM", "LPT") for digit in "0123456789¹²³"),
}
MAX_COMMENT_DEPTH = 20  # nested comment parentheses in a header beyond which comments are dropped before parsing


if TYPE_CHECKING:  # typeshed's EmailPolicy is generic in the message it makes; the class itself is not
    _EmailPolicy = email.policy.EmailPolicy[EmailMessage]
else:
    _EmailPolicy = email.policy.EmailPolicy


class _BoundedPolicy(_EmailPolicy):
    """The default policy, with each header cut to `MAX_HEADER_CHARS` and parsed without unbounded recursion."""

    def header_fetch_parse(self, name, value):
        if not isinstance(value, str):
            return super().header_fetch_parse(name, value)
        if len(value) > MAX_HEADER_CHARS:  # cut at a space, so that no encoded word is left half
            value = value[:MAX_HEADER_CHARS].rsplit(" ", 1)[0]
        return self._parsed(name, value)

    @functools.lru_cache(maxsize=512)  # the parser asks for a part's Content-Type several times  # noqa: B019
    def _parsed(self, name: str, value: str):
        if _comment_depth(value) > MAX_COMMENT_DEPTH:
            value = _uncommented(value)
        try:
            return super().header_fetch_parse(name, value)
        except RecursionError:
            return super().header_fetch_parse(name, _uncommented(value))


def _comment_depth(text: str) -> int:
    depth = deepest = 0
    for ch in text:
        if ch == "(":
            depth += 1
            deepest = max(deepest, depth)
        elif ch == ")":
            depth = max(depth - 1, 0)
    return deepest


def _uncommented(text: str) -> str:
    """`text` without anything in parentheses (quoting is not honoured: only for a header that is unreadable)."""
    out, depth = [], 0
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(depth - 1, 0)
        elif not depth:
            out.append(ch)
    return "".join(out)


POLICY = _BoundedPolicy()
_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
MAX_STEM_BYTES = 120  # UTF-8 bytes of the name before its suffix (Vietnamese letters take 2-3 bytes each)


@dataclass(frozen=True)
class Attachment:
    """One attached file as sent."""

    name: str  # as the sender's mail program named it (decoded), may be anything
    safe: str  # safe_name(name)
    kind: str  # workbook | archive | other
    size: int  # decoded size (estimated from the encoded length when too large to decode)
    data: bytes | None  # None when too large

    @property
    def too_large(self) -> bool:
        return self.data is None


@dataclass
class Letter:
    """A received e-mail, as far as collect needs it."""

    sender: str  # the From address, lower case ('' when there is none)
    sender_name: str
    subject: str
    message_id: str
    automatic: bool  # an auto-reply, bounce or another aidkit's message: never answered
    attachments: list[Attachment] = field(default_factory=list)
    cut_short: bool = False  # nesting or part count over the bounds

    def of_kind(self, kind: str) -> list[Attachment]:
        return [a for a in self.attachments if a.kind == kind]


def safe_name(name: str, default: str = "tep-dinh-kem") -> str:
    """A bare file name that cannot place a file anywhere but where it is put.

    No folders (``../../x.xlsx`` is ``x.xlsx``), no drive or absolute path, no reserved
    characters, no Windows device name (``CON.xlsx`` is ``_CON.xlsx``, ``CONIN$``, ``COM¹`` too), no
    invisible format character (``bao-cao\u202eslx.exe`` would show as ``bao-caoexe.xls``), no leading dot, NFC,
    at most `MAX_STEM_BYTES` bytes before the suffix; the suffix is kept, in lower case.
    """
    text = unicodedata.normalize("NFC", str(name or ""))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")  # bidi overrides, zero-width…
    text = re.split(r"[\\/]", text)[-1]
    text = _UNSAFE.sub("_", text)
    text = " ".join(text.split()).strip(" .")
    path = PurePath(text or default)
    suffix = path.suffix.lower() if re.fullmatch(r"\.[a-z0-9]{1,6}", path.suffix.lower()) else ""
    stem = (path.name[: -len(path.suffix)] if suffix else path.name).strip(" .") or default
    while len(stem.encode("utf-8")) > MAX_STEM_BYTES:
        stem = stem[:-1]
    stem = stem.rstrip(" .") or default
    if stem.split(".")[0].upper() in _DEVICE_NAMES:
        stem = "_" + stem
    return stem + suffix


def read_letter(raw: bytes) -> Letter:
    """The sender, subject and attachments of a message (bounded; never raises for a malformed one)."""
    # The parser itself recurses once per nesting level: a message with more multipart headers than
    # the walk would visit is read for its headers only.
    too_many = raw.lower().count(b"multipart/") > MAX_PARTS
    msg: EmailMessage | None = None
    if not too_many:
        try:
            msg = email.message_from_bytes(raw, policy=POLICY)
        except RecursionError:
            pass
    headers_only = msg is None
    if msg is None:
        from email.parser import BytesHeaderParser

        msg = BytesHeaderParser(policy=POLICY).parsebytes(raw)
    name, address = _sender(msg)
    letter = Letter(address, name, _header(msg, "Subject"), _header(msg, "Message-ID"), _automatic(msg))
    if headers_only:
        letter.cut_short = True
        return letter
    _walk(msg, letter, depth=0, budget=[MAX_PARTS])
    return letter


def raw_sender(raw: bytes) -> str:
    """The From address of a message that the parser cannot read, found in its raw header ('' when none)."""
    head = re.split(rb"\r?\n\r?\n", raw[: 256 * 1024], maxsplit=1)[0]
    found = re.search(rb"^From:[ \t]*([^\r\n]*)", head, re.MULTILINE | re.IGNORECASE)
    if not found:
        return ""
    return parseaddr(_uncommented(found.group(1)[:MAX_HEADER_CHARS].decode("utf-8", "replace")))[1].strip().lower()


def _walk(part: EmailMessage, letter: Letter, depth: int, budget: list[int]) -> None:
    if depth > MAX_DEPTH or budget[0] <= 0:
        letter.cut_short = True
        return
    budget[0] -= 1
    if part.is_multipart():
        for child in part.iter_parts() if hasattr(part, "iter_parts") else part.get_payload():
            # the parts POLICY makes are EmailMessages (typeshed says MIMEPart); get_payload() is a fallback
            _walk(child, letter, depth + 1, budget)  # type: ignore[arg-type]
        return
    if part.get_content_type() == "message/rfc822":  # a forwarded message: look inside, within bounds
        inner = part.get_payload()
        for child in inner if isinstance(inner, list) else [inner]:
            if isinstance(child, EmailMessage):
                _walk(child, letter, depth + 1, budget)
        return
    filename = _filename(part)
    if filename is None:
        return
    letter.attachments.append(_attachment(part, filename))


def _attachment(part: EmailMessage, filename: str) -> Attachment:
    safe = safe_name(filename)
    suffix = PurePath(safe).suffix
    ctype = part.get_content_type()
    kind = (
        "workbook"
        if suffix in WORKBOOK_SUFFIXES
        else "archive"
        if suffix in ARCHIVE_SUFFIXES or ctype in _ARCHIVE_TYPES
        else "other"
    )
    encoded = part.get_payload(decode=False)
    encoded_size = len(encoded) if isinstance(encoded, (str, bytes)) else 0
    transfer = str(part.get("Content-Transfer-Encoding", "")).strip().lower()
    estimate = encoded_size * 3 // 4 if transfer == "base64" else encoded_size
    if estimate > MAX_ATTACHMENT_BYTES:
        return Attachment(filename, safe, kind, estimate, None)
    try:
        payload = part.get_payload(decode=True)  # bytes, or None, for a part that is not multipart
        data = payload if isinstance(payload, bytes) else b""
    except Exception:  # noqa: BLE001  (a broken encoding: what there is of it is unreadable anyway)
        data = b""
    return Attachment(filename, safe, kind, len(data), data)


def _filename(part: EmailMessage) -> str | None:
    """The attachment's file name, or None for a body part (text, HTML, inline image without a name)."""
    try:
        name = part.get_filename()
    except Exception:  # noqa: BLE001  (untrusted mail: a malformed header may raise anything)
        name = None
    if name:
        return str(name)
    disposition = str(part.get("Content-Disposition", "")).split(";")[0].strip().lower()
    if disposition == "attachment":
        return "tep-dinh-kem"
    return None


def _header(msg: EmailMessage, name: str) -> str:
    try:
        value = msg.get(name)
    except Exception:  # noqa: BLE001  (untrusted mail: a malformed header may raise anything)
        return ""
    return " ".join(str(value or "").split())


def _sender(msg: EmailMessage) -> tuple[str, str]:
    try:
        found = getaddresses([str(msg.get("From", ""))])
    except Exception:  # noqa: BLE001  (untrusted mail: a malformed header may raise anything)
        found = [parseaddr(_header(msg, "From"))]
    name, address = found[0] if found else ("", "")
    return " ".join(name.split()), address.strip().lower()


def _automatic(msg: EmailMessage) -> bool:
    """RFC 3834 Auto-Submitted, the usual auto-reply headers, bounces, and aidkit's own messages."""
    auto = _header(msg, "Auto-Submitted").lower()
    precedence = _header(msg, "Precedence").lower()
    return (
        (auto not in ("", "no"))
        or precedence in ("bulk", "junk", "list", "auto_reply")
        or bool(_header(msg, "X-Autoreply") or _header(msg, "X-Autorespond") or _header(msg, "X-Aidkit-Kind"))
        or msg.get_content_type() == "multipart/report"
    )
