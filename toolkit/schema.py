"""The provincial workbook standard (docs/STANDARD.md, version 1.2) as plain data.

Every other module reads sheets, headers, vocabularies and formats from here;
nothing else in the code repeats a header or a vocabulary.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING

from .data import read_rows

if TYPE_CHECKING:
    from datetime import date, datetime

    from .rates import Rates

TEMPLATE_VERSION = "1.2"  # 1.1 (issue #11): rates follow the date; the currency list is the ECB's and VND
# 1.2 (issue #20): a workbook may start prefilled from the last submission (carried rows, see CARRIED_STATUSES)
# 1.2 (issue #19): optional English columns in the needs list (objectives, beneficiary groups, agency)
# 1.2 (issue #18): the people-to-people activities sheet (optional in files of an earlier version)

# Column types understood by the reader.
TEXT, INTEGER, DECIMAL, DATE, EMAIL, PHONE, ENUM, SECTOR, COUNTRY, CURRENCY = (
    "text",
    "integer",
    "decimal",
    "date",
    "email",
    "phone",
    "enum",
    "sector",
    "country",
    "currency",
)

USD_FORMAT = "#,##0.00"
VND_FORMAT = "#,##0"
DATE_FORMAT = "dd/mm/yyyy"
INTEGER_FORMAT = "0"


@dataclass(frozen=True)
class Sheet:
    """A sheet of the standard workbook: Vietnamese name first, English alias."""

    key: str
    vi: str
    en: str


INSTRUCTIONS = Sheet("instructions", "Hướng dẫn", "Instructions")
INFO = Sheet("info", "Thông tin", "Info")
NEEDS_SHEET = Sheet("needs", "Nhu cầu tài trợ", "Funding needs")
REGISTER_SHEET = Sheet("register", "Dự án PCPNN", "Projects")
ACTIVITIES_SHEET = Sheet("activities", "Hoạt động đối ngoại", "Activities")  # 1.2: people-to-people work
LISTS = Sheet("lists", "Danh mục", "Lists")
FINDINGS = Sheet("findings", "Phát hiện", "Findings")
#: Sheets of the Excel-button workbooks: xlwings' settings, and the hidden list of what validate marked.
XLWINGS_CONF = Sheet("xlwings_conf", "xlwings.conf", "xlwings.conf")
MARKS = Sheet("marks", "_aidkit", "_aidkit")
STANDARD_SHEETS = (INSTRUCTIONS, INFO, NEEDS_SHEET, REGISTER_SHEET, ACTIVITIES_SHEET)


@dataclass(frozen=True)
class Column:
    """One column of a table (or one field of the Info block)."""

    key: str
    vi: str
    en: str
    type: str = TEXT
    required: bool = False
    vocabulary: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    exclusive_minimum: bool = False
    max_length: int | None = None
    id_kind: str | None = None  # "N" (proposal), "V" (aid) or "H" (activity) identifiers
    required_once_approved: bool = False
    width: int = 18
    hint_vi: str = ""
    hint_en: str = ""

    @property
    def number_format(self) -> str | None:
        if self.type == DATE:
            return DATE_FORMAT
        if self.type == INTEGER:
            return INTEGER_FORMAT
        if self.type == DECIMAL:
            return VND_FORMAT if self.key.endswith("_vnd") else USD_FORMAT
        return None

    @property
    def numeric(self) -> bool:
        return self.type in (INTEGER, DECIMAL)


@dataclass(frozen=True)
class Table:
    """A data table: one sheet, header in row 1 (the reader finds it lower, under a title block), one
    record per row below it."""

    key: str
    name_vi: str
    name_en: str
    sheet: Sheet
    columns: tuple[Column, ...]
    id_key: str
    id_kind: str
    _by_key: dict[str, Column] = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "_by_key", {c.key: c for c in self.columns})

    def column(self, key: str) -> Column:
        return self._by_key[key]


# --- vocabularies -----------------------------------------------------------

AID_FORMS = ("Chương trình", "Dự án", "Phi dự án")
AID_FORMS_EN = ("Programme", "Project", "Non-project")
NON_PROJECT = "Phi dự án"
PRIORITIES = ("1", "2", "3")
NEEDS_STATUSES = ("Mới đề xuất", "Đang vận động", "Đã có nhà tài trợ", "Đã phê duyệt", "Dừng")
NEEDS_STATUSES_EN = ("New proposal", "Seeking donors", "Donor found", "Approved", "Stopped")
#: "Đang vận động" (open needs): neither funded nor withdrawn; what the report counts and the catalogue lists.
OPEN_NEEDS = NEEDS_STATUSES[:2]
REGISTER_STATUSES = (
    "Chờ phê duyệt",
    "Đã phê duyệt",
    "Đang thực hiện",
    "Tạm dừng",
    "Đã kết thúc",
    "Bị thu hồi",
)
REGISTER_STATUSES_EN = ("Awaiting approval", "Approved", "In progress", "Suspended", "Completed", "Revoked")
APPROVED = "Đã phê duyệt"
APPROVED_STATUSES = ("Đã phê duyệt", "Đang thực hiện", "Tạm dừng", "Đã kết thúc")
#: Rows that carry into the next period's workbook (issue #20): a project not finished or revoked,
#: a need still open (not funded, not withdrawn); an activity is of its own period and never carries.
CARRIED_STATUSES = {"register": REGISTER_STATUSES[:4], "needs": OPEN_NEEDS, "activities": ()}
#: What each template version changed, for the call for reports (aidkit open-period): (version, vi, en).
STANDARD_CHANGES = (
    (
        "1.1",
        "Giá trị USD được đối chiếu theo tỷ giá của ngày quyết định; danh sách loại tiền là mọi loại tiền có "
        "tỷ giá tham chiếu.",
        "The USD amount is checked at the rate of the decision date; the currency list is every currency with a "
        "reference rate.",
    ),
    (
        "1.2",
        "Mẫu kỳ mới được điền sẵn từ bài nộp trước: dự án chưa kết thúc và đề xuất còn kêu gọi (dòng tô xanh), "
        "tỉnh cập nhật các ô tô xanh lá; trang mới «Hoạt động đối ngoại» ghi các hoạt động đối ngoại nhân dân "
        "(đoàn vào, đoàn ra, hội nghị, giao lưu, thông tin); danh sách đề xuất có thêm các cột tiếng Anh "
        "(không bắt buộc).",
        "The new period's workbook comes prefilled from the last submission: projects not finished and needs still "
        "open (blue rows); the province updates the pale green cells; a new sheet 'Activities' records "
        "people-to-people "
        "work (delegations in and out, conferences, exchanges, information); the needs list has optional English "
        "columns.",
    ),
)
#: The fields a province is expected to update on each carried row, every period.
UPDATED_EACH_PERIOD = {
    "register": (
        "trang_thai",
        "giai_ngan_ky_usd",
        "giai_ngan_luy_ke_usd",
        "ngay_nhan_hs",
        "so_qd",
        "ngay_qd",
        "ngay_bat_dau",
        "ngay_ket_thuc",
        "het_han_gdk",
    ),
    "needs": ("trang_thai", "nha_tai_tro_du_kien"),
    "activities": (),
}
ACTIVITY_TYPES = (
    "Đón đoàn vào",
    "Đoàn ra",
    "Hội nghị, hội thảo",
    "Giao lưu, kỷ niệm, sự kiện",
    "Thông tin, tuyên truyền",
    "Khác",
)
ACTIVITY_TYPES_EN = (
    "Incoming delegation",
    "Outgoing delegation",
    "Conference, workshop",
    "Exchange, anniversary, event",
    "Information, communication",
    "Other",
)

#: English equivalents accepted for each Vietnamese vocabulary word.
VOCABULARY_EN = dict(
    zip(
        AID_FORMS + NEEDS_STATUSES + REGISTER_STATUSES + ACTIVITY_TYPES,
        AID_FORMS_EN + NEEDS_STATUSES_EN + REGISTER_STATUSES_EN + ACTIVITY_TYPES_EN,
        strict=True,
    )
)


# --- the Info block -----------------------------------------------------------

INFO_FIELDS = (
    Column(
        "ma_tinh",
        "Mã tỉnh",
        "Province code",
        TEXT,
        required=True,
        hint_vi="Mã tỉnh 2 chữ số (danh mục 34 tỉnh, thành phố)",
        hint_en="2-digit province code",
    ),
    Column("ten_tinh", "Tên tỉnh", "Province name", TEXT, hint_vi="Tên tỉnh, thành phố", hint_en="Province name"),
    Column(
        "ky_bao_cao",
        "Kỳ báo cáo",
        "Period",
        TEXT,
        required=True,
        hint_vi="2026-H1 (6 tháng đầu năm), 2026-H2 hoặc 2026 (cả năm)",
        hint_en="2026-H1, 2026-H2 or 2026",
    ),
    Column(
        "don_vi",
        "Đơn vị",
        "Organisation",
        TEXT,
        required=True,
        hint_vi="Tên đơn vị báo cáo",
        hint_en="Reporting organisation",
    ),
    Column(
        "nguoi_lap",
        "Người lập",
        "Prepared by",
        TEXT,
        required=True,
        hint_vi="Họ tên người lập biểu",
        hint_en="Name of the person who prepared it",
    ),
    Column(
        "email",
        "Email",
        "Email",
        EMAIL,
        required=True,
        hint_vi="Email nhận thông báo",
        hint_en="Email for notifications",
    ),
    Column(
        "dien_thoai", "Điện thoại", "Phone", PHONE, hint_vi="Số điện thoại (không bắt buộc)", hint_en="Phone (optional)"
    ),
    Column(
        "ngay_lap",
        "Ngày lập",
        "Date prepared",
        DATE,
        required=True,
        hint_vi="Ngày lập biểu, dd/mm/yyyy",
        hint_en="Date prepared, dd/mm/yyyy",
    ),
    Column(
        "phien_ban_mau",
        "Phiên bản mẫu",
        "Template version",
        TEXT,
        hint_vi="Do mẫu tự ghi, không sửa",
        hint_en="Written by the template; do not edit",
    ),
)
INFO_BY_KEY = {c.key: c for c in INFO_FIELDS}


def _numbered(key: str, vi: str, en: str, kind: str) -> tuple[Column, Column]:
    """A table's first two columns: STT, and its row ID of the form {province}-{kind}{year}-{nnn}."""
    return (
        Column("stt", "STT", "No.", INTEGER, width=6, hint_vi="Số thứ tự", hint_en="Row number"),
        Column(
            key,
            vi,
            en,
            TEXT,
            required=True,
            id_kind=kind,
            width=16,
            hint_vi=f"Dạng {{Mã tỉnh}}-{kind}{{Năm}}-{{số}}, ví dụ 92-{kind}2026-001; không trùng",
            hint_en=f"{{Province}}-{kind}{{Year}}-{{nnn}}, e.g. 92-{kind}2026-001; unique",
        ),
    )


