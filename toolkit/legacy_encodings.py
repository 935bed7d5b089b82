"""Legacy 8-bit Vietnamese text: TCVN3 (ABC) and VNI.

Before Unicode, Vietnamese was typed with fonts that draw Latin-1 code points as
Vietnamese letters: TCVN3 (TCVN 5712:1993 "VN3"; fonts ``.VnTime``, ``.VnArial``...)
and VNI (fonts ``VNI-Times``, ``VNI-Helve``...). In an .xlsx such text arrives as
Latin-1 look-alikes: "Hà Nội" is TCVN3 ``"Hµ Néi"`` and VNI ``"Haø Noäi"``.

TCVN3 has one code per letter but no capital letters with tone marks: those are drawn
by the capital fonts (``.VnTimeH``...), which show every code as a capital. VNI writes a
base letter followed by a mark code (``"e"`` + ``"ä"`` = "ệ"), plus precomposed codes
for đ, ơ, ư and the toned i and ỵ; its capitals use the upper-case codes.
"""

from __future__ import annotations

import os
import posixpath
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Iterator
from functools import cache
from typing import IO, TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    import xml.etree.ElementTree as ET

ENCODINGS = ("tcvn3", "vni")

_TONES = "\u0300\u0301\u0303\u0309\u0323"  # grave, acute, tilde, hook above, dot below
_CIRCUMFLEX, _BREVE = "\u0302", "\u0306"

# TCVN3 (VN3), codes 0xA1-0xFE; the gaps hold capital toned letters in VN1 only.
_TCVN3 = dict(
    zip(
        "¡¢£¤¥¦§¨©ª«¬\xad®µ¶·¸¹»¼½¾ÆÇÈÉÊËÌÎÏÐÑÒÓÔÕÖ×ØÜÝÞßáâãäåæçèéêëìíîïñòóôõö÷øùúûüýþ",
        "ĂÂÊÔƠƯĐăâêôơưđàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ",
        strict=True,
    )
)

# VNI for Windows: mark codes follow a base vowel; lower- and upper-case codes alike.
_VNI_MARKS = dict(
    zip(
        "øùõûïâàáãåäêèéüúë",
        [
            *_TONES,
            *(_CIRCUMFLEX + tone for tone in ("", *_TONES)),
            *(_BREVE + tone for tone in ("", *_TONES)),
        ],
        strict=True,
    )
)
_VNI_LETTERS = dict(zip("ñôöìíóæòî", "đơưìíĩỉịỵ", strict=True))
_VNI = {
    **_VNI_MARKS,
    **{code.upper(): mark for code, mark in _VNI_MARKS.items()},
    **_VNI_LETTERS,
    **{code.upper(): letter.upper() for code, letter in _VNI_LETTERS.items()},
}

_DECODE = {
    "tcvn3": {ord(code): letter for code, letter in _TCVN3.items()},
    "vni": {ord(code): text for code, text in _VNI.items()},
}


def _tcvn3_encoder() -> dict[int, str]:
    """Inverse TCVN3 table; a capital toned letter takes its lower-case code (no other exists)."""
    encoder = {ord(letter): code for code, letter in _TCVN3.items()}
    for code, letter in _TCVN3.items():
        encoder.setdefault(ord(letter.upper()), code)
    return encoder


def _vni_encoder() -> dict[int, str]:
    """Inverse VNI table, searched over code sequences (precomposed codes win)."""
    encoder: dict[int, str] = {}
    sequences = [*_VNI_LETTERS, *(base + mark for base in "aeiouyôö" for mark in _VNI_MARKS)]
    for sequence in sequences:
        for codes in (sequence, sequence.upper()):
            letter = unicodedata.normalize("NFC", codes.translate(_DECODE["vni"]))
            if len(letter) == 1:
                encoder.setdefault(ord(letter), codes)
    return encoder


_ENCODE = {"tcvn3": _tcvn3_encoder(), "vni": _vni_encoder()}


def _check(encoding: str) -> None:
    if encoding not in ENCODINGS:
        raise ValueError(f"unknown legacy encoding {encoding!r}; expected one of {ENCODINGS}")


def font_encoding(font_name: str | None) -> str | None:
    """ "tcvn3" for ``.Vn*`` fonts, "vni" for ``VNI-*`` fonts, else None."""
    name = (font_name or "").strip().lower()
    if name.startswith(".vn"):
        return "tcvn3"
    if name.startswith("vni-"):
        return "vni"
    return None


