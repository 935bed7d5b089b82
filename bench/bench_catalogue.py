"""Time `aidkit catalogue` for 34 provinces × 100 needs, and the page's filters over them in Chromium.

Generates 34 workbooks of 100 NEEDS rows each once into bench/out/catalogue/ (gitignored), one
province of the 34-province list each, period 2026-H1 (about two thirds of the needs are open).
Then:

- build: `aidkit catalogue INPUTS -o OUT` as a whole process, aidkit installed from a wheel
  (bench/out/venv), median of `--runs`; the split between reading+checking, the page and the
  bulletin is timed once in one process;
- page: index.html opened in headless Chromium (tests/browser.py, every external host
  unresolvable), a script appended after the page's own sets a filter and times the page's
  own `aidkitApply()` (what typing in a filter runs), 20 times each, median; also the language
  switch, which redraws every need.

Run: .venv/bin/python bench/bench_catalogue.py [--runs 3] [--no-write]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from common import OUT, installed_python, machine, median_seconds, write_section

from browser import open_page

INPUTS = OUT / "catalogue" / "inputs"
PERIOD = "2026-H1"
NEEDS = 100
REPEAT = 20
CLEAR = "['tinh','linh_vuc','hinh_thuc','q','tu','den'].forEach(function (k) { set(k, ''); })"
#: what is measured → (the view before, the filter set) ahead of each timed aidkitApply()
FILTERS = {
    "sector (`linh_vuc=YT`)": (CLEAR, "set('linh_vuc', 'YT')"),
    "search `nuoc sach` (folded, every field)": (CLEAR, "set('q', 'nuoc sach')"),
    "province + aid form + amount range": (
        CLEAR,
        ("set('tinh', '92'); set('hinh_thuc', 'du-an'); set('tu', '50000'); set('den', '500000')"),
    ),
    "back to all from one sector": ("set('linh_vuc', 'YT')", CLEAR),
}
TIMER = """
function set(id, value) { document.getElementById(id).value = value; }
var out = {};
%s
var t0 = performance.now();
document.getElementById('lang').click();
out.lang = performance.now() - t0;
document.body.dataset.bench = JSON.stringify(out);
"""
ONE = """
out[%(name)s] = (function () {
  var times = [], shown = 0;
  for (var i = 0; i < %(repeat)d; i++) {
    %(before)s;
    window.aidkitApply();
    %(setup)s;
    var t = performance.now();
    shown = window.aidkitApply();
    times.push(performance.now() - t);
  }
  times.sort(function (a, b) { return a - b; });
  return [times[Math.floor(times.length / 2)], shown];
})();
"""


def inputs() -> list[Path]:
    from toolkit.sample import sample_workbook
    from toolkit.schema import merger

    INPUTS.mkdir(parents=True, exist_ok=True)
    paths = []
    for code in sorted({r.new.code for r in merger()}):
        path = INPUTS / f"{code}_{PERIOD}.xlsx"
        if not path.exists():
            sample_workbook(path, code, PERIOD, needs=NEEDS, register=0, seed=14)
        paths.append(path)
    return paths


def split() -> dict[str, float]:
    """Where one build's time goes, in this process."""
    from toolkit.catalogue.bulletin import render_bulletin
    from toolkit.catalogue.catalogue import catalogue
    from toolkit.catalogue.intro import introduction
    from toolkit.catalogue.page import render_page

    start = time.perf_counter()
    result = catalogue([INPUTS], OUT / "catalogue" / "split")
    total = time.perf_counter() - start
    intro = introduction(None, [], result.period)
    t = time.perf_counter()
    render_page(result, intro)
    page = time.perf_counter() - t
    t = time.perf_counter()
    render_bulletin(result, intro)
    bulletin = time.perf_counter() - t
    return {
        "total": total,
        "page": page,
        "bulletin": bulletin,
        "needs": len(result.needs),
        "pages": len(re.findall(rb"/Type\s*/Page\b", result.bulletin.read_bytes())),
        "page_bytes": result.page.stat().st_size,
        "pdf_bytes": result.bulletin.stat().st_size,
    }


def browser(page: Path) -> dict:
    setups = "".join(
        ONE % {"name": json.dumps(name), "repeat": REPEAT, "before": before, "setup": setup}
        for name, (before, setup) in FILTERS.items()
    )
    shown, dom = open_page(page, then=TIMER % setups, budget_ms=20000)
    assert shown.requests == [], shown.requests
    return json.loads(re.search(r'data-bench="([^"]*)"', dom).group(1).replace("&quot;", '"'))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    paths = inputs()
    python = installed_python()
    aidkit = str(Path(python).parent / "aidkit")
    out = OUT / "catalogue" / "out"
    build = median_seconds([aidkit, "catalogue", str(INPUTS), "-o", str(out)], runs=args.runs)
    parts = split()
    timings = browser(out / "index.html")
    rows = "\n".join(f"| {name} | {ms:.1f} | {n:,} |" for name, (ms, n) in ((k, timings[k]) for k in FILTERS))
    text = f"""
## Catalogue (`aidkit catalogue`)

Measured {date.today().isoformat()} on {machine()}, load average {os.getloadavg()[0]:.1f} at the end
(the machine is shared: expect ±30 % between runs).
{len(paths)} provinces × {NEEDS} NEEDS rows, period {PERIOD}: {parts["needs"]:,} open needs published
(`bench/bench_catalogue.py`).

- build, whole process, aidkit installed from a wheel (bench/out/venv), median of {args.runs}:
  **{build:.2f} s** for index.html and ban-tin.pdf. In one process: {parts["total"]:.2f} s, of which
  the page {parts["page"] * 1000:.0f} ms and the bulletin {parts["bulletin"]:.2f} s (typst, {parts["pages"]} pages);
  the rest is reading and checking the 34 files (the checks of `aidkit validate`).
- sizes: index.html **{parts["page_bytes"] / 1e6:.2f} MB** (limit 2 MB), ban-tin.pdf {parts["pdf_bytes"] / 1e6:.2f} MB.
- the page in headless Chromium (tests/browser.py; no request left the page): the page's own
  `aidkitApply()` after setting a filter, median of {REPEAT}:

| view | time to apply (ms) | needs shown |
|---|---|---|
{rows}

The language switch redraws all {parts["needs"]:,} needs: {timings["lang"]:.0f} ms (once).
"""
    print(text)
    if not args.no_write:
        write_section("catalogue", text)


if __name__ == "__main__":
    main()