# --- NEEDS --------------------------------------------------------------------

NEEDS = Table(
    key="needs",
    name_vi="Danh mục kêu gọi tài trợ",
    name_en="Funding-needs list",
    sheet=NEEDS_SHEET,
    id_key="ma_de_xuat",
    id_kind="N",
    columns=(
        *_numbered("ma_de_xuat", "Mã đề xuất", "Proposal ID", "N"),
        Column(
            "ten_vi",
            "Tên dự án (tiếng Việt)",
            "Title (Vietnamese)",
            TEXT,
            required=True,
            max_length=300,
            width=40,
            hint_vi="Tối đa 300 ký tự",
            hint_en="At most 300 characters",
        ),
        Column(
            "ten_en",
            "Tên dự án (tiếng Anh)",
            "Title (English)",
            TEXT,
            width=40,
            hint_vi="Nên điền: nhà tài trợ đọc tiếng Anh",
            hint_en="Donors read English: please fill",
        ),
        Column(
            "hinh_thuc",
            "Hình thức",
            "Aid form",
            ENUM,
            required=True,
            vocabulary=AID_FORMS,
            width=14,
            hint_vi="Chọn trong danh sách",
            hint_en="Pick from the list",
        ),
        Column(
            "linh_vuc",
            "Lĩnh vực",
            "Sector",
            SECTOR,
            required=True,
            width=30,
            hint_vi="Chọn lĩnh vực trong danh sách",
            hint_en="Pick a sector from the list",
        ),
        Column(
            "dia_ban",
            "Địa bàn",
            "Location",
            TEXT,
            required=True,
            width=22,
            hint_vi="Xã/phường, tỉnh thực hiện",
            hint_en="Where it takes place",
        ),
        Column(
            "don_vi_de_xuat",
            "Đơn vị đề xuất",
            "Proposing agency",
            TEXT,
            required=True,
            width=26,
            hint_vi="Cơ quan, đơn vị đề xuất",
            hint_en="Proposing agency",
        ),
        Column(
            "muc_tieu",
            "Mục tiêu",
            "Objectives",
            TEXT,
            required=True,
            width=40,
            hint_vi="Mục tiêu chính của dự án",
            hint_en="Main objectives",
        ),
        Column(
            "doi_tuong",
            "Đối tượng hưởng lợi",
            "Beneficiaries",
            TEXT,
            width=24,
            hint_vi="Nhóm người hưởng lợi (không bắt buộc)",
            hint_en="Who benefits (optional)",
        ),
        Column(
            "so_nguoi_huong_loi",
            "Số người hưởng lợi",
            "Number of beneficiaries",
            INTEGER,
            minimum=0,
            width=12,
            hint_vi="Số nguyên ≥ 0",
            hint_en="Whole number ≥ 0",
        ),
        Column(
            "thoi_gian_thang",
            "Thời gian (tháng)",
            "Duration (months)",
            INTEGER,
            required=True,
            minimum=1,
            maximum=120,
            width=10,
            hint_vi="Từ 1 đến 120 tháng",
            hint_en="1 to 120 months",
        ),
        Column(
            "tong_kinh_phi_usd",
            "Tổng kinh phí (USD)",
            "Total budget (USD)",
            DECIMAL,
            required=True,
            minimum=0,
            exclusive_minimum=True,
            width=16,
            hint_vi="Số tiền USD > 0",
            hint_en="USD amount > 0",
        ),
        Column(
            "de_nghi_tai_tro_usd",
            "Đề nghị tài trợ (USD)",
            "Requested (USD)",
            DECIMAL,
            required=True,
            minimum=0,
            exclusive_minimum=True,
            width=16,
            hint_vi="> 0 và không vượt tổng kinh phí",
            hint_en="> 0 and at most the total",
        ),
        Column(
            "von_doi_ung_usd",
            "Vốn đối ứng (USD)",
            "Counterpart (USD)",
            DECIMAL,
            minimum=0,
            width=16,
            hint_vi="≥ 0; đề nghị + đối ứng ≈ tổng kinh phí",
            hint_en="≥ 0; requested + counterpart ≈ total",
        ),
        Column(
            "uu_tien",
            "Mức ưu tiên",
            "Priority",
            ENUM,
            required=True,
            vocabulary=PRIORITIES,
            width=10,
            hint_vi="1 (cao nhất), 2 hoặc 3",
            hint_en="1 (highest), 2 or 3",
        ),
        Column(
            "trang_thai",
            "Tình trạng",
            "Status",
            ENUM,
            required=True,
            vocabulary=NEEDS_STATUSES,
            width=18,
            hint_vi="Chọn trong danh sách",
            hint_en="Pick from the list",
        ),
        Column(
            "nha_tai_tro_du_kien",
            "Nhà tài trợ dự kiến",
            "Prospective donor",
            TEXT,
            width=24,
            hint_vi="Không bắt buộc",
            hint_en="Optional",
        ),
        Column(
            "nguoi_lien_he",
            "Người liên hệ",
            "Contact person",
            TEXT,
            required=True,
            width=22,
            hint_vi="Họ tên người liên hệ",
            hint_en="Contact person",
        ),
        Column(
            "email_lien_he",
            "Email liên hệ",
            "Contact email",
            EMAIL,
            required=True,
            width=26,
            hint_vi="Địa chỉ email hợp lệ",
            hint_en="A valid email address",
        ),
        Column(
            "dien_thoai",
            "Điện thoại",
            "Phone",
            PHONE,
            width=14,
            hint_vi="Số điện thoại Việt Nam, nhập dạng văn bản (giữ số 0 đầu)",
            hint_en="Vietnamese phone number, typed as text (keeps the leading 0)",
        ),
        # 1.2 (issue #19): what donors read in English; optional, a 1.1 file without them stays valid
        Column(
            "muc_tieu_en",
            "Mục tiêu (tiếng Anh)",
            "Objectives (English)",
            TEXT,
            width=40,
            hint_vi="Không bắt buộc; nhà tài trợ đọc tiếng Anh",
            hint_en="Optional; donors read English",
        ),
        Column(
            "doi_tuong_en",
            "Đối tượng hưởng lợi (tiếng Anh)",
            "Beneficiaries (English)",
            TEXT,
            width=24,
            hint_vi="Không bắt buộc",
            hint_en="Optional",
        ),
        Column(
            "don_vi_de_xuat_en",
            "Đơn vị đề xuất (tiếng Anh)",
            "Proposing agency (English)",
            TEXT,
            width=26,
            hint_vi="Không bắt buộc; để trống thì dùng bảng thuật ngữ",
            hint_en="Optional; when empty the glossary's name is used",
        ),
    ),
)
#: Optional columns added by template 1.2: a file of an older template that lacks them is not told so.
ADDED_IN_1_2 = frozenset({"muc_tieu_en", "doi_tuong_en", "don_vi_de_xuat_en"})


