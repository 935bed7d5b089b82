"""A bug is a bug: what the libraries raise for a bad file becomes a verdict, anything else is raised.

Issue 21 item 5: the legacy-font scan, the hidden-cells scan and the merge's reading of one file used to
catch every exception, so a bug in them became a silent {} or an "unexpected-error" refusal of the file.
"""

import io
import zipfile

import pytest

from toolkit import hidden_cells
from toolkit import legacy_encodings as legacy
from toolkit.consolidation import consolidate
from toolkit.sample import sample_workbook
from toolkit.schema import Settings
from toolkit.validate import validate


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    return sample_workbook(tmp_path_factory.mktemp("bugs") / "92.xlsx", "92", "2026-H1", seed=5).path


def _with_part(path, part: str, data: bytes) -> bytes:
    """The workbook's bytes with one part of its package replaced."""
    out = io.BytesIO()
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            dst.writestr(item, data if item.filename == part else src.read(item.filename))
    return out.getvalue()


@pytest.mark.parametrize(("module", "name"), [(legacy, "_style_encodings"), (hidden_cells, "_marked")])
def test_a_bug_in_a_package_scan_is_raised_not_silenced(book, monkeypatch, module, name):
    def broken(_):
        raise TypeError(f"a bug in {name}")

    monkeypatch.setattr(module, name, broken)
    with pytest.raises(TypeError, match=f"a bug in {name}"):
        validate(book)


def test_a_damaged_package_still_gives_no_legacy_fonts_and_no_hidden_cells(book):
    bad_styles = _with_part(book, "xl/styles.xml", b"<styleSheet><fonts><font>")  # not well-formed XML
    assert legacy.legacy_font_cells(io.BytesIO(bad_styles)) == {}
    bad_sheet = _with_part(book, "xl/workbook.xml", b"<workbook><sheets><f>")  # a formula mark, names unreadable
    sheet = next(n for n in zipfile.ZipFile(book).namelist() if n.startswith("xl/worksheets/"))
    bad_sheet = _with_part(io.BytesIO(bad_sheet), sheet, b'<worksheet><c r="A1"><f>1+1</f></c></worksheet>')
    assert hidden_cells.hidden_cells(io.BytesIO(bad_sheet), {"Thông tin"}) == {}
    assert legacy.legacy_font_cells(io.BytesIO(b"PK\x03\x04 not a zip")) == {}


def test_a_bug_in_a_check_stops_the_merge_instead_of_refusing_the_file(book, monkeypatch):
    from toolkit import validate as validate_module

    def broken_checks():
        def check(wb, ctx):
            raise KeyError("a bug in a check")

        return (check,)

    monkeypatch.setattr(validate_module, "registry", broken_checks)
    with pytest.raises(KeyError, match="a bug in a check"):
        consolidate.process_file(book, book.name, None, Settings())


def test_a_damaged_file_is_still_a_refusal_of_the_merge(tmp_path):
    damaged = tmp_path / "92.xlsx"
    damaged.write_bytes(b"PK\x03\x04" + b"\0" * 200)
    source = consolidate.process_file(damaged, damaged.name, None, Settings())
    assert source.refusal[0] == "file-damaged"
