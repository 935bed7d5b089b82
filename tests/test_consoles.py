"""Every console (issue 17): a Windows code page or a missing stream never ends a command.

Each command of the click registry runs as the real installed `aidkit`, in a subprocess whose
output is redirected to a file as the daily job's ``.cmd`` does, with ``PYTHONIOENCODING`` set to
cp1252 and cp1258 (what Python 3.11-3.13 on Windows uses for a redirected stream): each exits as it
does without them, and its output is UTF-8 text. Under ``pythonw`` (the buttons) the standard streams
are None.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from cluster import drop, make_cluster
from toolkit.cli import cli

AIDKIT = Path(sys.executable).with_name("aidkit")
CONTROL = "cum/dieu-hanh.xlsx"
#: One real run of each command, from the folder of a Cluster 5 copy (mail commands as dry runs).
RUNS = {
    "acknowledge": ["--control", CONTROL, "--now", "2026-07-16T07:00", "--dry-run"],
    "build-workbooks": ["--out", "so"],
    "catalogue": ["cum/nop", "-o", "danh-muc"],
    "collect": ["--control", CONTROL, "--now", "2026-07-16"],  # no mailbox set up: one sentence, exit 2
    "consolidate": ["--control", CONTROL, "--period", "2026-H1", "-o", "tong-hop.xlsx"],
    "open-period": ["--control", CONTROL, "--period", "2026-H1", "--now", "2026-06-20", "--dry-run"],
    "password": ["lhh.cum5@example.vn"],  # typed twice on stdin, into a file keyring (keyrings.alt)
    "remind": ["--control", CONTROL, "--now", "2026-07-16", "--dry-run"],
    "report": ["--control", CONTROL, "--period", "2026-H1", "--now", "2026-07-20", "-o", "bao-cao.docx"],
    "schedule": ["--control", CONTROL, "--system", "windows"],
    "send-report": ["--control", CONTROL, "--period", "2026-H1", "--now", "2026-07-20", "--dry-run"],
    "status": ["--control", CONTROL, "--period", "2026-H1", "--now", "2026-07-16"],
    "template": ["-p", "92", "-k", "2026-H1", "-o", "mẫu Cần Thơ.xlsx"],
    "validate": ["cum/nop/vl.xlsx"],
}
ENCODINGS = ("", "cp1252", "cp1258")  # "": as on Linux, UTF-8


@pytest.fixture(scope="module")
def cluster(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("consoles")
    control = make_cluster(folder / "cum", provinces=("86", "92"))
    drop(control, "ct.xlsx", "92", date(2026, 7, 10))
    drop(control, "vl.xlsx", "86", date(2026, 7, 11), defects=("missing-value",))
    return folder


def run_all(cluster: Path, where: Path, encoding: str) -> dict[str, tuple[int, str]]:
    """Every command (its --help, then its real run) in a fresh copy; name → (exit code, output)."""
    shutil.copytree(cluster, where)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONIOENCODING", "PYTHONUTF8")}
    env.update(PYTHON_KEYRING_BACKEND="keyrings.alt.file.PlaintextKeyring", XDG_DATA_HOME=str(where / "keyring"))
    if encoding:
        env["PYTHONIOENCODING"] = encoding
    out = {}
    for name in sorted(cli.commands):
        for kind, args in (("help", ["--help"]), ("run", RUNS[name])):
            log = where / f"{name}.{kind}.log"
            with log.open("wb") as sink:  # redirected, as the .cmd does into aidkit-job.log
                code = subprocess.run(
                    [str(AIDKIT), name, *args],
                    cwd=where,
                    env=env,
                    stdout=sink,
                    stderr=sink,
                    input="Mật-khẩu-ư\nMật-khẩu-ư\n".encode(),
                    timeout=300,
                ).returncode
            out[f"{name} {kind}"] = (code, log.read_bytes().decode("utf-8"))  # UTF-8, whatever the code page
    return out


def test_every_command_runs_for_real_in_this_walk():
    assert sorted(RUNS) == sorted(cli.commands)  # a new command gets a run here


def test_every_command_exits_as_it_does_whatever_the_code_page(cluster, tmp_path):
    plain, *others = (run_all(cluster, tmp_path / (e or "utf-8"), e) for e in ENCODINGS)
    assert all(code in (0, 1) for name, (code, _) in plain.items() if name != "collect run"), plain
    for encoding, got in zip(ENCODINGS[1:], others, strict=True):
        assert {k: c for k, (c, _) in got.items()} == {k: c for k, (c, _) in plain.items()}, encoding
        assert all("UnicodeEncodeError" not in text for _, text in got.values())
        assert got["status run"][1] == plain["status run"][1] and "Cụm thi đua số 5" in got["status run"][1]


def test_without_standard_streams_as_under_pythonw(cluster, tmp_path):
    shutil.copytree(cluster, tmp_path / "c")
    code = (
        "import sys; sys.stdout = sys.stderr = sys.stdin = None\n"
        "from toolkit.cli import main\n"
        f"main({['consolidate', *RUNS['consolidate']]!r})\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path / "c", capture_output=True, timeout=300)
    assert done.returncode == 1 and done.stdout == b"" and done.stderr == b""  # 1: a file has errors
    assert (tmp_path / "c" / "tong-hop.xlsx").is_file()
