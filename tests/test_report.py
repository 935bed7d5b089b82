"""aidkit report: the Word review report, read back with python-docx; figures recomputed from the input rows."""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import zipfile
from collections import Counter
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document
from docx.shared import Pt

from cluster import drop, make_cluster
from toolkit import schema
from toolkit.cli import cli
from toolkit.periods import Period
from toolkit.rates import Rates
from toolkit.report import place_and_date, report, subject
from toolkit.sample import sample_targets, sample_workbook

PERIOD = "2026-H1"
START, END = date(2026, 1, 1), date(2026, 6, 30)
TODAY = date(2026, 7, 21)
SETTINGS = {
    "co_quan_cap_tren": "Ủy ban nhân dân tỉnh Cà Mau",
    "co_quan_ban_hanh": "Liên hiệp các tổ chức hữu nghị tỉnh Cà Mau",
    "dia_danh": "Cà Mau",
    "ky_hieu_bao_cao": "BC-LHH",
    "nguoi_ky": "Nguyễn Văn An",
    "chuc_vu_nguoi_ky": "TM. Cụm thi đua số 5;Cụm trưởng",
    "noi_nhan": "Liên hiệp các tổ chức hữu nghị Việt Nam;Các tỉnh thành viên Cụm 5",
}
#: Rows that must land on the lists that need action (82's file).
EXPIRING = {
    "ma_khoan": "82-V2026-901",
    "trang_thai": "Đang thực hiện",
    "het_han_gdk": date(2026, 8, 20),
    "ngay_nhan_hs": date(2026, 2, 2),
    "ngay_qd": date(2026, 2, 20),
    "ngay_bat_dau": date(2026, 3, 1),
    "ngay_ket_thuc": date(2026, 9, 30),
    "so_qd": "901/QĐ-UBND",
}
STALE = {
    "ma_khoan": "82-V2026-902",
    "trang_thai": "Đã phê duyệt",
    "ngay_nhan_hs": date(2025, 10, 1),
    "ngay_qd": date(2025, 10, 20),
    "ngay_bat_dau": date(2025, 11, 1),
    "ngay_ket_thuc": date(2026, 11, 1),
    "so_qd": "902/QĐ-UBND",
    "giai_ngan_ky_usd": None,
    "giai_ngan_luy_ke_usd": None,
}
WAITING = {
    "ma_khoan": "82-V2026-903",
    "trang_thai": "Chờ phê duyệt",
    "ngay_nhan_hs": date(2026, 6, 25),
    "so_qd": None,
    "ngay_qd": None,
}  # 26 days on the report's date, 5 at the period's end
ARRIVALS = {
    "82": (date(2026, 7, 5), ()),
    "86": (date(2026, 7, 10), ("missing-value",)),
    "92": (date(2026, 7, 20), ()),
}  # 91 and 96 never send; 92 is late (due 15/07)
LAST_YEAR = ("82", "92")  # their 2025-H1 files are still in the submissions folder
STATE = {"82": "Hợp lệ", "86": "Không hợp lệ", "92": "Nộp muộn", "91": "Chưa nộp", "96": "Chưa nộp"}
NAMES = {"82": "Đồng Tháp", "86": "Vĩnh Long", "91": "An Giang", "92": "Cần Thơ", "96": "Cà Mau"}
HEADINGS = [
    "I. ĐẶC ĐIỂM, TÌNH HÌNH",
    "II. KẾT QUẢ THỰC HIỆN",
    "1. Công tác đối ngoại nhân dân",
    "2. Công tác vận động viện trợ phi chính phủ nước ngoài",
    "3. Công tác quản lý hoạt động của các tổ chức phi chính phủ nước ngoài",
    "4. Công tác phối hợp trong cụm",
    "III. ĐÁNH GIÁ CHUNG",
    "1. Ưu điểm",
    "2. Tồn tại, hạn chế",
    "3. Nguyên nhân",
    "4. Bài học kinh nghiệm",
    "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ 6 THÁNG CUỐI NĂM 2026",
    "V. KIẾN NGHỊ, ĐỀ XUẤT",
    "PHỤ LỤC",
]


def _vn(value: float) -> str:
    """Whole numbers grouped the Vietnamese way, computed here rather than by the code under test."""
    return f"{round(value):,}".replace(",", ".")


def _days(value: float) -> str:
    value = round(value, 1)
    return (str(int(value)) if value == int(value) else f"{value:.1f}").replace(".", ",")


