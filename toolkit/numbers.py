"""Numbers as people read them: `1.234.567,5` in Vietnamese text, `1,234,567.5` in English."""

from __future__ import annotations

from typing import Any


def format_number(value: Any, lang: str = "vi", decimals: int | None = None) -> str:
    """A number for a message or a document, grouped the way `lang` reads it.

    Whole numbers get no decimals (``4.0`` → ``4``); others get at most two, trailing zeros
    dropped, unless ``decimals`` fixes the count. Text that is not a number is returned as it is.
    """
    if value is None or value == "" or isinstance(value, bool):
        return "" if value in (None, "") else str(value)
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    if number != number or number in (float("inf"), float("-inf")):
        return str(value)
    if decimals is None:
        text = f"{number:,.0f}" if number == round(number) else f"{number:,.2f}".rstrip("0").rstrip(".")
    else:
        text = f"{number:,.{decimals}f}"
    if lang == "vi":
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text
