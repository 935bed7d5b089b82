"""What one cell gets, and the Findings sheet's text cells: tests that kill annotate's surviving mutants.

mutmut (make mutation) left these alive in toolkit/annotate.py: the worst severity of a cell, the note's
suggestion and separators, the note's height, a tagged annotated name, a quoted sheet name, and a finding
whose value begins with "=" kept as text.
"""

from openpyxl import Workbook

from toolkit.annotate import annotated_name, cell_marks, note_height, sheet_ref, write_findings_sheet
from toolkit.findings import ERROR, INFO, WARNING, Report, finding

SHEET = "Dự án PCPNN"


def marks_of(*findings):
    return cell_marks(Report("92.xlsx", list(findings)))


def test_a_cell_with_a_warning_then_an_error_is_marked_as_an_error():
    warning = finding("approval-slow", WARNING, sheet=SHEET, cell="K7", days=40, limit=20)
    error = finding(
        "end-before-start",
        ERROR,
        sheet=SHEET,
        cell="K7",
        start="01/02/2026",
        suggestion="Sửa ngày kết thúc / fix the end date",
    )
    for order in ((warning, error), (error, warning)):
        mark = marks_of(*order)[(SHEET, "K7")]
        assert mark.severity == ERROR and mark.color == "FFC7CE"
    note = marks_of(warning, error)[(SHEET, "K7")].note
    first, second = note.split("\n\n")
    assert first == f"[approval-slow] {warning.message_vi}\n{warning.message_en}"
    assert second == (
        f"[end-before-start] {error.message_vi}\n{error.message_en}\n→ Sửa ngày kết thúc / fix the end date"
    )


def test_warnings_alone_are_yellow_and_findings_without_a_cell_or_below_warning_get_no_mark():
    marks = marks_of(
        finding("title-en-missing", WARNING, sheet=SHEET, cell="C4"),
        finding("title-en-missing", WARNING, sheet=SHEET),
        finding("headers-english", INFO, sheet=SHEET, cell="A1", count=3),
    )
    assert list(marks) == [(SHEET, "C4")] and marks[(SHEET, "C4")].color == "FFEB9C"


def test_a_note_is_as_tall_as_its_lines_within_bounds():
    assert note_height("một dòng") == 120  # the smallest box
    assert note_height("\n".join(["x" * 100] * 10)) == 16 * 20 + 12  # 100 characters wrap to two lines
    assert note_height("\n".join(["x"] * 12)) == 16 * 12 + 12
    assert note_height("\n".join(["x"] * 50)) == 600  # the largest box
    assert note_height("\n".join(["x" * 80] * 10)) == 16 * 20 + 12  # 80 characters already take two lines
    assert note_height("\n".join(["x" * 79] * 10)) == 16 * 10 + 12
    assert note_height("\n".join(["một hai ba bốn"] * 10)) == 16 * 10 + 12  # spaces do not break a line


def test_a_tagged_annotated_name_and_a_quoted_sheet_reference():
    assert annotated_name("92.xlsx") == "92.kiem-tra.xlsx"
    assert annotated_name("nop/92.xlsm", "lan-2") == "92.lan-2.kiem-tra.xlsm"
    assert sheet_ref("It's", "B4") == "'It''s'!B4"
    assert sheet_ref(SHEET, "B4") == f"'{SHEET}'!B4"


def test_a_value_that_looks_like_a_formula_stays_text_and_numbers_stay_numbers():
    book = Workbook()
    report = Report(
        "92.xlsx",
        [
            finding("invalid-number", ERROR, sheet=SHEET, cell="N5", row=5, value="=SUM(N2:N4)"),
            finding("out-of-range", ERROR, sheet=SHEET, cell="O5", row=5, value=-3, bounds="≥ 0"),
        ],
    )
    write_findings_sheet(book, report)
    ws = book["Phát hiện"]
    formula_like, number = ws["F2"], ws["F3"]
    assert formula_like.value == "=SUM(N2:N4)" and formula_like.data_type == "s"
    assert number.value == -3 and number.data_type == "n"
    assert ws["D2"].hyperlink is None  # the finding's sheet is not in this book: no link to a missing sheet


def test_a_value_with_a_character_a_worksheet_cannot_hold_is_written_without_it():
    book = Workbook()
    report = Report("92.xlsx", [finding("invalid-number", ERROR, sheet=SHEET, cell="N5", row=5, value="12\x0b500")])
    write_findings_sheet(book, report)
    assert book["Phát hiện"]["F2"].value == "12500"