def _change(now: float, before: float) -> str:
    pct = round((now - before) / before * 100)
    return f"so với cùng kỳ năm trước {'tăng' if pct > 0 else 'giảm'} {abs(pct)}%" if pct else "bằng cùng kỳ năm trước"


def _text(doc) -> str:
    return "\n".join(p.text for p in doc.paragraphs).replace("\xa0", " ")


def _stamp(path: Path, day: date) -> None:
    stamp = datetime.combine(day, time(9)).timestamp()
    os.utime(path, (stamp, stamp))


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    folder = tmp_path_factory.mktemp("report")
    targets = sample_targets(tuple(NAMES), 2026)
    control = make_cluster(folder, targets=targets, **SETTINGS)
    samples, last = {}, {}
    for code, (day, defects) in ARRIVALS.items():
        also = (EXPIRING, STALE, WAITING) if code == "82" else ()
        seed = 12 if code == "86" else 11  # 86's missing value then falls on an open need (not in the catalogue)
        sample = sample_workbook(folder / "nop" / f"{code}.xlsx", code, PERIOD, seed=seed, defects=defects, also=also)
        _stamp(sample.path, day)
        samples[code] = sample.rows
    for code in LAST_YEAR:
        sample = sample_workbook(folder / "nop" / f"{code}_2025-H1.xlsx", code, "2025-H1", seed=5)
        _stamp(sample.path, date(2025, 7, 10))
        last[code] = sample.rows
    result = report(control, PERIOD, now=str(TODAY))
    return control, samples, result, Document(str(result.output)), last, {t.code: t for t in targets}


def one_member(folder: Path, **settings) -> Path:
    """A cluster of 92 alone, whose file has arrived (a report needs a submission to read)."""
    control = make_cluster(folder, provinces=("92",), **settings)
    drop(control, "92.xlsx", "92", date(2026, 7, 3))
    return control


def _approved(rows, start=START, end=END):
    return [
        r
        for r in rows["register"]
        if r["trang_thai"] in schema.APPROVED_STATUSES and r.get("ngay_qd") and start <= r["ngay_qd"] <= end
    ]


def _table(doc, first_header: str):
    return next(t for t in doc.tables if t.rows[0].cells[0].text == first_header)


def _signature(doc):
    """The signature block's two cells: Nơi nhận, and who signs."""
    return next(t for t in doc.tables if t.rows[0].cells[0].text.startswith("Nơi nhận:")).rows[0].cells


def test_default_output_is_in_the_output_folder(written):
    control, _, result, *_ = written
    assert result.output == control.parent / "ket-qua" / "bao-cao_2026-H1.docx"
    assert result.workbook == control.parent / "ket-qua" / "tong-hop_2026-H1.xlsx"


def test_page_a4_margins_and_page_numbers_from_page_two(written):
    doc = written[3]
    s = doc.sections[0]
    assert (round(s.page_width.mm), round(s.page_height.mm)) == (210, 297)  # A4 portrait
    assert 20 <= round(s.top_margin.mm) <= 25 and 20 <= round(s.bottom_margin.mm) <= 25
    assert 30 <= round(s.left_margin.mm) <= 35 and 15 <= round(s.right_margin.mm) <= 20
    assert s.different_first_page_header_footer  # page 1 has its own (empty) header
    assert "".join(p.text for p in s.first_page_header.paragraphs) == ""
    header = s.header.paragraphs[0]
    assert header.alignment == 1 and "PAGE" in header._p.xml  # centred page-number field


def test_times_new_roman_throughout(written):
    doc = written[3]
    assert doc.styles["Normal"].font.name == "Times New Roman"
    fonts = {r.font.name for p in doc.paragraphs for r in p.runs}
    fonts |= {
        r.font.name for t in doc.tables for row in t.rows for c in row.cells for p in c.paragraphs for r in p.runs
    }
    assert fonts <= {None, "Times New Roman"}  # None: the Normal style's


def test_body_text_is_justified_indented_and_spaced(written):
    doc = written[3]
    normal = doc.styles["Normal"]
    assert Pt(13) <= normal.font.size <= Pt(14)
    fmt = normal.paragraph_format
    assert fmt.alignment == 3 and 1.0 <= fmt.first_line_indent.cm <= 1.27 and fmt.space_after >= Pt(6)


