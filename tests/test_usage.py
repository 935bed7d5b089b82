"""click's usage errors get a Vietnamese sentence chosen by exception class and parameter type."""

import pytest

from toolkit.cli import main


def usage(capsys, *args) -> str:
    with pytest.raises(SystemExit) as exit_:
        main([str(a) for a in args])
    assert exit_.value.code == 2
    return capsys.readouterr().err


@pytest.mark.parametrize(
    ("args", "vi", "en"),
    [
        (["template", "-p", "92"], "Thiếu tùy chọn '-o' / '--output'.", "Missing option"),
        (["validate"], "Thiếu đối số 'FILES...'.", "Missing argument"),
        (["validate", "--format", "xml", "x.xlsx"], "phải là một trong các giá trị text, json.", "is not one of"),
        (["validate", "--approval-days", "0", "x.xlsx"], "0 nằm ngoài khoảng cho phép (từ 1).", "not in the range"),
        (["validate", "--approval-days", "abc", "x.xlsx"], '"abc" không phải là số nguyên.', "not a valid integer"),
        (["validate", "--no-such", "x.xlsx"], "Không có tùy chọn --no-such.", "No such option"),
        (["validata", "x.xlsx"], "Không có lệnh 'validata'.", "No such command"),
        (["validate", "x.xlsx", "--format"], "Tùy chọn --format cần một giá trị.", "requires an argument"),
        (["build-workbooks", "--out"], "Tùy chọn --out cần một giá trị.", "requires an argument"),
        (
            ["validate", "--annotate=", "--approval-days=5", "x.xlsx", "--debug=1"],
            "Không có tùy chọn --debug.",
            "No such option",
        ),
        (["schedule", "--install=yes"], "Tùy chọn --install không nhận giá trị.", "does not take a value"),
    ],
)
def test_each_usage_error_gets_its_sentence(capsys, args, vi, en):
    err = usage(capsys, *args)
    assert "Lệnh chưa đúng cách dùng" in err and vi in err and en in err


def test_paths_are_told_missing_or_of_the_wrong_kind(capsys, tmp_path):
    missing = tmp_path / "khong-co.xlsm"
    err = usage(capsys, "consolidate", "--control", missing, tmp_path)
    assert f'không tìm thấy "{missing}".' in err and "does not exist" in err
    err = usage(capsys, "consolidate", "--control", tmp_path, tmp_path)
    assert f'"{tmp_path}" là một thư mục, không phải một tệp.' in err and "is a directory" in err


def test_extra_arguments_and_a_missing_command(capsys):
    assert "Thừa đối số" in usage(capsys, "build-workbooks", "extra")
    assert "Thiếu tên lệnh" in usage(capsys, "--debug")
