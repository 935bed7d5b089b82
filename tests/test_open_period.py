"""aidkit open-period: the call for reports, each member's workbook prefilled, once per member and period.

Sent through a real aiosmtpd server (tests/smtp_server.py); the ledger is the real SQLite file.
"""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

from click.testing import CliRunner

from builders import records, write_book
from cluster import MEMBER_EMAIL, at, attachments, drop, make_cluster, parse
from smtp_server import Stalling, plain_server
from toolkit import schema
from toolkit.cli import cli
from toolkit.control import read_control, write_control
from toolkit.ledger import Ledger
from toolkit.mail.remind import remind
from toolkit.reader import read_workbook

AIDKIT = Path(sys.executable).with_name("aidkit")
NEXT = "2026-H2"
MAILBOX = "nopbaocao.cum5@example.vn"


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def cluster_with_files(folder: Path, server) -> Path:
    """Cluster 5 after 2026-H1: 82 valid, 92 valid twice (the later counts), 86 only invalid, 96 a valid file
    of template version 1.1, 91 nothing."""
    control = make_cluster(folder, server, periods=("2026-H1", NEXT), tai_khoan_nhan=MAILBOX)
    drop(control, "82.xlsx", "82", date(2026, 7, 5))
    drop(control, "92-dau.xlsx", "92", date(2026, 7, 5), seed=2)
    drop(control, "92-sua.xlsx", "92", date(2026, 7, 9), seed=3)
    drop(control, "86.xlsx", "86", date(2026, 7, 9), defects=("missing-value",))
    rows = records(needs=4, register=6, province="96", seed=9)
    write_book(
        control.parent / "nop" / "96.xlsx",
        {"ma_tinh": "96", "ten_tinh": "Cà Mau", "phien_ban_mau": "1.1"},
        rows["needs"],
        rows["register"],
    )
    return control


def ids(path: Path, table: str) -> list[str]:
    data = read_workbook(path).tables[table]
    return [r.get(data.table.id_key) for r in data.records]


def open_ids(path: Path, table: str) -> list[str]:
    data = read_workbook(path).tables[table]
    return [r.get(data.table.id_key) for r in data.records if r.get("trang_thai") in schema.CARRIED_STATUSES[table]]


def test_dry_run_writes_one_eml_per_member_with_its_own_prefilled_workbook(tmp_path):
    with plain_server() as server:
        control = cluster_with_files(tmp_path, server)
        result = invoke("open-period", "--control", control, "--period", NEXT, "--now", "2026-12-15", "--dry-run")
        assert result.exit_code == 0, result.output
        assert server.messages == []
    outbox = control.parent / "ket-qua" / "outbox"
    emls = {parse(p.read_bytes())["X-Aidkit-Province"]: parse(p.read_bytes()) for p in outbox.glob("*.eml")}
    assert sorted(emls) == sorted(MEMBER_EMAIL) and len(list(outbox.glob("*.eml"))) == 5
    inbox = control.parent / "nop"
    source = {"82": inbox / "82.xlsx", "92": inbox / "92-sua.xlsx", "96": inbox / "96.xlsx"}
    for code, message in emls.items():
        [(name, data)] = attachments(message)
        assert name == f"{code}_{NEXT}.xlsx" and message["To"] == MEMBER_EMAIL[code]
        attached = tmp_path / "attached" / name
        attached.parent.mkdir(exist_ok=True)
        attached.write_bytes(data)
        assert read_workbook(attached).info_value("ky_bao_cao") == NEXT
        for table in ("register", "needs"):
            expected = open_ids(source[code], table) if code in source else []  # 86: invalid only, 91: none
            assert ids(attached, table) == expected, (code, table)
    assert open_ids(inbox / "92-dau.xlsx", "register") != open_ids(inbox / "92-sua.xlsx", "register")


