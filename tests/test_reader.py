"""Reading real office files: header drift, odd text, Vietnamese numbers and dates."""

import unicodedata
from datetime import date
from decimal import Decimal

from builders import records, write_book
from toolkit import legacy_encodings as legacy
from toolkit import schema
from toolkit.reader import read_workbook
from toolkit.validate import validate

NEEDS = schema.NEEDS_SHEET.vi


def rules(report):
    return {f.rule for f in report.findings}


def test_english_headers_and_sheet_names_are_read(tmp_path):
    data = records()
    path = write_book(
        tmp_path / "en.xlsx",
        None,
        data["needs"],
        data["register"],
        headers={"needs": [c.en for c in schema.NEEDS.columns]},
        sheet_names={"info": "Info", "needs": "Funding needs", "register": "Projects"},
    )
    wb = read_workbook(path)
    assert set(wb.tables) == {"needs", "register"}
    assert wb.tables["needs"].records[0].get("ma_de_xuat") == data["needs"][0]["ma_de_xuat"]
    report = validate(path)
    assert report.valid
    assert not [f for f in report.findings if f.rule == "header-loose-match"]  # the standard's own aliases
    [english] = [f for f in report.findings if f.rule == "headers-english"]  # once for the sheet, not 21 times
    assert english.severity == "info" and english.sheet == "Funding needs"
    assert dict(english.params)["count"] == len(schema.NEEDS.columns)
    assert [f.value for f in report.findings if f.rule == "sheet-name-loose"] == ["Info", "Funding needs", "Projects"]


def test_headers_without_diacritics_reordered_and_with_an_extra_column(tmp_path):
    data = records()
    keys = [c.key for c in schema.NEEDS.columns][::-1] + ["ghi_chu_rieng"]
    titles = [_strip(schema.NEEDS.column(k).vi).upper() for k in keys[:-1]] + ["Ghi chú riêng của tỉnh"]
    for record in data["needs"]:
        record["ghi_chu_rieng"] = "nội bộ"
    path = write_book(
        tmp_path / "drift.xlsx", None, data["needs"], data["register"], headers={"needs": titles, "needs_keys": keys}
    )
    wb = read_workbook(path)
    first = wb.tables["needs"].records[0]
    assert first.get("ten_vi") == data["needs"][0]["ten_vi"]
    assert first.cells["ma_de_xuat"].ref == f"{chr(65 + keys.index('ma_de_xuat'))}2" == "W2"
    report = validate(path)
    unknown = [f for f in report.findings if f.rule == "unknown-column"]
    assert [(f.value, f.severity) for f in unknown] == [("Ghi chú riêng của tỉnh", "warning")]
    assert report.valid


def test_missing_columns_are_reported_by_requiredness(tmp_path):
    data = records()
    keys = [c.key for c in schema.NEEDS.columns if c.key not in ("dia_ban", "doi_tuong")]
    path = write_book(tmp_path / "missing.xlsx", None, data["needs"], None, headers={"needs_keys": keys})
    found = {(f.column, f.severity) for f in validate(path).findings if f.rule == "missing-column"}
    assert found == {("dia_ban", "error"), ("doi_tuong", "warning")}


def test_unknown_header_gets_a_did_you_mean(tmp_path):
    data = records()
    keys = [c.key for c in schema.NEEDS.columns]
    titles = [schema.NEEDS.column(k).vi for k in keys]
    titles[keys.index("muc_tieu")] = "Mục tieu du an"
    path = write_book(tmp_path / "typo.xlsx", None, data["needs"], None, headers={"needs": titles})
    unknown = [f for f in validate(path).findings if f.rule == "unknown-column"]
    assert unknown[0].suggestion == "Mục tiêu"


def test_nfd_text_is_normalised_to_nfc(tmp_path):
    data = records()
    title = data["needs"][0]["ten_vi"]
    data["needs"][0]["ten_vi"] = "  " + unicodedata.normalize("NFD", title) + " "
    wb = read_workbook(write_book(tmp_path / "nfd.xlsx", None, data["needs"], None))
    value = wb.tables["needs"].records[0].get("ten_vi")
    assert value == unicodedata.normalize("NFC", title) and unicodedata.is_normalized("NFC", value)


def test_tcvn3_and_vni_text_by_content_are_converted_with_a_warning(tmp_path):
    data = records()
    data["needs"][0]["muc_tieu"] = legacy.from_unicode("Hỗ trợ người khuyết tật", "tcvn3")
    data["needs"][1]["muc_tieu"] = legacy.from_unicode("Nước sạch cho trường học", "vni")
    path = write_book(tmp_path / "legacy.xlsx", None, data["needs"], None)
    wb = read_workbook(path)
    assert wb.tables["needs"].records[0].get("muc_tieu") == "Hỗ trợ người khuyết tật"
    assert wb.tables["needs"].records[1].get("muc_tieu") == "Nước sạch cho trường học"
    warned = [(f.rule, f.cell, f.severity) for f in validate(path).findings if f.rule == "legacy-encoding"]
    assert warned == [("legacy-encoding", "I2", "warning"), ("legacy-encoding", "I3", "warning")]


