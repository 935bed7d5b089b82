"""catalogue(): which needs are published (open, latest file, no errors), and what a user is told."""

import json
import os
import random
import re
from datetime import datetime
from importlib.resources import files

import pytest

from toolkit import schema
from toolkit.catalogue.catalogue import catalogue
from toolkit.catalogue.intro import introduction
from toolkit.catalogue.page import render_page
from toolkit.catalogue.result import OPEN_STATUSES, CatalogueError, Need
from toolkit.control import read_control
from toolkit.glossary import plain
from toolkit.sample import sample_records, sample_workbook


def received(path, day: str):
    stamp = datetime.fromisoformat(day).timestamp()
    os.utime(path, (stamp, stamp))
    return path


def open_rows(sample):
    return [r for r in sample.rows["needs"] if r["trang_thai"] in OPEN_STATUSES]


def test_only_open_needs_are_listed_with_every_field(tmp_path):
    sample = sample_workbook(tmp_path / "nop" / "92.xlsx", "92", "2026-H1", needs=30, register=2, seed=4, english=True)
    result = catalogue([tmp_path / "nop"], tmp_path / "out")
    rows = open_rows(sample)
    closed = {r["ma_de_xuat"] for r in sample.rows["needs"]} - {r["ma_de_xuat"] for r in rows}
    assert rows and closed, "the sample must have open and closed needs"
    assert sorted(n.id for n in result.needs) == sorted(r["ma_de_xuat"] for r in rows)
    row, need = rows[0], next(n for n in result.needs if n.id == rows[0]["ma_de_xuat"])
    sector = next(s.code for s in schema.sectors() if s.code == row["linh_vuc"] or s.vi == row["linh_vuc"])
    assert need == Need(
        id=row["ma_de_xuat"],
        title_vi=row["ten_vi"],
        title_en=row["ten_en"],
        province_code="92",
        province="Cần Thơ",
        location=row["dia_ban"],
        sector=sector,
        form={"Chương trình": "chuong-trinh", "Dự án": "du-an", "Phi dự án": "phi-du-an"}[row["hinh_thuc"]],
        months=row["thoi_gian_thang"],
        total_usd=row["tong_kinh_phi_usd"],
        requested_usd=row["de_nghi_tai_tro_usd"],
        counterpart_usd=row["von_doi_ung_usd"],
        beneficiaries=row["so_nguoi_huong_loi"],
        beneficiary_groups=row["doi_tuong"],
        objectives=row["muc_tieu"],
        agency=row["don_vi_de_xuat"],
        contact=row["nguoi_lien_he"],
        email=row["email_lien_he"],
        status=row["trang_thai"],
        objectives_en=row["muc_tieu_en"],
        groups_en=row["doi_tuong_en"],
        agency_en=row["don_vi_de_xuat_en"],
        location_en=f"{plain(row['dia_ban'].split(',')[0].removeprefix('Xã '))} Commune, Can Tho",
        contact_en=plain(row["nguoi_lien_he"]),
        province_en="Can Tho",
    )
    assert need.objectives_en.startswith("Better lives") and need.location_en.endswith(" Commune, Can Tho")
    html = result.page.read_text(encoding="utf-8")
    assert all(i in html for i in (n.id for n in result.needs)) and not any(i in html for i in closed)
    for path in (result.page, result.bulletin, result.bulletin_en, result.workbook):
        assert path.stat().st_mode & 0o777 == 0o644


def test_each_province_counts_with_its_latest_file_and_latest_period(tmp_path):
    nop = tmp_path / "nop"
    received(sample_workbook(nop / "92-cu.xlsx", "92", "2026-H1", needs=12, seed=1).path, "2026-07-01")
    newer = sample_workbook(nop / "92-moi.xlsx", "92", "2026-H1", needs=12, seed=2)
    received(newer.path, "2026-07-09")
    received(sample_workbook(nop / "96-2025.xlsx", "96", "2025-H2", needs=8, seed=3).path, "2026-07-10")
    camau = sample_workbook(nop / "96-2026.xlsx", "96", "2026-H1", needs=8, seed=4)
    received(camau.path, "2026-07-02")  # received earlier, but of the later period
    result = catalogue([nop], tmp_path / "out")
    assert [f.name for f in result.files] == ["92-moi.xlsx", "96-2026.xlsx"]
    assert sorted((n.id, n.title_vi) for n in result.needs) == sorted(
        (r["ma_de_xuat"], r["ten_vi"]) for r in open_rows(newer) + open_rows(camau)
    )
    assert result.period == "2026-H1"

    older = catalogue([nop], tmp_path / "out-2025", period="2025-H2")
    assert [f.name for f in older.files] == ["96-2025.xlsx"] and older.period == "2025-H2"


