"""Every rule of STANDARD.md: one workbook that breaks it, and the clean one that does not."""

from datetime import date

import pytest

from builders import records, write_book
from toolkit import schema
from toolkit.checks import rows as row_rules
from toolkit.schema import Settings
from toolkit.text import column_letter
from toolkit.validate import validate

NEEDS, REGISTER = schema.NEEDS_SHEET.vi, schema.REGISTER_SHEET.vi
INFO = schema.INFO.vi


def cell(table: schema.Table, key: str, row: int = 2) -> str:
    return f"{column_letter([c.key for c in table.columns].index(key))}{row}"


def approved(record: dict) -> dict:
    """A register record in a known good, approved, partly disbursed state."""
    record.update(
        trang_thai="Đang thực hiện",
        tien_te="USD",
        gia_tri_nguyen_te=100_000,
        gia_tri_usd=100_000,
        ngay_nhan_hs=date(2026, 2, 2),
        so_qd="123/QĐ-UBND",
        ngay_qd=date(2026, 2, 12),
        ngay_bat_dau=date(2026, 3, 1),
        ngay_ket_thuc=date(2027, 3, 1),
        het_han_gdk=date(2029, 1, 1),
        giai_ngan_ky_usd=20_000,
        giai_ngan_luy_ke_usd=40_000,
        quoc_gia="Hoa Kỳ",
        ma_de_xuat=None,
    )
    return record


def book(tmp_path, needs_change=None, register_change=None, info=None, name="case.xlsx"):
    data = records()
    approved(data["register"][0])
    if needs_change:
        needs_change(data["needs"])
    if register_change:
        register_change(data["register"])
    return write_book(tmp_path / name, info, data["needs"], data["register"])


def set0(**values):
    return lambda rows: rows[0].update(values)


