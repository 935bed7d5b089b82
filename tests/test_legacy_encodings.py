"""Legacy Vietnamese encodings (TCVN3/ABC, VNI): tables, detection, conversion, workbooks."""

from __future__ import annotations

import shutil
import subprocess
import unicodedata
import zipfile

import pytest
from openpyxl import Workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.styles import Font

from toolkit.legacy_encodings import (
    TCVN3_CAPITAL,
    detect_encoding,
    font_encoding,
    from_unicode,
    is_capital_font,
    legacy_font_cells,
    to_unicode,
)

TONES = "\u0300\u0301\u0303\u0309\u0323"
VOWELS = "aăâeêioôơuưy"
# Every Vietnamese letter: 12 vowels x (no tone + 5 tones), đ, and their capitals.
LOWER = [unicodedata.normalize("NFC", v + t) for v in VOWELS for t in ("", *TONES)] + ["đ"]
LETTERS = LOWER + [letter.upper() for letter in LOWER]

PHRASES = [
    "Dự án nước sạch nông thôn",
    "Trường tiểu học Đông Hà",
    "Hỗ trợ người khuyết tật",
    "Thành phố Hồ Chí Minh",
    "Tỉnh Bà Rịa - Vũng Tàu",
    "Thừa Thiên Huế",
    "Đà Nẵng",
    "Phát triển sinh kế bền vững cho phụ nữ dân tộc thiểu số",
    "Chăm sóc sức khỏe bà mẹ và trẻ em",
    "Nâng cao năng lực ứng phó với biến đổi khí hậu",
    "Cấp nước và vệ sinh môi trường",
    "Quỹ học bổng cho trẻ em nghèo vượt khó",
    "Xây dựng cầu dân sinh ở xã Mường Lát",
    "Đào tạo nghề may, sửa chữa xe máy",
    "Nguyễn Thị Thu Hương",
    "Giúp đỡ người già neo đơn",
    "Kỹ thuật trồng lúa, nuôi gà",
    "Tập huấn về quyền trẻ em",
    "Hội Liên hiệp các tổ chức hữu nghị tỉnh Quảng Ngãi",
    "Ban quản lý dự án huyện Mộc Châu",
    "Thế kỷ mới, ý kiến hay",
    "Ngoài ra, ông ấy đã ẵm bé đi khám bệnh",
    "Đồng bằng sông Cửu Long",
    "Lạng Sơn",
    "Cao Bằng",
    "Hà Giang",
    "Lào Cai",
    "Yên Bái",
    "Sơn La",
    "Hòa Bình",
    "Thái Nguyên",
    "Bắc Kạn",
    "Quảng Ninh",
    "Hải Phòng",
    "Nam Định",
    "Ninh Bình",
    "Thanh Hóa",
    "Nghệ An",
    "Hà Tĩnh",
    "Quảng Trị",
    "Phú Yên",
    "Khánh Hòa",
    "Đắk Lắk",
    "Lâm Đồng",
    "Bình Phước",
    "Tây Ninh",
    "Tiền Giang",
    "Bến Tre",
    "Vĩnh Long",
    "Đồng Tháp",
    "Cần Thơ",
    "Sóc Trăng",
    "Bạc Liêu",
    "Cà Mau",
    "Hưng Yên",
    "Điện Biên",
    "Lai Châu",
]
# Legacy spellings that are also plain Unicode (VNI "Sôn La", "Ninh Bình") or read both
# ways ("VÓNH" is VNI "VĨNH" and TCVN3 "VểNH"): detection must abstain, not guess.
AMBIGUOUS = {
    ("vni", "Sơn La"),
    ("vni", "SƠN LA"),
    ("vni", "Ninh Bình"),
    ("vni", "NINH BÌNH"),
    ("vni", "VĨNH LONG"),
}


def _has_capital_toned(text: str) -> bool:
    return any(ch.isupper() and ch not in "ĂÂÊÔƠƯĐ" and not ch.isascii() for ch in text)


def test_phrases_cover_every_tone_and_modified_letter():
    letters = set(unicodedata.normalize("NFD", " ".join(PHRASES).lower()))
    assert set(TONES) <= letters
    assert set("ăâêôơưđ") <= set(" ".join(PHRASES).lower())
    assert "Đ" in " ".join(PHRASES)
    assert not any(_has_capital_toned(p) for p in PHRASES)  # TCVN3 regular fonts lack them


