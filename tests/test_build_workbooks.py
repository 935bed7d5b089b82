"""workbooks/*.xlsm as committed: every button runs a Sub that runs an entry point, and they are current."""

import inspect
import re
import zipfile
from pathlib import Path

import pytest
import xlwings

from toolkit import macros, schema
from toolkit.control import read_control
from toolkit.excel.build_workbooks import (
    CLUSTER_FILE,
    CONTROL_SHEET,
    EXPORT_FOLDER_KEY,
    PROVINCE_FILE,
    build_workbooks,
    vba_source,
)
from toolkit.excel.xlsm import read_buttons, read_vba_modules, xlwings_vba_version
from toolkit.validate import validate

WORKBOOKS = Path(__file__).resolve().parent.parent / "workbooks"
BUILT = {PROVINCE_FILE: "AidkitProvince", CLUSTER_FILE: "AidkitCluster"}
#: The note of issue #4: caption → Sub → RunPython target, per workbook.
EXPECTED = {
    PROVINCE_FILE: [
        (schema.INFO.vi, "Kiểm tra dữ liệu", "KiemTraDuLieu", "validate"),
        (schema.INFO.vi, "Xóa đánh dấu", "XoaDanhDau", "clear_marks"),
        (schema.INFO.vi, "Xuất file nộp", "XuatFileNop", "export_submission"),
        (schema.INFO.vi, "Xuất danh mục kêu gọi tài trợ", "XuatDanhMucTaiTro", "province_catalogue"),
        (schema.INFO.vi, "Tạo mẫu kỳ sau", "TaoMauKySau", "next_period"),
    ],
    CLUSTER_FILE: [
        (CONTROL_SHEET, "Tổng hợp", "TongHop", "consolidate"),
        (CONTROL_SHEET, "Tình trạng nộp", "TinhTrangNop", "submission_status"),
        (CONTROL_SHEET, "Gửi nhắc nhở", "GuiNhacNho", "send_reminders_now"),
        (CONTROL_SHEET, "Nhận bài nộp", "NhanBaiNop", "collect_submissions"),
        (CONTROL_SHEET, "Xuất danh mục kêu gọi tài trợ", "XuatDanhMucTaiTro", "cluster_catalogue"),
        (CONTROL_SHEET, "Báo cáo sơ kết", "BaoCaoSoKet", "review_report"),
        (CONTROL_SHEET, "Mở kỳ báo cáo", "MoKyBaoCao", "open_reporting_period"),
        (CONTROL_SHEET, "Cài việc hằng ngày", "CaiViecHangNgay", "install_daily_job"),
    ],
}
SUB = re.compile(r"(?ms)^\s*(?:Public\s+)?Sub\s+(\w+)\(\)(.*?)^\s*End Sub")
RUN_PYTHON = re.compile(r'^RunPython "import toolkit\.macros as m; m\.(\w+)\(\)"$')


def subs(path: Path) -> dict[str, str]:
    """Sub name → its body, for the modules built from macros/*.bas."""
    module = read_vba_modules(path)[BUILT[path.name]]
    return {name: body.strip() for name, body in SUB.findall(module)}


@pytest.fixture(scope="module", params=list(BUILT))
def built(request) -> Path:
    path = WORKBOOKS / request.param
    assert path.is_file(), f"{path} is missing: run: make workbooks"
    return path


def test_every_button_runs_a_sub_of_the_embedded_vba(built):
    buttons = read_buttons(built)
    assert buttons, "no buttons"
    assert {macro for _, _, macro in buttons} <= set(subs(built))


def test_every_sub_is_one_runpython_call_to_an_entry_point_taking_the_calling_book(built):
    for name, body in subs(built).items():
        match = RUN_PYTHON.match(body)
        assert match, f"Sub {name} is not one RunPython call into toolkit.macros: {body!r}"
        function = getattr(macros, match.group(1), None)
        assert callable(function), f"Sub {name} calls toolkit.macros.{match.group(1)}, which does not exist"
        signature = inspect.signature(function)
        signature.bind()  # RunPython passes no argument
        assert "book" in signature.parameters


def test_the_buttons_are_exactly_the_documented_ones(built):
    targets = {name: RUN_PYTHON.match(body).group(1) for name, body in subs(built).items()}
    assert [(sheet, caption, sub, targets[sub]) for sheet, caption, sub in read_buttons(built)] == EXPECTED[built.name]


def test_embedded_vba_is_the_source_in_macros(built):
    source = "\n".join(
        line for line in vba_source(BUILT[built.name]).splitlines() if not line.startswith("Attribute VB_")
    )
    assert read_vba_modules(built)[BUILT[built.name]].strip() == source.strip()


def test_embedded_xlwings_module_matches_the_installed_xlwings(built):
    assert xlwings_vba_version(built) == xlwings.__version__


def test_xlwings_conf_sheet_is_active_and_names_the_interpreter(built):
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(built))
    assert schema.XLWINGS_CONF.vi in book.sheet_names  # "_xlwings.conf" would be ignored by xlwings
    rows = book.get_sheet_by_name(schema.XLWINGS_CONF.vi).to_python()
    assert rows[0][:2] == ["Interpreter_Win", r"%LOCALAPPDATA%\aidkit\venv\Scripts\pythonw.exe"]
    assert all(row[0] for row in rows)  # xlwings reads keys from A1 down to the first empty cell
    assert EXPORT_FOLDER_KEY in [row[0] for row in rows]


def test_macro_enabled_content_type(built):
    with zipfile.ZipFile(built) as package:
        assert "application/vnd.ms-excel.sheet.macroEnabled.main+xml" in package.read("[Content_Types].xml").decode()


def test_committed_workbooks_are_current(tmp_path):
    fresh = build_workbooks(tmp_path)
    for path in fresh:
        committed = WORKBOOKS / path.name
        assert committed.is_file() and committed.read_bytes() == path.read_bytes(), (
            f"workbooks/{path.name} is out of date with the schema, macros/ or xlwings: run: make workbooks"
        )


def test_blank_provincial_template_validates_without_errors():
    report = validate(WORKBOOKS / PROVINCE_FILE)
    assert report.valid, [f.to_dict() for f in report.errors]
    assert not [f for f in report.findings if f.rule == "extra-sheet"]


def test_cluster_workbook_is_a_usable_control_workbook():
    control = read_control(WORKBOOKS / CLUSTER_FILE)
    assert [m.code for m in control.members] == ["82", "86", "91", "92", "96"]
    assert [str(d.period) for d in control.schedule] == ["2026-H1", "2026-H2"]
    assert not control.values.get("may_chu_smtp")  # mail is configured by the cluster, not shipped


@pytest.mark.office
def test_libreoffice_shows_the_buttons_with_their_captions(built, soffice_convert):
    with zipfile.ZipFile(soffice_convert(built, "ods")) as package:
        content = package.read("content.xml").decode()
    assert re.findall(r'form:label="([^"]*)"', content) == [caption for _, caption, _, _ in EXPECTED[built.name]]


@pytest.mark.office
def test_libreoffice_opens_both_workbooks(built, soffice_convert):
    from python_calamine import CalamineWorkbook

    converted = soffice_convert(built, "xlsx")
    assert CalamineWorkbook.from_path(str(converted)).sheet_names[0] == (
        schema.INSTRUCTIONS.vi if built.name == PROVINCE_FILE else CONTROL_SHEET
    )