N, R = schema.NEEDS, schema.REGISTER
CELL_CASES = [
    # rule, severity, change to NEEDS, change to REGISTER, (sheet, cell)
    ("missing-value", "error", set0(dia_ban=None), None, (NEEDS, cell(N, "dia_ban"))),
    ("out-of-range", "error", set0(thoi_gian_thang=121), None, (NEEDS, cell(N, "thoi_gian_thang"))),
    ("too-long", "error", set0(ten_vi="Dự án " * 60), None, (NEEDS, cell(N, "ten_vi"))),
    ("invalid-email", "error", set0(email_lien_he="lienhe@"), None, (NEEDS, cell(N, "email_lien_he"))),
    ("invalid-phone", "warning", set0(dien_thoai="12345"), None, (NEEDS, cell(N, "dien_thoai"))),
    ("phone-as-number", "warning", set0(dien_thoai=912345678), None, (NEEDS, cell(N, "dien_thoai"))),
    ("invalid-choice", "error", set0(hinh_thuc="Viện trợ"), None, (NEEDS, cell(N, "hinh_thuc"))),
    ("invalid-sector", "error", set0(linh_vuc="Thể thao điện tử"), None, (NEEDS, cell(N, "linh_vuc"))),
    ("invalid-integer", "error", set0(so_nguoi_huong_loi=12.5), None, (NEEDS, cell(N, "so_nguoi_huong_loi"))),
    ("invalid-number", "error", set0(tong_kinh_phi_usd="nhiều"), None, (NEEDS, cell(N, "tong_kinh_phi_usd"))),
    ("ambiguous-number", "error", set0(tong_kinh_phi_usd="47,272"), None, (NEEDS, cell(N, "tong_kinh_phi_usd"))),
    ("placeholder-value", "error", set0(tong_kinh_phi_usd="n/a"), None, (NEEDS, cell(N, "tong_kinh_phi_usd"))),
    ("id-format", "error", set0(ma_de_xuat="92-X2026-1"), None, (NEEDS, cell(N, "ma_de_xuat"))),
    ("id-province-mismatch", "error", set0(ma_de_xuat="93-N2026-001"), None, (NEEDS, cell(N, "ma_de_xuat"))),
    (
        "duplicate-id",
        "error",
        lambda rows: rows[1].update(ma_de_xuat=rows[0]["ma_de_xuat"]),
        None,
        (NEEDS, cell(N, "ma_de_xuat", 3)),
    ),
    ("title-en-missing", "warning", set0(ten_en=None), None, (NEEDS, cell(N, "ten_en"))),
    (
        "non-project-too-long",
        "warning",
        set0(hinh_thuc="Phi dự án", thoi_gian_thang=24),
        None,
        (NEEDS, cell(N, "thoi_gian_thang")),
    ),
    (
        "requested-over-total",
        "error",
        set0(tong_kinh_phi_usd=10_000, de_nghi_tai_tro_usd=20_000, von_doi_ung_usd=0),
        None,
        (NEEDS, cell(N, "de_nghi_tai_tro_usd")),
    ),
    (
        "budget-sum-mismatch",
        "warning",
        set0(tong_kinh_phi_usd=10_000, de_nghi_tai_tro_usd=9_000, von_doi_ung_usd=500),
        None,
        (NEEDS, cell(N, "von_doi_ung_usd")),
    ),
    ("missing-when-approved", "error", None, set0(so_qd=None), (REGISTER, cell(R, "so_qd"))),
    ("decision-number-format", "warning", None, set0(so_qd="QĐ số 12"), (REGISTER, cell(R, "so_qd"))),
    ("approval-before-dossier", "error", None, set0(ngay_qd=date(2026, 1, 30)), (REGISTER, cell(R, "ngay_qd"))),
    ("approval-slow", "warning", None, set0(ngay_qd=date(2026, 2, 25)), (REGISTER, cell(R, "ngay_qd"))),
    ("end-before-start", "error", None, set0(ngay_ket_thuc=date(2026, 2, 1)), (REGISTER, cell(R, "ngay_ket_thuc"))),
    (
        "certificate-expires-before-end",
        "warning",
        None,
        set0(het_han_gdk=date(2026, 12, 31)),
        (REGISTER, cell(R, "het_han_gdk")),
    ),
    (
        "certificate-expiring",
        "warning",
        None,
        set0(het_han_gdk=date(2026, 8, 1), ngay_ket_thuc=None),
        (REGISTER, cell(R, "het_han_gdk")),
    ),
    (
        "usd-rate-mismatch",
        "warning",
        None,
        set0(tien_te="EUR", gia_tri_nguyen_te=100_000, gia_tri_usd=50_000),
        (REGISTER, cell(R, "gia_tri_usd")),
    ),
    ("no-reference-rate", "info", None, set0(tien_te="ARS"), (REGISTER, cell(R, "tien_te"))),
    ("invalid-currency", "error", None, set0(tien_te="EURO"), (REGISTER, cell(R, "tien_te"))),
    ("invalid-country", "error", None, set0(quoc_gia="Narnia"), (REGISTER, cell(R, "quoc_gia"))),
    ("country-code-na", "warning", None, set0(quoc_gia="NA"), (REGISTER, cell(R, "quoc_gia"))),
    (
        "disbursed-below-period",
        "error",
        None,
        set0(giai_ngan_ky_usd=50_000, giai_ngan_luy_ke_usd=40_000),
        (REGISTER, cell(R, "giai_ngan_luy_ke_usd")),
    ),
    (
        "disbursed-over-amount",
        "warning",
        None,
        set0(giai_ngan_luy_ke_usd=120_000),
        (REGISTER, cell(R, "giai_ngan_luy_ke_usd")),
    ),
    (
        "approval-stale",
        "warning",
        None,
        set0(
            trang_thai="Đã phê duyệt",
            ngay_nhan_hs=date(2025, 11, 1),
            ngay_qd=date(2025, 11, 10),
            giai_ngan_ky_usd=None,
            giai_ngan_luy_ke_usd=None,
        ),
        (REGISTER, cell(R, "trang_thai")),
    ),
    ("linked-proposal-missing", "warning", None, set0(ma_de_xuat="92-N2020-404"), (REGISTER, cell(R, "ma_de_xuat"))),
    ("invalid-date", "error", None, set0(ngay_bat_dau="31/02/2026"), (REGISTER, cell(R, "ngay_bat_dau"))),
    (
        "currency-contradicts-column",
        "error",
        set0(tong_kinh_phi_usd="1.000.000.000 đ"),
        None,
        (NEEDS, cell(N, "tong_kinh_phi_usd")),
    ),
    (
        "currency-contradicts-column",
        "error",
        None,
        set0(von_doi_ung_vnd="$5,000"),
        (REGISTER, cell(R, "von_doi_ung_vnd")),
    ),
    (
        "usd-looks-like-vnd",
        "warning",
        set0(tong_kinh_phi_usd=100_000, de_nghi_tai_tro_usd="0,09 triệu", von_doi_ung_usd=10_000),
        None,
        (NEEDS, cell(N, "de_nghi_tai_tro_usd")),
    ),
    (
        "usd-implausible",
        "warning",
        None,
        set0(gia_tri_nguyen_te=25_000_000_000, gia_tri_usd=25_000_000_000),
        (REGISTER, cell(R, "gia_tri_usd")),
    ),
    ("error-value", "error", set0(tong_kinh_phi_usd="#DIV/0!"), None, (NEEDS, cell(N, "tong_kinh_phi_usd"))),
    ("error-value", "warning", set0(doi_tuong="#N/A"), None, (NEEDS, cell(N, "doi_tuong"))),
    (
        "formula-not-computed",
        "error",
        set0(de_nghi_tai_tro_usd="=M2-O2"),
        None,
        (NEEDS, cell(N, "de_nghi_tai_tro_usd")),
    ),
]