def is_capital_font(font_name: str | None) -> bool:
    """True for TCVN3 capital fonts (``.VnTimeH``...), which draw every letter as a capital."""
    return font_encoding(font_name) == "tcvn3" and (font_name or "").rstrip().endswith("H")


#: What legacy_font_cells reports for a cell in a TCVN3 capital font; to_unicode accepts it.
TCVN3_CAPITAL = "tcvn3-capital"


def _font_kind(font_name: str | None) -> str | None:
    """The encoding of a font, with TCVN3 capital fonts told apart."""
    return TCVN3_CAPITAL if is_capital_font(font_name) else font_encoding(font_name)


def to_unicode(text: str, encoding: str, *, capital: bool = False) -> str:
    """Convert legacy *text* to Unicode NFC; ``capital`` (or TCVN3_CAPITAL) for a TCVN3 capital font."""
    if encoding == TCVN3_CAPITAL:
        encoding, capital = "tcvn3", True
    _check(encoding)
    converted = unicodedata.normalize("NFC", text.translate(_DECODE[encoding]))
    return converted.upper() if capital else converted


def from_unicode(text: str, encoding: str, *, capital: bool = False) -> str:
    """Encode Unicode *text* the way a legacy font expects it (inverse of ``to_unicode``).

    Characters the encoding lacks pass through unchanged. TCVN3 has no capital toned
    letters, so they take the lower-case code, as legacy keyboards did; with ``capital``
    (a ``.VnTimeH``-style font) the whole text is written as lower-case codes.
    """
    _check(encoding)
    text = unicodedata.normalize("NFC", text)
    return (text.lower() if capital else text).translate(_ENCODE[encoding])


# --- detection -------------------------------------------------------------------------

_INITIALS = ("", *"b c ch d đ g gh gi h k kh kr l m n ng ngh nh p ph pl qu r s t th tr v x".split())
_RHYMES = frozenset(
    """
    a ac ach ai ak am an ang anh ao ap at au ay ăc ăk ăm ăn ăng ăp ăt
    âc âm ân âng âp ât âu ây e ec em en eng eo ep et ê êch êm ên ênh êp êt êu
    i ia ich im in inh ip it iu iêc iêm iên iêng iêp iêt iêu
    o oc oi om on ong op ot oa oac oach oai oam oan oang oanh oao oap oat oay
    oăc oăm oăn oăng oăt oe oen oeo oet ooc oong ô ôc ôi ôm ôn ông ôp ôt ơ ơi ơm ơn ơp ơt
    u uc ui uk um un ung up ut ua uân uâng uât uây uê uêch uênh uơ uôc uôi uôm uôn uông uôt
    uy uya uych uynh uyt uyu uyên uyêt ư ưa ưc ưi ưm ưng ưt ưu ươ ươc ươi ươm ươn ương ươp ươt ươu
    y yêm yên yêt yêu
    """.split()
)
_STOP_FINALS = ("c", "ch", "k", "p", "t")  # syllables ending so take only the acute or dot tone
_TONED = {
    unicodedata.normalize("NFC", vowel + tone): (vowel, tone) for vowel in "aăâeêioôơuưy" for tone in ("", *_TONES)
}
_CONSONANTS = frozenset("bcdđghklmnpqrstvx")


def _plain_case(word: str) -> bool:
    """lower, Title or UPPER case, as in normal text."""
    return word in (word.lower(), word.capitalize(), word.upper())


def _tone_slot(rhyme: str) -> tuple[int, ...]:
    """Index (or old/new-style indices) in *rhyme* of the vowel that carries the tone."""
    vowels = rhyme.rstrip("cghkmnpt")
    marked = [i for i, char in enumerate(vowels) if char in "ăâêôơư"]
    if marked:
        return (marked[-1],)
    if vowels != rhyme or len(vowels) == 1:
        return (len(vowels) - 1,)
    if vowels in ("oa", "oe", "uy"):
        return (0, 1)
    return (1,) if len(vowels) == 3 else (0,)