def test_the_message_gives_the_due_date_what_changed_and_where_to_send(tmp_path):
    with plain_server() as server:
        control = cluster_with_files(tmp_path, server)
        invoke("open-period", "--control", control, "--period", NEXT, "--now", "2026-12-15")
        by_code = {m.message["X-Aidkit-Province"]: m.message for m in server.messages}
    text = {code: m.get_body(("plain",)).get_content() for code, m in by_code.items()}
    html = by_code["82"].get_body(("html",)).get_content()
    assert by_code["82"]["Subject"].startswith("Đề nghị báo cáo viện trợ PCPNN kỳ 2026-H2 – Đồng Tháp – hạn 15/01/2027")
    for body in (text["82"], html):
        assert "15/01/2027" in body and MAILBOX in body
    vi, en = text["82"].split("-" * 60)
    assert "đã điền sẵn" in vi and "82.xlsx, kỳ 2026-H1" in vi and "prefilled" in en
    new_in_12 = next(vi for v, vi, _ in schema.STANDARD_CHANGES if v == "1.2")
    assert new_in_12 in text["96"] and "Không có thay đổi" in text["82"]  # 96's last file was version 1.1
    assert "mẫu chuẩn kỳ 2026-H2" in text["91"] and "đã điền sẵn" not in text["91"].split("-" * 60)[0]


def test_a_real_run_sends_once_per_member_and_a_second_run_sends_and_writes_nothing(tmp_path):
    with plain_server() as server:
        control = cluster_with_files(tmp_path, server)
        first = invoke("open-period", "--control", control, "--period", NEXT, "--now", "2026-12-15", "--format", "json")
        second = invoke(
            "open-period", "--control", control, "--period", NEXT, "--now", "2026-12-20", "--format", "json"
        )
        dry = invoke("open-period", "--control", control, "--period", NEXT, "--now", "2026-12-20", "--dry-run")
        assert len(server.messages) == 5
    assert first.exit_code == second.exit_code == dry.exit_code == 0
    assert sorted(m["outcome"] for m in json.loads(first.output)["messages"]) == ["sent"] * 5
    assert [m["outcome"] for m in json.loads(second.output)["messages"]] == ["skipped"] * 5
    assert not (control.parent / "ket-qua" / "outbox").exists()
    with Ledger.for_control(control) as ledger:
        sent = ledger.messages("call_for_reports", NEXT)
    assert sorted(m.province for m in sent) == sorted(MEMBER_EMAIL) and {m.outcome for m in sent} == {"sent"}


def test_a_killed_run_sends_the_rest_next_time_and_nothing_twice(tmp_path):
    handler = Stalling(stall=30)
    with plain_server(handler) as server:
        control = cluster_with_files(tmp_path, server)
        proc = subprocess.Popen(
            [AIDKIT, "open-period", "--control", control, "--period", NEXT, "--now", "2026-12-15"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 120
        while not handler.data_started and time.monotonic() < deadline:
            time.sleep(0.02)
        assert handler.data_started
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        assert server.messages == []
        handler.stall = 0
        again = invoke("open-period", "--control", control, "--period", NEXT, "--now", "2026-12-15", "--format", "json")
        assert sorted(m["outcome"] for m in json.loads(again.output)["messages"]) == ["sent"] * 5
        assert invoke("open-period", "--control", control, "--period", NEXT, "--now", "2026-12-16").exit_code == 0
        assert sorted(m.message["X-Aidkit-Province"] for m in server.messages) == sorted(MEMBER_EMAIL)


def test_the_daily_job_sends_it_from_the_opening_date_of_lich_nop(tmp_path):
    with plain_server() as server:
        control = cluster_with_files(tmp_path, server)
        read = read_control(control)
        schedule = [
            dataclasses.replace(d, opens=date(2026, 12, 15)) if str(d.period) == NEXT else d for d in read.schedule
        ]
        write_control(control, read.cluster, read.members, schedule, read.values)
        assert read_control(control).deadline(schedule[-1].period).opens == date(2026, 12, 15)
        assert remind(control, at(date(2026, 12, 14))).deliveries == []
        opened = remind(control, at(date(2026, 12, 15)))
        assert [(d.kind, d.outcome) for d in opened.deliveries] == [("call_for_reports", "sent")] * 5
        assert remind(control, at(date(2026, 12, 16))).deliveries == []
        assert len(server.messages) == 5


def test_a_period_not_in_lich_nop_is_refused_in_one_sentence(tmp_path):
    with plain_server() as server:
        control = make_cluster(tmp_path, server)
        result = invoke("open-period", "--control", control, "--period", "2027-H1", "--dry-run")
    assert result.exit_code == 2 and "2027-H1" in result.output and "Traceback" not in result.output