# --- REGISTER -------------------------------------------------------------------

REGISTER = Table(
    key="register",
    name_vi="Sổ theo dõi khoản viện trợ PCPNN",
    name_en="Foreign-NGO aid register",
    sheet=REGISTER_SHEET,
    id_key="ma_khoan",
    id_kind="V",
    columns=(
        *_numbered("ma_khoan", "Mã khoản viện trợ", "Aid ID", "V"),
        Column(
            "ten_vi",
            "Tên chương trình/dự án",
            "Title (Vietnamese)",
            TEXT,
            required=True,
            max_length=300,
            width=40,
            hint_vi="Tên chương trình, dự án, khoản viện trợ",
            hint_en="Title",
        ),
        Column(
            "ten_en", "Tên tiếng Anh", "Title (English)", TEXT, width=36, hint_vi="Không bắt buộc", hint_en="Optional"
        ),
        Column(
            "hinh_thuc",
            "Hình thức",
            "Aid form",
            ENUM,
            required=True,
            vocabulary=AID_FORMS,
            width=14,
            hint_vi="Chọn trong danh sách",
            hint_en="Pick from the list",
        ),
        Column(
            "nha_tai_tro",
            "Tổ chức tài trợ",
            "Donor organisation",
            TEXT,
            required=True,
            width=28,
            hint_vi="Tên tổ chức phi chính phủ nước ngoài",
            hint_en="Foreign NGO name",
        ),
        Column(
            "quoc_gia",
            "Quốc gia",
            "Donor country",
            COUNTRY,
            required=True,
            width=16,
            hint_vi="Tên nước (tiếng Việt hoặc tiếng Anh) hoặc mã 2 chữ cái",
            hint_en="Country name or ISO code",
        ),
        Column(
            "so_gdk",
            "Số giấy đăng ký",
            "NGO registration certificate no.",
            TEXT,
            width=16,
            hint_vi="Không bắt buộc",
            hint_en="Optional",
        ),
        Column(
            "het_han_gdk",
            "Hạn giấy đăng ký",
            "Certificate expiry",
            DATE,
            width=14,
            hint_vi="dd/mm/yyyy",
            hint_en="dd/mm/yyyy",
        ),
        Column(
            "linh_vuc",
            "Lĩnh vực",
            "Sector",
            SECTOR,
            required=True,
            width=30,
            hint_vi="Chọn lĩnh vực trong danh sách",
            hint_en="Pick a sector from the list",
        ),
        Column(
            "dia_ban",
            "Địa bàn",
            "Location",
            TEXT,
            required=True,
            width=22,
            hint_vi="Nơi thực hiện",
            hint_en="Where it takes place",
        ),
        Column(
            "chu_khoan",
            "Chủ khoản viện trợ",
            "Aid recipient",
            TEXT,
            required=True,
            width=26,
            hint_vi="Đơn vị tiếp nhận",
            hint_en="Recipient",
        ),
        Column(
            "co_quan_chu_quan",
            "Cơ quan chủ quản",
            "Managing agency",
            TEXT,
            required=True,
            width=26,
            hint_vi="Cơ quan chủ quản",
            hint_en="Managing agency",
        ),
        Column(
            "tien_te",
            "Loại tiền",
            "Currency",
            CURRENCY,
            required=True,
            width=10,
            hint_vi="Mã tiền tệ ISO 4217, ví dụ USD, EUR",
            hint_en="ISO 4217 code, e.g. USD, EUR",
        ),
        Column(
            "gia_tri_nguyen_te",
            "Giá trị (nguyên tệ)",
            "Amount (original currency)",
            DECIMAL,
            required=True,
            minimum=0,
            exclusive_minimum=True,
            width=16,
            hint_vi="> 0",
            hint_en="> 0",
        ),
        Column(
            "gia_tri_usd",
            "Giá trị (USD)",
            "Amount (USD)",
            DECIMAL,
            required=True,
            minimum=0,
            exclusive_minimum=True,
            width=16,
            hint_vi="> 0, quy đổi theo tỷ giá tham chiếu",
            hint_en="> 0, at the reference rate",
        ),
        Column(
            "von_doi_ung_vnd",
            "Vốn đối ứng (VNĐ)",
            "Counterpart (VND)",
            DECIMAL,
            minimum=0,
            width=16,
            hint_vi="≥ 0",
            hint_en="≥ 0",
        ),
        Column(
            "ngay_nhan_hs",
            "Ngày nhận đủ hồ sơ",
            "Complete dossier received",
            DATE,
            required_once_approved=True,
            width=14,
            hint_vi="Bắt buộc khi đã phê duyệt; dd/mm/yyyy",
            hint_en="Required once approved",
        ),
        Column(
            "so_qd",
            "Số quyết định",
            "Approval decision no.",
            TEXT,
            required_once_approved=True,
            width=18,
            hint_vi="Ví dụ 1234/QĐ-UBND; bắt buộc khi đã phê duyệt",
            hint_en="e.g. 1234/QĐ-UBND",
        ),
        Column(
            "ngay_qd",
            "Ngày quyết định",
            "Approval date",
            DATE,
            required_once_approved=True,
            width=14,
            hint_vi="Không trước ngày nhận đủ hồ sơ",
            hint_en="Not before the dossier date",
        ),
        Column(
            "ngay_bat_dau", "Ngày bắt đầu", "Start date", DATE, width=14, hint_vi="dd/mm/yyyy", hint_en="dd/mm/yyyy"
        ),
        Column(
            "ngay_ket_thuc",
            "Ngày kết thúc",
            "End date",
            DATE,
            width=14,
            hint_vi="Không trước ngày bắt đầu",
            hint_en="Not before the start date",
        ),
        Column(
            "giai_ngan_ky_usd",
            "Giải ngân trong kỳ (USD)",
            "Disbursed this period (USD)",
            DECIMAL,
            minimum=0,
            width=16,
            hint_vi="≥ 0",
            hint_en="≥ 0",
        ),
        Column(
            "giai_ngan_luy_ke_usd",
            "Giải ngân lũy kế (USD)",
            "Disbursed to date (USD)",
            DECIMAL,
            minimum=0,
            width=16,
            hint_vi="Không nhỏ hơn giải ngân trong kỳ",
            hint_en="At least this period's",
        ),
        Column(
            "trang_thai",
            "Tình trạng",
            "Status",
            ENUM,
            required=True,
            vocabulary=REGISTER_STATUSES,
            width=18,
            hint_vi="Chọn trong danh sách",
            hint_en="Pick from the list",
        ),
        Column(
            "ma_de_xuat",
            "Mã đề xuất liên quan",
            "Linked proposal ID",
            TEXT,
            width=16,
            hint_vi="Mã đề xuất trong danh mục kêu gọi (nếu có)",
            hint_en="Proposal ID in the needs list",
        ),
        Column("ghi_chu", "Ghi chú", "Notes", TEXT, width=30, hint_vi="Không bắt buộc", hint_en="Optional"),
    ),
)


