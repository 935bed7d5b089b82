"""The cluster's six-month or annual review report, drafted in Word (Decree 30/2020/NĐ-CP, Appendix I).

Báo cáo sơ kết 6 tháng / tổng kết năm của cụm, soạn sẵn bằng Word theo thể thức Nghị định 30/2020.

The layout (letterhead, title, signature block, Nơi nhận) is the Word template
``templates/bao-cao.docx`` (docxtpl tags), which the cluster may edit or replace with the
``Mẫu báo cáo`` setting of Cấu hình; the content (sections I–III, the table per member, the
charts, the lists that need action) is drafted here from `figures.period_figures`, the same
figures as the consolidated workbook's overview and the report e-mail. A setting that is not
filled in shows as a visible ``[…]`` placeholder, never as an empty slot.
"""

from __future__ import annotations

import io
import os
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from importlib.resources import files
from pathlib import Path
from typing import Any

from . import schema
from .charts import approved_charts
from .clock import parse_now, vn_date
from .control import Control, NotScheduled, load_control, scheduled_period
from .errors import AidkitError
from .figures import CERTIFICATE_MARGIN_DAYS, Figures, PeriodFigures, period_figures
from .numbers import format_number
from .periods import Period
from .text import xml_safe

TEMPLATE = "bao-cao.docx"
KIND = "report"  # the kind of output (toolkit.outputs)
TOP = 5  # donors, countries and sectors named in the text
STALE_MONTHS = schema.Settings.stale_approval_months  # approved this long before the period's end, nothing paid
SUBJECT = "công tác vận động và quản lý viện trợ phi chính phủ nước ngoài"
DRAFT = ("(Phần này do aidkit dự thảo từ số liệu để người viết báo cáo rà soát, bổ sung và sửa "
         "trước khi trình ký.)")
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
MEMBER_HEADERS = ("Tỉnh, thành phố", "Tình trạng", "Đề xuất đang vận động", "Đề nghị tài trợ (USD)",
                  "Phê duyệt trong kỳ (khoản)", "Giá trị phê duyệt (USD)", "Giải ngân trong kỳ (USD)",
                  "Số ngày phê duyệt (trung vị)", "Trong ngưỡng {threshold} ngày")
ACTION_HEADERS = ("STT", "Tỉnh, thành phố", "Mã khoản", "Tên chương trình/dự án", "Nhà tài trợ", "Ghi chú")
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
        return {"output": str(self.output), "workbook": str(self.workbook), "period": str(self.figures.period),
                "members": len(self.figures.members), "approved": t.approved, "usd_approved": t.usd_approved,
                "usd_disbursed": t.usd_disbursed, "median_days": t.median_days,
                "received": [s.file for s in self.received], "kept": str(self.kept) if self.kept else None,
                "refused": [r.to_dict() for r in self.refused]}

    def kept_sentence(self) -> tuple[str, str]:
        """(Vietnamese, English): the lead's edited report was kept and the new draft written beside it."""
        from .messages import bilingual

        return bilingual("report-kept", kept=self.kept.name, file=self.output.name)

    def to_text(self) -> str:
        t = self.figures.total
        kept = [] if self.kept is None else list(self.kept_sentence())
        return "\n".join([
            *kept,
            f"Báo cáo / report: {self.output}",
            f"Tệp tổng hợp / consolidated workbook: {self.workbook}",
            (f"  {len(self.figures.members)} thành viên / members; phê duyệt trong kỳ / approved in the period: "
             f"{t.approved} khoản / items, {format_number(t.usd_approved, 'vi', 0)} USD"),
            *(f"✘ {r.vi}\n  {r.en}" for r in self.refused)])


# --- wording ------------------------------------------------------------------------------------

