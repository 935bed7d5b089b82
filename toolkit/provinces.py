"""Province codes, which mean different provinces before and after 1 July 2025."""

from __future__ import annotations

from datetime import date
from functools import cache

from .schema import Province, merger
from .text import fold

MERGER_DATE = date(2025, 7, 1)


@cache
def provinces_on(day: date) -> dict[str, Province]:
    """Code → province for the list in force on that day (63 before the merger, 34 after)."""
    rows = merger()
    if day < MERGER_DATE:
        return {r.old.code: r.old for r in rows}
    return {r.new.code: r.new for r in rows}


def province(code: str, day: date) -> Province | None:
    """The province a code meant on that day, or None."""
    return provinces_on(day).get(str(code).strip().zfill(2))


def province_named(text: str, day: date) -> Province | None:
    """The province whose code, name or short name (with or without diacritics) is `text` on that day."""
    return province(text, day) or next((p for p in provinces_on(day).values() if name_matches(p, text)), None)


def current_province(code: str, day: date) -> Province | None:
    """Re-attribute a code as written on `day` to its province after the 2025 merger."""
    if day >= MERGER_DATE:
        return province(code, day)
    for row in merger():
        if row.old.code == str(code).strip().zfill(2):
            return row.new
    return None


_PREFIXES = ("thanhpho", "tinh", "tp")


def name_key(name: str) -> str:
    """A province name folded for comparison: no "Tỉnh", "Thành phố", "TP.", diacritics or case."""
    key = fold(name)
    for prefix in _PREFIXES:
        if key.startswith(prefix) and len(key) > len(prefix) + 2:
            return key[len(prefix) :]
    return key


def name_matches(province_: Province, name: str) -> bool:
    """Whether a written name (e.g. "TP. Cần Thơ", "Can Tho") names this province."""
    return name_key(name) in {name_key(province_.name), name_key(province_.short)}
