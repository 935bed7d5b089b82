"""The consolidated workbook: writing it (xlsxwriter) and reading a previous one back.

Sheets (Vietnamese names; each sheet's second line is an English note):
`Tổng quan`, `Nhu cầu tài trợ`, `Dự án PCPNN`, `Theo lĩnh vực`, `Theo nhà tài trợ`,
`Phát hiện`, `Trùng lặp`, `Thay đổi` (with a previous consolidation), `Nộp lại`
(when a province resubmitted) and `Tệp đã nhận`.

Every value from a submission is written by its Python type (text always as text,
never as a formula). Large tables go through `bulk_sheet.BulkWorksheet`.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable, Sequence
from contextlib import contextmanager, suppress
from datetime import date, datetime
from pathlib import Path
from typing import Any

from .. import schema
from ..atomic import atomic_path
from ..findings import FINDING_HEADERS, SEVERITY_VI
from ..periods import BadPeriod
from ..schema import PROVENANCE_BY_KEY as PROV
from ..sheets import BUILD_DATE, write_value
from ..text import fold
from .bulk_sheet import BulkWorksheet
from .changes import KIND_LABEL, Change
from .figures import Figures, entry_figures, period_figures
from .printing import LABELS, WIDEST, Layout, print_pages, text_width
from .result import (
    INDEX,
    ROLE_LABEL,
    ROW_ERRORS,
    SOURCE_ROW,
    ConsolidationError,
    ConsolidationResult,
    Entry,
    SourceFile,
    donor_rows,
    register_rows,
    sector_pivots,
)

HEADER_ROW = 2  # 0-based: title, what the sheet holds, then the table header
OVERVIEW_TOP = 5  # 0-based: the overview's table header, below its notes
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
COUNT_FORMAT = "#,##0"
USD_FORMAT = "#,##0"  # whole USD: the merged figures are read in dollars, never cents
DAYS_FORMAT = 'General" ngày"'  # a mean lead time in days: 13 ngày, 13,5 ngày
#: What a header's note adds to its English name, where a bare value needs explaining.
HEADER_NOTES = {"uu_tien": "1 = cao nhất / highest, 2 = trung bình / medium, 3 = thấp / low"}
TEXT_KINDS = (schema.TEXT, schema.ENUM, schema.EMAIL, schema.PHONE)
WRAPPED = frozenset({"ly_do"})  # aidkit's words that may run past printing.LABELS: wrapped, never cut
SUBMITTED = frozenset(c.key for t in schema.TABLES for c in t.columns)  # free text: cut at printing.WIDEST
TITLE = "Tổng hợp báo cáo viện trợ PCPNN / Consolidated foreign-NGO aid report"

_N = schema.NEEDS.column
_R = schema.REGISTER.column
_C = schema.Column
#: Columns of the overview (headers of the standard are taken from the schema, never retyped).
OVERVIEW_COLUMNS = (  # status and money first, the codes as submitted last (off the printed page)
    PROV["tinh_hien_hanh"],
    _C("ky_bao_cao", schema.INFO_BY_KEY["ky_bao_cao"].vi, schema.INFO_BY_KEY["ky_bao_cao"].en, schema.TEXT, width=9),
    _C("trang_thai_nop", "Trạng thái nộp", "Submission status", schema.TEXT, width=14),
    _C(
        "de_xuat_mo",
        "Đề xuất đang vận động (số)",
        "Open proposals (count): needs rows still Mới đề xuất or Đang vận động (not funded, not withdrawn)",
        "count",
        width=11,
    ),
    _C(
        "de_nghi_mo_usd",
        "Đề nghị tài trợ đang vận động (USD)",
        "Requested by the open proposals (USD)",
        schema.DECIMAL,
        width=14,
    ),
    _C(
        "phe_duyet_ky",
        "Phê duyệt trong kỳ (số khoản)",
        "Approved in the period (count): approved status and decision date within the period",
        "count",
        width=11,
    ),
    _C("phe_duyet_ky_usd", "Phê duyệt trong kỳ (USD)", "Approved in the period (USD)", schema.DECIMAL, width=14),
    _R("giai_ngan_ky_usd"),
    _R("giai_ngan_luy_ke_usd"),
    _C(
        "da_phe_duyet_usd",
        "Đã phê duyệt, mọi ngày quyết định (USD)",
        "Approved, any decision date: every register row with an approved status (USD)",
        schema.DECIMAL,
        width=14,
    ),
    _C(
        "de_nghi_tai_tro_usd",
        "Đề nghị tài trợ, mọi đề xuất (USD)",
        "Requested by every proposal, whatever its status (USD)",
        schema.DECIMAL,
        width=14,
    ),
    _C(
        "binh_quan_ngay_phe_duyet",
        "Số ngày phê duyệt (bình quân)",
        "Approval lead time, mean (days): complete dossier to decision, aid approved in the period",
        "days",
        width=11,
    ),
    _C(
        "trong_nguong",
        "Trong ngưỡng ngày phê duyệt (%)",
        "Share of the aid approved in the period decided within the approval threshold",
        "percent",
        width=11,
    ),
    _C("so_dong_nhu_cau", "Số đề xuất (mọi dòng)", "Proposals: every row of the needs list", "count", width=10),
    _C("so_dong_du_an", "Số khoản viện trợ (mọi dòng)", "Aid items: every row of the register", "count", width=10),
    _C("so_loi", "Số lỗi", "Errors", "count", width=8),
    _C("so_canh_bao", "Số cảnh báo", "Warnings", "count", width=9),
    _C("han_nop", schema.SCHEDULE_COLUMNS[1].vi, schema.SCHEDULE_COLUMNS[1].en, schema.DATE, width=11),
    _C("nhan_luc", "Nhận lúc", "Received at", "datetime", width=16),
    PROV["tep_nguon"],
    _C("so_tep_thay_the", "Số tệp bị thay thế", "Superseded files", "count", width=9),
    _C("ghi_chu_tong_hop", _R("ghi_chu").vi, _R("ghi_chu").en, schema.TEXT, width=40),
    PROV["ma_tinh_hien_hanh"],
    PROV["ma_tinh_goc"],
    PROV["tinh_goc"],
)
OV = {c.key: i for i, c in enumerate(OVERVIEW_COLUMNS)}
OVERVIEW_PRINTED = OV["so_canh_bao"] + 1  # status, money, counts on one page; the files and codes on screen
SECTOR_HEADER = _R("linh_vuc")
SECTOR_WIDTH = 40  # the sector names wrap in it
TOTAL_LABEL = ("Tổng cộng", "Total")
PIVOT_BLOCKS = (  # (key, Vietnamese title, English title, number format)
    ("approved_usd", "Giá trị đã phê duyệt (USD), dự án PCPNN", "Approved aid (USD), projects register", "usd"),
    ("register_count", "Số khoản viện trợ", "Number of aid items (register rows)", "count"),
    ("requested_usd", "Đề nghị tài trợ (USD), nhu cầu", "Funding requested (USD), needs list", "usd"),
    ("needs_count", "Số đề xuất", "Number of proposals (needs rows)", "count"),
)
DONOR_COLUMNS = (
    schema.INFO_BY_KEY["ky_bao_cao"],
    _R("nha_tai_tro"),
    _R("quoc_gia"),
    _C("so_du_an", "Số dự án", "Projects", "count", width=9),
    _R("gia_tri_usd"),
    OVERVIEW_COLUMNS[OV["da_phe_duyet_usd"]],
    _C("so_tinh", "Số tỉnh", "Provinces", "count", width=8),
    _C("cac_tinh", "Các tỉnh", "Which provinces", schema.TEXT, width=40),
)
FINDING_COLUMNS = (
    PROV["tep_nguon"],
    _C("vai_tro_tep", "Vai trò tệp", "File role", schema.TEXT, width=12),
    PROV["ma_tinh_goc"],
    PROV["ma_tinh_hien_hanh"],
    schema.INFO_BY_KEY["ky_bao_cao"],
    *(
        _C(f"f{i}", vi, en, schema.TEXT, width=w)
        for i, ((vi, en), w) in enumerate(zip(FINDING_HEADERS, (10, 22, 16, 7, 16, 20, 60, 60, 22), strict=True))
    ),
)
DUPLICATE_COLUMNS = (
    _C("nhom", "Nhóm", "Group", "count", width=7),
    _C("so_dong_nhom", "Số dòng trong nhóm", "Rows in the group", "count", width=9),
    _C("ly_do", "Lý do", "Reason", schema.TEXT, width=30),
    _C("diem", "Điểm tương đồng", "Similarity (0–100)", "score", width=10),
    schema.INFO_BY_KEY["ky_bao_cao"],
    PROV["ma_tinh_goc"],
    PROV["tinh_hien_hanh"],
    _R("ma_khoan"),
    _R("ten_vi"),
    _R("nha_tai_tro"),
    _R("so_qd"),
    _R("ngay_qd"),
    _R("gia_tri_usd"),
    PROV["tep_nguon"],
    PROV["dong_nguon"],
)
CHANGE_COLUMNS = (
    _C("loai", "Loại thay đổi", "Kind of change", schema.TEXT, width=28),
    _C("bang", "Bảng", "Table", schema.TEXT, width=16),
    _C("ma_dong", "Mã (ID)", "Row ID", schema.TEXT, width=16),
    PROV["ma_tinh_hien_hanh"],
    schema.INFO_BY_KEY["ky_bao_cao"],
    _C("ten", "Tên", "Title", schema.TEXT, width=40),
    _C("truong", "Trường", "Field", schema.TEXT, width=24),
    _C("gia_tri_cu", "Giá trị cũ", "Old value", schema.TEXT, width=24),
    _C("gia_tri_moi", "Giá trị mới", "New value", schema.TEXT, width=24),
)
RESUBMISSION_COLUMNS = (
    _C("tep_cu", "Tệp cũ", "Earlier file", schema.TEXT, width=28),
    _C("tep_moi", "Tệp mới", "Latest file", schema.TEXT, width=28),
    *CHANGE_COLUMNS,
)
FILE_COLUMNS = (
    PROV["tep_nguon"],
    PROV["sha256"],
    OVERVIEW_COLUMNS[OV["nhan_luc"]],
    _C("kich_thuoc", "Kích thước (byte)", "Size (bytes)", "count", width=11),
    PROV["ma_tinh_goc"],
    PROV["tinh_goc"],
    PROV["ma_tinh_hien_hanh"],
    PROV["tinh_hien_hanh"],
    schema.INFO_BY_KEY["ky_bao_cao"],
    FINDING_COLUMNS[1],
    PROV["trang_thai_tep"],
    _C("thay_the_boi", "Bị thay thế bởi", "Superseded by", schema.TEXT, width=28),
    OVERVIEW_COLUMNS[OV["so_loi"]],
    OVERVIEW_COLUMNS[OV["so_canh_bao"]],
    OVERVIEW_COLUMNS[OV["so_dong_nhu_cau"]],
    OVERVIEW_COLUMNS[OV["so_dong_du_an"]],
    _C("noi_dung", FINDING_HEADERS[6][0], FINDING_HEADERS[6][1], schema.TEXT, width=60),
    _C("message", FINDING_HEADERS[7][0], FINDING_HEADERS[7][1], schema.TEXT, width=60),
)
#: Row 2 of each sheet: what it holds, Vietnamese then English.
NOTES = {
    schema.OVERVIEW.key: (
        "Mỗi dòng là một tỉnh thành viên trong một kỳ: tình trạng nộp, tệp và thời điểm nhận, số "
        "dòng, số liệu USD, số ngày phê duyệt, lỗi và cảnh báo; tổng cụm, tệp bị từ chối hoặc bị "
        "thay thế ở dưới bảng; biểu đồ ở dưới cùng.",
        "One row per member province and period: submission status, file and time received, row "
        "counts, USD, approval lead time, errors and warnings; cluster totals, refused and "
        "superseded files below the table; charts at the bottom.",
    ),
    schema.NEEDS_SHEET.key: (
        "Mọi dòng nhu cầu tài trợ của mọi tệp được tính, theo tiêu đề chuẩn, rồi nguồn gốc (tỉnh "
        "khi nộp và sau sáp nhập 2025, kỳ, tệp, trang, dòng, SHA-256, trạng thái tệp, lỗi).",
        "Every funding-needs row of every counted file under the standard headers, then where "
        "it came from (province as submitted and after the 2025 merger, period, file, sheet, "
        "row, SHA-256, file status, errors). Each header's note gives its English name.",
    ),
    schema.REGISTER_SHEET.key: (
        "Mọi dòng khoản viện trợ của mọi tệp được tính, theo tiêu đề chuẩn, rồi nguồn gốc "
        "(tỉnh khi nộp và sau sáp nhập 2025, kỳ, tệp, trang, dòng, SHA-256, trạng thái tệp, "
        "lỗi).",
        "Every aid-register row of every counted file under the standard headers, then where "
        "it came from (province as submitted and after the 2025 merger, period, file, sheet, "
        "row, SHA-256, file status, errors). Each header's note gives its English name.",
    ),
    schema.ACTIVITIES_SHEET.key: (
        "Mọi dòng hoạt động đối ngoại nhân dân của mọi tệp được tính, theo tiêu đề chuẩn, "
        "rồi nguồn gốc (tỉnh khi nộp và sau sáp nhập 2025, kỳ, tệp, trang, dòng, SHA-256, "
        "trạng thái tệp, lỗi).",
        "Every people-to-people activity of every counted file under the standard headers, "
        "then where it came from (province, period, file, sheet, row, SHA-256, file status, "
        "errors).",
    ),
    schema.BY_SECTOR.key: (
        "Lĩnh vực × tỉnh (hiện hành): giá trị USD và số dòng, mỗi kỳ một khối.",
        "Sector × province (current): USD and counts, one block per period.",
    ),
    schema.BY_DONOR.key: (
        "Mỗi tổ chức tài trợ: số dự án, giá trị USD, các tỉnh và quốc gia.",
        "Each donor organisation: projects, USD, provinces and country.",
    ),
    schema.FINDINGS.key: (
        "Mọi phát hiện khi kiểm tra mọi tệp (kể cả tệp bị thay thế, bị từ chối).",
        "Every finding of every file (including superseded and refused files).",
    ),
    schema.DUPLICATES.key: (
        "Các nhóm dòng có thể trùng giữa các tỉnh (cùng nhà tài trợ và tên gần giống, hoặc cùng số "
        "và ngày quyết định); mỗi dòng một lần, với mã nhóm, lý do và điểm tương đồng tên cao "
        "nhất với một dòng khác của nhóm (0–100).",
        "Groups of rows that may be one aid item across provinces (same donor and near-identical "
        "title, or the same decision number and date); each row once, with its group, why it "
        "matches and its best title similarity to another row of the group (0–100).",
    ),
    schema.CHANGES.key: (
        "Thay đổi so với lần tổng hợp trước: dòng mới, bị xóa hoặc bị sửa, theo mã. Với kỳ trước "
        "(--previous hoặc sổ theo dõi): mỗi dòng chuyển tiếp đã cập nhật, để nguyên cả kỳ (nên hỏi "
        "lại) hay biến mất khi chưa kết thúc.",
        "Changes since the previous consolidation: rows new, removed or changed, by ID. Against an "
        "earlier period (--previous or the ledger): each carried row updated, left as it was for a "
        "whole period (worth a question) or gone without being finished.",
    ),
    schema.RESUBMISSIONS.key: (
        "Tệp mới nhất của mỗi tỉnh khác các lần nộp trước thế nào, theo mã.",
        "How each province's latest file differs from its earlier ones, by ID.",
    ),
    schema.FILES.key: (
        "Mọi tệp tìm thấy và vai trò của nó (được tính, bị thay thế, bị từ chối, khác kỳ).",
        "Every file found and its role (counted, superseded, refused, other period).",
    ),
}
NO_CHANGES = ("Kết quả: không có thay đổi.", "Result: no changes.")
#: The Excel Table name of each merged data sheet.
TABLE_NAMES = {"needs": "NhuCau", "register": "DuAn", "activities": "HoatDong"}
TITLES_VI = {
    schema.OVERVIEW.key: "Tổng quan theo tỉnh và kỳ báo cáo",
    schema.NEEDS_SHEET.key: "Danh mục kêu gọi tài trợ — mọi dòng của mọi tệp được tính",
    schema.REGISTER_SHEET.key: "Sổ theo dõi khoản viện trợ PCPNN — mọi dòng của mọi tệp được tính",
    schema.ACTIVITIES_SHEET.key: "Hoạt động đối ngoại nhân dân — mọi dòng của mọi tệp được tính",
    schema.BY_SECTOR.key: "Theo lĩnh vực và tỉnh",
    schema.BY_DONOR.key: "Theo nhà tài trợ",
    schema.FINDINGS.key: "Phát hiện khi kiểm tra từng tệp",
    schema.DUPLICATES.key: "Có thể trùng lặp giữa các tỉnh",
    schema.CHANGES.key: "Thay đổi so với lần tổng hợp trước",
    schema.RESUBMISSIONS.key: "Thay đổi giữa các lần nộp lại của một tỉnh",
    schema.FILES.key: "Các tệp đã nhận",
}


# --- writing ------------------------------------------------------------------------------


def write_consolidated(result: ConsolidationResult, out: str | os.PathLike) -> Path:
    """Write the consolidated workbook for `result` to `out` (atomically)."""
    out = Path(out)
    with atomic_path(out) as tmp:
        writer = ConsolidatedWriter(tmp, result)
        writer.write()
        writer.finish(result.duplicates)
    return out


@contextmanager
def fast_deflate():
    """Let xlsxwriter zip at zlib level 1 instead of its default 6 while a workbook closes.

    For the 85,000-row bench that is 0.8 s instead of 3 s, for a file about a third larger
    (28 MB instead of 21 MB). xlsxwriter has no option for it, so its module's `ZipFile` is
    swapped for the duration of the call and restored afterwards.
    """
    import xlsxwriter.workbook as module

    original = module.ZipFile
    module.ZipFile = functools.partial(original, compresslevel=1)
    try:
        yield
    finally:
        module.ZipFile = original


class ConsolidatedWriter:
    """Writes the consolidated workbook of a result: `write` every sheet but the duplicates (still
    being searched for elsewhere, perhaps), then `finish` with the pairs, which closes the file.
    `discard` abandons it after a failure.
    """

    def __init__(self, path: str | os.PathLike, result: ConsolidationResult):
        import xlsxwriter

        from ..outputs import mark_xlsxwriter

        self.path = Path(path)
        self.book = book = xlsxwriter.Workbook(
            str(path),
            {
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "strings_to_numbers": False,
                # Arial (Liberation Sans in LibreOffice, the same metrics): column widths print alike everywhere
                "default_format_properties": {"font_name": "Arial", "font_size": 10},
            },
        )
        book.set_properties({"title": TITLE, "author": "aidkit", "company": "aidkit", "created": BUILD_DATE})
        mark_xlsxwriter(book, "consolidated")
        base = {"font_name": "Arial", "font_size": 10}
        add = book.add_format
        self.f = {
            "title": add({**base, "bold": True, "font_size": 14, "font_color": "#1F4E78"}),
            "note": add({**base, "italic": True, "font_color": "#595959"}),
            "header": add(
                {
                    **base,
                    "bold": True,
                    "text_wrap": True,
                    "valign": "vcenter",
                    "font_color": "#FFFFFF",
                    "bg_color": "#1F4E78",
                    "border": 1,
                }
            ),
            "label": add({**base, "bold": True}),
            "wrap": add({**base, "text_wrap": True, "valign": "top"}),
            "total": add({**base, "bold": True, "top": 1, "num_format": USD_FORMAT}),
            "total_count": add({**base, "bold": True, "top": 1, "num_format": COUNT_FORMAT}),
            "total_label": add({**base, "bold": True, "top": 1}),
            "total_wrap": add({**base, "bold": True, "top": 1, "text_wrap": True, "valign": "top"}),
            "text": add(base),
            "usd": add({**base, "num_format": USD_FORMAT}),
            "amount": add({**base, "num_format": schema.USD_FORMAT}),
            "vnd": add({**base, "num_format": schema.VND_FORMAT}),
            "date": add({**base, "num_format": schema.DATE_FORMAT}),
            "datetime": add({**base, "num_format": DATETIME_FORMAT}),
            "integer": add({**base, "num_format": schema.INTEGER_FORMAT}),
            "count": add({**base, "num_format": COUNT_FORMAT}),
            "percent": add({**base, "num_format": "0%"}),
            "total_days": add({**base, "bold": True, "top": 1, "num_format": DAYS_FORMAT}),
            "total_percent": add({**base, "bold": True, "top": 1, "num_format": "0%"}),
            "days": add({**base, "num_format": DAYS_FORMAT}),
            "note_wrap": add({**base, "italic": True, "font_color": "#595959", "text_wrap": True, "valign": "top"}),
            "score": add({**base, "num_format": "0.0"}),
            "bad": add({"bg_color": "#FFC7CE", "font_color": "#9C0006"}),
            "warn": add({"bg_color": "#FFEB9C", "font_color": "#9C5700"}),
            "good": add({"bg_color": "#C6EFCE", "font_color": "#006100"}),
            "grey": add({"bg_color": "#E7E6E6", "font_color": "#404040"}),
        }
        self.pivot_positions: dict[str, tuple[int, int, int]] = {}  # period → sector rows and total column
        self.overview_ws = book.add_worksheet(schema.OVERVIEW.vi)
        self.layouts: dict[str, Layout] = {}  # sheet name → how it prints
        self.notes: dict[str, dict[int, str]] = {}  # sheet name → its note rows
        self.data_ws = {t.key: self.sheet(t.sheet) for t in schema.TABLES}
        self.data_columns = {t.key: (*t.columns, *schema.PROVENANCE_COLUMNS) for t in schema.TABLES}
        self.data_formats = {k: [self.fmt(c) for c in cols] for k, cols in self.data_columns.items()}
        self.data_unique = {k: _unique(cols) for k, cols in self.data_columns.items()}
        self.blocks: dict[tuple[str, str], Any] = {}
        self.result = result
        self.closed = False

    def _render(self, f: SourceFile) -> None:
        """Render the NEEDS and REGISTER rows of a counted file, with their provenance."""
        before = (
            f.original.code if f.original else f.code,
            f.original.short if f.original else None,
            f.current.code if f.current else None,
            f.current.short if f.current else None,
            f.period,
            f.name,
        )
        after = (f.sha256, schema.SUBMISSION_STATUSES.get(f.status))
        source, errors = SOURCE_ROW, ROW_ERRORS  # locals: read once per row of the whole cluster
        for key, data in f.rows.items():
            if not data:
                continue
            head = (*before, f.sheets.get(key))
            self.blocks[(f.name, key)] = self.data_ws[key].render(
                ((*row[:source], *head, row[source], *after, row[errors]) for row in data),
                self.data_formats[key],
                self.data_unique[key],
            )

    def write(self) -> None:
        """Every sheet of the result but the duplicates."""
        result = self.result
        self.book.set_properties(
            {
                "title": TITLE,
                "subject": result.cluster or "",
                "author": "aidkit",
                "company": "aidkit",
                "created": BUILD_DATE,
                "comments": f"aidkit consolidate; {len(result.files)} files; period {result.period or 'all'}",
            }
        )
        for f in result.counted:
            self._render(f)
        self._sheets()

    def finish(self, duplicates: list) -> Path:
        """Write the groups of duplicates (duplicates.DuplicateMember over `register_rows(result)`) and close."""
        self.duplicates(self.duplicates_ws, duplicates)
        with fast_deflate():
            self.book.close()
        self.closed = True
        return self.path

    def discard(self) -> None:
        """Close the workbook after a failure (the caller removes the file)."""
        if not self.closed:
            self.closed = True
            from xlsxwriter.exceptions import XlsxWriterException

            with suppress(OSError, XlsxWriterException):  # writing failed; the failure being handled is told
                self.book.close()

    def sheet(self, spec: schema.Sheet, result: tuple[str, str] | None = None) -> BulkWorksheet:
        """A sheet with its title, what it holds (Vietnamese / English; then `result`) and room for a table
        header; `table` lays it out for print."""
        ws = self.book.add_worksheet(spec.vi, worksheet_class=BulkWorksheet)
        ws.write_string(0, 0, f"{TITLES_VI[spec.key]} / {spec.en}", self.f["title"])
        vi, en = NOTES[spec.key]
        if result:
            vi, en = f"{vi} {result[0]}", f"{en} {result[1]}"
        self.note(ws, 1, f"{vi} / {en}")
        ws.set_row(HEADER_ROW, 42)
        return ws

    def note(self, ws, row: int, text: str) -> None:
        """A note line in column A (wrapped across the first printed page by `print_layout`)."""
        ws.write_string(row, 0, text, self.f["note"])
        self.notes.setdefault(ws.name, {})[row] = text

    def print_layout(
        self, ws, widths: Sequence[float], last_row: int, header_row: int | None, keys: tuple[int, int]
    ) -> Layout:
        """Print settings for `ws` (printing.print_pages), and its note rows wrapped across the first page."""
        r = self.result
        header = " · ".join(x for x in (r.cluster, f"Kỳ / period {r.period}" if r.period else "") if x)
        layout = self.layouts[ws.name] = print_pages(ws, widths, last_row, header_row, keys, header)
        last = layout.first_page_last_col
        room = sum(w * 7 + 5 for w in widths[: last + 1]) / 6.5  # characters of italic Arial 10 per line
        for row, text in self.notes.get(ws.name, {}).items():
            if last > 0:
                ws.merge_range(row, 0, row, last, text, self.f["note_wrap"])
            else:
                ws.write_string(row, 0, text, self.f["note_wrap"])
            ws.set_row(row, 13.5 * max(1, -(-len(text) // max(int(room), 1))) + 2)
        return layout

    def table(
        self,
        ws,
        name: str,
        columns: Sequence[schema.Column],
        rows: Iterable[Sequence] | None,
        *,
        notes: bool = False,
        freeze_cols: int = 0,
        blocks=None,
        printed: int | None = None,
        keys: tuple[int, int] | None = None,
    ) -> int:
        """An Excel Table at HEADER_ROW with `rows` (or rendered `blocks`) below it; returns its last row.

        Columns are as wide as their longest text (up to printing.WIDEST); the first `printed` columns
        print, with `keys` (default: the frozen ones) repeated on every page when they go wider than one.
        """
        formats = [self.fmt(c) for c in columns]
        if blocks is None:
            blocks = [ws.render(rows, formats, _unique(columns))]
        widths = [
            text_width(c.width, ws.longest_text(i), c.type in TEXT_KINDS, WIDEST if c.key in SUBMITTED else LABELS)
            for i, c in enumerate(columns)
        ]
        for i, (w, f) in enumerate(zip(widths, formats, strict=True)):
            ws.set_column(i, i, w, f)
        last = ws.place(HEADER_ROW + 1, blocks) - 1
        ws.add_bulk_table(
            HEADER_ROW,
            last,
            [
                {"header": c.vi, "header_format": self.f["header"], **({"format": f} if f is not None else {})}
                for c, f in zip(columns, formats, strict=True)
            ],
            {"name": name, "style": "TableStyleLight9"},
        )
        if notes:
            for i, c in enumerate(columns):
                extra = f"\n{HEADER_NOTES[c.key]}" if c.key in HEADER_NOTES else ""
                ws.write_comment(HEADER_ROW, i, f"{c.en}{extra}\n({c.key})", {"author": "aidkit", "x_scale": 1.6})
        ws.freeze_panes(HEADER_ROW + 1, freeze_cols)
        last = max(last, HEADER_ROW + 1)
        self.print_layout(ws, widths[: printed or len(columns)], last, HEADER_ROW, keys or (0, max(freeze_cols, 1) - 1))
        return last

    def fmt(self, column: schema.Column):
        kind = column.type
        if column.key in WRAPPED:
            return self.f["wrap"]
        if kind == schema.DECIMAL:  # USD whole; VND whole; an original currency as submitted
            return (
                self.f["vnd"]
                if column.key.endswith("_vnd")
                else self.f["usd"]
                if column.key.endswith("_usd")
                else self.f["amount"]
            )
        return {
            schema.INTEGER: self.f["integer"],
            schema.DATE: self.f["date"],
            "datetime": self.f["datetime"],
            "count": self.f["count"],
            "days": self.f["days"],
            "score": self.f["score"],
            "percent": self.f["percent"],
        }.get(kind)

    # --- sheets ----------------------------------------------------------------------------

    def _sheets(self) -> None:
        """Every sheet around the rendered data rows; the duplicates sheet is made, filled by `finish`."""
        for table in schema.TABLES:
            self.data_sheet(table)
        self.by_sector()
        self.by_donor()
        self.findings()
        self.duplicates_ws = self.sheet(schema.DUPLICATES)
        if self.result.changes is not None:
            self.changes(schema.CHANGES, "ThayDoi", CHANGE_COLUMNS, (((), c) for c in self.result.changes))
        if self.result.resubmissions:
            self.changes(
                schema.RESUBMISSIONS,
                "NopLai",
                RESUBMISSION_COLUMNS,
                (((r.earlier.name, r.latest.name), c) for r in self.result.resubmissions for c in r.changes),
            )
        self.files()
        self.overview(self.overview_ws)

    def data_sheet(self, table: schema.Table) -> None:
        ws = self.data_ws[table.key]
        columns = self.data_columns[table.key]
        blocks = [self.blocks[(f.name, table.key)] for f in self.result.counted if (f.name, table.key) in self.blocks]
        keys = {"needs": "ten_vi", "register": "ten_vi", "activities": "noi_dung"}
        last = self.table(
            ws,
            TABLE_NAMES[table.key],
            columns,
            None,
            notes=True,
            freeze_cols=2,
            blocks=blocks,
            printed=len(table.columns),
            keys=(1, table.columns.index(table.column(keys[table.key]))),
        )
        first = HEADER_ROW + 1
        errors_col = _letter(len(columns) - 1)
        status_col = _letter(len(columns) - 2)
        ws.conditional_format(
            first,
            0,
            last,
            len(columns) - 1,
            {"type": "formula", "criteria": f"=${errors_col}{first + 1}>0", "format": self.f["bad"]},
        )
        ws.conditional_format(
            first,
            0,
            last,
            len(columns) - 1,
            {
                "type": "formula",
                "criteria": f'=${status_col}{first + 1}="{schema.SUBMISSION_STATUSES["invalid"]}"',
                "format": self.f["warn"],
            },
        )

    def overview(self, ws) -> None:
        r = self.result
        f = self.f
        ws.write_string(
            0, 0, f"{TITLES_VI[schema.OVERVIEW.key]}" + (f" — {r.cluster}" if r.cluster else ""), f["title"]
        )
        self.note(ws, 1, " / ".join(NOTES[schema.OVERVIEW.key]))
        present = (
            schema.NEEDS_SHEET,
            schema.REGISTER_SHEET,
            schema.BY_SECTOR,
            schema.BY_DONOR,
            schema.FINDINGS,
            schema.DUPLICATES,
            *((schema.CHANGES,) if r.changes is not None else ()),
            *((schema.RESUBMISSIONS,) if r.resubmissions else ()),
            schema.FILES,
        )
        self.note(ws, 2, "Các trang / sheets: " + " · ".join(f"{s.vi} = {s.en}" for s in present))
        counted = len(r.counted)
        self.note(
            ws,
            3,
            f"Thư mục / folder: {Path(r.source).name} · Kỳ / period: {r.period or 'tất cả / all'} · "
            f"{len(r.files)} tệp / files, {counted} được tính / counted, {len(r.refused)} bị từ "
            f"chối / refused",
        )  # the folder's name only: the workbook is mailed to every member
        top = OVERVIEW_TOP
        ws.set_row(top, 42)
        formats = [self.fmt(c) for c in OVERVIEW_COLUMNS]
        longest = [0] * len(OVERVIEW_COLUMNS)
        longest[0] = len(" / ".join(TOTAL_LABEL))  # the totals' label below the table
        for i, e in enumerate(r.entries, start=top + 1):
            for col, value in enumerate(_overview_row(e, entry_figures(e, r.approval_days))):
                _write(ws, i, col, value, formats[col])
                if isinstance(value, str):
                    longest[col] = max(longest[col], len(value))
        widths = [
            text_width(c.width, n, c.type in TEXT_KINDS, LABELS) for c, n in zip(OVERVIEW_COLUMNS, longest, strict=True)
        ]
        for i, (w, fm) in enumerate(zip(widths, formats, strict=True)):
            ws.set_column(i, i, w, fm)
        last = top + max(len(r.entries), 1)
        ws.add_table(
            top,
            0,
            last,
            len(OVERVIEW_COLUMNS) - 1,
            {
                "name": "TongQuan",
                "style": "TableStyleLight9",
                "columns": [
                    {"header": c.vi, "header_format": f["header"], **({"format": fm} if fm else {})}
                    for c, fm in zip(OVERVIEW_COLUMNS, formats, strict=True)
                ],
            },
        )
        for i, c in enumerate(OVERVIEW_COLUMNS):
            ws.write_comment(top, i, f"{c.en}", {"author": "aidkit"})
        status = OV["trang_thai_nop"]
        for key, style in (("missing", "grey"), ("invalid", "bad"), ("late", "warn"), ("valid", "good")):
            ws.conditional_format(
                top + 1,
                status,
                last,
                status,
                {"type": "cell", "criteria": "==", "value": f'"{schema.SUBMISSION_STATUSES[key]}"', "format": f[style]},
            )
        ws.freeze_panes(top + 1, 2)
        row = last + 2
        row = self.overview_totals(ws, row)
        row = self.overview_files(ws, row + 1)
        charted = self.charts(ws, top, at=(row + 1, 0))  # below the table, on a printed page of their own
        if charted:
            ws.set_h_pagebreaks([row + 1])
        self.print_layout(ws, widths[:OVERVIEW_PRINTED], charted or row, top, (0, 1))

    def overview_totals(self, ws, row: int) -> int:
        f = self.f
        ws.write_string(row, 0, "Tổng cụm / Cluster totals", f["label"])
        row += 1
        sums = {
            "so_dong_nhu_cau": "needs",
            "so_dong_du_an": "register",
            "de_nghi_tai_tro_usd": "usd_requested",
            "da_phe_duyet_usd": "usd_approved",
            "giai_ngan_luy_ke_usd": "usd_disbursed_to_date",
            "so_loi": "errors",
            "so_canh_bao": "warnings",
        }
        for t in self.result.totals():
            ws.write_string(row, 0, f"{TOTAL_LABEL[0]} / {TOTAL_LABEL[1]}", f["total_label"])
            ws.write_string(row, 1, t["period"], f["total_label"])
            counts = " · ".join(f"{schema.SUBMISSION_STATUSES[k]}: {t[k]}" for k in schema.SUBMISSION_STATUSES)
            ws.write_string(row, OV["trang_thai_nop"], counts, f["total_wrap"])
            values = {col: t[key] for col, key in sums.items()}
            try:
                values.update(_figure_values(period_figures(self.result, t["period"]).total))
            except BadPeriod:  # a file's own period text that is not a period: no figures for it
                pass
            for col, value in values.items():
                kind = OVERVIEW_COLUMNS[OV[col]].type
                if value is not None:
                    ws.write_number(
                        row,
                        OV[col],
                        value,
                        f[
                            {"count": "total_count", "days": "total_days", "percent": "total_percent"}.get(
                                kind, "total"
                            )
                        ],
                    )
            row += 1
        return row

    def overview_files(self, ws, row: int) -> int:
        f = self.f
        refused = self.result.refused
        superseded = [x for x in self.result.files if x.role == "superseded"]
        others = [x for x in self.result.files if x.role == "other-period"]
        for title, files, describe in (
            (
                "Tệp bị từ chối (không đọc được) / Refused files (could not be read)",
                refused,
                lambda x: (x.as_refusal().vi, x.as_refusal().en),
            ),
            (
                "Tệp bị thay thế bởi tệp nộp sau / Superseded by a later file",
                superseded,
                lambda x: (f"Thay bởi {x.superseded_by.name}", f"Superseded by {x.superseded_by.name}"),
            ),
            (
                "Tệp của kỳ khác (không tính) / Files of another period (not counted)",
                others,
                lambda x: (f"Kỳ {x.period}", f"Period {x.period}"),
            ),
        ):
            if not files:
                continue
            ws.write_string(row, 0, title, f["label"])
            row += 1
            for x in files:  # one line each, in the printed columns
                vi, en = describe(x)
                ws.write_string(row, 0, f"{x.name} · {x.received:%d/%m/%Y %H:%M} · {vi} / {en}")
                row += 1
            row += 1
        return row

    def charts(self, ws, top: int, at: tuple[int, int]) -> int | None:
        """Native charts of the latest period (data from the table under row `top`), anchored at `at`;
        returns the last row they cover (None without charts)."""
        entries = self.result.entries
        periods = [e.period for e in entries if e.period]
        if not periods:
            return None
        latest = max(periods)
        rows = [i for i, e in enumerate(entries, start=top + 1) if e.period == latest]
        first, last = rows[0], rows[-1]
        name = schema.OVERVIEW.vi
        chart = self.book.add_chart({"type": "column"})
        for key in ("de_nghi_mo_usd", "phe_duyet_ky_usd", "giai_ngan_ky_usd"):
            chart.add_series(
                {
                    "name": [name, top, OV[key]],
                    "categories": [name, first, OV["tinh_goc"], last, OV["tinh_goc"]],
                    "values": [name, first, OV[key], last, OV[key]],
                }
            )
        chart.set_title({"name": f"USD theo tỉnh / USD by province ({latest})", "name_font": {"size": 11}})
        chart.set_y_axis({"num_format": "#,##0"})
        chart.set_size({"width": 760, "height": 360})
        ws.insert_chart(*at, chart)
        where = self.pivot_positions.get(latest)
        if where:
            first_row, last_row, total_col = where
            sheet = schema.BY_SECTOR.vi
            bar = self.book.add_chart({"type": "bar"})
            bar.add_series(
                {
                    "name": PIVOT_BLOCKS[0][1],
                    "categories": [sheet, first_row, 0, last_row, 0],
                    "values": [sheet, first_row, total_col, last_row, total_col],
                }
            )
            bar.set_title(
                {
                    "name": f"Giá trị viện trợ đã phê duyệt theo lĩnh vực (USD, mọi ngày quyết định), "
                    f"{latest}\nApproved aid by sector (USD, any decision date)",
                    "name_font": {"size": 11},
                    "overlay": False,
                    "layout": {"x": 0.05, "y": 0.02},
                }
            )  # two lines above the plot, never on it
            bar.set_x_axis({"num_format": "#,##0"})
            bar.set_y_axis({"num_font": {"size": 8}, "reverse": True})
            bar.set_legend({"none": True})
            bar.set_plotarea({"layout": {"x": 0.45, "y": 0.16, "width": 0.5, "height": 0.76}})
            bar.set_size({"width": 960, "height": 480})
            ws.insert_chart(at[0] + 19, at[1], bar)
            return at[0] + 19 + 25  # 480 px of 20 px rows, and one to spare
        return at[0] + 19

    def by_sector(self) -> None:
        ws = self.book.add_worksheet(schema.BY_SECTOR.vi)
        f = self.f
        ws.write_string(0, 0, f"{TITLES_VI[schema.BY_SECTOR.key]} / {schema.BY_SECTOR.en}", f["title"])
        self.note(ws, 1, " / ".join(NOTES[schema.BY_SECTOR.key]))
        ws.set_column(0, 0, SECTOR_WIDTH)
        row = 3
        columns = 1
        for period, provinces, sectors, blocks in sector_pivots(self.result):
            ws.set_column(1, len(provinces) + 1, 14)
            columns = max(columns, len(provinces) + 2)
            for key, vi, en, kind in PIVOT_BLOCKS:
                ws.write_string(row, 0, f"{period} — {vi} / {en}", f["label"])
                row += 1
                ws.write_string(row, 0, SECTOR_HEADER.vi, f["header"])
                for i, (_, label) in enumerate(provinces, start=1):
                    ws.write_string(row, i, label, f["header"])
                total_col = len(provinces) + 1
                ws.write_string(row, total_col, TOTAL_LABEL[0], f["header"])
                row += 1
                first = row
                fmt = f["usd"] if kind == "usd" else f["count"]
                values = blocks[key]
                for sector in sectors:
                    ws.write_string(row, 0, sector, f["wrap"])
                    for i, (code, _) in enumerate(provinces, start=1):
                        ws.write_number(row, i, round(values.get((sector, code), 0), 2), fmt)
                    ws.write_number(
                        row,
                        total_col,
                        round(sum(values.get((sector, c), 0) for c, _ in provinces), 2),
                        f["total"] if kind == "usd" else f["total_count"],
                    )
                    row += 1
                if key == "approved_usd":
                    self.pivot_positions[period] = (first, row - 1, total_col)
                ws.write_string(row, 0, TOTAL_LABEL[0], f["total_label"])
                for i, (code, _) in enumerate(provinces, start=1):
                    ws.write_number(
                        row,
                        i,
                        round(sum(values.get((s, code), 0) for s in sectors), 2),
                        f["total"] if kind == "usd" else f["total_count"],
                    )
                ws.write_number(
                    row, total_col, round(sum(values.values()), 2), f["total"] if kind == "usd" else f["total_count"]
                )
                row += 3
        ws.freeze_panes(3, 1)
        self.print_layout(ws, [SECTOR_WIDTH] + [14] * (columns - 1), row, None, (0, 0))

    def by_donor(self) -> None:
        ws = self.sheet(schema.BY_DONOR)
        self.table(ws, "NhaTaiTro", DONOR_COLUMNS, donor_rows(self.result), freeze_cols=2)

    def findings(self) -> None:
        ws = self.sheet(schema.FINDINGS)

        def rows():
            for x in self.result.files:
                who = (
                    x.name,
                    ROLE_LABEL.get(x.role, x.role),
                    x.original.code if x.original else x.code,
                    x.current.code if x.current else None,
                    x.period,
                )
                if x.refused:
                    r = x.as_refusal()
                    yield (*who, SEVERITY_VI["error"], r.reason, None, None, None, r.detail or None, r.vi, r.en, None)
                for finding in x.findings:
                    yield (*who, *finding.to_row())

        last = self.table(ws, "PhatHien", FINDING_COLUMNS, rows(), freeze_cols=1)
        severity = len(FINDING_COLUMNS) - len(FINDING_HEADERS)
        ws.conditional_format(
            HEADER_ROW + 1,
            severity,
            last,
            severity,
            {"type": "cell", "criteria": "==", "value": f'"{SEVERITY_VI["error"]}"', "format": self.f["bad"]},
        )
        ws.conditional_format(
            HEADER_ROW + 1,
            severity,
            last,
            severity,
            {"type": "cell", "criteria": "==", "value": f'"{SEVERITY_VI["warning"]}"', "format": self.f["warn"]},
        )

    def duplicates(self, ws, members: list) -> None:
        """One row per member of each group of possible duplicates (duplicates.DuplicateMember)."""
        from .duplicates import REASON_LABEL

        rows = register_rows(self.result)
        r = INDEX["register"]
        keys = [r[k] for k in ("ma_khoan", "ten_vi", "nha_tai_tro", "so_qd", "ngay_qd", "gia_tri_usd")]
        reasons = {why: "; ".join(REASON_LABEL[x] for x in why) for why in {m.reasons for m in members}}

        def data():
            for m in members:
                f, row = rows[m.row]
                yield (
                    m.group,
                    m.size,
                    reasons[m.reasons],
                    m.score,
                    f.period,
                    f.original.code if f.original else f.code,
                    f.current.short if f.current else None,
                    *(row[k] for k in keys),
                    f.name,
                    row[SOURCE_ROW],
                )

        self.table(ws, "TrungLap", DUPLICATE_COLUMNS, data(), freeze_cols=2)

    def changes(self, spec: schema.Sheet, name: str, columns, changes: Iterable[tuple[tuple, Change]]) -> None:
        changes = list(changes)
        ws = self.sheet(spec, None if changes else NO_CHANGES)

        def rows():
            for prefix, c in changes:
                table = schema.TABLE_BY_KEY[c.table]
                row = c.row
                head = (
                    *prefix,
                    KIND_LABEL[c.kind],
                    table.sheet.vi,
                    c.ident or None,
                    row.get("ma_tinh_hien_hanh"),
                    row.get("ky_bao_cao"),
                    _shown(row.get("ten_vi")),
                )
                if not c.fields:
                    yield (*head, None, None, None)
                for fc in c.fields:
                    yield (*head, table.column(fc.key).vi, _shown(fc.old), _shown(fc.new))

        ident = len(columns) - len(CHANGE_COLUMNS) + 2  # the row's ID: repeated on each printed page
        self.table(ws, name, columns, rows(), freeze_cols=ident + 1, keys=(ident, ident))

    def files(self) -> None:
        ws = self.sheet(schema.FILES)

        def rows():
            for x in self.result.files:
                r = x.as_refusal() if x.refused else None
                yield (
                    x.name,
                    x.sha256 or None,
                    x.received,
                    x.size,
                    x.original.code if x.original else x.code,
                    x.original.short if x.original else None,
                    x.current.code if x.current else None,
                    x.current.short if x.current else None,
                    x.period,
                    ROLE_LABEL.get(x.role, x.role),
                    schema.SUBMISSION_STATUSES.get(x.status),
                    x.superseded_by.name if x.superseded_by else None,
                    x.errors,
                    x.warnings,
                    x.count("needs"),
                    x.count("register"),
                    r.vi if r else None,
                    r.en if r else None,
                )

        self.table(ws, "TepNhan", FILE_COLUMNS, rows(), freeze_cols=1)


def _unique(columns: Sequence[schema.Column]) -> list[int]:
    """Columns whose values are nearly all different (IDs, phone numbers, e-mails): kept out of the
    workbook's shared-string table."""
    ids = (_N("ma_de_xuat").key, _R("ma_khoan").key)
    return [
        i for i, c in enumerate(columns) if c.id_kind or c.key.startswith(ids) or c.type in (schema.PHONE, schema.EMAIL)
    ]


