"""toolkit.ledger (SQLite: migrations, at-most-once claims, concurrency, archive) and toolkit.submissions."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
from datetime import date, timedelta
from pathlib import Path

import pytest

from cluster import PERIOD, at, drop, make_cluster
from toolkit.control import read_control
from toolkit.folders import workbook_files
from toolkit.ledger import LEDGER_NAME, MIGRATIONS, Ledger, LedgerTooNew, ledger_path, sha256_of
from toolkit.submissions import receive

DAY = date(2026, 7, 12)


@pytest.fixture
def fresh(tmp_path):
    """An in-memory ledger with its archive in tmp_path (like sqlite-utils' fresh_db)."""
    with Ledger(":memory:", archive=tmp_path / "archive") as ledger:
        yield ledger


def record(ledger: Ledger, content: bytes, province="92", period=PERIOD, received=None, status="valid", **kw):
    sha, copy = ledger.archive(content)
    return ledger.record_submission(
        sha256=sha,
        file=f"{province}.xlsx",
        received_at=received or at(DAY),
        status=status,
        archived=copy,
        size=len(content),
        province=province,
        period=period,
        **kw,
    )


# --- schema and migrations ------------------------------------------------------------------


def test_fresh_ledger_is_at_the_latest_version(fresh):
    assert fresh.version == len(MIGRATIONS) >= 1
    tables = {r[0] for r in fresh.conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"submissions", "messages"} <= tables
    assert fresh.check() == "ok"


def test_file_ledger_uses_wal_and_reopens_without_migrating_again(tmp_path):
    path = tmp_path / LEDGER_NAME
    with Ledger(path) as ledger:
        assert ledger.journal_mode == "wal"
        record(ledger, b"first")
    with Ledger(path) as again:
        assert again.version == len(MIGRATIONS)
        assert [s.file for s in again.submissions()] == ["92.xlsx"]
        assert again.conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000


def test_migrations_apply_in_order_and_only_once(tmp_path):
    extra = MIGRATIONS + (
        ("ALTER TABLE submissions ADD COLUMN note TEXT NOT NULL DEFAULT ''",),
        ("CREATE TABLE later (x INTEGER)",),
    )
    path = tmp_path / "l.sqlite"
    with Ledger(path) as ledger:
        record(ledger, b"kept across migrations")
        assert ledger.migrate(extra) == len(MIGRATIONS) + 2
        assert ledger.migrate(extra) == len(MIGRATIONS) + 2  # nothing left to do
        assert ledger.conn.execute("SELECT note FROM submissions").fetchone()[0] == ""
        assert len(ledger.submissions()) == 1


def test_a_version_1_ledger_keeps_its_messages_through_migration_2(tmp_path):
    """Migration 2 rebuilds the messages table (a new kind): every row and the at-most-once rule survive."""
    path = tmp_path / "v1.sqlite"
    with Ledger(path) as old:
        old.conn.execute("PRAGMA user_version = 0")
        for table in ("messages", "submissions", "mailbox_messages", "mailbox_checks"):
            old.conn.execute(f"DROP TABLE {table}")
        old.migrate(MIGRATIONS[:1])
        submission, _ = record(old, b"v1 file")
        old.conn.execute(  # as aidkit of version 1 wrote a sent receipt
            "INSERT INTO messages (kind, period, province, day, slot, submission_id, claimed_at, sent_at, message_id,"
            " outcome) VALUES ('acknowledgement', ?, '92', ?, ?, ?, ?, ?, '<a@b>', 'sent')",
            (PERIOD, DAY.isoformat(), submission.sha256, submission.id, f"{DAY}T08:00:00", f"{DAY}T08:00:01"),
        )
    with Ledger(path) as ledger:
        assert ledger.version == len(MIGRATIONS) == 6
        [message] = ledger.messages()
        assert (message.kind, message.outcome, message.submission_id) == ("acknowledgement", "sent", submission.id)
        assert ledger.claim("acknowledgement", PERIOD, "92", DAY, slot=submission.sha256) is None
        assert ledger.claim("collect_reply", "", "92", DAY, slot="f" * 64) is not None
        assert ledger.claim("collect_alert", "", "", DAY, slot="2026-07-15T07:00:00") is not None
        assert ledger.claim("call_for_reports", "2026-H2", "92", DAY, slot="2026-H2") is not None
        assert ledger.claim("call_for_reports", "2026-H2", "92", DAY, slot="2026-H2") is None  # once per period
        assert ledger.check() == "ok"


def test_mail_taken_is_recorded_once_per_uidvalidity_and_uid(fresh):
    from datetime import datetime, timezone

    when = datetime(2026, 7, 15, 16, 30, tzinfo=timezone.utc)
    first = fresh.record_mail(
        mailbox="h/u/INBOX",
        uidvalidity=7,
        uid=101,
        sha256="a" * 64,
        internal_date=when,
        size=10,
        outcome="no-workbook",
        sender="x@y.vn",
    )
    again = fresh.record_mail(
        mailbox="h/u/INBOX", uidvalidity=7, uid=101, sha256="b" * 64, internal_date=when, size=10, outcome="submitted"
    )
    assert again == first and first.internal_date == when
    assert fresh.last_uid("h/u/INBOX", 7) == 101 and fresh.last_uid("h/u/INBOX", 8) == 0
    assert fresh.mail_taken("h/u/INBOX", "a" * 64) == first and fresh.mail_taken("other", "a" * 64) is None
    with pytest.raises(ValueError):
        fresh.record_mail(
            mailbox="m", uidvalidity=1, uid=1, sha256="c" * 64, internal_date=when, size=1, outcome="lost"
        )


def test_a_version_3_ledger_keeps_its_mail_through_migration_5_which_adds_two_outcomes(tmp_path):
    from datetime import datetime, timezone

    path, when = tmp_path / "v3.sqlite", datetime(2026, 7, 15, 16, 30, tzinfo=timezone.utc)
    with Ledger(path) as old:
        old.conn.execute("PRAGMA user_version = 0")
        for table in ("messages", "submissions", "mailbox_messages", "mailbox_checks"):
            old.conn.execute(f"DROP TABLE {table}")
        old.migrate(MIGRATIONS[:3])
        taken = old.record_mail(
            mailbox="m",
            uidvalidity=7,
            uid=101,
            sha256="a" * 64,
            internal_date=when,
            size=10,
            outcome="not-member",
            sender="la@example.com",
        )
    with Ledger(path) as ledger:
        assert ledger.version == len(MIGRATIONS) == 6 and ledger.mail() == [taken]
        for uid, outcome in ((102, "cut-short"), (103, "unparsed")):
            ledger.record_mail(
                mailbox="m", uidvalidity=7, uid=uid, sha256="b" * 64, internal_date=when, size=1, outcome=outcome
            )
        assert [m.outcome for m in ledger.mail()] == ["not-member", "cut-short", "unparsed"]
        assert ledger.mail_taken("m", "b" * 64).uid == 102 and ledger.check() == "ok"


def test_an_outage_of_the_mailbox_begins_once_and_ends_when_it_is_read_again(fresh):
    from datetime import datetime

    first, later, after = datetime(2026, 7, 11, 7), datetime(2026, 7, 12, 7), datetime(2026, 7, 14, 7)
    assert fresh.mailbox_unreached("m", first) == first
    assert fresh.mailbox_unreached("m", later) == first
    fresh.mailbox_reached("m", datetime(2026, 7, 13, 7))
    assert fresh.mailbox_unreached("m", after) == after
    assert fresh.mailbox_unreached("other", later) == later


def test_a_failing_migration_changes_nothing(fresh):
    broken = MIGRATIONS + (("CREATE TABLE half_done (x)", "THIS IS NOT SQL"),)
    with pytest.raises(sqlite3.OperationalError):
        fresh.migrate(broken)
    assert fresh.version == len(MIGRATIONS)
    tables = {r[0] for r in fresh.conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "half_done" not in tables


def test_a_ledger_from_a_newer_aidkit_is_refused(tmp_path):
    path = tmp_path / "new.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    with pytest.raises(LedgerTooNew) as err:
        Ledger(path)
    assert "99" in err.value.vi and "upgrade" in err.value.en


def test_ledger_lives_beside_the_control_workbook(tmp_path):
    assert ledger_path(tmp_path / "a" / "Điều hành.xlsm") == (tmp_path / "a" / LEDGER_NAME).resolve()


# --- submissions and archive -------------------------------------------------------------------


def test_each_content_is_recorded_once(fresh):
    first, new = record(fresh, b"v1")
    again, new_again = record(fresh, b"v1", received=at(DAY + timedelta(days=3)))
    assert new and not new_again
    assert again == first  # the first sighting stands
    assert first.sha256 == sha256_of(b"v1") and first.received_at == at(DAY)


def test_latest_counts_and_refused_files_are_not_versions(fresh):
    record(fresh, b"old", received=at(DAY), status="invalid", errors=2)
    record(fresh, b"new", received=at(DAY + timedelta(days=1)), status="valid")
    record(fresh, b"other", province="82", received=at(DAY))
    record(fresh, b"garbage", province=None, period=None, status="refused", detail="file-damaged")
    latest = fresh.latest(PERIOD)
    assert {k: v.sha256 for k, v in latest.items()} == {"92": sha256_of(b"new"), "82": sha256_of(b"other")}
    assert fresh.latest(PERIOD, until=at(DAY))["92"].status == "invalid"  # as seen on DAY
    assert fresh.counts(PERIOD) == {"92": 2, "82": 1}


def test_archive_is_content_addressed_and_never_loses_a_version(fresh):
    sha1, path1 = fresh.archive(b"version 1", ".XLSX")
    sha2, path2 = fresh.archive(b"version 2", ".xlsx")
    again, path1b = fresh.archive(b"version 1", ".xlsx")
    assert path1 == path1b and sha1 == again
    assert path1.name == f"{sha1}.xlsx" and path1.parent.name == sha1[:2]
    assert path1.read_bytes() == b"version 1" and path2.read_bytes() == b"version 2"
    files = sorted(p for p in fresh.archive_dir.rglob("*") if p.is_file())
    assert files == sorted([path1, path2])  # no temporary files left behind


def test_archived_path_is_relative_to_the_ledger(tmp_path):
    with Ledger(tmp_path / LEDGER_NAME) as ledger:
        submission, _ = record(ledger, b"x")
        assert not Path(submission.archived).is_absolute()
        assert ledger.archived_path(submission).read_bytes() == b"x"


# --- messages: at most once ---------------------------------------------------------------------


def test_a_reminder_slot_can_be_claimed_once(fresh):
    row = fresh.claim("reminder_before", PERIOD, "92", DAY, recipients=["a@example.vn"], subject="Nhắc")
    assert row is not None
    assert fresh.claim("reminder_before", PERIOD, "92", DAY) is None
    assert fresh.claim("reminder_before", PERIOD, "92", DAY + timedelta(days=1)) is not None  # next day
    assert fresh.claim("reminder_before", PERIOD, "86", DAY) is not None  # other province
    fresh.finish(row, "sent", message_id="<1@x>", attempts=1)
    assert fresh.claim("reminder_before", PERIOD, "92", DAY) is None
    [m] = [m for m in fresh.messages() if m.id == row]
    assert (m.outcome, m.message_id, m.recipients, m.subject, m.day) == (
        "sent",
        "<1@x>",
        ("a@example.vn",),
        "Nhắc",
        DAY,
    )


def test_only_a_failed_message_may_be_claimed_again(fresh):
    failed = fresh.claim("reminder_after", PERIOD, "91", DAY)
    fresh.finish(failed, "failed", error="421 busy", attempts=4)
    assert fresh.is_claimed("reminder_after", PERIOD, "91", DAY.isoformat()) is False
    assert fresh.claim("reminder_after", PERIOD, "91", DAY) == failed  # the same row, claimed again
    for outcome in ("refused", "partial"):
        row = fresh.claim("escalation", PERIOD, outcome, DAY)
        fresh.finish(row, outcome)
        assert fresh.claim("escalation", PERIOD, outcome, DAY) is None


def test_at_most_once_a_day_is_a_database_constraint(fresh):
    insert = (
        "INSERT INTO messages (kind, period, province, day, slot, claimed_at, outcome)"
        " VALUES (?, ?, ?, ?, ?, '2026-07-12T07:00:00', 'sent')"
    )
    fresh.conn.execute(insert, ("reminder_before", PERIOD, "92", "2026-07-12", "2026-07-12"))
    with pytest.raises(sqlite3.IntegrityError):  # the same province, kind and day again
        fresh.conn.execute(insert, ("reminder_before", PERIOD, "92", "2026-07-12", "2026-07-12"))
    with pytest.raises(sqlite3.IntegrityError):  # a reminder's slot must be its day
        fresh.conn.execute(insert, ("reminder_before", PERIOD, "92", "2026-07-12", "again"))
    fresh.conn.execute(insert, ("acknowledgement", PERIOD, "92", "2026-07-12", "a" * 64))
    fresh.conn.execute(insert, ("acknowledgement", PERIOD, "92", "2026-07-12", "b" * 64))  # 2 files, 1 day


# --- concurrency ---------------------------------------------------------------------------------


def test_threads_racing_for_the_same_slots_each_slot_once(tmp_path):
    path = tmp_path / LEDGER_NAME
    Ledger(path).close()
    won: list[tuple[str, str]] = []
    errors: list[BaseException] = []
    start = threading.Barrier(6)

    def worker():
        try:
            with Ledger(path) as ledger:
                start.wait()
                for i in range(40):
                    province = f"{i:02d}"
                    if ledger.claim("reminder_before", PERIOD, province, DAY) is not None:
                        won.append(("claim", province))
                    record(ledger, f"file {i}".encode(), province=province)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(won) == sorted(("claim", f"{i:02d}") for i in range(40))
    with Ledger(path) as ledger:
        assert len(ledger.messages()) == 40 and len(ledger.submissions()) == 40
        assert ledger.check() == "ok"


WRITER = r"""
import sys
from datetime import date, datetime
from toolkit.ledger import Ledger
path, who = sys.argv[1], sys.argv[2]
won = 0
with Ledger(path) as ledger:
    for i in range(150):
        row = ledger.claim("reminder_after", "2026-H1", f"{i:03d}", date(2026, 7, 16))
        if row is not None:  # as the Postman does: a claim always ends with its outcome
            ledger.finish(row, "sent")
            won += 1
        sha, copy = ledger.archive(f"same file {i % 50}".encode())
        ledger.record_submission(sha256=sha, file=f"{who}-{i}.xlsx", received_at=datetime(2026, 7, 16, 7),
                                 status="valid", archived=copy, size=1, province=f"{i % 50:02d}", period="2026-H1")
print(won)
"""


def test_two_processes_writing_at_once_do_not_corrupt_it(tmp_path):
    """The scheduled job and a button press: two processes claim and record at the same time."""
    path = tmp_path / LEDGER_NAME
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path), who],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for who in ("job", "button")
    ]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [err for _, err in outputs]
    assert sum(int(out) for out, _ in outputs) == 150  # every slot won by exactly one process
    with Ledger(path) as ledger:
        assert ledger.check() == "ok"
        assert len(ledger.messages()) == 150
        assert len(ledger.submissions()) == 50  # the same content is one submission, whoever saw it
        assert len({s.sha256 for s in ledger.submissions()}) == 50


