"""The cluster's six-month or annual review report, drafted in Word (Decree 30/2020/NĐ-CP, Appendix I).

Báo cáo sơ kết 6 tháng / tổng kết năm của cụm, soạn sẵn bằng Word theo thể thức Nghị định 30/2020.

The layout (letterhead, title, signature block, Nơi nhận) is the Word template
``templates/bao-cao.docx`` (docxtpl tags), which the cluster may edit or replace with the
``Mẫu báo cáo`` setting of Cấu hình; the content (sections I–V of a review and its appendices:
situation, people-to-people work, aid, management, coordination, assessment, directions, proposals)
is drafted here from `figures.review_figures`, the same figures as the consolidated workbook's
overview and the report e-mail. A setting that is not
filled in shows as a visible ``[…]`` placeholder, never as an empty slot.
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from importlib.resources import files
from pathlib import Path
from typing import Any

from . import schema
from .charts import approved_charts
from .clock import parse_now, vn_date
from .consolidation.figures import CERTIFICATE_MARGIN_DAYS, Figures, PeriodFigures, Review, review_figures
from .control import Control, NotScheduled, load_control, scheduled_period
from .errors import AidkitError
from .numbers import format_number
from .periods import Period
from .text import xml_safe

TEMPLATE = "bao-cao.docx"
KIND = "report"  # the kind of output (toolkit.outputs)
TOP = 5  # donors, countries and sectors named in the text
STALE_MONTHS = schema.Settings.stale_approval_months  # approved this long before the period's end, nothing paid
SUBJECT = "công tác vận động và quản lý viện trợ phi chính phủ nước ngoài"
#: (setting key, placeholder shown when it is empty)
PLACEHOLDERS = {
    "co_quan_cap_tren": "[Cơ quan cấp trên]",
    "co_quan_ban_hanh": "[Cơ quan ban hành]",
    "dia_danh": "[Địa danh]",
    "ky_hieu_bao_cao": "[Ký hiệu báo cáo]",
    "nguoi_ky": "[Họ và tên người ký]",
    "chuc_vu_nguoi_ky": "[Quyền hạn, chức vụ người ký]",
    "noi_nhan": "[Nơi nhận]",
}
MEMBER_HEADERS = (
    "Tỉnh, thành phố",
    "Tình trạng",
    "Hoạt động đối ngoại",
    "Đề xuất đang vận động",
    "Phê duyệt trong kỳ (khoản)",
    "Giá trị phê duyệt (USD)",
    "Giải ngân trong kỳ (USD)",
    "Số ngày phê duyệt (bình quân)",
    "Trong ngưỡng {threshold} ngày",
)
TARGET_HEADERS = (
    "Tỉnh, thành phố",
    "Chỉ tiêu viện trợ (USD)",
    "Đạt (USD)",
    "Tỷ lệ",
    "Chỉ tiêu dự án",
    "Đạt",
    "Tỷ lệ",
    "Chỉ tiêu hoạt động",
    "Đạt",
    "Tỷ lệ",
)
ACTION_HEADERS = ("STT", "Tỉnh, thành phố", "Mã khoản", "Tên chương trình/dự án", "Nhà tài trợ", "Ghi chú")
PENDING_HEADERS = (
    "STT",
    "Tỉnh, thành phố",
    "Mã khoản",
    "Tên chương trình/dự án",
    "Nhà tài trợ",
    "Nhận đủ hồ sơ",
    "Số ngày chờ",
)
ACTIVITY_HEADERS = (
    "STT",
    "Tỉnh, thành phố",
    "Thời gian",
    "Loại hoạt động",
    "Quốc gia, vùng lãnh thổ",
    "Nội dung",
    "Số người",
)
DASH = "—"
TABLE_TEXT = "Table Text"  # the template's paragraph style for table cells (10 pt, no indent, no spacing)


class ReportError(AidkitError, ValueError):
    """The report cannot be written: its template is missing or unusable."""


@dataclass
class ReportResult:
    """What `aidkit report` wrote."""

    output: Path
    workbook: Path
    figures: PeriodFigures
    received: list = field(default_factory=list)
    kept: Path | None = None  # the lead's edited report, left as it is (the new draft is `output`)
    refused: list = field(default_factory=list)  # findings.Refusal: the files of the folder not counted

    def to_dict(self) -> dict[str, Any]:
        t = self.figures.total
        return {
            "output": str(self.output),
            "workbook": str(self.workbook),
            "period": str(self.figures.period),
            "members": len(self.figures.members),
            "approved": t.approved,
            "usd_approved": t.usd_approved,
            "usd_disbursed": t.usd_disbursed,
            "mean_days": t.mean_days,
            "activities": t.activities,
            "received": [s.file for s in self.received],
            "kept": str(self.kept) if self.kept else None,
            "refused": [r.to_dict() for r in self.refused],
        }

    def kept_sentence(self) -> tuple[str, str]:
        """(Vietnamese, English): the lead's edited report was kept and the new draft written beside it."""
        from .sentences import bilingual

        return bilingual("report-kept", kept=self.kept.name if self.kept else "", file=self.output.name)

    def to_text(self) -> str:
        t = self.figures.total
        kept = [] if self.kept is None else list(self.kept_sentence())
        return "\n".join(
            [
                *kept,
                f"Báo cáo / report: {self.output}",
                f"Tệp tổng hợp / consolidated workbook: {self.workbook}",
                (
                    f"  {len(self.figures.members)} thành viên / members; phê duyệt trong kỳ / approved in the period: "
                    f"{t.approved} khoản / items, {format_number(t.usd_approved, 'vi', 0)} USD"
                ),
                *(f"✘ {r.vi}\n  {r.en}" for r in self.refused),
            ]
        )