def test_letterhead_title_and_subject(written):
    doc = written[3]
    left, right = doc.tables[0].rows[0].cells
    lines = [p for p in left.paragraphs if p.text]
    assert [p.text for p in lines] == [
        "ỦY BAN NHÂN DÂN TỈNH CÀ MAU",
        "LIÊN HIỆP CÁC TỔ CHỨC HỮU NGHỊ TỈNH CÀ MAU",
        "Số: …/BC-LHH",
    ]
    assert not lines[0].runs[0].bold and lines[1].runs[0].bold
    lines = [p for p in right.paragraphs if p.text]
    assert [p.text for p in lines] == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Cà Mau, ngày 21 tháng 7 năm 2026",
    ]
    assert lines[0].runs[0].bold and Pt(12) <= lines[0].runs[0].font.size <= Pt(13)
    assert lines[1].runs[0].bold and Pt(13) <= lines[1].runs[0].font.size <= Pt(14)
    assert lines[2].runs[0].italic
    texts = [p.text for p in doc.paragraphs]
    title = texts.index("BÁO CÁO")
    assert doc.paragraphs[title].runs[0].bold
    assert texts[title + 1] == (
        "Sơ kết công tác vận động và quản lý viện trợ phi chính phủ nước ngoài 6\xa0tháng đầu "
        "năm 2026 của Cụm thi đua số 5 — Đồng bằng sông Cửu Long"
    )  # "6 tháng" never breaks
    assert doc.paragraphs[title + 1].runs[0].bold


def test_every_heading_of_the_review_in_order_and_kept_with_the_next(written):
    doc = written[3]
    paragraphs = [(p.text.replace("\xa0", " "), p) for p in doc.paragraphs]
    found = [i for heading in HEADINGS for i, (text, _) in enumerate(paragraphs) if text == heading]
    assert len(found) == len(HEADINGS) and found == sorted(found)
    assert all(paragraphs[i][1].paragraph_format.keep_with_next for i in found)
    assert all(paragraphs[i][1].runs[0].bold for i in found)
    assert paragraphs[found[-1]][1].paragraph_format.page_break_before  # the appendices start a page


def test_people_to_people_work_counted_by_type(written):
    _, samples, _, doc, last, _ = written
    text = _text(doc)
    rows = [a for code in samples for a in samples[code]["activities"] if START <= a["ngay_bat_dau"] <= END]
    before = sum(len(last[c]["activities"]) for c in LAST_YEAR)
    assert (
        f"tổ chức, phối hợp tổ chức {len(rows)} hoạt động đối ngoại nhân dân ({_change(len(rows), before)}), gồm:"
    ) in text
    counts = Counter(a["loai_hoat_dong"] for a in rows)
    kinds = [f"- {kind}: {counts[kind]} hoạt động" for kind in schema.ACTIVITY_TYPES if counts[kind]]
    assert len(kinds) > 3 and "\n".join([*(k + ";" for k in kinds[:-1]), kinds[-1] + "."]) in text  # ";" then "."
    countries = {a["quoc_gia"] for a in rows}
    assert f"Đối tác đến từ {len(countries)} quốc gia, vùng lãnh thổ" in text
    listed = next(t for t in doc.tables if t.rows[0].cells[-1].text == "Số người")
    assert len(listed.rows) - 1 == len(rows)  # Phụ lục 4: every activity


def test_aid_in_usd_and_vnd_and_against_last_year(written):
    _, samples, _, doc, last, _ = written
    text = _text(doc)
    approved = [r for rows in samples.values() for r in _approved(rows)]
    usd = sum(r["gia_tri_usd"] for r in approved)
    vnd = 1 / Rates().rate("VND", END).usd_per_unit
    before = [r for rows in last.values() for r in _approved(rows, date(2025, 1, 1), date(2025, 6, 30))]
    assert (
        f"đã vận động và được Ủy ban nhân dân tỉnh phê duyệt tiếp nhận {len(approved)} khoản viện trợ "
        f"({_change(len(approved), len(before))}), tổng giá trị {_vn(usd)} USD (khoảng {_vn(usd * vnd / 1e6)} "
        f"triệu đồng), {_change(usd, sum(r['gia_tri_usd'] for r in before))}."
    ) in text
    assert f"theo tỷ giá {_vn(vnd)} đồng/USD ngày 30/06/2026" in text
    open_needs = [
        r for rows in samples.values() for r in rows["needs"] if r["trang_thai"] in ("Mới đề xuất", "Đang vận động")
    ]  # as the catalogue lists them
    requested = sum(r["de_nghi_tai_tro_usd"] for r in open_needs)
    assert (
        f"đang vận động tài trợ cho {len(open_needs)} đề xuất (chưa có nhà tài trợ, chưa dừng), tổng đề nghị tài "
        f"trợ {_vn(requested)} USD (khoảng {_vn(requested * vnd / 1e6)} triệu đồng)"
    ) in text


