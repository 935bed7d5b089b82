import json

from click.testing import CliRunner

from toolkit.cli import cli
from toolkit.sample import sample_workbook


def test_valid_file_exits_0_with_bilingual_text(tmp_path):
    path = sample_workbook(tmp_path / "92.xlsx", "92", "2026-H1", seed=2).path
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert result.exit_code == 0, result.output
    assert "✔ Hợp lệ / Valid" in result.output and "(92, 2026-H1)" in result.output


def test_invalid_file_exits_1_and_lists_findings(tmp_path):
    path = sample_workbook(tmp_path / "92.xlsx", "92", "2026-H1", seed=2, defects=("ambiguous-number",)).path
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert result.exit_code == 1
    assert "[ambiguous-number]" in result.output and 'Number "47,272" is ambiguous' in result.output


def test_json_shape(tmp_path):
    path = sample_workbook(tmp_path / "92.xlsx", "92", "2026-H1", seed=2, defects=("invalid-choice",)).path
    result = CliRunner().invoke(cli, ["validate", "--format", "json", str(path)])
    [report] = json.loads(result.output)
    assert set(report) == {"file", "valid", "province", "period", "findings"}
    assert report["valid"] is False and report["province"] == "92" and report["period"] == "2026-H1"
    finding = next(f for f in report["findings"] if f["rule"] == "invalid-choice")
    assert set(finding) == {
        "severity",
        "rule",
        "sheet",
        "cell",
        "row",
        "column",
        "value",
        "message_vi",
        "message_en",
        "suggestion",
    }
    assert finding["value"] == "Đang triển khai" and finding["suggestion"] == "Đang thực hiện"


def test_annotate_several_files_into_a_folder(tmp_path):
    a = sample_workbook(tmp_path / "82.xlsx", "82", "2026-H1", seed=2).path
    b = sample_workbook(tmp_path / "86.xlsx", "86", "2026-H1", seed=2, defects=("missing-value",)).path
    result = CliRunner().invoke(cli, ["validate", str(a), str(b), "--annotate", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        ".aidkit-outputs.json",
        "82.kiem-tra.xlsx",
        "86.kiem-tra.xlsx",
    ]  # and their record


def test_approval_days_option(tmp_path):
    path = sample_workbook(tmp_path / "92.xlsx", "92", "2026-H1", seed=2).path
    strict = CliRunner().invoke(cli, ["validate", "--approval-days", "1", "--format", "json", str(path)])
    assert any(f["rule"] == "approval-slow" for f in json.loads(strict.output)[0]["findings"])


def test_usage_errors_are_explained_in_both_languages_with_exit_2(capsys):
    import pytest

    from toolkit.cli import main

    with pytest.raises(SystemExit) as exit_:
        main(["validate"])
    err = capsys.readouterr().err
    assert exit_.value.code == 2
    assert "Lệnh chưa đúng cách dùng" in err and "Incorrect usage" in err and "Traceback" not in err
