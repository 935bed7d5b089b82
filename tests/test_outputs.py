"""An output never replaces an input or a file aidkit did not write, and has the right extension."""

from __future__ import annotations

from click.testing import CliRunner

from toolkit.cli import cli
from toolkit.consolidation.consolidate import consolidate
from toolkit.sample import sample_workbook


def written_by_aidkit(path):
    from toolkit.outputs import written_by_aidkit as kind

    return kind(path)


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def refused(result, text_vi: str, text_en: str) -> None:
    assert result.exit_code == 2, result.output
    assert text_vi in result.output and text_en in result.output
    assert "Lỗi không mong muốn" not in result.output and "Traceback" not in result.output


def test_consolidate_never_replaces_a_province_submission(tmp_path):
    nop = tmp_path / "nop"
    sample_workbook(nop / "82.xlsx", "82", needs=2, register=2)
    sample_workbook(nop / "92.xlsx", "92", needs=2, register=2)
    before = (nop / "92.xlsx").read_bytes()
    refused(invoke("consolidate", nop, "-o", nop / "92.xlsx"), "đó là một tệp đầu vào", "it is one of the inputs")
    assert (nop / "92.xlsx").read_bytes() == before


def test_an_output_never_replaces_a_file_aidkit_did_not_write(tmp_path):
    nop = tmp_path / "nop"
    sample_workbook(nop / "82.xlsx", "82", needs=2, register=2)
    notes = tmp_path / "notes.txt"
    notes.write_text("ghi chú của tôi")
    refused(invoke("consolidate", nop, "-o", notes), "phải có đuôi .xlsx", "must end in .xlsx")
    assert notes.read_text() == "ghi chú của tôi"
    theirs = tmp_path / "bao-cao-cua-toi.xlsx"
    sample_workbook(theirs, "86", needs=1, register=1)
    mine = theirs.read_bytes()
    refused(invoke("consolidate", nop, "-o", theirs), "không phải tệp do aidkit tạo", "not a file aidkit wrote")
    assert theirs.read_bytes() == mine


def test_an_aidkit_output_of_the_same_kind_is_replaced(tmp_path):
    nop = tmp_path / "nop"
    sample_workbook(nop / "82.xlsx", "82", needs=2, register=2)
    out = tmp_path / "tong-hop.xlsx"
    consolidate(nop, out)
    assert written_by_aidkit(out) == "consolidated"
    sample_workbook(nop / "92.xlsx", "92", needs=2, register=2)
    again = consolidate(nop, out)
    assert sorted(e.code for e in again.entries) == ["82", "92"]
    refused(
        invoke("template", "-p", "92", "-k", "2026-H1", "-o", out),
        "không phải tệp do aidkit tạo",
        "not a file aidkit wrote",
    )  # a template does not replace a consolidated workbook


def test_template_needs_the_xlsx_extension(tmp_path):
    refused(
        invoke("template", "-p", "92", "-k", "2026-H1", "-o", tmp_path / "x.csv"),
        "phải có đuôi .xlsx",
        "must end in .xlsx",
    )
    assert not (tmp_path / "x.csv").exists()
    assert invoke("template", "-p", "92", "-k", "2026-H1", "-o", tmp_path / "x.xlsx").exit_code == 0
    assert written_by_aidkit(tmp_path / "x.xlsx") == "template"


def test_annotate_never_replaces_another_input_or_a_user_file(tmp_path):
    sample_workbook(tmp_path / "82.xlsx", "82", needs=2, register=2, defects=("missing-value",))
    sample_workbook(tmp_path / "92.xlsx", "92", needs=2, register=2)
    before = (tmp_path / "92.xlsx").read_bytes()
    refused(
        invoke("validate", tmp_path / "82.xlsx", "--annotate", tmp_path / "92.xlsx"),
        "không phải tệp do aidkit tạo",
        "not a file aidkit wrote",
    )
    assert (tmp_path / "92.xlsx").read_bytes() == before


