"""The mail errors: one family (MailError, an AidkitError), each naming its keyed sentence.

Lỗi gửi thư: cấu hình, thư không hợp lệ, mật khẩu, đăng nhập, TLS.

A MailError is a problem that would hit every message of a batch (the settings, the credentials, TLS)
or this message itself (an address, a header, an attachment); what happens to one message on its way
(refused, not delivered after the retries) is a result of :func:`toolkit.mail.smtp.send`, not an error.
"""

from __future__ import annotations

from ..errors import AidkitError

__all__ = [
    "MailError",
    "InvalidSettings",
    "InvalidMessage",
    "InvalidAddress",
    "HeaderInjection",
    "PasswordMissing",
    "AuthenticationFailed",
    "TlsVerificationFailed",
    "TlsUnavailable",
]


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