@pytest.mark.parametrize(
    ("legacy", "encoding", "unicode"),
    [
        ("ViÖt Nam", "tcvn3", "Việt Nam"),
        ("Hµ Néi", "tcvn3", "Hà Nội"),
        ("Tr\xadêng tiÓu häc", "tcvn3", "Trường tiểu học"),
        ("§µ N½ng", "tcvn3", "Đà Nẵng"),
        ("Vieät Nam", "vni", "Việt Nam"),
        ("Haø Noäi", "vni", "Hà Nội"),
        ("Tröôøng tieåu hoïc", "vni", "Trường tiểu học"),
        ("Ñaø Naüng", "vni", "Đà Nẵng"),
        ("Thõa Thiªn HuÕ", "tcvn3", "Thừa Thiên Huế"),
        ("NguyÔn ThÞ Thu H\xad¬ng", "tcvn3", "Nguyễn Thị Thu Hương"),
        ("Hç trî ng\xadêi khuyÕt tËt", "tcvn3", "Hỗ trợ người khuyết tật"),
        ("TØnh Qu¶ng Ng·i", "tcvn3", "Tỉnh Quảng Ngãi"),
        ("Kü thuËt, ý kiÕn", "tcvn3", "Kỹ thuật, ý kiến"),
        ("VÜnh Long", "tcvn3", "Vĩnh Long"),
        ("Thöøa Thieân Hueá", "vni", "Thừa Thiên Huế"),
        ("Nguyeãn Thò Thu Höông", "vni", "Nguyễn Thị Thu Hương"),
        ("Hoã trôï ngöôøi khuyeát taät", "vni", "Hỗ trợ người khuyết tật"),
        ("Tænh Quaûng Ngaõi", "vni", "Tỉnh Quảng Ngãi"),
        ("Kyõ thuaät, yù kieán", "vni", "Kỹ thuật, ý kiến"),
        ("VIEÄT NAM", "vni", "VIỆT NAM"),
        ("ÑAÉK LAÉK", "vni", "ĐẮK LẮK"),
    ],
)
def test_known_legacy_strings(legacy, encoding, unicode):
    assert detect_encoding(legacy) == encoding
    assert to_unicode(legacy, encoding) == unicode
    assert from_unicode(unicode, encoding) == legacy


def test_tcvn3_table_agrees_with_glibc():
    """Every VN3 code matches glibc's TCVN5712-1; the VN1-only codes stay unconverted."""
    if shutil.which("iconv") is None:
        pytest.skip("iconv not installed")
    codes = [chr(b) for b in range(0xA1, 0xFF)]
    raw = " ".join(codes).encode("latin-1")
    command = ["iconv", "-f", "TCVN5712-1", "-t", "UTF-8"]
    done = subprocess.run(command, input=raw, capture_output=True, check=False)
    if done.returncode:
        pytest.skip("iconv lacks TCVN5712-1")
    reference = done.stdout.decode().split(" ")
    assert len(reference) == len(codes)
    converted = 0
    for code, ref in zip(codes, reference, strict=True):
        in_vn3 = ref.islower() or ref in "ĂÂÊÔƠƯĐ"  # VN1 adds capital toned letters, marks
        assert to_unicode(code, "tcvn3") == (ref if in_vn3 else code), hex(ord(code))
        converted += in_vn3
    assert converted == 74


@pytest.mark.parametrize("letter", LETTERS)
def test_vni_round_trips_every_letter(letter):
    encoded = from_unicode(letter, "vni")
    assert encoded != letter or letter.isascii() or letter in "ìíÌÍ"  # Latin-1's ì í are VNI's
    assert to_unicode(encoded, "vni") == letter


@pytest.mark.parametrize("letter", LETTERS)
def test_tcvn3_round_trips_every_letter(letter):
    back = to_unicode(from_unicode(letter, "tcvn3"), "tcvn3")
    # No capital toned letters in TCVN3: they take the lower-case code (the .VnTimeH way).
    assert back == (letter.lower() if _has_capital_toned(letter) else letter)
    capital = from_unicode(letter, "tcvn3", capital=True)
    assert to_unicode(capital, "tcvn3", capital=True) == letter.upper()