# --- the annotated copy as a whole ----------------------------------------------------------


def _book_with_a_note_and_rich_text(path):
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont
    from openpyxl.comments import Comment

    book = Workbook()
    ws = book.active
    ws.title = SHEET
    ws["B2"] = "giá trị"
    ws["B2"].comment = Comment("ghi chú của tỉnh", "Tỉnh")
    ws["C2"] = CellRichText([TextBlock(InlineFont(rFont=".VnTime"), "Hµ Néi"), " và Huế"])
    book.save(path)
    return path


def test_the_copy_keeps_a_users_note_and_rich_text_and_says_who_wrote_the_mark(tmp_path):
    from openpyxl import load_workbook

    from toolkit.annotate import annotate
    from toolkit.outputs import written_by_aidkit

    source = _book_with_a_note_and_rich_text(tmp_path / "92.xlsx")
    report = Report(str(source), [finding("invalid-email", ERROR, sheet=SHEET, cell="B2", value="giá trị")])
    out = annotate(source, report, tmp_path / "92.kiem-tra.xlsx")
    book = load_workbook(out, rich_text=True)
    cell = book[SHEET]["B2"]
    assert cell.comment.text.startswith("ghi chú của tỉnh\n\n[invalid-email] ")
    assert cell.comment.author == "aidkit"
    assert (
        cell.fill.fill_type == "solid"
        and cell.fill.start_color.rgb.endswith("FFC7CE")
        and cell.fill.end_color.rgb.endswith("FFC7CE")
    )
    rich = book[SHEET]["C2"].value
    assert [str(block) for block in rich] == ["Hµ Néi", " và Huế"] and rich[0].font.rFont == ".VnTime"
    assert written_by_aidkit(out) == "annotated"
    assert annotate(source, report, out) == out  # its own earlier copy may be replaced


def test_what_the_annotator_refuses_names_the_file_and_the_reason(tmp_path):
    import pytest

    from toolkit.annotate import annotate
    from toolkit.findings import Refusal

    report = Report("x", [])
    cases = {
        "annotate-unsupported": (tmp_path / "92.csv", tmp_path / "out.xlsx"),
        "annotate-same-file": (tmp_path / "92.xlsx", tmp_path / "92.xlsx"),
        "file-damaged": (tmp_path / "hong.xlsx", tmp_path / "hong.kiem-tra.xlsx"),
    }
    (tmp_path / "92.csv").write_text("a,b\n")
    _book_with_a_note_and_rich_text(tmp_path / "92.xlsx")
    (tmp_path / "hong.xlsx").write_bytes(b"PK\x03\x04" + b"\0" * 100)
    for reason, (source, out) in cases.items():
        with pytest.raises(Refusal) as caught:
            annotate(source, report, out)
        assert (caught.value.reason, caught.value.path) == (reason, str(source))
    assert caught.value.detail == "BadZipFile"
    assert not (tmp_path / "out.xlsx").exists() and not (tmp_path / "hong.kiem-tra.xlsx").exists()


def test_an_xlsm_keeps_its_macros_only_when_the_copy_is_an_xlsm(tmp_path):
    import shutil
    import zipfile
    from pathlib import Path

    from toolkit.annotate import annotate

    source = tmp_path / "aidkit-tinh.xlsm"
    shutil.copy(Path(__file__).resolve().parents[1] / "workbooks" / "aidkit-tinh.xlsm", source)
    report = Report(str(source), [])
    as_xlsm = annotate(source, report, tmp_path / "copy.xlsm")
    as_xlsx = annotate(source, report, tmp_path / "copy.xlsx")
    assert "xl/vbaProject.bin" in zipfile.ZipFile(as_xlsm).namelist()
    assert "xl/vbaProject.bin" not in zipfile.ZipFile(as_xlsx).namelist()