# --- wording ------------------------------------------------------------------------------------


def period_label(period: Period) -> str:
    """'6 tháng đầu năm 2026', '6 tháng cuối năm 2026' or 'năm 2026' (a non-breaking space in "6 tháng")."""
    if period.half is None:
        return f"năm {period.year}"
    return f"6\u00a0tháng {'đầu' if period.half == 1 else 'cuối'} năm {period.year}"


def next_period(period: Period) -> Period:
    if period.half is None:
        return Period(period.year + 1)
    return Period(period.year, 2) if period.half == 1 else Period(period.year + 1, 1)


def subject(period: Period, cluster: str) -> str:
    kind = "Tổng kết" if period.half is None else "Sơ kết"
    return f"{kind} {SUBJECT} {period_label(period)} của {cluster}"


def place_and_date(place: str, day: date) -> str:
    """'Cà Mau, ngày 05 tháng 7 năm 2026': day below 10 and months 1–2 with a leading 0."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def _usd(value: float) -> str:
    return format_number(value, "vi", 0)


def _days(value: float | None) -> str:
    return DASH if value is None else format_number(round(value, 1), "vi")


def _share(value: float | None) -> str:
    return DASH if value is None else f"{format_number(round(value * 100, 1), 'vi')}%"


def _names(names: list[str]) -> str:
    return ", ".join(names)


def context_settings(control: Control) -> dict[str, Any]:
    """The letterhead and signature values of Cấu hình, each with its placeholder when empty.

    The issuing body (`Cơ quan ban hành`) is the one the letterhead names, and the one a "TM." signature
    line naming the cluster signs for: a cluster report is issued by the lead province's union as cluster head."""
    values = {key: xml_safe(str(control.values.get(key) or "")).strip() for key in PLACEHOLDERS}

    def shown(key: str, upper: bool = False) -> str:
        return (values[key].upper() if upper else values[key]) if values[key] else PLACEHOLDERS[key]

    def listed(key: str, upper: bool = False) -> list[str]:
        parts = [p.strip() for p in values[key].replace("\n", ";").split(";") if p.strip()]
        return [p.upper() if upper else p for p in parts] or [PLACEHOLDERS[key]]

    signature = listed("chuc_vu_nguoi_ky", upper=True)
    if values["co_quan_ban_hanh"] and signature[0].startswith("TM.") and "CỤM" in signature[0]:
        signature[0] = f"TM. {values['co_quan_ban_hanh'].upper()}"  # a cluster issues nothing: its head's union does
    return {
        "co_quan_cap_tren": shown("co_quan_cap_tren", upper=True),
        "co_quan_ban_hanh": shown("co_quan_ban_hanh", upper=True),
        "co_quan_ban_hanh_ten": shown("co_quan_ban_hanh"),
        "ky_hieu": shown("ky_hieu_bao_cao"),
        "dia_danh": shown("dia_danh"),
        "nguoi_ky": shown("nguoi_ky"),
        "chuc_vu": signature,
        "noi_nhan": [n.rstrip(";.") for n in listed("noi_nhan")],
    }


# --- the document -------------------------------------------------------------------------------


def template_path(control: Control) -> Path:
    """The Word template: the `Mẫu báo cáo` setting (relative to the control workbook), else the packaged one."""
    configured = str(control.values.get("mau_bao_cao") or "").strip()
    if not configured:
        return Path(str(files("toolkit.templates").joinpath(TEMPLATE)))
    path = Path(os.path.expandvars(os.path.expanduser(configured)))
    path = path if path.is_absolute() else control.path.parent / path
    if not path.is_file():
        raise ReportError.of("report-template-missing", file=str(path))
    return path


def write_report(figures: PeriodFigures | Review, control: Control, out: str | os.PathLike, day: date) -> Path:
    """Write the Word report of `figures` to `out` (atomically), dated `day`.

    :raises findings.Refusal: when `out` is not a .docx, or is a file that is not aidkit's unchanged draft.
    """
    from .outputs import check_output, output_path

    out = check_output(out, KIND, (".docx",))
    review = figures if isinstance(figures, Review) else plain_review(figures, control)
    source = template_path(control)
    tpl = _open_template(source)
    settings = context_settings(control)
    context = {
        **settings,
        "noi_ngay": place_and_date(settings["dia_danh"], day),
        "trich_yeu": xml_safe(subject(review.now.period, review.now.cluster or "[Tên cụm]")),
        "noi_dung": _body(tpl, review, day, settings),
        "phu_luc": _appendices(tpl, review),
        "ky_bao_cao": str(review.now.period),
    }
    _render_sandboxed(tpl, context, source)
    _properties(tpl.docx, context["trich_yeu"], xml_safe(str(control.values.get("co_quan_ban_hanh") or "")).strip())
    with output_path(out, KIND) as tmp:
        tpl.save(str(tmp))
    return out


def _open_template(source: Path):
    from docx.opc.exceptions import PackageNotFoundError
    from docxtpl import DocxTemplate

    try:
        tpl = DocxTemplate(str(source))
        tpl.init_docx()
    except (OSError, ValueError, KeyError, zipfile.BadZipFile, PackageNotFoundError) as exc:
        kind = type(exc).__name__
        raise ReportError.of("report-template-unusable", file=source.name, kind=kind) from None
    return tpl