# --- ACTIVITIES (1.2) -------------------------------------------------------------

#: Days an activity may lie outside the period before it is flagged (a delegation met on 2 July belongs to H1).
ACTIVITY_MARGIN_DAYS = 31

ACTIVITIES = Table(
    key="activities",
    name_vi="Hoạt động đối ngoại nhân dân",
    name_en="People-to-people activities",
    sheet=ACTIVITIES_SHEET,
    id_key="ma_hoat_dong",
    id_kind="H",
    columns=(
        *_numbered("ma_hoat_dong", "Mã hoạt động", "Activity ID", "H"),
        Column(
            "ngay_bat_dau",
            "Ngày bắt đầu",
            "Start date",
            DATE,
            required=True,
            width=14,
            hint_vi="dd/mm/yyyy, trong kỳ báo cáo",
            hint_en="dd/mm/yyyy, within the period",
        ),
        Column(
            "ngay_ket_thuc",
            "Ngày kết thúc",
            "End date",
            DATE,
            width=14,
            hint_vi="Không trước ngày bắt đầu; để trống nếu trong một ngày",
            hint_en="Not before the start; empty for a one-day activity",
        ),
        Column(
            "loai_hoat_dong",
            "Loại hoạt động",
            "Activity type",
            ENUM,
            required=True,
            vocabulary=ACTIVITY_TYPES,
            width=24,
            hint_vi="Chọn trong danh sách",
            hint_en="Pick from the list",
        ),
        Column(
            "quoc_gia",
            "Quốc gia, vùng lãnh thổ",
            "Country or territory",
            COUNTRY,
            required=True,
            width=18,
            hint_vi="Cùng danh sách nước như trang Dự án PCPNN",
            hint_en="The same country list as the Projects sheet",
        ),
        Column(
            "doi_tac",
            "Đối tác",
            "Partner organisation",
            TEXT,
            width=28,
            hint_vi="Tổ chức, đoàn đối tác nước ngoài",
            hint_en="The foreign partner organisation or delegation",
        ),
        Column(
            "noi_dung",
            "Nội dung",
            "What happened",
            TEXT,
            required=True,
            max_length=500,
            width=44,
            hint_vi="Nội dung chính, kết quả (tối đa 500 ký tự)",
            hint_en="What happened, results (500 characters)",
        ),
        Column(
            "so_nguoi",
            "Số người tham gia",
            "Participants",
            INTEGER,
            minimum=0,
            exclusive_minimum=True,
            width=12,
            hint_vi="Số nguyên > 0",
            hint_en="Whole number > 0",
        ),
        Column(
            "don_vi_chu_tri",
            "Đơn vị chủ trì",
            "Lead organisation",
            TEXT,
            required=True,
            width=26,
            hint_vi="Đơn vị tổ chức, chủ trì",
            hint_en="Who organised it",
        ),
        Column("ghi_chu", "Ghi chú", "Notes", TEXT, width=30, hint_vi="Không bắt buộc", hint_en="Optional"),
    ),
)
#: Tables a file may lack when its template version is older than the one given (the sheet came later).
OPTIONAL_BEFORE = {"activities": "1.2"}

