"""Consolidation: a cluster folder in, one workbook (and its JSON summary) out.

The cluster built here has, for 2026-H1 and a control workbook with five members:
82 valid, 86 invalid, 91 late and carrying formula-like text, 92 sending five files
(two early versions, an invalid one, an exact copy and a damaged one) and 96 nothing;
plus a 2024 register of Bạc Liêu (95), which is Cà Mau (96) since the 2025 merger.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import statistics
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string, get_column_letter

from toolkit import schema
from toolkit.consolidation.changes import summary
from toolkit.consolidation.consolidate import consolidate
from toolkit.consolidation.result import ConsolidationError
from toolkit.consolidation.workbook import HEADER_ROW, read_previous, write_consolidated
from toolkit.folders import workbook_files
from toolkit.sample import sample_control, sample_records, sample_workbook
from toolkit.template import fill_template

PERIOD = "2026-H1"
DUE = date(2026, 7, 15)  # sample_control: the period's end + 15 days
NEAR_TITLE = ("Xây dựng nhà văn hóa cộng đồng ấp Tân Lợi", "Xây dựng nhà văn hoá cộng đồng ấp Tân Lợi.")
DONOR = "Quỹ Hỗ trợ Cộng đồng Mê Kông"
DECISION = ("4321/QĐ-UBND", date(2026, 3, 3))
FORMULAS = ('=HYPERLINK("http://evil.example","bấm vào")', "+84 292 3821 456", "-1+2", "@SUM(A1:A9)")
N, R = schema.NEEDS, schema.REGISTER


# --- building the cluster --------------------------------------------------------------------


def submission(path: Path, province: str, period: str, rows: dict, received: datetime | None = None) -> Path:
    """A provincial workbook with exactly these rows (xlsxwriter: text stays text)."""
    import xlsxwriter

    path.parent.mkdir(parents=True, exist_ok=True)
    book = xlsxwriter.Workbook(str(path))
    fill_template(
        book,
        province,
        period,
        rows=rows,
        preparer="Lê Văn An",
        email="an.le@lhh.example.vn",
        prepared_on=date(2026, 7, 1) if period == PERIOD else date(2025, 1, 5),
    )
    book.close()
    if received:
        os.utime(path, (received.timestamp(), received.timestamp()))
    return path


def at(day: int, month: int = 7) -> datetime:
    return datetime(2026, month, day, 9, 30)


def _approved(rows: dict) -> list[dict]:
    return [r for r in rows["register"] if r["trang_thai"] in schema.APPROVED_STATUSES]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """The folder, the control workbook, the rows written per file, and when each file arrived."""
    root = tmp_path_factory.mktemp("cluster")
    inbox = root / "nop"
    control = sample_control(root / "dieu-hanh.xlsx", (PERIOD, "2024"))
    received: dict[Path, datetime] = {}
    rows: dict[str, dict] = {}

    def add(name, province, period, records, when):
        path = submission(inbox / name, province, period, records, when)
        received[path] = when
        rows[name] = records
        return path

    r82 = sample_records("82", PERIOD, 6, 8, 82)
    r82["register"][0].update(nha_tai_tro=DONOR, ten_vi=NEAR_TITLE[0])
    approved = _approved(r82)[0]
    approved.update(so_qd=DECISION[0], ngay_qd=DECISION[1], ngay_nhan_hs=date(2026, 2, 20))
    add("82/bao-cao.xlsx", "82", PERIOD, r82, at(10))

    r86 = sample_records("86", PERIOD, 5, 7, 86)
    r86["register"][2].update(nha_tai_tro=DONOR.upper(), ten_vi=NEAR_TITLE[1])
    r86["needs"][1]["tong_kinh_phi_usd"] = "47,272"  # ambiguous: an error
    add("86.xlsx", "86", PERIOD, r86, at(12))

    r91 = sample_records("91", PERIOD, 4, 6, 91)
    for record, text in zip(r91["register"], FORMULAS, strict=False):
        record["ghi_chu"] = text
    r91["needs"][0]["doi_tuong"] = FORMULAS[0]
    _approved(r91)[0].update(so_qd=DECISION[0].replace("QĐ", "QD"), ngay_qd=DECISION[1], ngay_nhan_hs=date(2026, 2, 25))
    add("91_an-giang.xlsx", "91", PERIOD, r91, at(20))  # after the due date: late

    first = sample_records("92", PERIOD, 5, 6, 92)
    add("92/lan-1.xlsx", "92", PERIOD, first, at(1))
    invalid = sample_records("92", PERIOD, 5, 6, 92)
    invalid["register"][1]["trang_thai"] = "Đang triển khai"
    add("92/lan-2.xlsx", "92", PERIOD, invalid, at(3))
    latest = sample_records("92", PERIOD, 5, 6, 92)
    latest["register"][0]["gia_tri_usd"] = 123_456.0
    latest["register"][0]["gia_tri_nguyen_te"] = 123_456.0
    latest["register"][0]["tien_te"] = "USD"
    del latest["register"][5]
    latest["needs"].append({**latest["needs"][0], "stt": 6, "ma_de_xuat": "92-N2026-006"})
    add("92/lan-3.xlsx", "92", PERIOD, latest, at(8))
    copy = inbox / "92" / "ban-sao.xlsx"
    shutil.copy(inbox / "92" / "lan-1.xlsx", copy)
    received[copy] = at(30, 6)
    damaged = inbox / "92" / "hong.xlsx"
    damaged.write_bytes((inbox / "92" / "lan-1.xlsx").read_bytes()[:3000])
    received[damaged] = at(9)

    old = sample_records("95", "2024", 3, 4, 95)
    add("cu/95_2024.xlsx", "95", "2024", old, datetime(2025, 1, 10, 8))
    (inbox / "~$82.xlsx").write_bytes(b"lock")  # Excel's lock file: not a submission
    return {"root": root, "inbox": inbox, "control": control, "received": received, "rows": rows}


@pytest.fixture(scope="module")
def run(cluster):
    out = cluster["root"] / "ket-qua" / "tong-hop.xlsx"
    result = consolidate(cluster["inbox"], out, control=cluster["control"], received=cluster["received"])
    return result, out, load_workbook(out)


def table(book, sheet: str) -> list[dict]:
    """The Excel Table of a consolidated sheet as dicts by header."""
    ws = book[sheet]
    rows = list(ws.iter_rows(min_row=HEADER_ROW + 1, values_only=True))
    header = rows[0]
    return [dict(zip(header, r, strict=False)) for r in rows[1:] if any(v is not None for v in r)]


def overview(book) -> list[dict]:
    ws = book[schema.OVERVIEW.vi]
    (ref,) = [t.ref for t in ws.tables.values()]
    cells = ws[ref]
    header = [c.value for c in cells[0]]
    return [dict(zip(header, (c.value for c in row), strict=True)) for row in cells[1:]]


def entry(result, code, period=PERIOD, original=None):
    return next(
        e
        for e in result.to_dict()["provinces"]
        if e["province_code"] == code and e["period"] == period and (original is None or e["original_code"] == original)
    )


H = {key: column.vi for key, column in schema.PROVENANCE_BY_KEY.items()}
H_OV = {"status": "Trạng thái nộp"}


# --- the overview --------------------------------------------------------------------------


def test_statuses_from_files_and_due_dates(run):
    result, _, book = run
    status = {(e["province_code"], e["original_code"], e["period"]): e["status"] for e in result.to_dict()["provinces"]}
    assert status[("82", "82", PERIOD)] == "valid"
    assert status[("86", "86", PERIOD)] == "invalid"
    assert status[("91", "91", PERIOD)] == "late"  # received 20/07, due 15/07
    assert status[("92", "92", PERIOD)] == "valid"  # the latest of its files counts
    assert status[("96", "96", PERIOD)] == "missing"  # a member that sent nothing
    rows = {
        (r[H["ma_tinh_hien_hanh"]], r[H["ky_bao_cao"]]): r
        for r in overview(book)
        if r[H["ma_tinh_goc"]] == r[H["ma_tinh_hien_hanh"]]
    }
    assert rows[("96", PERIOD)][H_OV["status"]] == "Chưa nộp"
    assert rows[("91", PERIOD)][H_OV["status"]] == "Nộp muộn"
    assert rows[("86", PERIOD)][H_OV["status"]] == "Không hợp lệ"
    assert rows[("82", PERIOD)][H_OV["status"]] == "Hợp lệ"
    assert rows[("82", PERIOD)][schema.SCHEDULE_COLUMNS[1].vi].date() == DUE


def test_totals_per_province_equal_the_inputs(run, cluster):
    result, _, book = run
    by_code = {(r[H["ma_tinh_hien_hanh"]], r[H["ky_bao_cao"]], r[H["ma_tinh_goc"]]): r for r in overview(book)}
    for name, code in (("82/bao-cao.xlsx", "82"), ("91_an-giang.xlsx", "91"), ("92/lan-3.xlsx", "92")):
        rows = cluster["rows"][name]
        requested = sum(r["de_nghi_tai_tro_usd"] for r in rows["needs"])
        approved = sum(r["gia_tri_usd"] for r in _approved(rows))
        disbursed = sum(r.get("giai_ngan_ky_usd") or 0 for r in rows["register"])
        e = entry(result, code)
        assert (e["needs"], e["register"]) == (len(rows["needs"]), len(rows["register"]))
        assert e["usd_requested"] == pytest.approx(requested)
        assert e["usd_approved"] == pytest.approx(approved)
        assert e["usd_disbursed"] == pytest.approx(disbursed)
        row = by_code[(code, PERIOD, code)]
        assert row["Đề nghị tài trợ, mọi đề xuất (USD)"] == pytest.approx(requested)
        assert row["Đã phê duyệt, mọi ngày quyết định (USD)"] == pytest.approx(approved)
        assert row["Số khoản viện trợ (mọi dòng)"] == len(rows["register"])
    merged = table(book, schema.REGISTER_SHEET.vi)
    for code in ("82", "86", "91", "92"):
        usd = sum(
            r[R.column("gia_tri_usd").vi] or 0
            for r in merged
            if r[H["ma_tinh_hien_hanh"]] == code
            and r[R.column("trang_thai").vi] in schema.APPROVED_STATUSES
            and r[H["ky_bao_cao"]] == PERIOD
        )
        assert usd == pytest.approx(entry(result, code)["usd_approved"])
    total = next(t for t in result.totals() if t["period"] == PERIOD)
    members = ("82", "86", "91", "92")
    assert total["usd_approved"] == pytest.approx(sum(entry(result, c)["usd_approved"] for c in members))
    assert total["missing"] == 1 and total["late"] == 1 and total["invalid"] == 1 and total["valid"] == 2


def test_overview_shows_the_figures_of_the_period(run, cluster):
    """Approved in the period and the mean lead time, recomputed here from the input rows."""
    result, _, book = run
    rows = cluster["rows"]["82/bao-cao.xlsx"]
    start, end = date(2026, 1, 1), date(2026, 6, 30)
    approved = [r for r in _approved(rows) if r.get("ngay_qd") and start <= r["ngay_qd"] <= end]
    days = sorted(
        (r["ngay_qd"] - r["ngay_nhan_hs"]).days
        for r in approved
        if r.get("ngay_nhan_hs") and r["ngay_qd"] >= r["ngay_nhan_hs"]
    )
    mean = sum(days) / len(days)
    open_needs = [r for r in rows["needs"] if r["trang_thai"] in ("Mới đề xuất", "Đang vận động")]
    row = next(r for r in overview(book) if r[H["ma_tinh_goc"]] == "82" and r[H["ky_bao_cao"]] == PERIOD)
    assert row["Phê duyệt trong kỳ (số khoản)"] == len(approved)
    assert row["Phê duyệt trong kỳ (USD)"] == pytest.approx(sum(r["gia_tri_usd"] for r in approved))
    assert row["Số ngày phê duyệt (bình quân)"] == round(mean, 1)
    assert row["Đề xuất đang vận động (số)"] == len(open_needs)
    assert row["Trong ngưỡng ngày phê duyệt (%)"] == pytest.approx(sum(d <= 20 for d in days) / len(days))
    missing = next(r for r in overview(book) if r[H["ma_tinh_goc"]] == "96" and r[H["ky_bao_cao"]] == PERIOD)
    assert missing["Phê duyệt trong kỳ (USD)"] is None  # nothing to count is not 0
    counted = [f["file"] for f in result.to_dict()["files"] if f["role"] == "counted" and f["period"] == PERIOD]
    pooled = sorted(
        (r["ngay_qd"] - r["ngay_nhan_hs"]).days
        for name in counted
        for r in _approved(cluster["rows"][name])
        if r.get("ngay_qd")
        and start <= r["ngay_qd"] <= end
        and r.get("ngay_nhan_hs")
        and r["ngay_qd"] >= r["ngay_nhan_hs"]
    )
    ws = book[schema.OVERVIEW.vi]
    header = [c.value for c in ws[6]]
    total = next(
        row for row in ws.iter_rows(min_row=7, values_only=True) if row[0] == "Tổng cộng / Total" and row[1] == PERIOD
    )
    assert total[header.index("Số ngày phê duyệt (bình quân)")] == round(statistics.fmean(pooled), 1)  # pooled


# --- the merger ------------------------------------------------------------------------------


def test_2024_bac_lieu_register_lands_under_ca_mau(run, cluster):
    result, _, book = run
    e = entry(result, "96", "2024", original="95")
    assert (e["province_name"], e["original_name"], e["status"]) == ("Cà Mau", "Bạc Liêu", "valid")
    merged = [r for r in table(book, schema.REGISTER_SHEET.vi) if r[H["ky_bao_cao"]] == "2024"]
    assert len(merged) == len(cluster["rows"]["cu/95_2024.xlsx"]["register"])
    assert {
        (r[H["ma_tinh_goc"]], r[H["tinh_goc"]], r[H["ma_tinh_hien_hanh"]], r[H["tinh_hien_hanh"]]) for r in merged
    } == {("95", "Bạc Liêu", "96", "Cà Mau")}
    # Before the merger the member Cà Mau was two provinces; the other one (96, old Cà Mau) sent nothing.
    assert entry(result, "96", "2024", original="96")["status"] == "missing"


def test_codes_are_reattributed_by_date_not_name(tmp_path):
    """91 meant Kiên Giang until 30/06/2025 and An Giang since: the period decides."""
    submission(tmp_path / "a.xlsx", "91", "2024", sample_records("91", "2024", 2, 2, 1))
    submission(tmp_path / "b.xlsx", "91", PERIOD, sample_records("91", PERIOD, 2, 2, 1))
    result = consolidate(tmp_path, tmp_path / "out" / "x.xlsx")
    pairs = {
        (e["period"], e["original_name"], e["province_code"], e["province_name"]) for e in result.to_dict()["provinces"]
    }
    assert pairs == {("2024", "Kiên Giang", "91", "An Giang"), (PERIOD, "An Giang", "91", "An Giang")}


# --- files: latest counts, superseded, refused -------------------------------------------------


def test_latest_file_counts_and_the_others_are_listed(run):
    result, _, book = run
    roles = {f.name: f.role for f in result.files}
    assert roles["92/lan-3.xlsx"] == "counted"
    assert {roles[n] for n in ("92/lan-1.xlsx", "92/lan-2.xlsx", "92/ban-sao.xlsx")} == {"superseded"}
    assert roles["92/hong.xlsx"] == "refused"
    assert "~$82.xlsx" not in roles
    e = entry(result, "92")
    assert e["file"] == "92/lan-3.xlsx" and sorted(e["superseded_files"]) == [
        "92/ban-sao.xlsx",
        "92/lan-1.xlsx",
        "92/lan-2.xlsx",
    ]
    files = {r[H["tep_nguon"]]: r for r in table(book, schema.FILES.vi)}
    assert files["92/lan-2.xlsx"]["Vai trò tệp"] == "Bị thay thế / Superseded"
    assert files["92/lan-2.xlsx"]["Bị thay thế bởi"] == "92/lan-3.xlsx"
    assert files["92/lan-2.xlsx"][H["trang_thai_tep"]] == "Không hợp lệ"
    merged = table(book, schema.REGISTER_SHEET.vi)
    assert {r[H["tep_nguon"]] for r in merged if r[H["ma_tinh_goc"]] == "92"} == {"92/lan-3.xlsx"}


def test_refused_file_is_reported_bilingually_never_dropped(run):
    result, _, book = run
    [refused] = result.to_dict()["refused"]
    assert refused["file"] == "92/hong.xlsx" and refused["reason"] == "file-damaged"
    assert "bị hỏng" in refused["message_vi"] and "damaged" in refused["message_en"]
    findings = [r for r in table(book, schema.FINDINGS.vi) if r[H["tep_nguon"]] == "92/hong.xlsx"]
    assert [(r["Mức độ"], r["Mã quy tắc"]) for r in findings] == [("Lỗi", "file-damaged")]
    assert "damaged" in findings[0]["Nội dung (tiếng Anh)"]
    texts = [c.value for row in book[schema.OVERVIEW.vi].iter_rows() for c in row if isinstance(c.value, str)]
    assert any(t.startswith("92/hong.xlsx · ") and "bị hỏng" in t and "damaged" in t for t in texts)
    assert not result.clean


def test_resubmission_diff_by_id(run, cluster):
    result, _, book = run
    diffs = {r.earlier.name: summary(r.changes) for r in result.resubmissions}
    assert diffs["92/lan-1.xlsx"] == {"added": 1, "removed": 1, "changed": 1}
    assert diffs["92/ban-sao.xlsx"] == diffs["92/lan-1.xlsx"]
    rows = [r for r in table(book, schema.RESUBMISSIONS.vi) if r["Tệp cũ"] == "92/lan-1.xlsx"]
    changed = {
        (r["Mã (ID)"], r["Trường"], r["Giá trị cũ"], r["Giá trị mới"])
        for r in rows
        if r["Loại thay đổi"] == "Thay đổi / Changed"
    }
    old = cluster["rows"]["92/lan-1.xlsx"]["register"][0]
    assert ("92-V2026-001", R.column("gia_tri_usd").vi, old["gia_tri_usd"], 123_456.0) in changed
    assert {r["Mã (ID)"] for r in rows if r["Loại thay đổi"] == "Đã xóa / Removed"} == {"92-V2026-006"}
    assert {r["Mã (ID)"] for r in rows if r["Loại thay đổi"] == "Mới / New"} == {"92-N2026-006"}


def test_invalid_rows_are_merged_and_flagged(run, cluster):
    result, _, book = run
    merged = [r for r in table(book, schema.NEEDS_SHEET.vi) if r[H["ma_tinh_goc"]] == "86"]
    assert len(merged) == len(cluster["rows"]["86.xlsx"]["needs"])
    assert {r[H["trang_thai_tep"]] for r in merged} == {"Không hợp lệ"}
    bad = next(r for r in merged if r[N.column("ma_de_xuat").vi] == "86-N2026-002")
    assert bad[N.column("tong_kinh_phi_usd").vi] == "47,272"  # kept as found, as text
    assert bad[H["loi_tren_dong"]] >= 1
    assert all(r[H["loi_tren_dong"]] == 0 for r in merged if r is not bad)
    findings = [r for r in table(book, schema.FINDINGS.vi) if r[H["tep_nguon"]] == "86.xlsx"]
    assert ("ambiguous-number", schema.NEEDS_SHEET.vi, "M3") in {
        (r["Mã quy tắc"], r["Trang tính"], r["Ô"]) for r in findings
    }


# --- provenance and formats ------------------------------------------------------------------


def test_provenance_leads_back_to_the_source_row(run, cluster):
    _, _, book = run
    for sheet, table_ in ((schema.REGISTER_SHEET.vi, R), (schema.NEEDS_SHEET.vi, N)):
        merged = table(book, sheet)
        for row in merged[::7]:
            path = cluster["inbox"] / row[H["tep_nguon"]]
            assert row[H["sha256"]] == hashlib.sha256(path.read_bytes()).hexdigest()
            source = load_workbook(path)[row[H["trang_tinh_nguon"]]]
            id_column = [c.key for c in table_.columns].index(table_.id_key) + 1
            assert source.cell(row[H["dong_nguon"]], id_column).value == row[table_.column(table_.id_key).vi]


def test_data_sheets_are_tables_with_frozen_header_and_formats(run):
    _, _, book = run
    for sheet, name, columns in (
        (schema.NEEDS_SHEET.vi, "NhuCau", N.columns),
        (schema.REGISTER_SHEET.vi, "DuAn", R.columns),
    ):
        ws = book[sheet]
        (tbl,) = ws.tables.values()
        assert tbl.name == name and tbl.autoFilter is not None
        first, last = tbl.ref.split(":")
        assert first == f"A{HEADER_ROW + 1}" and int(last[2:] if last[1].isalpha() else last[1:]) == ws.max_row
        assert ws.freeze_panes == f"C{HEADER_ROW + 2}"
        header = [c.value for c in ws[HEADER_ROW + 1]]
        assert header == [c.vi for c in columns] + [c.vi for c in schema.PROVENANCE_COLUMNS]
        assert ws["A1"].value.endswith(("/ Funding needs", "/ Projects"))
        vi, en = ws["A2"].value.split(" / ", 1)  # what the sheet holds, not its name again
        assert vi.startswith("Mọi dòng") and en.startswith("Every") and not en.startswith(("Funding", "Projects"))
        assert ws.cell(HEADER_ROW + 1, 2).comment.text.startswith(columns[1].en)
        data = ws[HEADER_ROW + 2]
        for column, cell in zip(columns, data, strict=False):
            if column.number_format and cell.value is not None:  # USD in whole dollars, never ",00"
                assert cell.number_format == ("#,##0" if column.key.endswith("_usd") else column.number_format), (
                    column.key
                )


def test_text_that_looks_like_a_formula_stays_text(run):
    result, out, book = run
    notes = [r[R.column("ghi_chu").vi] for r in table(book, schema.REGISTER_SHEET.vi) if r[H["ma_tinh_goc"]] == "91"]
    assert set(FORMULAS) <= set(notes)
    ws = book[schema.REGISTER_SHEET.vi]
    column = [c.key for c in R.columns].index("ghi_chu") + 1
    cells = [ws.cell(r, column) for r in range(HEADER_ROW + 2, ws.max_row + 1)]
    assert all(c.data_type == "s" for c in cells if c.value in FORMULAS)
    with zipfile.ZipFile(out) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
        data_sheets = [z.read(n).decode() for n in sheets]
    formulas = [s.count("<f>") + s.count("<f ") for s in data_sheets]
    assert sum(formulas) == 0  # not one live formula anywhere in the workbook


# --- summaries -------------------------------------------------------------------------------


def test_duplicates_across_provinces(run):
    _, _, book = run
    rows = table(book, schema.DUPLICATES.vi)
    groups = {}
    for r in rows:  # one row per member of a group, each register row at most once
        groups.setdefault(r["Nhóm"], []).append(r)
    assert [r["Nhóm"] for r in rows] == sorted(r["Nhóm"] for r in rows)
    assert all(len(g) == g[0]["Số dòng trong nhóm"] >= 2 for g in groups.values())
    assert len({(r["Tệp nguồn"], r["Dòng nguồn"]) for r in rows}) == len(rows)
    near = [r for g in groups.values() for r in g if r["Tên chương trình/dự án"] in NEAR_TITLE]
    assert {r["Mã tỉnh (gốc)"] for r in near} == {"82", "86"} and len({r["Nhóm"] for r in near}) == 1
    assert all(r["Lý do"].startswith("Cùng nhà tài trợ") and 92 <= r["Điểm tương đồng"] <= 100 for r in near)
    decided = [r for r in rows if "quyết định" in r["Lý do"]]
    assert {r["Mã tỉnh (gốc)"] for r in decided} == {"82", "91"} and len({r["Nhóm"] for r in decided}) == 1
    assert all(r["Ngày quyết định"] == datetime(2026, 3, 3) for r in decided)


def test_by_sector_and_by_donor(run, cluster):
    result, _, book = run
    ws = book[schema.BY_SECTOR.vi]
    values = [[c.value for c in row] for row in ws.iter_rows()]
    start = next(i for i, row in enumerate(values) if row[0] and str(row[0]).startswith(PERIOD))
    header = values[start + 1]
    total = header.index("Tổng cộng")
    end = next(i for i in range(start + 2, len(values)) if values[i][0] == "Tổng cộng")
    totals = next(t for t in result.totals() if t["period"] == PERIOD)
    assert values[end][total] == pytest.approx(totals["usd_approved"])
    column_82 = header.index("82 Đồng Tháp")
    assert values[end][column_82] == pytest.approx(entry(result, "82")["usd_approved"])
    donors = {(r[H["ky_bao_cao"]], r[R.column("nha_tai_tro").vi]): r for r in table(book, schema.BY_DONOR.vi)}
    row = donors[(PERIOD, DONOR)]  # "QUỸ HỖ TRỢ…" of 86 is the same donor
    assert row["Số dự án"] == 2 and row["Số tỉnh"] == 2 and row["Các tỉnh"] == "82 Đồng Tháp; 86 Vĩnh Long"


def test_charts_on_the_overview(run):
    _, out, _ = run
    with zipfile.ZipFile(out) as z:
        charts = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/charts/chart")]
    assert len(charts) == 2
    assert any("USD by province" in c for c in charts)
    assert any("Approved aid by sector (USD, any decision date)" in c for c in charts)  # which amount it shows


def test_json_summary(run):
    result, out, _ = run
    data = json.loads(json.dumps(result.to_dict(), ensure_ascii=False))
    assert data["output"] == str(out) and data["cluster"].startswith("Cụm")
    e = next(p for p in data["provinces"] if p["original_code"] == "95")
    assert {k: e[k] for k in ("province_code", "province_name", "original_code", "period", "status")} == {
        "province_code": "96",
        "province_name": "Cà Mau",
        "original_code": "95",
        "period": "2024",
        "status": "valid",
    }
    for key in (
        "needs",
        "register",
        "usd_requested",
        "usd_approved",
        "usd_disbursed",
        "errors",
        "warnings",
        "status_vi",
        "status_en",
        "received_at",
        "file",
    ):
        assert key in e
    assert {f["file"]: f["role"] for f in data["files"]}["92/ban-sao.xlsx"] == "superseded"
    assert data["duplicates"] >= 1 and data["duplicate_rows"] >= 3 and data["changes"] is None


# --- --previous: Thay đổi -------------------------------------------------------------------


def test_changes_since_a_previous_consolidation(tmp_path):
    inbox = tmp_path / "nop"
    records = sample_records("82", PERIOD, 3, 4, 5)
    submission(inbox / "82.xlsx", "82", PERIOD, records, received=at(1))
    submission(inbox / "86.xlsx", "86", PERIOD, sample_records("86", PERIOD, 2, 2, 6), received=at(1))
    first = consolidate(inbox, tmp_path / "lan-1.xlsx")
    assert first.changes is None

    records["register"][1]["ten_en"] = "A new English title"
    records["register"][1]["gia_tri_usd"] = 77_000.0
    removed = records["register"].pop(2)["ma_khoan"]
    records["register"].append({**records["register"][0], "stt": 5, "ma_khoan": "82-V2026-005"})
    submission(inbox / "82-lan-2.xlsx", "82", PERIOD, records, received=at(2))
    second = consolidate(inbox, tmp_path / "lan-2.xlsx", previous=tmp_path / "lan-1.xlsx")
    assert summary(second.changes) == {"added": 1, "removed": 1, "changed": 1}
    rows = table(load_workbook(tmp_path / "lan-2.xlsx"), schema.CHANGES.vi)
    fields = {(r["Mã (ID)"], r["Trường"], r["Giá trị mới"]) for r in rows if r["Loại thay đổi"] == "Thay đổi / Changed"}
    assert fields == {
        ("82-V2026-002", R.column("ten_en").vi, "A new English title"),
        ("82-V2026-002", R.column("gia_tri_usd").vi, 77_000.0),
    }
    assert {r["Mã (ID)"] for r in rows if r["Loại thay đổi"] == "Đã xóa / Removed"} == {removed}
    assert {r["Mã (ID)"] for r in rows if r["Loại thay đổi"] == "Mới / New"} == {"82-V2026-005"}
    assert second.to_dict()["changes"]["changed"] == 1

    # Unchanged inputs: nothing to report.
    third = consolidate(inbox, tmp_path / "lan-3.xlsx", previous=tmp_path / "lan-2.xlsx")
    assert third.changes == []
    note = load_workbook(tmp_path / "lan-3.xlsx")[schema.CHANGES.vi]["A2"].value
    assert "không có thay đổi" in note and "no changes" in note
    overview_sheets = load_workbook(tmp_path / "lan-1.xlsx")[schema.OVERVIEW.vi]["A3"].value
    assert schema.CHANGES.vi not in overview_sheets and schema.NEEDS_SHEET.vi in overview_sheets  # only those there


# --- read and printed by its users -----------------------------------------------------------


def _widths(ws) -> list[float]:
    """Every column's width, from the sheet's <col> ranges (openpyxl keys a range by its first column)."""
    out: dict[int, float] = {}
    for dim in ws.column_dimensions.values():
        for i in range(dim.min, dim.max + 1):
            out[i] = dim.width
    return [out.get(i, 8.43) for i in range(1, max(out) + 1)]


def test_every_sheet_says_what_it_holds_in_both_languages_and_prints_readably(run):
    from toolkit.consolidation.printing import PAGE_PX, column_px

    _, _, book = run
    for ws in book.worksheets:
        note = ws["A2"].value
        assert " / " in note and not note.startswith(ws.title), ws.title
        assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9, ws.title
        for code in ("&A", "&P", "&N", "&D"):  # sheet name, page, pages, date on every page
            assert code in "".join(
                p.text or "" for p in (ws.oddFooter.left, ws.oddFooter.center, ws.oddFooter.right)
            ), (ws.title, code)
        area = ws.print_area.split("!")[-1].replace("$", "")
        last_col = column_index_from_string(area.split(":")[1].rstrip("0123456789"))
        printed = sum(column_px(w) for w in _widths(ws)[:last_col])
        if ws.sheet_properties.pageSetUpPr is not None and ws.sheet_properties.pageSetUpPr.fitToPage:
            assert ws.page_setup.fitToWidth in (None, 1) and ws.page_setup.fitToHeight == 0, ws.title
            assert printed * 60 <= PAGE_PX * 100, ws.title  # one page wide at 60 % or more
        else:  # wider: more pages wide at a readable scale, the key columns on each
            scale = ws.page_setup.scale or 100  # 100 is the default, not written
            assert 60 <= scale <= 100 and printed * scale > PAGE_PX * 100, ws.title
            assert ws.print_title_cols, ws.title
        if ws.tables:
            (tbl,) = ws.tables.values()
            header = tbl.ref.split(":")[0][1:]
            assert ws.print_title_rows == f"${header}:${header}", ws.title  # the header row on every page
    assert "biểu đồ ở dưới cùng" in book[schema.OVERVIEW.vi]["A2"].value
    assert "charts at the bottom" in book[schema.OVERVIEW.vi]["A2"].value


def test_the_overview_leads_with_status_and_money_and_shows_no_local_path(run, cluster):
    _, _, book = run
    ws = book[schema.OVERVIEW.vi]
    header = [c.value for c in ws[6]]
    assert header[:4] == [
        H["tinh_hien_hanh"],
        schema.INFO_BY_KEY["ky_bao_cao"].vi,
        "Trạng thái nộp",
        "Đề xuất đang vận động (số)",
    ]
    assert header[-3:] == [H["ma_tinh_hien_hanh"], H["ma_tinh_goc"], H["tinh_goc"]]
    area = ws.print_area.split("!")[-1].replace("$", "")
    printed = column_index_from_string(area.split(":")[1].rstrip("0123456789"))
    assert header[printed - 1] == "Số cảnh báo"  # status, money and counts on paper; files and codes on screen
    assert ws.sheet_properties.pageSetUpPr.fitToPage  # on one page wide
    assert ws["A4"].value.startswith(f"Thư mục / folder: {cluster['inbox'].name} · ")  # the name, not the path
    assert str(cluster["root"]) not in ws["A4"].value
    usd = header.index("Phê duyệt trong kỳ (USD)") + 1
    days = header.index("Số ngày phê duyệt (bình quân)") + 1
    filled = next(r for r in range(7, ws.max_row) if ws.cell(r, usd).value and ws.cell(r, days).value is not None)
    assert ws.cell(filled, usd).number_format == "#,##0" and "ngày" in ws.cell(filled, days).number_format


def test_bilingual_values_show_whole_and_priority_is_explained(run):
    _, _, book = run
    ws = book[schema.FILES.vi]
    header = [c.value for c in ws[HEADER_ROW + 1]]
    role = header.index("Vai trò tệp") + 1
    longest = max(len(str(c.value)) for c in ws[get_column_letter(role)][HEADER_ROW + 1 :] if c.value)
    assert " / " in ws.cell(HEADER_ROW + 2, role).value and _widths(ws)[role - 1] >= longest
    reasons = table(book, schema.DUPLICATES.vi)
    col = [c.value for c in book[schema.DUPLICATES.vi][HEADER_ROW + 1]].index("Lý do")
    ws = book[schema.DUPLICATES.vi]
    assert _widths(ws)[col] >= min(max(len(r["Lý do"]) for r in reasons), 60)
    assert ws.cell(HEADER_ROW + 2, col + 1).alignment.wrap_text  # two reasons together wrap, never cut
    needs = book[schema.NEEDS_SHEET.vi]
    col = [c.value for c in needs[HEADER_ROW + 1]].index(N.column("uu_tien").vi) + 1
    assert "1 = cao nhất / highest" in needs.cell(HEADER_ROW + 1, col).comment.text


def test_priority_is_a_number_and_sectors_wrap(run):
    _, _, book = run
    rows = table(book, schema.NEEDS_SHEET.vi)
    assert {type(r[N.column("uu_tien").vi]) for r in rows} == {int}
    ws = book[schema.BY_SECTOR.vi]
    sectors = {x.vi for x in schema.sectors()}
    longest = max((c for c in ws["A"] if c.value in sectors), key=lambda c: len(c.value))
    assert longest.alignment.wrap_text and ws.column_dimensions["A"].width >= 40


def test_blank_template_prints_one_page_wide(tmp_path):
    from toolkit.template import template

    book = load_workbook(template(tmp_path / "mau.xlsx", "92", PERIOD))
    for name in (schema.NEEDS_SHEET.vi, schema.REGISTER_SHEET.vi, schema.INFO.vi, schema.INSTRUCTIONS.vi):
        ws = book[name]
        assert ws.page_setup.orientation == "landscape" and ws.sheet_properties.pageSetUpPr.fitToPage, name
        assert ws.page_setup.fitToWidth in (None, 1) and ws.page_setup.fitToHeight == 0, name  # 1 is the default
    assert book[schema.NEEDS_SHEET.vi].print_title_rows == "$1:$1"


@pytest.mark.office
def test_printed_page_counts(tmp_path, run, soffice_convert):
    """A blank template printed on 22 pages and the consolidated workbook on 109 before issue 12."""
    import subprocess

    from toolkit.template import template

    def pages(pdf) -> int:
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
        return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))

    assert pages(soffice_convert(template(tmp_path / "mau.xlsx", "92", PERIOD))) <= 6
    _, out, _ = run
    copy = tmp_path / out.name
    shutil.copy(out, copy)
    assert pages(soffice_convert(copy)) <= 30


def test_previous_must_be_a_consolidated_workbook(tmp_path):
    path = sample_workbook(tmp_path / "92.xlsx", "92", PERIOD, needs=2, register=2).path
    with pytest.raises(ConsolidationError) as info:
        read_previous(path)
    assert "aidkit consolidate" in info.value.en and "không phải" in info.value.vi
    sample_workbook(tmp_path / "nop" / "86.xlsx", "86", PERIOD, needs=2, register=2)
    with pytest.raises(ConsolidationError):
        consolidate(tmp_path / "nop", tmp_path / "x.xlsx", previous=path)


# --- the run itself --------------------------------------------------------------------------


def test_period_filter_and_members(cluster, tmp_path):
    result = consolidate(
        cluster["inbox"], tmp_path / "x.xlsx", period=PERIOD, control=cluster["control"], received=cluster["received"]
    )
    assert {e.period for e in result.entries} == {PERIOD}
    assert sorted(e.code for e in result.entries) == ["82", "86", "91", "92", "96"]
    assert {f.name: f.role for f in result.files}["cu/95_2024.xlsx"] == "other-period"


def test_without_control_no_missing_and_no_late(cluster, tmp_path):
    result = consolidate(cluster["inbox"], tmp_path / "x.xlsx", period=PERIOD, received=cluster["received"])
    assert sorted((e.code, e.status) for e in result.entries) == [
        ("82", "valid"),
        ("86", "invalid"),
        ("91", "valid"),
        ("92", "valid"),
    ]
    assert all(e.member is None for e in result.entries)


def test_parallel_and_serial_runs_agree(cluster, tmp_path):
    a = consolidate(
        cluster["inbox"], tmp_path / "a.xlsx", control=cluster["control"], received=cluster["received"], workers=1
    )
    b = consolidate(
        cluster["inbox"], tmp_path / "b.xlsx", control=cluster["control"], received=cluster["received"], workers=2
    )
    da, db = a.to_dict(), b.to_dict()
    da.pop("output"), db.pop("output")
    assert da == db
    wa, wb = load_workbook(tmp_path / "a.xlsx"), load_workbook(tmp_path / "b.xlsx")
    for sheet in wa.sheetnames:
        assert list(wa[sheet].values) == list(wb[sheet].values), sheet


def test_same_inputs_same_workbook(cluster, tmp_path):
    """Deterministic: identical contents and document properties for identical inputs."""
    for name in ("a", "b"):
        consolidate(
            cluster["inbox"], tmp_path / f"{name}.xlsx", control=cluster["control"], received=cluster["received"]
        )
    with zipfile.ZipFile(tmp_path / "a.xlsx") as za, zipfile.ZipFile(tmp_path / "b.xlsx") as zb:
        assert za.namelist() == zb.namelist()
        for n in za.namelist():
            assert za.read(n) == zb.read(n), n
        assert b"2026-01-01T00:00:00Z" in za.read("docProps/core.xml")


def test_a_result_can_be_written_again(run, tmp_path):
    result, out, book = run
    again = write_consolidated(result, tmp_path / "again.xlsx")
    rewritten = load_workbook(again)
    assert rewritten.sheetnames == book.sheetnames
    for sheet in (schema.REGISTER_SHEET.vi, schema.NEEDS_SHEET.vi, schema.DUPLICATES.vi):
        assert list(rewritten[sheet].values) == list(book[sheet].values)


def test_progress_is_reported_per_file(cluster, tmp_path):
    seen = []
    consolidate(cluster["inbox"], tmp_path / "x.xlsx", progress=lambda done, total, name: seen.append((done, total)))
    total = len(workbook_files(cluster["inbox"]))
    assert seen == [(i, total) for i in range(1, total + 1)]


def test_output_inside_the_source_folder_is_not_read_back(tmp_path):
    submission(tmp_path / "82.xlsx", "82", PERIOD, sample_records("82", PERIOD, 2, 2, 1))
    consolidate(tmp_path, tmp_path / "tong-hop.xlsx")
    again = consolidate(tmp_path, tmp_path / "tong-hop.xlsx")
    assert [f.name for f in again.files] == ["82.xlsx"]


def test_bad_source_and_period(tmp_path):
    with pytest.raises(ConsolidationError) as info:
        consolidate(tmp_path / "khong-co", tmp_path / "x.xlsx")
    assert "Không tìm thấy thư mục" in info.value.vi
    with pytest.raises(ConsolidationError) as info:
        consolidate(tmp_path, tmp_path / "x.xlsx", period="2026-H3")
    assert "2026-H1" in info.value.en


def test_an_empty_folder_is_refused_and_writes_nothing(tmp_path):
    from toolkit.folders import NoWorkbooks

    (tmp_path / "nop").mkdir()
    with pytest.raises(NoWorkbooks) as info:
        consolidate(tmp_path / "nop", tmp_path / "x.xlsx")
    assert str(tmp_path / "nop") in info.value.vi and "no workbook" in info.value.en
    assert not (tmp_path / "x.xlsx").exists()


@pytest.mark.office
def test_consolidated_workbooks_open_in_libreoffice(run, cluster, soffice_convert, tmp_path):
    _, out, original = run
    converted = load_workbook(soffice_convert(out, "xlsx"))
    assert converted.sheetnames == original.sheetnames
    for sheet in (schema.REGISTER_SHEET.vi, schema.NEEDS_SHEET.vi, schema.DUPLICATES.vi, schema.RESUBMISSIONS.vi):
        assert len(table(converted, sheet)) == len(table(original, sheet)), sheet
    assert overview(converted) == overview(original)
    assert soffice_convert(out, "pdf").stat().st_size > 0
    # With a previous consolidation: the Thay đổi sheet too.
    again = tmp_path / "lan-2" / "tong-hop.xlsx"
    consolidate(cluster["inbox"], again, control=cluster["control"], received=cluster["received"], previous=out)
    assert schema.CHANGES.vi in load_workbook(soffice_convert(again, "xlsx")).sheetnames


def test_archive_and_output_inside_the_submissions_folder_are_not_read(tmp_path):
    """A control whose submissions folder is its own folder: the ledger's archive and the
    output folder sit inside it, and their copies must not count twice."""
    from toolkit.control import read_control
    from toolkit.ledger import Ledger
    from toolkit.submissions import receive

    control = sample_control(tmp_path / "dieu-hanh.xlsx", ("2026-H1",), smtp={"thu_muc_nhan": "."})
    sample_workbook(tmp_path / "92.xlsx", "92", "2026-H1", seed=1)
    ctrl = read_control(control)
    with Ledger.for_control(control) as ledger:
        receive(ctrl, ledger, datetime(2026, 7, 1, 8))
    assert any((tmp_path / "aidkit-archive").rglob("*.xlsx"))
    result = consolidate(None, control=control, period="2026-H1")
    assert [f.name for f in result.files] == ["92.xlsx"]
    assert result.output.parent == tmp_path / "ket-qua"
    again = consolidate(None, control=control, period="2026-H1")
    assert [f.name for f in again.files] == ["92.xlsx"]
