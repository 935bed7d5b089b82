"""ban-tin.pdf and ban-tin-en.pdf read back with pypdf: a cover with the introduction, the summary table,
every open need by province and sector, intact diacritics, each language in its own words and number
style, fonts embedded."""

import re
import unicodedata

import pytest
from pypdf import PdfReader

from toolkit import schema
from toolkit.catalogue.catalogue import catalogue
from toolkit.catalogue.result import OPEN_STATUSES
from toolkit.numbers import format_number
from toolkit.sample import sample_workbook


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bulletin")
    samples = [
        sample_workbook(folder / "nop" / f"{code}.xlsx", code, "2026-H1", needs=15, register=2, seed=21)
        for code in ("86", "92")
    ]
    return catalogue([folder / "nop"], folder / "danh-muc"), samples


def flat(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def test_every_open_need_is_in_the_bulletin_and_no_closed_one(built):
    result, samples = built
    reader = PdfReader(result.bulletin)
    text = flat(" ".join(page.extract_text() for page in reader.pages[1:]))
    ids = set(re.findall(r"\d{2}-N\d{4}-\d{3}", text))
    rows = [r for s in samples for r in s.rows["needs"]]
    assert ids == {r["ma_de_xuat"] for r in rows if r["trang_thai"] in OPEN_STATUSES}
    assert len(ids) < len(rows)  # the closed ones exist, and are not there


def test_diacritics_are_intact_in_titles_names_and_sectors(built):
    result, _ = built
    text = flat(" ".join(page.extract_text() for page in PdfReader(result.bulletin).pages))
    for need in result.needs:
        assert flat(need.title_vi) in text, need.title_vi
        assert flat(need.contact) in text and need.email in text
    labels = {s.code: s.vi for s in schema.sectors()}
    assert all(flat(labels[n.sector]) in text for n in result.needs)
    assert "Vĩnh Long" in text and "Cần Thơ" in text and "Đề nghị tài trợ" in text


def test_the_cover_names_the_publisher_and_the_period_in_words_and_the_needs_come_grouped(built):
    result, _ = built
    reader = PdfReader(result.bulletin)
    cover = flat(reader.pages[0].extract_text())
    assert "DANH MỤC KÊU GỌI TÀI TRỢ" in cover and "6 tháng đầu năm 2026" in cover and "2026-H1" not in cover
    total = sum(n.requested_usd for n in result.needs)
    assert f"{len(result.needs)} chương trình, dự án · Đề nghị tài trợ: {format_number(total, 'vi')} USD" in cover
    assert "Nghị định 313/2025/NĐ-CP" in cover
    body = flat(" ".join(p.extract_text() for p in reader.pages[1:]))
    assert body.index("86 · Vĩnh Long") < body.index("92 · Cần Thơ")
    for code in ("86", "92"):  # within a province, sector by sector in the order of sectors.csv
        mine = [n for n in result.needs if n.province_code == code]
        assert [n.sector for n in mine] == sorted(
            (n.sector for n in mine), key=[s.code for s in schema.sectors()].index
        )


def test_the_summary_by_province_and_sector_comes_before_the_needs(built):
    result, _ = built
    text = flat(" ".join(p.extract_text() for p in PdfReader(result.bulletin).pages[1:]))
    summary = text.index("Tổng hợp theo tỉnh và lĩnh vực")
    assert summary < min(text.index(n.id) for n in result.needs)
    table = text[summary : text.index(result.needs[0].id)]
    for code in ("86", "92"):
        mine = [n for n in result.needs if n.province_code == code]
        assert f"Các lĩnh vực {len(mine)} {format_number(sum(n.requested_usd for n in mine), 'vi')}" in table
    health = [n for n in result.needs if n.province_code == "92" and n.sector == "YT"]
    assert health and f"Y tế {len(health)} {format_number(sum(n.requested_usd for n in health), 'vi')}" in table
    assert f"Tổng cộng {len(result.needs)} {format_number(sum(n.requested_usd for n in result.needs), 'vi')}" in table


def test_the_english_edition_is_in_english_with_english_numbers_and_names_no_tool(built, tmp_path):
    result, _ = built
    reader = PdfReader(result.bulletin_en)
    cover = flat(reader.pages[0].extract_text())
    assert "PROJECTS SEEKING FUNDING" in cover and "first half of 2026" in cover
    assert f"Requested: {format_number(sum(n.requested_usd for n in result.needs), 'en')} USD" in cover
    assert "Decree 313/2025/ND-CP of 8 December 2025" in cover
    body = flat(" ".join(p.extract_text() for p in reader.pages[1:]))
    assert "Summary by province and sector" in body and "86 · Vinh Long" in body and "92 · Can Tho" in body
    need = result.needs[0]
    assert flat(need.title_en) in body and f"Requested: {format_number(need.requested_usd, 'en')} USD" in body
    assert flat(need.location_en) in body and "(in Vietnamese)" in body  # objectives only in Vietnamese here
    for path in (result.bulletin, result.bulletin_en):
        assert "aidkit" not in " ".join(p.extract_text() for p in PdfReader(path).pages).lower()
    english = sample_workbook(tmp_path / "nop" / "92.xlsx", "92", "2026-H1", needs=6, register=0, seed=3, english=True)
    filled = catalogue([tmp_path / "nop"], tmp_path / "out")
    text = flat(" ".join(p.extract_text() for p in PdfReader(filled.bulletin_en).pages))
    row = next(r for r in english.rows["needs"] if r["ma_de_xuat"] == filled.needs[0].id)
    assert flat(row["muc_tieu_en"]) in text and "(in Vietnamese)" not in text


def test_the_fonts_are_embedded(built):
    result, _ = built
    reader = PdfReader(result.bulletin)
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            descriptor = descendant["/FontDescriptor"].get_object()
            fonts[str(font["/BaseFont"])] = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
    assert fonts and all(fonts.values()), fonts