def test_open_needs_agree_with_the_donor_catalogue(written, tmp_path):
    from toolkit.catalogue.catalogue import catalogue

    control, samples, _, doc, _, _ = written
    text = _text(doc)
    listed = catalogue(None, tmp_path / "danh-muc", period=PERIOD, control=control)
    open_needs = [
        r for rows in samples.values() for r in rows["needs"] if r["trang_thai"] in ("Mới đề xuất", "Đang vận động")
    ]
    held = len(listed.left_out)
    assert held and len(listed.needs) + held == len(open_needs)  # 86's file has an open need with an error
    assert (
        f"giới thiệu tới nhà tài trợ qua danh mục kêu gọi tài trợ của cụm ({len(listed.needs)} đề xuất; {held} "
        "đề xuất còn lỗi số liệu chưa đưa vào danh mục)."
    ) in text


def test_results_against_the_years_targets(written):
    _, samples, _, doc, _, targets = written
    text = _text(doc)
    every = [r for rows in samples.values() for r in _approved(rows)]
    cluster = sum(r["gia_tri_usd"] for r in every) / sum(t.usd for t in targets.values())
    assert f"toàn cụm giá trị viện trợ vận động đạt {round(cluster * 100)}%" in text
    for code, rows in samples.items():
        t, approved = targets[code], _approved(rows)
        acts = [a for a in rows["activities"] if START <= a["ngay_bat_dau"] <= END]
        end = "." if code == "96" else ";"  # Cà Mau is the list's last member
        assert (
            f"- {NAMES[code]}: đạt {round(sum(r['gia_tri_usd'] for r in approved) / t.usd * 100)}% chỉ tiêu năm "
            f"về giá trị viện trợ, {round(len(approved) / t.projects * 100)}% về số dự án, "
            f"{round(len(acts) / t.activities * 100)}% về số hoạt động{end}"
        ) in text
    assert "- An Giang: chưa gửi báo cáo, chưa đánh giá được kết quả so với chỉ tiêu;" in text
    table = next(t for t in doc.tables if t.rows[0].cells[1].text == "Chỉ tiêu viện trợ (USD)")  # Phụ lục 1
    body = {row.cells[0].text: [c.text for c in row.cells] for row in table.rows[1:]}
    for code, rows in samples.items():
        usd = sum(r["gia_tri_usd"] for r in _approved(rows))
        assert body[NAMES[code]][1:4] == [_vn(targets[code].usd), _vn(usd), f"{round(usd / targets[code].usd * 100)}%"]
    assert body["An Giang"][2:4] == ["—", "—"] and body["Toàn cụm"][3] == f"{round(cluster * 100)}%"


def test_lead_times_share_of_decided_dossiers_and_pending_aged_to_the_reports_date(written):
    _, samples, _, doc, _, _ = written
    text = _text(doc)
    every = [r for rows in samples.values() for r in _approved(rows)]
    days = [(r["ngay_qd"] - r["ngay_nhan_hs"]).days for r in every if r.get("ngay_nhan_hs")]
    mean, median = statistics.fmean(days), statistics.median(days)
    said = f"bình quân {_days(mean)} ngày"
    if abs(mean - median) > 0.25 * max(mean, 1):
        said += f" (trung vị {_days(median)} ngày)"
    share = sum(d <= 20 for d in days) / len(days) * 100
    assert (
        f"có quyết định phê duyệt {said}; trong {len(days)} hồ sơ đã có quyết định trong kỳ, "
        f"{f'{round(share, 1):g}'.replace('.', ',')}% được phê duyệt trong ngưỡng 20 ngày."
    ) in text
    pending = [r for rows in samples.values() for r in rows["register"] if r["trang_thai"] == "Chờ phê duyệt"]
    overdue = [r for r in pending if r.get("ngay_nhan_hs") and (TODAY - r["ngay_nhan_hs"]).days > 20]
    assert WAITING["ma_khoan"] in {r["ma_khoan"] for r in overdue}  # beyond the threshold only by the report's date
    assert (
        f"Đến ngày 21/07/2026, còn {len(pending)} hồ sơ đang chờ phê duyệt, trong đó {len(overdue)} hồ sơ đã "
        "chờ quá 20 ngày kể từ khi nhận đủ hồ sơ (Phụ lục 2)."
    ) in text
    assert f"sớm quyết định {len(overdue)} hồ sơ tiếp nhận viện trợ đã chờ quá 20 ngày" in text  # V., drafted
    assert "Phụ lục 2. Hồ sơ đang chờ phê duyệt (số ngày chờ tính đến ngày 21/07/2026)" in text
    table = _table(doc, "STT")
    assert [c.text for c in table.rows[0].cells][-2:] == ["Nhận đủ hồ sơ", "Số ngày chờ"]
    listed = {row.cells[2].text: row for row in table.rows[1:]}
    assert set(listed) == {r["ma_khoan"] for r in pending}
    waiting = listed[WAITING["ma_khoan"]]
    assert [c.text for c in waiting.cells][-2:] == ["25/06/2026", "26"]  # aged to the report's date, not 30/06
    for ident, row in listed.items():  # the days of the dossiers beyond the threshold stand out in bold
        assert row.cells[6].paragraphs[0].runs[0].bold == (ident in {r["ma_khoan"] for r in overdue} or None)
        assert not row.cells[2].paragraphs[0].runs[0].bold
    for r in pending:
        cells = [c.text for c in listed[r["ma_khoan"]].cells]
        age = (TODAY - r["ngay_nhan_hs"]).days if r.get("ngay_nhan_hs") else None
        assert cells[-2:] == (
            [r["ngay_nhan_hs"].strftime("%d/%m/%Y"), str(age)] if age is not None else ["Chưa đủ hồ sơ", "—"]
        )


