"""aidkit acknowledge (CliRunner on toolkit.cli.cli)."""

from __future__ import annotations

import json
import re
from datetime import date

from click.testing import CliRunner

from cluster import LEAD, MEMBER_EMAIL, attachments, drop, make_cluster, merge_over
from smtp_server import plain_server
from toolkit.cli import cli


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_each_submission_gets_one_receipt(tmp_path):
    with plain_server() as server:
        control = make_cluster(tmp_path, server, provinces=("86", "92"))
        ct = drop(control, "ct.xlsx", "92", date(2026, 7, 10))
        drop(control, "vl.xlsx", "86", date(2026, 7, 16), defects=("missing-value",))
        first = invoke("acknowledge", "--control", control, "--now", "2026-07-16T07:00", "--format", "json")
        second = invoke("acknowledge", "--control", control, "--now", "2026-07-16T08:00")
        assert first.exit_code == 0 and second.exit_code == 0, first.output
        messages = {m.message["X-Aidkit-Province"]: m for m in server.messages}
    data = json.loads(first.output)
    assert sorted(s["file"] for s in data["received"]) == ["ct.xlsx", "vl.xlsx"]
    assert sorted((m["province"], m["outcome"]) for m in data["messages"]) == [("86", "sent"), ("92", "sent")]
    assert "Không có thư nào cần gửi hôm nay" in second.output
    assert len(server.messages) == 2
    valid, invalid = messages["92"], messages["86"]
    assert valid.message["Subject"] == "Đã nhận báo cáo kỳ 2026-H1 – Cần Thơ: Hợp lệ / Received: 2026-H1 report – Valid"
    assert valid.rcpt_tos[1:] == [MEMBER_EMAIL["92"]] and valid.rcpt_tos[0].endswith("@lhhcantho.org.vn")
    assert attachments(valid.message) == []
    preparer = _preparer(ct)  # not the members sheet's focal person, so no Ông/Bà is known: the office is greeted
    for body in (valid.message.get_body(("plain",)).get_content(), valid.message.get_body(("html",)).get_content()):
        greeting = re.sub(r"<[^>]+>", "", next(line for line in body.splitlines() if "Kính gửi" in line))
        assert greeting.endswith("Kính gửi: Liên hiệp các tổ chức hữu nghị thành phố Cần Thơ")
        assert preparer not in greeting
    assert invalid.message["Subject"] == (
        "Đã nhận báo cáo kỳ 2026-H1 – Vĩnh Long: Không hợp lệ / Received: 2026-H1 report – Invalid"
    )
    [(name, data_)] = attachments(invalid.message)
    assert name == "vl.kiem-tra.xlsx" and data_.startswith(b"PK")


def _preparer(path) -> str:
    """Người lập of a workbook's Info sheet, read with openpyxl."""
    from openpyxl import load_workbook

    ws = load_workbook(path, read_only=True)["Thông tin"]
    return next(row[1] for row in ws.iter_rows(values_only=True) if row[0] == "Người lập")


def test_an_unreadable_file_is_reported_to_the_cluster_lead(tmp_path):
    with plain_server() as server:
        control = make_cluster(tmp_path, server, provinces=("92",))
        (control.parent / "nop" / "hong.xlsx").write_bytes(b"PK\x03\x04 truncated")
        result = invoke("acknowledge", "--control", control, "--now", "2026-07-16")
        assert result.exit_code == 0, result.output
        [got] = server.messages
    assert got.rcpt_tos == [LEAD]
    assert got.message["Subject"] == "Không đọc được tệp hong.xlsx / File hong.xlsx could not be read"
    assert "bị hỏng" in got.message.get_body(("plain",)).get_content()


def test_dry_run_writes_the_receipts(tmp_path):
    control = make_cluster(tmp_path, provinces=("92",))
    drop(control, "ct.xlsx", "92", date(2026, 7, 10))
    result = invoke("acknowledge", "--control", control, "--now", "2026-07-16", "--dry-run")
    assert result.exit_code == 0, result.output
    [eml] = (control.parent / "ket-qua" / "outbox").iterdir()
    assert eml.name.startswith("2026-07-16_acknowledgement_2026-H1_92_") and eml.suffix == ".eml"


def test_a_file_with_a_merged_cell_stops_no_receipt(tmp_path):
    from toolkit.sample import sample_workbook

    with plain_server() as server:
        control = make_cluster(tmp_path, server, provinces=("86", "92", "96"))
        drop(control, "ct.xlsx", "92", date(2026, 7, 10))
        planted = sample_workbook(
            tmp_path / "probe.xlsx", "86", "2026-H1", needs=3, register=3, seed=1, defects=("missing-value",)
        ).planted
        [(_, sheet, ref)] = planted
        merge_over(drop(control, "vl.xlsx", "86", date(2026, 7, 11), defects=("missing-value",)), sheet, ref)
        drop(control, "cm.xlsx", "96", date(2026, 7, 12))
        result = invoke("acknowledge", "--control", control, "--now", "2026-07-16T07:00")
        assert result.exit_code == 0, result.output  # was 2, with no receipt to anyone
        received = {m.message["X-Aidkit-Province"]: m for m in server.messages}
    assert sorted(received) == ["86", "92", "96"]
    [(name, data)] = attachments(received["86"].message)
    assert name == "vl.kiem-tra.xlsx" and data.startswith(b"PK")
