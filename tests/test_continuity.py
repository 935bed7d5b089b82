"""The merge sees continuity: across periods, each carried row is updated, left as it was, or gone."""

from __future__ import annotations

from datetime import date

from openpyxl import load_workbook

from builders import records, write_book
from cluster import make_cluster
from toolkit import schema
from toolkit.consolidation.changes import GONE, KIND_LABEL, UNCHANGED, UPDATED
from toolkit.consolidation.consolidate import consolidate
from toolkit.status import status
from toolkit.template import template


def h1(path):
    rows = records(needs=6, register=14, seed=7)
    return write_book(path, None, rows["needs"], rows["register"])


def h2_from(previous, out):
    """The province's 2026-H2 file: the prefilled workbook with one project updated, one deleted, the rest
    left as they were."""
    template(out, period="2026-H2", previous=previous)
    wb = load_workbook(out)
    ws = wb[schema.REGISTER_SHEET.vi]
    header = [c.value for c in ws[1]]
    col = {c.key: header.index(c.vi) + 1 for c in schema.REGISTER.columns}
    ids = [ws.cell(r, col["ma_khoan"]).value for r in range(2, ws.max_row + 1) if ws.cell(r, col["ma_khoan"]).value]
    updated, gone = ids[0], ids[1]
    ws.cell(2, col["giai_ngan_luy_ke_usd"]).value = (ws.cell(2, col["giai_ngan_luy_ke_usd"]).value or 0) + 1500
    ws.cell(2, col["giai_ngan_ky_usd"]).value = 1500
    ws.delete_rows(3)
    wb.save(out)
    return updated, gone, ids[2:]


def kinds(changes, table="register"):
    out = {}
    for c in changes:
        if c.table == table:
            out.setdefault(c.kind, []).append(c.ident)
    return out


def test_against_the_previous_consolidation(tmp_path):
    (tmp_path / "h1").mkdir()
    (tmp_path / "h2").mkdir()
    previous = h1(tmp_path / "h1" / "92_2026-H1.xlsx")
    before = consolidate(tmp_path / "h1", tmp_path / "tong-hop_2026-H1.xlsx", period="2026-H1")
    updated, gone, same = h2_from(previous, tmp_path / "h2" / "92_2026-H2.xlsx")
    after = consolidate(tmp_path / "h2", tmp_path / "tong-hop_2026-H2.xlsx", period="2026-H2", previous=before.output)
    found = kinds(after.changes)
    assert found[UPDATED] == [updated] and found[GONE] == [gone] and found[UNCHANGED] == same
    assert "removed" not in found and "added" not in found  # a finished project is not "removed"
    change = next(c for c in after.changes if c.kind == UPDATED)
    assert [f.key for f in change.fields] == ["giai_ngan_luy_ke_usd"]
    rows = [[c.value for c in r] for r in load_workbook(after.output)[schema.CHANGES.vi].iter_rows()]
    shown = {(r[0], r[2]) for r in rows if r[0] in KIND_LABEL.values()}
    assert (KIND_LABEL[UPDATED], updated) in shown and (KIND_LABEL[GONE], gone) in shown
    assert {(KIND_LABEL[UNCHANGED], i) for i in same} <= shown
    assert "nên hỏi lại" in KIND_LABEL[UNCHANGED] and "worth a question" in KIND_LABEL[UNCHANGED]
    assert "1 đã cập nhật/updated" in after.to_text()


def test_from_the_ledger_without_previous(tmp_path):
    control = make_cluster(tmp_path, periods=("2026-H1", "2026-H2"), provinces=("92",))
    previous = h1(control.parent / "nop" / "92_2026-H1.xlsx")
    status(control, now="2026-07-10")  # the daily job receives it: now in the ledger, as accepted
    updated, gone, same = h2_from(previous, control.parent / "nop" / "92_2026-H2.xlsx")
    result = consolidate(None, control=control, period="2026-H2")
    found = kinds(result.changes)
    assert found[UPDATED] == [updated] and found[GONE] == [gone] and found[UNCHANGED] == same
    assert kinds(result.changes, "needs")[UNCHANGED]


def test_no_earlier_period_in_the_ledger_means_no_changes_sheet(tmp_path):
    control = make_cluster(tmp_path, provinces=("92",))
    h1(control.parent / "nop" / "92_2026-H1.xlsx")
    status(control, now=date(2026, 7, 10).isoformat())
    assert consolidate(None, control=control, period="2026-H1").changes is None
