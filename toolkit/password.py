"""Storing a mail password in the operating system's keyring: `aidkit password`.

Lưu mật khẩu thư vào kho mật khẩu của hệ điều hành (Windows Credential Manager), dịch vụ ``aidkit``.

The same service and user name as `smtp.stored_password` reads (the SMTP ``Tài khoản gửi``, the
IMAP ``Tài khoản nhận``), and the keyring of the Python that runs aidkit: the one the Windows bundle
installs, which ``py -m keyring`` (the system's Python, without keyring) is not.
"""

from __future__ import annotations

from .errors import AidkitError
from .mail.smtp import KEYRING_SERVICE


class PasswordNotStored(AidkitError):
    """The keyring refused, or there is none."""


def password(account: str, secret: str) -> str:
    """Store `secret` as the password of `account` (service ``aidkit``); return where it went.

    :raises PasswordNotStored: with no account, no password, or no usable keyring.
    """
    account = account.strip()
    if not account or not secret:
        raise PasswordNotStored("Cần tên tài khoản và mật khẩu (không để trống).",
                                "An account name and a password are needed (neither may be empty).")
    import keyring
    from keyring.errors import KeyringError

    try:
        keyring.set_password(KEYRING_SERVICE, account, secret)
    except KeyringError as exc:
        raise PasswordNotStored(
            f"Không lưu được mật khẩu vào kho mật khẩu của hệ điều hành ({type(exc).__name__}). Có thể đặt "
            "biến môi trường AIDKIT_SMTP_PASSWORD / AIDKIT_IMAP_PASSWORD thay thế.",
            f"The operating system's keyring did not store the password ({type(exc).__name__}). The environment "
            "variables AIDKIT_SMTP_PASSWORD / AIDKIT_IMAP_PASSWORD can be used instead.") from None
    return type(keyring.get_keyring()).__name__
