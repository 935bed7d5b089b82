"""toolkit/checks/rows.py: the row rules' findings whole and at their edges (needs, register, activities).

mutmut (make mutation, issue 21 item 6) left alive the parameters these findings carry, the thresholds'
edges (the limit itself passes), the records a rule must pass over, and most of the activities rules,
which no test of the selection read.
"""

from datetime import date, timedelta

import pytest

from builders import records, write_book
from test_activities import book as activities_book
from test_checks import NEEDS, REGISTER, N, R, book, cell, set0
from test_checks_exact import only, rules, whole
from toolkit import schema
from toolkit.rates import Override, Rates
from toolkit.sample import sample_activities
from toolkit.schema import Settings
from toolkit.validate import validate

# --- needs


def test_an_empty_english_title_is_a_warning_only_beside_a_vietnamese_one(tmp_path):
    found = only(validate(book(tmp_path, needs_change=set0(ten_en=None))), "title-en-missing")
    assert whole(found) == ("title-en-missing", "warning", NEEDS, cell(N, "ten_en"), 2, "ten_en", None, {}, "")
    assert found.message_vi == "Chưa có tên tiếng Anh; nhà tài trợ đọc tiếng Anh."
    neither = validate(book(tmp_path, needs_change=set0(ten_en=None, ten_vi=None), name="neither.xlsx"))
    assert "title-en-missing" not in rules(neither)


def test_a_needs_sheet_without_the_english_title_column_is_not_asked_for_it(tmp_path):
    data = records()
    keys = [c.key for c in schema.NEEDS.columns if c.key != "ten_en"]
    path = write_book(tmp_path / "old.xlsx", None, data["needs"], data["register"], headers={"needs_keys": keys})
    assert "title-en-missing" not in rules(validate(path))


@pytest.mark.parametrize(("months", "flagged"), [(12, False), (13, True)])
def test_a_non_project_item_may_last_the_limit_and_not_a_month_more(tmp_path, months, flagged):
    report = validate(book(tmp_path, needs_change=set0(hinh_thuc="Phi dự án", thoi_gian_thang=months)))
    found = [whole(f) for f in report.findings if f.rule == "non-project-too-long"]
    where = (NEEDS, cell(N, "thoi_gian_thang"), 2, "thoi_gian_thang", months)
    assert found == ([("non-project-too-long", "warning", *where, {"limit": 12}, "")] if flagged else [])


def test_a_project_may_last_longer_than_a_non_project_item(tmp_path):
    report = validate(book(tmp_path, needs_change=set0(hinh_thuc="Dự án", thoi_gian_thang=36)))
    assert "non-project-too-long" not in rules(report)


def budget(tmp_path, total, requested, counterpart, name="budget.xlsx"):
    change = set0(tong_kinh_phi_usd=total, de_nghi_tai_tro_usd=requested, von_doi_ung_usd=counterpart)
    report = validate(book(tmp_path, needs_change=change, name=name))
    return [whole(f) for f in report.findings if f.rule in ("requested-over-total", "budget-sum-mismatch")]


def test_requesting_the_whole_budget_is_allowed_and_a_dollar_more_is_not(tmp_path):
    assert budget(tmp_path, 10_000, 10_000, 0) == []
    where = (NEEDS, cell(N, "de_nghi_tai_tro_usd"), 2, "de_nghi_tai_tro_usd", 10_001)
    over = budget(tmp_path, 10_000, 10_001, 0, name="over.xlsx")
    assert over == [("requested-over-total", "error", *where, {"total": 10_000}, "")]


def test_a_budget_off_by_the_tolerance_passes_and_by_a_dollar_more_is_flagged(tmp_path):
    assert budget(tmp_path, 10_000, 9_000, 900) == []  # 100 off 10,000: 1%
    where = (NEEDS, cell(N, "von_doi_ung_usd"), 2, "von_doi_ung_usd", 899)
    found = budget(tmp_path, 10_000, 9_000, 899, name="off.xlsx")
    assert found == [("budget-sum-mismatch", "warning", *where, {"total": 10_000, "sum": 9_899, "tolerance": "1%"}, "")]
    assert budget(tmp_path, 10_000, 9_000, 1_101, name="above.xlsx")[0][0] == "budget-sum-mismatch"  # either way


def test_an_empty_counterpart_counts_as_zero(tmp_path):
    found = budget(tmp_path, 10_000, 9_000, None)
    assert [(f[0], f[6], f[7]["sum"]) for f in found] == [("budget-sum-mismatch", None, 9_000)]
    assert budget(tmp_path, 10_000, 10_000, None, name="whole.xlsx") == []


