"""toolkit.mail.attachments: safe names, and reading an untrusted e-mail within bounds."""

from __future__ import annotations

import base64
import unicodedata

import pytest

from imap_server import letter
from toolkit.mail.attachments import (
    MAX_ATTACHMENT_BYTES,
    MAX_DEPTH,
    MAX_STEM_BYTES,
    read_letter,
    safe_name,
)


@pytest.mark.parametrize("given, safe", [
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
])
def test_safe_names(given, safe):
    assert safe_name(given) == safe


def test_safe_names_are_nfc_and_bounded():
    decomposed = unicodedata.normalize("NFD", "Báo cáo Cần Thơ.xlsx")
    assert safe_name(decomposed) == unicodedata.normalize("NFC", "Báo cáo Cần Thơ.xlsx")
    long = safe_name("Đ" * 500 + ".xlsm")
    assert long.endswith(".xlsm") and len(long[:-5].encode("utf-8")) <= MAX_STEM_BYTES


def test_a_letter_gives_its_sender_and_workbooks():
    raw = letter("Trần Thị Mai <LHH.CanTho@Example.vn>", "Báo cáo", [("Báo cáo Cần Thơ.xlsx", b"PK..."),
                                                                    ("ảnh.jpg", b"\xff\xd8"), ("bc.zip", b"PK")])
    found = read_letter(raw)
    assert found.sender == "lhh.cantho@example.vn" and found.sender_name == "Trần Thị Mai"
    assert [(a.name, a.kind, a.data) for a in found.attachments] == [
        ("Báo cáo Cần Thơ.xlsx", "workbook", b"PK..."), ("ảnh.jpg", "other", b"\xff\xd8"), ("bc.zip", "archive", b"PK")]
    assert not found.automatic and not found.cut_short


def test_an_attachment_over_the_cap_is_not_decoded():
    big = b"x" * (MAX_ATTACHMENT_BYTES + 10)
    [attachment] = read_letter(letter("a@b.vn", "s", [("big.xlsx", big)])).attachments
    assert attachment.too_large and attachment.data is None and attachment.size > MAX_ATTACHMENT_BYTES


def nested(depth: int, payload: bytes) -> bytes:
    """A message with `depth` multiparts inside each other and a workbook at the bottom."""
    body = (b"Content-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"deep.xlsx\"\r\n"
            b"Content-Transfer-Encoding: base64\r\n\r\n" + base64.b64encode(payload) + b"\r\n")
    for n in range(depth):
        boundary = f"b{n}".encode()
        body = (b"Content-Type: multipart/mixed; boundary=\"" + boundary + b"\"\r\n\r\n--" + boundary + b"\r\n"
                + body + b"--" + boundary + b"--\r\n")
    return b"From: a@b.vn\r\nSubject: deep\r\nMIME-Version: 1.0\r\n" + body


def test_mime_nesting_is_bounded():
    shallow = read_letter(nested(3, b"PK"))
    assert [a.name for a in shallow.attachments] == ["deep.xlsx"] and not shallow.cut_short
    deep = read_letter(nested(MAX_DEPTH + 2, b"PK"))
    assert deep.attachments == [] and deep.cut_short
    absurd = read_letter(nested(5000, b"PK"))  # would exhaust the parser's recursion
    assert absurd.attachments == [] and absurd.cut_short and absurd.sender == "a@b.vn"


@pytest.mark.parametrize("header", ["Auto-Submitted: auto-replied", "Precedence: bulk", "X-Autoreply: yes",
                                    "X-Aidkit-Kind: acknowledgement"])
def test_automatic_messages_are_recognised(header):
    name, value = header.split(": ")
    assert read_letter(letter("a@b.vn", "s", headers={name: value})).automatic
    assert not read_letter(letter("a@b.vn", "s", headers={"Auto-Submitted": "no"})).automatic
