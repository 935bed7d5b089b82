"""One bad file never stops a job for the others (issue 17, item 4), held by the command registry.

Every command that reads the submissions folder is run where two members' good files sit beside
what offices really send by mistake: a truncated download, a password-protected workbook, an empty
file, a folder and a pipe named like workbooks, and a finding on a merged header cell. Each command
ends as it documents (no traceback, no "unexpected error"), names every bad file in its output, and
does its work for the good ones. A command added to the CLI needs a row in JOBS or a reason in
READS_NO_SUBMISSION, so none can forget the rule.
"""

from __future__ import annotations

import os
import shutil
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document
from openpyxl import load_workbook

from cluster import drop, make_cluster, merge_over
from smtp_server import plain_server
from toolkit.cli import cli

CORPUS = Path(__file__).resolve().parent / "corpus" / "calamine"
BAD = ("86.xlsx", "86-mat-khau.xlsx", "rong.xlsx", "ong.xlsx")
#: Commands that read no submission, and why (each is held by its own tests for bad input).
READS_NO_SUBMISSION = {
    "build-workbooks": "writes the two .xlsm from the schema and macros/",
    "password": "stores a password in the keyring",
    "schedule": "prints or installs the daily job",
    "template": "reads at most the one file named by --from (tests/test_next_period.py refuses a bad one)",
    "collect": "reads the mailbox: a poison message beside good ones is tests/test_collect.py's test",
}


