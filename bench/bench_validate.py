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
    rows, imports = [], []
    for label, (needs, register) in CASES.items():
        path = OUT / f"validate_{needs}_{register}.xlsx"
        if not path.exists():
            sample_workbook(path, "92", "2026", needs=needs, register=register, seed=1)
        ours_cmd = [str(aidkit), "validate", "--format", "json", str(path)]
        timed = side_by_side({"ours": ours_cmd, "raw": [str(python), "-c", CALAMINE, str(path)],
                              "pandas": [str(python), "-W", "ignore", "-c", PANDAS, str(path)]},
                             runs=9 if register < 1000 else 3)
        ours, raw, pandas = timed["ours"], timed["raw"], timed["pandas"]
        warm = subprocess.run([str(python), "-c", IN_PROCESS, str(path)], capture_output=True, text=True, check=True)
        ours_warm, raw_warm = (float(x) for x in warm.stdout.split())
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
    load = os.getloadavg()[0]
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
        "Where the typical run's time goes (`python -X importtime`, cProfile): about 15 ms starting the",
        "interpreter (the raw read pays this too), about 40 ms of imports (click alone about 19 ms; the schema,",
        "reader and checks about 20 ms), about 5 ms in calamine, and about 20 ms reading ~7,000 cells into",
        "typed values that remember their cell and running every rule on them. The raw read converts nothing",
        "and checks nothing, so the 3× target is not met: the whole process measured 4–6× across runs on",
        "this shared machine, 3.5–5× in one process. pandas is beaten by 2–4× on both workbooks.",
    ]))


if __name__ == "__main__":
    main()