def _render_sandboxed(tpl, context: dict[str, Any], source: Path) -> None:
    """Fill the template's tags in jinja2's sandbox: a template passed between offices runs no code."""
    from jinja2 import TemplateError
    from jinja2.sandbox import SandboxedEnvironment, SecurityError

    try:  # workbook text is untrusted: & and < stay text
        tpl.render(context, jinja_env=SandboxedEnvironment(autoescape=True), autoescape=True)
    except SecurityError:
        raise ReportError.of("report-template-unsafe", file=source.name) from None
    except TemplateError as exc:  # a tag mistyped in Word
        raise ReportError.of("report-template-broken-tag", file=source.name, detail=str(exc)) from None


def plain_review(figures: PeriodFigures, control: Control) -> Review:
    """A Review of one period's figures alone (no same period a year before), with the control's targets."""
    return Review(
        figures, targets=control.targets_for(figures.period.year), vnd_per_usd=vnd_per_usd(control, figures.period)
    )


def vnd_per_usd(control: Control, period: Period) -> float | None:
    """Đồng per US dollar at the period's end: the cluster's Tỷ giá sheet, else the packaged reference rates."""
    rate = control.settings().rates.rate("VND", period.end)
    return 1 / rate.usd_per_unit if rate and rate.usd_per_unit else None


def _properties(doc, title: str, issuer: str) -> None:
    """Core properties as an office's own document has them: its title, the issuing body, made now."""
    props = doc.core_properties
    now = datetime.now(timezone.utc).replace(microsecond=0)
    props.title, props.author, props.last_modified_by = title, issuer, issuer
    props.created = props.modified = now
    props.comments = props.keywords = props.subject = props.category = ""
    props.language = "vi-VN"
    props.revision = 1


#: Numbers and the unit after them that must not be split over two lines.
_UNITS = re.compile(
    r"(\d) (?=(?:tháng|ngày|năm|USD|khoản|hồ sơ|hoạt động|đề xuất|thành viên|triệu|tỷ|quốc gia|"
    r"người|dự án|tỉnh|đồng)\b)"
)
NBSP = "\u00a0"


def _nb(text: str) -> str:
    return _UNITS.sub(r"\1" + NBSP, text)


class _Writer:
    """Paragraphs and tables in the template's styles (Normal: body text, 14 pt, justified, indented)."""

    def __init__(self, doc):
        from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
        from docx.shared import Cm, Pt

        self.doc, self.align, self.cm, self.pt, self.yellow = doc, WD_ALIGN_PARAGRAPH, Cm, Pt, WD_COLOR_INDEX.YELLOW

    def para(
        self,
        text: str = "",
        *,
        bold: bool = False,
        italic: bool = False,
        center: bool = False,
        indent: bool = True,
        before: float | None = None,
    ):
        p = self.doc.add_paragraph()
        if text:
            run = p.add_run(_nb(xml_safe(text)))
            run.bold, run.italic = bold or None, italic or None
        if center:
            p.alignment = self.align.CENTER
        if not indent:
            p.paragraph_format.first_line_indent = self.cm(0)
        if before is not None:
            p.paragraph_format.space_before = self.pt(before)
        return p

    def heading(self, text: str, *, page_break: bool = False):
        p = self.para(text, bold=True, before=6)
        p.paragraph_format.keep_with_next = True  # never alone at a page's foot
        p.paragraph_format.page_break_before = page_break or None
        return p

    def caption(self, text: str):
        p = self.para(text, bold=True, center=True, indent=False)
        p.paragraph_format.keep_with_next = True
        return p

    def item(self, text: str):
        return self.para(f"- {text}")

    def items(self, lines: list[str]) -> None:
        """An enumeration as an office writes it: each item ends with ";", the last with "."."""
        for n, line in enumerate(lines, start=1):
            self.item(line.rstrip(";.") + ("." if n == len(lines) else ";"))

    def place(self, text: str, *, item: bool = False):
        """A place for the lead's own words: the bracketed hint in Word's yellow highlight."""
        p = self.para("- " if item else "")
        run = p.add_run(text)
        run.font.highlight_color = self.yellow
        return p

    def table(
        self,
        headers: list[str],
        rows: list[list[str]],
        widths: list[float],
        numeric: set[int],
        last_bold: bool = False,
        bold_cells: frozenset[tuple[int, int]] = frozenset(),
    ):
        """A grid table in the template's `TABLE_TEXT` style: the header row repeated on each page, no row split;
        the header, the last row with `last_bold` and the body cells (row, column from 0) in `bold_cells` in bold."""
        table = self.doc.add_table(rows=len(rows) + 1, cols=len(headers))
        table.style = "Table Grid"
        table.autofit = False
        widths = [self.cm(w) for w in widths]
        for column, width in zip(table.columns, widths, strict=True):
            column.width = width
        align = self.align
        style = self.doc.styles[TABLE_TEXT].style_id  # by id: python-docx looks a name up on every call
        for r, (row, values) in enumerate(zip(table.rows, [headers, *rows], strict=True)):
            bold = r == 0 or (last_bold and r == len(rows))
            _row_flag(row, "w:cantSplit")
            for c, (cell, value, width) in enumerate(zip(row.cells, values, widths, strict=True)):
                cell.width = width
                p = cell.paragraphs[0]
                p._p.style = style
                if r == 0:
                    p.alignment = align.CENTER
                elif c in numeric:
                    p.alignment = align.RIGHT
                run = p.add_run(_nb(xml_safe(value)))
                if bold or (r - 1, c) in bold_cells:
                    run.bold = True
        _row_flag(table.rows[0], "w:tblHeader")
        self.para("", indent=False)
        return table


