import json
from pathlib import Path

from builders import load_script
from toolkit import schema
from toolkit.vocabulary import country_index, country_name_vi, did_you_mean, sector_index

ROOT = Path(__file__).resolve().parents[1]


def test_iso_data_matches_pycountry():
    module = load_script("refresh_iso")
    on_disk = json.loads((ROOT / "toolkit" / "data" / "iso.json").read_text(encoding="utf-8"))
    assert on_disk == json.loads(module.render()), "run: python scripts/refresh_iso.py"


def test_countries_in_vietnamese_english_and_variants():
    index = country_index()
    for text, code in (
        ("Hàn Quốc", "KR"),
        ("Nam Hàn", "KR"),
        ("Anh", "GB"),
        ("United Kingdom", "GB"),
        ("Hoà Lan", "NL"),
        ("Hòa Lan", "NL"),
        ("Germany", "DE"),
        ("Campuchia", "KH"),
        ("Hoa Kỳ", "US"),
        ("Mỹ", "US"),
    ):
        assert index[_fold(text)] == code, text
    assert country_name_vi("KR") == "Hàn Quốc" and country_name_vi("NA") == "Namibia"


def test_sectors_by_code_and_labels():
    index = sector_index()
    for s in schema.sectors():
        assert index[_fold(s.code)] == index[_fold(s.vi)] == index[_fold(s.en)] == s.code


def test_did_you_mean_ignores_diacritics_and_case():
    assert did_you_mean("dang thuc hien", list(schema.REGISTER_STATUSES)) == "Đang thực hiện"
    assert did_you_mean("zzzz", list(schema.REGISTER_STATUSES)) == ""


def _fold(text):
    from toolkit.text import fold

    return fold(text)
