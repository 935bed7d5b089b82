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


# --- the figures a report, the overview and the e-mail show, compared whole -----------------------------------

DUE_H1, DUE_H2, DUE_YEAR = date(2026, 7, 15), date(2027, 1, 15), date(2027, 1, 31)
VINH_LONG = schema.Province("86", "Tỉnh Vĩnh Long", "Vĩnh Long")


def source(name: str, received=datetime(2026, 7, 10), errors: int = 0, **rows) -> SourceFile:
    """A member's file as the consolidation holds it: its tables' rows and `errors` error findings."""
    from toolkit.findings import ERROR, Finding

    findings = [Finding("x", ERROR) for _ in range(errors)]
    return SourceFile(Path(name), name, "0" * 64, 1, received, findings=findings, rows=rows)


def member(period: str, province, file=None, due=None, member: bool = True) -> Entry:
    return Entry(period, province, province, file=file, member=member, due=due)


def consolidation(entries: list[Entry], cluster: str | None = "Cụm 5") -> ConsolidationResult:
    files = [e.file for e in entries if e.file is not None]
    return ConsolidationResult(Path("nop"), Path("out.xlsx"), None, cluster, files, entries, approval_days=20)


def held_need(status: str, usd) -> tuple:
    """A NEEDS row with one error: counted, but held out of the donor catalogue."""
    return (*need(status, usd)[:-1], 1)


def test_a_member_and_the_cluster_total_compared_whole():
    from toolkit.consolidation.figures import Figures

    ct = source(
        "92.xlsx",
        errors=2,
        register=[
            aid("a", usd=1_234.56, dossier=date(2026, 2, 1), decided=date(2026, 2, 11), giai_ngan_ky_usd=0.1),
        ],
        needs=[need("Mới đề xuất", 0.1), held_need("Đang vận động", 0.2)],
        activities=[act("h", date(2026, 3, 1), "Đoàn ra")],
    )
    cm = source(
        "96.xlsx",
        errors=1,
        register=[aid("b", usd=0.1, dossier=date(2026, 3, 1), decided=date(2026, 3, 31), giai_ngan_ky_usd=0.2)],
        needs=[held_need("Mới đề xuất", 1_000.005)],
        activities=[act("k", date(2026, 4, 1))],
    )
    entries = [member("2026-H1", VINH_LONG, due=DUE_H1), member("2026-H1", CAN_THO, ct, DUE_H1)]
    entries.append(member("2026-H1", CA_MAU, cm, DUE_H1))
    f = period_figures(consolidation(entries), "2026-H1", threshold=25)
    assert f.members == [
        Figures("86", "Vĩnh Long", "missing", 25),
        Figures("92", "Cần Thơ", "invalid", 25, "92.xlsx", 2, 2, 0.3, 1, 1_234.56, 0.1, (10,), ("Đoàn ra",), 1),
        Figures("96", "Cà Mau", "invalid", 25, "96.xlsx", 1, 1, 1_000.0, 1, 0.1, 0.2, (30,), ("Hội thảo",), 1),
    ]
    # the cluster: no code, no state, every sum to the cent (the members' amounts are in cents already)
    assert f.total == Figures(
        "", "Toàn cụm", "", 25, None, 3, 3, 1_000.3, 2, 1_234.66, 0.3, (10, 30), ("Đoàn ra", "Hội thảo"), 2
    )
    assert (f.threshold, f.due, f.cluster, f.today) == (25, DUE_H1, "Cụm 5", None)
    assert f.count("invalid", "late") == 2 and f.count("valid") == 0 and f.named("missing") == ["Vĩnh Long"]
    assert f.total.kind_count("Đoàn ra") == 1 and f.total.kind_count("Hội thảo") == 1
    assert [m.code for m in f.slow] == ["96"]  # 30 days on average, the threshold 25


def test_a_province_the_consolidation_could_not_name_is_still_a_member_of_its_own():
    """Two unknown codes are two members; a file naming no province is counted under no name."""
    unknown = [
        Entry("2026-H1", None, None, code_written="97", file=source("97.xlsx"), member=True),
        Entry("2026-H1", None, None, code_written="98", file=source("98.xlsx"), member=True),
        Entry("2026-H1", None, None, file=source("x.xlsx"), member=True),
        Entry("2026-H1", None, None, code_written="99", member=True),
    ]
    f = period_figures(consolidation(unknown, cluster=None), "2026-H1")
    assert [(m.code, m.name, m.state, m.file) for m in f.members] == [
        ("97", "97", "valid", "97.xlsx"),
        ("98", "98", "valid", "98.xlsx"),
        ("", "", "valid", "x.xlsx"),
        ("99", "99", "missing", None),
    ]
    assert (f.cluster, f.due) == ("", None)


