"""toolkit/checks/info.py: the Info sheet's findings whole (cell, column, value, parameters, suggestion, sentences).

mutmut (make mutation, issue 21 item 6) left alive what these findings carry besides their rule and cell,
a field whose row is missing altogether, a malformed province code and the version comparison's edges.
"""

import pytest
from openpyxl import load_workbook

from test_checks import INFO, book
from test_checks_exact import only, rules, whole
from toolkit.checks.info import _older
from toolkit.validate import validate


def info_findings(tmp_path, info=None, without=None, name="info.xlsx"):
    """The Info sheet's findings (whole) of a clean book with these Info values, or without one label's row."""
    path = book(tmp_path, info=info, name=name)
    if without:
        wb = load_workbook(path)
        ws = wb[INFO]
        ws.delete_rows(next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == without))
        wb.save(path)
    return [whole(f) for f in validate(path).findings if f.sheet == INFO]


def missing(key, label, label_en, cell, severity="error", suggestion=""):
    return ("info-missing", severity, INFO, cell, None, key, None, {"label": label, "label_en": label_en}, suggestion)


def test_an_empty_required_field_names_its_label_in_both_languages(tmp_path):
    assert info_findings(tmp_path, {"nguoi_lap": None}) == [missing("nguoi_lap", "Người lập", "Prepared by", "B5")]
    found = only(validate(book(tmp_path, info={"nguoi_lap": None}, name="b.xlsx")), "info-missing")
    assert found.message_vi == 'Thiếu "Người lập" trong trang Thông tin.'
    assert found.message_en == '"Prepared by" is missing from the Info sheet.'


def test_a_required_field_without_its_row_is_missing_with_no_cell(tmp_path):
    assert info_findings(tmp_path, without="Người lập") == [missing("nguoi_lap", "Người lập", "Prepared by", "")]
    code = missing("ma_tinh", "Mã tỉnh", "Province code", "")
    assert info_findings(tmp_path, without="Mã tỉnh", name="no-code.xlsx") == [code]


def test_a_value_the_reader_refused_is_not_also_missing(tmp_path):
    found = info_findings(tmp_path, {"ngay_lap": "31/02/2026"})
    assert [f[0] for f in found] == ["invalid-date"]


def test_an_empty_province_code_or_period_is_missing_only(tmp_path):
    code = info_findings(tmp_path, {"ma_tinh": None})
    assert code == [missing("ma_tinh", "Mã tỉnh", "Province code", "B1")]
    period = info_findings(tmp_path, {"ky_bao_cao": None}, name="no-period.xlsx")
    assert period == [missing("ky_bao_cao", "Kỳ báo cáo", "Period", "B3")]


def test_an_invalid_period_is_one_finding_with_its_value(tmp_path):
    found = info_findings(tmp_path, {"ky_bao_cao": "2026-H3"})
    assert found == [("period-invalid", "error", INFO, "B3", None, "ky_bao_cao", "2026-H3", {}, "")]


@pytest.mark.parametrize(("code", "suggestion"), [("9a", ""), ("99", ""), ("95", "96 – Cà Mau")])
def test_a_province_code_not_in_force_names_the_period_and_a_successor_if_any(tmp_path, code, suggestion):
    found = info_findings(tmp_path, {"ma_tinh": code})
    assert found == [
        ("province-code-invalid", "error", INFO, "B1", None, "ma_tinh", code, {"period": "2026-H1"}, suggestion)
    ]
    report = validate(book(tmp_path, info={"ma_tinh": code}, name="again.xlsx"))
    message = next(f for f in report.findings if f.rule == "province-code-invalid")
    assert message.message_vi == f'Mã tỉnh "{code}" không có trong danh mục tỉnh áp dụng cho kỳ 2026-H1.'
    assert message.message_en == f'Province code "{code}" is not in the province list in force for period 2026-H1.'


def test_a_province_name_of_another_code_says_which_is_expected(tmp_path):
    found = info_findings(tmp_path, {"ten_tinh": "Cà Mau"})
    assert found == [
        (
            "province-name-mismatch",
            "error",
            INFO,
            "B2",
            None,
            "ten_tinh",
            "Cà Mau",
            {"code": "92", "expected": "Cần Thơ"},
            "Cần Thơ",
        )
    ]


def test_an_empty_or_absent_province_name_is_a_warning_suggesting_the_codes_name(tmp_path):
    empty = info_findings(tmp_path, {"ten_tinh": None})
    assert empty == [missing("ten_tinh", "Tên tỉnh", "Province name", "B2", "warning", "Cần Thơ")]
    absent = info_findings(tmp_path, without="Tên tỉnh", name="absent.xlsx")
    assert absent == [missing("ten_tinh", "Tên tỉnh", "Province name", "", "warning", "Cần Thơ")]


def test_an_invalid_info_email_carries_its_row_and_value(tmp_path):
    found = info_findings(tmp_path, {"email": "mai.tran at gmail"})
    assert found == [("invalid-email", "error", INFO, "B6", 6, "email", "mai.tran at gmail", {}, "")]


@pytest.mark.parametrize("typed", [1.1, "1.1", "v1.1"])
def test_an_old_template_version_is_named_as_typed(tmp_path, typed):
    found = info_findings(tmp_path, {"phien_ban_mau": typed})
    shown = str(typed)
    assert found == [
        ("template-version-old", "warning", INFO, "B9", None, "phien_ban_mau", shown, {"current": "1.2"}, "")
    ]
    report = validate(book(tmp_path, info={"phien_ban_mau": typed}, name="again.xlsx"))
    message = next(f for f in report.findings if f.rule == "template-version-old")
    assert message.message_vi == f"Mẫu phiên bản {shown} đã cũ (hiện hành: 1.2); nên chuyển dữ liệu sang mẫu mới."


def test_the_current_version_typed_as_a_number_is_not_old(tmp_path):
    assert "template-version-old" not in rules(validate(book(tmp_path, info={"phien_ban_mau": 1.2})))


@pytest.mark.parametrize(
    ("version", "current", "older"),
    [
        ("1", "1.0", False),  # a missing part counts as 0
        ("1.0", "1", False),
        ("1", "1.1", True),
        ("1.1", "1.10", True),  # part by part, not as a decimal
        ("1.10", "1.2", False),
        ("v1.2", "1.1", False),  # a leading v or V is not a part
        ("V1.2", "1.1", False),
        ("v1.0", "1.1", True),
        ("1.x", "1.1", True),  # a part that is not a number counts as 0
        ("1.x", "1.0", False),
        (" 1.1 ", "1.2", True),
    ],
)
def test_versions_are_compared_part_by_part(version, current, older):
    assert _older(version, current) is older