def test_tcvn3_detected_by_the_cells_font(tmp_path):
    data = records()
    short = legacy.from_unicode("Hà Nội", "tcvn3")  # too short to be sure of by content alone
    data["needs"][0]["dia_ban"] = short
    path = write_book(tmp_path / "font.xlsx", None, data["needs"], None, font={("needs", "2:dia_ban"): ".VnTime"})
    wb = read_workbook(path)
    assert wb.tables["needs"].records[0].get("dia_ban") == "Hà Nội"


def test_tcvn3_capital_font_keeps_its_capitals(tmp_path):
    data = records()
    data["needs"][0]["dia_ban"] = legacy.from_unicode("Xã Tân Phú, Cần Thơ", "tcvn3", capital=True)
    path = write_book(tmp_path / "caps.xlsx", None, data["needs"], None, font={("needs", "2:dia_ban"): ".VnTimeH"})
    assert read_workbook(path).tables["needs"].records[0].get("dia_ban") == "XÃ TÂN PHÚ, CẦN THƠ"
    warned = [f for f in validate(path).findings if f.rule == "legacy-encoding"]
    assert warned[0].message_en.startswith("Text typed in the legacy TCVN3 font")


def test_vietnamese_numbers_and_dates_typed_as_text(tmp_path):
    data = records()
    data["needs"][0].update(
        tong_kinh_phi_usd="1.234.567,5",
        de_nghi_tai_tro_usd="1.000.000",
        von_doi_ung_usd="234.567,5",
        so_nguoi_huong_loi="1.200",
    )
    reg = data["register"][0]
    reg.update(
        tien_te="VND",
        gia_tri_nguyen_te="25,4 tỷ",
        gia_tri_usd="1.000.760",
        von_doi_ung_vnd="300 triệu",
        ngay_bat_dau="05/03/2026",
        ngay_ket_thuc="2027-03-05",
    )
    wb = read_workbook(write_book(tmp_path / "vn.xlsx", None, data["needs"], data["register"]))
    need, aid = wb.tables["needs"].records[0], wb.tables["register"].records[0]
    assert need.get("tong_kinh_phi_usd") == Decimal("1234567.5")
    assert need.get("so_nguoi_huong_loi") == 1200
    assert aid.get("gia_tri_nguyen_te") == Decimal("25400000000")
    assert aid.get("von_doi_ung_vnd") == Decimal("300000000")
    assert aid.get("ngay_bat_dau") == date(2026, 3, 5)  # dd/mm, never mm/dd
    assert aid.get("ngay_ket_thuc") == date(2027, 3, 5)


def test_month_first_dates_are_errors_not_guesses(tmp_path):
    data = records()
    data["register"][0]["ngay_bat_dau"] = "03/15/2026"
    report = validate(write_book(tmp_path / "us.xlsx", None, None, data["register"]))
    assert ("invalid-date", schema.REGISTER_SHEET.vi, "U2") in report.flatten()


def test_phone_leading_zero_is_kept(tmp_path):
    data = records()
    data["needs"][0]["dien_thoai"] = "0912345678"
    wb = read_workbook(write_book(tmp_path / "phone.xlsx", None, data["needs"], None))
    assert wb.tables["needs"].records[0].get("dien_thoai") == "0912345678"


def test_na_is_never_silently_blank(tmp_path):
    data = records()
    data["needs"][0]["so_nguoi_huong_loi"] = "NA"
    data["needs"][1]["doi_tuong"] = "n/a"
    data["register"][0]["quoc_gia"] = "NA"
    report = validate(write_book(tmp_path / "na.xlsx", None, data["needs"], data["register"]))
    got = {(f.rule, f.cell, f.severity) for f in report.findings if f.rule in ("placeholder-value", "country-code-na")}
    assert got == {
        ("placeholder-value", "K2", "error"),
        ("placeholder-value", "J3", "warning"),
        ("country-code-na", "G2", "warning"),
    }


def test_every_value_keeps_its_cell(tmp_path):
    data = records()
    wb = read_workbook(write_book(tmp_path / "cells.xlsx", None, data["needs"], data["register"]))
    record = wb.tables["register"].records[2]
    assert record.row == 4 and record.cells["ma_khoan"].ref == "B4" and record.cells["ma_khoan"].sheet == "Dự án PCPNN"
    assert wb.info["ky_bao_cao"].ref == "B3"


def _strip(text):
    return "".join(
        c
        for c in unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
        if not unicodedata.combining(c)
    )


def test_a_1_1_file_without_the_english_columns_stays_valid_and_is_not_told_of_them(tmp_path):
    data = records()
    keys = [c.key for c in schema.NEEDS.columns if c.key not in schema.ADDED_IN_1_2]
    path = write_book(
        tmp_path / "v11.xlsx", {"phien_ban_mau": "1.1"}, data["needs"], data["register"], headers={"needs_keys": keys}
    )
    report = validate(path)
    assert report.valid and not [f for f in report.findings if f.rule == "missing-column"]
    assert [(f.rule, f.severity) for f in report.findings if f.severity != "info"] == [
        ("template-version-old", "warning")
    ]  # told once that a newer template exists, not once per column