TABLES = (NEEDS, REGISTER, ACTIVITIES)
TABLE_BY_KEY = {t.key: t for t in TABLES}


# --- settings with defaults -----------------------------------------------------


def _default_rates() -> Rates:
    from .rates import Rates  # the rate tables are read when the first Settings is made

    return Rates()


@dataclass(frozen=True)
class Settings:
    """Thresholds the checks use; every one can be changed by the cluster."""

    approval_days: int = 20
    rate_tolerance: float = 0.05
    budget_tolerance: float = 0.01
    disbursed_tolerance: float = 0.05
    certificate_warning_days: int = 90
    stale_approval_months: int = 6
    non_project_months: int = 12
    max_project_usd: float = 10_000_000  # a provincial project above this is usually VND typed as USD
    rates: Rates = field(default_factory=_default_rates)


# --- reference data -------------------------------------------------------------


@dataclass(frozen=True)
class Sector:
    code: str
    vi: str
    en: str
    dac: str


@cache
def sectors() -> tuple[Sector, ...]:
    """National priority sectors with their default OECD DAC CRS purpose code."""
    return tuple(
        Sector(r["code"], r["label_vi"], r["label_en"], r["dac_crs_default"]) for r in read_rows("sectors.csv")
    )


@dataclass(frozen=True)
class Province:
    code: str
    name: str
    short: str


