"""The catalogue page (index.html) opened in headless Chromium: the view from the URL query, the
language switch, the download, and not one request leaving the page."""

import csv
import html
import io
import re
import unicodedata
from urllib.parse import urlencode

import pytest

from browser import open_page
from toolkit.catalogue import catalogue
from toolkit.numbers import format_number
from toolkit.sample import sample_workbook
from toolkit.schema import sectors

PROVINCES = ("82", "92", "96")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("page")
    for code in PROVINCES:
        sample_workbook(folder / "nop" / f"{code}.xlsx", code, "2026-H1", needs=25, register=3, seed=14)
    return catalogue([folder / "nop"], folder / "danh-muc")


def fold(text: str) -> str:
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


def expected(result, tinh="", linh_vuc="", hinh_thuc="", q="", tu=None, den=None) -> set[str]:
    """The ids a view should show, worked out from the library's needs (the oracle)."""
    labels = {s.code: f"{s.vi} {s.en}" for s in sectors()}
    out = set()
    for n in result.needs:
        words = fold(" ".join([n.id, n.title_vi, n.title_en, n.province, n.location, labels[n.sector],
                               n.objectives, n.beneficiary_groups, n.agency, n.contact]))
        if ((not tinh or n.province_code == tinh) and (not linh_vuc or n.sector == linh_vuc)
                and (not hinh_thuc or n.form == hinh_thuc) and all(w in words for w in fold(q).split())
                and (tu is None or n.requested_usd >= tu) and (den is None or n.requested_usd <= den)):
            out.add(n.id)
    return out


def test_without_a_query_every_open_need_is_one_visible_element_in_vietnamese(built):
    page, dom = open_page(built.page)
    assert page.lang == "vi"
    assert set(page.needs) == {n.id for n in built.needs} and page.shown == set(page.needs)
    assert len(re.findall(r'<article [^>]*data-id="', dom)) == len(built.needs)  # one element each
    first = built.needs[0]
    assert page.needs[first.id].title == first.title_vi
    assert page.needs[first.id].attrs["data-tinh"] == first.province_code
    assert f"{format_number(first.requested_usd, 'vi')} USD" in page.needs[first.id].text
    assert first.agency in page.needs[first.id].text and first.email in page.needs[first.id].text
    assert page.requests == []


def test_the_page_is_one_file_that_names_nothing_outside_itself(built):
    html = built.page.read_text(encoding="utf-8")
    assert not re.search(r'(src|href)="(?!data:|mailto:|#)', html)
    assert "@import" not in html and "url(" not in html and "@font-face" not in html
    assert "Content-Security-Policy" in html and "default-src 'none'" in html


VIEWS = [
    {"tinh": "92"},
    {"linh_vuc": "YT"},
    {"hinh_thuc": "du-an"},
    {"hinh_thuc": "phi-du-an"},
    {"q": "nuoc sach"},
    {"q": "NƯỚC SẠCH"},
    {"tinh": "96", "hinh_thuc": "du-an"},
    {"tinh": "92", "linh_vuc": "MT", "q": "nuoc"},
    {"tu": 100000, "den": 500000, "hinh_thuc": "du-an"},
]


@pytest.mark.parametrize("view", VIEWS, ids=lambda v: urlencode(v))
def test_each_query_parameter_alone_and_combined_sets_the_view(built, view):
    want = expected(built, **view)
    assert want and want != {n.id for n in built.needs}, "the sample data must make this view a real filter"
    page, _ = open_page(built.page, urlencode(view))
    assert page.shown == want
    assert set(page.needs) == {n.id for n in built.needs}  # the others are there, with `hidden`
    assert page.requests == []


def test_search_ignores_case_and_diacritics(built):
    page, _ = open_page(built.page, "q=Nuoc+SACH")
    assert page.shown and all("nuoc sach" in fold(" ".join(page.needs[i].text)) for i in page.shown)
    assert any("nước sạch" in page.needs[i].title.lower() for i in page.shown)
    assert not any("nước sạch" in n.title.lower() for n in page.needs.values() if n.hidden)


def test_lang_alone_sets_the_language_and_hides_nothing(built):
    for lang in ("en", "vi"):
        page, _ = open_page(built.page, f"lang={lang}")
        assert page.lang == lang and page.shown == {n.id for n in built.needs}


def test_lang_en_shows_the_english_titles_and_labels(built):
    page, dom = open_page(built.page, "lang=en&linh_vuc=YT")
    assert page.lang == "en"
    health = [n for n in built.needs if n.sector == "YT"]
    assert page.shown == {n.id for n in health}
    assert all(page.needs[n.id].title == n.title_en for n in health)
    text = page.needs[health[0].id].text
    assert "Health" in text and "Requested" in text
    assert f"{format_number(health[0].requested_usd, 'en')} USD" in text  # 1,234,567 in English
    assert "<title>Funding needs seeking donors" in dom


