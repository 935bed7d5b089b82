"""The catalogue page (index.html) opened in headless Chromium: the view from the URL query, the
language switch, the download, and not one request leaving the page."""

import csv
import html
import io
import re
import unicodedata
from urllib.parse import urlencode

import pytest

from browser import open_page, unmarked_vietnamese
from toolkit.catalogue.catalogue import catalogue
from toolkit.glossary import date_words
from toolkit.numbers import format_number
from toolkit.sample import sample_control, sample_workbook
from toolkit.schema import sectors

PROVINCES = ("82", "92", "96")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("page")
    for code in PROVINCES:
        sample_workbook(folder / "nop" / f"{code}.xlsx", code, "2026-H1", needs=25, register=3, seed=14)
    return catalogue([folder / "nop"], folder / "danh-muc")


@pytest.fixture(scope="module")
def built_en(tmp_path_factory):
    """The same provinces with the English columns of template 1.2 filled, and a control workbook."""
    folder = tmp_path_factory.mktemp("page-en")
    control = sample_control(folder / "dieu-hanh.xlsx", provinces=PROVINCES)
    for code in PROVINCES:
        sample_workbook(folder / "nop" / f"{code}.xlsx", code, "2026-H1", needs=25, register=3, seed=14, english=True)
    return catalogue([folder / "nop"], folder / "danh-muc", control=control)


def fold(text: str) -> str:
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


def expected(result, tinh="", linh_vuc="", hinh_thuc="", q="", tu=None, den=None) -> set[str]:
    """The ids a view should show, worked out from the library's needs (the oracle)."""
    labels = {s.code: f"{s.vi} {s.en}" for s in sectors()}
    out = set()
    for n in result.needs:
        words = fold(
            " ".join(
                [
                    n.id,
                    n.title_vi,
                    n.title_en,
                    n.province,
                    n.location,
                    labels[n.sector],
                    n.objectives,
                    n.beneficiary_groups,
                    n.agency,
                    n.contact,
                ]
            )
        )
        if (
            (not tinh or n.province_code == tinh)
            and (not linh_vuc or n.sector == linh_vuc)
            and (not hinh_thuc or n.form == hinh_thuc)
            and all(w in words for w in fold(q).split())
            and (tu is None or n.requested_usd >= tu)
            and (den is None or n.requested_usd <= den)
        ):
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
    assert not re.search(r'(src|href)="(?!data:|mailto:|#|ban-tin\.pdf"|ban-tin-en\.pdf"|danh-muc\.xlsx")', html)
    for name in ("ban-tin.pdf", "ban-tin-en.pdf", "danh-muc.xlsx"):  # the links are to the files written beside it
        assert f'href="{name}"' in html and (built.folder / name).is_file()
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
    assert "<title>Projects seeking funding" in dom


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
    act = (
        "var s = document.getElementById('linh_vuc'); s.value = 'GD'; s.dispatchEvent(new Event('change'));"
        "document.body.dataset.url = location.search;"
    )
    page, dom = open_page(built.page, then=act)
    assert page.shown == expected(built, linh_vuc="GD")
    assert 'data-url="?linh_vuc=GD"' in dom


def test_the_download_is_the_list_shown_as_csv(built):
    grab = (
        "URL.createObjectURL = function (blob) { blob.text().then(function (t) {"
        " document.body.dataset.csv = t; }); blob.arrayBuffer().then(function (b) {"
        " document.body.dataset.bom = new Uint8Array(b).slice(0, 3).join(','); }); return 'blob:x'; };"
        "HTMLAnchorElement.prototype.click = function () { document.body.dataset.file = this.download; };"
        "document.getElementById('csv').click();"
    )
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
    leaky.write_text(
        '<!doctype html><html lang="vi"><body><img src="https://cdn.example.org/logo.png">'
        '<script>fetch("https://fonts.example.org/x.woff2")</script></body></html>',
        encoding="utf-8",
    )
    page, _ = open_page(leaky)
    assert set(page.requests) == {"https://cdn.example.org/logo.png", "https://fonts.example.org/x.woff2"}


GRAB_CSV = (
    "URL.createObjectURL = function (blob) { blob.text().then(function (t) {"
    " document.body.dataset.csv = t; }); return 'blob:x'; };"
    "HTMLAnchorElement.prototype.click = function () { document.body.dataset.file = this.download; };"
    "document.getElementById('csv').click();"
)


def test_the_detector_of_unmarked_vietnamese_sees_it_and_respects_the_marks():
    dom = (
        '<html lang="en"><body><p>Thới Lai</p><p lang="vi">Thới <b>Lai</b> Đồng</p><p>Thoi Lai</p>'
        '<p>Đ</p><img alt="x"><span lang="vi">ừ</span><em>ở</em><script>"Việt"</script></body></html>'
    )
    assert unmarked_vietnamese(dom) == ["Thới Lai", "Đ", "ở"]