def period_label(period: Period) -> str:
    """'6 tháng đầu năm 2026', '6 tháng cuối năm 2026' or 'năm 2026'."""
    if period.half is None:
        return f"năm {period.year}"
    return f"6 tháng {'đầu' if period.half == 1 else 'cuối'} năm {period.year}"


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
    """The letterhead and signature values of Cấu hình, each with its placeholder when empty."""
    values = {key: xml_safe(str(control.values.get(key) or "")).strip() for key in PLACEHOLDERS}

    def shown(key: str, upper: bool = False) -> str:
        return (values[key].upper() if upper else values[key]) if values[key] else PLACEHOLDERS[key]

    def listed(key: str, upper: bool = False) -> list[str]:
        parts = [p.strip() for p in values[key].replace("\n", ";").split(";") if p.strip()]
        return [p.upper() if upper else p for p in parts] or [PLACEHOLDERS[key]]

    return {"co_quan_cap_tren": shown("co_quan_cap_tren", upper=True),
            "co_quan_ban_hanh": shown("co_quan_ban_hanh", upper=True),
            "ky_hieu": shown("ky_hieu_bao_cao"), "dia_danh": shown("dia_danh"), "nguoi_ky": shown("nguoi_ky"),
            "chuc_vu": listed("chuc_vu_nguoi_ky", upper=True),
            "noi_nhan": [n.rstrip(";.") for n in listed("noi_nhan")]}


# --- the document -------------------------------------------------------------------------------

def template_path(control: Control) -> Path:
    """The Word template: the `Mẫu báo cáo` setting (relative to the control workbook), else the packaged one."""
    configured = str(control.values.get("mau_bao_cao") or "").strip()
    if not configured:
        return Path(str(files("toolkit.templates").joinpath(TEMPLATE)))
    path = Path(os.path.expandvars(os.path.expanduser(configured)))
    path = path if path.is_absolute() else control.path.parent / path
    if not path.is_file():
        raise ReportError(f"Không tìm thấy mẫu báo cáo {path} (Cấu hình › Mẫu báo cáo).",
                          f"The report template {path} was not found (Settings › Report template).")
    return path


def write_report(figures: PeriodFigures, control: Control, out: str | os.PathLike, day: date) -> Path:
    """Write the Word report of `figures` to `out` (atomically), dated `day`.

    :raises findings.Refusal: when `out` is not a .docx, or is a file that is not aidkit's unchanged draft.
    """
    from .outputs import check_output, output_path

    out = check_output(out, KIND, (".docx",))
    source = template_path(control)
    tpl = _open_template(source)
    settings = context_settings(control)
    context = {**settings, "noi_ngay": place_and_date(settings["dia_danh"], day),
               "trich_yeu": xml_safe(subject(figures.period, figures.cluster or "[Tên cụm]")),
               "noi_dung": _body(tpl, figures, day), "ky_bao_cao": str(figures.period)}
    _render_sandboxed(tpl, context, source)
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
        raise ReportError(f"Mẫu báo cáo {source.name} không mở được bằng Word ({kind}).",
                          f"The report template {source.name} is not a usable Word file ({kind}).") from None
    return tpl


def _render_sandboxed(tpl, context: dict[str, Any], source: Path) -> None:
    """Fill the template's tags in jinja2's sandbox: a template passed between offices runs no code."""
    from jinja2 import TemplateError
    from jinja2.sandbox import SandboxedEnvironment, SecurityError

    try:  # workbook text is untrusted: & and < stay text
        tpl.render(context, jinja_env=SandboxedEnvironment(autoescape=True), autoescape=True)
    except SecurityError:
        raise ReportError(f"Mẫu báo cáo {source.name} có thẻ tìm cách chạy lệnh trên máy; aidkit không dùng mẫu này.",
                          f"The report template {source.name} has a tag that tries to run code on this computer; "
                          "aidkit will not use it.") from None
    except TemplateError as exc:  # a tag mistyped in Word
        raise ReportError(f"Mẫu báo cáo {source.name} có thẻ sai: {exc}.",
                          f"The report template {source.name} has a broken tag: {exc}.") from None


