"""Possible duplicate aid items across provinces: blocked, scored, as groups with each row once."""

from __future__ import annotations

from datetime import date

from toolkit.consolidation.duplicates import SAME_DECISION, SAME_DONOR_TITLE, Candidate, find_duplicates, title_key

PERIOD = "2026-H1"


def test_duplicates_come_as_one_group_with_each_row_once():
    rows = [Candidate(str(p), PERIOD, "Oxfam", "Nước sạch cho trường học") for p in (10, 20, 30, 30)]
    rows.append(Candidate("40", PERIOD, "OXFAM.", "Nuoc sach cho truong hoc!"))
    rows.append(Candidate("50", PERIOD, "Plan", "Nước sạch cho trường học"))  # another donor
    rows.append(Candidate("60", "2025", "Oxfam", "Nước sạch cho trường học"))  # another period
    members = find_duplicates(rows)
    assert [m.row for m in members] == [0, 1, 2, 3, 4]  # five matching rows: five lines, never k² pairs
    assert {m.group for m in members} == {1} and {m.size for m in members} == {5}
    assert {m.reasons for m in members} == {(SAME_DONOR_TITLE,)} and {m.score for m in members} == {100.0}


def test_near_identical_titles_and_decisions_join_one_group():
    rows = [
        Candidate("82", PERIOD, "SNV", "Hỗ trợ sinh kế nuôi tôm bền vững xã Tân Phú", "12/QĐ-UBND", date(2026, 1, 5)),
        Candidate("86", PERIOD, "snv", "Hỗ trợ sinh kế nuôi tôm bền vững tại xã Tân Phú"),
        Candidate("91", PERIOD, "Care", "Cứu trợ khẩn cấp", "12/QD-UBND", date(2026, 1, 5)),
        Candidate("92", PERIOD, "Care", "Something else entirely", "12/QĐ-UBND", date(2026, 2, 5)),
    ]
    members = {m.row: m for m in find_duplicates(rows)}
    assert set(members) == {0, 1, 2} and {m.group for m in members.values()} == {1}
    assert members[0].reasons == (SAME_DONOR_TITLE, SAME_DECISION) and members[0].size == 3
    assert members[1].reasons == (SAME_DONOR_TITLE,) and 92 <= members[1].score < 100
    assert members[2].reasons == (SAME_DECISION,)
    assert title_key("Nước  sạch, Đồng Tháp") == "nuoc sach dong thap"


def test_a_chain_of_near_identical_titles_grows_with_the_rows():
    titles = [f"Xây dựng trường mẫu giáo xã Tân Phú {'A' * n}" for n in range(1, 4)]
    rows = [Candidate(str(10 + i), PERIOD, "SNV", titles[i % 3]) for i in range(60)]
    members = find_duplicates(rows)
    assert len(members) == len({m.row for m in members}) <= len(rows)
    groups = {m.group for m in members}
    assert sum(1 for m in members if m.group == min(groups)) == members[0].size