def test_a_province_merged_in_2025_is_listed_as_the_province_it_became(tmp_path):
    nop = tmp_path / "nop"
    haugiang = sample_workbook(nop / "93.xlsx", "93", "2025-H1", needs=10, seed=5)  # Hậu Giang, now Cần Thơ
    result = catalogue([nop], tmp_path / "out")
    assert {(n.province_code, n.province) for n in result.needs} == {("92", "Cần Thơ")}
    assert {n.id for n in result.needs} == {r["ma_de_xuat"] for r in open_rows(haugiang)}
    sample_workbook(nop / "92.xlsx", "92", "2026-H1", needs=10, seed=6)  # then the merged province reports
    assert [f.name for f in catalogue([nop], tmp_path / "out").files] == ["92.xlsx"]


def test_files_and_folders_can_be_mixed(tmp_path):
    a = sample_workbook(tmp_path / "a" / "82.xlsx", "82", "2026-H1", needs=6, seed=7)
    b = sample_workbook(tmp_path / "b.xlsx", "86", "2026-H1", needs=6, seed=8)
    result = catalogue([tmp_path / "a", b.path], tmp_path / "out")
    assert {f.current.code for f in result.files} == {"82", "86"}
    assert len(result.needs) == len(open_rows(a)) + len(open_rows(b))


def test_an_open_need_with_an_error_is_left_out_and_reported_and_a_damaged_file_does_not_stop_the_rest(tmp_path):
    nop = tmp_path / "nop"
    sample = sample_workbook(nop / "92.xlsx", "92", "2026-H1", needs=20, seed=10, defects=("requested-over-total",))
    (nop / "hong.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    [(_, _, cell)] = sample.planted
    row = int(re.sub(r"\D", "", cell))
    wrong = sample.rows["needs"][row - 2]
    assert wrong["trang_thai"] in OPEN_STATUSES, "seed 10 plants the error on an open need"
    result = catalogue([nop], tmp_path / "out")
    assert result.left_out == [("92.xlsx", row)] and wrong["ma_de_xuat"] not in {n.id for n in result.needs}
    assert len(result.needs) == len(open_rows(sample)) - 1
    assert [f.name for f in result.refused] == ["hong.xlsx"]
    text = result.to_text()
    assert "hong.xlsx" in text and "damaged" in text and f"dòng / row {row}" in text


def test_a_fifo_in_the_folder_is_listed_and_never_read(tmp_path):
    nop = tmp_path / "nop"
    sample = sample_workbook(nop / "92.xlsx", "92", "2026-H1", needs=10, seed=4)
    os.mkfifo(nop / "96.xlsx")  # reading it would block for ever
    result = catalogue([nop], tmp_path / "out")
    assert len(result.needs) == len(open_rows(sample)) and [f.name for f in result.refused] == ["96.xlsx"]


def test_a_file_of_an_unknown_province_is_reported_not_published(tmp_path):
    from openpyxl import load_workbook

    sample = sample_workbook(tmp_path / "nop" / "92.xlsx", "92", "2026-H1", needs=4, seed=3)
    book = load_workbook(sample.path)
    info = book[schema.INFO.vi]
    row = next(r for r in range(1, 20) if info.cell(r, 1).value == "Mã tỉnh")
    info.cell(row, 2).value = "77"  # no such province
    book.save(tmp_path / "nop" / "la.xlsx")
    sample.path.unlink()
    result = catalogue([tmp_path / "nop"], tmp_path / "out")
    assert result.needs == [] and [f.name for f in result.unattributed] == ["la.xlsx"]
    assert "la.xlsx: không xác định được tỉnh" in result.to_text()


def test_bad_input_is_one_bilingual_sentence(tmp_path):
    with pytest.raises(CatalogueError) as missing:
        catalogue([tmp_path / "khong-co"], tmp_path / "out")
    assert "khong-co" in missing.value.vi and "was not found" in missing.value.en
    with pytest.raises(CatalogueError) as period:
        catalogue([tmp_path], tmp_path / "out", period="2026-Q1")
    assert "2026-Q1" in period.value.vi and "2026-Q1" in period.value.en
    (tmp_path / "tep").write_text("x")
    with pytest.raises(CatalogueError) as not_folder:
        catalogue([tmp_path], tmp_path / "tep")
    assert "không phải thư mục" in not_folder.value.vi
    with pytest.raises(CatalogueError):
        catalogue(None, tmp_path / "out")


def test_the_control_workbook_gives_the_inbox_the_output_folder_and_the_contact(tmp_path):
    from cluster import drop, make_cluster

    control = make_cluster(tmp_path / "cum5")
    drop(control, "92.xlsx", "92", datetime(2026, 7, 5).date())
    result = catalogue(None, control=control)
    assert result.folder == control.parent / "ket-qua" / "danh-muc" and result.page.is_file()
    assert result.title == read_control(control).cluster
    html = result.page.read_text(encoding="utf-8")
    assert "truongcum5@example.vn" in html and result.title in html


def test_a_union_replaces_the_header_the_logo_and_the_contact_with_its_own_templates(tmp_path):
    from pypdf import PdfReader

    sample_workbook(tmp_path / "nop" / "96.xlsx", "96", "2026-H1", needs=5, seed=10)
    own = tmp_path / "mau"
    own.mkdir()
    shipped = files("toolkit.templates")
    page = shipped.joinpath("danh-muc.html.j2").read_text(encoding="utf-8")
    (own / "danh-muc.html.j2").write_text(
        page.replace("Liên hiệp các tổ chức hữu nghị</span>", "Liên hiệp các tổ chức hữu nghị tỉnh Cà Mau</span>"),
        "utf-8",
    )
    typ = shipped.joinpath("ban-tin.typ").read_text(encoding="utf-8")
    address = "#let extra-contact = [Số 1 Lý Thường Kiệt, Cà Mau]"
    (own / "ban-tin.typ").write_text(typ.replace("#let extra-contact = []", address), "utf-8")
    logo = (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10" fill="#c00"/></svg>'
    )
    (own / "logo.svg").write_text(logo, "utf-8")
    result = catalogue([tmp_path / "nop"], tmp_path / "out", templates=own)
    html = result.page.read_text(encoding="utf-8")
    import base64

    assert "tỉnh Cà Mau</span>" in html and base64.b64encode(logo.encode()).decode() in html
    text = " ".join(p.extract_text() for p in PdfReader(result.bulletin).pages)
    assert "Số 1 Lý Thường Kiệt" in text


def test_a_png_logo_goes_into_the_page_and_the_bulletin(tmp_path):
    import struct
    import zlib

    from pypdf import PdfReader

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    png = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(b"\x00\xc0\x00\x00\xc0\x00\x00" * 2))
        + chunk(b"IEND", b"")
    )
    sample_workbook(tmp_path / "nop" / "96.xlsx", "96", "2026-H1", needs=3, seed=10)
    (tmp_path / "mau").mkdir()
    (tmp_path / "mau" / "logo.png").write_bytes(png)
    result = catalogue([tmp_path / "nop"], tmp_path / "out", templates=tmp_path / "mau")
    import base64

    assert f'src="data:image/png;base64,{base64.b64encode(png).decode()}"' in result.page.read_text("utf-8")
    cover = PdfReader(result.bulletin).pages[0]
    assert any(str(x.get_object().get("/Subtype")) == "/Image" for x in cover["/Resources"]["/XObject"].values())


