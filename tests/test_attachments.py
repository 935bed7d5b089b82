"""toolkit.mail.attachments: safe names, and reading an untrusted e-mail within bounds."""

from __future__ import annotations

import base64
import unicodedata

import pytest

from imap_server import letter
from toolkit.mail.attachments import (
    MAX_ATTACHMENT_BYTES,
    MAX_DEPTH,
    MAX_HEADER_CHARS,
    MAX_PARTS,
    MAX_STEM_BYTES,
    read_letter,
    safe_name,
)


@pytest.mark.parametrize(
    "given, safe",
    [
        ("../../x.xlsx", "x.xlsx"),
        ("..\\..\\Windows\\x.xlsx", "x.xlsx"),
        ("/etc/passwd", "passwd"),
        ("C:\\Users\\lhh\\Báo cáo.XLSX", "Báo cáo.xlsx"),
        ("CON.xlsx", "_CON.xlsx"),
        ("nul", "_nul"),
        ("com1.tar.xlsx", "_com1.tar.xlsx"),
        ("..", "tep-dinh-kem"),
        ("", "tep-dinh-kem"),
        ("a<b>c:d|e?.xlsx", "a_b_c_d_e_.xlsx"),
        (".hidden.xlsx", "hidden.xlsx"),
        ("báo\x00cáo\r\n.xlsx", "báo_cáo__.xlsx"),
        ("CONIN$.xlsx", "_CONIN$.xlsx"),
        ("conout$", "_conout$"),
        ("COM¹.xlsx", "_COM¹.xlsx"),
        ("lpt³.txt", "_lpt³.txt"),
        ("bao-cao\u202eslx.exe", "bao-caoslx.exe"),
        ("bao\u200bcao\u2066.xlsx", "baocao.xlsx"),
        ("\ufeffbao-cao.xlsx", "bao-cao.xlsx"),
    ],
)
def test_safe_names(given, safe):
    assert safe_name(given) == safe


def test_safe_names_are_nfc_and_bounded():
    decomposed = unicodedata.normalize("NFD", "Báo cáo Cần Thơ.xlsx")
    assert safe_name(decomposed) == unicodedata.normalize("NFC", "Báo cáo Cần Thơ.xlsx")
    long = safe_name("Đ" * 500 + ".xlsm")
    assert long.endswith(".xlsm") and len(long[:-5].encode("utf-8")) <= MAX_STEM_BYTES


def test_a_letter_gives_its_sender_and_workbooks():
    raw = letter(
        "Trần Thị Mai <LHH.CanTho@Example.vn>",
        "Báo cáo",
        [("Báo cáo Cần Thơ.xlsx", b"PK..."), ("ảnh.jpg", b"\xff\xd8"), ("bc.zip", b"PK")],
    )
    found = read_letter(raw)
    assert found.sender == "lhh.cantho@example.vn" and found.sender_name == "Trần Thị Mai"
    assert [(a.name, a.kind, a.data) for a in found.attachments] == [
        ("Báo cáo Cần Thơ.xlsx", "workbook", b"PK..."),
        ("ảnh.jpg", "other", b"\xff\xd8"),
        ("bc.zip", "archive", b"PK"),
    ]
    assert not found.automatic and not found.cut_short


def test_an_attachment_over_the_cap_is_not_decoded():
    big = b"x" * (MAX_ATTACHMENT_BYTES + 10)
    [attachment] = read_letter(letter("a@b.vn", "s", [("big.xlsx", big)])).attachments
    assert attachment.too_large and attachment.data is None and attachment.size > MAX_ATTACHMENT_BYTES


def nested(depth: int, payload: bytes) -> bytes:
    """A message with `depth` multiparts inside each other and a workbook at the bottom."""
    body = (
        b'Content-Type: application/octet-stream\r\nContent-Disposition: attachment; filename="deep.xlsx"\r\n'
        b"Content-Transfer-Encoding: base64\r\n\r\n" + base64.b64encode(payload) + b"\r\n"
    )
    for n in range(depth):
        boundary = f"b{n}".encode()
        body = (
            b'Content-Type: multipart/mixed; boundary="'
            + boundary
            + b'"\r\n\r\n--'
            + boundary
            + b"\r\n"
            + body
            + b"--"
            + boundary
            + b"--\r\n"
        )
    return b"From: a@b.vn\r\nSubject: deep\r\nMIME-Version: 1.0\r\n" + body


def test_mime_nesting_is_bounded():
    shallow = read_letter(nested(3, b"PK"))
    assert [a.name for a in shallow.attachments] == ["deep.xlsx"] and not shallow.cut_short
    deep = read_letter(nested(MAX_DEPTH + 2, b"PK"))
    assert deep.attachments == [] and deep.cut_short
    absurd = read_letter(nested(5000, b"PK"))  # would exhaust the parser's recursion
    assert absurd.attachments == [] and absurd.cut_short and absurd.sender == "a@b.vn"


@pytest.mark.parametrize(
    "header", ["Auto-Submitted: auto-replied", "Precedence: bulk", "X-Autoreply: yes", "X-Aidkit-Kind: acknowledgement"]
)
def test_automatic_messages_are_recognised(header):
    name, value = header.split(": ")
    assert read_letter(letter("a@b.vn", "s", headers={name: value})).automatic
    assert not read_letter(letter("a@b.vn", "s", headers={"Auto-Submitted": "no"})).automatic


def test_the_headers_of_issue_17_are_read_within_bounds():
    comments = (
        "From: la@example.com\r\nSubject: hi\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed "
        + "(" * 600
        + ")" * 600
        + '; boundary="b"\r\n\r\n--b\r\nContent-Type: application/octet-stream\r\n'
        'Content-Disposition: attachment; filename="a.xlsx"\r\n\r\nPK\r\n--b--\r\n'
    ).encode()
    found = read_letter(comments)  # raised RecursionError
    assert found.sender == "la@example.com" and [a.name for a in found.attachments] == ["a.xlsx"]
    words = " ".join(f"=?utf-8?q?t=E1=BB=AB_{n:05d}?=" for n in range(20_000))
    assert len(words) > 575_000  # 585 KB with "Subject: " and its fold
    raw = letter("la@example.com", "x", [("b.xlsx", b"PK")]).replace(b"Subject: x", b"Subject: " + words.encode())
    huge = read_letter(raw)  # took 20 s: the subject is read from its first MAX_HEADER_CHARS characters only
    assert huge.subject.startswith("từ 00000từ 00001") and "=?" not in huge.subject
    assert len(huge.subject) < MAX_HEADER_CHARS
    assert [a.name for a in huge.attachments] == ["b.xlsx"]


def test_a_message_of_300_parts_is_cut_short_before_its_250th():
    files = [(f"anh-{n}.jpg", b"\xff") for n in range(300)]
    files[250] = ("bao-cao.xlsx", b"PK")
    found = read_letter(letter("a@b.vn", "s", files))
    assert found.cut_short and found.of_kind("workbook") == [] and len(found.attachments) == MAX_PARTS - 2