def test_the_lead_s_places_are_highlighted_and_nothing_names_the_tool(written):
    result, doc = written[2], written[3]
    places = [p for p in doc.paragraphs if "[" in p.text]
    assert len(places) >= 5
    for p in places:
        marked = [r for r in p.runs if "[" in r.text]
        assert marked and all(r.font.highlight_color == 7 for r in marked)  # WD_COLOR_INDEX.YELLOW
    text = _text(doc)
    assert "thành viên đã phê duyệt" not in text and "QĐ-LHH" not in text
    with zipfile.ZipFile(result.output) as z:
        for name in z.namelist():
            if name.endswith((".xml", ".rels")):
                assert b"aidkit" not in z.read(name).lower(), name


def test_word_as_offices_use_it(written):
    result, doc = written[2], written[3]
    with zipfile.ZipFile(result.output) as z:
        styles, app = z.read("word/styles.xml").decode(), z.read("docProps/app.xml").decode()
    assert 'w:val="vi-VN"' in styles and "en-US" not in styles
    assert "Macintosh" not in app
    props = doc.core_properties
    assert props.title == subject(Period(2026, 1), "Cụm thi đua số 5 — Đồng bằng sông Cửu Long")
    assert props.author == SETTINGS["co_quan_ban_hanh"] and "(mẫu)" not in props.title
    assert abs(props.created - datetime.now(timezone.utc)) < timedelta(hours=1)  # written now, not 2013
    data = [t for t in doc.tables[1:] if not t.rows[0].cells[0].text.startswith("Nơi nhận:")]
    assert data and all(
        t.rows[0]._tr.trPr.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}tblHeader") is not None
        for t in data
    )
    assert all("w:cantSplit" in row._tr.xml for t in data for row in t.rows)


def test_one_row_per_member_with_figures_from_the_input_rows(written):
    _, samples, _, doc, _, _ = written
    table = _table(doc, "Tỉnh, thành phố")
    body = [[c.text for c in row.cells] for row in table.rows[1:]]
    assert [r[0] for r in body[:-1]] == [NAMES[c] for c in ("82", "86", "91", "92", "96")]
    for row in body[:-1]:
        code = next(c for c, n in NAMES.items() if n == row[0])
        assert row[1] == STATE[code]
        if code not in samples:
            assert row[2:9] == ["—"] * 7
            continue
        rows = samples[code]
        approved = _approved(rows)
        open_needs = [r for r in rows["needs"] if r["trang_thai"] in ("Mới đề xuất", "Đang vận động")]
        days = [(r["ngay_qd"] - r["ngay_nhan_hs"]).days for r in approved if r.get("ngay_nhan_hs")]
        assert row[2] == str(len(rows["activities"]))
        assert row[3] == str(len(open_needs))
        assert row[4] == str(len(approved))
        assert row[5] == _vn(sum(r["gia_tri_usd"] for r in approved))
        assert row[6] == _vn(sum(r.get("giai_ngan_ky_usd") or 0 for r in rows["register"]))
        assert row[7] == _days(statistics.fmean(days))
        share = sum(d <= 20 for d in days) / len(days) * 100
        assert row[8] == f"{round(share, 1):g}".replace(".", ",") + "%"
    total = body[-1]
    every = [r for rows in samples.values() for r in _approved(rows)]
    assert total[0] == "Toàn cụm" and total[1] == "3/5 đã nộp"
    assert total[5] == _vn(sum(r["gia_tri_usd"] for r in every))
    pooled = [(r["ngay_qd"] - r["ngay_nhan_hs"]).days for r in every if r.get("ngay_nhan_hs")]
    assert total[7] == _days(statistics.fmean(pooled))  # the cluster-wide mean, not a mean of means


