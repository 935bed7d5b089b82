"""aidkit status (CliRunner on toolkit.cli.cli)."""

from __future__ import annotations

import json
from datetime import date

from click.testing import CliRunner

from cluster import PERIOD, drop, make_cluster
from toolkit.cli import cli
from toolkit.control import Deadline, Member, write_control
from toolkit.periods import Period


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_status_text_shows_every_member_with_the_standard_words(tmp_path):
    control = make_cluster(tmp_path, provinces=("86", "91", "92", "96"))
    drop(control, "92.xlsx", "92", date(2026, 7, 10))
    drop(control, "vl.xlsx", "86", date(2026, 7, 16), defects=("missing-value",))
    drop(control, "ca-mau.xlsx", "96", date(2026, 7, 16))
    result = invoke("status", "--control", control, "--now", "17/07/2026")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "Cụm thi đua số 5 — Đồng bằng sông Cửu Long · 17/07/2026"
    assert "Tệp mới nhận / newly received: 92.xlsx, ca-mau.xlsx, vl.xlsx" in lines
    assert "Kỳ 2026-H1 — hạn nộp / due 15/07/2026 (quá hạn 2 ngày / 2 days overdue)" in lines
    rows = {line.split()[0]: line for line in lines if line.startswith("  ") and line.split()[0].isdigit()}
    assert "Không hợp lệ / Invalid" in rows["86"] and "vl.xlsx  16/07/2026 06:00  1 lỗi/errors" in rows["86"]
    assert rows["91"].rstrip().endswith("An Giang   Chưa nộp / Missing")
    assert "Hợp lệ / Valid" in rows["92"] and "10/07/2026 06:00" in rows["92"]
    assert "Nộp muộn / Late" in rows["96"]
    assert lines[-1] == "  Tổng / Total: 1 Chưa nộp, 1 Không hợp lệ, 1 Hợp lệ, 1 Nộp muộn"


def test_status_json(tmp_path):
    control = make_cluster(tmp_path, provinces=("91", "92"))
    drop(control, "92.xlsx", "92", date(2026, 7, 10))
    result = invoke("status", "--control", control, "--period", PERIOD, "--now", "2026-07-12", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    [period] = data["periods"]
    assert (data["today"], period["period"], period["due"], period["days_to_due"]) == (
        "2026-07-12",
        PERIOD,
        "2026-07-15",
        3,
    )
    assert period["counts"] == {"missing": 1, "invalid": 0, "valid": 1, "late": 0}
    assert period["labels"]["missing"] == {"vi": "Chưa nộp", "en": "Missing"}
    assert [(p["province"], p["status"], p["file"]) for p in period["provinces"]] == [
        ("91", "Chưa nộp", None),
        ("92", "Hợp lệ", "92.xlsx"),
    ]
    assert [s["file"] for s in data["received"]] == ["92.xlsx"]
    again = json.loads(invoke("status", "--control", control, "--now", "2026-07-12", "--format", "json").output)
    assert again["received"] == []  # received once


def test_the_latest_file_counts(tmp_path):
    control = make_cluster(tmp_path, provinces=("92",))
    drop(control, "92-a.xlsx", "92", date(2026, 7, 1))
    drop(control, "92-b.xlsx", "92", date(2026, 7, 5), defects=("missing-value",))
    data = json.loads(invoke("status", "--control", control, "--now", "2026-07-06", "--format", "json").output)
    [p] = data["periods"][0]["provinces"]
    assert (p["status"], p["file"], p["versions"]) == ("Không hợp lệ", "92-b.xlsx", 2)


def test_members_are_taken_with_their_dates(tmp_path):
    """A province that left the cluster before the period ended is not expected; one that joined is."""
    members = [
        Member("91", "An Giang", "", "lhh.angiang@example.vn"),
        Member("92", "Cần Thơ", "", "lhh.cantho@example.vn", end=date(2026, 3, 31)),
        Member("96", "Cà Mau", "", "lhh.camau@example.vn", start=date(2026, 4, 1)),
    ]
    schedule = [Deadline(Period.parse("2025-H2"), date(2026, 1, 15)), Deadline(Period.parse(PERIOD), date(2026, 7, 15))]
    control = write_control(
        tmp_path / "c.xlsx",
        "Cụm 5",
        members,
        schedule,
        {"ten_cum": "Cụm 5", "thu_muc_nhan": "nop", "thu_muc_ket_qua": "kq"},
    )
    data = json.loads(invoke("status", "--control", control, "--now", "2026-07-01", "--format", "json").output)
    assert {p["period"]: [x["province"] for x in p["provinces"]] for p in data["periods"]} == {
        "2025-H2": ["91", "92"],
        PERIOD: ["91", "96"],
    }


def test_unknown_period_and_bad_date_exit_2_with_both_languages(tmp_path):
    control = make_cluster(tmp_path, provinces=("91",))
    result = invoke("status", "--control", control, "--period", "2025-H2")
    assert result.exit_code == 2
    assert 'Kỳ "2025-H2" không có trong trang Lịch nộp' in result.output
    assert 'Period "2025-H2" is not in the control workbook\'s Schedule sheet.' in result.output
    result = invoke("status", "--control", control, "--now", "07/17/2026")  # never mm/dd
    assert result.exit_code == 2 and 'Date "07/17/2026" is not valid' in result.output


def test_an_unusable_control_workbook_exits_2(tmp_path):
    bad = tmp_path / "c.xlsx"
    bad.write_bytes(b"not a workbook")
    result = invoke("status", "--control", bad)
    assert result.exit_code == 2 and "Excel" in result.output


def test_every_ledger_and_mail_command_has_help_with_an_example():
    for command in ("status", "remind", "acknowledge", "send-report", "schedule", "open-period"):
        result = invoke(command, "--help")
        assert result.exit_code == 0, command
        assert "Example: aidkit " + command in result.output
        assert "--control" in result.output
