"""`aidkit template --from`: the next period's workbook starts with what is still open in the last one."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from builders import records, write_book
from toolkit import schema
from toolkit.cli import cli
from toolkit.reader import read_workbook
from toolkit.template import CARRIED_FILL, UPDATE_FILL
from toolkit.validate import validate

#: Need statuses set on the sample's needs in turn: open (2), funded (2), withdrawn.
NEED_STATUSES = ("Mới đề xuất", "Đang vận động", "Đã có nhà tài trợ", "Đã phê duyệt", "Dừng")


def h1_submission(path, **info):
    """A 2026-H1 submission with running, pending, suspended, finished and revoked projects and
    open, funded and withdrawn needs."""
    rows = records(needs=15, register=40, seed=7)
    for i, need in enumerate(rows["needs"]):
        need["trang_thai"] = NEED_STATUSES[i % len(NEED_STATUSES)]
    return write_book(path, info, rows["needs"], rows["register"])


@pytest.fixture(scope="module")
def carried(tmp_path_factory):
    folder = tmp_path_factory.mktemp("next")
    previous = h1_submission(folder / "92_2026-H1.xlsx")
    out = folder / "92_2026-H2.xlsx"
    result = CliRunner().invoke(cli, ["template", "--from", str(previous), "--period", "2026-H2", "-o", str(out)])
    assert result.exit_code == 0, result.output
    return previous, out


#: The tables whose open rows carry (an activity belongs to its own period and never carries).
CARRIED_TABLES = [t for t in schema.TABLES if schema.CARRIED_STATUSES[t.key]]


def by_id(path, table):
    data = read_workbook(path).tables[table]
    key = schema.TABLE_BY_KEY[table].id_key
    return {r.get(key): {k: c.value for k, c in r.cells.items()} for r in data.records}


def test_the_sample_has_every_kind_of_row():
    rows = records(needs=15, register=40, seed=7)
    statuses = {r["trang_thai"] for r in rows["register"]}
    assert {"Đang thực hiện", "Đã kết thúc", "Bị thu hồi", "Chờ phê duyệt"} <= statuses


def test_exactly_the_open_rows_carry_with_every_field_equal(carried):
    previous, out = carried
    assert [t.key for t in CARRIED_TABLES] == ["needs", "register"]
    assert by_id(out, "activities") == {}  # the new period's activities are its own
    for table in CARRIED_TABLES:
        before, after = by_id(previous, table.key), by_id(out, table.key)
        expected = [i for i, r in before.items() if r["trang_thai"] in schema.CARRIED_STATUSES[table.key]]
        assert list(after) == expected and 0 < len(expected) < len(before)
        for ident in expected:
            old = dict(before[ident])
            if table.key == "register":  # the new period's own disbursement starts empty; to date is the opening
                assert "giai_ngan_ky_usd" not in after[ident]
                old.pop("giai_ngan_ky_usd", None)
            assert after[ident] == old, ident
    statuses = {r["trang_thai"] for r in by_id(out, "register").values()}
    assert not statuses & {"Đã kết thúc", "Bị thu hồi"}
    assert {r["trang_thai"] for r in by_id(out, "needs").values()} == {"Mới đề xuất", "Đang vận động"}


def test_info_carries_province_preparer_and_email_in_the_new_version(carried):
    previous, out = carried
    old, new = read_workbook(previous), read_workbook(out)
    for key in ("ma_tinh", "nguoi_lap", "email"):
        assert new.info_value(key) == old.info_value(key)
    assert new.info_value("ky_bao_cao") == "2026-H2" and new.info_value("phien_ban_mau") == schema.TEMPLATE_VERSION


def test_every_carried_row_is_marked_and_the_sheet_says_what_to_update(carried):
    _, out = carried
    wb = load_workbook(out)
    for table in CARRIED_TABLES:
        ws = wb[table.sheet.vi]
        header = [c.value for c in ws[1]]
        id_col = header.index(table.column(table.id_key).vi)
        rows = [r for r in ws.iter_rows(min_row=2) if r[id_col].value]
        assert rows
        for row in rows:
            assert row[id_col].comment and "2026-H1" in row[id_col].comment.text
            for column, cell in zip(table.columns, row, strict=False):
                fill = UPDATE_FILL if column.key in schema.UPDATED_EACH_PERIOD[table.key] else CARRIED_FILL
                assert cell.fill.fgColor.rgb[-6:] == fill[1:], (column.key, cell.coordinate)
        note = ws.cell(1, id_col + 1).comment.text
        assert "2026-H1" in note and table.column("trang_thai").vi in note
    instructions = " ".join(str(c.value) for row in wb[schema.INSTRUCTIONS.vi].iter_rows() for c in row if c.value)
    assert "chuyển sang từ kỳ 2026-H1" in instructions and "carried from 2026-H1" in instructions


def test_the_prefilled_workbook_validates_and_carried_warnings_stay_warnings(carried):
    previous, out = carried
    before, after = validate(previous), validate(out)
    assert before.valid and after.valid, after.to_text()
    carried_ids = set(by_id(out, "register")) | set(by_id(out, "needs"))
    ident = {t.sheet.vi: t.id_key for t in schema.TABLES}

    def warnings_on_carried(report, path):
        rows = {
            (t.sheet.vi, r.row): r.get(t.id_key)
            for t in CARRIED_TABLES
            for r in read_workbook(path).tables[t.key].records
        }
        return {
            (f.rule, rows.get((f.sheet, f.row)))
            for f in report.warnings
            if f.sheet in ident and rows.get((f.sheet, f.row)) in carried_ids
        }

    assert warnings_on_carried(before, previous) <= warnings_on_carried(after, out)


def test_an_older_version_with_english_headers_becomes_the_current_version(tmp_path):
    rows = records(needs=4, register=6, seed=12)
    headers = {t.key: [c.en for c in t.columns] for t in schema.TABLES}
    previous = write_book(
        tmp_path / "old.xlsx", {"phien_ban_mau": "1.0"}, rows["needs"], rows["register"], headers=headers
    )
    out = tmp_path / "new.xlsx"
    result = CliRunner().invoke(cli, ["template", "--from", str(previous), "-k", "2026-H2", "-o", str(out)])
    assert result.exit_code == 0, result.output
    wb = load_workbook(out)
    assert [c.value for c in wb[schema.REGISTER_SHEET.vi][1]] == [c.vi for c in schema.REGISTER.columns]
    assert read_workbook(out).info_value("phien_ban_mau") == schema.TEMPLATE_VERSION
    assert "template-version-old" in {f.rule for f in validate(previous).findings}
    assert "template-version-old" not in {f.rule for f in validate(out).findings}


@pytest.mark.parametrize("case", ["invalid", "other-province", "same-period", "later-period", "no-period"])
def test_refused_with_one_sentence_naming_the_file(tmp_path, case):
    previous = h1_submission(tmp_path / "92_2026-H1.xlsx", **({"email": "mai@@tran"} if case == "invalid" else {}))
    out = tmp_path / "out.xlsx"
    args = {
        "invalid": ["-k", "2026-H2"],
        "other-province": ["-k", "2026-H2", "-p", "86"],
        "same-period": ["-k", "2026-H1"],
        "later-period": ["-k", "2025-H2"],
        "no-period": [],
    }[case]
    result = CliRunner().invoke(cli, ["template", "--from", str(previous), "-o", str(out), *args])
    assert result.exit_code == 2 and not out.exists()
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 2 and all("92_2026-H1.xlsx" in line for line in lines), result.output
    assert "Traceback" not in result.output


def test_the_instructions_are_numbered_once_each_and_print_wrapped_at_full_size(carried):
    _, out = carried
    ws = load_workbook(out)[schema.INSTRUCTIONS.vi]
    numbered = [(c.value, ws.cell(c.row, 2)) for c in ws["A"] if str(c.value or "")[:2].rstrip(".").isdigit()]
    assert [int(text.split(".")[0]) for text, _ in numbered] == list(range(1, 10))  # 9: the carried rows
    assert [str(en.value).split(".")[0] for _, en in numbered] == [str(n) for n in range(1, 10)]
    for text, en in numbered:  # both languages wrap inside their column, and the row is tall enough for them
        assert ws.cell(en.row, 1).alignment.wrap_text and en.alignment.wrap_text
        lines = -(-max(len(text), len(str(en.value))) // 95)  # ceiling
        assert (ws.row_dimensions[en.row].height or 15) >= 15 * lines, en.row
    assert ws.page_setup.orientation == "landscape" and ws.column_dimensions["A"].width < 80
