"""aidkit catalogue: exit codes and what the user reads."""

import json

from click.testing import CliRunner

from toolkit.cli import cli
from toolkit.sample import sample_workbook


def test_writes_the_page_and_the_bulletin_and_says_where(tmp_path):
    sample_workbook(tmp_path / "nop" / "92.xlsx", "92", "2026-H1", needs=8, seed=3)
    result = CliRunner().invoke(cli, ["catalogue", str(tmp_path / "nop"), "-o", str(tmp_path / "dm")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "dm" / "index.html").is_file() and (tmp_path / "dm" / "ban-tin.pdf").is_file()
    assert f"Trang web / web page: {tmp_path / 'dm' / 'index.html'}" in result.output


def test_json_and_exit_1_when_a_file_could_not_be_read(tmp_path):
    sample_workbook(tmp_path / "nop" / "92.xlsx", "92", "2026-H1", needs=8, seed=3)
    (tmp_path / "nop" / "hong.xlsx").write_bytes(b"garbage")
    result = CliRunner().invoke(
        cli, ["catalogue", str(tmp_path / "nop"), "-o", str(tmp_path / "dm"), "--format", "json"]
    )
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data["provinces"] == ["92"] and data["refused"][0]["file"] == "hong.xlsx"


def test_bad_usage_is_a_bilingual_sentence_and_exit_2(tmp_path):
    result = CliRunner().invoke(cli, ["catalogue", str(tmp_path), "-o", str(tmp_path / "dm"), "--period", "H1"])
    assert result.exit_code == 2
    assert 'Kỳ báo cáo "H1" không đúng dạng' in result.output and 'Period "H1" is not of the form' in result.output
    result = CliRunner().invoke(cli, ["catalogue", "-o", str(tmp_path / "dm")])
    assert result.exit_code == 2 and "--control" in result.output