def test_sectors_donors_and_countries_rank_the_approved_aid_by_usd_to_the_cent():
    day = date(2026, 3, 1)
    register = [
        aid("a", usd=39_370.0787, linh_vuc="Giáo dục", nha_tai_tro="KOICA", quoc_gia="Hàn Quốc", decided=day),
        aid("b", usd=1_000.0, linh_vuc="Y tế", nha_tai_tro="UNDP", quoc_gia=2026, decided=day),
        aid("c", usd=500.0, linh_vuc=None, nha_tai_tro="JICA", quoc_gia="Nhật Bản", decided=day),
        aid("d", usd=500.0, linh_vuc="Y tế", nha_tai_tro="JICA", quoc_gia="Nhật Bản", decided=day),
    ]
    f = period_figures(result_of(register), "2026-H1")
    assert f.sectors == [("Giáo dục", 1, 39_370.08), ("Y tế", 2, 1_500.0), ("(chưa rõ)", 1, 500.0)]
    assert f.donors == [("KOICA", 1, 39_370.08), ("JICA", 2, 1_000.0), ("UNDP", 1, 1_000.0)]  # a tie: by name
    assert f.countries == [("Hàn Quốc", 1, 39_370.08), ("(chưa rõ)", 1, 1_000.0), ("Nhật Bản", 2, 1_000.0)]


def test_the_ranking_counts_every_member_with_a_file_even_after_one_without():
    day = date(2026, 3, 1)
    ct = source("92.xlsx", register=[aid("a", usd=100.0, decided=day)], activities=[act("x", day)])
    cm = source("96.xlsx", register=[aid("b", usd=50.0, decided=day)], activities=[act("y", day, "Đoàn ra")])
    entries = [member("2026-H1", VINH_LONG), member("2026-H1", CAN_THO, ct), member("2026-H1", CA_MAU, cm)]
    entries.append(
        member("2026-H1", schema.Province("80", "Tỉnh Tây Ninh", "Tây Ninh"), source("80.xlsx"), member=False)
    )
    f = period_figures(consolidation(entries), "2026-H1")
    assert f.sectors == [("Y tế", 2, 150.0)] and [m.code for m in f.members] == ["86", "92", "96"]
    assert [(a.province, a.kind) for a in f.activities] == [("Cà Mau", "Đoàn ra"), ("Cần Thơ", "Hội thảo")]


def test_the_activities_of_the_report_as_typed():
    from toolkit.consolidation.figures import Activity

    rows = [
        (*act("b", date(2026, 5, 1))[:-2], 2, 0),
        act("a", date(2026, 2, 1)),
    ]
    full = dict(
        zip(
            [c.key for c in schema.ACTIVITIES.columns],
            [None, "a", date(2026, 2, 1), date(2026, 2, 3), "Đoàn vào", "Đức", "GIZ", "Tập huấn", 40, None, None],
            strict=True,
        )
    )
    rows[1] = (*full.values(), 3, 0)
    rows.append((*{**full, "ma_hoat_dong": "c", "ngay_ket_thuc": "03/02", "so_nguoi": "40"}.values(), 4, 0))
    f = period_figures(consolidation([member("2026-H1", CAN_THO, source("92.xlsx", activities=rows))]), "2026-H1")
    assert f.activities == [
        Activity("Cần Thơ", date(2026, 2, 1), date(2026, 2, 3), "Đoàn vào", "Đức", "GIZ", "Tập huấn", 40),
        Activity("Cần Thơ", date(2026, 2, 1), None, "Đoàn vào", "Đức", "GIZ", "Tập huấn", None),
        Activity("Cần Thơ", date(2026, 5, 1), None, "Hội thảo", "", "", "", None),
    ]