class Folder:
    """A cluster of three members, a mail server, and nop/ holding good and bad files."""

    def __init__(self, root: Path, server):
        self.control = make_cluster(root, server, provinces=("82", "86", "92"), periods=("2026-H1", "2026-H2"))
        self.root, self.nop = root, root / "nop"
        drop(self.control, "82.xlsx", "82", date(2026, 7, 3))
        merge_over(
            drop(self.control, "92.xlsx", "92", date(2026, 7, 4), defects=("missing-value",)), "Nhu cầu tài trợ", "G2"
        )  # the finding falls on a merged cell, as on official forms
        cut = drop(self.control, "86.xlsx", "86", date(2026, 7, 5))
        cut.write_bytes(cut.read_bytes()[: cut.stat().st_size // 2])  # an incomplete download
        shutil.copy(CORPUS / "pass_protected.xlsx", self.nop / "86-mat-khau.xlsx")
        (self.nop / "rong.xlsx").write_bytes(b"")
        (self.nop / "thu-muc.xlsx").mkdir()
        os.mkfifo(self.nop / "ong.xlsx")


def named_as_unread(name: str, output: str) -> bool:
    """`name` is on a line of its own refusal, or listed as received with the word "unreadable"."""
    received = f"{name} (? ?: không đọc được / unreadable)"
    return received in output or any(
        name in line for line in output.splitlines() if not line.startswith("Tệp mới nhận")
    )


def mails_to(server, address: str) -> list:
    return [m for m in server.messages if address in m.rcpt_tos]


def validated(f: Folder, output: str, server) -> None:
    assert "Hợp lệ / Valid: " in output and "82.xlsx" in output
    assert "Không hợp lệ / Invalid: " in output and "Nhu cầu tài trợ!G2" in output


def consolidated(f: Folder, output: str, server) -> None:
    rows = load_workbook(f.root / "th.xlsx", read_only=True)["Nhu cầu tài trợ"].iter_rows(min_row=4, values_only=True)
    assert {str(row[1])[:2] for row in rows if row[1]} == {"82", "92"}


def catalogued(f: Folder, output: str, server) -> None:
    page = (f.root / "dm" / "index.html").read_text(encoding="utf-8")
    assert "82-N2026-001" in page and (f.root / "dm" / "ban-tin.pdf").stat().st_size > 0


def reported(f: Folder, output: str, server) -> None:
    text = "\n".join(p.text for p in Document(str(f.root / "bc.docx")).paragraphs)
    assert "Đồng Tháp" in text or "Cần Thơ" in text


def statused(f: Folder, output: str, server) -> None:
    assert "82  Đồng Tháp  Hợp lệ / Valid" in output and "92  Cần Thơ    Không hợp lệ / Invalid" in output


def acknowledged(f: Folder, output: str, server) -> None:
    assert mails_to(server, "lhh.dongthap@example.vn") and mails_to(server, "lhh.cantho@example.vn")
    [with_copy] = [m for m in mails_to(server, "lhh.cantho@example.vn")]
    assert "Cần Thơ: Không hợp lệ" in with_copy.message["Subject"] and any(
        part.get_filename() for part in with_copy.message.iter_attachments()
    )  # the annotated copy went


def reminded(f: Folder, output: str, server) -> None:
    assert mails_to(server, "lhh.vinhlong@example.vn") and mails_to(server, "lhh.cantho@example.vn")
    assert not mails_to(server, "lhh.dongthap@example.vn")  # valid: no reminder


def sent_report(f: Folder, output: str, server) -> None:
    [message] = mails_to(server, "truongcum5@example.vn")
    names = [part.get_filename() for part in message.message.iter_attachments()]
    assert any(n.endswith(".xlsx") for n in names) and any(n.endswith(".docx") for n in names), names


def opened(f: Folder, output: str, server) -> None:
    assert {a for m in server.messages for a in m.rcpt_tos} >= {
        "lhh.dongthap@example.vn",
        "lhh.vinhlong@example.vn",
        "lhh.cantho@example.vn",
    }


#: command → (its arguments for a Folder, the exit codes it documents here, what it must still have done)
JOBS = {
    "validate": (lambda f: [f.nop], (2,), validated),  # 2: a file could not be read (README, exit codes)
    "consolidate": (lambda f: [f.nop, "--control", f.control, "-o", f.root / "th.xlsx"], (1,), consolidated),
    "catalogue": (lambda f: [f.nop, "-o", f.root / "dm"], (1,), catalogued),
    "report": (
        lambda f: ["--control", f.control, "-k", "2026-H1", "--now", "2026-07-20", "-o", f.root / "bc.docx"],
        (0, 1),
        reported,
    ),
    "status": (lambda f: ["--control", f.control, "--now", "2026-07-20"], (0,), statused),
    "acknowledge": (lambda f: ["--control", f.control, "--now", "2026-07-20"], (0,), acknowledged),
    "remind": (lambda f: ["--control", f.control, "--now", "2026-07-20"], (0,), reminded),
    "send-report": (lambda f: ["--control", f.control, "-k", "2026-H1", "--now", "2026-07-21"], (0,), sent_report),
    "open-period": (lambda f: ["--control", f.control, "-k", "2026-H2", "--now", "2026-07-21"], (0,), opened),
}


def test_every_command_is_walked_or_says_why_not():
    assert sorted(JOBS) + sorted(READS_NO_SUBMISSION) and not set(JOBS) & set(READS_NO_SUBMISSION)
    assert sorted(set(JOBS) | set(READS_NO_SUBMISSION)) == sorted(cli.commands), (
        "a new command needs its row in JOBS (or its reason in READS_NO_SUBMISSION)"
    )


@pytest.mark.parametrize("command", sorted(JOBS))
def test_each_job_names_every_bad_file_and_does_the_good_ones(tmp_path, command):
    args, codes, done = JOBS[command]
    with plain_server() as server:
        f = Folder(tmp_path, server)
        result = CliRunner().invoke(cli, [command, *map(str, args(f))])
        messages = list(server.messages)
    output = result.output
    assert result.exit_code in codes and isinstance(result.exception, (SystemExit, type(None))), output
    assert "Traceback" not in output and "Lỗi không mong muốn" not in output and "Unexpected" not in output
    for name in BAD:  # named as not read, not only listed among the files received
        assert named_as_unread(name, output), f"{command} does not name {name} as a file it could not read:\n{output}"
    done(f, output, type("Server", (), {"messages": messages}))
