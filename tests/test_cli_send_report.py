"""aidkit send-report: the consolidated workbook and its overview, mailed once per set of files."""

from __future__ import annotations

import io
import json
import re
from datetime import date

from click.testing import CliRunner
from docx import Document

from cluster import LEAD, MEMBER_EMAIL, attachments, drop, make_cluster
from smtp_server import plain_server
from toolkit.cli import cli
from toolkit.ledger import Ledger

SUBJECT = (
    "Báo cáo tổng hợp viện trợ PCPNN kỳ 2026-H1 – Cụm thi đua số 5 — Đồng bằng sông Cửu Long / "
    "Consolidated foreign-NGO aid report 2026-H1"
)


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_report_goes_to_the_lead_and_members_once_per_set_of_files(tmp_path):
    with plain_server() as server:
        control = make_cluster(tmp_path, server, provinces=("86", "91", "92"))
        drop(control, "ct.xlsx", "92", date(2026, 7, 10))
        drop(control, "vl.xlsx", "86", date(2026, 7, 16), defects=("missing-value",))
        first = invoke(
            "send-report", "--control", control, "--period", "2026-H1", "--now", "2026-07-20", "--format", "json"
        )
        assert first.exit_code == 0, first.output
        [got] = server.messages
        again = invoke("send-report", "--control", control, "--period", "2026-H1", "--now", "2026-07-21")
        assert again.exit_code == 0 and len(server.messages) == 1
        assert "--force" in again.output
        forced = invoke("send-report", "--control", control, "--period", "2026-H1", "--now", "2026-07-21", "--force")
        assert forced.exit_code == 0 and len(server.messages) == 2
        drop(control, "ag.xlsx", "91", date(2026, 7, 22))  # a new submission: a new report
        newer = invoke("send-report", "--control", control, "--period", "2026-H1", "--now", "2026-07-22")
        assert newer.exit_code == 0 and len(server.messages) == 3
    data = json.loads(first.output)
    workbook = control.parent / "ket-qua" / "tong-hop_2026-H1.xlsx"
    assert next(iter(data["outputs"].values())) == str(workbook)
    m = got.message
    assert m["Subject"] == "[Dự thảo / Draft] " + SUBJECT and m["X-Aidkit-Kind"] == "report"  # nobody edited it
    assert got.rcpt_tos == [LEAD, MEMBER_EMAIL["86"], MEMBER_EMAIL["91"], MEMBER_EMAIL["92"]]
    (workbook_name, content), (report_name, review) = attachments(m)
    assert workbook_name == "tong-hop_2026-H1.xlsx" and content.startswith(b"PK")
    assert report_name == "bao-cao_2026-H1.docx"
    assert data["outputs"]["Báo cáo sơ kết / review report"] == str(control.parent / "ket-qua" / report_name)
    text_of_report = "\n".join(p.text for p in Document(io.BytesIO(review)).paragraphs).replace("\xa0", " ")
    assert (
        "Sơ kết công tác vận động và quản lý viện trợ phi chính phủ nước ngoài 6 tháng đầu năm 2026" in text_of_report
    )
    html = m.get_body(("html",)).get_content()
    rows = [
        [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", r, re.S)]
        for r in re.findall(r"<tr[^>]*>(.*?)</tr>", html, re.S)
    ]
    cells = [c for r in rows for c in r]
    assert {"Không hợp lệ", "Chưa nộp", "Hợp lệ", "Invalid", "Missing", "Valid"} <= set(cells)
    assert "Hợp lệ / Valid" not in cells  # each language block in its own words
    missing = next(r for r in rows if "Chưa nộp" in r)
    assert missing == ["An Giang", "Chưa nộp", "—", "—"]  # a province with no file shows a dash, not 0
    assert all(len(r) <= 4 for r in rows) and "Cả cụm" in cells and "Cluster" in cells
    text = m.get_body(("plain",)).get_content()
    assert "Số liệu của Vĩnh Long còn lỗi." in text
    with Ledger.for_control(control) as ledger:
        assert [r.outcome for r in ledger.messages("report")] == ["sent", "sent", "sent"]


def test_dry_run_and_bad_period(tmp_path):
    control = make_cluster(tmp_path, provinces=("92",))
    drop(control, "ct.xlsx", "92", date(2026, 7, 10))
    result = invoke("send-report", "--control", control, "--period", "2026-H1", "--dry-run")
    assert result.exit_code == 0, result.output
    [eml] = (control.parent / "ket-qua" / "outbox").iterdir()
    assert "_report_2026-H1_cum_" in eml.name
    bad = invoke("send-report", "--control", control, "--period", "H1-2026")
    assert bad.exit_code == 2 and "H1-2026" in bad.output


def test_an_unreadable_file_is_named_and_the_report_still_goes(tmp_path):
    with plain_server() as server:
        control = make_cluster(tmp_path, server, provinces=("86", "92"))
        drop(control, "ct.xlsx", "92", date(2026, 7, 10))
        (control.parent / "nop" / "vl-hong.xlsx").write_bytes(b"PK\x03\x04 cut off in transit")
        result = invoke("send-report", "--control", control, "--period", "2026-H1", "--now", "2026-07-20")
        assert result.exit_code == 0, result.output
        [got] = server.messages
    assert "vl-hong.xlsx" in result.output
    assert "vl-hong.xlsx" in got.message.get_body(("plain",)).get_content()