def test_the_findings_sheet_reads_and_prints_as_laid_out(tmp_path):
    """Issue 11's layout of Phát hiện: a dark header, red bold errors, blue links, wrapped messages, one page wide."""
    from openpyxl import load_workbook

    from toolkit.annotate import annotate
    from toolkit.findings import FINDING_WIDTHS, WRAPPED_COLUMNS

    source = _book_with_a_note_and_rich_text(tmp_path / "92.xlsx")
    long_message = finding("title-en-missing", WARNING, sheet=SHEET, cell="C2", suggestion="x " * 200)
    report = Report(
        str(source), [finding("invalid-email", ERROR, sheet=SHEET, cell="B2", value="giá trị"), long_message]
    )
    ws = load_workbook(annotate(source, report, tmp_path / "out.xlsx"))["Phát hiện"]
    for cell in ws[1]:
        assert cell.font.bold and cell.font.color.rgb.endswith("FFFFFF")
        assert (
            cell.fill.fill_type == "solid"
            and cell.fill.start_color.rgb.endswith("1F4E78")
            and cell.fill.end_color.rgb.endswith("1F4E78")
        )
        assert cell.alignment.wrap_text and cell.alignment.vertical == "center"
    error, warning = ws[2], ws[3]
    assert error[0].font.bold and error[0].font.color.rgb.endswith("9C0006")
    assert not error[1].font.bold and not warning[0].font.bold
    for row in (error, warning):
        for column, cell in enumerate(row, start=1):
            assert cell.alignment.vertical == "top"
            assert bool(cell.alignment.wrap_text) is (column in WRAPPED_COLUMNS), column
        assert row[3].hyperlink.location == f"'{SHEET}'!{row[3].value}"
        assert row[3].font.underline == "single" and row[3].font.color.rgb.endswith("0563C1")
    lines = max(1 + len(str(warning[c - 1].value or "")) // int(FINDING_WIDTHS[c - 1] * 1.1) for c in WRAPPED_COLUMNS)
    assert lines > 2 and ws.row_dimensions[3].height == 15 * lines
    assert ws.row_dimensions[2].height == 15 * max(
        1 + len(str(error[c - 1].value or "")) // int(FINDING_WIDTHS[c - 1] * 1.1) for c in WRAPPED_COLUMNS
    )
    assert [ws.column_dimensions[letter].width for letter in "ABCDEFGHI"] == list(FINDING_WIDTHS)
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:I3"
    assert ws.page_setup.orientation == "landscape" and ws.sheet_properties.pageSetUpPr.fitToPage
    assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)


def test_a_copy_that_is_the_source_under_another_name_is_refused(tmp_path):
    import os

    import pytest

    from toolkit.annotate import annotate
    from toolkit.findings import Refusal

    source = _book_with_a_note_and_rich_text(tmp_path / "92.xlsx")
    before = source.read_bytes()
    os.link(source, tmp_path / "the-same-file.xlsx")  # a hard link: another name, the same file
    with pytest.raises(Refusal) as caught:
        annotate(source, Report(str(source), []), tmp_path / "the-same-file.xlsx")
    assert caught.value.reason == "output-not-ours" and source.read_bytes() == before


def test_a_finding_on_a_sheet_the_copy_lacks_does_not_stop_the_marks_after_it(tmp_path):
    from openpyxl import load_workbook

    from toolkit.annotate import annotate

    source = _book_with_a_note_and_rich_text(tmp_path / "92.xlsx")
    report = Report(
        str(source),
        [
            finding("title-en-missing", WARNING, sheet="Trang đã xoá", cell="B2"),  # a sheet the file no longer has
            finding("invalid-email", ERROR, sheet=SHEET, cell="C2", value="Hµ Néi và Huế"),
        ],
    )
    book = load_workbook(annotate(source, report, tmp_path / "92.kiem-tra.xlsx"))
    cell = book[SHEET]["C2"]
    assert cell.fill.start_color.rgb.endswith("FFC7CE") and cell.comment.text.startswith("[invalid-email] ")
    assert "Trang đã xoá" not in book.sheetnames
    findings = book["Phát hiện"]
    assert [findings.cell(row, 3).value for row in (2, 3)] == ["Trang đã xoá", SHEET]
    assert findings["D2"].hyperlink is None and findings["D3"].hyperlink.location == f"'{SHEET}'!C2"


def test_a_copy_named_with_another_extension_is_refused_naming_both_it_may_have(tmp_path):
    import pytest

    from toolkit.annotate import annotate
    from toolkit.findings import Refusal

    source = _book_with_a_note_and_rich_text(tmp_path / "92.xlsx")
    out = tmp_path / "92.kiem-tra.ods"
    with pytest.raises(Refusal) as caught:
        annotate(source, Report(str(source), []), out)
    assert caught.value.vi == f"Tên tệp kết quả {out} phải có đuôi .xlsx hoặc .xlsm."
    assert caught.value.en == f"The output file {out} must end in .xlsx or .xlsm."
    assert not out.exists()