def _letter(col: int) -> str:
    from xlsxwriter.utility import xl_col_to_name

    return xl_col_to_name(col)


def _write(ws, row: int, col: int, value: Any, fmt) -> None:
    write_value(ws, row, col, value, fmt)


def _shown(value: Any) -> Any:
    """A value for a mixed-type column: dates as dd/mm/yyyy text, numbers and text as they are."""
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M") if value.time() != datetime.min.time() else value.strftime("%d/%m/%Y")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, str):
        return value or None
    return value


def _overview_row(e: Entry, figures: Figures) -> list[Any]:
    f = e.file
    values: dict[str, Any] = {
        "ky_bao_cao": e.period,
        "ma_tinh_hien_hanh": e.code,
        "tinh_hien_hanh": e.current.short if e.current else None,
        "ma_tinh_goc": e.original_code,
        "tinh_goc": e.original.short if e.original else None,
        "trang_thai_nop": figures.word,
        "han_nop": e.due,
        "nhan_luc": f.received if f else None,
        "tep_nguon": f.name if f else None,
        "ghi_chu_tong_hop": e.note_text("vi") or None,
    }
    if f is not None:
        values.update(
            {
                "so_dong_nhu_cau": e.needs,
                "so_dong_du_an": e.register,
                "de_nghi_tai_tro_usd": e.usd_requested,
                "da_phe_duyet_usd": e.usd_approved,
                "giai_ngan_luy_ke_usd": e.usd_disbursed_to_date,
                "so_loi": e.errors,
                "so_canh_bao": e.warnings,
                "so_tep_thay_the": len(e.superseded),
                **_figure_values(figures),
            }
        )
    return [values.get(c.key) for c in OVERVIEW_COLUMNS]


