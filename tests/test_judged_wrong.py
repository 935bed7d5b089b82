"""Issue 17's "judged wrong": blank cells, links to an earlier submission, empty folders, unscheduled periods."""

from __future__ import annotations

import os
from datetime import datetime

from click.testing import CliRunner
from openpyxl import load_workbook

from builders import records, write_book
from cluster import drop, make_cluster
from toolkit import schema
from toolkit.cli import cli
from toolkit.consolidation.consolidate import consolidate
from toolkit.reader import read_workbook
from toolkit.sample import sample_workbook
from toolkit.validate import validate

EMPTY_VI = "Không có tệp bảng tính nào"
EMPTY_EN = "There is no workbook"


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_a_required_cell_holding_only_white_space_is_empty(tmp_path):
    rows = records(needs=2, register=2)
    rows["register"][0]["nha_tai_tro"] = " "
    rows["needs"][1]["ten_vi"] = "\u00a0\t "
    report = validate(write_book(tmp_path / "92.xlsx", None, rows["needs"], rows["register"]))
    missing = {(f.sheet, f.column) for f in report.findings if f.rule == "missing-value"}
    assert (schema.REGISTER_SHEET.vi, "nha_tai_tro") in missing and (schema.NEEDS_SHEET.vi, "ten_vi") in missing
    assert not report.valid


def test_a_lone_space_far_below_a_table_is_no_row(tmp_path):
    rows = records(needs=3, register=3)
    path = write_book(tmp_path / "92.xlsx", None, rows["needs"], rows["register"])
    book = load_workbook(path)
    book[schema.REGISTER_SHEET.vi]["C400"] = " "
    book[schema.NEEDS_SHEET.vi]["A250"] = "   "
    book.save(path)
    wb = read_workbook(path)
    assert len(wb.tables["register"].records) == 3 and len(wb.tables["needs"].records) == 3
    report = validate(path)
    assert not [f for f in report.findings if f.rule == "missing-value"] and report.valid


def test_a_link_to_an_earlier_submission_resolves_by_period_not_file_time(tmp_path):
    nop = tmp_path / "nop"
    earlier = sample_workbook(nop / "92_2025-H2.xlsx", "92", "2025-H2", needs=4, register=2, seed=3)
    linked = earlier.rows["needs"][0]["ma_de_xuat"]
    later = sample_workbook(
        nop / "92_2026-H1.xlsx", "92", "2026-H1", needs=3, register=3, seed=4, also=({"ma_de_xuat": linked},)
    )
    assert linked not in {r["ma_de_xuat"] for r in later.rows["needs"]}
    assert any(f.rule == "linked-proposal-missing" for f in validate(later.path).findings)  # alone: unknown
    for path, day in ((earlier.path, 20), (later.path, 10)):  # copied in the other order: the later file is older
        stamp = datetime(2026, 7, day).timestamp()
        os.utime(path, (stamp, stamp))
    result = consolidate(nop, tmp_path / "tong-hop.xlsx")
    [newer] = [f for f in result.files if f.name == "92_2026-H1.xlsx"]
    assert not [f for f in newer.findings if f.rule == "linked-proposal-missing"]


def test_an_empty_folder_is_said_in_one_sentence_and_nothing_is_written(tmp_path):
    empty = tmp_path / "nop"
    empty.mkdir()
    (empty / "ghi-chu.txt").write_text("không phải bảng tính")
    for args, output in (
        (["validate", empty], None),
        (["consolidate", empty, "-o", tmp_path / "t.xlsx"], "t.xlsx"),
        (["catalogue", empty, "-o", tmp_path / "web"], "web"),
    ):
        result = invoke(*args)
        assert result.exit_code == 2, result.output
        lines = [line for line in result.output.splitlines() if line.strip()]
        assert len(lines) == 2 and lines[0].startswith(EMPTY_VI) and lines[1].startswith(EMPTY_EN), result.output
        assert str(empty) in lines[0]
        if output:
            assert not (tmp_path / output).exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["nop"]


def test_report_refuses_a_period_not_in_the_schedule_as_status_does(tmp_path):
    control = make_cluster(tmp_path, provinces=("92",))
    drop(control, "92.xlsx", "92", datetime(2026, 7, 3).date())
    said = {}
    for command in ("status", "report", "send-report"):
        result = invoke(command, "--control", control, "--period", "2025-H1")
        assert result.exit_code == 2, result.output
        said[command] = result.output
    assert said["report"] == said["status"] == said["send-report"]
    assert 'Kỳ "2025-H1" không có trong trang Lịch nộp' in said["report"]
    assert not (control.parent / "ket-qua" / "bao-cao_2025-H1.docx").exists()
    ok = invoke("report", "--control", control, "--period", "2026", "--now", "2026-07-20")  # its H1 is scheduled
    assert ok.exit_code == 0, ok.output