def test_a_broken_template_is_named_and_nothing_is_half_written(tmp_path):
    sample_workbook(tmp_path / "nop" / "96.xlsx", "96", "2026-H1", needs=5, seed=10)
    own = tmp_path / "mau"
    own.mkdir()
    (own / "ban-tin.typ").write_text("#let x = (\n", "utf-8")
    with pytest.raises(CatalogueError) as error:
        catalogue([tmp_path / "nop"], tmp_path / "out", templates=own)
    assert str(own / "ban-tin.typ") in error.value.vi and "has an error" in error.value.en
    assert not (tmp_path / "out" / "index.html").exists()


def test_workbook_text_cannot_break_out_of_the_page_script():
    from toolkit.catalogue.result import CatalogueResult

    evil = Need(
        "92-N2026-001",
        "</script><script>alert(1)</script>",
        "<!-- x",
        "92",
        "Cần Thơ",
        "a & b",
        "YT",
        "du-an",
        12,
        100.0,
        90.0,
        10.0,
        5,
        "",
        "",
        "",
        "",
        "a@b.vn",
        "Mới đề xuất",
    )
    html = render_page(CatalogueResult(None, "T", None, [evil], []), introduction(None, [], None))
    data = html.split('<script type="application/json" id="aidkit-data">')[1].split("</script>")[0]
    assert "<" not in data and json.loads(data)["needs"][0][1] == evil.title_vi