def _tenths(value: float | None) -> float | None:
    """A mean as the sheet shows it (0.1 day): what is stored survives a round trip through LibreOffice."""
    return None if value is None else round(value, 1)


def _figure_values(figures: Figures) -> dict[str, Any]:
    """The overview cells that show `figures` (the same figures as the report and the e-mail)."""
    return {
        "de_xuat_mo": figures.open_needs,
        "de_nghi_mo_usd": figures.usd_open_needs,
        "phe_duyet_ky": figures.approved,
        "phe_duyet_ky_usd": figures.usd_approved,
        "giai_ngan_ky_usd": figures.usd_disbursed,
        "binh_quan_ngay_phe_duyet": _tenths(figures.mean_days),
        "trong_nguong": figures.within_share,
    }


# --- reading a previous consolidation -----------------------------------------------------------


def read_previous(path: str | os.PathLike) -> dict[str, list[dict[str, Any]]]:
    """The merged rows of a consolidated workbook written earlier: table key → rows by column key.

    :raises ConsolidationError: if the file cannot be read or is not a consolidated workbook.
    """
    from ..findings import Refusal
    from ..reader import open_book, sniff

    path = Path(path)
    try:
        sniff(path)
        book = open_book(path)
    except Refusal as refusal:
        raise ConsolidationError(refusal.vi, refusal.en) from None
    names = {fold(n): n for n in book.sheet_names}
    out: dict[str, list[dict[str, Any]]] = {}
    for table in schema.TABLES:
        name = names.get(fold(table.sheet.vi))
        if name is None:
            continue
        rows = _previous_rows(table, book.get_sheet_by_name(name).to_python(skip_empty_area=False))
        if rows is None:
            raise _not_consolidated(path)
        out[table.key] = rows
    if not out or fold(schema.OVERVIEW.vi) not in names:
        raise _not_consolidated(path)
    return out


def _not_consolidated(path: Path) -> ConsolidationError:
    return ConsolidationError.of("consolidate-not-consolidated", file=path.name)


def _previous_rows(table: schema.Table, rows: list[list[Any]]) -> list[dict[str, Any]] | None:
    id_header = table.column(table.id_key).vi
    by_header = {c.vi: c.key for c in (*table.columns, *schema.PROVENANCE_COLUMNS)}
    for h, header in enumerate(rows[:12]):  # noqa: B007 - h, the header row, is read after the loop
        texts = [str(v).strip() if v not in (None, "") else "" for v in header]
        if id_header in texts and PROV["ma_tinh_hien_hanh"].vi in texts:
            break
    else:
        return None
    columns = {i: by_header[t] for i, t in enumerate(texts) if t in by_header}
    out = []
    for raw in rows[h + 1 :]:
        record = {key: (None if raw[i] == "" else raw[i]) for i, key in columns.items() if i < len(raw)}
        if all(v is None for v in record.values()):
            continue
        record["_scope"] = (_code(record.get("ma_tinh_goc")), record.get("ky_bao_cao"))
        out.append(record)
    return out


def _code(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return f"{int(value):02d}"
    return value
