"""The `aidkit` command: each subcommand parses, calls one library function, renders, exits.

Exit codes: 0 all valid, 1 findings with errors, 2 a file could not be read or bad usage.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from .findings import Refusal


def _fail(vi: str, en: str, code: int = 2):
    click.echo(f"{vi}\n{en}", err=True)
    sys.exit(code)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="aidkit")
@click.option("--debug", is_flag=True, help="Show Python tracebacks (for developers).")
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
@click.option("-o", "--output", "out", required=True, type=click.Path(dir_okay=False), help="Output .xlsx file.")
def template(province, period, preparer, email, out):
    """Tạo mẫu báo cáo chuẩn / write the standard workbook for a province.

    Example: aidkit template --province 92 --period 2026-H1 -o 92_2026-H1.xlsx
    """
    from . import template as template_module
    from .periods import BadPeriod

    try:
        path = template_module.template(out, province, period, preparer=preparer, email=email)
    except BadPeriod:
        _fail(f"Kỳ báo cáo \"{period}\" không đúng dạng 2026-H1, 2026-H2 hoặc 2026.",
              f"Period \"{period}\" is not of the form 2026-H1, 2026-H2 or 2026.")
    except ValueError as exc:
        _fail(*str(exc).split(" / ", 1))
    click.echo(f"Đã tạo / written: {path}")


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--annotate", "annotate_to", type=click.Path(),
              help="Write an annotated copy (a file for one input, a folder for several).")
@click.option("--approval-days", type=int, default=None, help="Approval lead-time threshold (default 20).")
def validate(files, fmt, annotate_to, approval_days):
    """Kiểm tra tệp báo cáo / check workbooks against the standard.

    Exit code 0: all valid; 1: errors found; 2: a file could not be read.

    Example: aidkit validate 92_2026-H1.xlsx --annotate 92_checked.xlsx
    """
    from . import validate as validate_module
    from .schema import Settings

    settings = Settings(approval_days=approval_days) if approval_days else None
    results = []
    for name in files:
        try:
            report = validate_module.validate(name, settings)
            if annotate_to:
                from .annotate import annotate

                annotate(name, report, _annotated_path(annotate_to, name, len(files)))
            results.append(report)
        except Refusal as refusal:
            results.append(refusal)
    if fmt == "json":
        click.echo(json.dumps([r.to_dict() for r in results], ensure_ascii=False, indent=2))
    else:
        from .render import report_text

        click.echo("\n\n".join(report_text(r) for r in results))
    if any(isinstance(r, Refusal) for r in results):
        sys.exit(2)
    sys.exit(0 if all(r.valid for r in results) else 1)


def _annotated_path(target: str, source: str, count: int) -> Path:
    target_path = Path(target)
    if count == 1 and not target_path.is_dir():
        return target_path
    return target_path / f"{Path(source).stem}.kiem-tra{Path(source).suffix}"


def main(argv=None):
    """Entry point: never shows a traceback to a user unless --debug is given."""
    args = sys.argv[1:] if argv is None else argv
    try:
        cli.main(args=args, prog_name="aidkit", standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(2)
    except click.exceptions.Abort:
        sys.exit(2)
    except Refusal as refusal:
        click.echo(f"{refusal.message_vi}\n{refusal.message_en}", err=True)
        sys.exit(2)
    except Exception as exc:
        if "--debug" in args:
            raise
        from .messages import render

        detail = {"detail": f"{type(exc).__name__}: {exc}"}
        click.echo(f"{render('unexpected-error', 'vi', detail)}\n{render('unexpected-error', 'en', detail)}", err=True)
        sys.exit(2)
    sys.exit(0)
