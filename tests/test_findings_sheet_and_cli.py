"""The Findings sheet and the command line as a provincial officer reads them (issue #11)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl

from builders import records, write_book
from toolkit import schema
from toolkit.annotate import annotate
from toolkit.findings import FINDING_HEADERS
from toolkit.validate import validate


def english_book(tmp_path):
    data = records(needs=3, register=2)
    data["needs"][0]["dia_ban"] = None  # an error under an English header
    data["register"][0]["tien_te"] = "ARS"  # info: no reference rate
    return write_book(
        tmp_path / "en.xlsx",
        None,
        data["needs"],
        data["register"],
        headers={"needs": [c.en for c in schema.NEEDS.columns]},
    )


def test_findings_sheet_shows_headers_as_seen_whole_and_wrapped(tmp_path):
    source = english_book(tmp_path)
    out = annotate(source, validate(source), tmp_path / "checked.xlsx")
    ws = openpyxl.load_workbook(out)[schema.FINDINGS.vi]
    header = [c.value for c in ws[1]]
    assert header[6:8] == ["Nội dung (tiếng Việt) / Message (Vietnamese)", "Nội dung (tiếng Anh) / Message (English)"]
    for i, text in enumerate(header):  # every header fits its column
        assert ws.column_dimensions[chr(65 + i)].width >= len(text), text
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
    missing = next(r for r in rows if r[1] == "missing-value")
    assert missing[4] == "Location"  # the header the officer typed, not the key dia_ban
    assert ws.cell(rows.index(missing) + 2, 7).alignment.wrap_text
    info = next(r for r in rows if r[1] == "no-reference-rate")
    assert info[0] == "Lưu ý" and info[0] != schema.INFO.vi


def test_cell_notes_are_large_enough_to_read(tmp_path):
    source = english_book(tmp_path)
    out = annotate(source, validate(source), tmp_path / "checked.xlsx")
    with zipfile.ZipFile(out) as z:  # openpyxl does not read a note's size back: the VML shapes hold it
        vml = "".join(z.read(n).decode() for n in z.namelist() if n.endswith(".vml"))
    sizes = [(int(w), int(h)) for w, h in re.findall(r"width:(\d+)px;height:(\d+)px", vml)]
    assert sizes and all(w >= 400 and h >= 120 for w, h in sizes)


class Result:
    def __init__(self, done: subprocess.CompletedProcess):
        self.exit_code, self.output = done.returncode, done.stdout + done.stderr


def run(*args) -> Result:
    """The installed `aidkit` command in its own process, as a user runs it."""
    aidkit = Path(sys.executable).with_name("aidkit")
    return Result(
        subprocess.run([str(aidkit), *map(str, args)], capture_output=True, text=True, timeout=120, check=False)
    )


def test_option_help_is_vietnamese_and_english():
    out = run("validate", "--help").output
    for vi, en in (
        ("Ghi bản sao có đánh dấu", "annotated copy"),
        ("Ngưỡng số ngày phê duyệt", "lead-time"),
        ("Dạng kết quả", "output: text or json"),
    ):
        assert vi in out and en in out
    assert "Tệp mẫu sẽ ghi" in run("template", "--help").output


def test_click_errors_get_a_vietnamese_sentence(tmp_path):
    missing = run("consolidate", "--control", tmp_path / "khong-co.xlsm", tmp_path)
    assert missing.exit_code == 2
    assert "không tìm thấy" in missing.output and "does not exist" in missing.output
    folder = run("consolidate", "--control", tmp_path, tmp_path)  # validate takes folders; --control does not
    assert "là một thư mục, không phải một tệp" in folder.output and "is a directory" in folder.output


def test_negative_approval_days_are_refused(tmp_path):
    result = run("validate", "--approval-days", "-5", english_book(tmp_path))
    assert result.exit_code == 2 and "nằm ngoài khoảng cho phép" in result.output


def test_validate_annotate_says_where_it_wrote(tmp_path):
    source = english_book(tmp_path)
    out = tmp_path / "checked.xlsx"
    result = run("validate", source, "--annotate", out)
    assert f"Đã ghi bản đánh dấu / annotated copy written: {out}" in result.output
    assert out.exists()


def test_an_unusable_control_workbook_is_said_once(tmp_path):
    path = tmp_path / "dieu-hanh.xlsx"
    book = openpyxl.Workbook()
    book.active.title = schema.MEMBERS_SHEET.vi
    book.save(path)
    result = run("status", "--control", path)
    assert result.exit_code == 2
    vi, en = result.output.strip().splitlines()
    assert vi.count("dieu-hanh.xlsx") == 1 and "Cấu hình" in vi and "Settings" not in vi
    assert en.count("dieu-hanh.xlsx") == 1 and "Settings" in en


def test_findings_headers_are_bilingual_pairs():
    assert len({vi for vi, _ in FINDING_HEADERS}) == len(FINDING_HEADERS)
    assert json.dumps(FINDING_HEADERS, ensure_ascii=False).count("Message / Message") == 0