def _row_flag(row, tag: str) -> None:
    """Set a row property: w:tblHeader (repeats at the top of each page) or w:cantSplit (stays on one page)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    el = OxmlElement(tag)
    el.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(el)


# --- wording of figures ------------------------------------------------------------------------


def _vnd(review: Review, usd: float) -> str:
    """'1.250.000 USD (khoảng 32.875 triệu đồng)': VND at the period's rate beside every USD sum."""
    if review.vnd_per_usd is None:
        return f"{_usd(usd)} USD"
    return f"{_usd(usd)} USD (khoảng {format_number(round(usd * review.vnd_per_usd / 1e6), 'vi', 0)} triệu đồng)"


def yoy(now: float, before: float | None) -> str:
    """'so với cùng kỳ năm trước tăng 18%', '… giảm 5%', '… bằng cùng kỳ'; without that period's
    submissions 'chưa có số liệu cùng kỳ'."""
    if before is None:
        return "chưa có số liệu cùng kỳ"
    if not before:
        return "cùng kỳ năm trước không có" if not now else "cùng kỳ năm trước chưa có"
    change = round((now - before) / before * 100)
    if change == 0:
        return "bằng cùng kỳ năm trước"
    return f"so với cùng kỳ năm trước {'tăng' if change > 0 else 'giảm'} {abs(change)}%"


def _before(review: Review, what: str) -> float | None:
    return None if review.before is None else getattr(review.before.total, what)


def _count(n: int, first: bool = True) -> str:
    """A count as a sentence says it: 'Không có' (or 'không có' inside a sentence) for none."""
    return str(n) if n else ("Không có" if first else "không có")


def _percent(share: float | None) -> str:
    return DASH if share is None else f"{round(share * 100)}%"


def _lead_time(m: Figures) -> str:
    """'bình quân 12,4 ngày' (and the median where it differs much from the mean)."""
    text = f"bình quân {_days(m.mean_days)} ngày"
    return f"{text} (trung vị {_days(m.median_days)} ngày)" if m.median_differs else text


# --- the document ---------------------------------------------------------------------------------


def _body(tpl, review: Review, day: date, settings: dict[str, Any]):
    """Sections I–V and the closing line, as a docxtpl sub-document."""
    doc = tpl.new_subdoc()
    w = _Writer(doc)
    f = review.now
    _situation(w, review)
    w.heading("II. KẾT QUẢ THỰC HIỆN")
    _people(w, review)
    _aid(w, review)
    _management(w, review)
    _coordination(w, f, day)
    w.heading("III. ĐÁNH GIÁ CHUNG")
    w.heading("1. Ưu điểm")
    for line in _strengths(review):
        w.item(line)
    w.place("[Bổ sung ưu điểm nổi bật khác của cụm.]", item=True)
    w.heading("2. Tồn tại, hạn chế")
    for line in _shortcomings(review):
        w.item(line)
    w.heading("3. Nguyên nhân")
    for line in _causes(review):
        w.item(line)
    w.place("[Nêu nguyên nhân chủ quan, khách quan của các tồn tại, hạn chế.]", item=True)
    w.heading("4. Bài học kinh nghiệm")
    w.place("[Nêu các bài học kinh nghiệm rút ra trong kỳ.]", item=True)
    w.heading(f"IV. PHƯƠNG HƯỚNG, NHIỆM VỤ {period_label(next_period(f.period)).upper()}")
    for line in _tasks(f):
        w.item(line)
    w.place("[Bổ sung các nhiệm vụ trọng tâm khác của cụm.]", item=True)
    w.heading("V. KIẾN NGHỊ, ĐỀ XUẤT")
    if f.overdue:
        w.item(
            f"Đề nghị Ủy ban nhân dân các tỉnh, thành phố xem xét, sớm quyết định {len(f.overdue)} hồ sơ tiếp "
            f"nhận viện trợ đã chờ quá {f.threshold} ngày kể từ khi nhận đủ hồ sơ (Phụ lục 2)."
        )
    w.place(
        "[Nêu kiến nghị, đề xuất với Liên hiệp các tổ chức hữu nghị Việt Nam, Ủy ban nhân dân các tỉnh, "
        "thành phố và các cơ quan liên quan.]",
        item=True,
    )
    issuer = settings["co_quan_ban_hanh_ten"]
    w.para(
        f"Trên đây là báo cáo {'tổng kết' if f.period.half is None else 'sơ kết'} {SUBJECT} "
        f"{period_label(f.period)} của {f.cluster or '[Tên cụm]'}, do {issuer} (cụm trưởng) tổng hợp./."
    )
    w.para("", indent=False)
    return doc


def _situation(w: _Writer, review: Review) -> None:
    f, t = review.now, review.now.total
    w.heading("I. ĐẶC ĐIỂM, TÌNH HÌNH")
    submitted = f.count("valid", "late", "invalid")
    w.para(
        f"Cụm có {len(f.members)} tỉnh, thành phố thành viên; {submitted} thành viên đã gửi báo cáo "
        f"{period_label(f.period)}. Trong kỳ, các thành viên tổ chức {t.activities} hoạt động đối ngoại nhân "
        f"dân với đối tác của {len(f.activity_countries)} quốc gia, vùng lãnh thổ; đã vận động và được Ủy ban "
        f"nhân dân tỉnh phê duyệt tiếp nhận {t.approved} khoản viện trợ phi chính phủ nước ngoài, tổng giá trị "
        f"{_vnd(review, t.usd_approved)}."
    )
    w.place("[Khái quát bối cảnh trong nước, quốc tế và của địa phương; thuận lợi, khó khăn trong kỳ.]")


