"""Time `aidkit validate` (whole process, as installed) against pandas and a raw calamine read.

Run: make bench (or .venv/bin/python bench/bench_validate.py). Writes the Validation
section of bench/RESULTS.md.
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import OUT, installed_python, machine, write_section  # noqa: E402

CASES = {"typical (100 NEEDS + 200 REGISTER)": (100, 200), "large (100 NEEDS + 5,000 REGISTER)": (100, 5000)}
PANDAS = "import sys, pandas; pandas.read_excel(sys.argv[1], sheet_name=None)"
CALAMINE = ("import sys; from python_calamine import CalamineWorkbook as W; b = W.from_path(sys.argv[1]); "
            "[b.get_sheet_by_name(n).to_python() for n in b.sheet_names]")
IN_PROCESS = """
import statistics, sys, time
from python_calamine import CalamineWorkbook as W
from toolkit.validate import validate
def raw(p):
    b = W.from_path(p)
    return [b.get_sheet_by_name(n).to_python() for n in b.sheet_names]
def median(f):
    f(sys.argv[1])
    times = []
    for _ in range(7):
        t = time.perf_counter(); f(sys.argv[1]); times.append(time.perf_counter() - t)
    return statistics.median(times)
print(median(validate), median(raw))
"""
#: What a button press pays first. pandas and numpy are hidden: the Windows bundle installs neither, and xlwings
#: imports them whenever they are there (this venv has pandas for the comparison above).
MACROS = "import sys; sys.modules['pandas'] = sys.modules['numpy'] = None; import toolkit.macros"


def side_by_side(commands: dict[str, list[str]], runs: int = 9) -> dict[str, float]:
    """Median wall time of each whole process, the commands taking turns (the machine's load hits each alike)."""
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, cmd in commands.items():
            start = time.perf_counter()
            done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            times[name].append(time.perf_counter() - start)
            if done.returncode not in (0, 1):
                raise SystemExit(f"{cmd} failed: {done.stderr.decode()[-500:]}")
    return {name: statistics.median(t) for name, t in times.items()}


def import_ms(cmd: list[str]) -> tuple[float, list[tuple[str, float]]]:
    """Milliseconds of imports in a process (`-X importtime`, top-level modules), and the five largest."""
    done = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "PYTHONPROFILEIMPORTTIME": "1"})
    top = [(m.group(2), int(m.group(1)) / 1000) for m in
           re.finditer(r"^import time:\s+\d+ \|\s+(\d+) \| (\S+)$", done.stderr, re.M)]
    return sum(t for _, t in top), sorted(top, key=lambda x: -x[1])[:5]


def main() -> None:
    from toolkit.sample import sample_workbook

    python = installed_python()
    aidkit = python.parent / "aidkit"
    rows, imports, ratios, warm_ratios = [], [], [], []
    for label, (needs, register) in CASES.items():
        path = OUT / f"validate_{needs}_{register}.xlsx"
        if not path.exists():
            sample_workbook(path, "92", "2026", needs=needs, register=register, seed=1)
        ours_cmd = [str(aidkit), "validate", "--format", "json", str(path)]
        timed = side_by_side({"ours": ours_cmd, "raw": [str(python), "-c", CALAMINE, str(path)],
                              "pandas": [str(python), "-W", "ignore", "-c", PANDAS, str(path)]},
                             runs=9 if register < 1000 else 3)
        ours, raw, pandas = timed["ours"], timed["raw"], timed["pandas"]
        ratios.append(ours / raw)
        warm = subprocess.run([str(python), "-c", IN_PROCESS, str(path)], capture_output=True, text=True, check=True)
        ours_warm, raw_warm = (float(x) for x in warm.stdout.split())
        warm_ratios.append(ours_warm / raw_warm)
        rows.append(f"| {label} | {ours:.3f} | {pandas:.3f} | {raw:.3f} | {ours / pandas:.2f}× | {ours / raw:.1f}× "
                    f"| {ours_warm * 1000:.0f} / {raw_warm * 1000:.0f} ms = {ours_warm / raw_warm:.1f}× |")
        print(rows[-1])
        if not imports:
            total, top = import_ms(ours_cmd)
            imports.append(f"- `aidkit validate`: {total:.0f} ms of imports (largest: "
                           + ", ".join(f"{name} {ms:.1f}" for name, ms in top) + ").")
    macros = side_by_side({"macros": [str(python), "-c", MACROS], "bare": [str(python), "-c", "pass"]})
    total, top = import_ms([str(python), "-c", MACROS])
    imports.append(f"- `import toolkit.macros` (pandas and numpy hidden): {macros['macros']:.3f} s whole process, "
                   f"{macros['macros'] - macros['bare']:.3f} s more than `python -c pass`; {total:.0f} ms of imports "
                   "(largest: " + ", ".join(f"{name} {ms:.1f}" for name, ms in top) + ").")
    print("\n".join(imports))
    load, typical = os.getloadavg()[0], ratios[0]
    write_section("validation", "\n".join([
        "## Validation (`aidkit validate`)",
        "",
        f"Measured {date.today():%Y-%m-%d} on {machine()}, load average {load:.1f} at the end.",
        "Whole processes taking turns (aidkit, raw, pandas, aidkit, …), median of 9 (3 for the large workbook),",
        "aidkit installed from a wheel in a fresh venv (bench/out/venv).",
        "pandas: `pandas.read_excel(path, sheet_name=None)` on its default engine (openpyxl).",
        "raw: python-calamine reading every sheet to Python lists, nothing else.",
        "",
        "| workbook | aidkit validate (s) | pandas.read_excel (s) | raw calamine (s) | aidkit / pandas | aidkit / raw "
        "| in one process: validate() / raw read |",
        "|---|---|---|---|---|---|---|",
        *rows,
        "",
        "Imports (`python -X importtime`, the sum of the top-level modules' cumulative times):",
        "",
        *imports,
        "",
        "Targets: ≤ 0.5× pandas and ≤ 3× the raw read for the typical workbook; ≤ 3 s for the large one.",
        "",
        f"Issue 21, this run (load average {load:.1f}): the typical workbook's aidkit / raw is {typical:.1f}×, the",
        f"3× target {'met' if typical <= 3 else '**not met**'}; `import toolkit.macros` {macros['macros']:.3f} s "
        f"whole process, the ≤ 0.12 s target {'met' if macros['macros'] <= 0.12 else '**not met**'}.",
        "What issue 21 changed: the file is opened once instead of five times (strace: 5 `openat` of the workbook",
        "→ 1; the sniff, calamine and both package scans read one bytes buffer); the `aidkit` script imports the CLI",
        "with the collector paused and `gc.freeze()`s it, and reading holds the collector off (collections during",
        "one `aidkit validate`: 52 + 4 + 0 → 18 + 0 + 0 by generation); json and the findings module are imported",
        "only by the commands that use them. In an earlier run on a loaded machine the wall and CPU times of main",
        "and the branch, taking turns, were within noise of each other (CPU, best of 15: 150.6 ms main, 147.1 ms",
        "after; raw read 20.0 ms; `python -c pass` 11.1 ms). What is left is not imports alone: in one process",
        f"`validate()` is itself {warm_ratios[0]:.1f}× (typical) and {warm_ratios[-1]:.1f}× (large) the raw read "
        "(reading the cells into typed",
        "values that remember their cell, and every rule), and the imports (click, and dataclasses' inspect and",
        "ast) cost what the raw read does not pay. Reaching 3× needs both the imports and the reader's per-cell",
        "work cut, which issue 21 did not attempt.",
    ]))


if __name__ == "__main__":
    main()
