"""Turn cell values as typed by Vietnamese office staff into numbers, dates and codes.

Each parser returns the clean value or raises `BadValue` with a rule code and
message parameters; nothing is ever guessed.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any


class BadValue(ValueError):
    """A value that cannot be read as its column's type."""

    def __init__(self, rule: str, suggestion: str = "", **params: Any):
        super().__init__(rule)
        self.rule = rule
        self.suggestion = suggestion
        self.params = params


PLACEHOLDERS = frozenset({"n/a", "na", "n.a.", "n.a", "-", "--", "—", "–", "null", "none", "không có", "#n/a", "x"})

_MULTIPLIERS = {
    "tỷ": Decimal(10) ** 9,
    "ty": Decimal(10) ** 9,
    "tỉ": Decimal(10) ** 9,
    "triệu": Decimal(10) ** 6,
    "trieu": Decimal(10) ** 6,
    "tr": Decimal(10) ** 6,
    "nghìn": Decimal(10) ** 3,
    "ngàn": Decimal(10) ** 3,
    "nghin": Decimal(10) ** 3,
}
_INFINITY = float("inf")
#: Whole floats up to 2**53 are exact and written in full by repr (not as 1e+16).
_EXACT = 2**53
_NUMBER = re.compile(r"^([+-]?)([0-9][0-9.,]*)\s*([^\d\s.,]*)$")
_CURRENCY_WORDS = {"usd", "$", "us$", "vnd", "vnđ", "đ", "đồng", "dong"}


def is_placeholder(text: str) -> bool:
    """ "n/a", "NA", "-" and the like: a value that means "nothing" but is not blank."""
    return text.strip().lower() in PLACEHOLDERS


_VND_WORDS = {"vnd", "vnđ", "đ", "đồng", "dong", "₫"}
_USD_WORDS = {"usd", "$", "us$"}


def currency_word(raw: Any) -> str:
    """ "VND" or "USD" when a number typed as text carries a currency word or sign, else ""."""
    if not isinstance(raw, str):
        return ""
    text = raw.strip().lower().replace("\u00a0", " ")
    m = _NUMBER.match(re.sub(r"(?<=\d) (?=\d{3}\b)", "", text))
    for word in (m.group(3) if m else text).split():
        if word in _VND_WORDS:
            return "VND"
        if word in _USD_WORDS or word.startswith(("$", "us$")):
            return "USD"
    return ""


def vnd_multiplier(raw: str) -> str:
    """The "tỷ" or "triệu" of a number typed as text (`25,4 tỷ`), else ""."""
    m = _NUMBER.match(raw.strip().replace("\u00a0", " "))
    unit = m.group(3).lower() if m else ""
    return unit if unit in _MULTIPLIERS and _MULTIPLIERS[unit] >= 10**6 else ""


def parse_number(raw: Any) -> Decimal:
    """A number from a numeric cell or Vietnamese text (`1.234.567,5`, `25,4 tỷ`, `300 triệu`).

    A single separator followed by exactly three digits (`47,272`, `47.272`) could be a
    thousands group or a decimal part: that is `ambiguous-number`, never a guess.
    """
    if isinstance(raw, bool):
        raise BadValue("invalid-number")
    if isinstance(raw, (int, float)):
        if raw != raw or raw == _INFINITY or raw == -_INFINITY:
            raise BadValue("invalid-number")
        return Decimal(repr(raw)) if isinstance(raw, float) else Decimal(raw)
    text = str(raw).strip().replace("\u00a0", " ")
    compact = re.sub(r"(?<=\d) (?=\d{3}\b)", "", text)  # "1 234 567"
    m = _NUMBER.match(compact)
    if not m:
        raise BadValue("invalid-number")
    sign, digits, unit = m.groups()
    unit = unit.lower()
    multiplier = Decimal(1)
    if unit:
        if unit in _MULTIPLIERS:
            multiplier = _MULTIPLIERS[unit]
        elif unit not in _CURRENCY_WORDS:
            raise BadValue("invalid-number")
    value = _digits(digits) * multiplier
    return -value if sign == "-" else value


