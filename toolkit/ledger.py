"""The submissions ledger: every file received and every message sent, in a SQLite file.

Sổ theo dõi: mọi tệp đã nhận và mọi thư đã gửi, lưu trong một tệp SQLite.

Where: ``aidkit-ledger.sqlite`` in the control workbook's folder, and beside it
the archive ``aidkit-archive/``, where every submitted file is copied under its
SHA-256 (``aidkit-archive/ab/ab12…ef.xlsx``), so no version is ever lost and a
file renamed or overwritten in the submissions folder is still on record. The
names are fixed (not derived from the control workbook's name) so that renaming
the control workbook does not start a new ledger.

Each submission keeps what the checks found when it arrived (the findings as JSON, with the rules
version they were made with, ``validate.rules_key``) and the IDs of its proposals, so the jobs after
the intake read findings here instead of checking the file again (``submissions.review``).

Safety with concurrent runs (the scheduled job and a button press):

* WAL journal, so readers never block the writer;
* a busy timeout, so a second writer waits instead of failing;
* every write in a ``BEGIN IMMEDIATE`` transaction, so "check, then write"
  (is this reminder already out?) is atomic between processes;
* the at-most-once rules are UNIQUE constraints, not application logic:
  one row per submitted content (``submissions.sha256``) and one message per
  ``(kind, period, province, slot)``, where a CHECK makes the slot of a
  reminder or escalation its day. Two processes racing to send the same
  province's reminder for the same day cannot both succeed in claiming it.

Schema changes are numbered migrations (``MIGRATIONS``), applied in order and
remembered in ``PRAGMA user_version``. A ledger written by a newer aidkit is
refused rather than misread.

No password or other secret is ever written here: rows hold addresses,
subjects, Message-IDs and (already redacted) error texts only.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import sqlite3
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from .atomic import process_gone, write_bytes
from .clock import local_moment
from .errors import AidkitError
from .findings import Refusal

LEDGER_NAME = "aidkit-ledger.sqlite"
ARCHIVE_NAME = "aidkit-archive"
BUSY_TIMEOUT_MS = 30_000

#: Message kinds whose slot is the calendar day: at most one per province per day.
#: A submission's status as checked. The status words of STANDARD.md come from it and the due date:
#: valid and received after the due date is "Nộp muộn"; a refused file counts for no province.
VERDICTS = ("valid", "invalid", "refused")
#: Message outcomes. Only "failed" (transient, gave up after retries) may be claimed again.
OUTCOMES = ("sending", "sent", "partial", "failed", "refused")

# Each migration is a tuple of statements, applied in one transaction.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (  # 1: submissions and messages
        """
        CREATE TABLE submissions (
            id          INTEGER PRIMARY KEY,
            sha256      TEXT NOT NULL UNIQUE CHECK (length(sha256) = 64),
            file        TEXT NOT NULL,          -- path inside the submissions folder, as found
            province    TEXT,                   -- from the Info sheet, not the file name
            period      TEXT,
            received_at TEXT NOT NULL,          -- ISO 8601, local time
            status      TEXT NOT NULL CHECK (status IN ('valid', 'invalid', 'refused')),  -- the checks' verdict
            errors      INTEGER NOT NULL DEFAULT 0,
            warnings    INTEGER NOT NULL DEFAULT 0,
            sender      TEXT NOT NULL DEFAULT '',   -- the Info sheet's email, as written
            archived    TEXT NOT NULL,          -- archive copy, relative to the ledger's folder
            size        INTEGER NOT NULL,
            detail      TEXT NOT NULL DEFAULT ''    -- why a refused file could not be read
        )
        """,
        "CREATE INDEX submissions_by_period ON submissions (period, province, received_at)",
        """
        CREATE TABLE messages (
            id            INTEGER PRIMARY KEY,
            kind          TEXT NOT NULL CHECK (kind IN ('reminder_before', 'reminder_after', 'escalation',
                                                        'acknowledgement', 'report')),
            period        TEXT NOT NULL,
            province      TEXT NOT NULL DEFAULT '',    -- '' for the cluster lead's digest and the report
            day           TEXT NOT NULL,               -- the (possibly simulated) day it is for
            slot          TEXT NOT NULL,               -- what makes it unique: the day, a submission, a report
            submission_id INTEGER REFERENCES submissions (id),
            recipients    TEXT NOT NULL DEFAULT '[]',  -- JSON list
            subject       TEXT NOT NULL DEFAULT '',
            claimed_at    TEXT NOT NULL,               -- wall-clock time of the claim
            sent_at       TEXT,
            message_id    TEXT,
            outcome       TEXT NOT NULL CHECK (outcome IN ('sending', 'sent', 'partial', 'failed', 'refused')),
            error         TEXT NOT NULL DEFAULT '',
            attempts      INTEGER NOT NULL DEFAULT 0,
            UNIQUE (kind, period, province, slot),
            CHECK (kind NOT IN ('reminder_before', 'reminder_after', 'escalation') OR slot = day)
        )
        """,
        "CREATE INDEX messages_by_day ON messages (day, kind)",
    ),
    (  # 2: mail taken from the mailbox by `aidkit collect`; the reply to a message that brought no workbook
        """
        CREATE TABLE mailbox_messages (
            id            INTEGER PRIMARY KEY,
            mailbox       TEXT NOT NULL,              -- account/mailbox, e.g. lhh.cum5@example.vn/INBOX
            uidvalidity   INTEGER NOT NULL,
            uid           INTEGER NOT NULL,
            sha256        TEXT NOT NULL CHECK (length(sha256) = 64),  -- of the whole message, as fetched
            message_id    TEXT NOT NULL DEFAULT '',
            sender        TEXT NOT NULL DEFAULT '',   -- the From address
            subject       TEXT NOT NULL DEFAULT '',
            internal_date TEXT NOT NULL,              -- the server's INTERNALDATE, ISO 8601 with its offset
            received_at   TEXT NOT NULL,              -- the same moment in local time (submissions.received_at)
            size          INTEGER NOT NULL,
            province      TEXT NOT NULL DEFAULT '',   -- the member the sender is, '' for anyone else
            outcome       TEXT NOT NULL CHECK (outcome IN ('submitted', 'duplicate', 'not-member', 'no-workbook',
                                                           'zip', 'encrypted', 'unreadable', 'too-large',
                                                           'automatic')),
            files         TEXT NOT NULL DEFAULT '[]', -- JSON: each attachment, where it went and why
            collected_at  TEXT NOT NULL,
            UNIQUE (mailbox, uidvalidity, uid)
        )
        """,
        "CREATE INDEX mailbox_messages_by_sha ON mailbox_messages (mailbox, sha256)",
        """
        CREATE TABLE mailbox_checks (
            mailbox       TEXT PRIMARY KEY,
            last_ok       TEXT,                       -- the last run that could read the mailbox
            failing_since TEXT                        -- the first failed run since then (NULL: it works)
        )
        """,
        # SQLite cannot change a CHECK: the messages table is rebuilt with the new kind.
        """
        CREATE TABLE messages_v2 (
            id            INTEGER PRIMARY KEY,
            kind          TEXT NOT NULL CHECK (kind IN ('reminder_before', 'reminder_after', 'escalation',
                                                        'acknowledgement', 'report', 'collect_reply',
                                                        'collect_alert')),
            period        TEXT NOT NULL,
            province      TEXT NOT NULL DEFAULT '',
            day           TEXT NOT NULL,
            slot          TEXT NOT NULL,
            submission_id INTEGER REFERENCES submissions (id),
            recipients    TEXT NOT NULL DEFAULT '[]',
            subject       TEXT NOT NULL DEFAULT '',
            claimed_at    TEXT NOT NULL,
            sent_at       TEXT,
            message_id    TEXT,
            outcome       TEXT NOT NULL CHECK (outcome IN ('sending', 'sent', 'partial', 'failed', 'refused')),
            error         TEXT NOT NULL DEFAULT '',
            attempts      INTEGER NOT NULL DEFAULT 0,
            UNIQUE (kind, period, province, slot),
            CHECK (kind NOT IN ('reminder_before', 'reminder_after', 'escalation') OR slot = day)
        )
        """,
        "INSERT INTO messages_v2 SELECT * FROM messages",
        "DROP TABLE messages",
        "ALTER TABLE messages_v2 RENAME TO messages",
        "CREATE INDEX messages_by_day ON messages (day, kind)",
    ),
    (  # 3: who claimed a message (host:pid), so that a claim whose process died is known as such
        "ALTER TABLE messages ADD COLUMN claimant TEXT NOT NULL DEFAULT ''",
    ),
    (  # 4: the call for reports of aidkit open-period (once per member and period: its slot is the period)
        """
        CREATE TABLE messages_v4 (
            id            INTEGER PRIMARY KEY,
            kind          TEXT NOT NULL CHECK (kind IN ('reminder_before', 'reminder_after', 'escalation',
                                                        'acknowledgement', 'report', 'collect_reply',
                                                        'collect_alert', 'call_for_reports')),
            period        TEXT NOT NULL,
            province      TEXT NOT NULL DEFAULT '',
            day           TEXT NOT NULL,
            slot          TEXT NOT NULL,
            submission_id INTEGER REFERENCES submissions (id),
            recipients    TEXT NOT NULL DEFAULT '[]',
            subject       TEXT NOT NULL DEFAULT '',
            claimed_at    TEXT NOT NULL,
            sent_at       TEXT,
            message_id    TEXT,
            outcome       TEXT NOT NULL CHECK (outcome IN ('sending', 'sent', 'partial', 'failed', 'refused')),
            error         TEXT NOT NULL DEFAULT '',
            attempts      INTEGER NOT NULL DEFAULT 0,
            claimant      TEXT NOT NULL DEFAULT '',
            UNIQUE (kind, period, province, slot),
            CHECK (kind NOT IN ('reminder_before', 'reminder_after', 'escalation') OR slot = day),
            CHECK (kind != 'call_for_reports' OR slot = period)
        )
        """,
        "INSERT INTO messages_v4 SELECT * FROM messages",
        "DROP TABLE messages",
        "ALTER TABLE messages_v4 RENAME TO messages",
        "CREATE INDEX messages_by_day ON messages (day, kind)",
    ),
    (  # 5: two mail outcomes: a member's message cut short before its workbook, a message that cannot be read
        """
        CREATE TABLE mailbox_messages_v5 (
            id            INTEGER PRIMARY KEY,
            mailbox       TEXT NOT NULL,
            uidvalidity   INTEGER NOT NULL,
            uid           INTEGER NOT NULL,
            sha256        TEXT NOT NULL CHECK (length(sha256) = 64),
            message_id    TEXT NOT NULL DEFAULT '',
            sender        TEXT NOT NULL DEFAULT '',
            subject       TEXT NOT NULL DEFAULT '',
            internal_date TEXT NOT NULL,
            received_at   TEXT NOT NULL,
            size          INTEGER NOT NULL,
            province      TEXT NOT NULL DEFAULT '',
            outcome       TEXT NOT NULL CHECK (outcome IN ('submitted', 'duplicate', 'not-member', 'no-workbook',
                                                           'zip', 'encrypted', 'unreadable', 'too-large',
                                                           'automatic', 'cut-short', 'unparsed')),
            files         TEXT NOT NULL DEFAULT '[]',
            collected_at  TEXT NOT NULL,
            UNIQUE (mailbox, uidvalidity, uid)
        )
        """,
        "INSERT INTO mailbox_messages_v5 SELECT * FROM mailbox_messages",
        "DROP TABLE mailbox_messages",
        "ALTER TABLE mailbox_messages_v5 RENAME TO mailbox_messages",
        "CREATE INDEX mailbox_messages_by_sha ON mailbox_messages (mailbox, sha256)",
    ),
    (  # 6: what the checks found in each submission, so no job checks a judged file again (issue 21)
        # JSON (findings.Report.to_record, and the earlier proposals it counted); NULL: not kept yet
        "ALTER TABLE submissions ADD COLUMN findings TEXT",
        "ALTER TABLE submissions ADD COLUMN rules TEXT",  # validate.rules_key the findings were made with
        "ALTER TABLE submissions ADD COLUMN proposals TEXT",  # JSON list of its NEEDS proposal IDs; NULL: unknown
    ),
)
#: A "sending" claim older than this is taken as cut off even when its process cannot be checked
#: (another computer on a shared folder): longer than any run may take (mail.postman.RUN_SECONDS).
STALE_CLAIM_SECONDS = 3600

#: What became of a message taken from the mailbox (mailbox_messages.outcome).
MAIL_OUTCOMES = (
    "submitted",
    "duplicate",
    "not-member",
    "no-workbook",
    "zip",
    "encrypted",
    "unreadable",
    "too-large",
    "automatic",
    "cut-short",
    "unparsed",
)
#: Outcomes whose files `collect` keeps aside for the cluster lead, listed in the lead's digest.
ASIDE_OUTCOMES = ("not-member", "unparsed")


class LedgerTooNew(AidkitError, RuntimeError):
    """The ledger file was written by a newer version of aidkit."""

    key = "ledger-too-new"

    def __init__(self, path: str, found: int, known: int):
        from .sentences import bilingual

        super().__init__(*bilingual(self.key, file=path, found=str(found), known=str(known)))


@dataclass(frozen=True)
class Submission:
    """One received file version (one distinct content)."""

    id: int
    sha256: str
    file: str
    province: str | None
    period: str | None
    received_at: datetime
    status: str  # valid | invalid | refused (the checks' verdict; 'late' is derived from the due date)
    errors: int
    warnings: int
    sender: str
    archived: str
    size: int
    detail: str = ""

    @property
    def name(self) -> str:
        return Path(self.file.replace("\\", "/")).name

    def as_refusal(self) -> Refusal:
        """Why a refused submission could not be read, in the sentence the reader gave (as folders.Skipped
        and consolidation's SourceFile say theirs)."""
        return Refusal(self.name, self.detail or "file-damaged")

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "sha256": self.sha256,
            "file": self.file,
            "province": self.province,
            "period": self.period,
            "received_at": self.received_at.isoformat(),
            "status": self.status,
            "errors": self.errors,
            "warnings": self.warnings,
            "sender": self.sender,
            "archived": self.archived,
            "size": self.size,
            "detail": self.detail,
        }


