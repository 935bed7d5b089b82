"""Text normalisation shared by every reader and matcher."""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache

_SPACES = re.compile(r"\s+")
_SPACES_INSIDE = re.compile(r"\s\s|[^\S ]")
_NOT_WORD = re.compile(r"[^0-9a-z]+")


def clean(text: str) -> str:
    """Trim, fold runs of white space (incl. no-break spaces) and normalise to NFC."""
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    text = text.strip()
    if "  " not in text and text.isprintable():
        return text  # every white space but " " is unprintable: nothing to fold (and no pattern to run)
    return _SPACES.sub(" ", text) if _SPACES_INSIDE.search(text) else text


def xml_safe(text: str) -> str:
    """`text` without the characters XML 1.0 cannot hold (\\x00–\\x1f but tab and line ends, lone surrogates):
    what goes into a .docx, .xlsx or web page."""
    not_xml = _not_xml()
    return not_xml.sub("", text) if not_xml.search(text) else text


@cache
def _not_xml() -> re.Pattern[str]:
    """Compiled when first written out, not by every command that imports this module (it is slow to compile)."""
    return re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _bare(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


@lru_cache(maxsize=16384)
def fold(text: str) -> str:
    """A matching key: no case, no diacritics (đ → d), no spacing or punctuation."""
    if not text.isascii():
        # What is not ASCII once decomposed is a mark or a letter of no Latin alphabet: dropped, as the
        # key keeps only [0-9a-z] (the same as `_bare` then the pattern, checked over every code point).
        text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
        text = text.encode("ascii", "ignore").decode("ascii")
    return _NOT_WORD.sub("", text.lower())


def fold_words(text: str) -> tuple[str, ...]:
    """The words of a text, folded like `fold`: "Viện trợ phi dự án" → ("vien", "tro", "phi", "du", "an")."""
    return tuple(_NOT_WORD.sub(" ", _bare(text)).split())


def column_letter(index: int) -> str:
    """0-based column index → Excel letters (0 → A, 26 → AA)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def cell_ref(row0: int, col0: int) -> str:
    """0-based row and column → A1 reference."""
    return f"{column_letter(col0)}{row0 + 1}"