# --- receiving from the submissions folder -------------------------------------------------------


def test_receive_checks_archives_and_records_each_version_once(tmp_path):
    control_path = make_cluster(tmp_path)
    control = read_control(control_path)
    drop(control_path, "so-lieu-cuoi-cung.xlsx", "92", DAY)  # name says nothing: the Info sheet does
    drop(control_path, "86_v1.xlsx", "86", DAY, defects=("missing-value",))
    (control.inbox / "~$86_v1.xlsx").write_bytes(b"excel lock file")
    (control.inbox / "ghi-chu.txt").write_text("not a workbook")
    broken = control.inbox / "sub" / "hong.xlsx"
    broken.parent.mkdir()
    broken.write_bytes(b"PK\x03\x04 truncated download")
    with Ledger.for_control(control_path) as ledger:
        new = receive(control, ledger, at(DAY + timedelta(days=1)))
        assert sorted((s.file, s.province, s.period, s.status, s.errors) for s in new) == [
            ("86_v1.xlsx", "86", PERIOD, "invalid", 1),
            ("so-lieu-cuoi-cung.xlsx", "92", PERIOD, "valid", 0),
            ("sub/hong.xlsx", None, None, "refused", 0),
        ]
        by_file = {s.file: s for s in new}
        # received at the file's modification time, which is earlier than the scan
        assert by_file["so-lieu-cuoi-cung.xlsx"].received_at == at(DAY, 6)
        assert by_file["sub/hong.xlsx"].detail == "file-damaged"
        assert by_file["86_v1.xlsx"].sender.endswith("@lhhvinhlong.org.vn")
        for s in new:
            assert ledger.archived_path(s).read_bytes() == (control.inbox / s.file).read_bytes()

        assert receive(control, ledger, at(DAY + timedelta(days=2))) == []  # nothing new
        (control.inbox / "so-lieu-cuoi-cung.xlsx").rename(control.inbox / "renamed.xlsx")
        assert receive(control, ledger, at(DAY + timedelta(days=2))) == []  # same content, new name

        first = ledger.archived_path(by_file["86_v1.xlsx"])
        drop(control_path, "86_v1.xlsx", "86", DAY + timedelta(days=3))  # fixed, saved over the old file
        [fixed] = receive(control, ledger, at(DAY + timedelta(days=3), 8))
        assert (fixed.province, fixed.status, fixed.received_at) == ("86", "valid", at(DAY + timedelta(days=3), 6))
        assert first.exists()  # the invalid version is still in the archive
        assert ledger.latest(PERIOD)["86"].sha256 == fixed.sha256