@dataclass(frozen=True)
class MessageRecord:
    """One message as recorded (claimed, then sent or failed)."""

    id: int
    kind: str
    period: str
    province: str
    day: date
    slot: str
    submission_id: int | None
    recipients: tuple[str, ...]
    subject: str
    claimed_at: datetime
    sent_at: datetime | None
    message_id: str | None
    outcome: str
    error: str
    attempts: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "period": self.period,
            "province": self.province,
            "day": self.day.isoformat(),
            "slot": self.slot,
            "submission_id": self.submission_id,
            "recipients": list(self.recipients),
            "subject": self.subject,
            "claimed_at": self.claimed_at.isoformat(),
            "sent_at": self.sent_at.isoformat() if self.sent_at else None,
            "message_id": self.message_id,
            "outcome": self.outcome,
            "error": self.error,
            "attempts": self.attempts,
        }


@dataclass(frozen=True)
class MailRecord:
    """One message taken from the mailbox, and what became of it."""

    id: int
    mailbox: str
    uidvalidity: int
    uid: int
    sha256: str
    message_id: str
    sender: str
    subject: str
    internal_date: datetime
    received_at: datetime
    size: int
    province: str
    outcome: str
    files: tuple[dict[str, Any], ...]
    collected_at: datetime

    def to_dict(self) -> dict[str, Any]:
        return {
            "uidvalidity": self.uidvalidity,
            "uid": self.uid,
            "message_id": self.message_id,
            "sender": self.sender,
            "subject": self.subject,
            "internal_date": self.internal_date.isoformat(),
            "received_at": self.received_at.isoformat(),
            "size": self.size,
            "province": self.province,
            "outcome": self.outcome,
            "files": list(self.files),
        }