@dataclass(frozen=True)
class MergerRow:
    old: Province
    new: Province


@cache
def merger() -> tuple[MergerRow, ...]:
    """The 63 provinces before 1 July 2025 and the 34 they became."""
    return tuple(
        MergerRow(
            Province(r["old_code"], r["old_name"], r["old_short"]),
            Province(r["new_code"], r["new_name"], r["new_short"]),
        )
        for r in read_rows("provinces_2025_merger.csv")
    )


@cache
def country_names_vi() -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    """(ISO alpha-2, Vietnamese name, variants) in current everyday use."""
    return tuple(
        (r["alpha2"], r["name_vi"], tuple(a for a in r["aliases_vi"].split(";") if a))
        for r in read_rows("countries_vi.csv")
    )


# --- the cluster control workbook -------------------------------------------------

MEMBERS_SHEET = Sheet("members", "Thành viên", "Members")
SCHEDULE_SHEET = Sheet("schedule", "Lịch nộp", "Schedule")
SETTINGS_SHEET = Sheet("settings", "Cấu hình", "Settings")
RATES_SHEET = Sheet("rates", "Tỷ giá", "Exchange rates")  # optional: the cluster's own reference rates
TARGETS_SHEET = Sheet("targets", "Chỉ tiêu", "Targets")  # optional: each member's targets for a year

