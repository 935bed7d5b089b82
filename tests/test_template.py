"""The generated standard workbook: structure, help for the user, and a clean validation."""

import csv
import zipfile

import pytest
from openpyxl import load_workbook

from toolkit import schema
from toolkit.template import template
from toolkit.validate import validate


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    return template(tmp_path_factory.mktemp("tpl") / "92_2026-H1.xlsx", "92", "2026-H1")


def test_sheets_and_prefilled_info(generated):
    wb = load_workbook(generated)
    assert wb.sheetnames == [
        "Hướng dẫn",
        "Thông tin",
        "Danh mục",
        "Nhu cầu tài trợ",
        "Dự án PCPNN",
        "Hoạt động đối ngoại",
    ]
    assert wb["Danh mục"].sheet_state == "hidden"
    info = {row[0].value: row[1].value for row in wb["Thông tin"].iter_rows()}
    assert info["Mã tỉnh"] == "92" and info["Tên tỉnh"] == "Cần Thơ" and info["Kỳ báo cáo"] == "2026-H1"
    assert info["Phiên bản mẫu"] == schema.TEMPLATE_VERSION
    assert "HƯỚNG DẪN" in wb["Hướng dẫn"]["A1"].value and "INSTRUCTIONS" in wb["Hướng dẫn"]["B1"].value


def test_tables_have_headers_formats_and_frozen_panes(generated):
    wb = load_workbook(generated)
    for table in schema.TABLES:
        ws = wb[table.sheet.vi]
        assert [c.value for c in ws[1]] == [c.vi for c in table.columns]
        assert ws.freeze_panes == "A2"
        assert ws[1][0].font.b
        widths = {i: dim.width for dim in ws.column_dimensions.values() for i in range(dim.min, dim.max + 1)}
        for i, column in enumerate(table.columns, start=1):
            assert widths[i] >= column.width, column.key
    xml = zipfile.ZipFile(generated).read("xl/styles.xml").decode()
    assert "#,##0.00" in xml and "dd/mm/yyyy" in xml and 'formatCode="#,##0"' in xml


def test_dropdowns_cover_every_vocabulary_and_headers_have_input_messages(generated):
    wb = load_workbook(generated)
    for table in schema.TABLES:
        ws = wb[table.sheet.vi]
        validations = ws.data_validations.dataValidation
        lists = {str(v.sqref).split(":")[0]: v for v in validations if v.type == "list"}
        for i, column in enumerate(table.columns):
            letter = ws.cell(1, i + 1).column_letter
            if column.type in (schema.ENUM, schema.SECTOR, schema.COUNTRY, schema.CURRENCY):
                assert f"{letter}2" in lists, column.key
                assert "Danh mục" in lists[f"{letter}2"].formula1
            header = [v for v in validations if str(v.sqref) == f"{letter}1"]
            assert header and header[0].showInputMessage and header[0].prompt, column.key
    lists_sheet = wb["Danh mục"]
    column_values = {
        lists_sheet.cell(1, c).value: [
            lists_sheet.cell(r, c).value for r in range(2, 40) if lists_sheet.cell(r, c).value
        ]
        for c in range(1, lists_sheet.max_column + 1)
    }
    assert column_values["hinh_thuc"] == list(schema.AID_FORMS)
    assert column_values["trang_thai_register"] == list(schema.REGISTER_STATUSES)
    with open(schema.__file__.replace("schema.py", "data/sectors.csv"), encoding="utf-8") as f:
        assert column_values["sector"] == [r["label_vi"] for r in csv.DictReader(f)]


def test_blank_template_validates_with_no_error(generated, tmp_path):
    report = validate(generated)
    assert report.valid and report.errors == []
    generic = validate(template(tmp_path / "blank.xlsx"))
    assert generic.valid


def test_old_province_for_old_period(tmp_path):
    wb = load_workbook(template(tmp_path / "95.xlsx", "95", "2024"))
    assert wb["Thông tin"]["B2"].value == "Bạc Liêu"
    with pytest.raises(ValueError):
        template(tmp_path / "x.xlsx", "95", "2026-H1")


def test_template_is_reproducible(tmp_path):
    a = template(tmp_path / "a.xlsx", "92", "2026-H1").read_bytes()
    b = template(tmp_path / "b.xlsx", "92", "2026-H1").read_bytes()
    assert a == b


@pytest.mark.office
def test_template_opens_in_libreoffice(generated, soffice_convert):
    out = soffice_convert(generated, "xlsx")
    wb = load_workbook(out)
    assert "Nhu cầu tài trợ" in wb.sheetnames and wb["Thông tin"]["B1"].value == "92"
