"""The people-to-people activities sheet of standard 1.2 and the control workbook's Chỉ tiêu sheet:
written by the template, checked cell by cell and row by row, merged with provenance, read as targets."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import xlsxwriter
from openpyxl import load_workbook

from toolkit import schema
from toolkit.consolidation.consolidate import consolidate
from toolkit.control import ControlError, Target, read_control
from toolkit.sample import sample_activities, sample_control, sample_workbook
from toolkit.template import fill_template
from toolkit.validate import validate

SHEET = schema.ACTIVITIES_SHEET.vi
COLUMNS = [c.key for c in schema.ACTIVITIES.columns]


def cell(key: str, index: int) -> str:
    """The A1 reference of record `index` (0-based) in column `key` of the activities sheet."""
    return f"{chr(65 + COLUMNS.index(key))}{index + 2}"


def book(path: Path, activities: list[dict]) -> Path:
    """A standard workbook of 92 for 2026-H1 holding only these activities."""
    with xlsxwriter.Workbook(str(path)) as wb:
        fill_template(
            wb,
            "92",
            "2026-H1",
            rows={"needs": [], "register": [], "activities": activities},
            preparer="Trần Thị Mai",
            email="mai.tran@lhhcantho.org.vn",
            prepared_on=date(2026, 7, 5),
        )
    return path


@pytest.fixture
def rows():
    return sample_activities("92", "2026-H1", 6, seed=3)


def found(report, rule):
    return [(f.severity, f.sheet, f.cell) for f in report.findings if f.rule == rule]


def test_a_clean_sheet_is_valid_and_quiet(tmp_path, rows):
    report = validate(book(tmp_path / "a.xlsx", rows))
    assert report.valid and [f for f in report.findings if f.severity != "info"] == []


@pytest.mark.parametrize(
    "key,value,rule,severity",
    [
        ("ma_hoat_dong", "92-A2026-001", "id-format", "error"),
        ("ma_hoat_dong", "82-H2026-001", "id-province-mismatch", "error"),
        ("so_nguoi", 0, "out-of-range", "error"),
        ("loai_hoat_dong", "Tiếp khách", "invalid-choice", "error"),
        ("noi_dung", None, "missing-value", "error"),
        ("ngay_bat_dau", date(2026, 9, 15), "activity-outside-period", "warning"),
    ],
)
def test_cell_and_row_rules(tmp_path, rows, key, value, rule, severity):
    rows[2][key] = value
    report = validate(book(tmp_path / "a.xlsx", rows))
    assert (severity, SHEET, cell(key, 2)) in found(report, rule)


def test_a_date_just_after_the_period_is_near_enough(tmp_path, rows):
    rows[0]["ngay_bat_dau"] = date(2026, 7, 3)  # a delegation met early in July still belongs to H1
    assert found(validate(book(tmp_path / "a.xlsx", rows)), "activity-outside-period") == []


def test_end_before_start_and_an_activity_typed_twice(tmp_path, rows):
    rows[1].update(ngay_bat_dau=date(2026, 3, 10), ngay_ket_thuc=date(2026, 3, 8))
    rows[4] = {**rows[3], "ma_hoat_dong": "92-H2026-099", "stt": 5}
    report = validate(book(tmp_path / "a.xlsx", rows))
    assert found(report, "end-before-start") == [("error", SHEET, cell("ngay_ket_thuc", 1))]
    assert found(report, "activity-repeated") == [("warning", SHEET, cell("ngay_bat_dau", 4))]


def test_an_unknown_country_is_flagged(tmp_path, rows):
    rows[5]["quoc_gia"] = "Xứ Sở Thần Tiên"
    report = validate(book(tmp_path / "a.xlsx", rows))
    assert any(f.sheet == SHEET and f.cell == cell("quoc_gia", 5) and f.severity == "error" for f in report.findings)


def test_files_of_1_1_stay_valid_without_the_sheet(tmp_path):
    old = sample_workbook(tmp_path / "old.xlsx", "92", "2026-H1", needs=3, register=3, seed=2)
    wb = load_workbook(old.path)
    del wb[SHEET]
    info = wb[schema.INFO.vi]
    next(r for r in info.iter_rows() if r[0].value == "Phiên bản mẫu")[1].value = "1.1"
    wb.save(old.path)
    report = validate(old.path)
    assert report.valid and found(report, "optional-sheet-missing") == []
    current = sample_workbook(tmp_path / "new.xlsx", "92", "2026-H1", needs=3, register=3, seed=2)
    wb = load_workbook(current.path)
    del wb[SHEET]
    wb.save(current.path)
    report = validate(current.path)
    assert report.valid and found(report, "optional-sheet-missing") == [("info", SHEET, "")]


def test_the_consolidation_merges_activities_with_provenance(tmp_path):
    inbox = tmp_path / "nop"
    inbox.mkdir()
    samples = [
        sample_workbook(inbox / f"{code}.xlsx", code, "2026-H1", needs=2, register=2, seed=1) for code in ("82", "92")
    ]
    consolidate(inbox, tmp_path / "tong-hop.xlsx", period="2026-H1", workers=1)
    ws = load_workbook(tmp_path / "tong-hop.xlsx")[SHEET]
    header = next(r for r in ws.iter_rows(values_only=True) if r and r[0] == "STT")
    body = [r for r in ws.iter_rows(values_only=True) if r and isinstance(r[1], str) and "-H2026-" in r[1]]
    assert len(body) == sum(len(s.rows["activities"]) for s in samples)
    ids = {(r[header.index("Mã tỉnh (gốc)")], r[header.index("Mã hoạt động")]) for r in body}
    assert ids == {(s.province, a["ma_hoat_dong"]) for s in samples for a in s.rows["activities"]}
    assert {r[header.index("Trang tính nguồn")] for r in body} == {SHEET}


def test_targets_are_read_from_the_control_workbook(tmp_path):
    targets = (Target("82", 2026, 2_500_000.0, 30, 40), Target("92", 2026, None, 12, None))
    control = read_control(sample_control(tmp_path / "dieu-hanh.xlsx", provinces=("82", "92"), targets=targets))
    assert control.targets_for(2026) == {"82": targets[0], "92": targets[1]} and control.targets_for(2025) == {}
    path = tmp_path / "hong.xlsx"
    sample_control(path, provinces=("82",), targets=(Target("82", 2026, 1_000.0, 3, 4),))
    wb = load_workbook(path)
    wb[schema.TARGETS_SHEET.vi]["D2"] = "mười"
    wb.save(path)
    with pytest.raises(ControlError) as raised:
        read_control(path)
    assert f"{schema.TARGETS_SHEET.vi}!D2" in raised.value.vi and "Số dự án" in raised.value.vi
