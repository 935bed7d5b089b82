"""Row-level differences between two versions of a table, matched by ID."""

from __future__ import annotations

from datetime import date, datetime

from toolkit import schema
from toolkit.consolidation.changes import ADDED, CHANGED, REMOVED, diff_rows

R = schema.REGISTER


def test_diff_rows_by_id_and_occurrence():
    old = [
        {"ma_khoan": "82-V2026-001", "gia_tri_usd": 10.0},
        {"ma_khoan": "82-V2026-002", "gia_tri_usd": 5},
        {"ma_khoan": None, "ten_vi": "x", "_scope": "a"},
    ]
    new = [
        {"ma_khoan": "82-V2026-001", "gia_tri_usd": 10},
        {"ma_khoan": "82-V2026-003", "gia_tri_usd": 5},
        {"ma_khoan": None, "ten_vi": "y", "_scope": "a"},
        {"ma_khoan": "82-v2026-003", "gia_tri_usd": 1},
    ]
    changes = diff_rows(R, old, new)
    assert [(c.kind, c.ident) for c in changes] == [
        (ADDED, "82-V2026-003"),
        (CHANGED, ""),
        (ADDED, "82-v2026-003"),
        (REMOVED, "82-V2026-002"),
    ]
    assert [(f.key, f.old, f.new) for f in changes[1].fields] == [("ten_vi", "x", "y")]


def test_diff_treats_dates_and_numbers_alike_however_stored():
    old = [{"ma_khoan": "1", "ngay_qd": datetime(2026, 1, 2), "stt": 3.0, "ghi_chu": ""}]
    new = [{"ma_khoan": "1", "ngay_qd": date(2026, 1, 2), "stt": 3, "ghi_chu": None}]
    assert diff_rows(R, old, new) == []
