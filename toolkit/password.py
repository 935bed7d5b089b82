"""Storing a mail password in the operating system's keyring: `aidkit password`.

Lưu mật khẩu thư vào kho mật khẩu của hệ điều hành (Windows Credential Manager), dịch vụ ``aidkit``.

The same service and user name as `settings.stored_password` reads (the SMTP ``Tài khoản gửi``, the
IMAP ``Tài khoản nhận``), and the keyring of the Python that runs aidkit: the one the Windows bundle
installs, which ``py -m keyring`` (the system's Python, without keyring) is not.
"""

from __future__ import annotations

from .errors import AidkitError
from .mail.settings import KEYRING_SERVICE


class PasswordNotStored(AidkitError):
    """The keyring refused, or there is none."""


def password(account: str, secret: str) -> str:
    """Store `secret` as the password of `account` (service ``aidkit``); return where it went.

    :raises PasswordNotStored: with no account, no password, or no usable keyring.
    """
    account = account.strip()
    if not account or not secret:
        raise PasswordNotStored.of("password-empty")
    import keyring
    from keyring.errors import KeyringError

    try:
        keyring.set_password(KEYRING_SERVICE, account, secret)
    except KeyringError as exc:
        raise PasswordNotStored.of("password-not-stored", kind=type(exc).__name__) from None
    return type(keyring.get_keyring()).__name__