def _is_syllable(word: str) -> bool:
    """True when *word* (any case) spells one well-formed Vietnamese syllable."""
    bare, tones, tone_at = "", "", -1
    for char in unicodedata.normalize("NFC", word.lower()):
        if char in _TONED:
            vowel, tone = _TONED[char]
            if tone:
                tone_at = len(bare)
            bare, tones = bare + vowel, tones + tone
        elif char in _CONSONANTS:
            bare += char
        else:
            return False
    if len(tones) > 1:
        return False
    for initial in _INITIALS:
        rhyme = bare[len(initial) :]
        if not bare.startswith(initial) or rhyme not in _RHYMES:
            continue
        front = rhyme[0] in "eêiy"
        if initial in ("c", "ng") and front or initial == "g" and rhyme[0] in "eê":
            continue
        if initial in ("gh", "ngh") and not front:
            continue
        if initial == "qu" and rhyme[0] in "ouư":
            continue
        if rhyme.endswith(_STOP_FINALS) and tones not in ("\u0301", "\u0323"):
            continue
        if tones and tone_at - len(initial) not in _tone_slot(rhyme):
            continue
        return True
    return False


_WORDS = {
    encoding: re.compile("[A-Za-z" + re.escape("".join(map(chr, table))) + "]+") for encoding, table in _DECODE.items()
}


# TCVN3 codes that are no letter in any Western alphabet (µ and ª only as symbols).
_MARKERS = {
    "tcvn3": frozenset(c for c in _TCVN3 if not c.isalpha() or c in "µª"),
    "vni": frozenset(),
}
_MARKS, _TONE_MARKS = "".join(_VNI_MARKS), "øùõûïØÙÕÛÏ"
# Never written by VNI: a mark in the other case than its base, a tone mark on i (the toned
# i are precomposed codes) or a dot below on y (ỵ is one code).
_NOT_VNI = re.compile(f"[a-zôö][{_MARKS.upper()}]|[A-ZÔÖ][{_MARKS}]|[iI][{_TONE_MARKS}]|[yY][ïÏ]")


def _converts_well(word: str, encoding: str) -> bool:
    """*word* converts to a syllable; VNI (which has capitals) must also keep plain case."""
    converted = to_unicode(word, encoding)
    if encoding == "vni" and (not _plain_case(converted) or _NOT_VNI.search(word)):
        return False
    return _is_syllable(converted)


def _score(text: str, encoding: str) -> int:
    """Score of *text* as *encoding*: 0 when it is not that encoding (see detect_encoding)."""
    table = _DECODE[encoding]
    for char in text:
        if ord(char) > 127 and ord(char) not in table and unicodedata.category(char)[0] in "LM":
            return 0  # a real Unicode letter or mark: the text is not legacy
    # All-caps ASCII words (acronyms such as WASH, UNICEF) count neither way.
    words = [w for w in _WORDS[encoding].findall(text) if not (w.isascii() and w.isupper())]
    legacy = [word for word in words if not word.isascii()]
    good = [word for word in legacy if _converts_well(word, encoding)]
    support = len(good) + sum(_is_syllable(word) for word in words if word.isascii())
    evidence = [word for word in good if not (_plain_case(word) and _is_syllable(word))]
    marked = [word for word in evidence if _MARKERS[encoding].intersection(word)]
    if len(good) < 0.8 * len(legacy) or (2 * support <= len(words) and not marked):
        return 0
    return len(evidence) + len(marked)


def detect_encoding(text: str) -> str | None:
    """Decide from content alone whether *text* is TCVN3 or VNI legacy text (else None).

    Each encoding is scored on the words of *text* (runs of ASCII letters and characters
    of that encoding's code table):

    * veto: a Unicode letter or combining mark outside the code table (ạ, ư, đ, ł...)
      means real Unicode text;
    * round trip: at least 80% of the words holding code-table characters must convert
      to one well-formed Vietnamese syllable: an initial plus a rhyme from the closed
      rhyme inventory, one tone, on the right vowel, and spelling rules (gh/ngh only
      before e/ê/i, only the acute or dot tone after a final c/ch/p/t). VNI output must
      also be plainly cased and its codes possible (a mark in its base's case, no mark
      on i, whose toned forms are single codes). More than half of all words (all-caps
      ASCII acronyms aside) must read as Vietnamese, unless a marker (below) is present;
    * score: a point for each word that is well-formed only after conversion, i.e. not
      a plainly cased syllable as written ("Néi", "Haø"), and another point when it
      holds a marker, a TCVN3 code that is no letter in any Western alphabet (µ ¸ ¶ · ©,
      the soft hyphen...). Words that already read as Vietnamese ("Tô", "Hoà", "Hé") score nothing.

    The higher positive score wins; none or a tie gives None. Western names fail the
    syllable check ("Zürich" → "Zỹrich", "Société" → "Sociộtộ"). Limits: a lone short
    word may read both ways ("Bæ": VNI "Bỉ", TCVN3 "Bổ" → None), and a few foreign
    words pass as legacy (Swedish "län" → TCVN3 "lọn"; French "Thaï" → VNI "Thạ").
    """
    if text.isascii():
        return None
    tcvn3, vni = (_score(text, encoding) for encoding in ENCODINGS)
    if tcvn3 > vni:
        return "tcvn3"
    if vni > tcvn3:
        return "vni"
    return None