def ledger_path(control_path: str | os.PathLike) -> Path:
    """The ledger file that belongs to a control workbook."""
    return Path(control_path).resolve().parent / LEDGER_NAME


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class Ledger:
    """A connection to the ledger. Use as a context manager, or call close().

    :param path: the SQLite file, or ":memory:" (tests).
    :param archive: the archive folder; default ``aidkit-archive`` beside the file.
    """

    def __init__(
        self,
        path: str | os.PathLike = ":memory:",
        archive: str | os.PathLike | None = None,
        timeout: float = BUSY_TIMEOUT_MS / 1000,
    ):
        self.path = str(path)
        self.timeout = timeout
        memory = self.path == ":memory:"
        base = Path.cwd() if memory else Path(self.path).resolve().parent
        if not memory:
            base.mkdir(parents=True, exist_ok=True)
        self.base = base
        self.archive_dir = Path(archive) if archive else base / ARCHIVE_NAME
        # isolation_level=None: no implicit transactions; we issue BEGIN IMMEDIATE ourselves.
        with explained(self.path, timeout):
            self.conn = sqlite3.connect(self.path, timeout=timeout, isolation_level=None, check_same_thread=False)
            self.conn.row_factory = sqlite3.Row
            self.conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
            self.conn.execute("PRAGMA foreign_keys = ON")
            if not memory:
                # WAL needs a local disk; on a network share SQLite keeps the rollback journal.
                self.journal_mode = _patiently(
                    lambda: self.conn.execute("PRAGMA journal_mode = WAL").fetchone()[0], timeout
                )
            else:
                self.journal_mode = "memory"
            _patiently(self.migrate, timeout)

    @classmethod
    def for_control(cls, control_path: str | os.PathLike) -> Ledger:
        """Open (creating if needed) the ledger beside a control workbook."""
        return cls(ledger_path(control_path))

    # --- plumbing -------------------------------------------------------------------

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction that holds the write lock from its first statement."""
        with explained(self.path, self.timeout):
            self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        else:
            self.conn.execute("COMMIT")

    @property
    def version(self) -> int:
        return self.conn.execute("PRAGMA user_version").fetchone()[0]

    def migrate(self, migrations: tuple[tuple[str, ...], ...] = MIGRATIONS) -> int:
        """Apply the migrations not yet applied, in order; return the schema version."""
        with self.transaction() as conn:
            current = conn.execute("PRAGMA user_version").fetchone()[0]
            if current > len(migrations):
                raise LedgerTooNew(self.path, current, len(migrations))
            for number, statements in enumerate(migrations[current:], start=current + 1):
                for statement in statements:
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {number}")
        return self.version

    # --- submissions ------------------------------------------------------------------

    def archive(self, data: bytes, suffix: str = ".xlsx") -> tuple[str, Path]:
        """Copy bytes into the archive under their SHA-256 (atomically; kept if already there).

        :return: (sha256, archive path)
        """
        sha = sha256_of(data)
        target = self.archive_dir / sha[:2] / f"{sha}{suffix.lower()}"
        if not (target.exists() and target.stat().st_size == len(data)):
            write_bytes(target, data)
        return sha, target

    def archived_path(self, submission: Submission) -> Path:
        path = Path(submission.archived)
        return path if path.is_absolute() else self.base / path

    def known(self, sha256: str) -> Submission | None:
        row = self.conn.execute("SELECT * FROM submissions WHERE sha256 = ?", (sha256,)).fetchone()
        return _submission(row) if row else None

    def record_submission(
        self,
        *,
        sha256: str,
        file: str,
        received_at: datetime,
        status: str,
        archived: Path,
        size: int,
        province: str | None = None,
        period: str | None = None,
        errors: int = 0,
        warnings: int = 0,
        sender: str = "",
        detail: str = "",
        findings: dict[str, Any] | None = None,
        rules: str | None = None,
        proposals: Iterable[str] | None = None,
    ) -> tuple[Submission, bool]:
        """Record a received file once per content, with what the checks found when given.

        :param findings: the checks' findings (JSON-ready), made with the rules named `rules`.
        :param proposals: the IDs of the proposals in its NEEDS table (others' register rows may link to them).
        :return: (the submission, True if this call recorded it, False if it was already known)
        """
        if status not in VERDICTS:
            raise ValueError(f"status must be one of {VERDICTS}")
        try:
            stored = str(Path(archived).resolve().relative_to(self.base))
        except ValueError:
            stored = str(Path(archived).resolve())
        values = {
            "sha256": sha256,
            "file": file,
            "province": province,
            "period": period,
            "received_at": received_at.isoformat(timespec="seconds"),
            "status": status,
            "errors": errors,
            "warnings": warnings,
            "sender": sender,
            "archived": stored,
            "size": size,
            "detail": detail,
        }
        if findings is not None:
            values.update(findings=_json(findings), rules=rules)
        if proposals is not None:
            values["proposals"] = _json(sorted(proposals))
        with self.transaction() as conn:
            cursor = conn.execute(
                f"INSERT INTO submissions ({', '.join(values)}) VALUES ({', '.join('?' * len(values))})"
                " ON CONFLICT (sha256) DO NOTHING",
                tuple(values.values()),
            )
            new = cursor.rowcount == 1
        submission = self.known(sha256)
        assert submission is not None, "inserted, or there already: the ledger never deletes a submission"
        return submission, new

    def findings_of(self, submission_id: int) -> tuple[dict[str, Any], str] | None:
        """(the findings kept for a submission, the rules they were made with), or None if none are kept."""
        row = self.conn.execute("SELECT findings, rules FROM submissions WHERE id = ?", (submission_id,)).fetchone()
        return (json.loads(row["findings"]), row["rules"]) if row and row["findings"] is not None else None

    def keep_findings(
        self, submission_id: int, findings: dict[str, Any], rules: str, proposals: Iterable[str] | None = None
    ) -> None:
        """Keep what checking a submission again found (the rules changed, or it was recorded before they
        were kept), in place of what was kept before."""
        with self.transaction() as conn:
            conn.execute(
                "UPDATE submissions SET findings = ?, rules = ? WHERE id = ?", (_json(findings), rules, submission_id)
            )
        if proposals is not None:
            self.keep_proposals(submission_id, proposals)

    def proposals_of(self, province: str) -> dict[int, frozenset[str] | None]:
        """Submission id → the proposal IDs of its NEEDS table (None: not known yet), for a province."""
        rows = self.conn.execute("SELECT id, proposals FROM submissions WHERE province = ?", (province,))
        return {r["id"]: None if r["proposals"] is None else frozenset(json.loads(r["proposals"])) for r in rows}

    def keep_proposals(self, submission_id: int, proposals: Iterable[str]) -> None:
        with self.transaction() as conn:
            conn.execute("UPDATE submissions SET proposals = ? WHERE id = ?", (_json(sorted(proposals)), submission_id))

    def submissions(self, period: str | None = None, province: str | None = None) -> list[Submission]:
        """Submissions in the order received (ties in the order recorded)."""
        rows = self._select("submissions", "received_at, id", period=period, province=province)
        return [_submission(r) for r in rows]

    def latest(self, period: str, until: datetime | None = None) -> dict[str, Submission]:
        """Province → its latest readable submission for a period (received by `until`)."""
        out: dict[str, Submission] = {}
        for s in self.submissions(period):
            if s.province and s.status != "refused" and (until is None or s.received_at <= until):
                out[s.province] = s
        return out

    def latest_accepted(self, province: str, before: str) -> Submission | None:
        """A province's latest valid submission of a period ending before `before` starts (latest period,
        then latest received): what its next period starts from (aidkit open-period, the merge's continuity)."""
        from .periods import BadPeriod, Period

        start = Period.parse(before).start
        best, best_key = None, None
        for s in self.submissions(province=province):
            try:
                when = Period.parse(s.period or "")
            except BadPeriod:
                continue
            if s.status == "valid" and when.end < start and (best_key is None or (when, s.received_at) >= best_key):
                best, best_key = s, (when, s.received_at)
        return best

    def counts(self, period: str, until: datetime | None = None) -> dict[str, int]:
        """Province → how many versions it has sent for a period."""
        out: dict[str, int] = {}
        for s in self.submissions(period):
            if s.province and (until is None or s.received_at <= until):
                out[s.province] = out.get(s.province, 0) + 1
        return out

    # --- mail taken from the mailbox ------------------------------------------------------

    def last_uid(self, mailbox: str, uidvalidity: int) -> int:
        """The highest UID already taken from a mailbox under this UIDVALIDITY (0: none)."""
        row = self.conn.execute(
            "SELECT max(uid) FROM mailbox_messages WHERE mailbox = ? AND uidvalidity = ?", (mailbox, uidvalidity)
        ).fetchone()
        return row[0] or 0

    def mail_taken(self, mailbox: str, sha256: str) -> MailRecord | None:
        """The message of this content taken earlier from the mailbox (under any UIDVALIDITY)."""
        row = self.conn.execute(
            "SELECT * FROM mailbox_messages WHERE mailbox = ? AND sha256 = ? ORDER BY id", (mailbox, sha256)
        ).fetchone()
        return _mail(row) if row else None

    def record_mail(
        self,
        *,
        mailbox: str,
        uidvalidity: int,
        uid: int,
        sha256: str,
        internal_date: datetime,
        size: int,
        outcome: str,
        message_id: str = "",
        sender: str = "",
        subject: str = "",
        province: str = "",
        files: Iterable[dict[str, Any]] = (),
        now: datetime | None = None,
    ) -> MailRecord:
        """Record a message taken from the mailbox, once per (mailbox, UIDVALIDITY, UID)."""
        if outcome not in MAIL_OUTCOMES:
            raise ValueError(f"outcome must be one of {MAIL_OUTCOMES}")
        local = local_moment(internal_date)
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO mailbox_messages (mailbox, uidvalidity, uid, sha256, message_id, sender, subject,"
                " internal_date, received_at, size, province, outcome, files, collected_at)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT (mailbox, uidvalidity, uid) DO NOTHING",
                (
                    mailbox,
                    uidvalidity,
                    uid,
                    sha256,
                    message_id,
                    sender,
                    subject,
                    internal_date.isoformat(timespec="seconds"),
                    local.isoformat(timespec="seconds"),
                    size,
                    province,
                    outcome,
                    json.dumps(list(files), ensure_ascii=False),
                    (now or datetime.now()).isoformat(timespec="seconds"),
                ),
            )
        row = self.conn.execute(
            "SELECT * FROM mailbox_messages WHERE mailbox=? AND uidvalidity=? AND uid=?", (mailbox, uidvalidity, uid)
        ).fetchone()
        return _mail(row)

    def mailbox_reached(self, mailbox: str, now: datetime) -> None:
        """Note that the mailbox could be read: an outage, if there was one, is over."""
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO mailbox_checks (mailbox, last_ok, failing_since) VALUES (?, ?, NULL)"
                " ON CONFLICT (mailbox) DO UPDATE SET last_ok = excluded.last_ok, failing_since = NULL",
                (mailbox, now.isoformat(timespec="seconds")),
            )

    def mailbox_unreached(self, mailbox: str, now: datetime) -> datetime:
        """Note that the mailbox could not be read; return when this outage began (now, or an earlier run)."""
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO mailbox_checks (mailbox, failing_since) VALUES (?, ?)"
                " ON CONFLICT (mailbox)"
                " DO UPDATE SET failing_since = coalesce(failing_since, excluded.failing_since)",
                (mailbox, now.isoformat(timespec="seconds")),
            )
            row = conn.execute("SELECT failing_since FROM mailbox_checks WHERE mailbox = ?", (mailbox,)).fetchone()
        return datetime.fromisoformat(row[0])

    def mail(self, outcome: str | None = None) -> list[MailRecord]:
        """Messages taken from the mailbox, in the order taken."""
        return [_mail(r) for r in self._select("mailbox_messages", "id", outcome=outcome)]

    # --- messages ---------------------------------------------------------------------

    def claim(
        self,
        kind: str,
        period: str,
        province: str,
        day: date,
        *,
        slot: str | None = None,
        submission_id: int | None = None,
        recipients: list[str] | tuple[str, ...] = (),
        subject: str = "",
        now: datetime | None = None,
    ) -> int | None:
        """Reserve the right to send one message; None if it is already sent (or being sent).

        A slot whose earlier attempt ended "failed" (a transient failure that outlived the retries)
        may be claimed again, and so may one left "sending" by a run that was cut off (its process is
        gone, or the claim is older than STALE_CLAIM_SECONDS): that message is not known to be sent,
        and a duplicate is better than a lost one. "sent", "partial", "refused" and a live "sending"
        may not. For reminders and
        escalations the slot is the day (enforced by the table).
        """
        slot = day.isoformat() if slot is None else slot
        claimed = (now or datetime.now()).isoformat(timespec="seconds")
        with self.transaction() as conn:
            row = conn.execute(
                "SELECT * FROM messages WHERE kind=? AND period=? AND province=? AND slot=?",
                (kind, period, province, slot),
            ).fetchone()
            if row is None:
                cursor = conn.execute(
                    "INSERT INTO messages (kind, period, province, day, slot, submission_id, recipients, subject,"
                    " claimed_at, outcome, claimant) VALUES (?,?,?,?,?,?,?,?,?, 'sending', ?)",
                    (
                        kind,
                        period,
                        province,
                        day.isoformat(),
                        slot,
                        submission_id,
                        json.dumps(list(recipients), ensure_ascii=False),
                        subject,
                        claimed,
                        CLAIMANT,
                    ),
                )
                return cursor.lastrowid
            if row["outcome"] != "failed" and not _cut_off(row):
                return None
            conn.execute(
                "UPDATE messages SET outcome='sending', claimed_at=?, recipients=?, subject=?, error='',"
                " claimant=? WHERE id=?",
                (claimed, json.dumps(list(recipients), ensure_ascii=False), subject, CLAIMANT, row["id"]),
            )
            return row["id"]

    def finish(
        self,
        message_row: int,
        outcome: str,
        *,
        message_id: str | None = None,
        error: str = "",
        attempts: int = 0,
        recipients: list[str] | tuple[str, ...] | None = None,
    ) -> None:
        """Record how a claimed message ended."""
        if outcome not in OUTCOMES or outcome == "sending":
            raise ValueError(f"outcome must be one of {OUTCOMES[1:]}")
        sent_at = datetime.now().isoformat(timespec="seconds") if outcome in ("sent", "partial") else None
        with self.transaction() as conn:
            conn.execute(
                "UPDATE messages SET outcome=?, message_id=?, error=?, attempts=attempts+?, sent_at=? WHERE id=?",
                (outcome, message_id, error, attempts, sent_at, message_row),
            )
            if recipients is not None:
                conn.execute(
                    "UPDATE messages SET recipients=? WHERE id=?",
                    (json.dumps(list(recipients), ensure_ascii=False), message_row),
                )

    def is_claimed(self, kind: str, period: str, province: str, slot: str) -> bool:
        """True if such a message is sent, being sent, or permanently refused (so it will not be sent)."""
        row = self.conn.execute(
            "SELECT * FROM messages WHERE kind=? AND period=? AND province=? AND slot=?", (kind, period, province, slot)
        ).fetchone()
        return row is not None and row["outcome"] != "failed" and not _cut_off(row)

    def unknown_messages(self) -> list[MessageRecord]:
        """Messages claimed by a run that was cut off before it knew whether they went: "unknown"."""
        rows = self.conn.execute("SELECT * FROM messages WHERE outcome = 'sending' ORDER BY id").fetchall()
        return [_message(r) for r in rows if _cut_off(r)]

    def messages(self, kind: str | None = None, period: str | None = None) -> list[MessageRecord]:
        return [_message(r) for r in self._select("messages", "id", kind=kind, period=period)]

    def _select(self, table: str, order: str, **equal: str | None) -> list[sqlite3.Row]:
        """Rows of a table whose columns equal the given values (None: any), in order."""
        given = {column: value for column, value in equal.items() if value is not None}
        where = " AND ".join(f"{column} = ?" for column in given)
        sql = f"SELECT * FROM {table}{' WHERE ' + where if where else ''} ORDER BY {order}"
        return self.conn.execute(sql, list(given.values())).fetchall()

    def check(self) -> str:
        """SQLite's own integrity check: "ok" when the file is sound."""
        return self.conn.execute("PRAGMA integrity_check").fetchone()[0]


