from click.testing import CliRunner
from openpyxl import load_workbook

from toolkit.cli import cli


def test_template_command_writes_the_workbook(tmp_path):
    out = tmp_path / "86_2026-H2.xlsx"
    result = CliRunner().invoke(
        cli,
        [
            "template",
            "--province",
            "86",
            "--period",
            "2026-H2",
            "-o",
            str(out),
            "--preparer",
            "Lê Văn Nam",
            "--email",
            "nam.le@example.vn",
        ],
    )
    assert result.exit_code == 0, result.output
    info = {r[0].value: r[1].value for r in load_workbook(out)["Thông tin"].iter_rows()}
    assert info["Tên tỉnh"] == "Vĩnh Long" and info["Người lập"] == "Lê Văn Nam"


def test_bad_period_and_province_exit_2(tmp_path):
    bad_period = CliRunner().invoke(cli, ["template", "-p", "92", "-k", "2026-Q1", "-o", str(tmp_path / "x.xlsx")])
    assert bad_period.exit_code == 2 and "2026-Q1" in bad_period.output
    bad_code = CliRunner().invoke(cli, ["template", "-p", "95", "-k", "2026-H1", "-o", str(tmp_path / "y.xlsx")])
    assert bad_code.exit_code == 2 and "95" in bad_code.output
    assert not (tmp_path / "x.xlsx").exists() and not (tmp_path / "y.xlsx").exists()


def test_a_province_name_is_taken_for_its_code(tmp_path):
    for given in ("Cần Thơ", "TP. Can Tho"):
        out = tmp_path / f"{given}.xlsx"
        result = CliRunner().invoke(cli, ["template", "--province", given, "--period", "2026-H1", "-o", str(out)])
        assert result.exit_code == 0, result.output  # was: "Mã tỉnh Cần Thơ không có trong danh mục"
        info = {r[0].value: r[1].value for r in load_workbook(out)["Thông tin"].iter_rows()}
        assert info["Mã tỉnh"] == "92" and info["Tên tỉnh"] == "Cần Thơ"
    unknown = CliRunner().invoke(cli, ["template", "-p", "Sài Gòn", "-k", "2026-H1", "-o", str(tmp_path / "z.xlsx")])
    assert unknown.exit_code == 2 and "--province cần mã tỉnh, ví dụ 92 (Cần Thơ)" in unknown.output
