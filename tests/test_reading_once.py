"""One file is opened once to validate it: the sniff, calamine and both package scans read the same bytes."""

import os
import sys

import pytest

from toolkit.sample import sample_workbook
from toolkit.validate import validate

_opened: list[str] = []


def _audit(event, args):
    if event == "open" and isinstance(args[0], (str, os.PathLike)):
        _opened.append(os.fspath(args[0]))


sys.addaudithook(_audit)  # audit hooks cannot be removed: this one only appends names to a list


@pytest.fixture()
def opens():
    _opened.clear()
    yield _opened
    _opened.clear()


def test_validate_opens_the_workbook_once(tmp_path, opens):
    book = sample_workbook(tmp_path / "92.xlsx", "92", "2026-H1", seed=2).path
    opens.clear()
    report = validate(book)
    assert report.province == "92"
    assert opens.count(str(book)) == 1