@pytest.mark.parametrize("encoding", ["tcvn3", "vni"])
@pytest.mark.parametrize("phrase", PHRASES)
def test_phrase_round_trip_and_detection(phrase, encoding):
    legacy = from_unicode(phrase, encoding)
    assert to_unicode(legacy, encoding) == phrase
    expected = None if (encoding, phrase) in AMBIGUOUS else encoding
    assert detect_encoding(legacy) == expected


@pytest.mark.parametrize("encoding", ["tcvn3", "vni"])
@pytest.mark.parametrize("phrase", PHRASES)
def test_upper_case_phrase_round_trip_and_detection(phrase, encoding):
    capital = encoding == "tcvn3"  # TCVN3 capitals need a .VnTimeH-style font
    upper = phrase.upper()
    legacy = from_unicode(upper, encoding, capital=capital)
    assert to_unicode(legacy, encoding, capital=capital) == upper
    expected = None if (encoding, upper) in AMBIGUOUS else encoding
    assert detect_encoding(legacy) == expected


def test_tcvn3_capital_toned_letters_use_lower_case_codes():
    assert from_unicode("Ủy ban", "tcvn3") == "ñy ban"
    assert to_unicode("ñy ban", "tcvn3") == "ủy ban"
    assert to_unicode("ñy ban", "tcvn3", capital=True) == "ỦY BAN"


def test_characters_outside_the_tables_pass_through():
    assert from_unicode("Zürich 2026 – €", "vni") == "Zürich 2026 – €"
    assert to_unicode("ABC 123 – €", "tcvn3") == "ABC 123 – €"


@pytest.mark.parametrize("func", [to_unicode, from_unicode])
def test_unknown_encoding_raises(func):
    with pytest.raises(ValueError, match="viscii"):
        func("abc", "viscii")


NOT_LEGACY = [
    "",
    "   ",
    "Việt Nam",
    "Tô Lâm",
    "Hoà Bình",
    "Lê",
    "Tú",
    "Hé",
    "Hà Nội",
    unicodedata.normalize("NFD", "Hà Nội"),
    "Clean water for rural schools",
    "Project budget (USD)",
    "1,250,000",
    "12.5%",
    "2026-03-31",
    "92-N2026-001",
    "nguyen.van.a@gmail.com",
    "info@msf.org",
    "https://www.savethechildren.org",
    "Hoa Kỳ",
    "Nhật Bản",
    "Hàn Quốc",
    "Vương quốc Anh",
    "United States of America",
    "Deutschland",
    "Österreich",
    "Schweiz / Suisse / Svizzera",
    "België / Belgique",
    "Sverige",
    "Ísland",
    "Côte d'Ivoire",
    "São Tomé and Príncipe",
    "Curaçao",
    "Réunion",
    "Türkiye",
    "España",
    "Perú",
    "México",
    "Bogotá",
    "Québec",
    "Malmö",
    "Genève",
    "Åland",
    "Kraków",
    "Médecins Sans Frontières",
    "Médecins du Monde",
    "Brot für die Welt",
    "Société",
    "Zürich",
    "Caritas Österreich",
    "Ärzte ohne Grenzen",
    "Handicap International Fédération",
    "Aide et Action",
    "Enfants du Mékong",
    "Fondation Mérieux",
    "Misereor – Bischöfliches Hilfswerk",
    "Diakonie Katastrophenhilfe",
    "Johanniter-Unfall-Hilfe",
    "Stiftung für Kinder",
    "Crème brûlée",
    "Noël",
    "naïve",
    "Straße",
    "Señor José Martí",
    "Ærø",
    "Øresund",
    "Città di Castello",
    "Più",
    "Où",
    "25°C",
    "±5%",
    "10 m²",
    "© 2024 ACME®",
    "«Bonjour»",
    "½ day",
    "5 µg/l",
    "Stockholms län",
    *PHRASES,
]