@pytest.mark.parametrize("which", ["built", "built_en"])
def test_the_english_view_has_no_vietnamese_outside_elements_marked_vi(which, request):
    result = request.getfixturevalue(which)
    for query, then in (("lang=en", None), ("tinh=92", "document.getElementById('lang').click();")):
        page, dom = open_page(result.page, query, then=then)
        assert page.lang == "en" and page.shown
        assert unmarked_vietnamese(dom) == [], query
    _, vietnamese = open_page(result.page)  # the Vietnamese view is marked lang="vi" from the root
    assert unmarked_vietnamese(vietnamese.replace('<html lang="vi"', '<html lang="en"', 1))


def test_in_english_a_value_only_in_vietnamese_is_marked_and_said_so(built, built_en):
    need = built.needs[0]
    assert not need.objectives_en
    _, dom = open_page(built.page, "lang=en")
    article = dom[dom.index(f'data-id="{need.id}"') :]
    article = article[: article.index("</article>")]
    vietnamese = html.escape(need.objectives, quote=False)
    assert f'<span lang="vi">{vietnamese}</span><span class="in-vi"> (in Vietnamese)' in article
    assert need.location_en and need.agency_en and f"<dd>{html.escape(need.agency_en, quote=False)}</dd>" in article
    _, filled = open_page(built_en.page, "lang=en")
    assert 'class="in-vi"' not in filled
    assert all(html.escape(n.objectives_en, quote=False) in filled for n in built_en.needs)


def test_each_language_writes_numbers_dates_and_the_period_its_own_way(built_en):
    need = built_en.needs[0]
    total = sum(n.requested_usd for n in built_en.needs)
    page, dom = open_page(built_en.page, "lang=en")
    assert f"{format_number(need.requested_usd, 'en')} USD" in page.needs[need.id].text
    assert page.ids["total"]["text"] == "" and f"Total requested: {format_number(total, 'en')} USD" in dom
    assert "first half of 2026" in dom and "2026-H1" not in dom.split('id="aidkit-data"')[0]
    assert f"Updated {date_words(__import__('datetime').date.today(), 'en')}" in dom
    assert "Cluster 5 — Mekong Delta" in dom and "<title>Projects seeking funding – Cluster 5 — Mekong Delta" in dom
    page, dom = open_page(built_en.page)
    assert f"{format_number(need.requested_usd, 'vi')} USD" in page.needs[need.id].text
    assert f"Tổng đề nghị tài trợ: {format_number(total, 'vi')} USD" in dom and "6 tháng đầu năm 2026" in dom


def test_the_total_is_the_list_shown_and_follows_the_filters(built):
    mine = [n for n in built.needs if n.province_code == "92"]
    _, dom = open_page(built.page, "lang=en&tinh=92")
    assert f"Total requested: {format_number(sum(n.requested_usd for n in mine), 'en')} USD" in dom
    act = "var s = document.getElementById('linh_vuc'); s.value = 'YT'; s.dispatchEvent(new Event('change'));"
    health = [n for n in mine if n.sector == "YT"]
    _, dom = open_page(built.page, "tinh=92", then=act)
    assert health and len(health) < len(mine)
    assert f"Tổng đề nghị tài trợ: {format_number(sum(n.requested_usd for n in health), 'vi')} USD" in dom


MEASURE = (
    "var first = document.querySelector('article.need:not([hidden])'), h3 = first.querySelector('h3');"
    "var form = document.getElementById('filters');"
    "document.body.dataset.top = Math.round(first.getBoundingClientRect().top);"
    "document.body.dataset.title = Math.round(h3.getBoundingClientRect().bottom);"
    "document.body.dataset.amount = Math.round(first.querySelector('.big').getBoundingClientRect().bottom);"
    "document.body.dataset.screen = window.innerHeight; document.body.dataset.width = window.innerWidth;"
    "document.body.dataset.filters = getComputedStyle(form).display;"
    "document.getElementById('show-filters').click();"
    "document.body.dataset.opened = getComputedStyle(form).display;"
)


def measured(dom: str) -> dict[str, str]:
    return dict(re.findall(r'data-(top|title|amount|screen|width|filters|opened)="([^"]*)"', dom))