def test_a_marked_workbook_without_a_record_is_a_persons(tmp_path):
    """The kind mark says what a file is, not whose: an output of an earlier aidkit, or a copy put there, stays."""
    import shutil

    nop = tmp_path / "nop"
    sample_workbook(nop / "82.xlsx", "82", needs=2, register=2)
    consolidate(nop, tmp_path / "new.xlsx")
    (tmp_path / "elsewhere").mkdir()
    shutil.copy(tmp_path / "new.xlsx", tmp_path / "elsewhere" / "old.xlsx")  # no record beside it
    assert written_by_aidkit(tmp_path / "elsewhere" / "old.xlsx") == "consolidated"
    before = (tmp_path / "elsewhere" / "old.xlsx").read_bytes()
    refused(
        invoke("consolidate", nop, "-o", tmp_path / "elsewhere" / "old.xlsx"),
        "không phải tệp do aidkit tạo",
        "not a file aidkit wrote",
    )
    assert (tmp_path / "elsewhere" / "old.xlsx").read_bytes() == before


def test_a_filled_template_is_the_provinces(tmp_path):
    from openpyxl import load_workbook

    from toolkit import schema

    out = tmp_path / "92_2026-H1.xlsx"
    assert invoke("template", "-p", "92", "-k", "2026-H1", "-o", out).exit_code == 0
    book = load_workbook(out)
    ws = book[schema.NEEDS_SHEET.vi]
    ws.cell(ws.max_row + 1, 1, "92-D2026-001")  # three weeks of entries begin with one
    book.save(out)
    assert written_by_aidkit(out) == "template"  # it still says what it is, but it is the province's now
    filled = out.read_bytes()
    refused(
        invoke("template", "-p", "92", "-k", "2026-H1", "-o", out),
        "không phải tệp do aidkit tạo",
        "not a file aidkit wrote",
    )
    assert out.read_bytes() == filled


def test_the_report_is_a_docx_and_never_replaces_the_control_workbook(tmp_path):
    from datetime import date

    from cluster import drop, make_cluster

    control = make_cluster(tmp_path, provinces=("92",))
    drop(control, "92.xlsx", "92", date(2026, 7, 3))
    before = control.read_bytes()
    refused(
        invoke("report", "--control", control, "-k", "2026-H1", "-o", tmp_path / "r.pdf"),
        "phải có đuôi .docx",
        "must end in .docx",
    )
    assert not (tmp_path / "r.pdf").exists() and not (tmp_path / "ket-qua").exists()  # refused before any work
    refused(
        invoke("report", "--control", control, "-k", "2026-H1", "-o", control),
        "phải có đuôi .docx",
        "must end in .docx",
    )
    assert control.read_bytes() == before
    assert invoke("status", "--control", control).exit_code == 0  # the control workbook still works


def test_the_catalogue_never_writes_into_the_submissions_folder_nor_over_a_persons_bulletin(tmp_path):
    nop = tmp_path / "nop"
    sample_workbook(nop / "82.xlsx", "82", needs=4, register=1)
    for folder in (nop, nop / "danh-muc"):
        refused(invoke("catalogue", nop, "-o", folder), "đó là thư mục nộp báo cáo", "it is the submissions folder")
    assert sorted(p.name for p in nop.rglob("*")) == ["82.xlsx"]
    out = tmp_path / "web"
    out.mkdir()
    (out / "ban-tin.pdf").write_bytes(b"%PDF-1.4 the province's own bulletin")
    refused(invoke("catalogue", nop, "-o", out), "không phải tệp do aidkit tạo", "not a file aidkit wrote")
    assert (out / "ban-tin.pdf").read_bytes() == b"%PDF-1.4 the province's own bulletin"
    assert not (out / "index.html").exists()  # nothing written when one of the two is refused


def test_validate_annotate_replaces_its_own_copy(tmp_path):
    from openpyxl import load_workbook

    sample_workbook(tmp_path / "82.xlsx", "82", needs=2, register=2, defects=("missing-value",))
    copy = tmp_path / "82.kiem-tra.xlsx"
    assert invoke("validate", tmp_path / "82.xlsx", "--annotate", copy).exit_code == 1
    assert written_by_aidkit(copy) == "annotated"  # openpyxl's <vt:lpwstr xmlns:vt="…"> is read too
    assert invoke("validate", tmp_path / "82.xlsx", "--annotate", copy).exit_code == 1
    assert load_workbook(copy).sheetnames[0] == "Phát hiện"


