import os

import pytest

from toolkit import atomic
from toolkit.atomic import atomic_path, write_bytes
from toolkit.findings import Refusal


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    target = write_bytes(tmp_path / "out.xlsx", b"old")
    with pytest.raises(RuntimeError):
        with atomic_path(target) as tmp:
            tmp.write_bytes(b"half")
            raise RuntimeError("disk full")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.xlsx"]


def test_a_file_open_in_excel_gets_a_clear_sentence(tmp_path, monkeypatch):
    target = write_bytes(tmp_path / "tong-hop.xlsx", b"old")

    def locked(src, dst):
        raise PermissionError(13, "The process cannot access the file")

    monkeypatch.setattr(atomic.os, "replace", locked)
    with pytest.raises(Refusal) as caught:
        write_bytes(target, b"new")
    assert caught.value.reason == "output-locked"
    assert "tong-hop.xlsx" in caught.value.vi and "Close it" in caught.value.en
    monkeypatch.setattr(atomic.os, "replace", os.replace)
    assert target.read_bytes() == b"old" and len(list(tmp_path.iterdir())) == 1