class _Writer:
    """Paragraphs and tables in the template's styles (Normal: body text, 14 pt, justified, indented)."""

    def __init__(self, doc):
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Cm, Pt

        self.doc, self.align, self.cm, self.pt = doc, WD_ALIGN_PARAGRAPH, Cm, Pt

    def para(self, text: str = "", *, bold: bool = False, italic: bool = False, center: bool = False,
             indent: bool = True, before: float | None = None):
        p = self.doc.add_paragraph()
        if text:
            run = p.add_run(xml_safe(text))
            run.bold, run.italic = bold or None, italic or None
        if center:
            p.alignment = self.align.CENTER
        if not indent:
            p.paragraph_format.first_line_indent = self.cm(0)
        if before is not None:
            p.paragraph_format.space_before = self.pt(before)
        return p

    def heading(self, text: str):
        return self.para(text, bold=True, before=6)

    def item(self, text: str):
        return self.para(f"- {text}")

    def table(self, headers: list[str], rows: list[list[str]], widths: list[float], numeric: set[int],
              last_bold: bool = False):
        """A grid table in the template's `TABLE_TEXT` style, its header row repeated on each page."""
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
            for c, (cell, value, width) in enumerate(zip(row.cells, values, widths, strict=True)):
                cell.width = width
                p = cell.paragraphs[0]
                p._p.style = style
                if r == 0:
                    p.alignment = align.CENTER
                elif c in numeric:
                    p.alignment = align.RIGHT
                run = p.add_run(xml_safe(value))
                if bold:
                    run.bold = True
        _repeat_header(table.rows[0])
        self.para("", indent=False)
        return table