@pytest.mark.parametrize("text", NOT_LEGACY)
def test_no_false_positives(text):
    assert detect_encoding(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "Hß¸",  # TCVN3 "hòá": two tones
        "µµµ",  # "ààà": no rhyme
        "§§§ ¸¸",  # "ĐĐĐ áá"
        "ThÞnh Łódź",  # "Thịnh", but Ł is a real Unicode letter
        "Hµ Néi, Việt Nam",  # mixed with real Unicode Vietnamese
    ],
)
def test_legacy_codes_that_spell_no_vietnamese_are_not_detected(text):
    assert detect_encoding(text) is None


@pytest.mark.parametrize(
    ("name", "encoding", "capital"),
    [
        (".VnTime", "tcvn3", False),
        (".VnTimeH", "tcvn3", True),
        (".VnArial", "tcvn3", False),
        (".VnArialH", "tcvn3", True),
        (".VnCentury Schoolbook", "tcvn3", False),
        (" .vnTime ", "tcvn3", False),
        ("VNI-Times", "vni", False),
        ("VNI-Helve", "vni", False),
        ("vni-aptima", "vni", False),
        ("Arial", None, False),
        ("Times New Roman", None, False),
        ("Calibri", None, False),
        ("VNI Times", None, False),
        ("VnTime", None, False),
        ("Helvetica", None, False),
        ("", None, False),
        (None, None, False),
    ],
)
def test_font_encoding(name, encoding, capital):
    assert font_encoding(name) == encoding
    assert is_capital_font(name) is capital


# --- workbooks ---------------------------------------------------------------------------


def _put(ws, ref, value, font_name):
    ws[ref] = value
    ws[ref].font = Font(name=font_name)


def _legacy_workbook(path):
    wb = Workbook()
    ws = wb.active
    ws.title = "Dự án"
    _put(ws, "A1", "Hµ Néi", ".VnTime")
    _put(ws, "B1", "Hanoi", "Arial")
    _put(ws, "A2", 42, ".VnTime")  # a number: nothing to convert
    _put(ws, "D4", None, ".VnTime")  # styled but empty
    _put(ws, "C3", "Haø Noäi", "VNI-Times")
    _put(ws, "F6", CellRichText([TextBlock(InlineFont(rFont=".VnTime"), "ViÖt"), " Nam"]), "Arial")
    _put(wb.create_sheet("Ghi chú"), "E5", "hµ néi", ".VnTimeH")
    _put(wb.create_sheet("Plain"), "A1", "Hà Nội", "Arial")
    wb.save(path)


def test_legacy_font_cells(tmp_path):
    path = tmp_path / "legacy.xlsx"
    _legacy_workbook(path)
    assert legacy_font_cells(path) == {
        "Dự án": {(0, 0): "tcvn3", (2, 2): "vni", (5, 5): "tcvn3"},
        "Ghi chú": {(4, 4): TCVN3_CAPITAL},  # .VnTimeH: a capital font
    }


def test_legacy_font_cells_accepts_str_paths_and_xlsm(tmp_path):
    path = tmp_path / "legacy.xlsm"
    _legacy_workbook(path)
    assert legacy_font_cells(str(path))["Ghi chú"] == {(4, 4): TCVN3_CAPITAL}


def _write_zip(path, parts):
    with zipfile.ZipFile(path, "w") as zf:
        for name, text in parts.items():
            zf.writestr(name, text)


MAIN = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
REL = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
PKG = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
STYLES = (
    f'<styleSheet {MAIN}><fonts count="2"><font><name val="Calibri"/></font>'
    '<font><name val=".VnTime"/></font></fonts>'
    '<cellXfs count="1"><xf fontId="0"/></cellXfs></styleSheet>'
)


def _hand_made_parts():
    """A minimal package: rich shared strings, absolute targets, cells without ``r``."""
    return {
        "xl/workbook.xml": (
            f'<workbook {MAIN} {REL}><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{PKG}/worksheet" Target="/xl/worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{PKG}/sharedStrings" Target="sharedStrings.xml"/>'
            f'<Relationship Id="rId3" Type="{PKG}/styles" Target="styles.xml"/></Relationships>'
        ),
        "xl/styles.xml": STYLES,
        "xl/sharedStrings.xml": (
            f"<sst {MAIN}><si><t>Hello</t></si>"
            '<si><r><rPr><rFont val=".VnTime"/></rPr><t>ViÖt</t></r><r><t> Nam</t></r></si>'
            '<si><r><rPr><rFont val="Arial"/></rPr><t>Hanoi</t></r></si></sst>'
        ),
        "xl/worksheets/sheet1.xml": (
            f"<worksheet {MAIN}><sheetData>"
            '<row><c t="s"><v>0</v></c><c t="s"><v>1</v></c></row>'
            '<row><c t="s"><v>2</v></c><c t="s"><v>1</v></c><c><v>7</v></c></row>'
            '<row r="5"><c r="C5" t="s"><v>1</v></c></row>'
            "</sheetData></worksheet>"
        ),
    }


