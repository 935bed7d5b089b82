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


def test_validate_the_intake_and_the_merge_read_and_check_through_one_function(tmp_path, monkeypatch):
    from toolkit import validate as validation
    from toolkit.consolidation.consolidate import process_file
    from toolkit.control import load_control
    from toolkit.sample import sample_control, sample_workbook
    from toolkit.submissions import check_copy

    path = sample_workbook(tmp_path / "92.xlsx", "92", needs=3, register=3).path
    control = load_control(sample_control(tmp_path / "dieu-hanh.xlsx", ("2026-H1",), ("92",)))
    calls = []
    real = validation.read_and_check
    monkeypatch.setattr(validation, "read_and_check", lambda *a, **k: calls.append(a[0]) or real(*a, **k))
    report = validation.validate(path)
    checked = check_copy(path, control)
    merged = process_file(path, "92.xlsx", None, control.settings())
    assert calls == [path, path, path]
    assert len(report.errors) == checked.errors == sum(f.severity == "error" for f in merged.findings)
