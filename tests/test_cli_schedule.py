"""aidkit schedule: the printed job, and installing it into a fake crontab (never the real one)."""

from __future__ import annotations

import subprocess

import pytest
from click.testing import CliRunner

from cluster import make_cluster
from toolkit.cli import cli
from toolkit.schedule import SchedulingError, schedule


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_prints_the_crontab_line(tmp_path):
    control = make_cluster(tmp_path / "Cụm 5 100%")
    result = invoke("schedule", "--control", control, "--system", "unix", "--at", "6:30")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "Dòng crontab / crontab line:"
    line = lines[1]
    folder = str(control.parent).replace("%", "\\%")
    assert line.startswith(f"30 6 * * * cd '{folder}' && {{ ")
    assert " collect --control " in line and " acknowledge --control " in line and " remind --control " in line
    assert line.index(" collect ") < line.index("; ", line.index(" collect ")) < line.index(" acknowledge ")
    assert line.index(" acknowledge ") < line.index(" && ", line.index(" acknowledge ")) < line.index(" remind ")
    assert f">> '{folder}/aidkit-job.log' 2>&1 # aidkit: {folder}/dieu-hanh.xlsx" in line
    assert "100%" not in line  # cron would read a bare % as a line break
    assert lines[-1] == "Chưa cài: chạy lại với --install / not installed: run again with --install."


def test_install_is_idempotent_and_keeps_other_lines(tmp_path, crontab):
    crontab.write_text("MAILTO=lead@example.vn\n15 2 * * * /usr/bin/backup\n")
    control = make_cluster(tmp_path)
    first = invoke("schedule", "--control", control, "--install", "--system", "unix")
    assert first.exit_code == 0, first.output
    assert "Đã cài đặt / installed." in first.output
    table = crontab.read_text().splitlines()
    assert table[:2] == ["MAILTO=lead@example.vn", "15 2 * * * /usr/bin/backup"]
    assert len(table) == 3 and table[2].startswith("0 7 * * * ") and table[2].endswith(str(control.resolve()))

    again = invoke("schedule", "--control", control, "--install", "--system", "unix")
    assert "already installed, unchanged" in again.output
    assert crontab.read_text().splitlines() == table

    moved = invoke("schedule", "--control", control, "--install", "--system", "unix", "--at", "18:05")
    assert moved.exit_code == 0
    table = crontab.read_text().splitlines()
    assert len(table) == 3 and table[2].startswith("5 18 * * * ")


def test_install_into_an_empty_crontab(tmp_path, crontab):
    control = make_cluster(tmp_path)
    assert not crontab.exists()
    assert invoke("schedule", "--control", control, "--install", "--system", "unix").exit_code == 0
    assert len(crontab.read_text().splitlines()) == 1


def test_the_printed_job_really_runs(tmp_path):
    """The crontab line is a working /bin/sh command: run it (with a stand-in aidkit whose collect fails,
    as when the mailbox cannot be reached: the receipts and reminders still go out)."""
    control = make_cluster(tmp_path / "thư mục có dấu")
    fake = tmp_path / "fake-aidkit"
    fake.write_text('#!/bin/sh\necho "$1 $2 $3" >> calls.txt\n[ "$1" != collect ] || exit 2\n')
    fake.chmod(0o755)
    line = schedule(control, system="unix", aidkit=[str(fake)]).command
    command = line.split(" * * * ", 1)[1].replace("\\%", "%")
    subprocess.run(["/bin/sh", "-c", command], check=True)
    calls = (control.parent / "calls.txt").read_text().splitlines()
    assert calls == [
        f"collect --control {control.resolve()}",
        f"acknowledge --control {control.resolve()}",
        f"remind --control {control.resolve()}",
    ]


def test_windows_task_and_script(tmp_path):
    control = make_cluster(tmp_path / "Cum 5")
    calls = []

    def run(command, **kwargs):
        calls.append(command)
        return subprocess.CompletedProcess(command, 0, "SUCCESS", "")

    result = schedule(
        control, system="windows", install=True, at="07:30", run=run, aidkit=[r"C:\Program Files\aidkit\aidkit.exe"]
    )
    script = control.parent / "aidkit-hang-ngay.cmd"
    assert result.installed and script.read_bytes() == result.script_text.encode()
    assert calls == [f'schtasks /Create /F /SC DAILY /ST 07:30 /TN "aidkit dieu-hanh" /TR "\\"{script}\\""']
    lines = result.script_text.split("\r\n")
    assert lines[:3] == ["@echo off", "chcp 65001 >nul", "set PYTHONUTF8=1"]
    assert lines[5] == (
        f'("C:\\Program Files\\aidkit\\aidkit.exe" collect --control "{control.resolve()}" & '
        f'"C:\\Program Files\\aidkit\\aidkit.exe" acknowledge --control "{control.resolve()}" && '
        f'"C:\\Program Files\\aidkit\\aidkit.exe" remind --control "{control.resolve()}") >> '
        f'"{control.parent.resolve() / "aidkit-job.log"}" 2>&1'
    )
    printed = invoke("schedule", "--control", control, "--system", "windows")
    assert "schtasks /Create /F /SC DAILY /ST 07:00" in printed.output and "@echo off" in printed.output


def test_failures_are_explained(tmp_path):
    control = make_cluster(tmp_path)

    def missing(command, **kwargs):
        raise FileNotFoundError(command)

    with pytest.raises(SchedulingError) as err:
        schedule(control, system="unix", install=True, run=missing)
    assert "crontab" in err.value.vi and "not found" in err.value.en
    result = invoke("schedule", "--control", control, "--at", "25:00")
    assert result.exit_code == 2 and "HH:MM" in result.output


def test_its_own_script_is_replaced_and_one_a_person_edited_never_is(tmp_path):
    control = make_cluster(tmp_path / "Cum 5")
    script = control.parent / "aidkit-hang-ngay.cmd"
    assert invoke("schedule", "--control", control, "--system", "windows").exit_code == 0
    renamed = control.rename(control.with_name("dieu-hanh-moi.xlsx"))  # the script names the workbook
    again = invoke("schedule", "--control", renamed, "--system", "windows")
    assert again.exit_code == 0 and "dieu-hanh-moi.xlsx" in script.read_text(encoding="utf-8"), again.output
    script.write_text(script.read_text(encoding="utf-8") + "rem sửa tay: sao lưu\r\n", encoding="utf-8")
    before = script.read_bytes()
    back = renamed.rename(control)
    refused = invoke("schedule", "--control", back, "--system", "windows")
    assert refused.exit_code == 2 and "Traceback" not in refused.output, refused.output
    assert "aidkit-hang-ngay.cmd" in refused.output and "Will not" in refused.output, refused.output
    assert script.read_bytes() == before
