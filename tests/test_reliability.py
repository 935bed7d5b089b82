"""Issue 9, "lose nothing, never fall silent": what holds under bad files, faults, kills and missed days.

The folder traps (FIFO, /dev/zero, huge files) are in test_folders.py, the outputs that must not be
replaced in test_outputs.py; here the rest, each against real parts (SMTP server, SQLite, workbooks).
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from builders import records, write_book
from cluster import LEAD, PERIOD, at, drop, make_cluster
from smtp_server import Stalling, plain_server
from toolkit import schema
from toolkit.annotate import annotate
from toolkit.atomic import atomic_path, write_bytes
from toolkit.cli import cli
from toolkit.consolidation.consolidate import consolidate
from toolkit.control import Deadline, Member, write_control
from toolkit.findings import Refusal, Report, finding
from toolkit.ledger import Ledger
from toolkit.mail.remind import remind
from toolkit.periods import Period
from toolkit.schedule import schedule
from toolkit.status import status
from toolkit.validate import validate

AIDKIT = Path(sys.executable).with_name("aidkit")
FORMULA = '=HYPERLINK("http://example.com/x","click")'


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def d(day: int) -> date:
    return date(2026, 7, day)


# --- 1. formula text stays text -------------------------------------------------------------------


def test_formula_text_found_in_a_cell_stays_text_in_every_workbook_aidkit_writes(tmp_path):
    rows = records(needs=2, register=2)
    rows["register"][0]["quoc_gia"] = FORMULA  # a bad country: a finding whose value is this text
    source = write_book(tmp_path / "92.xlsx", {"email": FORMULA}, rows["needs"], rows["register"])
    book = load_workbook(source)
    for ws in book.worksheets:  # typed as text by the province (openpyxl would store a formula otherwise)
        for row in ws.iter_rows():
            for cell in row:
                if cell.value == FORMULA:
                    cell.data_type = "s"
    book.save(source)
    report = validate(source)
    assert FORMULA in [f.value for f in report.findings]
    out = annotate(source, report, tmp_path / "92.kiem-tra.xlsx")
    sheet = load_workbook(out)[schema.FINDINGS.vi]
    cells = [c for row in sheet.iter_rows() for c in row if c.value == FORMULA]
    assert cells and all(c.data_type == "s" for c in cells)
    nop = tmp_path / "nop"
    nop.mkdir()
    os.replace(source, nop / "92.xlsx")
    consolidate(nop, tmp_path / "th.xlsx")
    merged = load_workbook(tmp_path / "th.xlsx")
    found = [
        c
        for ws in merged.worksheets
        for row in ws.iter_rows()
        for c in row
        if isinstance(c.value, str) and "HYPERLINK" in c.value and "example.com" in c.value
    ]
    assert found and all(c.data_type == "s" for c in found)


# --- 12. a link to a sheet whose name holds an apostrophe ----------------------------------------------


def test_a_findings_link_to_a_sheet_with_an_apostrophe_is_escaped(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "Bà Rịa's"
    book.save(tmp_path / "x.xlsx")
    report = Report(
        str(tmp_path / "x.xlsx"), [finding("missing-value", "error", sheet="Bà Rịa's", cell="B4", column="dia_ban")]
    )
    out = annotate(tmp_path / "x.xlsx", report, tmp_path / "x.kiem-tra.xlsx")
    from toolkit.annotate import sheet_ref

    link = load_workbook(out)[schema.FINDINGS.vi]["D2"].hyperlink
    assert link.location == "'Bà Rịa''s'!B4" == sheet_ref("Bà Rịa's", "B4")


# --- 11. permissions and leftovers --------------------------------------------------------------------


def test_outputs_respect_the_umask(tmp_path):
    old = os.umask(0o022)
    try:
        path = write_bytes(tmp_path / "tong-hop.xlsx", b"data")
        assert path.stat().st_mode & 0o777 == 0o644
        os.umask(0o002)
        assert write_bytes(tmp_path / "b.xlsx", b"data").stat().st_mode & 0o777 == 0o664
    finally:
        os.umask(old)


def test_the_temp_file_of_a_killed_run_is_removed_by_the_next_write(tmp_path):
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True
    )
    left = tmp_path / f".tong-hop.aidkit-{dead.stdout.strip()}-abc123.xlsx"
    left.write_bytes(b"half a workbook")
    alive = tmp_path / f".tong-hop.aidkit-{os.getppid()}-def456.xlsx"  # a running process's: kept
    alive.write_bytes(b"being written")
    write_bytes(tmp_path / "tong-hop.xlsx", b"done")
    assert sorted(p.name for p in tmp_path.iterdir()) == [alive.name, "tong-hop.xlsx"]


def children(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                out.append(int(entry.name))
        except (OSError, IndexError, ValueError):
            continue
    return out


def lingering(marker: str, wait: float = 10.0) -> list[int]:
    """Processes whose command line names `marker`, still there after `wait` seconds."""
    deadline = time.monotonic() + wait
    while True:
        found = []
        for entry in Path("/proc").iterdir():
            try:
                if entry.name.isdigit() and marker in (entry / "cmdline").read_bytes().decode("utf-8", "replace"):
                    state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
                    if state not in ("Z", "X"):
                        found.append(int(entry.name))
            except OSError:
                continue
        if not found or time.monotonic() > deadline:
            return found
        time.sleep(0.05)


def test_a_kill_during_consolidate_loses_nothing_and_the_next_run_leaves_no_temp_file(tmp_path):
    nop = tmp_path / "nop"
    from toolkit.sample import sample_workbook

    for i, code in enumerate(("82", "86", "91", "92", "96", "80")):  # six files: read by a pool of processes
        sample_workbook(nop / f"{code}.xlsx", code, needs=60, register=100, seed=i)
    inputs = {p.name: p.read_bytes() for p in nop.iterdir()}
    out = tmp_path / "th.xlsx"
    proc = subprocess.Popen(
        [AIDKIT, "consolidate", nop, "-o", out], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 60
    while (
        not (list(tmp_path.glob(".th.aidkit-*")) and children(proc.pid))
        and time.monotonic() < deadline
        and proc.poll() is None
    ):  # killed while its worker processes read the files
        time.sleep(0.005)
    assert proc.poll() is None, "consolidate finished before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert list(tmp_path.glob(".th.aidkit-*")) and not out.exists()
    assert not lingering(str(nop)), "the run's reading processes outlived it"
    assert {p.name: p.read_bytes() for p in nop.iterdir()} == inputs
    done = subprocess.run(
        [AIDKIT, "consolidate", nop, "-o", out], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert out.exists() and not list(tmp_path.glob(".th.aidkit-*"))


# --- 5. one status rule, from the ledger ----------------------------------------------------------


def test_a_restored_folder_keeps_the_ledger_statuses_in_the_merge(tmp_path):
    control = make_cluster(tmp_path, provinces=("82", "92"))
    on_time = drop(control, "92.xlsx", "92", d(10))
    status(control, now=at(d(16)))  # the daily job received it on time
    later = at(d(20)).timestamp()
    os.utime(on_time, (later, later))  # copying or restoring the folder resets the file times
    merged = consolidate(None, tmp_path / "th.xlsx", period=PERIOD, control=control)
    by_code = {e.code: e.status for e in merged.entries}
    shown = {p.code: p.state for p in status(control, now=at(d(21))).periods[0].provinces}
    assert by_code == shown == {"82": "missing", "92": "valid"}


# --- 6. a missed reminder day is caught up once ------------------------------------------------------


def test_a_missed_reminder_day_is_sent_once_on_the_next_run(tmp_path):
    with plain_server() as server:
        control = make_cluster(tmp_path, server, provinces=("91",))
        assert remind(control, at(d(7))).deliveries == []
        # 08/07 was a reminder day (7 days before), and so was Sunday 12/07 (3 days before): the PC was off
        first = remind(control, at(d(13)))
        assert [(x.kind, x.day, x.outcome) for x in first.deliveries] == [("reminder_before", d(12), "sent")]
        assert remind(control, at(d(13))).deliveries == []  # once, not on every run
        assert [x.day for x in remind(control, at(d(14))).deliveries] == [d(14)]
        assert len(server.messages) == 2
        # the escalation digest (7 days after) is caught up too, once
        assert [(x.kind, x.day) for x in remind(control, at(d(24))).deliveries] == [
            ("reminder_after", d(22)),
            ("escalation", d(22)),
        ]
        assert remind(control, at(d(25))).deliveries == []
        assert len(server.messages) == 4


# --- 7. a killed send is "unknown", shown, and sent again ---------------------------------------------


def test_a_remind_killed_mid_message_is_unknown_then_sent_again(tmp_path):
    handler = Stalling(stall=30)
    with plain_server(handler) as server:
        control = make_cluster(tmp_path, server, provinces=("91",))
        proc = subprocess.Popen(
            [AIDKIT, "remind", "--control", control, "--now", "2026-07-16"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 60
        while not handler.data_started and time.monotonic() < deadline:
            time.sleep(0.02)
        assert handler.data_started
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        assert server.messages == []
        shown = invoke("status", "--control", control, "--now", "2026-07-16")
        assert "? chưa rõ / unknown  reminder_after" in shown.output and "chưa rõ đã gửi" in shown.output.lower()
        handler.stall = 0
        again = invoke("remind", "--control", control, "--now", "2026-07-16", "--format", "json")
        sent = json.loads(again.output)["messages"]
        assert [(m["kind"], m["province"], m["outcome"]) for m in sent] == [("reminder_after", "91", "sent")]
        assert len(server.messages) == 1
        assert "unknown" not in invoke("status", "--control", control, "--now", "2026-07-16").output


def test_the_lead_digest_lists_a_message_whose_sending_was_cut_off(tmp_path):
    with plain_server() as server:
        control = make_cluster(tmp_path, server, provinces=("91",))
        with Ledger.for_control(control) as ledger:  # a claim by a process that no longer exists
            row = ledger.claim("reminder_after", PERIOD, "91", d(18), recipients=["lhh.angiang@example.vn"])
            ledger.conn.execute(
                "UPDATE messages SET claimant='elsewhere:1', claimed_at='2026-07-18T07:00:00' WHERE id=?", (row,)
            )
        remind(control, at(d(22)))
        digest = next(m for m in server.messages if LEAD in m.rcpt_tos)
        text = digest.message.get_body(("plain",)).get_content()
        assert "thư nhắc quá hạn 91 ngày 18/07/2026: chưa rõ" in text
        assert "overdue reminder 91 of 18 July 2026: unknown" in text


# --- 8. a relay without AUTH ---------------------------------------------------------------------------


def test_a_relay_without_auth_sends_without_a_password(tmp_path, monkeypatch):
    import keyring

    monkeypatch.delenv("AIDKIT_SMTP_PASSWORD", raising=False)
    monkeypatch.setattr(keyring, "get_password", lambda service, user: None)
    with plain_server() as server:
        control = make_cluster(tmp_path, server, provinces=("91",), tai_khoan_gui="vanphong@cum5.example.vn")
        result = remind(control, at(d(16)))
        assert [x.outcome for x in result.deliveries] == ["sent"]
        assert server.messages[0].mail_from == "vanphong@cum5.example.vn"


# --- 9. bounded fault time: in test_postman.py -----------------------------------------------------------

# --- 10. problems a user can fix get a precise sentence ----------------------------------------------------


def control_with(tmp_path: Path, *, before=(7, 3, 1), members=None, **settings) -> Path:
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "nop").mkdir(exist_ok=True)
    members = members or [Member("92", "Cần Thơ", "Trần Thị Mai", "lhh.cantho@example.vn")]
    schedule_rows = [Deadline(Period.parse(PERIOD), d(15), before, (1, 3, 7), (7,))]
    values = {
        "ten_cum": "Cụm 5",
        "thu_muc_nhan": "nop",
        "thu_muc_ket_qua": "ket-qua",
        "may_chu_smtp": "127.0.0.1",
        "email_truong_cum": LEAD,
        **settings,
    }
    return write_control(tmp_path / "dieu-hanh.xlsx", "Cụm 5", members, schedule_rows, values)


def says(result, *texts: str) -> None:
    assert result.exit_code == 2, result.output
    assert "Lỗi không mong muốn" not in result.output and "Unexpected error" not in result.output
    for text in texts:
        assert text in result.output, result.output


@pytest.mark.parametrize(
    "before, cell, part", [(("7", "a", "1"), "Lịch nộp!C2", '"a"'), ((7, -1), "Lịch nộp!C2", '"-1"')]
)
def test_bad_reminder_days_name_the_cell(tmp_path, before, cell, part):
    control = control_with(tmp_path, before=before)
    says(invoke("status", "--control", control), "dieu-hanh.xlsx", cell, part, "7;3;1")


def test_a_bad_port_names_the_cell(tmp_path):
    control = control_with(tmp_path, cong="abc")
    says(invoke("remind", "--control", control), "dieu-hanh.xlsx", "Cấu hình!B", '"abc"', "whole number")


def test_a_member_listed_twice_is_a_control_workbook_problem(tmp_path):
    twice = [
        Member("92", "Cần Thơ", "Trần Thị Mai", "lhh.cantho@example.vn"),
        Member("92", "Cần Thơ", "Lê Văn An", "an.le@example.vn"),
    ]
    says(
        invoke("status", "--control", control_with(tmp_path, members=twice)),
        "Tỉnh 92 có hai dòng",
        "Province 92 is listed twice",
    )


def test_a_damaged_ledger_gets_a_sentence_naming_it(tmp_path):
    control = control_with(tmp_path)
    (tmp_path / "aidkit-ledger.sqlite").write_bytes(b"this is not a database, just some text" * 100)
    says(invoke("status", "--control", control), "aidkit-ledger.sqlite", "bị hỏng", "is damaged")


def test_a_locked_ledger_gets_a_sentence_naming_it(tmp_path):
    path = tmp_path / "aidkit-ledger.sqlite"
    Ledger(path).close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(Refusal) as caught, Ledger(path, timeout=0.3) as ledger:
            ledger.claim("reminder_after", PERIOD, "92", d(16))
        assert caught.value.reason == "ledger-locked" and str(path) in caught.value.en
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_an_output_folder_that_cannot_be_made_gets_a_sentence(tmp_path):
    (tmp_path / "tep.txt").write_text("a file, not a folder")
    nop = tmp_path / "nop"
    from toolkit.sample import sample_workbook

    sample_workbook(nop / "92.xlsx", "92", needs=1, register=1)
    says(
        invoke("consolidate", nop, "-o", tmp_path / "tep.txt" / "th.xlsx"),
        "thư mục chứa nó",
        "its folder is missing or read-only",
    )
    with pytest.raises(Refusal) as caught, atomic_path(tmp_path / "tep.txt" / "x.xlsx"):
        pass
    assert caught.value.reason == "output-folder-unwritable"


# --- 13. the printed Windows schedule works as printed ---------------------------------------------------


def test_the_printed_schtasks_command_runs_a_script_that_exists(tmp_path):
    control = make_cluster(tmp_path)
    result = schedule(control, system="windows", aidkit=["C:\\aidkit\\aidkit.exe"])
    assert not result.installed
    script = Path(result.script)
    assert script.read_bytes() == result.script_text.encode() and f'\\"{script}\\"' in result.command
    assert "(đã ghi) / script file (written)" in result.to_text()


# --- 14. validate takes folders --------------------------------------------------------------------------


def test_validate_takes_a_folder_and_annotates_each_file(tmp_path):
    from toolkit.sample import sample_workbook

    nop = tmp_path / "nop"
    sample_workbook(nop / "82.xlsx", "82", needs=2, register=2)
    sample_workbook(nop / "vinh-long" / "86.xlsx", "86", needs=2, register=2, defects=("missing-value",))
    (nop / "ghi-chu.txt").write_text("x")
    result = invoke("validate", nop, "--format", "json", "--annotate", tmp_path / "kiem-tra")
    reports = json.loads(result.stdout)  # where each copy went is said on stderr
    assert result.exit_code == 2  # ghi-chu.txt is listed as not a workbook
    assert result.stderr.count("annotated copy written") == 2
    assert [(r["file"].endswith(("82.xlsx", "86.xlsx", "ghi-chu.txt")), r.get("valid")) for r in reports] == [
        (True, None),
        (True, True),
        (True, False),
    ]
    assert sorted(p.relative_to(tmp_path / "kiem-tra").as_posix() for p in (tmp_path / "kiem-tra").rglob("*.xlsx")) == [
        "82.kiem-tra.xlsx",
        "vinh-long/86.kiem-tra.xlsx",
    ]