def test_clean_workbook_has_no_errors_or_warnings(tmp_path):
    report = validate(book(tmp_path))
    assert [f for f in report.findings if f.severity != "info"] == []
    assert report.valid and report.province == "92" and report.period == "2026-H1"


@pytest.mark.parametrize("rule,severity,needs_change,register_change,where", CELL_CASES, ids=[c[0] for c in CELL_CASES])
def test_rule(tmp_path, rule, severity, needs_change, register_change, where):
    clean = validate(book(tmp_path, name="clean.xlsx"))
    assert rule not in {f.rule for f in clean.findings}
    report = validate(book(tmp_path, needs_change, register_change))
    hits = [f for f in report.findings if f.rule == rule]
    assert [(f.sheet, f.cell) for f in hits] == [where]
    assert hits[0].severity == severity
    assert report.valid == (severity != "error")
    assert hits[0].message_vi and hits[0].message_en and hits[0].message_vi != hits[0].message_en


def test_threshold_is_a_setting(tmp_path):
    path = book(tmp_path, register_change=set0(ngay_qd=date(2026, 2, 25)))  # 23 days
    assert "approval-slow" in {f.rule for f in validate(path).findings}
    assert "approval-slow" not in {f.rule for f in validate(path, Settings(approval_days=30)).findings}


def test_reference_rates_are_settings(tmp_path):
    from toolkit.rates import Override, Rates

    path = book(tmp_path, register_change=set0(tien_te="EUR", gia_tri_nguyen_te=100_000, gia_tri_usd=50_000))
    own = Settings(rates=Rates((Override("EUR", date(2026, 1, 1), 0.5, "Quyết định của cụm"),)))
    assert "usd-rate-mismatch" not in {f.rule for f in validate(path, own).findings}


INFO_CASES = [
    ("info-missing", {"nguoi_lap": None}, "B5"),
    ("period-invalid", {"ky_bao_cao": "2026-H3"}, "B3"),
    ("province-code-invalid", {"ma_tinh": "99"}, "B1"),
    ("province-name-mismatch", {"ten_tinh": "Cà Mau"}, "B2"),
    ("template-version-old", {"phien_ban_mau": "0.9"}, "B9"),
    ("invalid-email", {"email": "mai.tran at gmail"}, "B6"),
]