CLAIMANT = f"{socket.gethostname()}:{os.getpid()}"


def _cut_off(row: sqlite3.Row) -> bool:
    """A "sending" row whose run is gone: its process no longer exists here, or it is too old."""
    if row["outcome"] != "sending":
        return False
    host, _, pid = (row["claimant"] or "").rpartition(":")
    if host == socket.gethostname() and pid.isdigit():
        if int(pid) == os.getpid():
            return False
        if process_gone(int(pid)):
            return True
    age = datetime.now() - datetime.fromisoformat(row["claimed_at"])
    return age.total_seconds() > STALE_CLAIM_SECONDS


#: SQLite's primary result codes (the low byte of `sqlite3.Error.sqlite_errorcode`) that tell what went wrong.
_BUSY_CODES = {sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED}  # another connection holds the ledger
_UNWRITABLE_CODES = {sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_READONLY}  # its folder is missing or read-only
_DAMAGED_CODES = {sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT}  # not a database, or a malformed one


def _primary_code(exc: sqlite3.Error) -> int | None:
    """The SQLite result code of an error, without its extended bits (None: raised by Python's module)."""
    code = getattr(exc, "sqlite_errorcode", None)
    return None if code is None else code & 0xFF


@contextmanager
def explained(path: str, timeout: float) -> Iterator[None]:
    """SQLite failures a person can fix (a locked or damaged ledger) become a Refusal naming the file."""
    from .findings import Refusal

    try:
        yield
    except sqlite3.DatabaseError as exc:
        code = _primary_code(exc)
        if code in _BUSY_CODES:
            raise Refusal(path, "ledger-locked", f"{timeout:g} s") from None
        if code in _UNWRITABLE_CODES:
            raise Refusal(path, "output-folder-unwritable", str(exc)) from None
        if code in _DAMAGED_CODES or type(exc) is sqlite3.DatabaseError:
            raise Refusal(path, "ledger-damaged", str(exc)) from None
        raise  # an IntegrityError, a ProgrammingError...: a bug, shown as one