MEMBER_COLUMNS = (
    Column("ma_tinh", "Mã tỉnh", "Province code", TEXT, required=True, width=10),
    Column("ten_tinh", "Tên tỉnh", "Province name", TEXT, width=18),
    Column("nguoi_dau_moi", "Người đầu mối", "Focal person", TEXT, width=24),
    Column("email", "Email", "Email", EMAIL, required=True, width=30),
    Column(
        "email_cc",
        "Email CC",
        "Email CC",
        TEXT,
        width=36,
        hint_vi="Nhiều địa chỉ cách nhau bởi dấu ;",
        hint_en="Several addresses separated by ;",
    ),
    Column("tu_ngay", "Từ ngày", "From", DATE, width=12),
    Column("den_ngay", "Đến ngày", "Until", DATE, width=12),
    Column(
        "danh_xung",
        "Danh xưng",
        "Form of address",
        TEXT,
        width=10,  # mail: "Kính gửi: Ông …"
        hint_vi="Ông hoặc Bà (để trống: thư gửi cơ quan)",
        hint_en="Ông (Mr) or Bà (Ms); empty: to the office",
    ),
)
SCHEDULE_COLUMNS = (
    Column("ky_bao_cao", "Kỳ báo cáo", "Period", TEXT, required=True, width=12),
    Column("han_nop", "Hạn nộp", "Due date", DATE, required=True, width=12),
    Column("nhac_truoc", "Nhắc trước (ngày)", "Remind before (days)", TEXT, width=16),
    Column("nhac_sau", "Nhắc sau (ngày)", "Remind after (days)", TEXT, width=16),
    Column("bao_truong_cum", "Báo trưởng cụm sau (ngày)", "Escalate after (days)", TEXT, width=20),
    Column(
        "ngay_mo_ky",
        "Ngày mở kỳ",
        "Opening date",
        DATE,
        width=12,
        hint_vi="Ngày tác vụ hằng ngày gửi thư đề nghị báo cáo kèm mẫu điền sẵn (không bắt buộc)",
        hint_en="The day the daily job mails the call for reports with the prefilled workbooks (optional)",
    ),
)
RATE_COLUMNS = (
    Column(
        "tien_te",
        "Loại tiền",
        "Currency",
        CURRENCY,
        required=True,
        width=10,
        hint_vi="Mã ISO 4217, ví dụ EUR, VND",
        hint_en="ISO 4217 code, e.g. EUR, VND",
    ),
    Column("tu_ngay", "Từ ngày", "From", DATE, required=True, width=12),
    Column(
        "usd_moi_don_vi",
        "USD / 1 đơn vị",
        "USD per unit",
        DECIMAL,
        required=True,
        width=16,
        hint_vi="Số USD của 1 đơn vị tiền, ví dụ EUR 1,16; VND 0,0000380",
        hint_en="USD value of one unit, e.g. EUR 1.16; VND 0.0000380",
    ),
    Column("nguon", "Nguồn", "Source", TEXT, width=36),
)
TARGET_COLUMNS = (
    Column("ma_tinh", "Mã tỉnh", "Province code", TEXT, required=True, width=10),
    Column("nam", "Năm", "Year", INTEGER, required=True, width=8),
    Column(
        "vien_tro_usd",
        "Vận động viện trợ (USD)",
        "Aid to mobilise (USD)",
        DECIMAL,
        minimum=0,
        width=20,
        hint_vi="Giá trị viện trợ được phê duyệt trong năm",
        hint_en="Aid approved in the year",
    ),
    Column(
        "so_du_an",
        "Số dự án",
        "Number of projects",
        INTEGER,
        minimum=0,
        width=10,
        hint_vi="Số khoản viện trợ được phê duyệt trong năm",
        hint_en="Aid items approved in the year",
    ),
    Column(
        "so_hoat_dong",
        "Số hoạt động đối ngoại",
        "Number of activities",
        INTEGER,
        minimum=0,
        width=14,
        hint_vi="Số hoạt động đối ngoại nhân dân trong năm",
        hint_en="People-to-people activities in the year",
    ),
)
CONTROL_SETTINGS = (
    Column("ten_cum", "Tên cụm", "Cluster name", TEXT, required=True),
    Column("thu_muc_nhan", "Thư mục nhận", "Submissions folder", TEXT, required=True),
    Column("thu_muc_ket_qua", "Thư mục kết quả", "Output folder", TEXT, required=True),
    Column("may_chu_smtp", "Máy chủ SMTP", "SMTP server", TEXT),
    Column("cong", "Cổng", "Port", INTEGER),
    Column("bao_mat", "Bảo mật", "Security", TEXT, hint_vi="STARTTLS, SSL hoặc Không", hint_en="STARTTLS, SSL or None"),
    Column("tai_khoan_gui", "Tài khoản gửi", "Sender account", TEXT),
    Column("ten_nguoi_gui", "Tên người gửi", "Sender name", TEXT),
    Column("email_truong_cum", "Email trưởng cụm", "Cluster lead email", EMAIL),
    Column("nguong_ngay_phe_duyet", "Ngưỡng ngày phê duyệt", "Approval threshold (days)", INTEGER),
    Column(
        "tep_ca",
        "Tệp CA",
        "CA file",
        TEXT,
        hint_vi="Chứng chỉ CA bổ sung cho máy chủ nội bộ (không bắt buộc)",
        hint_en="Extra CA certificate for an internal server (optional)",
    ),
    Column(
        "may_chu_imap",
        "Máy chủ IMAP",
        "IMAP server",
        TEXT,
        hint_vi="Hộp thư nhận bài nộp (aidkit collect)",
        hint_en="The mailbox submissions arrive in (aidkit collect)",
    ),
    Column(
        "cong_imap",
        "Cổng IMAP",
        "IMAP port",
        INTEGER,
        hint_vi="993 cho SSL, 143 cho STARTTLS",
        hint_en="993 for SSL, 143 for STARTTLS",
    ),
    Column(
        "bao_mat_imap",
        "Bảo mật IMAP",
        "IMAP security",
        TEXT,
        hint_vi="SSL, STARTTLS hoặc Không",
        hint_en="SSL, STARTTLS or None",
    ),
    Column(
        "tai_khoan_nhan",
        "Tài khoản nhận",
        "Receiving account",
        TEXT,
        hint_vi="Tên đăng nhập IMAP; mật khẩu ở keyring hoặc AIDKIT_IMAP_PASSWORD",
        hint_en="IMAP login; the password is in the keyring or AIDKIT_IMAP_PASSWORD",
    ),
    Column(
        "hop_thu_nhan", "Hộp thư nhận", "Receiving mailbox", TEXT, hint_vi="Mặc định INBOX", hint_en="Default INBOX"
    ),
    # aidkit report: the letterhead and signature of the Word report (a missing one shows as […])
    Column(
        "co_quan_cap_tren",
        "Cơ quan cấp trên",
        "Parent body",
        TEXT,
        hint_vi="Cơ quan chủ quản (không bắt buộc)",
        hint_en="Parent body (optional)",
    ),
    Column(
        "co_quan_ban_hanh",
        "Cơ quan ban hành",
        "Issuing body",
        TEXT,
        hint_vi="Ví dụ: Liên hiệp các tổ chức hữu nghị tỉnh Cà Mau",
        hint_en="The body issuing the report",
    ),
    Column("dia_danh", "Địa danh", "Place name", TEXT, hint_vi="Ví dụ: Cà Mau", hint_en="e.g. Cà Mau"),
    Column(
        "ky_hieu_bao_cao", "Ký hiệu báo cáo", "Report symbol", TEXT, hint_vi="Ví dụ: BC-CTĐ5", hint_en="e.g. BC-CTĐ5"
    ),
    Column("nguoi_ky", "Người ký", "Signer", TEXT, hint_vi="Họ và tên người ký", hint_en="Signer's full name"),
    Column(
        "chuc_vu_nguoi_ky",
        "Chức vụ người ký",
        "Signer's title",
        TEXT,
        hint_vi="Các dòng cách nhau bởi dấu ;, ví dụ: TM. Cụm thi đua số 5;Cụm trưởng",
        hint_en="Lines separated by ;, e.g. TM. Cụm thi đua số 5;Cụm trưởng",
    ),
    Column("noi_nhan", "Nơi nhận", "Recipients", TEXT, hint_vi="Cách nhau bởi dấu ;", hint_en="Separated by ;"),
    Column(
        "mau_bao_cao",
        "Mẫu báo cáo",
        "Report template",
        TEXT,
        hint_vi="Tệp .docx thay cho mẫu có sẵn (không bắt buộc)",
        hint_en="A .docx replacing the built-in one (optional)",
    ),
    # mail and catalogue (issue #19): what English readers see, and the donor introduction
    Column(
        "ten_cum_en",
        "Tên cụm (tiếng Anh)",
        "Cluster name (English)",
        TEXT,
        hint_vi="Ví dụ: Cluster 5 — Mekong Delta",
        hint_en="e.g. Cluster 5 — Mekong Delta",
    ),
    Column(
        "ten_nguoi_gui_en",
        "Tên người gửi (tiếng Anh)",
        "Sender name (English)",
        TEXT,
        hint_vi="Ví dụ: Cluster 5 Office",
        hint_en="e.g. Cluster 5 Office",
    ),
    Column(
        "gioi_thieu",
        "Giới thiệu cụm",
        "About the cluster",
        TEXT,
        hint_vi="Đoạn giới thiệu cụm cho nhà tài trợ (để trống: đoạn mặc định)",
        hint_en="Who the cluster is, for donors, in Vietnamese (empty: the default paragraph)",
    ),
    Column(
        "gioi_thieu_en",
        "Giới thiệu cụm (tiếng Anh)",
        "About the cluster (English)",
        TEXT,
        hint_vi="Như trên, bằng tiếng Anh",
        hint_en="The same, in English",
    ),
    Column(
        "dia_chi_lien_he",
        "Địa chỉ liên hệ",
        "Contact address",
        TEXT,
        hint_vi="Địa chỉ văn phòng cụm nhà tài trợ liên hệ",
        hint_en="The cluster office's address for donors",
    ),
    Column(
        "dien_thoai_lien_he",
        "Điện thoại liên hệ",
        "Contact phone",
        TEXT,
        hint_vi="Số điện thoại văn phòng cụm",
        hint_en="The cluster office's phone",
    ),
)
SUBMISSION_STATUSES = {"missing": "Chưa nộp", "invalid": "Không hợp lệ", "valid": "Hợp lệ", "late": "Nộp muộn"}
SUBMISSION_STATUSES_EN = {"missing": "Missing", "invalid": "Invalid", "valid": "Valid", "late": "Late"}


