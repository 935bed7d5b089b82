"""The Excel buttons: one xlwings entry point per button Sub of macros/*.bas.

Each takes the calling workbook (``xw.Book.caller()`` when none is given, fetched at call
time), makes a few library calls and writes the result back into that open workbook.
Long actions show their progress in the status bar; every failure ends as one
bilingual message box, never as a Python traceback. Only xlwings' BSD-licensed API is
used here and in `toolkit.excel.book`. Every button press imports this module first, so each
button imports what it alone uses (the reader and the checks only for the buttons that check).
"""

from __future__ import annotations

import logging
import os
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import xlwings as xw

from .errors import AidkitError
from .sentences import bilingual

log = logging.getLogger(__name__)
TITLE = "aidkit"
#: xlwings.conf row naming the folder export_submission writes to (default: the workbook's folder).
STATUS_SHEET = "Tình trạng nộp"
STATUS_HEADER = [
    "Kỳ / Period",
    "Hạn nộp / Due",
    "Mã / Code",
    "Tỉnh / Province",
    "Tình trạng / Status",
    "Tệp / File",
    "Nhận lúc / Received",
    "Lỗi / Errors",
    "Cảnh báo / Warnings",
    "Số lần nộp / Versions",
]


class Declined(AidkitError):
    """The action stops here; the user is told why."""

    def __init__(self, texts: tuple[str, str]):
        super().__init__(*texts)


# --- the provincial workbook ------------------------------------------------------------


def validate(book=None) -> None:
    """Kiểm tra dữ liệu: check the open workbook; colour and annotate its cells; list them in Phát hiện."""
    from .excel import book as excel
    from .validate import check_workbook

    book = book or xw.Book.caller()
    with _reporting(book, bilingual("busy-validate")):
        excel.unmark(book)
        report = check_workbook(excel.read_open(book))
        excel.mark(book, report)
        if report.findings:
            excel.write_findings(book, report)
        if report.errors or report.warnings:
            _tell(
                book,
                bilingual("validate-done", errors=len(report.errors), warnings=len(report.warnings)),
                error=bool(report.errors),
            )
        else:
            _tell(book, bilingual("validate-clean"))


def clear_marks(book=None) -> None:
    """Xóa đánh dấu: take back what validate added; the user's own fills and notes stay as they were."""
    from .excel import book as excel

    book = book or xw.Book.caller()
    with _reporting(book):
        cells = excel.unmark(book)
        _tell(book, bilingual("marks-none") if cells is None else bilingual("marks-cleared", cells=cells))


def export_submission(book=None) -> None:
    """Xuất file nộp: if the workbook has no error, save ``{MaTinh}_{Ky}_{YYYYMMDD}.xlsx`` (standard sheets only).

    The folder is the xlwings.conf row `EXPORT_FOLDER_KEY` (relative to the workbook's folder),
    else the workbook's own folder.
    """
    from .excel import book as excel
    from .excel.build_workbooks import EXPORT_FOLDER_KEY
    from .export import write_submission
    from .validate import check_workbook

    book = book or xw.Book.caller()
    with _reporting(book, bilingual("busy-export")):
        wb = excel.read_open(book)
        report = check_workbook(wb)
        if report.errors:
            raise Declined(bilingual("export-has-errors", errors=len(report.errors)))
        if not (report.province and report.period):
            raise Declined(bilingual("export-needs-info"))
        folder = _export_folder(book)
        if folder is None:
            raise Declined(bilingual("export-no-folder", key=EXPORT_FOLDER_KEY))
        path = write_submission(wb, report, folder)
        _tell(book, bilingual("export-done", file=path, warnings=len(report.warnings)))


def province_catalogue(book=None) -> None:
    """Xuất danh mục kêu gọi tài trợ (provincial workbook): this saved workbook's open needs →
    ``danh-muc/`` beside it."""
    from .catalogue.catalogue import catalogue

    book = book or xw.Book.caller()
    with _reporting(book, bilingual("busy-catalogue")):
        path = _saved(book, bilingual("catalogue-unsaved"))
        _tell_catalogue(book, catalogue([path], path.parent / "danh-muc", workers=1))


def next_period(book=None) -> None:
    """Tạo mẫu kỳ sau: the next period's workbook, prefilled from this saved one, beside it."""
    from .carry import following
    from .template import template
    from .validate import validate as check_file

    book = book or xw.Book.caller()
    with _reporting(book, bilingual("busy-next-period")):
        path = _saved(book, bilingual("next-period-unsaved"))
        report = check_file(path)
        if not report.period:
            raise Declined(bilingual("export-needs-info"))
        period = following(report.period)
        out = template(path.parent / f"{report.province}_{period}.xlsx", period=period, previous=path)
        _tell(book, bilingual("next-period-done", file=out, period=period))


