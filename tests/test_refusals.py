"""Files that are not readable workbooks get one clear bilingual sentence, never a traceback."""

import json
import zipfile
from pathlib import Path

import pytest

from toolkit import reader
from toolkit.cli import main
from toolkit.findings import Refusal
from toolkit.sample import sample_workbook
from toolkit.validate import validate

# The peer corpus of calamine (MIT, tests/corpus/calamine/LICENSE-MIT.md).
CORPUS = Path(__file__).resolve().parent / "corpus" / "calamine"


def run(capsys, *args):
    with pytest.raises(SystemExit) as exit_:
        main(list(args))
    out = capsys.readouterr()
    return exit_.value.code, out.out, out.err


@pytest.fixture(scope="module")
def good(tmp_path_factory):
    return sample_workbook(tmp_path_factory.mktemp("good") / "92.xlsx", "92", "2026-H1", seed=3).path


def refusal(path) -> Refusal:
    with pytest.raises(Refusal) as caught:
        validate(path)
    return caught.value


def test_missing_file(tmp_path):
    assert refusal(tmp_path / "nope.xlsx").reason == "file-not-found"


def test_empty_file(tmp_path):
    (tmp_path / "empty.xlsx").write_bytes(b"")
    assert refusal(tmp_path / "empty.xlsx").reason == "file-empty"


def test_text_renamed_to_xlsx(tmp_path):
    path = tmp_path / "report.xlsx"
    path.write_text("STT;Mã đề xuất\n1;92-N2026-001\n", encoding="utf-8")
    assert refusal(path).reason == "file-not-workbook"


def test_other_zip_file(tmp_path):
    path = tmp_path / "letter.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
    assert refusal(path).reason == "file-not-workbook"


def test_truncated_workbook(tmp_path, good):
    path = tmp_path / "cut.xlsx"
    path.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    assert refusal(path).reason == "file-damaged"


def test_password_protected():
    assert refusal(CORPUS / "pass_protected.xlsx").reason == "file-password-protected"


def test_huge_file(tmp_path, good, monkeypatch):
    monkeypatch.setattr(reader, "MAX_FILE_BYTES", 1024)
    found = refusal(good)
    assert found.reason == "file-too-large" and "MB" in found.en


def test_sheet_with_too_many_cells(good, monkeypatch):
    monkeypatch.setattr(reader, "MAX_SHEET_CELLS", 100)
    found = refusal(good)
    assert found.reason == "file-too-large" and "Nhu cầu tài trợ" in found.en


def test_zip_bomb(tmp_path, monkeypatch):
    monkeypatch.setattr(reader, "MAX_UNPACKED_BYTES", 1024**2)
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/workbook.xml", b"<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", b" " * (2 * 1024**2))
    assert refusal(path).reason == "file-too-large"


def test_legacy_xls_is_read_with_a_warning():
    report = validate(CORPUS / "any_sheets.xls")
    assert "legacy-format" in {f.rule for f in report.findings}
    assert not report.valid  # not a standard workbook


def test_cli_refusal_names_the_file_in_both_languages(tmp_path, capsys):
    path = tmp_path / "Báo cáo Cà Mau.xlsx"
    path.write_bytes(b"\x00" * 100)
    code, out, err = run(capsys, "validate", str(path))
    assert code == 2
    assert "Báo cáo Cà Mau.xlsx" in out and "không phải là tệp Excel" in out and "is not an Excel workbook" in out
    assert "Traceback" not in out + err


def test_cli_json_refusal_shape(tmp_path, capsys, good):
    bad = tmp_path / "cut.xlsx"
    bad.write_bytes(good.read_bytes()[:500])
    code, out, _ = run(capsys, "validate", "--format", "json", str(good), str(bad))
    assert code == 2
    first, second = json.loads(out)
    assert first["valid"] is True and first["file"] == str(good)
    assert second == {
        "file": str(bad),
        "refused": True,
        "reason": "file-damaged",
        "message_vi": second["message_vi"],
        "message_en": second["message_en"],
    }
    assert str(bad) in second["message_vi"] and str(bad) in second["message_en"]


CORPUS_FILES = sorted(p for p in CORPUS.iterdir() if p.suffix in (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"))


def test_corpus_is_present():
    assert len(CORPUS_FILES) > 100


@pytest.mark.parametrize("path", CORPUS_FILES, ids=[p.name for p in CORPUS_FILES])
def test_corpus_file_reads_or_is_refused_never_valid(path, capsys):
    code, out, err = run(capsys, "validate", "--format", "json", str(path))
    assert "Traceback" not in out + err
    [result] = json.loads(out)
    if result.get("refused"):
        assert code == 2 and path.name in result["message_vi"] and path.name in result["message_en"]
    else:
        assert code == 1 and result["valid"] is False
