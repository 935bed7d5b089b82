"""Receiving submissions: scan the submissions folder, check and record each new file.

Nhận báo cáo: quét thư mục nhận, kiểm tra và ghi sổ từng tệp mới.

A file is *new* when its content (SHA-256) is not in the ledger yet, whatever
its name: renaming or moving a file in the folder does not make it a new
submission, and editing one in place does. Each new file is copied into the
archive first and checked from that copy, so the ledger, the archive and the
findings all describe exactly the same bytes even if the original changes
while we read it.

The province and the period come from the Info sheet, never from the file
name. A file that cannot be read at all is recorded too (status "refused"),
so that the cluster lead can be told about it.

Received-at: the earlier of the moment aidkit first sees the file (``now``;
``--now`` sets it in simulations) and the file's modification time. The
scheduled job runs once a day, so "first seen" alone would make a file saved
on the evening of the due date count as late the next morning; the
modification time cannot be later than the arrival, so taking the earlier of
the two is never unfair to a province. (A copied file may keep an older
modification time; that errs in the province's favour.)
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from .control import Control
from .findings import Refusal, Report
from .folders import Skipped, Sources, expand_sources, read_regular
from .ledger import Ledger, Submission, sha256_of

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Checked:
    """What checking one archived copy found."""

    status: str
    province: str | None
    period: str | None
    errors: int
    warnings: int
    sender: str
    detail: str
    report: Report | None = None  # None for a refused file
    earlier: frozenset[str] = frozenset()  # the province's other proposals its links were checked against
    proposals: frozenset[str] = frozenset()  # the IDs of its own NEEDS table
    rules: str = ""  # validate.rules_key of the check

    def kept(self) -> dict[str, Any] | None:
        """What the ledger keeps of the findings (None for a refused file)."""
        return None if self.report is None else self.report_kept(self.report)

    def report_kept(self, report: Report) -> dict[str, Any]:
        return {"report": report.to_record(), "earlier": sorted(self.earlier)}


def check_copy(path: Path, control: Control, ledger: Ledger | None = None) -> Checked:
    """Read and check one file; never raises for a bad workbook.

    With the ledger, the proposals of the province's earlier submissions count for its register's links.
    """
    try:
        return _check(path, control, ledger)
    except Refusal as refusal:
        return Checked("refused", None, None, 0, 0, "", refusal.reason)


def _check(path: Path, control: Control, ledger: Ledger | None) -> Checked:
    """Read a file once and check it; raises Refusal when it cannot be read at all."""
    from . import validate

    settings = control.settings()
    wb, report = validate.read_and_check(path, settings)
    earlier: frozenset[str] = frozenset()
    if ledger is not None and report.province and _links_unanswered(report):
        earlier = earlier_proposals(ledger, report.province, path)
        if earlier:  # the same workbook, its links now checked against the earlier proposals too
            report = validate.check_workbook(wb, settings, earlier)
    email = wb.info_value("email")
    return Checked(
        "valid" if report.valid else "invalid",
        report.province,
        report.period,
        len(report.errors),
        len(report.warnings),
        str(email).strip() if email else "",
        "",
        report,
        earlier,
        _proposal_ids(wb),
        validate.rules_key(settings),
    )


def inbox_sources(control: Control, ledger: Ledger) -> Sources:
    """The files of the submissions folder: workbooks to read, and the others with the reason."""
    if not control.inbox.exists() and not control.inbox.is_symlink():
        return Sources()  # nothing received yet: `collect` makes the folder with the first file
    own = (ledger.archive_dir, control.outbox, control.path, Path(ledger.path))
    return expand_sources([control.inbox], exclude=own)


def receive(control: Control, ledger: Ledger, now: datetime, skipped: list[Skipped] | None = None) -> list[Submission]:
    """Record every file of the submissions folder not yet in the ledger; return the new ones.

    :param skipped: if given, the files that were not read (FIFOs, links out of the folder, files
        that are too large or unreadable for now, files that are no workbook) are appended to it.
    """
    new: list[Submission] = []
    found = inbox_sources(control, ledger)
    unread = list(found.skipped)
    for path, name in found.files:
        try:
            data = read_regular(path)
            mtime = datetime.fromtimestamp(path.stat().st_mtime).replace(microsecond=0)
        except Refusal as refusal:  # e.g. still open in Excel on Windows: next run picks it up
            unread.append(Skipped(path, name, refusal.reason, refusal.detail))
            continue
        except OSError as exc:
            unread.append(Skipped(path, name, "file-not-readable", exc.strerror or type(exc).__name__))
            continue
        sha = sha256_of(data)
        if ledger.known(sha):
            continue
        copy, checked = archive_and_check(ledger, data, path.suffix, control)
        submission = record_checked(ledger, sha, name, min(now, mtime), copy, size=len(data), checked=checked)
        if submission is not None:
            new.append(submission)
    for s in unread:
        log.info("not read: %s", s.as_refusal().en)
    if skipped is not None:
        skipped.extend(unread)
    return new


def archive_and_check(ledger: Ledger, data: bytes, suffix: str, control: Control) -> tuple[Path, Checked]:
    """Copy a file's bytes into the archive, then check that copy."""
    _, copy = ledger.archive(data, suffix)
    return copy, check_copy(copy, control, ledger)


