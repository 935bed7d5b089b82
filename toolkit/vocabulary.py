"""Closed vocabularies (aid forms, statuses, sectors, countries, currencies) and "did you mean"."""

from __future__ import annotations

import json
import os
from functools import cache
from typing import Any

from . import schema
from .findings import WARNING, Finding, finding
from .text import clean, fold
from .values import BadValue


def did_you_mean(text: str, choices: list[str], cutoff: float = 60) -> str:
    """The closest choice to a mistyped value, compared without case or diacritics."""
    from rapidfuzz import fuzz, process

    if not choices or not text:
        return ""
    folded = {fold(c): c for c in choices}
    best = process.extractOne(fold(text), list(folded), scorer=fuzz.WRatio, score_cutoff=cutoff)
    return folded[best[0]] if best else ""


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
    with open(os.path.join(schema.DATA_DIR, "iso.json"), encoding="utf-8") as f:
        return json.load(f)


@cache
def country_index() -> dict[str, str]:
    """Folded Vietnamese or English country name → ISO 3166-1 alpha-2 code."""
    index = {fold(name): code for code, names in _iso()["countries"].items() for name in names}
    for alpha2, name, aliases in schema.country_names_vi():
        for n in (name, *aliases):
            index[fold(n)] = alpha2
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


def match_choice(column: schema.Column, text: str, where: dict[str, Any], findings: list[Finding]) -> str:
    """The canonical form of a vocabulary value, or BadValue with a suggestion."""
    text = clean(text)
    kind = column.type
    if kind == schema.ENUM:
        value = _enum_index(column.vocabulary).get(fold(text))
        if value is None:
            raise BadValue("invalid-choice", did_you_mean(text, list(column.vocabulary)),
                           choices=", ".join(column.vocabulary))
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
        aliases = {"$": "USD", "US$": "USD", "VNĐ": "VND", "ĐỒNG": "VND", "€": "EUR", "£": "GBP", "¥": "JPY"}
        raise BadValue("invalid-currency", aliases.get(code, ""))
    raise ValueError(f"no vocabulary for column type {kind}")