def _people(w: _Writer, review: Review) -> None:
    f, t = review.now, review.now.total
    w.heading("1. Công tác đối ngoại nhân dân")
    if not t.activities:
        w.para(
            "Trong kỳ, các thành viên chưa báo cáo hoạt động đối ngoại nhân dân nào (trang "
            f'"{schema.ACTIVITIES_SHEET.vi}").'
        )
        return
    w.para(
        f"Các thành viên đã tổ chức, phối hợp tổ chức {t.activities} hoạt động đối ngoại nhân dân "
        f"({yoy(t.activities, _before(review, 'activities'))}), gồm:"
    )
    w.items([f"{kind}: {t.kind_count(kind)} hoạt động" for kind in schema.ACTIVITY_TYPES if t.kind_count(kind)])
    countries = "; ".join(f"{c} ({n})" for c, n in f.activity_countries[:TOP])
    w.para(
        f"Đối tác đến từ {len(f.activity_countries)} quốc gia, vùng lãnh thổ, nhiều nhất: {countries}. "
        "Một số hoạt động tiêu biểu:"
    )
    notable = sorted((a for a in f.activities if a.kind != "Khác"), key=lambda a: (-(a.people or 0), a.start))
    w.items(
        [
            f"{a.province}, ngày {vn_date(a.start)}: {a.content}{f' ({a.people} người tham gia)' if a.people else ''}"
            for a in sorted(notable[:TOP], key=lambda a: a.start)
        ]
    )
    w.para("Danh sách đầy đủ tại Phụ lục 4.")


def _aid(w: _Writer, review: Review) -> None:
    f, t = review.now, review.now.total
    label = period_label(f.period)
    w.heading("2. Công tác vận động viện trợ phi chính phủ nước ngoài")
    held = (
        (
            f" ({t.open_needs - t.open_needs_held} đề xuất; {t.open_needs_held} đề xuất còn lỗi số liệu chưa đưa vào "
            "danh mục)"
        )
        if t.open_needs_held
        else ""
    )
    w.para(
        f"Các thành viên đang vận động tài trợ cho {t.open_needs} đề xuất (chưa có nhà tài trợ, chưa dừng), "
        f"tổng đề nghị tài trợ {_vnd(review, t.usd_open_needs)}, giới thiệu tới nhà tài trợ qua danh mục kêu gọi "
        f"tài trợ của cụm{held}."
    )
    if t.approved:
        w.para(
            f"Trong {label}, các thành viên đã vận động và được Ủy ban nhân dân tỉnh phê duyệt tiếp nhận "
            f"{t.approved} khoản viện trợ ({yoy(t.approved, _before(review, 'approved'))}), tổng giá trị "
            f"{_vnd(review, t.usd_approved)}, {yoy(t.usd_approved, _before(review, 'usd_approved'))}. "
            f"Giải ngân trong kỳ đạt {_vnd(review, t.usd_disbursed)}, "
            f"{yoy(t.usd_disbursed, _before(review, 'usd_disbursed'))}."
        )
        _rate_note(w, review)
        w.para(
            f"Theo lĩnh vực: {_ranked(f.sectors)}. Nhà tài trợ lớn nhất: {_ranked(f.donors)}. "
            f"Theo quốc gia: {_ranked(f.countries)}."
        )
        province_png, sector_png = approved_charts(f)
        for n, (png, caption) in enumerate(
            (
                (province_png, "Giá trị viện trợ được phê duyệt trong kỳ theo tỉnh (USD)"),
                (sector_png, "Giá trị viện trợ được phê duyệt trong kỳ theo lĩnh vực (USD)"),
            ),
            start=1,
        ):
            p = w.para(center=True, indent=False)
            p.paragraph_format.keep_with_next = True
            p.add_run().add_picture(io.BytesIO(png), width=w.cm(15.5))
            w.para(f"Hình {n}. {caption}", italic=True, center=True, indent=False)
    else:
        w.para(
            f"Trong {label}, chưa có khoản viện trợ nào được Ủy ban nhân dân tỉnh phê duyệt tiếp nhận. "
            f"Giải ngân trong kỳ đạt {_vnd(review, t.usd_disbursed)}."
        )
        _rate_note(w, review)
    _targets(w, review)


def _rate_note(w: _Writer, review: Review) -> None:
    """The rate the đồng figures are converted at, under the paragraphs that give them first."""
    if review.vnd_per_usd:
        w.para(
            f"(Giá trị quy đổi theo tỷ giá {format_number(round(review.vnd_per_usd), 'vi', 0)} đồng/USD ngày "
            f"{vn_date(review.now.period.end)}.)",
            italic=True,
        )


def _targets(w: _Writer, review: Review) -> None:
    year = review.now.period.year
    if not review.targets:
        w.para(
            f'Kết quả so với chỉ tiêu năm {year}: chưa có chỉ tiêu (trang "{schema.TARGETS_SHEET.vi}" '
            "của tệp điều hành)."
        )
        return
    shares = [(what, review.target_share("", what)) for what in ("usd", "projects", "activities")]
    words = {"usd": "giá trị viện trợ vận động", "projects": "số dự án", "activities": "số hoạt động đối ngoại"}
    told = "; ".join(f"{words[what]} đạt {_percent(share)}" for what, share in shares if share is not None)
    w.para(f"Kết quả so với chỉ tiêu năm {year} (lũy kế đến hết kỳ): toàn cụm {told} chỉ tiêu năm.")
    lines = []
    for m in review.year_figures.members:
        share = review.target_share(m.code, "usd")
        if share is not None and not m.submitted:
            lines.append(f"{m.name or m.code}: chưa gửi báo cáo, chưa đánh giá được kết quả so với chỉ tiêu")
        elif share is not None:
            lines.append(
                f"{m.name or m.code}: đạt {_percent(share)} chỉ tiêu năm về giá trị viện trợ, "
                f"{_percent(review.target_share(m.code, 'projects'))} về số dự án, "
                f"{_percent(review.target_share(m.code, 'activities'))} về số hoạt động"
            )
    w.items(lines)
    w.para("Chi tiết tại Phụ lục 1.")


