"""The rules' findings in full (where, what value, which parameters) and at their edges.

mutmut (make mutation) showed that tests/test_checks.py holds each rule's code, sheet and cell but not
the row, column key, value and message parameters a finding carries, nor the rules' boundaries.
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from test_checks import NEEDS, REGISTER, N, R, book, cell, set0
from toolkit.checks.rows import _months_before
from toolkit.schema import Settings
from toolkit.validate import validate


def only(report, rule):
    found = [f for f in report.findings if f.rule == rule]
    assert len(found) == 1, [f.rule for f in report.findings]
    return found[0]


def rules(report) -> set[str]:
    return {f.rule for f in report.findings}


def whole(f) -> tuple:
    """All a finding says: rule, severity, sheet, cell, row, column key, value as typed, params, suggestion."""
    return (f.rule, f.severity, f.sheet, f.cell, f.row, f.column, f.value, dict(f.params), f.suggestion)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 12, 31), 6, date(2026, 6, 30)),  # 30-day month
        (date(2026, 8, 31), 6, date(2026, 2, 28)),  # February
        (date(2026, 10, 31), 1, date(2026, 9, 30)),
        (date(2026, 12, 31), 1, date(2026, 11, 30)),
        (date(2026, 8, 31), 1, date(2026, 7, 31)),  # 31-day month
        (date(2026, 6, 30), 1, date(2026, 5, 30)),
        (date(2026, 5, 31), 1, date(2026, 4, 30)),
        (date(2026, 2, 15), 1, date(2026, 1, 15)),  # same year
        (date(2026, 1, 15), 1, date(2025, 12, 15)),  # back over a new year
        (date(2026, 1, 15), 13, date(2024, 12, 15)),  # over two
    ],
)
def test_months_before(day, months, expected):
    assert _months_before(day, months) == expected


def test_a_cell_finding_carries_its_row_column_and_value_as_typed(tmp_path):
    report = validate(book(tmp_path, needs_change=set0(email_lien_he="lienhe@", dien_thoai="12345")))
    email = only(report, "invalid-email")
    assert (email.sheet, email.cell, email.row, email.column, email.value) == (
        NEEDS,
        cell(N, "email_lien_he"),
        2,
        "email_lien_he",
        "lienhe@",
    )
    phone = only(report, "invalid-phone")
    assert (phone.row, phone.column, phone.value) == (2, "dien_thoai", "12345")


def test_a_row_finding_carries_its_row_column_and_value(tmp_path):
    report = validate(book(tmp_path, register_change=set0(ngay_ket_thuc=date(2026, 2, 1))))
    found = only(report, "end-before-start")
    assert (found.row, found.column, found.cell) == (2, "ngay_ket_thuc", cell(R, "ngay_ket_thuc"))
    assert found.value is not None and dict(found.params) == {"start": "01/03/2026"}


@pytest.mark.parametrize(("months", "found"), [(120, False), (121, True), (1, False), (0, True)])
def test_an_inclusive_range_holds_both_ends(tmp_path, months, found):
    report = validate(book(tmp_path, needs_change=set0(thoi_gian_thang=months)))
    hits = [f for f in report.findings if f.rule == "out-of-range"]
    assert bool(hits) is found
    if found:
        assert (hits[0].sheet, hits[0].cell, hits[0].row, hits[0].column, hits[0].value) == (
            NEEDS,
            cell(N, "thoi_gian_thang"),
            2,
            "thoi_gian_thang",
            months,
        )
        assert dict(hits[0].params) == {"bounds": "1–120"}


def test_an_exclusive_minimum_refuses_the_minimum_itself(tmp_path):
    report = validate(book(tmp_path, register_change=set0(gia_tri_usd=0)))
    found = only(report, "out-of-range")
    assert found.column == "gia_tri_usd" and dict(found.params) == {"bounds": "> 0"}
    report = validate(book(tmp_path, needs_change=set0(so_nguoi_huong_loi=0), name="zero.xlsx"))
    assert "out-of-range" not in rules(report)  # "≥ 0" lets 0 through


def test_a_lower_bound_alone_is_said_as_one(tmp_path):
    report = validate(book(tmp_path, needs_change=set0(so_nguoi_huong_loi=-1)))
    assert dict(only(report, "out-of-range").params) == {"bounds": "≥ 0"}


def test_the_rate_check_gives_its_figures_and_lets_the_tolerance_itself_pass(tmp_path):
    s = Settings()
    rate = s.rates.rate("EUR", date(2026, 2, 12))
    expected = 100_000 * Decimal(repr(rate.usd_per_unit))
    report = validate(
        book(tmp_path, register_change=set0(tien_te="EUR", gia_tri_nguyen_te=100_000, gia_tri_usd=50_000))
    )
    found = only(report, "usd-rate-mismatch")
    assert (found.column, found.value) == ("gia_tri_usd", 50_000)
    assert dict(found.params) == {
        "expected": expected,
        "rate": rate.usd_per_unit,
        "currency": "EUR",
        "tolerance": "5%",
        "since": f"{rate.since:%d/%m/%Y}",
        "source_vi": rate.source_vi,
        "source_en": rate.source_en,
    }
    at_tolerance = expected * Decimal("1.05")
    assert at_tolerance == int(at_tolerance), "the edge must be a whole number to be typed exactly"
    report = validate(
        book(
            tmp_path,
            register_change=set0(tien_te="EUR", gia_tri_nguyen_te=100_000, gia_tri_usd=int(at_tolerance)),
            name="edge.xlsx",
        )
    )
    assert "usd-rate-mismatch" not in rules(report)


def test_small_amounts_are_still_checked_against_the_rate(tmp_path):
    report = validate(book(tmp_path, register_change=set0(tien_te="EUR", gia_tri_nguyen_te=100_000, gia_tri_usd=0.5)))
    assert "usd-rate-mismatch" in rules(report)
    report = validate(
        book(
            tmp_path, register_change=set0(tien_te="EUR", gia_tri_nguyen_te=0.5, gia_tri_usd=100_000), name="small.xlsx"
        )
    )
    assert "usd-rate-mismatch" in rules(report)


def test_no_currency_means_no_rate_check(tmp_path):
    report = validate(book(tmp_path, register_change=set0(tien_te=None)))
    assert not rules(report) & {"usd-rate-mismatch", "no-reference-rate"}


def test_a_certificate_expiring_on_the_projects_last_day_is_enough(tmp_path):
    end = date(2027, 3, 1)
    report = validate(book(tmp_path, register_change=set0(ngay_ket_thuc=end, het_han_gdk=end)))
    assert "certificate-expires-before-end" not in rules(report)
    report = validate(
        book(tmp_path, register_change=set0(ngay_ket_thuc=end, het_han_gdk=end - timedelta(days=1)), name="early.xlsx")
    )
    found = only(report, "certificate-expires-before-end")
    assert found.column == "het_han_gdk" and dict(found.params) == {"end": "01/03/2027"}


def test_a_certificate_expiring_on_the_warning_days_last_day_is_flagged(tmp_path):
    period_end = date(2026, 6, 30)
    last = period_end + timedelta(days=Settings().certificate_warning_days)
    report = validate(book(tmp_path, register_change=set0(ngay_ket_thuc=None, het_han_gdk=last)))
    found = only(report, "certificate-expiring")
    assert dict(found.params) == {"period_end": "30/06/2026", "days": 90}
    report = validate(
        book(
            tmp_path, register_change=set0(ngay_ket_thuc=None, het_han_gdk=last + timedelta(days=1)), name="later.xlsx"
        )
    )
    assert "certificate-expiring" not in rules(report)


def test_an_amount_typed_in_words_names_the_word(tmp_path):
    report = validate(
        book(
            tmp_path,
            needs_change=set0(tong_kinh_phi_usd=100_000, de_nghi_tai_tro_usd="0,09 triệu", von_doi_ung_usd=10_000),
        )
    )
    found = only(report, "usd-looks-like-vnd")
    assert (found.column, found.value, found.cell) == (
        "de_nghi_tai_tro_usd",
        "0,09 triệu",
        cell(N, "de_nghi_tai_tro_usd"),
    )
    assert dict(found.params) == {"word": "triệu"}


def test_a_missing_value_points_to_its_empty_cell(tmp_path):
    found = only(validate(book(tmp_path, needs_change=set0(dia_ban=None))), "missing-value")
    assert (found.sheet, found.cell, found.row, found.column, found.value) == (
        NEEDS,
        cell(N, "dia_ban"),
        2,
        "dia_ban",
        None,
    )


def test_the_structure_findings_in_full(tmp_path):
    from builders import records, write_book
    from toolkit import schema

    data = records()
    no_info = validate(write_book(tmp_path / "no-info.xlsx", False, data["needs"], data["register"]))
    found = only(no_info, "missing-sheet")
    assert (found.severity, found.sheet) == ("error", schema.INFO.vi)
    assert dict(found.params) == {"expected": schema.INFO.vi, "expected_en": schema.INFO.en}
    no_table = validate(write_book(tmp_path / "no-table.xlsx", None, None, None))
    found = only(no_table, "no-table")
    assert found.severity == "error"
    assert dict(found.params) == {"needs": schema.NEEDS_SHEET.vi, "register": schema.REGISTER_SHEET.vi}
    assert "missing-sheet" not in rules(no_table) and "no-table" not in rules(no_info)
    empty = validate(write_book(tmp_path / "empty.xlsx", None, [], data["register"]))
    found = only(empty, "empty-table")
    assert (found.severity, found.sheet) == ("info", NEEDS)
    assert dict(found.params) == {"table": schema.NEEDS.name_vi, "table_en": schema.NEEDS.name_en}


def test_disbursement_rules_at_their_edges_and_with_their_figures(tmp_path):
    same = validate(book(tmp_path, register_change=set0(giai_ngan_ky_usd=40_000, giai_ngan_luy_ke_usd=40_000)))
    assert "disbursed-below-period" not in rules(same)  # all of it paid this period
    below = validate(
        book(tmp_path, register_change=set0(giai_ngan_ky_usd=40_001, giai_ngan_luy_ke_usd=40_000), name="below.xlsx")
    )
    assert dict(only(below, "disbursed-below-period").params) == {"period_amount": 40_001}
    at_limit = validate(book(tmp_path, register_change=set0(giai_ngan_luy_ke_usd=105_000), name="limit.xlsx"))
    assert "disbursed-over-amount" not in rules(at_limit)  # 105% of the 100,000 USD amount is allowed
    over = validate(book(tmp_path, register_change=set0(giai_ngan_luy_ke_usd=105_001), name="over.xlsx"))
    assert dict(only(over, "disbursed-over-amount").params) == {"amount": 100_000, "tolerance": "105%"}
    under = validate(book(tmp_path, register_change=set0(giai_ngan_luy_ke_usd=96_000), name="under.xlsx"))
    assert "disbursed-over-amount" not in rules(under)


def test_an_implausible_usd_amount_names_the_limit_and_the_limit_itself_passes(tmp_path):
    limit = Settings().max_project_usd
    at = validate(
        book(tmp_path, needs_change=set0(tong_kinh_phi_usd=limit, de_nghi_tai_tro_usd=limit, von_doi_ung_usd=0))
    )
    assert "usd-implausible" not in rules(at)
    over = validate(
        book(
            tmp_path,
            needs_change=set0(tong_kinh_phi_usd=limit + 1, de_nghi_tai_tro_usd=limit, von_doi_ung_usd=1),
            name="over.xlsx",
        )
    )
    found = only(over, "usd-implausible")
    assert (found.column, found.value) == ("tong_kinh_phi_usd", limit + 1)
    assert dict(found.params) == {"limit": limit}


def test_a_linked_proposal_warning_is_dropped_only_when_an_earlier_needs_id_answers_it():
    from toolkit.checks.cross import answered_elsewhere
    from toolkit.findings import ERROR, WARNING, Finding

    answered = Finding("linked-proposal-missing", WARNING, "Dự án", "P4", 4, "ma_de_xuat", " dx-01 ")
    unanswered = Finding("linked-proposal-missing", WARNING, "Dự án", "P5", 5, "ma_de_xuat", "DX-02")
    empty = Finding("linked-proposal-missing", WARNING, "Dự án", "P6", 6, "ma_de_xuat", None)
    other = Finding("invalid-number", ERROR, "Dự án", "N4", 4, "gia_tri_usd", "DX-01")
    assert answered_elsewhere([answered, unanswered, empty, other], {"DX-01"}) == [unanswered, empty, other]
    assert answered_elsewhere([answered, other], frozenset()) == [answered, other]


def test_a_linked_proposal_found_nowhere_is_one_warning_with_its_cell_row_value_and_a_near_id(tmp_path):
    def link(rows):
        rows[0].update(ma_de_xuat=" 92-n2026-004 ")  # spaces and case do not matter
        rows[1].update(ma_de_xuat="92-N2026-099")
        rows[2].update(ma_de_xuat="Dự án mới")  # like no ID at all: no guess

    path = book(tmp_path, register_change=link)
    found = [f for f in validate(path).findings if f.rule == "linked-proposal-missing"]
    assert [(f.severity, f.sheet, f.cell, f.row, f.column, f.value) for f in found] == [
        ("warning", REGISTER, cell(R, "ma_de_xuat", 2), 2, "ma_de_xuat", " 92-n2026-004 "),
        ("warning", REGISTER, cell(R, "ma_de_xuat", 3), 3, "ma_de_xuat", "92-N2026-099"),
        ("warning", REGISTER, cell(R, "ma_de_xuat", 4), 4, "ma_de_xuat", "Dự án mới"),
    ]
    assert "92-N2026-001" in found[0].suggestion and found[2].suggestion == ""  # the nearest NEEDS ID, if near
    # an earlier submission's NEEDS IDs answer a link too; this book's own IDs still count beside them
    earlier = validate(path, earlier_proposals=frozenset({"92-N2026-004"})).findings
    assert [f.row for f in earlier if f.rule == "linked-proposal-missing"] == [3, 4]


@pytest.mark.parametrize(("version", "expected"), [("1.2", 1), ("1.3", 1), ("1.1", 0), ("", 0)])
def test_the_activities_sheet_is_expected_from_the_version_that_added_it(tmp_path, version, expected):
    from builders import records, write_book
    from toolkit import schema

    data = records()
    path = write_book(tmp_path / "a.xlsx", {"phien_ban_mau": version}, data["needs"], data["register"])
    found = [f for f in validate(path).findings if f.rule == "optional-sheet-missing"]
    sheet = schema.ACTIVITIES_SHEET
    assert [(f.severity, f.sheet) for f in found] == [("info", sheet.vi)] * expected
    if expected:
        assert found[0].message_vi == (
            f'Tệp theo mẫu 1.2 nhưng thiếu trang "{sheet.vi}"; hãy thêm trang này (có thể để trống) theo mẫu mới.'
        )
        assert found[0].message_en == (
            f'The file is on template 1.2 but has no "{sheet.en}" sheet ({sheet.vi}); '
            "add it (it may be empty) from the new template."
        )
