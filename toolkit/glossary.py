"""English for what repeats in what donors read: agency names, administrative units, beneficiary groups.

The terms are data (``toolkit/data/glossary.csv``). Vietnamese place and person names are written in
English as the government's English pages write them: without diacritics, with their spaces
(``Thới Lai`` → ``Thoi Lai``). A text the glossary cannot put into English gives None: the caller
shows the Vietnamese, marked as such. Periods and dates in words, in either language, are here too.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from functools import cache

from .data import read_rows
from .text import clean

MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_WORD = re.compile(r"[^\W\d_]", re.UNICODE)


@cache
def terms(kind: str) -> dict[str, str]:
    """Lower-case Vietnamese term → English, for one kind of glossary.csv (agency, unit, group)."""
    return {clean(r["vi"]).lower(): r["en"] for r in read_rows("glossary.csv") if r["kind"] == kind}


def plain(text: str) -> str:
    """The text without diacritics, keeping case, spaces and punctuation: ``Thới Lai`` → ``Thoi Lai``."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


def is_vietnamese(text: str) -> bool:
    """Does the text carry Vietnamese diacritics (or đ)?"""
    return plain(text) != unicodedata.normalize("NFC", text)


def proper_name(text: str) -> str | None:
    """A name every word of which is capitalised (or a number), in English; else None."""
    words = clean(text).split()
    if not words or not all(w[0].isupper() or w[0].isdigit() for w in words if _WORD.search(w)):
        return None
    return plain(" ".join(words))


def _unit(text: str) -> tuple[str, str] | None:
    """(English unit, rest) when `text` starts with an administrative unit word (``xã``, ``thành phố``…)."""
    lower = clean(text).lower()
    for vi in sorted(terms("unit"), key=len, reverse=True):
        if lower.startswith(vi + " "):
            return terms("unit")[vi], clean(text)[len(vi) + 1 :]
    return None


def place_en(text: str) -> str | None:
    """A place in English: ``Xã Thới Lai, Cần Thơ`` → ``Thoi Lai Commune, Can Tho``; None if not a place name."""
    parts = []
    for part in (p for p in clean(text).split(",") if p.strip()):
        unit = _unit(part)
        name = proper_name(unit[1] if unit else part)
        if name is None:
            return None
        parts.append(f"{name} {unit[0].title()}" if unit else name)
    return ", ".join(parts) or None


def agency_en(text: str) -> str | None:
    """An agency's English name from the glossary, with its place: ``Sở Y tế tỉnh An Giang`` →
    ``An Giang Provincial Department of Health``; None when the glossary does not know it."""
    lower = clean(text).lower()
    known = terms("agency")
    if lower in known:
        return known[lower]
    for vi in sorted(known, key=len, reverse=True):
        if lower.startswith(vi + " "):
            rest = clean(text)[len(vi) + 1 :]
            unit = _unit(rest)
            name = proper_name(unit[1] if unit else rest)
            return f"{name} {known[vi]}" if name else None
    return None


def groups_en(text: str) -> str | None:
    """Beneficiary groups in English when the glossary knows each one: ``Hộ nghèo, trẻ em`` →
    ``Poor households, children``; else None."""
    items = [clean(i).lower() for i in re.split(r"[,;]", text) if i.strip()]
    if not items or any(i not in terms("group") for i in items):
        return None
    out = ", ".join(terms("group")[i] for i in items)
    return out[0].upper() + out[1:]


def period_words(period, lang: str) -> str:
    """A period in words: ``first half of 2026`` / ``6 tháng đầu năm 2026``, ``2026`` / ``năm 2026``."""
    if period.half is None:
        return str(period.year) if lang == "en" else f"năm {period.year}"
    if lang == "en":
        return f"{'first' if period.half == 1 else 'second'} half of {period.year}"
    return f"6 tháng {'đầu' if period.half == 1 else 'cuối'} năm {period.year}"


def date_words(day: date, lang: str) -> str:
    """A date as each language writes it: ``2 December 2026`` / ``02/12/2026``."""
    return f"{day.day} {MONTHS_EN[day.month - 1]} {day.year}" if lang == "en" else day.strftime("%d/%m/%Y")