def _management(w: _Writer, review: Review) -> None:
    f, t = review.now, review.now.total
    w.heading("3. Công tác quản lý hoạt động của các tổ chức phi chính phủ nước ngoài")
    if t.days:
        w.para(
            f"Thời gian từ khi nhận đủ hồ sơ đến khi có quyết định phê duyệt {_lead_time(t)}; trong "
            f"{len(t.days)} hồ sơ đã có quyết định trong kỳ, {_share(t.within_share)} được phê duyệt trong "
            f"ngưỡng {f.threshold} ngày."
        )
    today = f.today or f.period.end
    w.para(
        f"Đến ngày {vn_date(today)}, còn {len(f.pending)} hồ sơ đang chờ phê duyệt, trong đó "
        f"{len(f.overdue)} hồ sơ đã chờ quá {f.threshold} ngày kể từ khi nhận đủ hồ sơ (Phụ lục 2)."
    )
    w.para(
        f"{_count(len(f.expiring))} dự án đang thực hiện có giấy đăng ký của tổ chức phi chính phủ nước ngoài "
        f"hết hạn trước khi dự án kết thúc hoặc trong vòng {CERTIFICATE_MARGIN_DAYS} ngày sau kỳ báo cáo; "
        f"{_count(len(f.stale), False)} khoản đã phê duyệt trên {STALE_MONTHS} tháng chưa giải ngân (Phụ lục 3)."
    )


def _coordination(w: _Writer, f: PeriodFigures, day: date) -> None:
    w.heading("4. Công tác phối hợp trong cụm")
    due = f" (hạn nộp {vn_date(f.due)})" if f.due else ""
    parts = []
    for state, word in (
        ("valid", "nộp đúng hạn, đủ và đúng mẫu"),
        ("late", "nộp muộn"),
        ("invalid", "nộp nhưng còn lỗi số liệu"),
        ("missing", "chưa nộp"),
    ):
        if f.count(state):
            parts.append(f"{f.count(state)} thành viên {word} ({_names(f.named(state))})")
    w.para(
        f"Báo cáo {period_label(f.period)} của {len(f.members)} tỉnh, thành phố thành viên{due}, đến ngày "
        f"{vn_date(day)}: {'; '.join(parts) or 'chưa có thành viên nào gửi'}."
    )


def _member_row(m: Figures) -> list[str]:
    if not m.submitted:
        return [m.name or m.code, m.word, *([DASH] * 7)]
    return [
        m.name or m.code,
        m.word,
        str(m.activities),
        str(m.open_needs),
        str(m.approved),
        _usd(m.usd_approved),
        _usd(m.usd_disbursed),
        _days(m.mean_days),
        _share(m.within_share),
    ]


def _target_row(name: str, m: Figures, targets: list, review: Review) -> list[str]:
    """A member's (or, with code "", the cluster's) targets, results of the year so far and shares."""
    cells = [name]
    for what, done, shown in (
        ("usd", m.usd_approved, _usd),
        ("projects", m.approved, str),
        ("activities", m.activities, str),
    ):
        goal = sum(getattr(t, what) or 0 for t in targets)
        cells += [
            shown(goal) if goal else DASH,
            shown(done) if m.submitted or not m.code else DASH,
            _percent(review.target_share(m.code, what)) if m.submitted or not m.code else DASH,
        ]
    return cells


