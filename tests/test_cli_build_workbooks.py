import sys

from click.testing import CliRunner

from toolkit.cli import cli
from toolkit.excel.xlsm import read_buttons
from toolkit.sentences import render


def test_build_workbooks_writes_both_xlsm(tmp_path):
    result = CliRunner().invoke(cli, ["build-workbooks", "--out", str(tmp_path / "wb")])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        f"Đã tạo / written: {tmp_path / 'wb' / name}" for name in ("aidkit-tinh.xlsm", "aidkit-cum.xlsm")
    ]
    assert sorted(p.name for p in (tmp_path / "wb").iterdir()) == [
        ".aidkit-outputs.json",
        "aidkit-cum.xlsm",
        "aidkit-tinh.xlsm",
    ]  # and what aidkit wrote
    assert [caption for _, caption, _ in read_buttons(tmp_path / "wb" / "aidkit-cum.xlsm")] == [
        "Tổng hợp",
        "Tình trạng nộp",
        "Gửi nhắc nhở",
        "Nhận bài nộp",
        "Xuất danh mục kêu gọi tài trợ",
        "Báo cáo sơ kết",
        "Mở kỳ báo cáo",
        "Cài việc hằng ngày",
    ]


def test_without_pyopenvba_it_says_what_to_install_and_exits_2(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "pyopenvba", None)  # makes `import pyopenvba` fail
    result = CliRunner().invoke(cli, ["build-workbooks", "--out", str(tmp_path / "wb")])
    assert result.exit_code == 2
    assert result.output == (f"{render('build-tools-missing', 'vi', {})}\n{render('build-tools-missing', 'en', {})}\n")
    assert 'pip install "aidkit[build]"' in result.output
    assert not (tmp_path / "wb").exists()


def test_help_has_an_example():
    result = CliRunner().invoke(cli, ["build-workbooks", "--help"])
    assert result.exit_code == 0 and "Example: aidkit build-workbooks --out workbooks/" in result.output
