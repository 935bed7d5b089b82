"""Every error a user can see is an AidkitError with a Vietnamese and an English sentence."""

import re
from pathlib import Path

import pytest

from toolkit.catalogue.result import CatalogueError
from toolkit.clock import BadNow
from toolkit.consolidation.result import ConsolidationError
from toolkit.control import ControlError, NotScheduled
from toolkit.errors import AidkitError
from toolkit.excel.build_workbooks import BuildToolsMissing
from toolkit.findings import Refusal
from toolkit.ledger import LedgerTooNew
from toolkit.macros import Declined
from toolkit.mail.errors import MailError, PasswordMissing
from toolkit.mail.imap import ImapError, ImapLoginFailed
from toolkit.report import ReportError
from toolkit.schedule import BadTime, SchedulingError
from toolkit.template import UnknownProvince

SOURCE = {p: p.read_text(encoding="utf-8") for p in Path("toolkit").rglob("*.py")}


@pytest.mark.parametrize(
    "error",
    [
        BadNow("mai"),
        NotScheduled("2031-H1"),
        LedgerTooNew("so.sqlite", 9, 3),
        MailError("Lỗi thư", "Mail error"),
        PasswordMissing("Thiếu mật khẩu", "No password"),
        ImapLoginFailed("Sai mật khẩu", "Wrong password"),
        ConsolidationError("Không tổng hợp được", "Cannot consolidate"),
        CatalogueError("Không xuất được", "Not written"),
        SchedulingError("Không cài được", "Not installed"),
        BadTime("Giờ sai", "Bad time"),
        ControlError("Tệp điều hành sai", "Bad control"),
        Declined(("Đã dừng", "Stopped")),
        Refusal("a.xlsx", "file-empty"),
        ReportError("Mẫu hỏng", "Bad template"),
        UnknownProvince("Mã tỉnh sai", "Bad province code"),
        BuildToolsMissing(),
    ],
    ids=lambda e: type(e).__name__,
)
def test_each_user_error_carries_both_languages(error):
    assert isinstance(error, AidkitError)
    assert error.vi and error.en and error.vi != error.en
    assert str(error) == f"{error.vi} / {error.en}"


def test_the_base_of_the_mail_errors_is_the_one_base():
    assert issubclass(MailError, AidkitError) and issubclass(ImapError, AidkitError)


def test_no_adapter_digs_the_texts_out_of_an_exception():
    for path, text in SOURCE.items():
        assert not re.search(r"getattr\(exc, *[\"'](vi|en)[\"']", text), path
        assert not re.search(r"str\(exc\)\.split\([\"'] / ", text), path