@pytest.mark.parametrize("rule,info,ref", INFO_CASES, ids=[c[0] for c in INFO_CASES])
def test_info_rule(tmp_path, rule, info, ref):
    report = validate(book(tmp_path, info=info))
    assert (rule, INFO, ref) in report.flatten()


def test_province_name_variants_are_accepted(tmp_path):
    for i, name in enumerate(("TP. Cần Thơ", "Can Tho", "Thành phố Cần Thơ", "cần thơ")):
        report = validate(book(tmp_path, info={"ten_tinh": name}, name=f"v{i}.xlsx"))
        assert "province-name-mismatch" not in {f.rule for f in report.findings}, name


def test_old_province_code_for_a_2024_period(tmp_path):
    data = records(province="95", period="2024")
    path = write_book(
        tmp_path / "baclieu.xlsx",
        {"ma_tinh": "95", "ten_tinh": "Bạc Liêu", "ky_bao_cao": "2024"},
        data["needs"],
        data["register"],
    )
    report = validate(path)
    assert report.valid and report.province == "95"
    # the same code after the merger no longer exists, and the finding names its successor
    later = validate(
        write_book(
            tmp_path / "later.xlsx", {"ma_tinh": "95", "ten_tinh": "Bạc Liêu", "ky_bao_cao": "2026-H1"}, None, []
        )
    )
    found = [f for f in later.findings if f.rule == "province-code-invalid"]
    assert found and found[0].suggestion == "96 – Cà Mau"


def test_reused_code_means_the_province_of_its_date(tmp_path):
    kien_giang = write_book(
        tmp_path / "kg.xlsx", {"ma_tinh": "91", "ten_tinh": "Kiên Giang", "ky_bao_cao": "2024"}, None, []
    )
    an_giang = write_book(
        tmp_path / "ag.xlsx", {"ma_tinh": "91", "ten_tinh": "Kiên Giang", "ky_bao_cao": "2026"}, None, []
    )
    assert "province-name-mismatch" not in {f.rule for f in validate(kien_giang).findings}
    assert "province-name-mismatch" in {f.rule for f in validate(an_giang).findings}


def test_blank_form_is_not_an_error_but_a_filled_one_needs_info(tmp_path):
    data = records()
    info = {"nguoi_lap": None, "email": None}
    blank = validate(write_book(tmp_path / "blank.xlsx", info, [], []))
    filled = validate(write_book(tmp_path / "filled.xlsx", info, data["needs"], []))
    assert blank.valid and {f.severity for f in blank.findings if f.rule == "info-missing"} == {"warning"}
    assert not filled.valid and {f.severity for f in filled.findings if f.rule == "info-missing"} == {"error"}


def test_findings_are_deterministic_and_ordered(tmp_path):
    data = records(needs=5, register=5)
    data["register"][3]["tien_te"] = "EURO"
    data["needs"][4]["dia_ban"] = None
    data["needs"][1]["ma_de_xuat"] = "bad"
    path = write_book(tmp_path / "x.xlsx", {"email": "bad"}, data["needs"], data["register"])
    first, second = validate(path), validate(path)
    assert first.flatten() == second.flatten()
    sheets = [f.sheet for f in first.findings]
    assert sheets == sorted(sheets, key=[INFO, NEEDS, REGISTER, schema.ACTIVITIES_SHEET.vi].index)
    needs_rows = [f.row for f in first.findings if f.sheet == NEEDS]
    assert needs_rows == sorted(needs_rows)


def test_months_before_handles_month_ends():
    assert row_rules._months_before(date(2026, 8, 31), 6) == date(2026, 2, 28)
    assert row_rules._months_before(date(2026, 6, 30), 6) == date(2025, 12, 30)