def _appendices(tpl, review: Review):
    """PHỤ LỤC: the tables per member (results, targets), the pending dossiers, the certificates, the activities."""
    doc = tpl.new_subdoc()
    w = _Writer(doc)
    f = review.now
    label = period_label(f.period)
    w.heading("PHỤ LỤC", page_break=True).alignment = w.align.CENTER
    w.caption(f"Phụ lục 1. Kết quả theo từng thành viên, {label}")
    headers = [h.format(threshold=f.threshold) for h in MEMBER_HEADERS]
    rows = [_member_row(m) for m in f.members]
    rows.append(
        ["Toàn cụm", f"{f.count('valid', 'late', 'invalid')}/{len(f.members)} đã nộp", *_member_row(f.total)[2:]]
    )
    w.table(headers, rows, [2.3, 1.8, 1.5, 1.6, 1.7, 2.2, 2.1, 1.6, 1.6], set(range(2, 9)), last_bold=True)
    if review.targets:
        year = review.year_figures
        w.caption(f"Kết quả so với chỉ tiêu năm {f.period.year} (lũy kế đến hết kỳ)")
        rows = [
            _target_row(m.name or m.code, m, [review.targets[m.code]] if m.code in review.targets else [], review)
            for m in year.members
        ]
        rows.append(
            _target_row(
                "Toàn cụm",
                year.total,
                [review.targets[m.code] for m in year.members if m.code in review.targets],
                review,
            )
        )
        w.table(
            list(TARGET_HEADERS),
            rows,
            [2.5, 2.2, 2.0, 1.3, 1.5, 1.1, 1.3, 1.6, 1.1, 1.3],
            set(range(1, 10)),
            last_bold=True,
        )
    today = f.today or f.period.end
    w.caption(f"Phụ lục 2. Hồ sơ đang chờ phê duyệt (số ngày chờ tính đến ngày {vn_date(today)})")
    if f.pending:
        w.table(
            list(PENDING_HEADERS),
            [
                [
                    str(i),
                    a.province,
                    a.ident,
                    a.title,
                    a.donor,
                    vn_date(a.received) if a.received else "Chưa đủ hồ sơ",
                    DASH if a.days is None else str(a.days),
                ]
                for i, a in enumerate(f.pending, start=1)
            ],
            [1.2, 2.1, 2.6, 3.9, 2.7, 2.5, 1.5],
            {0, 6},
            bold_cells=frozenset((i, 6) for i, a in enumerate(f.pending) if a in f.overdue),
        )
        w.para(
            f"Số ngày in đậm: hồ sơ đã chờ quá {f.threshold} ngày kể từ khi nhận đủ hồ sơ.", italic=True, indent=False
        )
    else:
        w.para("Không có.", center=True, indent=False)
    w.caption("Phụ lục 3. Giấy đăng ký sắp hết hạn; khoản đã phê duyệt chưa giải ngân")
    items = f.expiring + f.stale
    if items:
        w.table(
            list(ACTION_HEADERS),
            [[str(i), a.province, a.ident, a.title, a.donor, a.why] for i, a in enumerate(items, start=1)],
            [1.2, 2.1, 2.6, 4.2, 2.8, 3.6],
            {0},
        )
    else:
        w.para("Không có.", center=True, indent=False)
    w.caption(f"Phụ lục 4. Hoạt động đối ngoại nhân dân, {label}")
    if f.activities:
        w.table(
            list(ACTIVITY_HEADERS),
            [
                [
                    str(i),
                    a.province,
                    vn_date(a.start) + (f"–{vn_date(a.end)}" if a.end else ""),
                    a.kind,
                    a.country,
                    a.content,
                    str(a.people or DASH),
                ]
                for i, a in enumerate(f.activities, start=1)
            ],
            [1.1, 2.2, 2.3, 2.3, 2.3, 4.8, 1.5],
            {0, 6},
        )
    else:
        w.para("Không có.", center=True, indent=False)
    return doc


def _ranked(items: list[tuple[str, int, float]]) -> str:
    return "; ".join(f"{name} ({n} khoản, {_usd(usd)} USD)" for name, n, usd in items[:TOP])


def _strengths(review: Review) -> list[str]:
    f, t = review.now, review.now.total
    lines = []
    if f.members and f.count("valid") == len(f.members):
        lines.append("Tất cả thành viên gửi báo cáo đúng hạn, đủ và đúng mẫu.")
    elif f.count("valid"):
        lines.append(f"{f.count('valid')} thành viên gửi báo cáo đúng hạn, đủ và đúng mẫu.")
    if review.before is not None and t.usd_approved > review.before.total.usd_approved:
        lines.append(
            f"Giá trị viện trợ được phê duyệt tiếp nhận {yoy(t.usd_approved, _before(review, 'usd_approved'))}."
        )
    if t.activities:
        lines.append(
            f"Hoạt động đối ngoại nhân dân được duy trì ({t.activities} hoạt động, "
            f"{len(f.activity_countries)} quốc gia, vùng lãnh thổ)."
        )
    reached = [m.name for m in review.year_figures.members if (review.target_share(m.code, "usd") or 0) >= 1]
    if reached:
        lines.append(f"{_names(reached)} đã hoàn thành chỉ tiêu năm về giá trị viện trợ vận động.")
    return lines


def _below_half(review: Review) -> list[str]:
    return [
        m.name
        for m in review.year_figures.members
        if m.submitted and (share := review.target_share(m.code, "usd")) is not None and share < 0.5
    ]


def _shortcomings(review: Review) -> list[str]:
    f = review.now
    lines = []
    if f.count("late"):
        lines.append(f"Còn thành viên gửi báo cáo muộn: {_names(f.named('late'))}.")
    if f.count("missing"):
        lines.append(f"Đến ngày lập báo cáo vẫn chưa nhận được báo cáo của {_names(f.named('missing'))}.")
    if f.count("invalid"):
        lines.append(f"Báo cáo của {_names(f.named('invalid'))} còn lỗi số liệu, phải sửa và gửi lại.")
    for m in f.slow:
        lines.append(f"Thời gian phê duyệt tại {m.name} còn dài ({_lead_time(m)}, vượt ngưỡng {f.threshold} ngày).")
    if f.overdue:
        lines.append(f"{len(f.overdue)} hồ sơ đã chờ phê duyệt quá {f.threshold} ngày kể từ khi nhận đủ hồ sơ.")
    if f.stale:
        lines.append(
            f"{len(f.stale)} khoản đã phê duyệt trên {STALE_MONTHS} tháng chưa giải ngân, có nguy cơ bị thu hồi."
        )
    if f.expiring:
        lines.append(f"{len(f.expiring)} dự án có giấy đăng ký của tổ chức phi chính phủ nước ngoài sắp hết hạn.")
    below = _below_half(review)
    if below:
        lines.append(f"{_names(below)} mới đạt dưới một nửa chỉ tiêu năm về giá trị viện trợ vận động.")
    return lines or ["Số liệu chưa cho thấy tồn tại nổi bật."]