def test_the_page_for_34_provinces_of_100_needs_is_under_2_mb():
    from toolkit.catalogue.result import FORM_SLUGS, CatalogueResult

    codes = sorted({row.new.code for row in schema.merger()})
    assert len(codes) == 34
    sector = {s.vi: s.code for s in schema.sectors()}
    needs = []
    for code in codes:
        for r in sample_records(code, "2026-H1", 100, 0, random.Random(code))["needs"]:
            needs.append(
                Need(
                    r["ma_de_xuat"],
                    r["ten_vi"],
                    r["ten_en"],
                    code,
                    "Tỉnh",
                    r["dia_ban"],
                    sector[r["linh_vuc"]],
                    FORM_SLUGS[r["hinh_thuc"]],
                    r["thoi_gian_thang"],
                    r["tong_kinh_phi_usd"],
                    r["de_nghi_tai_tro_usd"],
                    r["von_doi_ung_usd"],
                    r["so_nguoi_huong_loi"],
                    r["doi_tuong"],
                    r["muc_tieu"],
                    r["don_vi_de_xuat"],
                    r["nguoi_lien_he"],
                    r["email_lien_he"],
                    "Mới đề xuất",
                )
            )
    html = render_page(CatalogueResult(None, "Cả nước", "2026-H1", needs, []), introduction(None, [], None))
    assert len(needs) == 3400 and len(html.encode("utf-8")) < 2_000_000


def test_the_shipped_templates_are_in_the_wheel():
    for name in ("danh-muc.html.j2", "danh-muc.js", "danh-muc.css", "ban-tin.typ", "logo.svg"):
        assert files("toolkit.templates").joinpath(name).is_file(), name


def test_the_workbook_beside_the_page_has_every_need_in_each_language_with_numbers(tmp_path):
    from openpyxl import load_workbook

    from toolkit.outputs import written_by_aidkit

    for code in ("92", "96"):
        sample_workbook(
            tmp_path / "nop" / f"{code}.xlsx", code, "2026-H1", needs=10, register=0, seed=8, english=code == "92"
        )
    result = catalogue([tmp_path / "nop"], tmp_path / "out")
    book = load_workbook(result.workbook)
    assert book.sheetnames == ["Danh mục", "Catalogue"] and written_by_aidkit(result.workbook) == "catalogue"
    vi, en = ([[c.value for c in row] for row in book[name].iter_rows(min_row=3)] for name in book.sheetnames)
    assert vi[0][:3] == ["Mã đề xuất", "Tên chương trình, dự án", "Tỉnh"] and en[0][8] == "Requested (USD)"
    assert [r[0] for r in vi[1:]] == [n.id for n in result.needs] == [r[0] for r in en[1:]]
    for n, v, e in zip(result.needs, vi[1:], en[1:], strict=True):
        assert v[8] == e[8] == n.requested_usd and isinstance(e[8], (int, float))  # a number, shown the reader's way
        assert v[12] == n.objectives and e[12] == (n.objectives_en or n.objectives)
        assert e[2] == ("Can Tho" if n.province_code == "92" else "Ca Mau") and e[3] == n.location_en
    assert book["Catalogue"]["A1"].value == (
        "Projects seeking funding – Ca Mau Province, Can Tho City · first half of 2026"
    )


def test_the_introduction_comes_from_the_settings_the_lead_fills_with_a_default(tmp_path):
    from toolkit.sample import sample_control

    sample_workbook(tmp_path / "nop" / "92.xlsx", "92", "2026-H1", needs=4, register=0, seed=8)
    plain_control = sample_control(tmp_path / "a" / "dieu-hanh.xlsx", provinces=("82", "92"))
    html = catalogue([tmp_path / "nop"], tmp_path / "out-a", control=plain_control).page.read_text("utf-8")
    assert (
        "Cluster 5 — Mekong Delta brings together the Unions of Friendship Organisations of Dong Thap and Can Tho"
    ) in html
    assert "gồm Liên hiệp các tổ chức hữu nghị (LHH) các tỉnh, thành phố Đồng Tháp và Cần Thơ" in html
    assert "Decree 313/2025/ND-CP of 8 December 2025" in html and "Nghị định 313/2025/NĐ-CP" in html
    assert "or the cluster office (truongcum5@example.vn)" in html and "0292 3821 456" in html
    own = sample_control(
        tmp_path / "b" / "dieu-hanh.xlsx",
        provinces=("92",),
        smtp={
            "gioi_thieu": "Cụm chúng tôi làm việc với 40 tổ chức.",
            "gioi_thieu_en": "We work with 40 organisations.",
        },
    )
    html = catalogue([tmp_path / "nop"], tmp_path / "out-b", control=own).page.read_text("utf-8")
    assert "We work with 40 organisations." in html and "Cụm chúng tôi làm việc với 40 tổ chức." in html
    assert "brings together" not in html and "Decree 313/2025/ND-CP" in html
