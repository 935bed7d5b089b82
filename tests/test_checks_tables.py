"""toolkit/checks/tables.py: identifiers well formed, unique and of this province, finding by finding.

mutmut (make mutation, issue 21 item 6) left these alive: the rule's place, value and parameters, the
example it offers when the province or the period is unknown, and the rows after an empty or repeated ID.
"""

from builders import records, write_book
from test_checks import NEEDS, N, cell
from test_checks_exact import whole
from toolkit.validate import validate


def ids(tmp_path, values, info=None, name="ids.xlsx"):
    """A workbook whose NEEDS rows carry these IDs (rows 2, 3, ...), and its findings of the ID rules."""
    data = records(needs=len(values))
    for row, value in zip(data["needs"], values, strict=True):
        row["ma_de_xuat"] = value
    report = validate(write_book(tmp_path / name, info, data["needs"], data["register"]))
    return [whole(f) for f in report.findings if f.rule in ("duplicate-id", "id-format", "id-province-mismatch")]


def test_an_empty_id_is_passed_over_and_the_rows_after_it_are_checked(tmp_path):
    found = ids(tmp_path, [None, "bad"])
    where = (NEEDS, cell(N, "ma_de_xuat", 3), 3, "ma_de_xuat", "bad")
    assert found == [("id-format", "error", *where, {"example": "92-N2026-001"}, "")]


def test_a_repeated_id_names_the_first_cell_and_the_rows_after_it_are_checked(tmp_path):
    found = ids(tmp_path, ["92-N2026-002", " 92-n2026-002 ", "92-X2026-003"])
    first, again, bad = cell(N, "ma_de_xuat", 2), cell(N, "ma_de_xuat", 3), cell(N, "ma_de_xuat", 4)
    assert found == [
        ("duplicate-id", "error", NEEDS, again, 3, "ma_de_xuat", " 92-n2026-002 ", {"first": first}, ""),
        ("id-format", "error", NEEDS, bad, 4, "ma_de_xuat", "92-X2026-003", {"example": "92-N2026-001"}, ""),
    ]


def test_the_id_findings_read_in_both_languages(tmp_path):
    data = records(needs=3)
    data["needs"][1]["ma_de_xuat"] = data["needs"][0]["ma_de_xuat"]
    data["needs"][2]["ma_de_xuat"] = "93-N2026-003"
    report = validate(write_book(tmp_path / "x.xlsx", None, data["needs"], data["register"]))
    duplicate = next(f for f in report.findings if f.rule == "duplicate-id")
    assert duplicate.message_vi == 'Mã "92-N2026-001" bị trùng với ô B2.'
    assert duplicate.message_en == 'ID "92-N2026-001" duplicates cell B2.'
    mismatch = next(f for f in report.findings if f.rule == "id-province-mismatch")
    assert whole(mismatch) == (
        "id-province-mismatch",
        "error",
        NEEDS,
        cell(N, "ma_de_xuat", 4),
        4,
        "ma_de_xuat",
        "93-N2026-003",
        {"code": "93", "expected": "92"},
        "92-N2026-003",
    )
    assert mismatch.message_vi == 'Mã "93-N2026-003" mang mã tỉnh 93, nhưng tệp là của tỉnh 92.'
    assert mismatch.message_en == 'ID "93-N2026-003" carries province code 93, but the file is from province 92.'


def test_the_example_says_nn_and_yyyy_when_the_province_and_the_period_are_unknown(tmp_path):
    unknown = ids(tmp_path, ["bad"], info={"ma_tinh": "99", "ky_bao_cao": "2026-H3"})
    assert [f[7] for f in unknown] == [{"example": "NN-NYYYY-001"}]
    known = ids(tmp_path, ["bad"], name="known.xlsx")
    assert [f[7] for f in known] == [{"example": "92-N2026-001"}]
