"""aidkit remind (CliRunner on toolkit.cli.cli)."""

from __future__ import annotations

import json
from datetime import date

import pytest
from click.testing import CliRunner

from cluster import drop, make_cluster, merge_over, parse
from smtp_server import PASSWORD, make_ca, plain_server, starttls_server
from toolkit.cli import cli
from toolkit.ledger import Ledger


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture(scope="module")
def ca(tmp_path_factory):
    return make_ca(tmp_path_factory.mktemp("ca"))


def test_dry_run_lists_the_eml_files_and_sends_nothing(tmp_path):
    with plain_server() as server:
        control = make_cluster(tmp_path, server, provinces=("86", "91", "92"))
        drop(control, "vl.xlsx", "86", date(2026, 7, 10), defects=("missing-value",))
        drop(control, "ct.xlsx", "92", date(2026, 7, 10))
        result = invoke("remind", "--control", control, "--now", "16/07/2026", "--dry-run")
        assert result.exit_code == 0, result.output
        assert server.messages == []
    lines = result.output.splitlines()
    assert lines[0] == "aidkit remind · 16/07/2026 00:00 · chạy thử, không gửi thư / dry run, nothing sent"
    assert lines[-1] == "chạy thử (.eml) / dry run (.eml): 2"
    outbox = control.parent / "ket-qua" / "outbox"
    names = sorted(p.name for p in outbox.iterdir())
    assert names == ["2026-07-16_reminder_after_2026-H1_86.eml", "2026-07-16_reminder_after_2026-H1_91.eml"]
    assert all(str(outbox / n) in result.output for n in names)
    eml = parse((outbox / names[0]).read_bytes())
    assert eml["Subject"] == (
        "Quá hạn: báo cáo kỳ 2026-H1 của Vĩnh Long vẫn chưa hợp lệ (quá hạn 1 ngày) / "
        "Overdue: 2026-H1 report still has errors (1 day late)"
    )


def test_sends_once_a_day_and_reports_in_json(tmp_path):
    with plain_server() as server:
        control = make_cluster(tmp_path, server, provinces=("91", "92"))
        first = invoke("remind", "--control", control, "--now", "2026-07-08", "--format", "json")
        second = invoke("remind", "--control", control, "--now", "2026-07-08", "--format", "json")
        nothing = invoke("remind", "--control", control, "--now", "2026-07-09")
        assert len(server.messages) == 2
    assert first.exit_code == second.exit_code == nothing.exit_code == 0
    sent = json.loads(first.output)
    assert [(m["kind"], m["province"], m["outcome"]) for m in sent["messages"]] == [
        ("reminder_before", "91", "sent"),
        ("reminder_before", "92", "sent"),
    ]
    assert sent["counts"]["sent"] == 2
    assert {m["message_id"] for m in sent["messages"]} == {m.message["Message-ID"] for m in server.messages}
    again = json.loads(second.output)
    assert [m["outcome"] for m in again["messages"]] == ["skipped", "skipped"]
    assert "Không có thư nào cần gửi hôm nay / no message is due today." in nothing.output


def test_a_refused_message_exits_1(tmp_path):
    with plain_server() as server:
        control = make_cluster(tmp_path, server, provinces=("91",))
        server.handler.refuse_recipient("lhh.angiang@example.vn")
        server.handler.refuse_recipient("vanphong.angiang@example.vn")
        result = invoke("remind", "--control", control, "--now", "2026-07-16")
    assert result.exit_code == 1
    assert "✘ bị từ chối / refused · thư nhắc quá hạn / overdue reminder · 91" in result.output
    assert "550" in result.output


def test_an_untrusted_server_certificate_exits_2_and_sends_nothing(tmp_path, ca, monkeypatch):
    monkeypatch.setenv("AIDKIT_SMTP_PASSWORD", PASSWORD)
    with starttls_server(ca) as server:
        control = make_cluster(tmp_path, server, ca, trusted=False, provinces=("91",))
        result = invoke("remind", "--control", control, "--now", "2026-07-16")
        assert server.messages == []
    assert result.exit_code == 2
    assert "Không xác minh được chứng chỉ" in result.output and "cannot verify the certificate" in result.output
    assert PASSWORD not in result.output
    with Ledger.for_control(control) as ledger:
        assert [m.outcome for m in ledger.messages()] == ["failed"]


def test_the_starttls_server_with_its_ca_receives_the_reminder(tmp_path, ca, monkeypatch):
    monkeypatch.setenv("AIDKIT_SMTP_PASSWORD", PASSWORD)
    with starttls_server(ca) as server:
        control = make_cluster(tmp_path, server, ca, provinces=("91",))
        result = invoke("remind", "--control", control, "--now", "2026-07-16")
        assert result.exit_code == 0, result.output
        [got] = server.messages
    assert got.authenticated and got.message["X-Aidkit-Kind"] == "reminder_after"
    assert PASSWORD not in result.output


def test_missing_smtp_server_setting_exits_2(tmp_path):
    control = make_cluster(tmp_path, provinces=("91",), may_chu_smtp="")
    result = invoke("remind", "--control", control, "--now", "2026-07-16")
    assert result.exit_code == 2 and "Máy chủ SMTP" in result.output and "SMTP server" in result.output
    assert invoke("remind", "--control", control, "--now", "2026-07-16", "--dry-run").exit_code == 0


def test_a_file_with_a_merged_cell_stops_no_reminder(tmp_path):
    from toolkit.sample import sample_workbook

    [(_, sheet, ref)] = sample_workbook(
        tmp_path / "probe.xlsx", "86", "2026-H1", needs=3, register=3, seed=1, defects=("missing-value",)
    ).planted
    with plain_server() as server:
        control = make_cluster(tmp_path / "cum", server, provinces=("82", "86", "91", "96"))
        merge_over(drop(control, "vl.xlsx", "86", date(2026, 7, 10), defects=("missing-value",)), sheet, ref)
        result = invoke("remind", "--control", control, "--now", "16/07/2026")
        assert result.exit_code == 0, result.output
        provinces = sorted(m.message["X-Aidkit-Province"] for m in server.messages)
    assert provinces == ["82", "86", "91", "96"]  # stopped after 3 of 4


def test_the_console_says_outcomes_and_kinds_in_vietnamese_with_english_beside(tmp_path):
    with plain_server() as server:
        control = make_cluster(tmp_path, server, provinces=("86", "92"))
        result = invoke("remind", "--control", control, "--now", "16/07/2026", "--dry-run")
    assert "✉ chạy thử (.eml) / dry run (.eml) · thư nhắc quá hạn / overdue reminder · 86 → " in result.output
    assert " reminder_after " not in result.output and " dry-run " not in result.output


def test_a_dry_run_without_a_sender_names_the_setting(tmp_path):
    control = make_cluster(
        tmp_path,
        None,
        provinces=("86",),
        may_chu_smtp="smtp.example.vn",
        cong=25,
        bao_mat="Không",
        tai_khoan_gui="",
        email_truong_cum="",
    )
    result = invoke("remind", "--control", control, "--now", "16/07/2026", "--dry-run")
    assert "Tài khoản gửi" in result.output and "from_addr" not in result.output
