"""The daily job: `aidkit collect`, `aidkit acknowledge` then `aidkit remind`, by cron or the Task Scheduler.

Lịch chạy hằng ngày: nhận bài nộp từ hộp thư, xác nhận đã nhận, rồi nhắc nộp báo cáo.

``collect`` is followed by ``;`` (cmd: ``&``), not ``&&``: a mailbox that cannot be reached is
reported (in the job's log, and once per outage to the cluster lead) and the receipts and reminders
still go out.

* Elsewhere than Windows: one crontab line, marked with a trailing
  ``# aidkit: <control workbook>`` comment so that installing again replaces
  the line instead of adding a second one (idempotent).
* Windows: a small ``aidkit-hang-ngay.cmd`` beside the control workbook (the
  Task Scheduler's /TR is limited to 261 characters, which two full paths to
  aidkit and the workbook easily exceed) and a ``schtasks /Create /F`` that
  runs it daily (``/F`` replaces a task of the same name). The ``.cmd`` is
  written whether or not ``install`` is asked, so that the printed
  ``schtasks`` command works as printed.

The job's output is appended to ``aidkit-job.log`` beside the control workbook.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from .errors import AidkitError

MARKER = "# aidkit:"
LOG_NAME = "aidkit-job.log"
WINDOWS_SCRIPT = "aidkit-hang-ngay.cmd"
SCRIPT_KIND = "daily-job-script"  # its kind in the outputs record (toolkit/outputs.py)
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


class SchedulingError(AidkitError, RuntimeError):
    """The job could not be installed (no crontab or schtasks, or it failed)."""


class BadTime(AidkitError, ValueError):
    """The time of day is not HH:MM."""


@dataclass
class ScheduleResult:
    """The daily job for one control workbook, as text to install by hand or as installed."""

    system: str  # "unix" | "windows"
    at: str
    control: str
    command: str  # the crontab line, or the schtasks command
    script: str = ""  # Windows: the .cmd file the task runs
    script_text: str = ""
    installed: bool = False
    changed: bool = False  # the installation changed something (False: it was already there)

    def to_dict(self) -> dict[str, Any]:
        return {
            "system": self.system,
            "at": self.at,
            "control": self.control,
            "command": self.command,
            "script": self.script,
            "script_text": self.script_text,
            "installed": self.installed,
            "changed": self.changed,
        }

    def to_text(self) -> str:
        lines = []
        if self.system == "windows":
            lines += [
                f"Tệp lệnh (đã ghi) / script file (written): {self.script}",
                self.script_text.rstrip("\r\n"),
                "",
                "Lệnh tạo tác vụ hằng ngày / command that creates the daily task:",
                self.command,
            ]
        else:
            lines += ["Dòng crontab / crontab line:", self.command]
        if self.installed:
            lines.append(
                "Đã cài đặt / installed." if self.changed else "Đã có sẵn, không đổi / already installed, unchanged."
            )
        else:
            lines.append("Chưa cài: chạy lại với --install / not installed: run again with --install.")
        return "\n".join(lines)


def aidkit_command() -> list[str]:
    """How to start aidkit from a scheduler: the `aidkit` script beside this Python, else `python -m toolkit`."""
    folder = Path(sys.executable).parent
    for name in ("aidkit.exe", "aidkit") if os.name == "nt" else ("aidkit",):
        if (folder / name).exists():
            return [str(folder / name)]
    found = shutil.which("aidkit")
    return [found] if found else [sys.executable, "-m", "toolkit"]


def cron_line(control: Path, at: str, aidkit: list[str]) -> str:
    found = _TIME.match(at)
    if not found:
        raise BadTime.of("schedule-time-invalid", at=at)
    hour, minute = found.groups()
    exe = " ".join(shlex.quote(a) for a in aidkit)
    target = shlex.quote(str(control))
    log = shlex.quote(str(control.parent / LOG_NAME))
    job = (
        f"cd {shlex.quote(str(control.parent))} && {{ {exe} collect --control {target}; "
        f"{exe} acknowledge --control {target} && {exe} remind --control {target}; }} >> {log} 2>&1"
    )
    line = f"{int(minute)} {int(hour)} * * * {job} {MARKER} {control}"
    return line.replace("%", "\\%")  # cron turns a bare % into a newline


def windows_script(control: Path, aidkit: list[str]) -> str:
    def q(text: str) -> str:
        return '"' + text.replace("%", "%%") + '"'

    exe = " ".join(q(a) for a in aidkit)
    target = q(str(control))
    return "\r\n".join(
        [
            "@echo off",
            "chcp 65001 >nul",  # the paths below are UTF-8 (Vietnamese folder names)
            "set PYTHONUTF8=1",  # the log is written in UTF-8, not in the ANSI code page (cp1258 has no "ụ")
            f"rem aidkit: viec hang ngay / daily job for {str(control).replace('%', '%%')}",
            f"cd /d {q(str(control.parent))}",
            f"({exe} collect --control {target} & {exe} acknowledge --control {target} && "
            f"{exe} remind --control {target}) >> "
            f"{q(str(control.parent / LOG_NAME))} 2>&1",
            "",
        ]
    )


def task_name(control: Path) -> str:
    return "aidkit " + (re.sub(r'[\\/:*?"<>|]+', "-", control.stem).strip() or "control")


def schedule(
    control: str | os.PathLike,
    *,
    install: bool = False,
    at: str = "07:00",
    system: str | None = None,
    aidkit: list[str] | None = None,
    run: Callable[..., subprocess.CompletedProcess] = subprocess.run,
) -> ScheduleResult:
    """Give (and with `install` install) the daily job for a control workbook.

    :param at: the time of day, HH:MM.
    :param system: "windows" or "unix" (default: this computer's).
    :param aidkit: the command that starts aidkit (default: aidkit_command()).
    :param run: subprocess.run, or a stand-in for tests.
    :raises BadTime: for a time that is not HH:MM.
    :raises SchedulingError: if installing fails.
    """
    found = _TIME.match(at or "")
    if not found:
        raise BadTime.of("schedule-time-invalid", at=at)
    hour, minute = (int(x) for x in found.groups())
    at = f"{hour:02d}:{minute:02d}"
    control = Path(control).resolve()
    system = system or ("windows" if os.name == "nt" else "unix")
    aidkit = aidkit or aidkit_command()
    if system == "windows":
        script = control.parent / WINDOWS_SCRIPT
        # schtasks takes a quoted path inside /TR as \"…\" (its documented form); the command is run
        # as this exact string so that no second layer of quoting is added.
        command = f'schtasks /Create /F /SC DAILY /ST {at} /TN "{task_name(control)}" /TR "\\"{script}\\""'
        result = ScheduleResult(system, at, str(control), command, str(script), windows_script(control, aidkit))
        result.changed = _write_script(result)
        if install:
            _install_windows(result, run)
        return result
    result = ScheduleResult(system, at, str(control), cron_line(control, at, aidkit))
    if install:
        _install_cron(result, run)
    return result


def _call(run, argv: list[str] | str, **kwargs) -> subprocess.CompletedProcess:
    name = argv.split()[0] if isinstance(argv, str) else argv[0]
    try:
        return run(argv, capture_output=True, text=True, **kwargs)
    except FileNotFoundError:
        raise SchedulingError.of("schedule-command-missing", name=name) from None


def _install_cron(result: ScheduleResult, run) -> None:
    listed = _call(run, ["crontab", "-l"])
    if listed.returncode != 0 and "no crontab" not in (listed.stderr or "").lower():
        raise SchedulingError.of("schedule-crontab-unreadable", detail=listed.stderr.strip())
    current = listed.stdout if listed.returncode == 0 else ""
    marker = f"{MARKER} {result.control}".replace("%", "\\%")
    kept = [line for line in current.splitlines() if not line.rstrip().endswith(marker)]
    wanted = kept + [result.command]
    result.installed = True
    if current.splitlines() == wanted:
        return
    written = _call(run, ["crontab", "-"], input="\n".join(wanted) + "\n")
    if written.returncode != 0:
        raise SchedulingError.of("schedule-crontab-unwritable", detail=written.stderr.strip())
    result.changed = True


def _write_script(result: ScheduleResult) -> bool:
    """Write the .cmd the task runs (when it differs); True if it was written.

    :raises findings.Refusal: when the file there is not the script aidkit wrote, unchanged (a person's).
    """
    from .atomic import write_bytes
    from .outputs import check_output, record_output

    script = Path(result.script)
    data = result.script_text.encode("utf-8")
    if script.exists() and script.read_bytes() == data:
        return False
    write_bytes(check_output(script, SCRIPT_KIND, (".cmd",)), data)
    record_output(script, SCRIPT_KIND)
    return True


def _install_windows(result: ScheduleResult, run) -> None:
    done = _call(run, result.command)
    if done.returncode != 0:
        raise SchedulingError.of("schedule-schtasks-failed", detail=(done.stderr or done.stdout).strip())
    result.installed = True
    result.changed = True  # schtasks /F always (re)writes the task