# --- the cluster control workbook ---------------------------------------------------------


def consolidate(book=None) -> None:
    """Tổng hợp: consolidate the submissions folder of Cấu hình; the overview goes to a sheet of this workbook."""
    from . import schema
    from .consolidation.consolidate import consolidate as consolidate_folder
    from .excel import book as excel
    from .mail.send_report import overview

    book = book or xw.Book.caller()
    busy = bilingual("busy-consolidate")

    def progress(done: int, total: int, _name: str) -> None:
        book.app.status_bar = f"{' / '.join(busy)} {done}/{total}"

    with _reporting(book, busy):
        # workers=1: no child processes under Excel's pythonw; a cluster's few dozen files read in seconds
        result = consolidate_folder(None, None, control=_saved(book), progress=progress, workers=1)
        rows = []
        for period in sorted({e.period for e in result.entries if e.period}):
            provinces, total = overview(result, period)
            rows += [[period] + [p[key] for key, _, _ in schema.OVERVIEW_FIGURES] for p in provinces]
            rows.append([period, "Tổng / Total"] + [total.get(key, "") for key, _, _ in schema.OVERVIEW_FIGURES[1:]])
        caption = f"{result.cluster or ''} · {datetime.now():%d/%m/%Y %H:%M} · {result.output}"
        header = ["Kỳ / Period"] + [f"{vi} / {en}" for _, vi, en in schema.OVERVIEW_FIGURES]
        excel.write_table(book, schema.OVERVIEW.vi, caption, header, rows)
        _tell(
            book,
            bilingual(
                "consolidate-done",
                counted=len(result.counted),
                refused=len(result.refused),
                file=result.output,
                sheet=schema.OVERVIEW.vi,
            ),
        )


def submission_status(book=None) -> None:
    """Tình trạng nộp: receive new files, then list every member province's status in a sheet."""
    from . import schema
    from .excel import book as excel
    from .status import status

    book = book or xw.Book.caller()
    with _reporting(book, bilingual("busy-status")):
        result = status(_saved(book))
        rows = []
        for period in result.periods:
            for p in period.provinces:
                s = p.submission
                rows.append(
                    [
                        period.period,
                        period.due,
                        p.code,
                        p.name,
                        f"{p.word} / {p.word_en}",
                        s.name if s else "",
                        s.received_at if s else "",
                        s.errors if s else "",
                        s.warnings if s else "",
                        p.versions,
                    ]
                )
        excel.write_table(book, STATUS_SHEET, f"{result.cluster} · {result.now:%d/%m/%Y %H:%M}", STATUS_HEADER, rows)
        counts = {
            state: sum(period.counts()[state] for period in result.periods) for state in schema.SUBMISSION_STATUSES
        }
        _tell(book, bilingual("status-done", sheet=STATUS_SHEET, **counts))


def send_reminders_now(book=None) -> None:
    """Gửi nhắc nhở: send today's reminders now; says plainly when mail is not configured."""
    from .mail.remind import remind

    book = book or xw.Book.caller()
    with _reporting(book, bilingual("busy-remind")):
        result = remind(_mailing_control(book))
        _tell(
            book,
            bilingual(
                "reminders-done",
                **_outcome(result),
            ),
        )


def collect_submissions(book=None) -> None:
    """Nhận bài nộp: take the provinces' workbooks from the mailbox of Cấu hình, as `aidkit collect` does."""
    from .control import read_or_explain
    from .mail.collect import collect

    book = book or xw.Book.caller()
    with _reporting(book, bilingual("busy-collect")):
        control = read_or_explain(_saved(book))
        if not (control.values.get("may_chu_imap") and control.values.get("tai_khoan_nhan")):
            raise Declined(bilingual("mailbox-not-configured"))
        result = collect(control)
        _tell(
            book,
            bilingual(
                "collect-done",
                messages=len(result.taken),
                submitted=len(result.received),
                aside=len(result.aside),
                replies=result.count("sent", "partial"),
                **_notes(result),
            ),
        )


def cluster_catalogue(book=None) -> None:
    """Xuất danh mục kêu gọi tài trợ (control workbook): the cluster's open needs → ``danh-muc/`` in its
    output folder."""
    from .catalogue.catalogue import catalogue

    book = book or xw.Book.caller()
    with _reporting(book, bilingual("busy-catalogue")):
        _tell_catalogue(book, catalogue(None, None, control=_saved(book), workers=1))


