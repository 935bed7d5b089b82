"""One job context: a mail job (and aidkit report) reads the control workbook once and hands it, with its
ledger, cluster and result, to each of its steps (job.Job); no function of toolkit/ takes more than 6
positional parameters."""

import ast
from datetime import date
from pathlib import Path

import pytest

from cluster import PERIOD, at, drop, make_cluster
from toolkit import control as control_module
from toolkit.mail.acknowledge import acknowledge
from toolkit.mail.open_period import open_period
from toolkit.mail.remind import remind
from toolkit.mail.send_report import send_report
from toolkit.report import report

TOOLKIT = Path(__file__).resolve().parents[1] / "toolkit"
JOBS = {
    "remind": lambda control: remind(control, at(date(2026, 7, 14)), dry_run=True),
    "acknowledge": lambda control: acknowledge(control, at(date(2026, 7, 14)), dry_run=True),
    "send-report": lambda control: send_report(control, PERIOD, at(date(2026, 7, 20)), dry_run=True),
    "open-period": lambda control: open_period(control, PERIOD, at(date(2026, 7, 1)), dry_run=True),
    "report": lambda control: report(control, PERIOD, now=at(date(2026, 7, 20))),
}


def test_no_function_takes_more_than_six_positional_parameters():
    too_many = []
    for path in sorted(TOOLKIT.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                names = [a.arg for a in node.args.posonlyargs + node.args.args if a.arg not in ("self", "cls")]
                if len(names) > 6:
                    too_many.append(f"{path.relative_to(TOOLKIT)}:{node.name} ({len(names)})")
    assert too_many == []


@pytest.mark.parametrize("job", sorted(JOBS))
def test_a_mail_job_reads_the_control_workbook_once(tmp_path, monkeypatch, job):
    control = make_cluster(tmp_path / "cum")
    drop(control, "92.xlsx", "92", date(2026, 7, 10))
    drop(control, "86.xlsx", "86", date(2026, 7, 11), defects=("missing-value",))
    reads = []
    real = control_module.read_control

    def counted(path):  # the real reading, counted
        reads.append(Path(path))
        return real(path)

    monkeypatch.setattr(control_module, "read_control", counted)
    result = JOBS[job](control)
    assert reads == [control]
    assert result.deliveries if job != "report" else result.output.is_file()  # the work, on what it read once