def test_submissions_and_the_lists_that_need_action(written):
    _, samples, _, doc, _, _ = written
    text = _text(doc)
    assert "1 thành viên nộp muộn (Cần Thơ)" in text and "2 thành viên chưa nộp (An Giang, Cà Mau)" in text
    actions = [t for t in doc.tables if t.rows[0].cells[0].text == "STT"]
    listed = [[c.text for c in row.cells] for t in actions for row in t.rows[1:]]
    ids = [r[2] for r in listed]
    assert EXPIRING["ma_khoan"] in ids and STALE["ma_khoan"] in ids
    assert "Phụ lục 2. Hồ sơ đang chờ phê duyệt" in text and "Phụ lục 4. Hoạt động đối ngoại nhân dân" in text


def test_charts_are_pictures(written):
    doc = written[3]
    pictures = [r for r in doc.part.package.parts if r.content_type == "image/png"]
    assert len(pictures) == 2 and all(p.blob.startswith(b"\x89PNG") for p in pictures)


def test_signature_and_recipients(written):
    doc = written[3]
    left, right = _signature(doc)
    lines = [p for p in left.paragraphs if p.text]
    assert lines[0].text == "Nơi nhận:" and lines[0].runs[0].bold and lines[0].runs[0].italic
    assert lines[0].runs[0].font.size == Pt(12)
    assert [p.text for p in lines[1:]] == [
        "- Liên hiệp các tổ chức hữu nghị Việt Nam;",
        "- Các tỉnh thành viên Cụm 5;",
        "- Lưu: VT.",
    ]
    assert all(p.runs[0].font.size == Pt(11) for p in lines[1:])
    signed = [p for p in right.paragraphs if p.text]
    # a cluster issues nothing: the issuing body of the letterhead signs, as cluster head
    assert [p.text for p in signed] == ["TM. LIÊN HIỆP CÁC TỔ CHỨC HỮU NGHỊ TỈNH CÀ MAU", "CỤM TRƯỞNG", "Nguyễn Văn An"]
    assert all(p.runs[0].bold for p in signed)


def test_missing_settings_leave_visible_placeholders(tmp_path):
    control = one_member(tmp_path)
    out = report(control, PERIOD, tmp_path / "bao-cao.docx", now="2026-07-05").output
    doc = Document(str(out))
    head = [p.text for c in doc.tables[0].rows[0].cells for p in c.paragraphs if p.text]
    assert head[:3] == ["[Cơ quan cấp trên]", "[Cơ quan ban hành]", "Số: …/[Ký hiệu báo cáo]"]
    assert head[-1] == "[Địa danh], ngày 05 tháng 7 năm 2026"
    sign = [p.text for c in _signature(doc) for p in c.paragraphs if p.text]
    assert "- [Nơi nhận];" in sign and "[QUYỀN HẠN, CHỨC VỤ NGƯỜI KÝ]" not in sign
    assert "[Quyền hạn, chức vụ người ký]" in sign and "[Họ và tên người ký]" in sign
    text = _text(doc)  # no file of 2025-H1 anywhere, and no targets set
    assert "chưa có số liệu cùng kỳ" in text and "chưa có chỉ tiêu" in text and "so với cùng kỳ năm trước" not in text


def _shifted(row: dict, days: int, ident: str) -> dict:
    """A register row of the standard's columns, its dates `days` later, under another ID."""
    record = {c.key: row.get(c.key) for c in schema.REGISTER.columns}
    for key, value in record.items():
        if isinstance(value, date):
            record[key] = value + timedelta(days=days)
    return {**record, "ma_khoan": ident}


