"""Possible duplicate aid items across provinces: blocked, scored, each row paired once."""

from __future__ import annotations

from datetime import date

from toolkit.consolidation.duplicates import SAME_DECISION, SAME_DONOR_TITLE, Candidate, find_duplicates, title_key

PERIOD = "2026-H1"


def test_duplicates_are_blocked_and_pair_each_row_once():
    rows = [Candidate(str(p), PERIOD, "Oxfam", "Nước sạch cho trường học") for p in (10, 20, 30, 30)]
    rows.append(Candidate("40", PERIOD, "OXFAM.", "Nuoc sach cho truong hoc!"))
    rows.append(Candidate("50", PERIOD, "Plan", "Nước sạch cho trường học"))  # another donor
    rows.append(Candidate("60", "2025", "Oxfam", "Nước sạch cho trường học"))  # another period
    pairs = find_duplicates(rows)
    assert len(pairs) == 4  # five matching rows: k − 1 pairs, never k²
    assert {p.b for p in pairs} == {1, 2, 3, 4} and all(rows[p.a].province != rows[p.b].province for p in pairs)
    assert {p.reasons for p in pairs} == {(SAME_DONOR_TITLE,)} and {p.score for p in pairs} == {100.0}


def test_near_identical_titles_and_decisions():
    rows = [Candidate("82", PERIOD, "SNV", "Hỗ trợ sinh kế nuôi tôm bền vững xã Tân Phú", "12/QĐ-UBND",
                      date(2026, 1, 5)),
            Candidate("86", PERIOD, "snv", "Hỗ trợ sinh kế nuôi tôm bền vững tại xã Tân Phú"),
            Candidate("91", PERIOD, "Care", "Cứu trợ khẩn cấp", "12/QD-UBND", date(2026, 1, 5)),
            Candidate("92", PERIOD, "Care", "Something else entirely", "12/QĐ-UBND", date(2026, 2, 5))]
    pairs = {(p.a, p.b): p for p in find_duplicates(rows)}
    assert set(pairs) == {(0, 1), (0, 2)}
    assert pairs[(0, 1)].reasons == (SAME_DONOR_TITLE,) and 92 <= pairs[(0, 1)].score < 100
    assert pairs[(0, 2)].reasons == (SAME_DECISION,)
    assert title_key("Nước  sạch, Đồng Tháp") == "nuoc sach dong thap"