def test_legacy_font_cells_rich_shared_strings(tmp_path):
    path = tmp_path / "hand.xlsx"
    _write_zip(path, _hand_made_parts())
    assert legacy_font_cells(path) == {"S": {(0, 1): "tcvn3", (1, 1): "tcvn3", (4, 2): "tcvn3"}}


@pytest.mark.parametrize(
    "styles",
    [
        STYLES.replace('".VnTime"', '"&#46;VnTime"'),  # a character reference: not ".vn" in the bytes
        STYLES.replace('".VnTime"', '"&#x2E;VNTIME"'),
        '<?xml version="1.0" encoding="UTF-16"?>' + STYLES,  # no ASCII byte spells the name
        '<!DOCTYPE s [<!ENTITY f ".VnTime">]>' + STYLES.replace('".VnTime"', '"&f;"'),
    ],
)
def test_legacy_font_cells_finds_a_font_not_spelled_in_plain_bytes(tmp_path, styles):
    """Plain styles bytes skip the XML parse; a name spelled any other way is still parsed and found."""
    path = tmp_path / "spelled.xlsx"
    parts = {**_hand_made_parts(), "xl/styles.xml": styles}
    with zipfile.ZipFile(path, "w") as zf:
        for name, text in parts.items():
            zf.writestr(name, text.encode("utf-16") if "UTF-16" in text else text)
    assert legacy_font_cells(path) == {"S": {(0, 1): "tcvn3", (1, 1): "tcvn3", (4, 2): "tcvn3"}}


def test_legacy_font_cells_fast_path_reads_only_styles(tmp_path, monkeypatch):
    path = tmp_path / "plain.xlsx"
    wb = Workbook()
    for row in range(1, 2001):
        wb.active.append([f"Dự án {row}", row, "Hà Nội"])
    wb.active["A1"].font = Font(name="Arial", bold=True)
    wb.save(path)
    opened = []
    real_open = zipfile.ZipFile.open

    def spy(self, name, *args, **kwargs):
        opened.append(getattr(name, "filename", name))
        return real_open(self, name, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "open", spy)
    assert legacy_font_cells(path) == {}
    assert opened == ["xl/styles.xml"]


@pytest.mark.parametrize(
    "broken",
    [
        {"xl/styles.xml": "<styleSheet><fonts>"},  # truncated XML
        {"xl/worksheets/sheet1.xml": "<worksheet><sheetData><row><c t='s'><v>1"},
        {"xl/workbook.xml": "not xml at all"},
        {"xl/worksheets/sheet1.xml": f'<worksheet {MAIN}><c t="s" s="bad"/></worksheet>'},  # bad style
    ],
)
def test_legacy_font_cells_malformed_parts(tmp_path, broken):
    path = tmp_path / "broken.xlsx"
    _write_zip(path, {**_hand_made_parts(), **broken})
    assert legacy_font_cells(path) == {}


def test_legacy_font_cells_missing_part(tmp_path):
    path = tmp_path / "nostyles.xlsx"
    parts = _hand_made_parts()
    del parts["xl/styles.xml"]
    _write_zip(path, parts)
    assert legacy_font_cells(path) == {}


def test_legacy_font_cells_garbage_and_missing_files(tmp_path):
    garbage = tmp_path / "garbage.xlsx"
    garbage.write_bytes(b"PK\x03\x04 this is not really a zip file" * 10)
    assert legacy_font_cells(garbage) == {}
    text = tmp_path / "notes.xlsx"
    text.write_text("Hµ Néi", encoding="utf-8")
    assert legacy_font_cells(text) == {}
    assert legacy_font_cells(tmp_path / "missing.xlsx") == {}
