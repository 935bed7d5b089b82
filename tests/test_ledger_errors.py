"""The ledger tells SQLite's failures apart by their result codes (sqlite_errorcode), not by their English text."""

import sqlite3

import pytest

from toolkit.findings import Refusal
from toolkit.ledger import Ledger, explained


def test_a_ledger_that_cannot_be_opened_names_its_folder(tmp_path):
    path = tmp_path / "no-such-folder" / "aidkit-ledger.sqlite"
    with pytest.raises(Refusal) as caught, explained(str(path), 1.0):
        sqlite3.connect(path)  # SQLITE_CANTOPEN
    assert caught.value.reason == "output-folder-unwritable"


def test_a_damaged_ledger_is_told_by_its_code(tmp_path):
    path = tmp_path / "aidkit-ledger.sqlite"
    path.write_bytes(b"SQLite format 3\0" + b"\xff" * 4096)  # the header of a database, then garbage
    with pytest.raises(Refusal) as caught:
        Ledger(path)
    assert caught.value.reason == "ledger-damaged"


def test_a_constraint_broken_by_our_code_is_a_bug_not_a_damaged_ledger(tmp_path):
    conn = sqlite3.connect(tmp_path / "x.sqlite")
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY)")
    conn.execute("INSERT INTO t VALUES (1)")
    with pytest.raises(sqlite3.IntegrityError), explained(str(tmp_path / "x.sqlite"), 1.0):
        conn.execute("INSERT INTO t VALUES (1)")