def test_the_language_switch_turns_the_page_english_and_back_keeping_the_view(built):
    click = "document.getElementById('lang').click();"
    page, dom = open_page(built.page, "tinh=92", then=click + "document.body.dataset.url = location.search;")
    assert page.lang == "en" and page.shown == expected(built, tinh="92")
    n = next(n for n in built.needs if n.province_code == "92")
    assert page.needs[n.id].title == n.title_en
    assert page.ids["lang"]["attrs"]["lang"] == "vi"  # the button now offers Tiếng Việt
    assert 'data-url="?lang=en&amp;tinh=92"' in dom  # the view is in the address, ready to be linked to
    back, _ = open_page(built.page, "lang=en", then=click)
    assert back.lang == "vi" and back.needs[n.id].title == n.title_vi


def test_filters_typed_in_the_page_hide_the_others_and_go_into_the_address(built):
    act = ("var s = document.getElementById('linh_vuc'); s.value = 'GD'; s.dispatchEvent(new Event('change'));"
           "document.body.dataset.url = location.search;")
    page, dom = open_page(built.page, then=act)
    assert page.shown == expected(built, linh_vuc="GD")
    assert 'data-url="?linh_vuc=GD"' in dom


def test_the_download_is_the_list_shown_as_csv(built):
    grab = ("URL.createObjectURL = function (blob) { blob.text().then(function (t) {"
            " document.body.dataset.csv = t; }); blob.arrayBuffer().then(function (b) {"
            " document.body.dataset.bom = new Uint8Array(b).slice(0, 3).join(','); }); return 'blob:x'; };"
            "HTMLAnchorElement.prototype.click = function () { document.body.dataset.file = this.download; };"
            "document.getElementById('csv').click();")
    _, dom = open_page(built.page, "tinh=96&hinh_thuc=du-an", then=grab)
    text = html.unescape(re.search(r'data-csv="([^"]*)"', dom).group(1))
    assert 'data-bom="239,187,191"' in dom  # UTF-8 with BOM: Excel reads the diacritics right
    assert 'data-file="danh-muc-keu-goi-tai-tro.csv"' in dom
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["Mã đề xuất", "Tên chương trình, dự án", "Tỉnh"]
    assert {r[0] for r in rows[1:]} == expected(built, tinh="96", hinh_thuc="du-an")


def test_the_page_has_the_accessible_parts(built):
    page, dom = open_page(built.page)
    for control in ("q", "tinh", "linh_vuc", "hinh_thuc", "tu", "den"):
        assert f'<label for="{control}">' in dom
    assert "<h1>" in dom and dom.count("<h3 ") == len(built.needs)
    assert page.ids["count"]["attrs"]["aria-live"] == "polite"
    assert "@media print" in dom


def test_the_detector_of_requests_does_see_a_page_that_fetches(built, tmp_path):
    leaky = tmp_path / "leaky.html"
    leaky.write_text('<!doctype html><html lang="vi"><body><img src="https://cdn.example.org/logo.png">'
                     '<script>fetch("https://fonts.example.org/x.woff2")</script></body></html>', encoding="utf-8")
    page, _ = open_page(leaky)
    assert set(page.requests) == {"https://cdn.example.org/logo.png", "https://fonts.example.org/x.woff2"}


def test_the_download_never_starts_a_cell_with_a_formula_character(tmp_path):
    from builders import records, write_book

    rows = records(needs=4, register=1)
    starts = ["＝HYPERLINK(\"http://example.com\")", "－1+1", " +1", "＠SUM(A1)"]
    for need, text in zip(rows["needs"], starts, strict=True):
        need.update(muc_tieu=text, trang_thai="Đang vận động")
    (tmp_path / "nop").mkdir()
    write_book(tmp_path / "nop" / "92.xlsx", None, rows["needs"], rows["register"])
    built = catalogue([tmp_path / "nop"], tmp_path / "danh-muc")
    assert sorted(n.objectives.strip() for n in built.needs) == sorted(t.strip() for t in starts)
    grab = ("URL.createObjectURL = function (blob) { blob.text().then(function (t) {"
            " document.body.dataset.csv = t; }); return 'blob:x'; };"
            "HTMLAnchorElement.prototype.click = function () {}; document.getElementById('csv').click();")
    _, dom = open_page(built.page, then=grab)
    rows = list(csv.reader(io.StringIO(html.unescape(re.search(r'data-csv="([^"]*)"', dom).group(1)))))
    column = rows[0].index("Mục tiêu")
    cells = sorted(r[column] for r in rows[1:])
    assert cells == sorted("'" + t.strip() for t in starts)  # the fullwidth ＝ and ＠ went through as formulas