def test_a_total_of_zero_is_not_a_budget_to_compare_with_and_any_positive_total_is(tmp_path):
    assert budget(tmp_path, 0, 5_000, 0) == []  # an unknown budget, not one exceeded
    assert [f[0] for f in budget(tmp_path, 1, 2, 0, name="one.xlsx")] == ["requested-over-total"]


def test_a_needs_sheet_without_a_counterpart_column_has_no_budget_sum(tmp_path):
    data = records()
    data["needs"][0].update(tong_kinh_phi_usd=10_000, de_nghi_tai_tro_usd=5_000)
    keys = [c.key for c in schema.NEEDS.columns if c.key != "von_doi_ung_usd"]
    path = write_book(tmp_path / "short.xlsx", None, data["needs"], data["register"], headers={"needs_keys": keys})
    assert "budget-sum-mismatch" not in rules(validate(path))


def test_a_budget_rule_passes_over_a_row_without_a_total_and_checks_the_next(tmp_path):
    def change(rows):
        rows[0].update(tong_kinh_phi_usd=None, de_nghi_tai_tro_usd=5_000)
        rows[1].update(tong_kinh_phi_usd=10_000, de_nghi_tai_tro_usd=20_000, von_doi_ung_usd=0)

    report = validate(book(tmp_path, needs_change=change))
    assert [f.row for f in report.findings if f.rule == "requested-over-total"] == [3]


# --- register


@pytest.mark.parametrize(
    "number",
    ["123/QĐ-UBND", "Số: 15/2025/QĐ-UBND", "số 07/QĐ-SKHĐT-KHTC", "1234 / QD - UBND", "9/qđ-ubnd", "12/QĐ-S&T.KH"],
)
def test_decision_numbers_written_as_on_the_document_pass(tmp_path, number):
    assert "decision-number-format" not in rules(validate(book(tmp_path, register_change=set0(so_qd=number))))


@pytest.mark.parametrize("number", ["QĐ số 12", "123/UBND", "123/QĐ", "123/1899/QĐ-UBND", "abc/QĐ-UBND", "123/QĐ-"])
def test_a_decision_number_not_of_the_form_is_flagged_with_its_value(tmp_path, number):
    found = only(validate(book(tmp_path, register_change=set0(so_qd=number))), "decision-number-format")
    assert whole(found) == ("decision-number-format", "warning", REGISTER, cell(R, "so_qd"), 2, "so_qd", number, {}, "")


def dates(tmp_path, dossier, decision, name="dates.xlsx"):
    report = validate(book(tmp_path, register_change=set0(ngay_nhan_hs=dossier, ngay_qd=decision), name=name))
    return [whole(f) for f in report.findings if f.rule in ("approval-before-dossier", "approval-slow")]


def test_an_approval_on_the_dossiers_day_passes_and_a_day_before_it_does_not(tmp_path):
    assert dates(tmp_path, date(2026, 2, 2), date(2026, 2, 2)) == []
    where = (REGISTER, cell(R, "ngay_qd"), 2, "ngay_qd", date(2026, 2, 1))
    found = dates(tmp_path, date(2026, 2, 2), date(2026, 2, 1), name="before.xlsx")
    assert found == [("approval-before-dossier", "error", *where, {"dossier": "02/02/2026"}, "")]


def test_an_approval_on_the_limits_last_day_passes_and_a_day_later_is_slow(tmp_path):
    assert dates(tmp_path, date(2026, 2, 2), date(2026, 2, 22)) == []  # 20 days
    where = (REGISTER, cell(R, "ngay_qd"), 2, "ngay_qd", date(2026, 2, 23))
    found = dates(tmp_path, date(2026, 2, 2), date(2026, 2, 23), name="slow.xlsx")
    assert found == [("approval-slow", "warning", *where, {"days": 21, "limit": 20}, "")]
    slow = only(
        validate(book(tmp_path, register_change=set0(ngay_qd=date(2026, 2, 23)), name="s.xlsx")), "approval-slow"
    )
    assert slow.message_vi == "Phê duyệt sau 21 ngày kể từ khi nhận đủ hồ sơ (quy định: 20 ngày)."
    assert slow.message_en == "Approved 21 days after the complete dossier (limit: 20 days)."


def test_a_project_ending_on_its_first_day_passes(tmp_path):
    day = date(2026, 3, 1)
    assert "end-before-start" not in rules(validate(book(tmp_path, register_change=set0(ngay_ket_thuc=day))))


@pytest.mark.parametrize("status", ["Đã kết thúc", "Bị thu hồi"])
def test_a_closed_projects_certificate_is_not_checked(tmp_path, status):
    change = set0(trang_thai=status, het_han_gdk=date(2026, 8, 1), ngay_ket_thuc=None)
    report = validate(book(tmp_path, register_change=change))
    assert not rules(report) & {"certificate-expiring", "certificate-expires-before-end"}


