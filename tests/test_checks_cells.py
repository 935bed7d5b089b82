"""toolkit/checks/cells.py: each cell rule's finding whole (place, value, parameters, both sentences) and its edges.

mutmut (make mutation, issue 21 item 6) left alive the headers and status the sentences name, the length
at its limit and the amounts at zero; these tests hold them.
"""

from test_checks import NEEDS, REGISTER, N, R, book, cell, set0
from test_checks_exact import only, rules, whole
from toolkit.validate import validate


def test_a_missing_value_names_its_header_in_both_languages(tmp_path):
    found = only(validate(book(tmp_path, needs_change=set0(dia_ban=None))), "missing-value")
    assert whole(found) == (
        "missing-value",
        "error",
        NEEDS,
        cell(N, "dia_ban"),
        2,
        "dia_ban",
        None,
        {"header": "Địa bàn", "header_en": "Location"},
        "",
    )
    assert found.message_vi == 'Ô bắt buộc "Địa bàn" đang trống.'
    assert found.message_en == 'Required cell "Location" is empty.'


def test_a_value_required_once_approved_names_its_header_and_the_status(tmp_path):
    found = only(validate(book(tmp_path, register_change=set0(so_qd=None))), "missing-when-approved")
    assert whole(found) == (
        "missing-when-approved",
        "error",
        REGISTER,
        cell(R, "so_qd"),
        2,
        "so_qd",
        None,
        {"header": "Số quyết định", "header_en": "Approval decision no.", "status": "Đang thực hiện"},
        "",
    )
    assert found.message_vi == '"Số quyết định" bắt buộc khi tình trạng là "Đang thực hiện".'
    assert found.message_en == '"Approval decision no." is required once the status is "Đang thực hiện".'


def test_a_text_of_the_limits_length_passes_and_one_more_character_is_too_long(tmp_path):
    at_limit = validate(book(tmp_path, needs_change=set0(ten_vi="x" * 300)))
    assert "too-long" not in rules(at_limit)
    over = only(validate(book(tmp_path, needs_change=set0(ten_vi="x" * 301), name="over.xlsx")), "too-long")
    assert whole(over) == (
        "too-long",
        "error",
        NEEDS,
        cell(N, "ten_vi"),
        2,
        "ten_vi",
        "x" * 301,
        {"length": 301, "limit": 300},
        "",
    )
    assert over.message_vi == "Dài 301 ký tự, vượt mức tối đa 300."
    assert over.message_en == "301 characters long, over the limit of 300."


def test_a_zero_amount_written_in_words_is_out_of_range_once_not_also_vnd(tmp_path):
    change = set0(tong_kinh_phi_usd=100_000, de_nghi_tai_tro_usd="0 triệu", von_doi_ung_usd=10_000)
    report = validate(book(tmp_path, needs_change=change))
    found = [f for f in report.findings if f.column == "de_nghi_tai_tro_usd"]
    assert [(f.rule, f.value, dict(f.params)) for f in found] == [("out-of-range", "0 triệu", {"bounds": "> 0"})]