def test_receive_uses_now_when_the_file_looks_newer(tmp_path):
    control_path = make_cluster(tmp_path)
    path = drop(control_path, "92.xlsx", "92", DAY)
    os.utime(path, None)  # modified "now" in real time, later than the simulated day
    control = read_control(control_path)
    with Ledger.for_control(control_path) as ledger:
        [s] = receive(control, ledger, at(DAY, 9))
    assert s.received_at == at(DAY, 9)


def test_workbook_files_skip_the_archive_and_output_folders(tmp_path):
    (tmp_path / "a.xlsx").write_bytes(b"x")
    (tmp_path / "aidkit-archive" / "ab").mkdir(parents=True)
    (tmp_path / "aidkit-archive" / "ab" / "ab.xlsx").write_bytes(b"x")
    (tmp_path / "ket-qua").mkdir()
    (tmp_path / "ket-qua" / "b.xlsm").write_bytes(b"x")
    (tmp_path / "Sub").mkdir()
    (tmp_path / "Sub" / "C.XLSM").write_bytes(b"x")
    found = workbook_files(tmp_path, exclude=(tmp_path / "aidkit-archive", tmp_path / "ket-qua"))
    assert [p.relative_to(tmp_path).as_posix() for p in found] == ["a.xlsx", "Sub/C.XLSM"]