def review_report(book=None) -> None:
    """Báo cáo sơ kết: draft the Word review report of the latest period ended, in the output folder."""
    from .report import report

    book = book or xw.Book.caller()
    with _reporting(book, bilingual("busy-report")):
        result = report(_saved(book), workers=1)
        done = bilingual("report-done", period=result.figures.period, file=result.output)
        if result.kept is not None:  # the lead's edited report stays; say where the new draft went
            (kept_vi, kept_en), (done_vi, done_en) = result.kept_sentence(), done
            done = (f"{kept_vi}\n{done_vi}", f"{kept_en}\n{done_en}")
        _tell(book, done)


def open_reporting_period(book=None) -> None:
    """Mở kỳ báo cáo: the call for reports of the next period of Lịch nộp not yet due, to every member."""
    from .mail.open_period import open_period

    book = book or xw.Book.caller()
    with _reporting(book, bilingual("busy-open-period")):
        control = _mailing_control(book)
        today = datetime.now().date()
        coming = sorted((d for d in control.schedule if d.due >= today), key=lambda d: d.due)
        if not coming:
            raise Declined(bilingual("open-period-none"))
        result = open_period(control, str(coming[0].period))
        _tell(
            book,
            bilingual(
                "open-period-done",
                period=coming[0].period,
                **_outcome(result),
            ),
        )


def install_daily_job(book=None) -> None:
    """Cài việc hằng ngày: install collect, acknowledge and remind as a daily task for this control workbook."""
    from .schedule import LOG_NAME, schedule

    book = book or xw.Book.caller()
    with _reporting(book, bilingual("busy-daily-job")):
        result = schedule(_mailing_control(book).path, install=True)
        where = result.script or result.command
        log = Path(result.control).parent / LOG_NAME
        if result.changed:
            _tell(book, bilingual("daily-job-done", at=result.at, script=where, log=log))
        else:
            _tell(book, bilingual("daily-job-unchanged", at=result.at, script=where, log=log))


# --- shared -----------------------------------------------------------------------------------


def _mailing_control(book):
    """The saved control workbook, read, when it names a mail server (else the user is told to set one)."""
    from .control import read_or_explain

    control = read_or_explain(_saved(book))
    if not control.values.get("may_chu_smtp"):
        raise Declined(bilingual("mail-not-configured"))
    return control


def _outcome(result) -> dict[str, int | str]:
    """A mail job's messages sent, skipped and failed, and its notes, for the message box that tells them."""
    return {
        "sent": result.count("sent", "partial"),
        "skipped": result.count("skipped"),
        "failed": result.count("failed", "refused"),
        **_notes(result),
    }


def _notes(result) -> dict[str, str]:
    """A mail job's notes as the message box's bullet lines, in each language."""
    return {
        "notes_vi": "".join(f"\n• {vi}" for vi, _ in result.notes),
        "notes_en": "".join(f"\n• {en}" for _, en in result.notes),
    }


def _tell_catalogue(book, result) -> None:
    left_out = len(result.left_out) + len(result.refused) + len(result.unattributed)
    _tell(
        book,
        bilingual(
            "catalogue-done",
            needs=len(result.needs),
            provinces=len(result.files),
            page=result.page,
            bulletin=result.bulletin,
            left_out=left_out,
        ),
        error=bool(left_out),
    )


@contextmanager
def _reporting(book, busy: tuple[str, str] | None = None):
    """Show `busy` in the status bar while the body runs; turn any failure into a bilingual message box."""
    from .console import utf8_streams

    utf8_streams()  # pythonw: no stdout, no stderr
    try:
        if busy:
            book.app.status_bar = " / ".join(busy)
        yield
    except AidkitError as exc:
        _tell(book, (exc.vi, exc.en), error=True)
    except Exception as exc:  # the user gets a sentence, never a traceback
        log.exception("aidkit button failed")
        _tell(book, bilingual("unexpected-error", detail=f"{type(exc).__name__}: {exc}"), error=True)
    finally:
        if busy:
            book.app.status_bar = False


def _tell(book, texts: tuple[str, str], error: bool = False) -> None:
    book.app.alert("\n\n".join(texts), title=TITLE, mode="critical" if error else "info")


def _saved(book, unsaved: tuple[str, str] | None = None) -> Path:
    """The workbook's file (the folders of Cấu hình are relative to it), so it must have been saved."""
    path = Path(book.fullname)
    if not path.is_file():
        raise Declined(unsaved or bilingual("control-unsaved"))
    return path


def _export_folder(book) -> Path | None:
    from .excel import book as excel
    from .excel.build_workbooks import EXPORT_FOLDER_KEY

    here = Path(book.fullname).parent if Path(book.fullname).is_absolute() else None
    configured = excel.setting(book, EXPORT_FOLDER_KEY)
    if not configured:
        return here
    folder = Path(os.path.expandvars(os.path.expanduser(configured)))
    return folder if folder.is_absolute() else (here / folder if here else None)
