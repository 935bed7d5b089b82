"""ban-tin.pdf read back with pypdf: a cover, every open need by province and sector, intact diacritics,
fonts embedded."""

import re
import unicodedata

import pytest
from pypdf import PdfReader

from toolkit import schema
from toolkit.catalogue import catalogue
from toolkit.catalogue_result import OPEN_STATUSES
from toolkit.sample import sample_workbook


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bulletin")
    samples = [sample_workbook(folder / "nop" / f"{code}.xlsx", code, "2026-H1", needs=15, register=2, seed=21)
               for code in ("86", "92")]
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


def test_the_cover_names_the_publisher_and_the_period_and_the_needs_come_grouped(built):
    result, _ = built
    reader = PdfReader(result.bulletin)
    cover = flat(reader.pages[0].extract_text())
    assert "DANH MỤC KÊU GỌI TÀI TRỢ" in cover and "Funding needs seeking donors" in cover
    assert "Kỳ / Period: 2026-H1" in cover and f"{len(result.needs)} chương trình, dự án" in cover
    body = flat(" ".join(p.extract_text() for p in reader.pages[1:]))
    assert body.index("86 · Vĩnh Long") < body.index("92 · Cần Thơ")
    for code in ("86", "92"):  # within a province, sector by sector in the order of sectors.csv
        mine = [n for n in result.needs if n.province_code == code]
        assert [n.sector for n in mine] == sorted((n.sector for n in mine),
                                                  key=[s.code for s in schema.sectors()].index)


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