def test_an_annual_report_covers_both_halves(tmp_path):
    control = make_cluster(tmp_path, provinces=("92",), periods=("2026-H1", "2026-H2", "2026"), **SETTINGS)
    h1 = sample_workbook(tmp_path / "nop" / "92_H1.xlsx", "92", "2026-H1", seed=3)
    _stamp(h1.path, date(2026, 7, 10))
    carried = [{c.key: r.get(c.key) for c in schema.REGISTER.columns} for r in h1.rows["register"]]
    new = [_shifted(r, 182, f"92-V2026-{600 + i}") for i, r in enumerate(_approved(h1.rows)[:5])]
    h2 = sample_workbook(
        tmp_path / "nop" / "92_H2.xlsx", "92", "2026-H2", register=0, seed=4, also=(*carried, *new)
    )  # the second half's register carries the first half's rows
    _stamp(h2.path, date(2027, 1, 10))
    doc = Document(str(report(control, "2026", now="2027-01-20").output))
    text = _text(doc)
    year = _approved(h1.rows, date(2026, 1, 1), date(2026, 12, 31)) + new
    acts = len(h1.rows["activities"]) + len(h2.rows["activities"])
    assert f"phê duyệt tiếp nhận {len(year)} khoản viện trợ" in text
    assert f"tổng giá trị {_vn(sum(r['gia_tri_usd'] for r in year))} USD" in text
    assert f"tổ chức, phối hợp tổ chức {acts} hoạt động đối ngoại nhân dân" in text
    assert "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM 2027" in text
    assert "Tổng kết công tác vận động và quản lý viện trợ phi chính phủ nước ngoài năm 2026" in text  # the title


def test_a_template_named_in_the_settings_replaces_the_built_in_one(tmp_path):
    from importlib.resources import files

    custom = tmp_path / "mau-cua-cum.docx"
    doc = Document(str(files("toolkit.templates").joinpath("bao-cao.docx")))
    doc.add_paragraph("Mẫu riêng của cụm: {{ nguoi_ky }}")
    doc.save(custom)
    control = one_member(tmp_path, mau_bao_cao="mau-cua-cum.docx", nguoi_ky="Lê Thị Hạnh")
    out = report(control, PERIOD, now="2026-07-05").output
    assert "Mẫu riêng của cụm: Lê Thị Hạnh" in [p.text for p in Document(str(out)).paragraphs]
    (tmp_path / "mau-cua-cum.docx").unlink()
    result = CliRunner().invoke(cli, ["report", "--control", str(control), "--period", PERIOD])
    assert result.exit_code == 2 and "mau-cua-cum.docx" in result.output and "Traceback" not in result.output


def test_settings_text_stays_text_and_a_broken_tag_is_explained(tmp_path):
    control = one_member(tmp_path, noi_nhan="Ban Thi đua & Khen thưởng;<Văn phòng>")
    out = report(control, PERIOD, now="2026-07-05").output
    sign = [p.text for c in _signature(Document(str(out))) for p in c.paragraphs if p.text]
    assert "- Ban Thi đua & Khen thưởng;" in sign and "- <Văn phòng>;" in sign
    from importlib.resources import files

    broken = tmp_path / "hong.docx"
    doc = Document(str(files("toolkit.templates").joinpath("bao-cao.docx")))
    doc.add_paragraph("{{ nguoi_ky ")
    doc.save(broken)
    control = one_member(tmp_path / "b", mau_bao_cao=str(broken))
    result = CliRunner().invoke(cli, ["report", "--control", str(control), "--period", PERIOD])
    assert result.exit_code == 2 and "hong.docx" in result.output and "Traceback" not in result.output


def test_dates_and_subjects():
    assert place_and_date("Cà Mau", date(2026, 7, 5)) == "Cà Mau, ngày 05 tháng 7 năm 2026"
    assert place_and_date("Cần Thơ", date(2027, 2, 14)) == "Cần Thơ, ngày 14 tháng 02 năm 2027"
    assert subject(Period(2026, 2), "Cụm 5").startswith("Sơ kết") and "6\xa0tháng cuối năm 2026" in subject(
        Period(2026, 2), "Cụm 5"
    )
    assert subject(Period(2026), "Cụm 5") == (
        "Tổng kết công tác vận động và quản lý viện trợ phi chính phủ nước ngoài năm 2026 của Cụm 5"
    )


def test_cli_writes_where_asked_and_refuses_a_bad_period(tmp_path):
    control = one_member(tmp_path)
    out = tmp_path / "ra" / "bc.docx"
    ok = CliRunner().invoke(
        cli, ["report", "--control", str(control), "--period", PERIOD, "-o", str(out), "--now", "2026-07-20"]
    )
    assert ok.exit_code == 0, ok.output
    assert str(out) in ok.output and out.read_bytes().startswith(b"PK")
    bad = CliRunner().invoke(cli, ["report", "--control", str(control), "--period", "H1-2026"])
    assert bad.exit_code == 2 and "H1-2026" in bad.output


