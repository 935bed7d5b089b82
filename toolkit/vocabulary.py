"""Closed vocabularies (aid forms, statuses, sectors, countries, currencies) and "did you mean"."""

from __future__ import annotations

import json
import os
from functools import cache
from typing import Any

from . import schema
from .data import DATA_DIR, read_rows
from .findings import WARNING, Finding, finding
from .text import clean, fold, fold_words
from .values import BadValue


def did_you_mean(text: str, choices: list[str], cutoff: float = 80) -> str:
    """The choice a mistyped value most likely meant, or "" when no guess is likely right.

    First by whole words, without case or diacritics: a choice whose words all appear in the value
    ("Viện trợ phi dự án" → "Phi dự án", the choice sharing the most words) or that holds all the
    value's words ("Nông nghiệp" → "Nông, lâm, ngư nghiệp…"); a tie is no guess. Then by spelling: a
    choice at least `cutoff` % alike (a typo such as "Vietnm").
    """
    from rapidfuzz import fuzz, process

    if not choices or not text:
        return ""
    words = set(fold_words(text))
    scored: dict[int, list[str]] = {}
    for choice in choices:
        own = set(fold_words(choice))
        if own and words and (own <= words or words <= own):
            scored.setdefault(len(own & words), []).append(choice)
    if scored:
        best = scored[max(scored)]
        return best[0] if len(set(best)) == 1 else ""
    folded = {fold(c): c for c in choices}
    nearest = process.extractOne(fold(text), list(folded), scorer=fuzz.ratio, score_cutoff=cutoff)
    return folded[nearest[0]] if nearest else ""


@cache
def _enum_index(vocabulary: tuple[str, ...]) -> dict[str, str]:
    index = {fold(v): v for v in vocabulary}
    index.update({fold(schema.VOCABULARY_EN[v]): v for v in vocabulary if v in schema.VOCABULARY_EN})
    return index


@cache
def sector_index() -> dict[str, str]:
    """Folded code, Vietnamese or English label → sector code."""
    index = {}
    for s in schema.sectors():
        index.update({fold(s.code): s.code, fold(s.vi): s.code, fold(s.en): s.code})
    return index


def sector_label(code: str) -> str:
    return next((f"{s.code} – {s.vi}" for s in schema.sectors() if s.code == code), code)


@cache
def _iso() -> dict:
    """ISO 3166 country names and ISO 4217 codes, generated from pycountry (scripts/refresh_iso.py)."""
    with open(os.path.join(DATA_DIR, "iso.json"), encoding="utf-8") as f:
        return json.load(f)


@cache
def country_index() -> dict[str, str]:
    """Folded Vietnamese or English country name → ISO 3166-1 alpha-2 code."""
    index = {}
    for code, names in _iso()["countries"].items():
        for name in names:
            index[fold(name)] = code
            whole, comma, rest = name.partition(", ")
            if comma:  # "Korea, Republic of" is also written "Republic of Korea"
                index[fold(f"{rest} {whole}")] = code
    for alpha2, name, aliases in schema.country_names_vi():
        for n in (name, *aliases):
            index[fold(n)] = alpha2
    for row in read_rows("countries_en.csv"):  # everyday English names and more variants in use
        for n in row["names"].split(";"):
            index[fold(n)] = row["alpha2"]
    for key in list(index):
        index.setdefault("the" + key, index[key])  # "The Netherlands", "the United Kingdom"
    return index


def country_codes() -> dict[str, list[str]]:
    return _iso()["countries"]


def country_name_vi(code: str) -> str:
    """The everyday Vietnamese name of a country code, else its English name."""
    for alpha2, name, _ in schema.country_names_vi():
        if alpha2 == code:
            return name
    names = _iso()["countries"].get(code)
    return names[0] if names else code


@cache
def currency_codes() -> frozenset[str]:
    return frozenset(_iso()["currencies"])


#: Words offices use for a vocabulary word (folded) → that word: suggested, never silently accepted.
SYNONYMS = {
    "dangtrienkhai": "Đang thực hiện",
    "hoanthanh": "Đã kết thúc",
    "dahoanthanh": "Đã kết thúc",
    "ketthuc": "Đã kết thúc",
    "thuhoi": "Bị thu hồi",
    "choduyet": "Chờ phê duyệt",
    "vientrophiduan": "Phi dự án",
    "vientroduan": "Dự án",
    "chuongtrinhvientro": "Chương trình",
}

#: What offices type for a currency instead of its code (signs as typed, words folded) → the code.
CURRENCY_ALIASES = {
    "$": "USD",
    "US$": "USD",
    "€": "EUR",
    "£": "GBP",
    "¥": "JPY",
    "₩": "KRW",
    "₫": "VND",
    "dola": "USD",
    "dolamy": "USD",
    "usdollar": "USD",
    "dollar": "USD",
    "dong": "VND",
    "vnd": "VND",
    "vietnamdong": "VND",
    "euro": "EUR",
    "euros": "EUR",
    "bang": "GBP",
    "banganh": "GBP",
    "pound": "GBP",
    "yen": "JPY",
    "won": "KRW",
    "frangthuysi": "CHF",
    "swissfranc": "CHF",
    "dolauc": "AUD",
    "nhandante": "CNY",
    "yuan": "CNY",
}


def match_choice(column: schema.Column, text: str, where: dict[str, Any], findings: list[Finding]) -> str:
    """The canonical form of a vocabulary value, or BadValue with a suggestion."""
    text = clean(text)
    kind = column.type
    if kind == schema.ENUM:
        value = _enum_index(column.vocabulary).get(fold(text))
        if value is None:
            synonym = SYNONYMS.get(fold(text))
            hint = synonym if synonym in column.vocabulary else did_you_mean(text, list(column.vocabulary))
            raise BadValue("invalid-choice", hint, choices=", ".join(column.vocabulary))
        return value
    if kind == schema.SECTOR:
        value = sector_index().get(fold(text))
        if value is None:
            labels = [s.vi for s in schema.sectors()]
            hint = did_you_mean(text, labels)
            raise BadValue("invalid-sector", sector_label(sector_index()[fold(hint)]) if hint else "")
        return value
    if kind == schema.COUNTRY:
        if len(text) == 2 and text.upper() in country_codes():
            if text.upper() == "NA":
                findings.append(finding("country-code-na", WARNING, **where))
            return text.upper()
        value = country_index().get(fold(text))
        if value is None:
            names = [n for _, n, _ in schema.country_names_vi()]
            raise BadValue("invalid-country", did_you_mean(text, names))
        return value
    if kind == schema.CURRENCY:
        code = text.upper()
        if code in currency_codes():
            return code
        raise BadValue("invalid-currency", CURRENCY_ALIASES.get(text) or CURRENCY_ALIASES.get(fold(text), ""))
    raise ValueError(f"no vocabulary for column type {kind}")