def test_the_exported_submission_copy_never_replaces_an_edited_one(tmp_path):
    from datetime import date

    from openpyxl import load_workbook

    from toolkit.export import write_submission
    from toolkit.reader import read_workbook
    from toolkit.validate import check_workbook

    sample = sample_workbook(tmp_path / "92.xlsx", "92", needs=2, register=2)
    wb = read_workbook(sample.path)
    report = check_workbook(wb)
    day = date(2026, 7, 10)
    first = write_submission(wb, report, tmp_path / "xuat", day)
    assert write_submission(wb, report, tmp_path / "xuat", day) == first  # its own copy, unchanged: replaced
    book = load_workbook(first)
    book.active["A1"] = "sửa tay"
    book.save(first)
    edited = first.read_bytes()
    second = write_submission(wb, report, tmp_path / "xuat", day)
    assert second.name == "92_2026-H1_20260710_2.xlsx" and first.read_bytes() == edited


def test_the_catalogue_may_go_to_an_output_folder_kept_inside_the_submissions_folder(tmp_path):
    from datetime import date

    from cluster import drop, make_cluster

    control = make_cluster(tmp_path, provinces=("92",), thu_muc_ket_qua="nop/ket-qua")
    drop(control, "92.xlsx", "92", date(2026, 7, 3))
    result = invoke("catalogue", "--control", control)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "nop" / "ket-qua" / "danh-muc" / "index.html").exists()
    refused(
        invoke("catalogue", "--control", control, "-o", tmp_path / "nop" / "web"),
        "đó là thư mục nộp báo cáo",
        "it is the submissions folder",
    )


def _package(path, **parts: bytes):
    """A zip holding just the given docProps parts (custom=…, core=…), as a workbook's would."""
    import zipfile

    with zipfile.ZipFile(path, "w") as z:
        for name, data in parts.items():
            z.writestr(f"docProps/{name}.xml", data)
    return path


CUSTOM = (
    b'<Properties><property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="aidkit">\n'
    b'  <vt:lpwstr xml:space="preserve">annotated</vt:lpwstr></property>%s</Properties>'
)
CORE = b"<cp:coreProperties><dc:creator>%s</dc:creator>%s</cp:coreProperties>"


def test_the_kind_is_read_from_the_mark_alone_and_a_bad_byte_beside_it_does_not_hide_it(tmp_path):
    assert written_by_aidkit(_package(tmp_path / "a.xlsx", custom=CUSTOM % b"")) == "annotated"
    assert written_by_aidkit(_package(tmp_path / "b.xlsx", custom=CUSTOM % b"\xff\xfe")) == "annotated"
    # the mark wins over the creator
    both = _package(tmp_path / "c.xlsx", custom=CUSTOM % b"", core=CORE % (b"aidkit", b""))
    assert written_by_aidkit(both) == "annotated"


def test_a_workbook_without_the_mark_but_created_by_aidkit_is_a_consolidated_one(tmp_path):
    assert written_by_aidkit(_package(tmp_path / "a.xlsx", core=CORE % (b"aidkit", b""))) == "consolidated"
    assert written_by_aidkit(_package(tmp_path / "b.xlsx", core=CORE % (b"aidkit", b"\xff"))) == "consolidated"
    other = b'<Properties><property name="author"><vt:lpwstr>ai</vt:lpwstr></property></Properties>'
    unmarked = _package(tmp_path / "c.xlsx", custom=other, core=CORE % (b"aidkit", b""))
    assert written_by_aidkit(unmarked) == "consolidated"


def test_a_workbook_of_someone_else_or_not_a_workbook_is_of_no_kind(tmp_path):
    assert written_by_aidkit(_package(tmp_path / "a.xlsx", core=CORE % (b"Nguyen Van A", b""))) is None
    assert written_by_aidkit(_package(tmp_path / "b.xlsx", core=CORE % (b"AIDKIT", b""))) is None
    assert written_by_aidkit(_package(tmp_path / "c.xlsx")) is None
    (tmp_path / "d.xlsx").write_bytes(b"not a zip")
    assert written_by_aidkit(tmp_path / "d.xlsx") is None
    assert written_by_aidkit(tmp_path / "missing.xlsx") is None


def test_a_link_put_where_an_output_was_is_never_aidkits_even_to_the_same_bytes(tmp_path):
    from toolkit.outputs import record_output, recorded_kind, replaceable

    out = tmp_path / "tong-hop.xlsx"
    out.write_bytes(b"aidkit's bytes")
    record_output(out, "consolidated")
    assert recorded_kind(out) == "consolidated" and replaceable(out, "consolidated")
    out.rename(tmp_path / "giu-lai.xlsx")
    out.symlink_to(tmp_path / "giu-lai.xlsx")
    assert recorded_kind(out) is None and not replaceable(out, "consolidated")


