"""toolkit.findings: a Report kept in the ledger comes back exactly as it was found."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest

from toolkit.findings import Finding, Report, finding
from toolkit.sample import DEFECTS, sample_workbook
from toolkit.validate import validate


def kept_and_back(report: Report) -> Report:
    """Through the ledger's JSON text and back."""
    return Report.from_record(json.loads(json.dumps(report.to_record(), ensure_ascii=False)), report.path)


@pytest.mark.parametrize("defects", [tuple(DEFECTS)[:6], tuple(DEFECTS)[6:], ("legacy-tcvn3", "requested-over-total")])
def test_a_checked_report_round_trips_exactly_in_order(tmp_path, defects):
    sample = sample_workbook(tmp_path / "92.xlsx", "92", "2026-H1", needs=4, register=4, defects=defects)
    report = validate(sample.path)
    assert len(report.findings) >= len(defects)
    back = kept_and_back(report)
    assert back.findings == report.findings  # rule, severity, place, value and params, in order
    assert [(type(f.value), [type(v) for _, v in f.params]) for f in back.findings] == [
        (type(f.value), [type(v) for _, v in f.params]) for f in report.findings
    ]
    assert [(f.message_vi, f.message_en) for f in back.findings] == [
        (f.message_vi, f.message_en) for f in report.findings
    ]
    assert (back.path, back.province, back.period, back.preparer, back.headers) == (
        report.path,
        report.province,
        report.period,
        report.preparer,
        report.headers,
    )
    assert back.to_dict() == report.to_dict() and back.to_text() == report.to_text()


def test_every_kind_of_value_a_finding_holds_comes_back_equal_and_of_its_type():
    values = [
        None,
        True,
        0,
        3,
        -2.5,
        float("inf"),
        "Cần Thơ",
        Decimal("1234.50"),
        date(2026, 7, 15),
        datetime(2026, 7, 15, 8, 30, 1),
        time(7, 0),
        timedelta(days=20, seconds=5),
        (1, "a"),
        [1, (2, 3)],
        {"k": Decimal("1")},
    ]
    report = Report(
        "x.xlsx",
        [finding("missing-value", "error", sheet="Thông tin", cell="B4", value=v, param=v) for v in values]
        + [Finding("placeholder-value", "warning")],
        headers={("a", "b"): "c"},
    )
    back = kept_and_back(report)
    assert back.findings == report.findings
    assert [type(f.value) for f in back.findings] == [type(f.value) for f in report.findings]
    assert back.headers == {("a", "b"): "c"} and back.preparer is None


def test_a_value_the_ledger_cannot_keep_is_a_bug_said_at_once():
    with pytest.raises(TypeError, match="set"):
        Report("x.xlsx", [finding("missing-value", "error", value={1, 2})]).to_record()
