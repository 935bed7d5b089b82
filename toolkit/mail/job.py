"""The frame every mail job runs in: the control workbook loaded once, the moment, the ledger, the files
received since the last run, and what the run did.

Khung của mỗi việc gửi thư: sổ điều phối đọc một lần, thời điểm, sổ theo dõi, các tệp mới nhận, và kết quả.

``mail_job`` opens the frame and yields a :class:`Job`, handed whole to each step of remind, acknowledge,
open-period, send-report and collect; its :class:`JobResult` is what the command prints (text or JSON).
Messages go through the job's :class:`~toolkit.mail.postman.Postman`.
"""

from __future__ import annotations

import logging
import os
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Iterator

from ..control import Control
from ..ledger import Ledger
from ..sentences import bilingual
from .postman import OUTCOME_WORDS, Delivery, Postman, postman_for

log = logging.getLogger(__name__)


def status_words(status: str) -> str:
    """A submission's checked status (valid, invalid, refused) in Vietnamese / English."""
    from ..schema import SUBMISSION_STATUSES, SUBMISSION_STATUSES_EN

    vi = {**SUBMISSION_STATUSES, "refused": "không đọc được"}.get(status, status)
    return f"{vi} / {({**SUBMISSION_STATUSES_EN, 'refused': 'unreadable'}).get(status, status)}"


@dataclass
class JobResult:
    """What one run of remind, acknowledge or send-report did."""

    command: str
    now: Any  # datetime
    dry_run: bool = False
    received: list = field(default_factory=list)  # ledger.Submission recorded by this run
    deliveries: list[Delivery] = field(default_factory=list)
    notes: list[tuple[str, str]] = field(default_factory=list)  # (Vietnamese, English)
    outputs: dict[str, str] = field(default_factory=dict)  # files written, by role

    def count(self, *outcomes: str) -> int:
        return sum(d.outcome in outcomes for d in self.deliveries)

    @contextmanager
    def one_file(self, name: str):
        """One file's part of the job: what goes wrong with it is named in the output, and the job goes on
        with the others. A failure that would hit every file (AidkitError: SMTP login, the ledger…) still stops it."""
        from ..errors import AidkitError
        from ..findings import Refusal

        try:
            yield
        except Refusal as refusal:
            self.notes.append((f"{name}: {refusal.vi}", f"{name}: {refusal.en}"))
        except AidkitError:
            raise
        except Exception as exc:  # noqa: BLE001  (one odd file must not stop the receipts of the others)
            log.exception("%s: %s", name, type(exc).__name__)
            self.notes.append(bilingual("note-file-failed", name=name, detail=f"{type(exc).__name__}: {exc}"))

    @property
    def failed(self) -> bool:
        return self.count("failed", "refused") > 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "command": self.command,
            "now": self.now.isoformat(),
            "dry_run": self.dry_run,
            "received": [s.to_dict() for s in self.received],
            "messages": [d.to_dict() for d in self.deliveries],
            "counts": {o: self.count(o) for o in OUTCOME_WORDS},
            "notes": [{"vi": vi, "en": en} for vi, en in self.notes],
            "outputs": self.outputs,
        }

    def to_text(self) -> str:
        from ..clock import vn_moment

        head = f"aidkit {self.command} · {vn_moment(self.now)}"
        if self.dry_run:
            head += " · chạy thử, không gửi thư / dry run, nothing sent"
        lines = [head]
        if self.received:
            lines.append(
                "Tệp mới nhận / newly received: "
                + ", ".join(
                    f"{s.file} ({s.province or '?'} {s.period or '?'}: {status_words(s.status)})" for s in self.received
                )
            )
        lines.extend(d.to_text() for d in self.deliveries)
        for role, path in self.outputs.items():
            lines.append(f"{role}: {path}")
        for vi, en in self.notes:
            lines.append(f"· {vi}\n  {en}")
        if not self.deliveries and not self.notes:
            lines.append("Không có thư nào cần gửi hôm nay / no message is due today.")
        if self.deliveries:
            lines.append(
                " · ".join(
                    f"{OUTCOME_WORDS[o][0]} / {OUTCOME_WORDS[o][1]}: {self.count(o)}"
                    for o in OUTCOME_WORDS
                    if self.count(o)
                )
            )
        return "\n".join(lines)


@dataclass
class Job:
    """One run of a mail job, handed whole to each of its steps: the control workbook loaded once
    (members, schedule, settings), its ledger, the cluster as the messages name it, the result being
    filled and whether the run only writes .eml files. The mail settings travel in the `Postman` that
    `postman` builds from the same control workbook (once per run)."""

    command: str
    control: Control
    ledger: Ledger
    result: JobResult
    cluster: Any  # compose.Cluster (imported when the job starts)
    dry_run: bool = False

    @property
    def now(self) -> datetime:
        """The moment the run acts for (its --now, else when it started)."""
        return self.result.now

    @property
    def today(self) -> date:
        return self.result.now.date()

    def postman(self, **options: Any) -> Postman:
        """The postman of this run: the control workbook's SMTP settings, the ledger's claims, `options`
        (password, retries, backoff, sleep) for `Postman`."""
        return postman_for(self.control, self.ledger, dry_run=self.dry_run, **options)


@contextmanager
def mail_job(
    command: str,
    control: str | os.PathLike | Control,
    now: str | date | datetime | None,
    dry_run: bool,
    result_type: type[JobResult] = JobResult,
) -> Iterator[Job]:
    """What every mail job starts with: the control workbook (read here unless given loaded), the moment
    it acts for, its ledger, and the files received since the last run (recorded in the result, a
    `result_type`). Yields the run's `Job`.
    """
    from ..clock import parse_now
    from ..control import load_control
    from ..submissions import receive
    from .compose import Cluster

    loaded = load_control(control)
    result = result_type(command, parse_now(now), dry_run)
    with Ledger.for_control(loaded.path) as ledger:
        skipped: list = []
        result.received = receive(loaded, ledger, result.now, skipped)
        for unread in skipped:
            if unread.refused:  # a workbook-like file that cannot be read: say so (a stray .txt is not news)
                refusal = unread.as_refusal()
                result.notes.append((refusal.vi, refusal.en))
        # a run for a given moment (--now, the demo) dates its messages then; a real run, when they are sent
        dated = result.now if now not in (None, "") else None
        yield Job(command, loaded, ledger, result, Cluster.from_control(loaded, dated), dry_run)