def test_the_action_items_say_why_and_when():
    from toolkit.consolidation.figures import ActionItem

    register = [
        aid("ends-on-expiry", het_han_gdk=date(2027, 6, 30), ngay_ket_thuc=date(2027, 6, 30)),
        aid("before-end", het_han_gdk=date(2027, 1, 31), ngay_ket_thuc=date(2027, 6, 30)),
        aid("soon", ten_vi=None, nha_tai_tro=None, het_han_gdk=date(2026, 9, 28)),
        aid("stale", "Đã phê duyệt", decided=date(2025, 12, 29)),
        aid("six-months", "Đã phê duyệt", decided=date(2025, 12, 30)),
        aid("disbursing", "Đã phê duyệt", decided=date(2025, 10, 1), giai_ngan_ky_usd=1_000.0),
        aid("today", "Chờ phê duyệt", dossier=date(2026, 6, 30)),
        aid("tomorrow", "Chờ phê duyệt", dossier=date(2026, 7, 1)),
    ]
    f = period_figures(result_of(register), "2026-H1")
    item = ("Cần Thơ",)
    assert f.expiring == [
        ActionItem(
            *item,
            "before-end",
            "Dự án before-end",
            "Oxfam",
            "Giấy đăng ký hết hạn 31/01/2027, trước khi dự án kết thúc (30/06/2027)",
        ),
        ActionItem(*item, "soon", "", "", "Giấy đăng ký hết hạn 28/09/2026"),
    ]
    assert f.stale == [ActionItem(*item, "stale", "Dự án stale", "Oxfam", "Phê duyệt ngày 29/12/2025, chưa giải ngân")]
    assert f.pending == [
        ActionItem(
            *item,
            "today",
            "Dự án today",
            "Oxfam",
            "Nhận đủ hồ sơ ngày 30/06/2026, đến ngày 30/06/2026 đã 0 ngày",
            0,
            date(2026, 6, 30),
        ),
        ActionItem(*item, "tomorrow", "Dự án tomorrow", "Oxfam", "Chưa đủ hồ sơ"),  # complete after the report's date
    ]
    later = period_figures(result_of(register), "2026-H1", today=date(2026, 7, 16))
    assert later.today == date(2026, 7, 16) and [a.days for a in later.pending] == [16, 15]


def year_of_two_halves() -> tuple[ConsolidationResult, ConsolidationResult]:
    """Cần Thơ sends both halves of 2026 and the year; Cà Mau only the halves (2025-H2 too); what the
    consolidation of 2026-H2 alone holds, and the consolidation of every period (in no particular order)."""
    aid_h1 = aid("a", usd=100.0, dossier=date(2026, 3, 1), decided=date(2026, 3, 11), ngay_bat_dau=date(2026, 4, 1))
    aid_h2 = aid("a", usd=120.0, dossier=date(2026, 3, 1), decided=date(2026, 3, 11), ngay_bat_dau=date(2026, 5, 1))
    cm_h1 = source(
        "96-H1.xlsx",
        register=[aid_h1, aid(None, usd=1.0, decided=date(2026, 2, 1))],
        activities=[act("t", date(2026, 3, 1)), act("u", date(2026, 4, 1))],
    )
    cm_h2 = source(
        "96-H2.xlsx",
        received=datetime(2027, 1, 20),
        register=[aid_h2, aid(None, usd=2.0, decided=date(2026, 8, 1)), aid("z", "Chờ phê duyệt", usd=7.0)],
        activities=[act("t", date(2026, 9, 1), "Đoàn ra"), act("u", date(2026, 4, 1), "Đoàn vào")],
    )
    ct_h1 = source("92-H1.xlsx", register=[aid("p", usd=1_000.0, decided=date(2026, 1, 5))])
    ct_h2 = source("92-H2.xlsx", register=[aid("q", usd=2_000.0, decided=date(2026, 7, 5))])
    ct_year = source("92-2026.xlsx", register=[aid("r", usd=5_000.0, decided=date(2026, 10, 5))])
    cm_before = source("96-2025.xlsx", register=[aid("o", usd=10.0, decided=date(2025, 8, 1))])
    everything = consolidation(
        [
            member("2026-H2", CA_MAU, cm_h2, DUE_H2),
            member("2026", CAN_THO, ct_year, DUE_YEAR),
            member("2026-H1", CA_MAU, cm_h1, DUE_H1),
            member("2026-H2", CAN_THO, ct_h2, DUE_H2),
            member("2026-H1", CAN_THO, ct_h1, DUE_H1),
            member("2025-H2", CA_MAU, cm_before, date(2026, 1, 15)),
            member("2025-H2", CAN_THO),
            member("2025-H1", CAN_THO),
        ]
    )
    h2 = consolidation([member("2026-H2", CAN_THO, ct_h2, DUE_H2), member("2026-H2", CA_MAU, due=DUE_H2)])
    return h2, everything


