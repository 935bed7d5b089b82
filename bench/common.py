"""Shared bench helpers: an installed (non-editable) aidkit, timing, and RESULTS.md sections."""

from __future__ import annotations

import os
import platform
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
RESULTS = ROOT / "bench" / "RESULTS.md"


def installed_python() -> Path:
    """A venv with aidkit installed as a user gets it (a wheel, not editable) plus pandas."""
    venv = OUT / "venv"
    python = venv / "bin" / "python"
    stamp = venv / ".stamp"
    source_mtime = max(p.stat().st_mtime for p in (ROOT / "toolkit").rglob("*") if p.is_file())
    if not stamp.exists() or stamp.stat().st_mtime < source_mtime:
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", f"{ROOT}[bench]"], check=True)
        stamp.touch()
    return python


def median_seconds(cmd: list[str], runs: int = 5, env: dict | None = None) -> float:
    """Median wall time of a whole process; output is discarded, a failure stops the bench."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
        times.append(time.perf_counter() - start)
        if done.returncode not in (0, 1):
            raise SystemExit(f"{cmd} failed: {done.stderr.decode()[-500:]}")
    return statistics.median(times)


def machine() -> str:
    cpu = "unknown CPU"
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()}, {platform.platform()}"


def write_section(name: str, text: str) -> None:
    """Replace (or add) the `name` section of bench/RESULTS.md, leaving other sections alone."""
    start, end = f"<!-- {name} -->", f"<!-- /{name} -->"
    body = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Bench results\n"
    block = f"{start}\n{text.strip()}\n{end}"
    if start in body:
        body = re.sub(re.escape(start) + r".*?" + re.escape(end), lambda _: block, body, flags=re.S)
    else:
        body = body.rstrip() + "\n\n" + block + "\n"
    RESULTS.write_text(body, encoding="utf-8")
