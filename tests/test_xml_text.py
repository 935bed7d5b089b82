"""Text that XML cannot hold (\\x00, \\x01, \\x0b, \\x1f) never reaches a document aidkit writes (issue 17, item 6).

A workbook can carry such characters (escaped as _x0001_ in its XML); they are left out, by the one
helper text.xml_safe, of the Word report (test_report.py), the annotated copy and the catalogue page.
"""

from __future__ import annotations

import zipfile
from datetime import date
from pathlib import Path

from click.testing import CliRunner
from openpyxl import load_workbook

from toolkit.cli import cli
from toolkit.sample import sample_workbook

CONTROL = "\x00\x01\x0b\x1f"


def plant(path: Path, text: str, replacement: str) -> None:
    """Put `replacement` (control characters escaped as Excel does) where the workbook holds `text`."""
    escaped = "".join(f"_x{ord(ch):04X}_" if ch in CONTROL else ch for ch in replacement).encode()
    with zipfile.ZipFile(path) as z:
        parts = [(i, z.read(i)) for i in z.infolist()]
    assert any(text.encode() in data for _, data in parts)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in parts:
            z.writestr(info, data.replace(text.encode(), escaped))


def test_the_helper_keeps_tabs_and_line_ends():
    from toolkit.text import xml_safe

    assert xml_safe("Quỹ\x00 Hy\x01 vọng\x0b\x1f\tA\nB\r") == "Quỹ Hy vọng\tA\nB\r"


def test_the_catalogue_page_holds_no_control_character(tmp_path):
    sample = sample_workbook(tmp_path / "nop" / "92.xlsx", "92", "2026-H1", seed=3, needs=6, register=1)
    need = next(r for r in sample.rows["needs"] if r["trang_thai"] in ("Mới đề xuất", "Đang vận động"))
    plant(tmp_path / "nop" / "92.xlsx", need["ten_vi"], "Trường\x01 học\x0b xanh\x1f\x00")
    result = CliRunner().invoke(cli, ["catalogue", str(tmp_path / "nop"), "-o", str(tmp_path / "web")])
    assert result.exit_code == 0, result.output
    page = (tmp_path / "web" / "index.html").read_text(encoding="utf-8")
    assert "Trường học xanh" in page
    assert not any(ch in page for ch in CONTROL) and "\\u0001" not in page and "\\u000b" not in page


def test_the_annotated_copy_takes_a_finding_about_a_control_character(tmp_path):
    also = {
        "ma_khoan": "92-V2026-901",
        "trang_thai": "Đã phê duyệt",
        "ngay_nhan_hs": date(2026, 2, 2),
        "ngay_qd": date(2026, 2, 20),
        "ngay_bat_dau": date(2026, 3, 1),
        "ngay_ket_thuc": date(2026, 9, 30),
        "so_qd": "901/QĐ-UBND",
        "quoc_gia": "Xứ Lạ",
    }
    sample_workbook(tmp_path / "92.xlsx", "92", "2026-H1", seed=3, also=(also,))
    plant(tmp_path / "92.xlsx", "Xứ Lạ", "Xứ\x01 Lạ\x1f")  # an unknown country: its finding quotes the value
    result = CliRunner().invoke(cli, ["validate", str(tmp_path / "92.xlsx"), "--annotate", str(tmp_path / "a.xlsx")])
    assert result.exit_code == 1, result.output
    book = load_workbook(tmp_path / "a.xlsx")
    texts = [c.value for row in book["Phát hiện"].iter_rows() for c in row if isinstance(c.value, str)]
    assert any("Xứ Lạ" in t for t in texts)
    notes = [c.comment.text for ws in book.worksheets for row in ws.iter_rows() for c in row if c.comment]
    assert any("Xứ Lạ" in n for n in notes) and not any(ch in n for n in notes + texts for ch in CONTROL)