def _digits(text: str) -> Decimal:
    dots, commas = text.count("."), text.count(",")
    if dots and commas:
        decimal_mark = "." if text.rfind(".") > text.rfind(",") else ","
        group_mark = "," if decimal_mark == "." else "."
        whole, _, frac = text.rpartition(decimal_mark)
        if decimal_mark in whole or not _grouped(whole, group_mark):
            raise BadValue("invalid-number")
        return _decimal(whole.replace(group_mark, "") + "." + frac)
    mark = "." if dots else "," if commas else ""
    if not mark:
        return _decimal(text)
    parts = text.split(mark)
    if len(parts) > 2:  # 1.234.567 or 1,234,567: only thousands groups
        if not _grouped(text, mark):
            raise BadValue("invalid-number")
        return _decimal(text.replace(mark, ""))
    whole, frac = parts
    if len(frac) == 3 and whole and whole != "0":
        raise BadValue("ambiguous-number", as_thousands=whole + frac, whole=whole, frac=frac)
    return _decimal(f"{whole}.{frac}")


def _grouped(text: str, mark: str) -> bool:
    groups = text.split(mark)
    return 1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])


def _decimal(text: str) -> Decimal:
    try:
        return Decimal(text)
    except InvalidOperation:
        raise BadValue("invalid-number") from None


def parse_integer(raw: Any) -> int:
    """A whole number. `1.200` is not ambiguous here: only the thousands reading is whole."""
    kind = raw.__class__
    if kind is int:
        return raw  # what the Decimal below gives back
    if kind is float and raw.is_integer() and -_EXACT <= raw <= _EXACT:
        return int(raw)  # its repr is its digits: the Decimal below is this whole number
    try:
        number = parse_number(raw)
    except BadValue as bad:
        if bad.rule != "ambiguous-number":
            raise
        return int(bad.params["as_thousands"])
    if number != number.to_integral_value():
        raise BadValue("invalid-integer")
    return int(number)


_DATE_TEXT = re.compile(r"^(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T]00:00(?::00)?)?$")


def parse_date(raw: Any) -> date:
    """An Excel date, or text `dd/mm/yyyy` (never mm/dd) or ISO `yyyy-mm-dd`."""
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        raise BadValue("invalid-date", suggestion=_serial_hint(raw))
    text = str(raw).strip()
    if m := _DATE_TEXT.match(text):
        day, month, year = (int(g) for g in m.groups())
    elif m := _ISO_DATE.match(text):
        year, month, day = (int(g) for g in m.groups())
    else:
        raise BadValue("invalid-date")
    try:
        return date(year, month, day)
    except ValueError:
        raise BadValue("invalid-date") from None


def _serial_hint(serial: float) -> str:
    if 30000 <= serial <= 60000:  # 1982..2064 as Excel 1900-system serial numbers
        from datetime import timedelta

        return (date(1899, 12, 30) + timedelta(days=int(serial))).strftime("%d/%m/%Y")
    return ""


_EMAIL = re.compile(
    r"^[A-Za-z0-9._%+\-']+@[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}$"
)


def is_email(text: str) -> bool:
    """A plain address `name@domain.tld` (no display name, no spaces)."""
    return bool(_EMAIL.match(text)) and ".." not in text


_PHONE_CHARS = re.compile(r"[\s.\-()]")
_VN_PHONE = re.compile(r"^(?:\+84|0084|84|0)(\d{9,10})$")
_HOTLINE = re.compile(r"^1[89]00\d{4}(?:\d{2})?$")  # 1900 xxxx, 1800 xxxxxx: toll and toll-free lines
_EXTENSION = re.compile(
    r"\s*[(,;]?\s*(?:máy lẻ|máy nhánh|số lẻ|ml|ext|extension|x)\.?\s*:?\s*\d{1,6}\s*\)?\s*$", re.IGNORECASE
)
_SEVERAL = re.compile(r"\s*(?:;|,|/|\s[-–]\s|\bhoặc\b|\bor\b)\s*", re.IGNORECASE)


def is_vietnamese_phone(text: str) -> bool:
    """0xxx… or +84xxx… with 10–11 digits in all (mobile and landline), or a 1900/1800 hotline."""
    digits = _PHONE_CHARS.sub("", text)
    return bool(_VN_PHONE.match(digits) or _HOTLINE.match(digits))


def is_phone(text: str) -> bool:
    """One or more Vietnamese numbers as offices write them: `0292 3820 123 - 0907 123 456`,
    `0292 3820123 (máy lẻ 105)`, `1900 1234`."""
    parts = [p for p in _SEVERAL.split(text.strip()) if p]
    return bool(parts) and all(is_vietnamese_phone(_EXTENSION.sub("", p)) for p in parts)


def text_of(raw: Any) -> str:
    """A cell's content as text; whole numbers lose their `.0`."""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, (date, datetime)):
        return raw.strftime("%d/%m/%Y")
    return str(raw)