# --- workbooks -------------------------------------------------------------------------

_REF = re.compile(r"([A-Z]+)(\d+)$")
_TEXT_TYPES = ("s", "inlineStr", "str")


@cache
def bad_package() -> tuple[type[BaseException], ...]:
    """What zipfile and ElementTree raise for a damaged or odd package: such a file is reported elsewhere.
    (A missing part is a KeyError; an encrypted member a RuntimeError; a bad number in an attribute a ValueError.)

    A function, so that ElementTree is imported only when a file is parsed or fails (`except bad_package():`
    is evaluated only when something was raised).
    """
    import xml.etree.ElementTree as ET

    return (
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        OSError,
        KeyError,
        ValueError,
        RuntimeError,
        NotImplementedError,
        ET.ParseError,
    )


def _iterparse(
    zf: zipfile.ZipFile, part: str, events: tuple[Literal["start", "end"], ...] = ("end",)
) -> Iterator[tuple[str, Any]]:
    import xml.etree.ElementTree as ET  # most workbooks are never parsed here (see _no_legacy_font)

    with zf.open(part) as stream:
        yield from ET.iterparse(stream, events)


#: What, in a styles part, could spell a legacy font's name other than as plain ASCII bytes: a character
#: reference, a DOCTYPE's entities, a NUL byte (UTF-16 or UTF-32).
_SPELLED_OTHERWISE = (b"&#", b"<!", b"\x00")
_PLAIN_ENCODINGS = tuple(
    b"encoding=" + q + name + q for name in (b"utf-8", b"us-ascii", b"ascii") for q in (b'"', b"'")
)


def _no_legacy_font(styles: bytes) -> bool:
    """Whether a styles part surely names no legacy font (none starts ".vn" or "vni-"), seen from its bytes
    alone: most workbooks, which then need no XML parsing at all. Unsure (another encoding, entities): False."""
    low = styles.lower()
    if b".vn" in low or b"vni-" in low or any(mark in low for mark in _SPELLED_OTHERWISE):
        return False
    declaration = low[:200].lstrip(b"\xef\xbb\xbf").partition(b"?>")[0].replace(b" ", b"")
    return b"encoding=" not in declaration or any(plain in declaration for plain in _PLAIN_ENCODINGS)


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _attr(element: ET.Element, name: str) -> str | None:
    """Attribute by local name (``r:id`` → "id")."""
    return next((value for key, value in element.attrib.items() if _local(key) == name), None)


def _runs_encoding(element: ET.Element) -> str | None:
    """Legacy encoding of the first rich-text run font (``rFont``) under *element*."""
    fonts = (_attr(el, "val") for el in element.iter() if _local(el.tag) == "rFont")
    return next(filter(None, map(_font_kind, fonts)), None)


def _style_encodings(zf: zipfile.ZipFile) -> tuple[list[str | None], bool]:
    """Encoding per cellXfs style index, and whether any font in styles.xml is legacy (([], False) when its
    bytes alone show it names none: most workbooks, which are then not parsed)."""
    if _no_legacy_font(zf.read("xl/styles.xml")):
        return [], False
    fonts: list[str | None] = []
    font_ids: list[int] = []
    path: list[str] = []
    for event, el in _iterparse(zf, "xl/styles.xml", ("start", "end")):
        tag = _local(el.tag)
        if event == "start":
            path.append(tag)
            continue
        path.pop()
        parent = path[-1] if path else ""
        if tag == "font" and parent == "fonts":
            name = next((_attr(c, "val") for c in el if _local(c.tag) == "name"), None)
            fonts.append(_font_kind(name))
        elif tag == "xf" and parent == "cellXfs":
            font_ids.append(int(el.get("fontId", "0")))
    styles = [fonts[i] if i < len(fonts) else None for i in font_ids]
    return styles, any(fonts)