def _causes(review: Review) -> list[str]:
    f = review.now
    lines = []
    if f.overdue:
        lines.append(
            f"Khâu thẩm định, lấy ý kiến các cơ quan liên quan kéo dài: {len(f.overdue)} hồ sơ chờ quá "
            f"ngưỡng {f.threshold} ngày."
        )
    if f.count("missing", "late"):
        lines.append(
            f"Việc tổng hợp, gửi báo cáo tại một số thành viên chưa kịp thời ({_names(f.named('missing', 'late'))})."
        )
    below = _below_half(review)
    if below:
        lines.append(f"Nguồn viện trợ tại {_names(below)} chưa tương xứng với chỉ tiêu đề ra.")
    return lines


def _tasks(f: PeriodFigures) -> list[str]:
    lines = []
    late = f.named("late", "missing", "invalid")
    if late:
        lines.append(f"Đôn đốc {_names(late)} gửi báo cáo đúng hạn, đủ và đúng mẫu.")
    lines.append(
        f"Tiếp tục vận động tài trợ cho {f.total.open_needs} đề xuất đang vận động "
        f"(đề nghị {_usd(f.total.usd_open_needs)} USD)."
    )
    if f.pending:
        lines.append(
            f"Phối hợp hoàn thành thẩm định, trình Ủy ban nhân dân tỉnh phê duyệt {len(f.pending)} hồ sơ "
            f"đang chờ, trước hết {len(f.overdue)} hồ sơ đã quá {f.threshold} ngày."
        )
    if f.stale:
        lines.append(
            f"Rà soát {len(f.stale)} khoản đã phê duyệt chưa giải ngân; đề nghị nhà tài trợ giải ngân "
            "hoặc xem xét thu hồi quyết định."
        )
    if f.expiring:
        lines.append(f"Nhắc các tổ chức phi chính phủ nước ngoài gia hạn giấy đăng ký cho {len(f.expiring)} dự án.")
    lines.append(
        "Duy trì các hoạt động đối ngoại nhân dân với các đối tác truyền thống, mở rộng quan hệ với đối tác mới."
    )
    return lines


# --- the command ----------------------------------------------------------------------------------


def latest_period(control: Control, today: date) -> Period:
    """The scheduled period a review is written for on `today`: the latest that has ended, else the first to end
    of those begun (else of all)."""
    periods = sorted({d.period for d in control.schedule}, key=lambda p: (p.end, p.half is None))
    ended = [p for p in periods if p.end < today]
    begun = [p for p in periods if p.start <= today]
    if ended:
        return ended[-1]
    if begun or periods:
        return (begun or periods)[0]  # the one that ends first
    raise NotScheduled("")


def report(
    control: str | os.PathLike | Control,
    period: str | None = None,
    out: str | os.PathLike | None = None,
    now: str | date | datetime | None = None,
    *,
    workers: int | None = None,
) -> ReportResult:
    """Receive new files, consolidate the period and write its Word review report.

    :param period: ``2026-H1``, ``2026-H2`` or ``2026``; default the latest scheduled period ended by `now`.
    :param out: the .docx to write (default ``bao-cao_{period}.docx`` in the output folder, or beside it once
        the lead has edited it: `report_target`).
    :param now: the report's date (default today); also the received-at of files first seen now.
    :raises NotScheduled: for text that is not a period, or a period not in Lịch nộp.
    :raises ReportError: when the Word template cannot be used.
    :raises findings.Refusal: when `out` is a person's file (or not a .docx).
    :raises consolidate.ConsolidationError: when the consolidation cannot run.
    """
    from .consolidation.consolidate import consolidate
    from .ledger import Ledger
    from .submissions import receive

    control = load_control(control)
    moment = parse_now(now)
    parsed = scheduled_period(control, period) if period else latest_period(control, moment.date())
    name = str(parsed)
    target, kept = report_target(control, name, out)  # refused before anything is read or written
    with Ledger.for_control(control.path) as ledger:
        received = receive(control, ledger, moment)
        consolidation = consolidate(control.inbox, None, period=name, control=control, workers=workers)
    review = draft(control, consolidation, name, target, moment.date())
    return ReportResult(
        target, consolidation.output, review.now, received, kept, [f.as_refusal() for f in consolidation.refused]
    )


def draft(control: Control, consolidation, period: str, out: str | os.PathLike, day: date) -> Review:
    """Write the review report of `period` from its consolidation, dated `day`: the same period a year
    before and the halves of a year come from the same files grouped by every period they are of."""
    from .consolidation.consolidate import every_period

    parsed = Period.parse(period)
    review = review_figures(
        consolidation,
        every_period(consolidation, control),
        period,
        today=day,
        targets=control.targets_for(parsed.year),
        vnd_per_usd=vnd_per_usd(control, parsed),
    )
    write_report(review, control, out, day)
    return review


def default_report(control: Control, period: str) -> Path:
    """Where the lead's report of a period lives: ``bao-cao_{period}.docx`` in the output folder."""
    return control.outbox / f"bao-cao_{period}.docx"


def report_target(control: Control, period: str, out: str | os.PathLike | None) -> tuple[Path, Path | None]:
    """The .docx to write, and the lead's edited report it was written beside (None if it replaces nothing of hers).

    `out` given: that file (refused if it is a person's, or not a .docx); else the default report, or, once the
    lead has edited it, ``bao-cao_{period}_2.docx`` (then ``_3``…) beside it.
    """
    from .outputs import beside, check_output

    if out is not None:
        return check_output(out, KIND, (".docx",)), None
    default = default_report(control, period)
    target = beside(default, KIND)
    return target, (default if target != default else None)
