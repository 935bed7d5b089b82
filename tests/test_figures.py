"""toolkit.consolidation.figures on rows built here one by one: what counts as approved in the period, lead times,
the lists that need action, and a member with no file."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from toolkit import schema
from toolkit.consolidation.figures import approved_in, lead_days, period_figures
from toolkit.consolidation.result import ConsolidationResult, Entry, SourceFile
from toolkit.periods import Period

H1 = Period(2026, 1)
CAN_THO = schema.Province("92", "Thành phố Cần Thơ", "Cần Thơ")
CA_MAU = schema.Province("96", "Tỉnh Cà Mau", "Cà Mau")


def aid(ident: str, status: str = "Đang thực hiện", usd=10_000.0, dossier=None, decided=None, **more) -> tuple:
    """A REGISTER row as the consolidation holds it: values in schema order, then source row and errors."""
    values = {
        "ma_khoan": ident,
        "ten_vi": f"Dự án {ident}",
        "nha_tai_tro": "Oxfam",
        "quoc_gia": "Anh",
        "linh_vuc": "Y tế",
        "trang_thai": status,
        "gia_tri_usd": usd,
        "ngay_nhan_hs": dossier,
        "ngay_qd": decided,
        **more,
    }
    return (*(values.get(c.key) for c in schema.REGISTER.columns), 2, 0)


def need(status: str, usd) -> tuple:
    values = {"trang_thai": status, "de_nghi_tai_tro_usd": usd}
    return (*(values.get(c.key) for c in schema.NEEDS.columns), 2, 0)


def result_of(register: list[tuple], needs: list[tuple] = (), received=datetime(2026, 7, 10)) -> ConsolidationResult:
    f = SourceFile(Path("92.xlsx"), "92.xlsx", "0" * 64, 1, received, rows={"register": register, "needs": list(needs)})
    entries = [
        Entry("2026-H1", CAN_THO, CAN_THO, file=f, member=True, due=date(2026, 7, 15)),
        Entry("2026-H1", CA_MAU, CA_MAU, member=True, due=date(2026, 7, 15)),
    ]
    return ConsolidationResult(Path("nop"), Path("out.xlsx"), "2026-H1", "Cụm 5", [f], entries, approval_days=20)


def test_approved_in_the_period_means_an_approved_status_and_a_decision_date_within_it():
    rows = [
        aid("first-day", decided=date(2026, 1, 1)),
        aid("last-day", "Đã kết thúc", decided=date(2026, 6, 30)),
        aid("after", decided=date(2026, 7, 1)),
        aid("before", decided=date(2025, 12, 31)),
        aid("revoked", "Bị thu hồi", decided=date(2026, 3, 1)),
        aid("waiting", "Chờ phê duyệt", decided=date(2026, 3, 1)),
        aid("no-date", decided=None),
        aid("text-date", decided="31/02/2026"),
    ]
    assert [r[1] for r in approved_in(rows, H1)] == ["first-day", "last-day"]


def test_lead_days_need_both_dates_in_order():
    rows = [
        aid("a", dossier=date(2026, 2, 1), decided=date(2026, 2, 11)),
        aid("b", dossier=date(2026, 2, 11), decided=date(2026, 2, 1)),
        aid("c", dossier=None, decided=date(2026, 2, 1)),
    ]
    assert lead_days(rows) == [10]


def test_member_and_cluster_figures():
    register = [
        aid("a", usd=100_000.0, dossier=date(2026, 2, 1), decided=date(2026, 2, 11), giai_ngan_ky_usd=5_000.0),
        aid("b", usd=50_000.0, dossier=date(2026, 3, 1), decided=date(2026, 3, 26)),
        aid("c", usd="n/a", dossier=date(2026, 4, 1), decided=date(2026, 4, 16), giai_ngan_ky_usd=2_500.0),
        aid("old", usd=70_000.0, decided=date(2025, 5, 1), giai_ngan_ky_usd=1_000.0),
    ]
    needs = [
        need("Mới đề xuất", 20_000.0),
        need("Đang vận động", 30_000.0),
        need("Đã phê duyệt", 99_000.0),
        need("Dừng", 1_000.0),
    ]
    f = period_figures(result_of(register, needs), "2026-H1")
    ct, cm = f.members
    assert (ct.state, cm.state) == ("valid", "missing") and not cm.submitted
    assert (ct.open_needs, ct.usd_open_needs) == (2, 50_000.0)
    assert (ct.approved, ct.usd_approved) == (3, 150_000.0)  # the text amount is counted, not summed
    assert ct.usd_disbursed == 8_500.0  # every row's disbursement in the period, the old one's too
    assert ct.days == (10, 25, 15) and ct.mean_days == pytest.approx(50 / 3) and ct.within_share == pytest.approx(2 / 3)
    assert ct.median_days == 15 and not ct.median_differs  # 15 against a mean of 16.7: the mean alone is said
    assert f.total.mean_days == pytest.approx(50 / 3) and f.total.approved == 3 and f.count("missing") == 1
    assert f.slow == [] and f.sectors == [("Y tế", 3, 150_000.0)]


def test_a_late_file_is_late():
    f = period_figures(result_of([], received=datetime(2026, 7, 16, 9)), "2026-H1")
    assert f.members[0].state == "late" and f.named("late") == ["Cần Thơ"]


def test_the_lists_that_need_action():
    register = [
        aid("expires-before-end", het_han_gdk=date(2027, 1, 31), ngay_ket_thuc=date(2027, 6, 30)),
        aid("expires-soon", het_han_gdk=date(2026, 9, 28), ngay_ket_thuc=date(2026, 9, 1)),
        aid("expires-later", het_han_gdk=date(2026, 10, 1), ngay_ket_thuc=date(2026, 9, 1)),
        aid("finished", "Đã kết thúc", het_han_gdk=date(2026, 7, 1), ngay_ket_thuc=date(2026, 12, 1)),
        aid("stale", "Đã phê duyệt", decided=date(2025, 12, 29)),
        aid("recent", "Đã phê duyệt", decided=date(2026, 1, 2)),
        aid("disbursed", "Đã phê duyệt", decided=date(2025, 10, 1), giai_ngan_luy_ke_usd=1_000.0),
        aid("waiting", "Chờ phê duyệt", dossier=date(2026, 6, 20)),
        aid("incomplete", "Chờ phê duyệt"),
    ]
    f = period_figures(result_of(register), "2026-H1")
    assert [a.ident for a in f.expiring] == ["expires-before-end", "expires-soon"]  # 90 days after 30/06: 28/09
    assert [a.ident for a in f.stale] == ["stale"]  # six months before 30/06 is 30/12/2025
    assert [(a.ident, a.why) for a in f.pending] == [
        ("waiting", "Nhận đủ hồ sơ ngày 20/06/2026, đến ngày 30/06/2026 đã 10 ngày"),
        ("incomplete", "Chưa đủ hồ sơ"),
    ]
    later = period_figures(result_of(register), "2026-H1", today=date(2026, 7, 16))  # the report's date
    assert later.pending[0].days == 26 and "đến ngày 16/07/2026 đã 26 ngày" in later.pending[0].why
    assert [a.ident for a in later.overdue] == ["waiting"] and f.overdue == []  # beyond the 20 days by then
    assert all(a.province == "Cần Thơ" for a in f.expiring + f.stale + f.pending)


def act(ident: str, start, kind: str = "Hội thảo") -> tuple:
    """An ACTIVITIES row as the consolidation holds it."""
    values = {"ma_hoat_dong": ident, "ngay_bat_dau": start, "loai_hoat_dong": kind}
    return (*(values.get(c.key) for c in schema.ACTIVITIES.columns), 2, 0)


def test_a_decision_on_the_day_the_dossier_was_complete_takes_zero_days():
    assert lead_days([aid("same-day", dossier=date(2026, 3, 2), decided=date(2026, 3, 2))]) == [0]


def test_activities_count_from_the_first_to_the_last_day_of_the_period():
    from toolkit.consolidation.figures import member_figures

    f = SourceFile(
        Path("92.xlsx"),
        "92.xlsx",
        "0" * 64,
        1,
        datetime(2026, 7, 10),
        rows={
            "activities": [
                act("first", date(2026, 1, 1)),
                act("last", date(2026, 6, 30), "Đoàn ra"),
                act("before", date(2025, 12, 31)),
                act("after", date(2026, 7, 1)),
                act("text", "01/03/2026"),
                act("none", None),
            ]
        },
    )
    entry = Entry("2026-H1", CAN_THO, CAN_THO, file=f, member=True, due=date(2026, 7, 15))
    assert member_figures([entry], H1, 20).activity_kinds == ("Hội thảo", "Đoàn ra")


def test_the_figures_of_one_entry_are_those_of_its_own_period():
    from toolkit.consolidation.figures import entry_figures

    register = [
        aid("in", usd=40_000.0, dossier=date(2026, 2, 1), decided=date(2026, 2, 21)),
        aid("out", usd=60_000.0, decided=date(2026, 8, 1)),
    ]
    entry = result_of(register).entries[0]
    f = entry_figures(entry, 20)
    assert (f.file, f.approved, f.usd_approved, f.days, f.within_share) == ("92.xlsx", 1, 40_000.0, (20,), 1.0)
    undated = Entry(None, CAN_THO, CAN_THO, file=entry.file, member=True, due=date(2026, 7, 15))
    assert (entry_figures(undated, 20).file, entry_figures(undated, 20).approved) == (None, 0)  # no period: none


def test_an_amount_typed_as_a_whole_number_counts_in_the_sectors():
    day = date(2026, 3, 1)
    register = [
        aid("a", usd=100_000, decided=day),
        aid("b", usd=50_000.0, linh_vuc="Giáo dục", decided=day),
        aid("c", usd="100000", linh_vuc="Giáo dục", decided=day),
    ]
    f = period_figures(result_of(register), "2026-H1")
    assert f.sectors == [("Y tế", 1, 100_000.0), ("Giáo dục", 2, 50_000.0)]


def test_months_before_keeps_the_day_or_takes_the_last_of_a_shorter_month():
    from toolkit.consolidation.figures import _months_before

    assert _months_before(date(2026, 12, 31), 3) == date(2026, 9, 30)
    assert _months_before(date(2026, 3, 31), 1) == date(2026, 2, 28)
    assert _months_before(date(2026, 6, 30), 6) == date(2025, 12, 30)
    assert _months_before(date(2026, 1, 15), 13) == date(2024, 12, 15)