@pytest.mark.office
def test_libreoffice_renders_the_report(written, tmp_path, soffice_convert):
    result = written[2]
    source = tmp_path / result.output.name
    shutil.copy(result.output, source)
    pdf = soffice_convert(source, "pdf")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True, text=True).stdout
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "BÁO CÁO" in text
    assert "Đồng Tháp" in text and "Nơi nhận:" in text and "Nguyễn Văn An" in text
    first_page = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", str(pdf), "-"], capture_output=True, check=True, text=True
    ).stdout
    second_page = subprocess.run(
        ["pdftotext", "-f", "2", "-l", "2", str(pdf), "-"], capture_output=True, check=True, text=True
    ).stdout
    assert second_page.lstrip().startswith("2") and not first_page.lstrip().startswith("1")
    assert Path(pdf).stat().st_size > 10_000


def test_the_button_reports_the_latest_period_ended(tmp_path):
    from toolkit.control import read_control
    from toolkit.report import latest_period

    control = read_control(make_cluster(tmp_path, provinces=("92",), periods=("2026-H1", "2026-H2", "2026")))
    assert latest_period(control, date(2026, 12, 2)) == Period(2026, 1)  # H2 has not ended yet
    assert latest_period(control, date(2027, 1, 10)) == Period(2026)  # the year's review after H2's
    assert latest_period(control, date(2026, 3, 1)) == Period(2026, 1)  # nothing ended: the one begun


def test_word_and_pictures_are_imported_only_by_the_report():
    import sys

    code = (
        "import sys, toolkit.cli, toolkit.consolidation.consolidate, toolkit.mail.send_report, toolkit.macros, "
        "toolkit.status; "
        "print(sorted(m for m in ('matplotlib', 'docx', 'docxtpl') if m in sys.modules))"
    )
    shown = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=Path(__file__).parent
    ).stdout
    assert shown.strip() == "[]"


def test_a_template_reaching_for_os_system_runs_nothing(tmp_path):
    from importlib.resources import files

    planted = tmp_path / "da-chay-lenh.txt"
    hostile = tmp_path / "mau-tu-noi-khac.docx"
    doc = Document(str(files("toolkit.templates").joinpath("bao-cao.docx")))
    doc.add_paragraph("{{ cycler.__init__.__globals__.os.system('touch %s') }}" % planted)
    doc.add_paragraph("{{ ''.__class__.__mro__[1].__subclasses__() }}")
    doc.save(hostile)
    control = one_member(tmp_path, mau_bao_cao=str(hostile))
    result = CliRunner().invoke(cli, ["report", "--control", str(control), "--period", PERIOD, "--now", "2026-07-20"])
    assert not planted.exists()
    assert result.exit_code == 2 and "mau-tu-noi-khac.docx" in result.output, result.output
    assert "tìm cách chạy lệnh" in result.output and "tries to run code" in result.output
    assert not (control.parent / "ket-qua" / "bao-cao_2026-H1.docx").exists()


def test_control_characters_in_donor_names_and_settings_are_left_out_of_the_document(tmp_path):
    control = make_cluster(
        tmp_path, provinces=("92",), nguoi_ky="Nguyễn\x01 Văn\x0b An", noi_nhan="Liên hiệp\x00 Việt Nam;Cụm\x1f 5"
    )
    approved = {
        "ma_khoan": "92-V2026-901",
        "trang_thai": "Đã phê duyệt",
        "ngay_nhan_hs": date(2026, 2, 2),
        "ngay_qd": date(2026, 2, 20),
        "ngay_bat_dau": date(2026, 3, 1),
        "ngay_ket_thuc": date(2026, 9, 30),
        "so_qd": "901/QĐ-UBND",
        "nha_tai_tro": "Quỹ\x00 Hy\x01 vọng\x1f",
    }
    sample_workbook(tmp_path / "nop" / "92.xlsx", "92", PERIOD, seed=3, also=(approved,))
    result = CliRunner().invoke(cli, ["report", "--control", str(control), "--period", PERIOD, "--now", "2026-07-20"])
    assert result.exit_code == 0, result.output
    doc = Document(str(control.parent / "ket-qua" / "bao-cao_2026-H1.docx"))
    text = "\n".join(
        [p.text for p in doc.paragraphs]
        + [p.text for t in doc.tables for r in t.rows for c in r.cells for p in c.paragraphs]
    )
    assert "Quỹ Hy vọng" in text and "Nguyễn Văn An" in text and "- Liên hiệp Việt Nam;" in text
    assert not any(ch in text for ch in "\x00\x01\x0b\x1f")