def record_checked(
    ledger: Ledger, sha: str, file: str, received_at: datetime, copy: Path, *, size: int, checked: Checked
) -> Submission | None:
    """Record a checked file; the submission, or None if another run recorded it a moment ago."""
    submission, recorded = ledger.record_submission(
        sha256=sha,
        file=file,
        received_at=received_at,
        status=checked.status,
        archived=copy,
        size=size,
        province=checked.province,
        period=checked.period,
        errors=checked.errors,
        warnings=checked.warnings,
        sender=checked.sender,
        detail=checked.detail,
        findings=checked.kept(),
        rules=checked.rules,
        proposals=checked.proposals,
    )  # a refused file: no findings, and no proposals to link to
    if not recorded:
        return None
    log.info("received %s (%s %s): %s", file, checked.province, checked.period, checked.status)
    return submission


def review(ledger: Ledger, submission: Submission, control: Control) -> Report:
    """The findings of a recorded submission: those the ledger keeps, while they are current.

    They are current when made with today's rules (`validate.rules_key`: the standard, the checks, the
    cluster's thresholds and rates) and, if a register row links to a proposal not found, against the
    same proposals of the province's other submissions as it has now. Otherwise the archived copy is
    checked once again and the ledger keeps the new findings. Raises Refusal if the copy cannot be read.
    """
    from .validate import rules_key

    path = ledger.archived_path(submission)
    kept = ledger.findings_of(submission.id)
    if kept is not None and kept[1] == rules_key(control.settings()):
        record, earlier = kept[0]["report"], frozenset(kept[0]["earlier"])
        report = Report.from_record(record, str(path))
        if not (report.province and _links_unanswered(report)) or earlier == earlier_proposals(
            ledger, report.province, path
        ):
            return report
    checked = _check(path, control, ledger)  # a readable copy: a report (else _check raised Refusal)
    assert checked.report is not None
    ledger.keep_findings(submission.id, checked.report_kept(checked.report), checked.rules, checked.proposals)
    return checked.report


@dataclass(frozen=True)
class Judged:
    """What the ledger knows of a file by its content: when it arrived, and what the intake's check found."""

    sha256: str
    received: datetime
    report: Report | None  # None: refused at intake, or its archived copy cannot be read now


def judged_files(control: Control, paths: list[Path]) -> dict[Path, Judged]:
    """The files among `paths` the ledger has received (the same content, whatever the name), with the
    findings it keeps (`review`: checked once again if the rules changed). Files it does not know are left out,
    as is everything when there is no ledger yet."""
    from .ledger import ledger_path
    from .outputs import sha256_of

    if not ledger_path(control.path).exists():
        return {}
    out: dict[Path, Judged] = {}
    with Ledger.for_control(control.path) as ledger:
        for path in paths:
            try:
                sha = sha256_of(path)
            except OSError:
                continue  # the merge reads it and says why it cannot
            submission = ledger.known(sha)
            if submission is None:
                continue
            out[path] = judged(ledger, submission, control)
    return out


def judged(ledger: Ledger, submission: Submission, control: Control) -> Judged:
    """What the ledger knows of one submission: its content, when it arrived and its findings (`review`)."""
    report = None
    if submission.status != "refused":
        try:
            report = review(ledger, submission, control)
        except Refusal:  # the archived copy is gone or damaged: the file at hand is checked instead
            pass
    return Judged(submission.sha256, submission.received_at, report)


def _links_unanswered(report: Report) -> bool:
    return any(f.rule == "linked-proposal-missing" for f in report.findings)


def earlier_proposals(ledger: Ledger, province: str, path: Path) -> frozenset[str]:
    """The proposal IDs of the province's other archived submissions (every earlier version counts).

    From the ledger; a submission recorded before the ledger kept them is read once, and then kept.
    """
    from .reader import read_workbook

    ids: set[str] = set()
    kept = ledger.proposals_of(province)
    for other in ledger.submissions(province=province):
        copy = ledger.archived_path(other)
        if copy.resolve() == path.resolve():
            continue
        if kept.get(other.id) is None:
            if not copy.exists():
                continue
            try:
                found = _proposal_ids(read_workbook(copy))
            except Refusal:
                found = frozenset()  # a file that cannot be read has no proposals to link to
            ledger.keep_proposals(other.id, found)
            kept[other.id] = found
        ids |= kept[other.id] or frozenset()
    return frozenset(ids)


def _proposal_ids(wb) -> frozenset[str]:
    """The proposal IDs of a workbook's NEEDS table, as a register row links to them."""
    needs = wb.tables.get("needs")
    if needs is None:
        return frozenset()
    return frozenset(str(r.get("ma_de_xuat")).strip().upper() for r in needs.records if r.get("ma_de_xuat"))


def annotated_copy(ledger: Ledger, submission: Submission, control: Control, report: Report | None = None) -> Path:
    """The annotated workbook of a submission, made once and kept in the output folder.

    ``<output folder>/kiem-tra/<name>.<sha8>.kiem-tra.xlsx``: the same file (same bytes) is attached
    to every message about this submission.
    """
    from .annotate import annotate, annotated_name

    target = control.outbox / "kiem-tra" / annotated_name(_lower_suffix(submission), submission.sha256[:8])
    if not target.exists():
        annotate(ledger.archived_path(submission), report or review(ledger, submission, control), target)
    return target


def annotated_attachment(ledger: Ledger, submission: Submission, control: Control, report: Report) -> tuple[str, bytes]:
    """(name, bytes) of the annotated workbook attached to a message about an invalid submission; its name
    is the one `aidkit validate --annotate` gives."""
    from .annotate import annotated_name

    copy = annotated_copy(ledger, submission, control, report)
    return annotated_name(_lower_suffix(submission)), copy.read_bytes()


def _lower_suffix(submission: Submission) -> Path:
    name = Path(submission.name)
    return name.with_suffix(name.suffix.lower())
