"""toolkit.excel.xlsm: an .xlsx becomes an .xlsm with our VBA, xlwings' VBA and form buttons."""

import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import openpyxl
import pytest
import xlsxwriter
import xlwings

from toolkit.excel.xlsm import Button, build_xlsm, read_buttons, read_vba_modules, xlwings_vba_version

MODULES = {
    "KiemTra": (
        'Sub KiemTraDuLieu()\n    RunPython "import toolkit.macros as m; m.validate()"\nEnd Sub\n\n'
        'Sub XoaLoi()\n    RunPython "import toolkit.macros as m; m.clear_findings()"\nEnd Sub\n'
    ),
    "TongHop": 'Sub TongHopBaoCao()\n    RunPython "import toolkit.macros as m; m.merge()"\nEnd Sub\n',
}
BUTTONS = [
    Button("Nhập liệu", "H2", "Kiểm tra dữ liệu", "KiemTraDuLieu"),
    Button("Nhập liệu", "H5", "Xoá đánh dấu lỗi", "XoaLoi", width=180),
    Button("Tổng hợp", "D2", "Tổng hợp báo cáo", "TongHopBaoCao"),
]
MACRO_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"


@pytest.fixture(scope="module")
def source(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("src") / "nguon.xlsx"
    book = xlsxwriter.Workbook(path)
    entry = book.add_worksheet("Nhập liệu")
    entry.write_row(0, 0, ["Tên đơn vị", "Số tiền"])
    entry.write_row(1, 0, ["Hội Hữu nghị Việt – Đức", 1500000])
    book.add_worksheet("Tổng hợp").write_formula("A1", "=SUM('Nhập liệu'!B:B)")
    book.close()
    return path


@pytest.fixture(scope="module")
def built(source) -> Path:
    out = source.with_name("ket_qua.xlsm")
    build_xlsm(source, out, MODULES, BUTTONS)
    return out


def test_buttons_read_back_with_vietnamese_intact(built):
    assert read_buttons(built) == [(b.sheet, b.caption, b.macro) for b in BUTTONS]


def test_every_button_runs_a_sub_in_the_project(built):
    modules = read_vba_modules(built)
    subs = {name for source in modules.values() for name in re.findall(r"(?m)^\s*(?:Public\s+)?Sub\s+(\w+)", source)}
    assert {b.macro for b in BUTTONS} <= subs
    for name, source in MODULES.items():
        assert modules[name].strip() == source.strip()


def test_xlwings_standalone_modules_match_installed_version(built):
    modules = read_vba_modules(built)
    assert {"xlwings", "Dictionary"} <= modules.keys()
    assert xlwings_vba_version(built) == xlwings.__version__


def test_main_part_is_macro_enabled(built):
    with zipfile.ZipFile(built) as package:
        types = ET.fromstring(package.read("[Content_Types].xml"))
        assert "xl/vbaProject.bin" in package.namelist()
    main = [t.get("ContentType") for t in types if t.get("PartName") == "/xl/workbook.xml"]
    assert main == [MACRO_MAIN]


def test_every_xml_part_parses(built):
    with zipfile.ZipFile(built) as package:
        for name in package.namelist():
            if name.endswith((".xml", ".rels", ".vml")):
                ET.fromstring(package.read(name))  # an undeclared xmlns:r would raise here


def test_openpyxl_source_gets_its_r_namespace_declared(tmp_path):
    src, out = tmp_path / "opx.xlsx", tmp_path / "opx.xlsm"
    book = openpyxl.Workbook()
    book.active.title = "Nhập liệu"
    book.save(src)
    build_xlsm(src, out, MODULES, BUTTONS[:1])
    with zipfile.ZipFile(out) as package:
        ET.fromstring(package.read("xl/worksheets/sheet1.xml"))
    assert read_buttons(out) == [("Nhập liệu", "Kiểm tra dữ liệu", "KiemTraDuLieu")]


def test_building_twice_gives_identical_bytes(source, built, tmp_path):
    again = tmp_path / "lan_hai.xlsm"
    build_xlsm(source, again, MODULES, BUTTONS)
    assert again.read_bytes() == built.read_bytes()


def test_build_replaces_existing_output_and_leaves_no_temp_files(source, tmp_path):
    out = tmp_path / "out.xlsm"
    out.write_bytes(b"old")
    build_xlsm(source, out, MODULES, BUTTONS)
    assert zipfile.is_zipfile(out)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.xlsm"]


def test_openpyxl_still_opens_it(built):
    book = openpyxl.load_workbook(built, keep_vba=True)
    book.vba_archive.close()  # openpyxl never closes it: "I/O operation on closed file" at GC
    assert book.sheetnames == ["Nhập liệu", "Tổng hợp"]
    assert book["Nhập liệu"]["A2"].value == "Hội Hữu nghị Việt – Đức"


def test_read_buttons_reads_xlsxwriter_buttons_too(tmp_path):
    path = tmp_path / "xw.xlsm"
    book = xlsxwriter.Workbook(path)
    book.add_worksheet("Nhập liệu").insert_button("B2", {"macro": "KiemTraDuLieu", "caption": "Kiểm tra dữ liệu"})
    book.close()
    assert read_buttons(path) == [("Nhập liệu", "Kiểm tra dữ liệu", "KiemTraDuLieu")]


def test_vba_text_outside_the_code_page_is_refused(source, tmp_path):
    with pytest.raises(ValueError, match="code page"):
        build_xlsm(source, tmp_path / "x.xlsm", {"M": 'Sub A()\n    MsgBox "Kiểm tra"\nEnd Sub\n'}, [])
    assert not list(tmp_path.iterdir())


def test_vba_project_keeps_its_default_name(built):
    from pyopenvba import ExcelFile

    with ExcelFile(built) as book:
        assert book.vba_project().name == "VBAProject"
