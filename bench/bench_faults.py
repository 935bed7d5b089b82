"""Time `aidkit remind` for a cluster of 34 provinces against an SMTP server that is down or stalls.

Down: nothing listens on the port (connection refused). Stall: a real aiosmtpd server on 127.0.0.1
that accepts the connection and the envelope, then never answers DATA (the socket timeout, 30 s,
ends each attempt). One whole `aidkit remind` process per case, on the overdue day (34 reminders).

usage: python bench/bench_faults.py [AIDKIT] [down|stall ...] [--provinces N]
(AIDKIT: the aidkit command to time, default the one beside this Python.)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

# tests/ is put on the path just above, so these imports must follow it
from smtp_server import RecordingHandler, free_port, plain_server  # noqa: E402
from toolkit.provinces import provinces_on  # noqa: E402
from toolkit.sample import sample_control  # noqa: E402


class Stall(RecordingHandler):
    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(3600)


def run(aidkit: str, folder: Path, port: int, codes: tuple[str, ...]) -> dict:
    (folder / "nop").mkdir(parents=True, exist_ok=True)
    control = sample_control(
        folder / "dieu-hanh.xlsx",
        provinces=codes,
        smtp={"may_chu_smtp": "127.0.0.1", "cong": port, "bao_mat": "Không", "tai_khoan_gui": ""},
    )
    began = time.perf_counter()
    done = subprocess.run(
        [aidkit, "remind", "--control", str(control), "--now", "2026-07-16", "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - began
    messages = json.loads(done.stdout)["messages"]
    return {
        "seconds": round(seconds, 1),
        "exit": done.returncode,
        "messages": len(messages),
        "tried": sum(1 for m in messages if m["attempts"]),
        "attempts": sum(m["attempts"] for m in messages),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("aidkit", nargs="?", default=str(Path(sys.executable).with_name("aidkit")))
    parser.add_argument("cases", nargs="*", default=["down", "stall"])
    parser.add_argument("--provinces", type=int, default=34)
    args = parser.parse_args()
    codes = tuple(sorted(provinces_on(date(2026, 7, 1))))[: args.provinces]
    for case in args.cases:
        with tempfile.TemporaryDirectory() as tmp:
            if case == "down":
                figures = run(args.aidkit, Path(tmp), free_port(), codes)
            else:
                with plain_server(Stall()) as server:
                    figures = run(args.aidkit, Path(tmp), server.port, codes)
        print(f"{case}: {len(codes)} provinces: {figures}", flush=True)


if __name__ == "__main__":
    main()
