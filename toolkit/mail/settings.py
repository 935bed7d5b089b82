"""The SMTP settings (where and how to connect) and where the password is found.

Cấu hình SMTP (máy chủ, cổng, bảo mật, tài khoản) và nơi tìm mật khẩu.

The settings are checked when they are made: a header text (the login, the sender's name) may hold
no line break or other control character (:func:`check_header_text`, which the message's headers
use too). The password comes from ``$AIDKIT_SMTP_PASSWORD`` or the OS keyring, never from a prompt.
"""

from __future__ import annotations

import logging
import os
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Union

from .errors import HeaderInjection, InvalidSettings, PasswordMissing

__all__ = [
    "SECURITY_MODES",
    "PASSWORD_ENV",
    "KEYRING_SERVICE",
    "SmtpSettings",
    "parse_security",
    "resolve_password",
    "stored_password",
    "password_missing",
    "check_header_text",
]

log = logging.getLogger(__name__)

SECURITY_MODES = ("STARTTLS", "SSL", "NONE")
PASSWORD_ENV = "AIDKIT_SMTP_PASSWORD"
KEYRING_SERVICE = "aidkit"

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
        check_header_text(self.user, "user")
        check_header_text(self.sender_name, "sender_name")
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


def resolve_password(settings: SmtpSettings, environ: Mapping[str, str] = os.environ) -> str | None:
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


_LINE_BREAKS = {"\u2028", "\u2029"}


def _is_control(c: str) -> bool:
    return (unicodedata.category(c) == "Cc" and c != "\t") or c in _LINE_BREAKS


def check_header_text(value: str, what: str) -> str:
    bad = next((c for c in value if _is_control(c)), None)
    if bad is not None:
        raise HeaderInjection.of("mail-header-control-char", what=what, bad=repr(bad))
    return value


def password_missing(settings: SmtpSettings) -> PasswordMissing:
    return PasswordMissing.of(
        "smtp-password-missing", user=repr(settings.user), variable=PASSWORD_ENV, service=KEYRING_SERVICE
    )