def test_the_rate_is_the_one_of_the_decision_date_else_the_dossiers_else_the_periods_end(tmp_path):
    # the cluster's own EUR rate from 10/02/2026: the decision (12/02) takes it, the dossier (02/02) does not
    own = Settings(rates=Rates((Override("EUR", date(2026, 2, 10), 2.0, "Quyết định của cụm"),)))
    change = set0(tien_te="EUR", gia_tri_nguyen_te=100_000, gia_tri_usd=50_000)
    decided = only(validate(book(tmp_path, register_change=change), own), "usd-rate-mismatch")
    assert dict(decided.params)["since"] == "10/02/2026" and dict(decided.params)["rate"] == 2.0

    def undecided(rows):
        change(rows)
        rows[0].update(trang_thai="Chờ phê duyệt", so_qd=None, ngay_qd=None)

    dossier = only(validate(book(tmp_path, register_change=undecided, name="d.xlsx"), own), "usd-rate-mismatch")
    assert dict(dossier.params)["since"] != "10/02/2026"

    def undated(rows):
        undecided(rows)
        rows[0].update(ngay_nhan_hs=None)

    period_end = only(validate(book(tmp_path, register_change=undated, name="p.xlsx"), own), "usd-rate-mismatch")
    assert dict(period_end.params)["since"] == "10/02/2026"  # 30/06/2026


def test_without_any_date_there_is_no_rate_to_check_against(tmp_path):
    def undated(rows):
        rows[0].update(tien_te="EUR", gia_tri_nguyen_te=100_000, gia_tri_usd=50_000, trang_thai="Chờ phê duyệt")
        rows[0].update(so_qd=None, ngay_qd=None, ngay_nhan_hs=None)

    report = validate(book(tmp_path, register_change=undated, info={"ky_bao_cao": "2026-H3"}))
    found = only(report, "no-reference-rate")
    assert whole(found) == ("no-reference-rate", "info", REGISTER, cell(R, "tien_te"), 2, "tien_te", "EUR", {}, "")
    assert found.message_en == "No reference rate for EUR; the USD amount was not cross-checked."


def stale(tmp_path, approved_on, name="stale.xlsx", info=None, **more):
    values = {
        "trang_thai": "Đã phê duyệt",
        "ngay_nhan_hs": approved_on - timedelta(days=5),
        "ngay_qd": approved_on,
        "giai_ngan_ky_usd": None,
        "giai_ngan_luy_ke_usd": None,
        **more,
    }
    report = validate(book(tmp_path, register_change=set0(**values), info=info, name=name))
    return [whole(f) for f in report.findings if f.rule == "approval-stale"]


def test_an_approval_of_six_months_ago_with_nothing_disbursed_is_stale_from_the_day_before(tmp_path):
    assert stale(tmp_path, date(2025, 12, 30)) == []  # 30/06/2026 less 6 months
    where = (REGISTER, cell(R, "trang_thai"), 2, "trang_thai", "Đã phê duyệt")
    found = stale(tmp_path, date(2025, 12, 29), name="older.xlsx")
    assert found == [("approval-stale", "warning", *where, {"approved": "29/12/2025", "months": 6}, "")]


@pytest.mark.parametrize("paid", [{"giai_ngan_ky_usd": 1_000}, {"giai_ngan_luy_ke_usd": 1_000}])
def test_an_old_approval_with_something_disbursed_is_not_stale(tmp_path, paid):
    assert stale(tmp_path, date(2025, 11, 10), **paid) == []


def test_an_old_decision_of_a_running_project_is_not_stale(tmp_path):
    assert stale(tmp_path, date(2025, 11, 10), trang_thai="Đang thực hiện") == []


def test_staleness_needs_a_period(tmp_path):
    assert stale(tmp_path, date(2025, 1, 10), info={"ky_bao_cao": "2026-H3"}) == []


# --- activities

SHEET = schema.ACTIVITIES_SHEET.vi
A = schema.ACTIVITIES


def activities(tmp_path, change, name="a.xlsx"):
    """The row findings of a clean activities sheet of 92 for 2026-H1 once `change` has edited its rows."""
    rows = sample_activities("92", "2026-H1", 4, seed=3)
    change(rows)
    path = activities_book(tmp_path / name, rows)
    kept = ("end-before-start", "activity-outside-period", "activity-repeated")
    return [whole(f) for f in validate(path).findings if f.rule in kept]


def at(index, **values):
    return lambda rows: rows[index].update(values)


