"""Time `aidkit report` for 34 provinces × 100 rows (whole process, as installed).

Generates once, into bench/out/report/ (gitignored), a control workbook with the 34 provinces as
members and one file per province for 2026-H1 (100 REGISTER + 100 NEEDS rows each, `toolkit.sample`);
a first, untimed run receives and archives the files (what the daily job has usually done already);
then `aidkit report --control C --period 2026-H1 -o OUT.docx --now 2026-07-20` runs `--runs` times as
a whole process. One more run in this process splits the time between the consolidation and the
Word report (figures, charts, document). Writes the Report section of bench/RESULTS.md.

Run: .venv/bin/python bench/bench_report.py [--runs 5] [--no-write]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import OUT, installed_python, machine, write_section  # noqa: E402

FOLDER = OUT / "report"
PERIOD = "2026-H1"
ROWS = 100  # REGISTER rows per province, and as many NEEDS rows
NOW = "2026-07-20"


def cluster() -> Path:
    """The control workbook and the 34 submissions (written once, kept between runs)."""
    from toolkit.sample import sample_control, sample_workbook
    from toolkit.schema import merger

    codes = tuple(sorted({r.new.code for r in merger()}))
    control = FOLDER / "dieu-hanh.xlsx"
    if not control.exists():
        sample_control(control, (PERIOD,), codes, smtp={"dia_danh": "Cà Mau", "ky_hieu_bao_cao": "BC-CTĐ5"})
    for code in codes:
        path = FOLDER / "nop" / f"{code}_{PERIOD}.xlsx"
        if not path.exists():
            sample_workbook(path, code, PERIOD, needs=ROWS, register=ROWS, seed=12)
    return control


def split(control: Path) -> tuple[float, float]:
    """(consolidation seconds, Word report seconds) of one run in this process."""
    from toolkit.consolidation.consolidate import consolidate
    from toolkit.consolidation.figures import period_figures
    from toolkit.control import load_control
    from toolkit.report import write_report

    loaded = load_control(control)
    start = time.perf_counter()
    result = consolidate(loaded.inbox, None, period=PERIOD, control=control)  # received times: the ledger's
    middle = time.perf_counter()
    write_report(period_figures(result, PERIOD), loaded, OUT / "report-split.docx", date(2026, 7, 20))
    return middle - start, time.perf_counter() - middle


def main() -> None:
    parser = argparse.ArgumentParser(description="aidkit report for 34 provinces × 100 rows")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-write", action="store_true", help="print, do not update RESULTS.md")
    args = parser.parse_args()
    python = installed_python()
    control = cluster()
    load = os.getloadavg()[0]
    out = OUT / "bao-cao.docx"
    argv = [
        str(python.parent / "aidkit"),
        "report",
        "--control",
        str(control),
        "--period",
        PERIOD,
        "-o",
        str(out),
        "--now",
        NOW,
    ]
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)  # receives and archives the 34 files
    times = []
    for _ in range(args.runs):
        start = time.perf_counter()
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    merged, word = split(control)
    pages = _pages(out)
    text = "\n".join(
        [
            "## Review report (`aidkit report`)",
            "",
            f"Measured {date.today():%Y-%m-%d} on {machine()}.",
            (
                f"34 provinces × ({ROWS} REGISTER + {ROWS} NEEDS) rows, period {PERIOD}, all 34 members "
                f"(`bench/bench_report.py`). Whole process `aidkit report --control C --period {PERIOD} -o OUT.docx`, "
                "aidkit installed from a wheel (bench/out/venv), the files already received (a first, untimed run "
                f"archives them), median of {args.runs}."
            ),
            "",
            "| what | seconds |",
            "|---|---|",
            (
                f"| `aidkit report`, whole process: median (runs) | **{statistics.median(times):.2f}** "
                f"({', '.join(f'{t:.2f}' for t in times)}) |"
            ),
            "| of which, in one process: consolidation (read each file, its findings from the ledger, "
            f"write the workbook) | {merged:.2f} |",
            f"| of which, in one process: the Word report (figures, two charts, document) | {word:.2f} |",
            "",
            (
                f"Load average at the start: {load:.1f} on {os.cpu_count()} cores (other work shares this machine, so "
                "runs vary). "
                f"The report has {pages} pages, most of them the list of dossiers awaiting approval."
            ),
        ]
    )
    print(text)
    if not args.no_write:
        write_section("report", text)


def _pages(docx: Path) -> str:
    """The page count LibreOffice gives the report, or '?' without LibreOffice."""
    import shutil
    import tempfile

    soffice = shutil.which("soffice")
    if not soffice:
        return "?"
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation=file://{tmp}/profile",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                tmp,
                str(docx),
            ],
            capture_output=True,
            timeout=300,
            check=False,
        )
        pdf = Path(tmp) / f"{docx.stem}.pdf"
        if not pdf.exists():
            return "?"
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=False).stdout
        return next((line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")), "?")


if __name__ == "__main__":
    main()
