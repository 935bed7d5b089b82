"""The glossary: agency names, administrative units and beneficiary groups in English; place names
without diacritics and with their spaces; periods and dates in words."""

from datetime import date

from toolkit.glossary import agency_en, date_words, groups_en, is_vietnamese, period_words, place_en, plain
from toolkit.periods import Period


def test_place_names_lose_their_diacritics_and_keep_their_spaces():
    assert plain("Thới Lai") == "Thoi Lai" and plain("Trần Đề") == "Tran De" and plain("An Bình") == "An Binh"
    assert place_en("Xã Thới Lai, Cần Thơ") == "Thoi Lai Commune, Can Tho"
    assert place_en("Phường An Bình, thành phố Cần Thơ") == "An Binh Ward, Can Tho City"
    assert place_en("Thị trấn Cờ Đỏ, huyện Cờ Đỏ, tỉnh Cần Thơ") == "Co Do Township, Co Do District, Can Tho Province"
    assert place_en("Các xã ven biển") is None  # not a name: it stays Vietnamese, marked so


def test_agencies_come_from_the_glossary_with_their_place():
    assert agency_en("Sở Y tế") == "Provincial Department of Health"
    assert agency_en("Tỉnh đoàn") == "Provincial Youth Union"
    assert agency_en("Hội Chữ thập đỏ tỉnh") == "Provincial Red Cross Society"
    assert agency_en("hội chữ thập đỏ tỉnh  Cà Mau") == "Ca Mau Provincial Red Cross Society"
    assert agency_en("Sở Y tế tỉnh An Giang") == "An Giang Provincial Department of Health"
    assert agency_en("UBND xã Thới Lai") == "Thoi Lai Commune People's Committee"
    assert agency_en("Trường THCS Long Hòa") is None and agency_en("Sở Y tế mới") is None


def test_beneficiary_groups_only_when_every_one_is_known():
    assert groups_en("Hộ nghèo, trẻ em, phụ nữ") == "Poor households, children, women"
    assert groups_en("Hộ nghèo; người khuyết tật") == "Poor households, people with disabilities"
    assert groups_en("Hộ nghèo, thợ lặn") is None


def test_periods_and_dates_in_words():
    assert period_words(Period.parse("2026-H1"), "en") == "first half of 2026"
    assert period_words(Period.parse("2026-H1"), "vi") == "6 tháng đầu năm 2026"
    assert period_words(Period.parse("2025-H2"), "vi") == "6 tháng cuối năm 2025"
    assert period_words(Period.parse("2026"), "en") == "2026" and period_words(Period.parse("2026"), "vi") == "năm 2026"
    assert date_words(date(2026, 12, 2), "en") == "2 December 2026"
    assert date_words(date(2026, 12, 2), "vi") == "02/12/2026"


def test_vietnamese_is_told_by_its_diacritics():
    assert is_vietnamese("Thới Lai") and is_vietnamese("Đ") and not is_vietnamese("Thoi Lai — Can Tho")
