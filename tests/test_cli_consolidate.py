"""`aidkit consolidate`: parse, call `consolidate`, render, exit."""

from __future__ import annotations

import json
import os
import types
from datetime import datetime

from click.testing import CliRunner
from openpyxl import load_workbook

from toolkit import cli as cli_module
from toolkit.cli import cli
from toolkit.sample import sample_control, sample_workbook


def _at(path, day: datetime):
    os.utime(path, (day.timestamp(), day.timestamp()))
    return path


def folder(tmp_path, *, invalid: bool = False, damaged: bool = False):
    inbox = tmp_path / "nop"
    inbox.mkdir(parents=True, exist_ok=True)
    _at(sample_workbook(inbox / "82.xlsx", "82", "2026-H1", needs=3, register=4, seed=1).path, datetime(2026, 7, 10))
    defects = ("ambiguous-number",) if invalid else ()
    _at(
        sample_workbook(inbox / "86.xlsx", "86", "2026-H1", needs=3, register=4, seed=2, defects=defects).path,
        datetime(2026, 7, 11),
    )
    if damaged:
        (inbox / "hong.xlsx").write_bytes(b"PK\x03\x04 truncated")
    return inbox


def test_clean_cluster_exits_0_with_a_bilingual_summary(tmp_path):
    inbox = folder(tmp_path)
    out = tmp_path / "tong-hop.xlsx"
    result = CliRunner().invoke(cli, ["consolidate", str(inbox), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert f"Tổng hợp / Consolidated: {out}" in result.output
    assert "2 tệp / files: 2 được tính / counted, 0 bị thay thế / superseded, 0 bị từ chối / refused" in result.output
    assert "82 Đồng Tháp" in result.output and "Hợp lệ / Valid" in result.output
    assert load_workbook(out).sheetnames[0] == "Tổng quan"
    import json
    import re

    data = json.loads(
        CliRunner().invoke(cli, ["consolidate", str(inbox), "-o", str(tmp_path / "b.xlsx"), "--format", "json"]).output
    )
    requested = round(data["provinces"][0]["usd_requested"])
    assert requested >= 1000 and f"{requested:,}".replace(",", ".") in result.output  # 3.790.440, as Vietnamese reads
    assert not re.search(r"\d,\d{3}\b", result.output)  # never 3,790,440 under Vietnamese headings


def test_invalid_or_refused_file_exits_1_and_is_listed(tmp_path):
    inbox = folder(tmp_path, invalid=True, damaged=True)
    result = CliRunner().invoke(cli, ["consolidate", str(inbox), "-o", str(tmp_path / "x.xlsx")])
    assert result.exit_code == 1, result.output
    assert "Không hợp lệ / Invalid" in result.output
    assert "✘ hong.xlsx" in result.output and "is damaged or truncated" in result.output


def test_json_is_the_overview_as_data(tmp_path):
    inbox = folder(tmp_path, invalid=True)
    control = sample_control(tmp_path / "dieu-hanh.xlsx", ("2026-H1",), ("82", "86", "96"))
    out = tmp_path / "x.xlsx"
    result = CliRunner().invoke(
        cli,
        [
            "consolidate",
            str(inbox),
            "-o",
            str(out),
            "--control",
            str(control),
            "--period",
            "2026-H1",
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 1
    data = json.loads(result.output)  # nothing but JSON on stdout: no progress bar, no text
    assert data["output"] == str(out) and data["period"] == "2026-H1"
    assert [(p["province_code"], p["original_code"], p["status"]) for p in data["provinces"]] == [
        ("82", "82", "valid"),
        ("86", "86", "invalid"),
        ("96", "96", "missing"),
    ]
    assert data["provinces"][0]["due_date"] == "2026-07-15"
    assert {"needs", "register", "usd_requested", "usd_approved", "usd_disbursed"} <= set(data["provinces"][0])
    assert data["totals"][0]["missing"] == 1


def test_control_alone_gives_source_and_output(tmp_path):
    control = sample_control(tmp_path / "dieu-hanh.xlsx", ("2026-H1",), ("82", "86"))
    folder(tmp_path)  # tmp_path/nop is the control workbook's "Thư mục nhận"
    result = CliRunner().invoke(cli, ["consolidate", "--control", str(control), "--period", "2026-H1"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "ket-qua" / "tong-hop_2026-H1.xlsx").exists()


def test_previous_gives_a_changes_line(tmp_path):
    inbox = folder(tmp_path)
    first, second = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    assert CliRunner().invoke(cli, ["consolidate", str(inbox), "-o", str(first)]).exit_code == 0
    result = CliRunner().invoke(cli, ["consolidate", str(inbox), "-o", str(second), "--previous", str(first)])
    assert result.exit_code == 0, result.output
    assert "changes since the previous consolidation: +0 mới/new, −0 xóa/removed, ~0 sửa/changed" in result.output
    assert "Thay đổi" in load_workbook(second).sheetnames


def test_usage_errors_exit_2_in_both_languages(tmp_path):
    runner = CliRunner()
    missing = runner.invoke(cli, ["consolidate", str(tmp_path / "khong-co"), "-o", str(tmp_path / "x.xlsx")])
    assert missing.exit_code == 2
    assert "Không tìm thấy thư mục" in missing.output and "was not found" in missing.output
    inbox = folder(tmp_path)
    period = runner.invoke(cli, ["consolidate", str(inbox), "-o", str(tmp_path / "x.xlsx"), "--period", "2026-Q1"])
    assert period.exit_code == 2 and "is not of the form 2026-H1" in period.output
    no_output = runner.invoke(cli, ["consolidate", str(inbox)])
    assert no_output.exit_code == 2 and "An output file (-o) is needed" in no_output.output
    not_ours = runner.invoke(
        cli, ["consolidate", str(inbox), "-o", str(tmp_path / "x.xlsx"), "--previous", str(inbox / "82.xlsx")]
    )
    assert not_ours.exit_code == 2 and "not a workbook written by aidkit consolidate" in not_ours.output


def test_progress_bar_only_on_a_terminal_and_never_for_json(tmp_path, monkeypatch):
    inbox = folder(tmp_path)
    calls = []

    class Bar:
        def __enter__(self):
            calls.append("bar")
            return lambda done, total, name: calls.append((done, total))

        def __exit__(self, *exc):
            return False

    terminal = types.SimpleNamespace(stderr=types.SimpleNamespace(isatty=lambda: True), exit=cli_module.sys.exit)
    monkeypatch.setattr(cli_module, "sys", terminal)
    monkeypatch.setattr(cli_module, "_progress_bar", Bar)
    out = str(tmp_path / "x.xlsx")
    as_json = CliRunner().invoke(cli, ["consolidate", str(inbox), "-o", out, "--format", "json"])
    assert as_json.exit_code == 0 and calls == []
    as_text = CliRunner().invoke(cli, ["consolidate", str(inbox), "-o", out])
    assert as_text.exit_code == 0 and calls == ["bar", (1, 2), (2, 2)]


def test_real_progress_bar_runs(tmp_path):
    """The rich bar itself (no refresh thread) reports without error."""
    with cli_module._progress_bar() as progress:
        progress(1, 2, "82.xlsx")
        progress(2, 2, "86.xlsx")


def test_help_has_an_example():
    result = CliRunner().invoke(cli, ["consolidate", "--help"])
    assert result.exit_code == 0
    assert "Example: aidkit consolidate" in result.output and "--previous" in result.output
