"""The annotated copy: coloured cells, notes, a linked Findings sheet, and the input untouched."""

import hashlib

import pytest
from openpyxl import load_workbook

from toolkit import schema
from toolkit.annotate import FILL, annotate, cell_marks
from toolkit.findings import Refusal
from toolkit.sample import sample_workbook
from toolkit.validate import validate


@pytest.fixture(scope="module")
def bad(tmp_path_factory):
    folder = tmp_path_factory.mktemp("annotate")
    sample = sample_workbook(
        folder / "92_bad.xlsx",
        "92",
        "2026-H1",
        seed=5,
        defects=("missing-value", "invalid-email", "linked-proposal-missing"),
    )
    return sample, validate(sample.path)


def test_input_is_byte_identical_and_marks_are_on_the_cells(bad, tmp_path):
    sample, report = bad
    before = hashlib.sha256(sample.path.read_bytes()).hexdigest()
    out = annotate(sample.path, report, tmp_path / "checked.xlsx")
    assert hashlib.sha256(sample.path.read_bytes()).hexdigest() == before
    wb = load_workbook(out)
    for rule, sheet, ref in sample.planted:
        cell = wb[sheet][ref]
        severity = next(f.severity for f in report.findings if (f.rule, f.sheet, f.cell) == (rule, sheet, ref))
        assert cell.fill.start_color.rgb.endswith(FILL[severity])
        assert f"[{rule}]" in cell.comment.text
        message = next(f for f in report.findings if f.rule == rule)
        assert message.message_vi in cell.comment.text and message.message_en in cell.comment.text


def test_findings_sheet_lists_every_finding_with_links(bad, tmp_path):
    sample, report = bad
    wb = load_workbook(annotate(sample.path, report, tmp_path / "checked.xlsx"))
    ws = wb[schema.FINDINGS.vi]
    assert wb.sheetnames[0] == schema.FINDINGS.vi
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert [(r[1], r[2], r[3]) for r in rows] == [(f.rule, f.sheet, f.cell) for f in report.findings]
    links = [ws.cell(i, 4).hyperlink.location for i in range(2, ws.max_row + 1) if ws.cell(i, 4).hyperlink]
    assert f"'{sample.planted[0][1]}'!{sample.planted[0][2]}" in links


def test_reannotating_replaces_the_findings_sheet(bad, tmp_path):
    sample, report = bad
    once = annotate(sample.path, report, tmp_path / "once.xlsx")
    twice = load_workbook(annotate(once, report, tmp_path / "twice.xlsx"))
    assert twice.sheetnames.count(schema.FINDINGS.vi) == 1


def test_worst_severity_colours_a_cell_with_several_findings(bad):
    _, report = bad
    marks = cell_marks(report)
    assert all(m.severity in ("error", "warning") for m in marks.values())
    assert all((f.sheet, f.cell) in marks for f in report.findings if f.cell and f.severity != "info")


def test_never_overwrites_the_source(bad):
    sample, report = bad
    with pytest.raises(Refusal) as caught:
        annotate(sample.path, report, sample.path)
    assert caught.value.reason == "annotate-same-file"


def test_a_finding_on_a_merged_cell_is_noted_on_the_first_cell_of_the_range(tmp_path):
    from cluster import merge_over

    sample = sample_workbook(tmp_path / "92.xlsx", "92", "2026-H1", seed=5, defects=("missing-value",))
    [(rule, sheet, ref)] = sample.planted
    merge_over(sample.path, sheet, ref)
    report = validate(sample.path)
    assert (rule, sheet, ref) in {(f.rule, f.sheet, f.cell) for f in report.findings}
    out = annotate(sample.path, report, tmp_path / "92.kiem-tra.xlsx")  # raised: MergedCell's comment is read-only
    ws = load_workbook(out)[sheet]
    [merged] = [r for r in ws.merged_cells.ranges if ref in r]
    first = ws.cell(merged.min_row, merged.min_col)
    assert f"[{rule}]" in first.comment.text and first.fill.start_color.rgb.endswith(FILL["error"])