def submission_status(verdict: str | None, received_at: datetime | None, due: date | None) -> str:
    """THE rule for a submission's status, used by status, consolidate, receipts, reminders and reports.

    :param verdict: the checks' verdict of the latest readable file ("valid", "invalid"; None: nothing yet).
    :param received_at: when it was received, as the ledger records it (the file's own time only
        where no ledger knows it).
    :param due: the period's due date (None: not scheduled, never late).
    :return: a key of schema.SUBMISSION_STATUSES: missing, invalid, valid or late.
    """
    if verdict is None:
        return "missing"
    if verdict != "valid":
        return "invalid"
    if due is not None and received_at is not None and received_at.date() > due:
        return "late"
    return "valid"


# --- the consolidated workbook (aidkit consolidate) -----------------------------------

OVERVIEW = Sheet("overview", "Tổng quan", "Overview")
BY_SECTOR = Sheet("by_sector", "Theo lĩnh vực", "By sector")
BY_DONOR = Sheet("by_donor", "Theo nhà tài trợ", "By donor")
DUPLICATES = Sheet("duplicates", "Trùng lặp", "Possible duplicates")
CHANGES = Sheet("changes", "Thay đổi", "Changes since the previous consolidation")
RESUBMISSIONS = Sheet("resubmissions", "Nộp lại", "Resubmissions")
FILES = Sheet("files", "Tệp đã nhận", "Files received")

#: Columns that follow the standard columns on every merged row: where the row came from.
PROVENANCE_COLUMNS = (
    Column("ma_tinh_goc", "Mã tỉnh (gốc)", "Province code (as submitted)", TEXT, width=9),
    Column("tinh_goc", "Tỉnh (gốc)", "Province (as submitted)", TEXT, width=14),
    Column(
        "ma_tinh_hien_hanh", "Mã tỉnh (hiện hành)", "Province code (current, after the 2025 merger)", TEXT, width=10
    ),
    Column("tinh_hien_hanh", "Tỉnh (hiện hành)", "Province (current)", TEXT, width=14),
    INFO_BY_KEY["ky_bao_cao"],
    Column("tep_nguon", "Tệp nguồn", "Source file", TEXT, width=28),
    Column("trang_tinh_nguon", "Trang tính nguồn", "Source sheet", TEXT, width=16),
    Column("dong_nguon", "Dòng nguồn", "Source row", INTEGER, width=8),
    Column("sha256", "SHA-256", "SHA-256 of the source file", TEXT, width=18),
    Column("trang_thai_tep", "Trạng thái tệp", "File status", TEXT, width=13),
    Column("loi_tren_dong", "Lỗi trên dòng", "Errors on this row", INTEGER, width=8),
)
PROVENANCE_BY_KEY = {c.key: c for c in PROVENANCE_COLUMNS}


#: The period overview of the report e-mail and of the control workbook's Tổng quan sheet:
#: (key, Vietnamese header, English header), the figures of toolkit.consolidation.figures.
OVERVIEW_FIGURES = [
    ("code", "Mã", "Code"),
    ("name", "Tỉnh", "Province"),
    ("status", "Tình trạng", "Status"),
    ("open_needs", "Đề xuất đang vận động", "Open proposals"),
    ("usd_open_needs", "Đề nghị tài trợ đang vận động (USD)", "Requested by open proposals (USD)"),
    ("approved", "Phê duyệt trong kỳ (khoản)", "Approved in the period (items)"),
    ("usd_approved", "Phê duyệt trong kỳ (USD)", "Approved in the period (USD)"),
    ("usd_disbursed", "Giải ngân trong kỳ (USD)", "Disbursed in the period (USD)"),
    ("mean_days", "Số ngày phê duyệt (bình quân)", "Approval lead time, mean (days)"),
    ("errors", "Lỗi", "Errors"),
]