def test_an_annual_period_takes_the_year_s_file_else_both_halves_the_later_row_of_an_id():
    _, everything = year_of_two_halves()
    f = period_figures(everything, "2026")
    ct, cm = sorted(f.members, key=lambda m: m.code)
    assert (ct.file, ct.approved, ct.usd_approved, ct.state) == ("92-2026.xlsx", 1, 5_000.0, "valid")
    # Cà Mau: "a" as revised in H2 (its start date changed too), both rows without an ID, the late H2 file's state
    assert (cm.file, cm.state, cm.approved, cm.usd_approved, cm.days) == ("96-H2.xlsx", "late", 3, 123.0, (10,))
    # an activity typed again in H2 with another start date is another activity; one with the same date, the same
    assert sorted(cm.activity_kinds) == ["Hội thảo", "Đoàn ra", "Đoàn vào"]
    assert f.due == DUE_YEAR and f.sectors == [("Y tế", 4, 5_123.0)]
    assert [a.ident for a in f.pending] == ["z"] and [(a.start, a.kind) for a in f.activities] == [
        (date(2026, 3, 1), "Hội thảo"),
        (date(2026, 4, 1), "Đoàn vào"),
        (date(2026, 9, 1), "Đoàn ra"),
    ]
    assert period_figures(everything, "2026-H1").total.usd_approved == 1_101.0  # a half takes its own files only


def test_an_annual_period_over_halves_of_which_one_has_no_activities_table():
    h1 = source("92-H1.xlsx", register=[aid("a", usd=10.0, decided=date(2026, 3, 1))])
    h2 = source("92-H2.xlsx", activities=[act("x", date(2026, 9, 1))])
    f = period_figures(consolidation([member("2026-H1", CAN_THO, h1), member("2026-H2", CAN_THO, h2)]), "2026")
    assert (f.total.usd_approved, f.total.activity_kinds) == (10.0, ("Hội thảo",))


def test_one_file_counts_a_repeated_id_twice():
    rows = [aid("a", usd=10.0, decided=date(2026, 3, 1)), aid("a", usd=20.0, decided=date(2026, 3, 2))]
    assert period_figures(result_of(rows), "2026-H1").members[0].usd_approved == 30.0


def test_a_review_compares_the_period_the_year_before_and_the_year_so_far():
    from toolkit.consolidation.figures import review_figures
    from toolkit.control import Target

    h2, everything = year_of_two_halves()
    targets = {"92": Target("92", 2026, 10_000.0, 4, None), "96": Target("96", 2026, None, 2, 3)}
    day = date(2027, 2, 1)
    r = review_figures(h2, everything, "2026-H2", today=day, targets=targets, vnd_per_usd=25_000.0)
    assert (r.now.period, r.now.total.usd_approved, r.now.count("missing")) == (Period(2026, 2), 2_000.0, 1)
    assert (r.before.period, r.before.total.usd_approved, r.before.count("missing")) == (Period(2025, 2), 10.0, 1)
    assert (r.year.period, r.year.total.usd_approved) == (Period(2026), 5_123.0)
    assert (r.now.today, r.before.today, r.year.today) == (day, day, day)
    assert (r.targets, r.vnd_per_usd, r.year_figures) == (targets, 25_000.0, r.year)
    assert [r.target_share("92", w) for w in ("usd", "projects", "activities")] == [0.5, 0.25, None]
    assert [r.target_share("96", w) for w in ("usd", "projects", "activities")] == [None, 1.5, 1.0]
    assert [r.target_share("", w) for w in ("usd", "projects", "activities")] == [5_123.0 / 10_000, 4 / 6, 1.0]
    assert r.target_share("86", "usd") is None  # no target
    assert (
        review_figures(h2, everything, "2026-H2", targets={"86": Target("86", 2026, 1.0)}).target_share("86", "usd")
        is None
    )  # a target, but no member of the year

    year = review_figures(h2, everything, "2026")  # the year from every period's consolidation
    assert (year.now.period, year.now.total.usd_approved, year.year, year.year_figures) == (
        Period(2026),
        5_123.0,
        None,
        year.now,
    )
    assert (year.before.period, year.before.total.usd_approved) == (Period(2025), 10.0)  # 2025 from its halves
    assert (year.targets, year.vnd_per_usd) == ({}, None)
    first = review_figures(h2, everything, "2026-H1")
    assert (first.now.total.usd_approved, first.before, first.year) == (0.0, None, None)  # 2025-H1: no file
    alone = review_figures(h2, None, "2026-H2")
    assert (alone.now.total.usd_approved, alone.before, alone.year) == (2_000.0, None, None)