def sheet_parts(zf: zipfile.ZipFile) -> tuple[list[tuple[str, str]], str | None]:
    """(sheet name, worksheet part) in workbook order, and the shared-strings part."""
    targets: dict[str, tuple[str, str]] = {}
    for _, el in _iterparse(zf, "xl/_rels/workbook.xml.rels"):
        if _local(el.tag) == "Relationship" and el.get("TargetMode") != "External":
            target = el.get("Target", "")
            part = target[1:] if target.startswith("/") else posixpath.normpath("xl/" + target)
            targets[el.get("Id", "")] = (el.get("Type", "").rpartition("/")[2], part)
    sheets = []
    for _, el in _iterparse(zf, "xl/workbook.xml"):
        if _local(el.tag) == "sheet":
            kind, part = targets.get(_attr(el, "id") or "", ("", ""))
            if kind == "worksheet":
                sheets.append((el.get("name", ""), part))
    shared = next((part for kind, part in targets.values() if kind == "sharedStrings"), None)
    return sheets, shared


def _shared_encodings(zf: zipfile.ZipFile, part: str | None) -> dict[int, str]:
    """Shared-string index → encoding, for strings with a legacy run font."""
    found: dict[int, str] = {}
    if part is None or part not in zf.namelist():
        return found
    index = 0
    for _, el in _iterparse(zf, part):
        if _local(el.tag) == "si":
            if encoding := _runs_encoding(el):
                found[index] = encoding
            index += 1
            el.clear()
    return found


def _sheet_cells(
    zf: zipfile.ZipFile, part: str, styles: list[str | None], shared: dict[int, str]
) -> dict[tuple[int, int], str]:
    """Stream one worksheet part; text cells in a legacy cell or run font."""
    cells: dict[tuple[int, int], str] = {}
    row = col = -1
    for event, el in _iterparse(zf, part, ("start", "end")):
        tag = _local(el.tag)
        if event == "start":
            if tag == "row":
                row, col = int(el.get("r", row + 2)) - 1, -1
            continue
        if tag == "row":
            el.clear()
        if tag != "c":
            continue
        match = _REF.match(el.get("r", ""))
        if match:
            letters, number = match.groups()
            row, col = int(number) - 1, 0
            for letter in letters:
                col = col * 26 + ord(letter) - 64
            col -= 1
        else:
            col += 1
        kind = el.get("t")
        if kind not in _TEXT_TYPES:
            continue
        value = next((c.text for c in el if _local(c.tag) == "v"), None)
        encoding = shared.get(int(value)) if kind == "s" and value else _runs_encoding(el)
        style = int(el.get("s", "0"))
        encoding = encoding or (styles[style] if style < len(styles) else None)
        if encoding:
            cells[(row, col)] = encoding
    return cells


def legacy_font_cells(path: str | os.PathLike[str] | IO[bytes]) -> dict[str, dict[tuple[int, int], str]]:
    """Sheet name → {(row0, col0): encoding} for text cells in a legacy font (.xlsx/.xlsm).

    A cell counts when its cell-style font is legacy, or when its shared or inline rich
    string has a run whose font (``rFont``) is legacy; only text cells are listed.
    When no font in xl/styles.xml is legacy, only that part is read and {} is returned.
    Sheets without such cells are left out. A malformed file gives {} (anything else is a bug and raises).
    `path` may be the file's bytes in a buffer (the reader opens a file once).
    """
    try:
        with zipfile.ZipFile(path) as zf:
            styles, any_legacy = _style_encodings(zf)
            if not any_legacy:
                return {}
            sheets, shared_part = sheet_parts(zf)
            shared = _shared_encodings(zf, shared_part)
            result = {}
            for name, part in sheets:
                if cells := _sheet_cells(zf, part, styles, shared):
                    result[name] = cells
            return result
    except bad_package():  # the contract: unreadable files are reported elsewhere
        return {}