def _repeat_header(row) -> None:
    """Mark a table row as the header that repeats at the top of each page."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    trpr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    trpr.append(el)


def _member_row(m: Figures) -> list[str]:
    if not m.submitted:
        return [m.name or m.code, m.word, *([DASH] * 7)]
    return [m.name or m.code, m.word, str(m.open_needs), _usd(m.usd_open_needs), str(m.approved), _usd(m.usd_approved),
            _usd(m.usd_disbursed), _days(m.median_days), _share(m.within_share)]


def _ranked(items: list[tuple[str, int, float]]) -> str:
    return "; ".join(f"{name} ({n} khoản, {_usd(usd)} USD)" for name, n, usd in items[:TOP])


def _body(tpl, f: PeriodFigures, day: date):
    """Sections I–III as a docxtpl sub-document."""
    from docx.shared import Cm

    doc = tpl.new_subdoc()
    w = _Writer(doc)
    label = period_label(f.period)
    t = f.total
    w.heading("I. KẾT QUẢ THỰC HIỆN")
    w.heading("1. Tình hình nộp báo cáo")
    due = f" (hạn nộp {vn_date(f.due)})" if f.due else ""
    parts = []
    for states, word in ((("valid",), "nộp đúng hạn, hợp lệ"), (("late",), "nộp muộn"),
                         (("invalid",), "có lỗi (được tính, ghi là \"Không hợp lệ\")"), (("missing",), "chưa nộp")):
        n = f.count(*states)
        if n:
            parts.append(f"{n} thành viên {word} ({_names(f.named(*states))})")
    w.para(f"Cụm có {len(f.members)} tỉnh, thành phố thành viên phải gửi báo cáo {label}{due}. "
           f"Đến ngày {vn_date(day)}: {'; '.join(parts) or 'chưa có thành viên nào'}.")
    w.heading("2. Kết quả vận động và phê duyệt viện trợ")
    if t.approved:
        approved = (f"Trong {label}, các thành viên đã phê duyệt {t.approved} khoản viện trợ với tổng giá trị "
                    f"{_usd(t.usd_approved)} USD. Thời gian từ khi nhận đủ hồ sơ đến khi có quyết định phê duyệt "
                    f"(trung vị toàn cụm) là {_days(t.median_days)} ngày; {_share(t.within_share)} số khoản được "
                    f"phê duyệt trong ngưỡng {f.threshold} ngày.")
    else:
        approved = f"Trong {label}, chưa có khoản viện trợ nào được phê duyệt."
    w.para(f"{approved} Giải ngân trong kỳ đạt {_usd(t.usd_disbursed)} USD. Còn {t.open_needs} đề xuất đang vận "
           f"động tài trợ, tổng đề nghị {_usd(t.usd_open_needs)} USD.")
    w.para(f"Bảng 1. Kết quả theo từng thành viên, {label}", bold=True, center=True, indent=False)
    headers = [h.format(threshold=f.threshold) for h in MEMBER_HEADERS]
    rows = [_member_row(m) for m in f.members]
    rows.append(["Toàn cụm", f"{f.count('valid', 'late', 'invalid')}/{len(f.members)} đã nộp",
                 *_member_row(t)[2:]])
    w.table(headers, rows, [2.3, 1.7, 1.4, 2.0, 1.6, 2.1, 2.0, 1.6, 1.6], set(range(2, 9)), last_bold=True)
    w.heading("3. Lĩnh vực, nhà tài trợ và quốc gia")
    if f.sectors:
        w.para(f"Viện trợ được phê duyệt trong kỳ tập trung vào các lĩnh vực: {_ranked(f.sectors)}.")
        w.para(f"Các nhà tài trợ lớn nhất: {_ranked(f.donors)}. Theo quốc gia: {_ranked(f.countries)}.")
        province_png, sector_png = approved_charts(f)
        for n, (png, caption) in enumerate(((province_png, "Giá trị viện trợ phê duyệt trong kỳ theo tỉnh (USD)"),
                                            (sector_png, "Giá trị viện trợ phê duyệt trong kỳ theo lĩnh vực (USD)")),
                                           start=1):
            p = w.para(center=True, indent=False)
            p.add_run().add_picture(io.BytesIO(png), width=Cm(15.5))
            w.para(f"Hình {n}. {caption}", italic=True, center=True, indent=False)
    else:
        w.para("Chưa có khoản viện trợ nào được phê duyệt trong kỳ.")
    w.heading("4. Những việc cần theo dõi, xử lý")
    lists = (
        ("a) Dự án đang thực hiện có giấy đăng ký của tổ chức phi chính phủ nước ngoài hết hạn trước khi dự án "
         f"kết thúc hoặc trong vòng {CERTIFICATE_MARGIN_DAYS} ngày sau kỳ báo cáo (Nghị định 58/2022/NĐ-CP: "
         "giấy đăng ký hoạt động có thời hạn tối đa 3 năm, giấy đăng ký lập văn phòng đại diện tối đa 5 năm)",
         f.expiring),
        (f"b) Khoản viện trợ được phê duyệt trên {STALE_MONTHS} tháng trước cuối kỳ nhưng vẫn ở tình trạng "
         "\"Đã phê duyệt\", chưa giải ngân (nguy cơ bị thu hồi)", f.stale),
        ("c) Hồ sơ đang chờ phê duyệt", f.pending),
    )
    for title, items in lists:
        w.para(f"{title}: {len(items) or 'không có'}{' khoản' if items else ''}.")
        if items:
            w.table(list(ACTION_HEADERS), [[str(i), a.province, a.ident, a.title, a.donor, a.why]
                                           for i, a in enumerate(items, start=1)],
                    [1.2, 2.2, 2.6, 4.5, 3.0, 3.0], {0})

    w.heading("II. TỒN TẠI, HẠN CHẾ")
    w.para(DRAFT, italic=True)
    for line in _shortcomings(f):
        w.item(line)
    w.heading(f"III. PHƯƠNG HƯỚNG, NHIỆM VỤ {period_label(next_period(f.period)).upper()}")
    w.para(DRAFT, italic=True)
    for line in _tasks(f):
        w.item(line)
    w.para("Trên đây là báo cáo " + ("tổng kết" if f.period.half is None else "sơ kết") +
           f" {SUBJECT} {label} của {f.cluster or '[Tên cụm]'}./.")
    w.para("", indent=False)
    return doc


def _shortcomings(f: PeriodFigures) -> list[str]:
    lines = []
    if f.count("late"):
        lines.append(f"Còn thành viên gửi báo cáo muộn: {_names(f.named('late'))}.")
    if f.count("missing"):
        lines.append(f"Đến ngày lập báo cáo vẫn chưa nhận được báo cáo của {_names(f.named('missing'))}.")
    if f.count("invalid"):
        lines.append(f"Báo cáo của {_names(f.named('invalid'))} còn lỗi số liệu, phải sửa và gửi lại.")
    for m in f.slow:
        lines.append(f"Thời gian phê duyệt tại {m.name} còn dài (trung vị {_days(m.median_days)} ngày, vượt ngưỡng "
                     f"{f.threshold} ngày).")
    if f.pending:
        lines.append(f"Còn {len(f.pending)} hồ sơ chờ phê duyệt.")
    if f.stale:
        lines.append(f"{len(f.stale)} khoản đã phê duyệt trên {STALE_MONTHS} tháng chưa giải ngân, "
                     "có nguy cơ bị thu hồi.")
    if f.expiring:
        lines.append(f"{len(f.expiring)} dự án có giấy đăng ký của tổ chức phi chính phủ nước ngoài sắp hết hạn.")
    return lines or ["[Số liệu chưa cho thấy tồn tại nổi bật; người viết bổ sung.]"]


def _tasks(f: PeriodFigures) -> list[str]:
    lines = []
    late = f.named("late", "missing", "invalid")
    if late:
        lines.append(f"Đôn đốc {_names(late)} gửi báo cáo đúng hạn, đủ và đúng mẫu.")
    if f.slow:
        lines.append("Phối hợp với các cơ quan liên quan rút ngắn thời gian phê duyệt tại "
                     f"{_names([m.name for m in f.slow])}, "
                     f"bảo đảm trong ngưỡng {f.threshold} ngày kể từ khi nhận đủ hồ sơ.")
    if f.pending:
        lines.append(f"Hoàn thành thẩm định, trình phê duyệt {len(f.pending)} hồ sơ đang chờ.")
    if f.stale:
        lines.append(f"Rà soát {len(f.stale)} khoản đã phê duyệt chưa giải ngân; đề nghị nhà tài trợ giải ngân "
                     "hoặc xem xét thu hồi quyết định.")
    if f.expiring:
        lines.append(f"Nhắc các tổ chức phi chính phủ nước ngoài gia hạn giấy đăng ký cho {len(f.expiring)} dự án.")
    lines.append(f"Tiếp tục vận động tài trợ cho {f.total.open_needs} đề xuất đang kêu gọi "
                 f"(đề nghị {_usd(f.total.usd_open_needs)} USD).")
    lines.append("[Bổ sung các nhiệm vụ khác của cụm.]")
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


def report(control: str | os.PathLike | Control, period: str | None = None, out: str | os.PathLike | None = None,
           now: str | date | datetime | None = None, *, workers: int | None = None) -> ReportResult:
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
    from .inbox import receive
    from .ledger import Ledger

    control = load_control(control)
    moment = parse_now(now)
    parsed = scheduled_period(control, period) if period else latest_period(control, moment.date())
    name = str(parsed)
    target, kept = report_target(control, name, out)  # refused before anything is read or written
    with Ledger.for_control(control.path) as ledger:
        received = receive(control, ledger, moment)
        consolidation = consolidate(control.inbox, None, period=name, control=control.path, workers=workers)
    figures = period_figures(consolidation, name)
    write_report(figures, control, target, moment.date())
    return ReportResult(target, consolidation.output, figures, received, kept,
                        [f.as_refusal() for f in consolidation.refused])


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
