"""The `aidkit` command: each subcommand parses, calls one library function, renders, exits.

Exit codes: 0 all valid, 1 findings with errors, 2 a file could not be read or bad usage.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .errors import AidkitError

FORMAT_HELP = "Dạng kết quả: text (để đọc) hoặc json (cho chương trình khác) / output: text or json."


def _format_option(f):
    return click.option(
        "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True, help=FORMAT_HELP
    )(f)


def _json(value) -> str:
    import json  # only for --format json: the CLI imports what the command uses

    return json.dumps(value, ensure_ascii=False, indent=2)


def _fail(vi: str, en: str, code: int = 2):
    click.echo(f"{vi}\n{en}", err=True)
    sys.exit(code)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="aidkit-lhh")
@click.option(
    "--debug",
    is_flag=True,
    help="Hiện chi tiết lỗi Python (cho lập trình viên) / show Python tracebacks (for developers).",
)
@click.pass_context
def cli(ctx, debug):
    """aidkit — kiểm tra, tổng hợp và gửi báo cáo viện trợ PCPNN.

    aidkit — check, merge and mail the provincial foreign-NGO aid workbooks.
    """
    ctx.obj = {"debug": debug}


@cli.command()
@click.option("--province", "-p", help="Mã tỉnh / province code, e.g. 92.")
@click.option("--period", "-k", help="Kỳ báo cáo / period: 2026-H1, 2026-H2 or 2026.")
@click.option("--preparer", help="Người lập / prepared by.")
@click.option("--email", help="Email của người lập / preparer's email.")
@click.option(
    "-o",
    "--output",
    "out",
    required=True,
    type=click.Path(dir_okay=False),
    help="Tệp mẫu sẽ ghi (.xlsx) / the .xlsx file to write.",
)
@click.option(
    "--from",
    "previous",
    type=click.Path(exists=True, dir_okay=False),
    help="Bài nộp kỳ trước: điền sẵn dự án chưa kết thúc, đề xuất còn kêu gọi / a submission of an "
    "earlier period: its running projects and open needs are carried.",
)
def template(province, period, preparer, email, out, previous):
    """Tạo mẫu báo cáo chuẩn / write the standard workbook for a province.

    With --from, the next period's workbook starts with what is still open in the last submission
    (see docs/next-period.md).

    Example: aidkit template --province 92 --period 2026-H1 -o 92_2026-H1.xlsx

    Example: aidkit template --from 92_2026-H1.xlsx --period 2026-H2 -o 92_2026-H2.xlsx
    """
    from . import template as template_module

    try:
        path = template_module.template(out, province, period, preparer=preparer, email=email, previous=previous)
    except AidkitError as exc:  # periods.BadPeriod among them
        _fail(exc.vi, exc.en)
    click.echo(f"Đã tạo / written: {path}")


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path())
@_format_option
@click.option(
    "--annotate",
    "annotate_to",
    type=click.Path(),
    help="Ghi bản sao có đánh dấu lỗi (một tệp nếu kiểm tra một tệp, một thư mục nếu nhiều tệp) / "
    "write an annotated copy (a file for one input, a folder for several).",
)
@click.option(
    "--approval-days",
    type=click.IntRange(min=1),
    default=None,
    help="Ngưỡng số ngày phê duyệt, số nguyên ≥ 1 (mặc định 20) / "
    "approval lead-time threshold in days, a whole number ≥ 1 (default 20).",
)
def validate(files, fmt, annotate_to, approval_days):
    """Kiểm tra tệp báo cáo / check workbooks against the standard.

    FILES are workbooks or folders (searched with their subfolders for .xlsx, .xlsm, .xls, .xlsb, .ods).
    Exit code 0: all valid; 1: errors found; 2: a file could not be read.

    Example: aidkit validate 92_2026-H1.xlsx --annotate 92_checked.xlsx
    """
    from . import validate as validate_module
    from .findings import Refusal
    from .folders import expand_sources
    from .schema import Settings

    settings = Settings(approval_days=approval_days) if approval_days else None
    found = expand_sources(files, exclude=[annotate_to] if annotate_to else [])
    if not found.files and not found.skipped or found.empty and all(Path(f).is_dir() for f in files):
        _explained(lambda: found.require_workbooks(files))  # an empty folder: one sentence, exit 2
    several = len(found.files) + len(found.skipped) > 1 or any(Path(f).is_dir() for f in files)
    results = [s.as_refusal() for s in found.skipped]
    for path, name in found.files:
        try:
            report = validate_module.validate(path, settings)
            if annotate_to:
                from .annotate import annotate

                written = annotate(path, report, _annotated_path(annotate_to, name, several))
                click.echo(f"Đã ghi bản đánh dấu / annotated copy written: {written}", err=True)
            results.append(report)
        except Refusal as refusal:
            results.append(refusal)
    if fmt == "json":
        click.echo(_json([r.to_dict() for r in results]))
    else:
        click.echo("\n\n".join(r.to_text() for r in results))
    if any(isinstance(r, Refusal) for r in results) or not results:
        sys.exit(2)
    sys.exit(0 if all(r.valid for r in results) else 1)


def _annotated_path(target: str, source: str, several: bool) -> Path:
    """One input: `target` itself (unless it is a folder); several: <target>/<name>.kiem-tra<suffix>."""
    target_path = Path(target)
    if not several and not target_path.is_dir():
        return target_path
    from .annotate import annotated_name

    name = Path(source)
    return target_path / name.parent / annotated_name(name)


@cli.command("build-workbooks")
@click.option(
    "--out",
    "out_dir",
    default="workbooks",
    show_default=True,
    type=click.Path(file_okay=False),
    help="Thư mục ghi tệp / folder to write the .xlsm files to.",
)
def build_workbooks(out_dir):
    """Dựng các tệp Excel có nút bấm / build the provincial template and the cluster control workbook.

    Writes aidkit-tinh.xlsm (the standard template with the buttons Kiểm tra dữ liệu, Xóa đánh dấu,
    Xuất file nộp, Xuất danh mục kêu gọi tài trợ) and aidkit-cum.xlsm (Tổng hợp, Tình trạng nộp, Gửi
    nhắc nhở, Nhận bài nộp, Xuất danh mục kêu gọi tài trợ, Báo cáo sơ kết) from the schema and macros/*.bas.
    Needs pyOpenVBA: pip install -e ".[build]" in a clone.

    Example: aidkit build-workbooks --out workbooks/
    """
    from .excel.build_workbooks import build_workbooks as build

    paths = _explained(lambda: build(out_dir))
    for path in paths:
        click.echo(f"Đã tạo / written: {path}")


@cli.command()
@click.argument("sources", nargs=-1, type=click.Path())
@click.option(
    "-o",
    "--output",
    "out",
    type=click.Path(dir_okay=False),
    help="Tệp tổng hợp / consolidated workbook (.xlsx); default: the control workbook's output folder.",
)
@click.option("--period", "-k", help="Chỉ kỳ này / only this period: 2026-H1, 2026-H2 or 2026.")
@click.option(
    "--control",
    "control",
    type=click.Path(exists=True, dir_okay=False),
    help="Tệp điều hành của cụm / cluster control workbook: members, due dates (gives Nộp muộn).",
)
@click.option(
    "--previous",
    type=click.Path(exists=True, dir_okay=False),
    help="Bảng tổng hợp lần trước / previous consolidated workbook, for the Thay đổi sheet.",
)
@_format_option
def consolidate(sources, out, period, control, previous, fmt):
    """Tổng hợp báo cáo các tỉnh / merge every province's workbook into one.

    SOURCES are workbooks and folders (searched with their subfolders; default:
    the control workbook's submissions folder). Every file found is counted or
    listed with the reason it was not. Every file is checked as by
    `aidkit validate` (with --control, a file the ledger has received keeps
    the findings its intake made); the latest file per province and period counts.

    Exit code 0: every counted file valid; 1: a file is invalid or could not
    be read (it is listed in the workbook); 2: bad usage.

    Example: aidkit consolidate nop/ -o tong-hop.xlsx --period 2026-H1 --control dieu-hanh.xlsm
    """
    import contextlib

    from .consolidation.consolidate import consolidate as run

    bar = _progress_bar() if fmt == "text" and sys.stderr.isatty() else contextlib.nullcontext()
    try:
        with bar as progress:
            result = run(list(sources), out, period=period, control=control, previous=previous, progress=progress)
    except AidkitError as exc:  # also an output that would replace an input, a locked or unwritable output
        _fail(exc.vi, exc.en)
    if fmt == "json":
        click.echo(_json(result.to_dict()))
    else:
        click.echo(result.to_text())
    sys.exit(0 if result.clean else 1)


@cli.command()
@click.argument("sources", nargs=-1, type=click.Path(exists=True))
@click.option(
    "-o",
    "--output",
    "out",
    type=click.Path(file_okay=False),
    help="Thư mục kết quả / output folder; default: danh-muc in the control workbook's output folder.",
)
@click.option("--period", "-k", help="Chỉ kỳ này / only this period (default: each province's latest).")
@click.option(
    "--control",
    "control",
    type=click.Path(exists=True, dir_okay=False),
    help="Tệp điều hành của cụm / cluster control workbook: the cluster's name, contact and folders.",
)
@click.option(
    "--templates",
    type=click.Path(exists=True, file_okay=False),
    help="Thư mục mẫu riêng / a folder with your own danh-muc.html.j2, ban-tin.typ, logo.svg/.png/.jpg.",
)
@_format_option
def catalogue(sources, out, period, control, templates, fmt):
    """Xuất danh mục kêu gọi tài trợ / publish the open funding needs as a web page and a bulletin.

    SOURCE is workbooks or folders (searched recursively), as for consolidate. The open needs
    (Mới đề xuất, Đang vận động) of each province's latest file go into OUT/index.html (one
    self-contained page: filters, search, CSV download, Vietnamese/English) and OUT/ban-tin.pdf.
    Exit code 0: written; 1: written, but a file was unreadable or of an unknown province, or a
    need had errors and was left out; 2: bad usage.

    Example: aidkit catalogue nop/ -o danh-muc/ --control dieu-hanh.xlsm
    """
    from .catalogue.catalogue import catalogue as publish

    result = _explained(lambda: publish(sources, out, period=period, control=control, templates=templates))
    _render(result, fmt)
    sys.exit(1 if result.left_out or result.refused or result.unattributed else 0)


def _progress_bar():
    """A rich progress bar on stderr, yielding the callback `consolidate` reports to."""
    import contextlib

    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    @contextlib.contextmanager
    def bar():
        columns = (
            TextColumn("Đọc / reading"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            TextColumn("{task.description}"),
        )
        # No refresh thread (auto_refresh=False): the reading processes can then be forked safely.
        with Progress(*columns, console=Console(stderr=True), transient=True, auto_refresh=False) as p:
            task = p.add_task("", total=None)
            yield lambda done, total, name: p.update(task, completed=done, total=total, description=name, refresh=True)

    return bar()


# --- the submissions ledger and mail: status, collect, remind, acknowledge, send-report, schedule ----


def _control_option(f):
    return click.option(
        "--control",
        "-c",
        "control",
        required=True,
        type=click.Path(exists=True, dir_okay=False),
        help="Tệp điều hành của cụm / the cluster control workbook (.xlsm).",
    )(f)


def _now_option(f):
    return click.option(
        "--now", metavar="DATE", help="Coi như hôm nay là DATE / act as if today were DATE (2026-07-15, 15/07/2026)."
    )(f)


def _dry_run_option(f):
    return click.option(
        "--dry-run",
        is_flag=True,
        help="Ghi thư ra tệp .eml trong <thư mục kết quả>/outbox, không gửi / "
        "write the messages as .eml files to <output folder>/outbox; send nothing.",
    )(f)


def _explained(call):
    """Run a library call; errors a user can fix become a bilingual message and exit code 2."""
    try:
        return call()
    except AidkitError as exc:
        _fail(exc.vi, exc.en)


def _render(result, fmt: str) -> None:
    if fmt == "json":
        click.echo(_json(result.to_dict()))
    else:
        click.echo(result.to_text())


@cli.command()
@_control_option
@click.option("--period", "-k", help="Chỉ kỳ này / only this period (default: every period begun by today).")
@_now_option
@_format_option
def status(control, period, now, fmt):
    """Tình hình nộp báo cáo / expected against received for each member province.

    New files in the submissions folder are received (checked, archived, recorded) first.

    Example: aidkit status --control dieu-hanh.xlsm --period 2026-H1
    """
    from .status import status as status_of

    _render(_explained(lambda: status_of(control, period, now)), fmt)


@cli.command()
@_control_option
@_now_option
@_dry_run_option
@_format_option
def remind(control, now, dry_run, fmt):
    """Gửi nhắc nộp báo cáo / mail today's reminders and the escalation digest.

    Each province's reminder for a day goes out at most once, however often this runs.
    Exit code 0: done; 1: some message failed; 2: settings or control workbook unusable.

    Example: aidkit remind --control dieu-hanh.xlsm --dry-run
    """
    from .mail.remind import remind as remind_provinces

    result = _explained(lambda: remind_provinces(control, now, dry_run=dry_run))
    _render(result, fmt)
    sys.exit(1 if result.failed else 0)


@cli.command()
@_control_option
@_now_option
@_dry_run_option
@_format_option
def acknowledge(control, now, dry_run, fmt):
    """Gửi xác nhận đã nhận / mail a receipt for each newly received submission.

    Each submission gets one receipt: its status, findings summary and, when it has errors,
    the annotated workbook. Exit codes as for remind.

    Example: aidkit acknowledge --control dieu-hanh.xlsm
    """
    from .mail.acknowledge import acknowledge as send_receipts

    result = _explained(lambda: send_receipts(control, now, dry_run=dry_run))
    _render(result, fmt)
    sys.exit(1 if result.failed else 0)


@cli.command()
@_control_option
@_now_option
@click.option(
    "--dry-run",
    is_flag=True,
    help="Đọc hộp thư nhưng không lưu, không ghi sổ, không gửi; thư trả lời ghi ra .eml / "
    "read the mailbox but save, record and send nothing; replies become .eml files.",
)
@_format_option
def collect(control, now, dry_run, fmt):
    """Nhận bài nộp từ hộp thư / take the provinces' workbooks from the cluster's mailbox.

    Reads the new messages of the Cấu hình sheet's IMAP mailbox without changing them (nothing
    is marked read or deleted). Members' workbooks go into the submissions folder, received at
    the time the server received the e-mail; mail from anyone else is set aside; a member whose
    e-mail brought no usable workbook gets one reply. The password comes from AIDKIT_IMAP_PASSWORD
    or the keyring. Exit code 0: done; 1: a reply failed; 2: the mailbox could not be read.

    Example: aidkit collect --control dieu-hanh.xlsm --dry-run
    """
    from .mail.collect import collect as take_mail

    result = _explained(lambda: take_mail(control, now, dry_run=dry_run))
    _render(result, fmt)
    sys.exit(1 if result.failed else 0)


@cli.command("open-period")
@_control_option
@click.option("--period", "-k", required=True, help="Kỳ báo cáo mở / the period to open, e.g. 2026-H2.")
@_now_option
@_dry_run_option
@_format_option
def open_period(control, period, now, dry_run, fmt):
    """Mở kỳ báo cáo / mail each member the call for reports with its prefilled workbook.

    Each member's workbook is filled in from its latest accepted submission (a blank one when it
    has none) and attached to one e-mail: the due date, what changed in the standard, where to
    send the file. Once per member and period, however often it runs. Exit codes as for remind.

    Example: aidkit open-period --control dieu-hanh.xlsm --period 2026-H2 --dry-run
    """
    from .mail.open_period import open_period as call_for_reports

    result = _explained(lambda: call_for_reports(control, period, now, dry_run=dry_run))
    _render(result, fmt)
    sys.exit(1 if result.failed else 0)


@cli.command("send-report")
@_control_option
@click.option("--period", "-k", required=True, help="Kỳ báo cáo / period, e.g. 2026-H1.")
@_now_option
@_dry_run_option
@click.option("--force", is_flag=True, help="Gửi lại dù báo cáo này đã gửi / send again even if already sent.")
@_format_option
def send_report(control, period, now, dry_run, force, fmt):
    """Gửi báo cáo tổng hợp / mail the consolidated workbook, the review report and their overview.

    To the cluster lead and every member province; the Word review report bao-cao_{period}.docx is
    attached as the lead left it (drafted by aidkit report only when there is none; "Dự thảo" in the
    subject while nobody has edited it) next to the consolidated workbook. The same report (same
    submissions) is sent once unless --force is given.

    Example: aidkit send-report --control dieu-hanh.xlsm --period 2026-H1
    """
    from .mail.send_report import send_report as mail_report

    result = _explained(lambda: mail_report(control, period, now, dry_run=dry_run, force=force))
    _render(result, fmt)
    sys.exit(1 if result.failed else 0)


@cli.command()
@_control_option
@click.option("--period", "-k", required=True, help="Kỳ báo cáo / period: 2026-H1, 2026-H2 or 2026.")
@click.option(
    "-o",
    "--output",
    "out",
    type=click.Path(dir_okay=False),
    help="Tệp .docx / the .docx to write (default: bao-cao_{period}.docx in the output folder).",
)
@_now_option
@_format_option
def report(control, period, out, now, fmt):
    """Báo cáo sơ kết, tổng kết / draft the cluster's Word review report for a period.

    Receives new files, consolidates the period and drafts the whole review in the layout of
    Decree 30/2020/NĐ-CP: I. situation, II. people-to-people work, NGO aid (USD and VND),
    management, coordination, III. assessment, IV. directions, V. proposals and the appendices,
    against the same period a year before and the year's targets (Chỉ tiêu); the places for the
    lead's own words are highlighted in yellow. A report the lead has edited is kept: the new
    draft goes beside it (bao-cao_{period}_2.docx).

    Example: aidkit report --control dieu-hanh.xlsm --period 2026-H1 -o bao-cao.docx
    """
    from .report import report as write_review

    _render(_explained(lambda: write_review(control, period, out, now)), fmt)


@cli.command()
@_control_option
@click.option("--install", is_flag=True, help="Cài đặt luôn / install it (crontab, or Task Scheduler on Windows).")
@click.option("--at", "at", default="07:00", show_default=True, help="Giờ chạy / time of day, HH:MM.")
@click.option(
    "--system",
    type=click.Choice(["auto", "unix", "windows"]),
    default="auto",
    show_default=True,
    help="Cho hệ điều hành nào / for which system.",
)
@_format_option
def schedule(control, install, at, system, fmt):
    """Lịch chạy hằng ngày / print (or --install) the daily job: collect, acknowledge, then remind.

    Example: aidkit schedule --control dieu-hanh.xlsm --install
    """
    from .schedule import schedule as daily_job

    result = _explained(lambda: daily_job(control, install=install, at=at, system=None if system == "auto" else system))
    _render(result, fmt)


@cli.command()
@click.argument("account")
def password(account):
    """Lưu mật khẩu thư / store a mail account's password in the operating system's keyring.

    ACCOUNT is the `Tài khoản gửi` (SMTP) or `Tài khoản nhận` (IMAP) of the Settings sheet. The
    password is asked twice and never shown; it goes to Windows Credential Manager (service
    "aidkit"), where every mail command and button looks for it.

    Example: aidkit password lhh.cum5@example.vn
    """
    from .password import password as store

    secret = click.prompt(
        f"Mật khẩu của / password of {account}", hide_input=True, confirmation_prompt="Nhập lại / again", err=True
    )
    where = store(account, secret)
    click.echo(
        f"Đã lưu mật khẩu của {account} (dịch vụ aidkit, {where}).\n"
        f"Stored the password of {account} (service aidkit, {where})."
    )


def main(argv=None):
    """Entry point: never shows a traceback to a user unless --debug is given."""
    from .console import utf8_streams

    utf8_streams()
    args = sys.argv[1:] if argv is None else argv
    try:
        cli.main(args=args, prog_name="aidkit", standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        click.echo("Lệnh chưa đúng cách dùng (xem aidkit --help) / Incorrect usage (see aidkit --help):", err=True)
        if isinstance(exc, click.UsageError):
            from .usage import usage_vi

            click.echo(usage_vi(exc, args, cli), err=True)
        exc.show()
        sys.exit(2)
    except click.exceptions.Abort:
        sys.exit(2)
    except AidkitError as exc:
        click.echo(f"{exc.vi}\n{exc.en}", err=True)
        sys.exit(2)
    except Exception as exc:
        if "--debug" in args:
            raise
        from .sentences import render

        detail = {"detail": f"{type(exc).__name__}: {exc}"}
        click.echo(f"{render('unexpected-error', 'vi', detail)}\n{render('unexpected-error', 'en', detail)}", err=True)
        sys.exit(2)
    sys.exit(0)