def test_an_activity_ending_before_it_starts_names_the_start(tmp_path):
    found = activities(tmp_path, at(1, ngay_bat_dau=date(2026, 3, 10), ngay_ket_thuc=date(2026, 3, 8)))
    where = (SHEET, cell(A, "ngay_ket_thuc", 3), 3, "ngay_ket_thuc", date(2026, 3, 8))
    assert found == [("end-before-start", "error", *where, {"start": "10/03/2026"}, "")]
    same_day = activities(tmp_path, at(1, ngay_bat_dau=date(2026, 3, 10), ngay_ket_thuc=date(2026, 3, 10)), "s.xlsx")
    assert same_day == []


@pytest.mark.parametrize(
    ("start", "end", "outside"),
    [
        (date(2026, 7, 31), None, False),  # 30/06 + 31 days
        (date(2026, 8, 1), None, True),
        (date(2025, 12, 1), None, False),  # 01/01 - 31 days
        (date(2025, 11, 30), None, True),
        (date(2025, 11, 20), date(2025, 12, 1), False),  # it ends near enough
        (date(2025, 11, 20), date(2025, 11, 30), True),
    ],
)
def test_an_activity_outside_the_period_and_its_margin_is_a_warning(tmp_path, start, end, outside):
    found = activities(tmp_path, at(0, ngay_bat_dau=start, ngay_ket_thuc=end))
    params = {"start": f"{start:%d/%m/%Y}", "period_start": "01/01/2026", "period_end": "30/06/2026"}
    where = (SHEET, cell(A, "ngay_bat_dau", 2), 2, "ngay_bat_dau", start)
    assert found == ([("activity-outside-period", "warning", *where, params, "")] if outside else [])


def test_an_activity_ending_before_it_starts_is_not_also_outside_the_period(tmp_path):
    found = activities(tmp_path, at(0, ngay_bat_dau=date(2026, 9, 10), ngay_ket_thuc=date(2026, 9, 1)))
    assert [f[0] for f in found] == ["end-before-start"]


def test_an_activity_typed_twice_names_the_first_row_whatever_the_partners_case_and_spaces(tmp_path):
    def twice(rows):
        rows[3].update(
            ngay_bat_dau=rows[1]["ngay_bat_dau"],
            loai_hoat_dong=rows[1]["loai_hoat_dong"],
            doi_tac=f"  {rows[1]['doi_tac'].upper()} ",
        )

    found = activities(tmp_path, twice)
    start = sample_activities("92", "2026-H1", 4, seed=3)[1]["ngay_bat_dau"]
    where = (SHEET, cell(A, "ngay_bat_dau", 5), 5, "ngay_bat_dau", start)
    assert found == [("activity-repeated", "warning", *where, {"first": 3}, "")]


@pytest.mark.parametrize("differs", ["loai_hoat_dong", "doi_tac", "ngay_bat_dau"])
def test_activities_differing_in_start_type_or_partner_are_not_repeats(tmp_path, differs):
    def almost(rows):
        rows[3].update({k: rows[1][k] for k in ("ngay_bat_dau", "loai_hoat_dong", "doi_tac")})
        rows[3][differs] = {
            "loai_hoat_dong": "Thông tin, tuyên truyền"
            if rows[1]["loai_hoat_dong"] != "Thông tin, tuyên truyền"
            else "Đón đoàn vào",
            "doi_tac": "Đại sứ quán Pháp",
            "ngay_bat_dau": rows[1]["ngay_bat_dau"] + timedelta(days=1),
        }[differs]

    assert activities(tmp_path, almost) == []


def test_a_third_copy_of_an_activity_still_names_the_first_row(tmp_path):
    def thrice(rows):
        for i in (2, 3):
            rows[i].update({k: rows[0][k] for k in ("ngay_bat_dau", "loai_hoat_dong", "doi_tac")})

    assert [(f[4], f[7]) for f in activities(tmp_path, thrice)] == [(4, {"first": 2}), (5, {"first": 2})]


def test_an_activity_without_a_partner_repeats_another_without_one(tmp_path):
    def no_partner(rows):
        rows[0]["doi_tac"] = None
        rows[2].update(ngay_bat_dau=rows[0]["ngay_bat_dau"], loai_hoat_dong=rows[0]["loai_hoat_dong"], doi_tac=None)

    assert [(f[0], f[4], f[7]) for f in activities(tmp_path, no_partner)] == [("activity-repeated", 4, {"first": 2})]


@pytest.mark.parametrize("unknown", ["loai_hoat_dong", "ngay_bat_dau"])
def test_activities_are_repeats_only_when_both_start_and_type_are_known(tmp_path, unknown):
    def same_but_unknown(rows):
        rows[2].update({k: rows[0][k] for k in ("ngay_bat_dau", "loai_hoat_dong", "doi_tac")})
        rows[0][unknown] = rows[2][unknown] = None

    assert [f[0] for f in activities(tmp_path, same_but_unknown) if f[0] == "activity-repeated"] == []
