"""Row-level differences between two versions of a table, matched by ID.

One function, `diff_rows`, serves both the resubmission diff (a superseded file
against the latest one from the same province and period) and the `Thay đổi`
sheet (the previous consolidated workbook against this one); `continuity`
follows the rows still open in an earlier period into the next one.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from .. import schema

ADDED, REMOVED, CHANGED = "added", "removed", "changed"
#: Continuity across periods (issue #20): a row still open in the earlier period, in the later one.
UPDATED, UNCHANGED, GONE = "carried-updated", "carried-unchanged", "carried-gone"
KIND_LABEL = {
    ADDED: "Mới / New",
    REMOVED: "Đã xóa / Removed",
    CHANGED: "Thay đổi / Changed",
    UPDATED: "Chuyển tiếp, đã cập nhật / Carried, updated",
    UNCHANGED: "Chuyển tiếp, để nguyên cả kỳ — nên hỏi lại / Carried, left as it was for a whole "
    "period — worth a question",
    GONE: "Chuyển tiếp, biến mất khi chưa kết thúc / Carried, disappeared without being finished",
}
#: Not compared across periods: the row number, and the period's own disbursement (a new figure every period).
NOT_CARRIED = ("stt", "giai_ngan_ky_usd")


@dataclass(frozen=True)
class FieldChange:
    """One column whose value differs."""

    key: str
    old: Any
    new: Any


@dataclass(frozen=True)
class Change:
    """A row added, removed or changed, identified by its table and ID."""

    kind: str
    table: str  # schema table key: "needs" or "register"
    ident: str  # the row's ID as written ("" when it has none)
    old: Mapping[str, Any] | None
    new: Mapping[str, Any] | None
    fields: tuple[FieldChange, ...] = ()

    @property
    def row(self) -> Mapping[str, Any]:
        """The newest version of the row (the old one for a removed row)."""
        return self.new if self.new is not None else self.old or {}


def comparable(value: Any) -> Any:
    """A value in a form that compares equal however it was stored (blank, int or float, date or datetime)."""
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
        return text or None
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        number = float(value)
        return round(number, 6) if math.isfinite(number) else str(number)
    if isinstance(value, datetime):
        return value.date() if value.time() == datetime.min.time() else value
    if isinstance(value, date):
        return value
    try:  # Decimal and friends
        return round(float(value), 6)
    except (TypeError, ValueError):
        return str(value)


def row_keys(table: schema.Table, rows: Sequence[Mapping[str, Any]], scope: str = "_scope") -> list[tuple]:
    """A matching key per row: its ID (upper-cased) and which occurrence of that ID it is.

    Rows without an ID are matched by occurrence within their `scope` value (e.g. province and period),
    so two versions of the same file still line up.
    """
    seen: dict[tuple, int] = {}
    keys = []
    for row in rows:
        ident = comparable(row.get(table.id_key))
        base = (str(ident).upper(),) if ident is not None else ("", row.get(scope))
        n = seen.get(base, 0)
        seen[base] = n + 1
        keys.append((*base, n))
    return keys


def diff_rows(
    table: schema.Table,
    old: Iterable[Mapping[str, Any]],
    new: Iterable[Mapping[str, Any]],
    columns: Sequence[str] | None = None,
) -> list[Change]:
    """Rows new, removed or changed between `old` and `new`, by ID.

    :param table: the schema table (gives the ID column and the columns compared).
    :param old, new: rows as mappings from column key to value; other keys (provenance) are carried along.
    :param columns: column keys to compare (default: every column of the table).
    :returns: changes in the order of `new` (added and changed rows), then removed rows in the order of `old`.
    """
    old, new = list(old), list(new)
    compared = list(columns) if columns is not None else [c.key for c in table.columns]
    old_by_key = dict(zip(row_keys(table, old), old, strict=True))
    changes: list[Change] = []
    matched = set()
    for key, row in zip(row_keys(table, new), new, strict=True):
        ident = _ident(table, row)
        before = old_by_key.get(key)
        if before is None:
            changes.append(Change(ADDED, table.key, ident, None, row))
            continue
        matched.add(key)
        fields = tuple(
            FieldChange(k, before.get(k), row.get(k))
            for k in compared
            if comparable(before.get(k)) != comparable(row.get(k))
        )
        if fields:
            changes.append(Change(CHANGED, table.key, ident, before, row, fields))
    for key, row in old_by_key.items():
        if key not in matched:
            changes.append(Change(REMOVED, table.key, _ident(table, row), row, None))
    return changes


def continuity(table: schema.Table, old: Iterable[Mapping[str, Any]], new: Iterable[Mapping[str, Any]]) -> list[Change]:
    """The rows of an earlier period that were still open (schema.CARRIED_STATUSES), in a later one, by ID.

    Each is updated (some field changed), unchanged (every field as it was: a project whose disbursement
    did not move for a whole period is worth a question) or gone (no row of its ID, though it was not
    finished); the later rows whose ID is new are added. Rows finished or revoked earlier are not followed.
    :returns: updated and unchanged rows and added ones in the order of `new`, then gone ones in the order of `old`.
    """
    compared = [c.key for c in table.columns if c.key not in NOT_CARRIED]
    earlier = {str(comparable(r.get(table.id_key))).upper(): r for r in old if comparable(r.get(table.id_key))}
    followed = {k for k, r in earlier.items() if r.get("trang_thai") in schema.CARRIED_STATUSES[table.key]}
    changes, seen = [], set()
    for row in new:
        key = str(comparable(row.get(table.id_key))).upper()
        before = earlier.get(key)
        if before is None:
            changes.append(Change(ADDED, table.key, _ident(table, row), None, row))
        elif key in followed:
            seen.add(key)
            fields = tuple(
                FieldChange(k, before.get(k), row.get(k))
                for k in compared
                if comparable(before.get(k)) != comparable(row.get(k))
            )
            changes.append(Change(UPDATED if fields else UNCHANGED, table.key, _ident(table, row), before, row, fields))
    changes += [
        Change(GONE, table.key, _ident(table, earlier[k]), earlier[k], None)
        for k in earlier
        if k in followed and k not in seen
    ]
    return changes


def _ident(table: schema.Table, row: Mapping[str, Any]) -> str:
    value = row.get(table.id_key)
    return "" if value is None else str(value).strip()


def summary(changes: Iterable[Change]) -> dict[str, int]:
    """How many rows were added, removed and changed (and, across periods, carried rows updated, unchanged,
    gone: those keys only when there are such rows)."""
    counts = {ADDED: 0, REMOVED: 0, CHANGED: 0}
    for change in changes:
        counts[change.kind] = counts.get(change.kind, 0) + 1
    return counts