@pytest.mark.parametrize("query", ["", "lang=en"])
def test_on_a_phone_the_filters_wait_behind_a_button_and_the_first_project_is_on_the_first_screen(built_en, query):
    _, dom = open_page(built_en.page, query, then=MEASURE, size=(390, 844))
    m = measured(dom)  # a 390 × 844 window leaves Chromium a viewport about 700 px high, as a phone's browser does
    assert int(m["width"]) == 390 and 600 < int(m["screen"]) <= 844
    assert int(m["title"]) < int(m["amount"]) <= int(m["screen"]), m  # its title and amount, without scrolling
    assert m["filters"] == "none" and m["opened"] == "block"
    _, wide = open_page(built_en.page, query, then=MEASURE, size=(1280, 900))
    assert measured(wide)["filters"] == "block"  # beside the list on a wide screen


def test_the_english_download_has_english_headers_values_and_numbers(built_en):
    _, dom = open_page(built_en.page, "lang=en&tinh=92", then=GRAB_CSV)
    assert 'data-file="projects-seeking-funding.csv"' in dom
    rows = list(csv.reader(io.StringIO(html.unescape(re.search(r'data-csv="([^"]*)"', dom).group(1)))))
    assert rows[0] == [
        "Proposal ID",
        "Title",
        "Province",
        "Location",
        "Sector",
        "Type of aid",
        "Duration",
        "Total budget (USD)",
        "Requested (USD)",
        "Counterpart (USD)",
        "Beneficiaries",
        "Beneficiary groups",
        "Objectives",
        "Proposing agency",
        "Contact person",
        "E-mail",
    ]
    mine = {n.id: n for n in built_en.needs if n.province_code == "92"}
    assert {r[0] for r in rows[1:]} == set(mine)
    for r in rows[1:]:
        n = mine[r[0]]
        assert r[1:4] == [n.title_en, "Can Tho", n.location_en]
        assert r[8] == format_number(n.requested_usd, "en") and r[12] == n.objectives_en and r[13] == n.agency_en
        assert not any(unmarked_vietnamese(f"<p>{html.escape(v)}</p>") for v in r)


def test_the_wording_donors_read_and_no_tool_name(built_en):
    _, dom = open_page(built_en.page, "lang=en")
    for words in (
        "Projects seeking funding",
        "Non-project aid",
        "Type of aid",
        "Clear filters",
        "Decree 313/2025/ND-CP",
        "truongcum5@example.vn",
        "Cluster 5 Office",
        "12 Hoa Binh, Ninh Kieu, Can Tho",
    ):
        assert words in dom, words
    assert "Funding needs seeking donors" not in dom and "Clear the filters" not in dom
    visible = re.sub(r"<script.*?</script>|<style>.*?</style>|<[^>]+>", " ", dom, flags=re.S)
    assert "aidkit" not in visible.lower()


def test_printing_the_page_points_to_the_bulletin_and_stays_short(built, tmp_path):
    import subprocess

    from pypdf import PdfReader

    from browser import CHROMIUM, FLAGS

    out = tmp_path / "in.pdf"
    subprocess.run(
        [
            CHROMIUM,
            *FLAGS,
            f"--user-data-dir={tmp_path}/profile",
            "--no-pdf-header-footer",
            f"--print-to-pdf={out}",
            built.page.as_uri(),
        ],
        capture_output=True,
        timeout=120,
        check=True,
    )
    pages = PdfReader(out).pages
    first = " ".join(pages[0].extract_text().split())
    assert "bản tin ban-tin.pdf" in first and "Lọc danh mục" not in first
    assert len(pages) <= len(built.needs) / 5  # about eight needs a page: the list, not the screen's chrome


def test_the_download_never_starts_a_cell_with_a_formula_character(tmp_path):
    from builders import records, write_book

    rows = records(needs=4, register=1)
    starts = ['＝HYPERLINK("http://example.com")', "－1+1", " +1", "＠SUM(A1)"]
    for need, text in zip(rows["needs"], starts, strict=True):
        need.update(muc_tieu=text, trang_thai="Đang vận động")
    (tmp_path / "nop").mkdir()
    write_book(tmp_path / "nop" / "92.xlsx", None, rows["needs"], rows["register"])
    built = catalogue([tmp_path / "nop"], tmp_path / "danh-muc")
    assert sorted(n.objectives.strip() for n in built.needs) == sorted(t.strip() for t in starts)
    grab = (
        "URL.createObjectURL = function (blob) { blob.text().then(function (t) {"
        " document.body.dataset.csv = t; }); return 'blob:x'; };"
        "HTMLAnchorElement.prototype.click = function () {}; document.getElementById('csv').click();"
    )
    _, dom = open_page(built.page, then=grab)
    rows = list(csv.reader(io.StringIO(html.unescape(re.search(r'data-csv="([^"]*)"', dom).group(1)))))
    column = rows[0].index("Mục tiêu")
    cells = sorted(r[column] for r in rows[1:])
    assert cells == sorted("'" + t.strip() for t in starts)  # the fullwidth ＝ and ＠ went through as formulas