# --- the rule itself, as check_output says it (mutmut's fourth run, issue 21) ----------------------


def test_each_refusal_names_the_file_it_keeps_and_every_allowed_extension(tmp_path):
    import pytest

    from toolkit.findings import Refusal
    from toolkit.outputs import check_output

    def refusal(out, **kw):
        with pytest.raises(Refusal) as caught:
            check_output(out, "annotated", (".xlsx", ".xlsm"), **kw)
        return caught.value

    pdf = tmp_path / "92.kiem-tra.pdf"
    said = refusal(pdf)
    assert (said.reason, said.path) == ("output-extension", str(pdf))
    assert said.vi == f"Tên tệp kết quả {pdf} phải có đuôi .xlsx hoặc .xlsm."
    assert said.en == f"The output file {pdf} must end in .xlsx or .xlsm."

    source = tmp_path / "nop" / "92.xlsx"
    source.parent.mkdir()
    source.write_bytes(b"the province's workbook")
    said = refusal(source, inputs=[tmp_path / "nop" / ".." / "nop" / "92.xlsx"])  # the same file, spelt otherwise
    assert (said.reason, said.path) == ("output-is-input", str(source))
    assert said.vi.startswith(f"Không ghi kết quả đè lên {source}: đó là một tệp đầu vào")
    assert said.en.startswith(f"Will not write the output over {source}: it is one of the inputs")

    said = refusal(source, inputs=[tmp_path / "82.xlsx"])  # not an input, but not aidkit's either
    assert (said.reason, said.path) == ("output-not-ours", str(source))
    assert said.vi.startswith(f"Không ghi đè {source}: đây không phải tệp do aidkit tạo")
    assert said.en.startswith(f"Will not replace {source}: it is not a file aidkit wrote")
    assert source.read_bytes() == b"the province's workbook"

    new = tmp_path / "moi" / "92.kiem-tra.XLSM"  # a new file may go anywhere; the extension in any case
    assert check_output(str(new), "annotated", (".xlsx", ".xlsm"), inputs=[source]) == new


def test_a_record_that_is_not_aidkits_layout_keeps_the_file_a_persons(tmp_path):
    """A hand-edited or damaged .aidkit-outputs.json is no record: nothing is replaced, nothing fails."""
    import pytest

    from toolkit.findings import Refusal
    from toolkit.outputs import RECORD, check_output, record_output, recorded_kind, replaceable

    out = tmp_path / "tong-hop.xlsx"
    out.write_bytes(b"aidkit's bytes")
    for text in ("[]", '"files"', "{not json", '{"version": 1}', '{"files": null}', '{"files": ["tong-hop.xlsx"]}'):
        (tmp_path / RECORD).write_text(text, encoding="utf-8")
        assert recorded_kind(out) is None and not replaceable(out, "consolidated"), text
        with pytest.raises(Refusal) as caught:
            check_output(out, "consolidated", (".xlsx",))
        assert caught.value.reason == "output-not-ours", text
        record_output(out, "consolidated")  # aidkit writes it again: the record is made anew
        assert recorded_kind(out) == "consolidated" and replaceable(out, "consolidated"), text


def test_the_record_is_read_as_utf8_whatever_the_locale(tmp_path):
    """A folder holding an output named in Vietnamese, opened by an aidkit under a locale that is not UTF-8 (a
    Windows in cp1258, here ASCII): its other outputs are still aidkit's, and replaced."""
    import os
    import subprocess
    import sys

    from toolkit.outputs import record_output

    for name, kind in (("bản-tin.pdf", "bulletin"), ("tong-hop.xlsx", "consolidated")):
        (tmp_path / name).write_bytes(name.encode("utf-8"))
        record_output(tmp_path / name, kind)
    env = dict(os.environ, LC_ALL="C", LANG="C", PYTHONUTF8="0", PYTHONCOERCECLOCALE="0")
    code = (
        "import locale, sys; from toolkit.outputs import replaceable; "
        "print(locale.getpreferredencoding(False), replaceable(sys.argv[1], 'consolidated'))"
    )
    ran = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "tong-hop.xlsx")], env=env, capture_output=True, text=True
    )
    assert ran.returncode == 0, ran.stderr
    encoding, replaced = ran.stdout.split()
    assert encoding.lower() not in ("utf-8", "utf8") and replaced == "True"
