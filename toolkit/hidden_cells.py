"""Cells the fast reader sees as empty but are not: Excel error values and formulas without a value.

calamine returns "" for `#N/A`, `#REF!`, `#DIV/0!` and for a formula whose file carries no computed
value (files written by some tools, never opened in Excel). The worksheet XML says which they are;
it is scanned only when it holds an error or a formula at all.
"""

from __future__ import annotations

import os
import re
import zipfile
from typing import IO

from .legacy_encodings import bad_package, sheet_parts

ERROR_VALUE, NO_VALUE = "error", "formula"
_CELL = re.compile(rb'<c r="([A-Z]{1,3})(\d+)"([^>]*?)(?:/>|>(.*?)</c>)', re.DOTALL)
_VALUE = re.compile(rb"<v>([^<]*)</v>")
_FORMULA = re.compile(rb"<f(?:\s[^>]*)?>([^<]*)</f>")


def hidden_cells(
    path: str | os.PathLike | IO[bytes], sheet_names: set[str]
) -> dict[str, dict[tuple[int, int], tuple[str, str]]]:
    """Sheet name → {(row0, col0): (ERROR_VALUE, "#N/A") or (NO_VALUE, "=SUM(N2:N9)")}, for `sheet_names`.

    A malformed file gives {}: it is reported elsewhere (anything else is a bug and raises).
    `path` may be the file's bytes in a buffer (the reader opens a file once).
    """
    out = {}
    try:
        with zipfile.ZipFile(path) as zf:
            marked = {
                n
                for n in zf.namelist()
                if n.startswith("xl/worksheets/") and n.endswith(".xml") and _marked(zf.read(n))
            }
            if not marked:  # the common case: no part to parse, no names to resolve
                return {}
            sheets, _ = sheet_parts(zf)
            for name, part in sheets:
                if name in sheet_names and part in marked and (cells := _scan(zf.read(part))):
                    out[name] = cells
    except bad_package():  # the contract: unreadable files are reported elsewhere
        return {}
    return out


def _marked(xml: bytes) -> bool:
    """Whether a worksheet holds an error value or a formula at all (not a validation's <formula1>)."""
    return b't="e"' in xml or b"<f>" in xml or b"<f " in xml


def _scan(xml: bytes) -> dict[tuple[int, int], tuple[str, str]]:
    found = {}
    for m in _CELL.finditer(xml):
        letters, number, attrs, body = m.groups()
        body = body or b""
        if b't="e"' in attrs:
            value = _VALUE.search(body)
            kind, text = ERROR_VALUE, value.group(1).decode() if value else "#VALUE!"
        elif b"<f" in body:
            value = _VALUE.search(body)
            if value and (value.group(1) or b't="str"' in attrs):  # computed (an empty text result too)
                continue
            formula = _FORMULA.search(body)
            kind, text = NO_VALUE, "=" + (formula.group(1).decode() if formula and formula.group(1) else "…")
        else:
            continue
        col = 0
        for letter in letters:
            col = col * 26 + letter - 64
        found[(int(number) - 1, col - 1)] = (kind, _unescape(text))
    return found


def _unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&amp;", "&")
