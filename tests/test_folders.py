"""Finding workbooks among files and folders: look before reading, and say why a file is not read."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from toolkit.consolidation.consolidate import consolidate
from toolkit.findings import Refusal
from toolkit.sample import sample_workbook

HUGE = 3 * 1024**3


def expand_sources(*args, **kwargs):
    from toolkit.folders import expand_sources as expand

    return expand(*args, **kwargs)


def read_regular(*args, **kwargs):
    from toolkit.folders import read_regular as read

    return read(*args, **kwargs)


def folder_with_traps(root: Path) -> Path:
    """Two good workbooks, a FIFO named 96.xlsx, a link to /dev/zero, a 3 GB (sparse) file, a link out."""
    nop = root / "nop"
    nop.mkdir()
    sample_workbook(nop / "82.xlsx", "82", needs=3, register=3)
    sample_workbook(nop / "sub" / "92.xlsx", "92", needs=3, register=3)
    os.mkfifo(nop / "96.xlsx")
    (nop / "zero.xlsx").symlink_to("/dev/zero")
    with open(nop / "huge.xlsx", "wb") as f:
        f.truncate(HUGE)
    outside = root / "elsewhere.xlsx"
    sample_workbook(outside, "86", needs=1, register=1)
    (nop / "86-link.xlsx").symlink_to(outside)
    (nop / "ghi-chu.txt").write_text("not a workbook")
    return nop


def test_special_files_are_listed_with_their_reason_and_never_read(tmp_path):
    nop = folder_with_traps(tmp_path)
    found = expand_sources([nop])
    assert [name for _, name in found.files] == ["82.xlsx", "sub/92.xlsx"]
    assert {s.name: s.reason for s in found.skipped} == {
        "96.xlsx": "file-special",
        "zero.xlsx": "file-link-outside",
        "huge.xlsx": "file-too-large",
        "86-link.xlsx": "file-link-outside",
        "ghi-chu.txt": "file-other-type",
    }
    assert [s.refused for s in found.skipped if s.name == "ghi-chu.txt"] == [False]
    named = expand_sources([nop / "zero.xlsx"])  # named by the user: followed, and still not read
    assert [(s.reason, s.detail) for s in named.skipped] == [("file-special", "device")]


def test_reading_refuses_a_fifo_and_a_device_without_blocking(tmp_path):
    os.mkfifo(tmp_path / "pipe.xlsx")
    for path, reason in ((tmp_path / "pipe.xlsx", "file-special"), (Path("/dev/zero"), "file-special")):
        with pytest.raises(Refusal) as caught:
            read_regular(path)
        assert caught.value.reason == reason
    big = tmp_path / "big.xlsx"
    big.write_bytes(b"x" * 2048)
    with pytest.raises(Refusal) as caught:
        read_regular(big, limit=1024)
    assert caught.value.reason == "file-too-large"


def test_a_merge_over_a_fifo_a_dev_zero_link_and_a_huge_file_finishes_and_counts_the_good_files(tmp_path):
    nop = folder_with_traps(tmp_path)
    done = subprocess.run(
        [Path(sys.executable).with_name("aidkit"), "consolidate", nop, "-o", tmp_path / "th.xlsx", "--format", "json"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1, done.stderr  # 1: some files were refused (listed), the merge itself ran
    import json

    result = json.loads(done.stdout)
    assert sorted(p["province_code"] for p in result["provinces"]) == ["82", "92"]
    assert {r["file"]: r["reason"] for r in result["refused"]} == {
        "96.xlsx": "file-special",
        "zero.xlsx": "file-link-outside",
        "huge.xlsx": "file-too-large",
        "86-link.xlsx": "file-link-outside",
    }
    assert [s["file"] for s in result["skipped"]] == ["ghi-chu.txt"]


def test_consolidate_lists_every_file_it_does_not_count(tmp_path):
    nop = tmp_path / "nop"
    nop.mkdir()
    sample_workbook(nop / "82.xlsx", "82", needs=2, register=2)
    (nop / "92.ods").write_bytes(b"PK\x03\x04 not really")  # a legacy format is read, never passed over
    (nop / "bien-ban.pdf").write_bytes(b"%PDF-1.4")
    result = consolidate(nop, tmp_path / "th.xlsx")
    assert sorted(f.name for f in result.files) == ["82.xlsx", "92.ods"]
    assert [f.name for f in result.refused] == ["92.ods"]
    assert [(s.name, s.reason) for s in result.skipped] == [("bien-ban.pdf", "file-other-type")]
    assert "bien-ban.pdf" in result.to_text() and "not a spreadsheet file" in result.to_text()


@pytest.mark.office
def test_an_ods_submission_is_counted_for_its_province(tmp_path, soffice_convert):
    nop = tmp_path / "nop"
    nop.mkdir()
    sample_workbook(tmp_path / "92.xlsx", "92", needs=3, register=3)
    ods = soffice_convert(tmp_path / "92.xlsx", "ods")
    ods = ods.rename(nop / ods.name)
    result = consolidate(nop, tmp_path / "th.xlsx")
    assert [(e.code, e.file.name) for e in result.entries] == [("92", ods.name)]
    assert result.entries[0].register == 3


def test_files_and_folders_mix_and_each_file_counts_once(tmp_path):
    nop = tmp_path / "nop"
    sample_workbook(nop / "82.xlsx", "82", needs=2, register=2)
    sample_workbook(tmp_path / "92.xlsx", "92", needs=2, register=2)
    found = expand_sources([nop, tmp_path / "92.xlsx", nop / "82.xlsx", tmp_path / "khong-co.xlsx"])
    assert [name for _, name in found.files] == ["82.xlsx", "92.xlsx"]
    assert [(s.name, s.reason) for s in found.skipped] == [(str(tmp_path / "khong-co.xlsx"), "file-not-found")]
    result = consolidate([nop / "82.xlsx", tmp_path / "92.xlsx"], tmp_path / "out" / "th.xlsx")
    assert sorted(e.code for e in result.entries) == ["82", "92"]