def _patiently(action, timeout: float):
    """Run `action`, retrying while the database is locked, for up to `timeout` seconds.

    SQLite's busy timeout covers ordinary reads and ``BEGIN IMMEDIATE``, but switching the journal
    mode answers "database is locked" at once while another connection is writing (two processes
    opening a new ledger at the same moment); this covers that case.
    """
    deadline = time.monotonic() + timeout
    delay = 0.01
    while True:
        try:
            return action()
        except sqlite3.OperationalError as exc:
            if _primary_code(exc) not in _BUSY_CODES or time.monotonic() >= deadline:
                raise
        time.sleep(delay)
        delay = min(delay * 2, 0.25)


def _json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _submission(row: sqlite3.Row) -> Submission:
    return Submission(
        row["id"],
        row["sha256"],
        row["file"],
        row["province"],
        row["period"],
        datetime.fromisoformat(row["received_at"]),
        row["status"],
        row["errors"],
        row["warnings"],
        row["sender"],
        row["archived"],
        row["size"],
        row["detail"],
    )


def _message(row: sqlite3.Row) -> MessageRecord:
    return MessageRecord(
        row["id"],
        row["kind"],
        row["period"],
        row["province"],
        date.fromisoformat(row["day"]),
        row["slot"],
        row["submission_id"],
        tuple(json.loads(row["recipients"])),
        row["subject"],
        datetime.fromisoformat(row["claimed_at"]),
        datetime.fromisoformat(row["sent_at"]) if row["sent_at"] else None,
        row["message_id"],
        row["outcome"],
        row["error"],
        row["attempts"],
    )


def _mail(row: sqlite3.Row) -> MailRecord:
    return MailRecord(
        row["id"],
        row["mailbox"],
        row["uidvalidity"],
        row["uid"],
        row["sha256"],
        row["message_id"],
        row["sender"],
        row["subject"],
        datetime.fromisoformat(row["internal_date"]),
        datetime.fromisoformat(row["received_at"]),
        row["size"],
        row["province"],
        row["outcome"],
        tuple(json.loads(row["files"])),
        datetime.fromisoformat(row["collected_at"]),
    )
