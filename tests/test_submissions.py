"""The submissions folder as the daily job sees it, and the intake that checks each file once."""

import collections
import os
import shutil
from datetime import date, datetime
from pathlib import Path

import pytest

from cluster import at, drop, make_cluster, parse
from smtp_server import plain_server
from toolkit import validate as validation
from toolkit.control import load_control
from toolkit.ledger import MIGRATIONS, Ledger, sha256_of
from toolkit.sample import sample_workbook
from toolkit.submissions import earlier_proposals, receive, review


def test_a_submissions_folder_not_made_yet_means_nothing_received_and_no_complaint(tmp_path):
    control = load_control(make_cluster(tmp_path / "cum"))
    shutil.rmtree(control.inbox)  # `collect` makes it with the first file it takes
    skipped: list = []
    with Ledger.for_control(control.path) as ledger:
        assert receive(control, ledger, datetime(2026, 7, 10, 8, 0), skipped) == []
    assert skipped == []


def test_a_new_file_is_received_once(tmp_path):
    control = load_control(make_cluster(tmp_path / "cum"))
    sample_workbook(control.inbox / "92.xlsx", "92", "2026-H1", needs=3, register=3)
    with Ledger.for_control(control.path) as ledger:
        [first] = receive(control, ledger, datetime(2026, 7, 10, 8, 0))
        assert (first.province, first.period, first.status) == ("92", "2026-H1", "valid")
        assert receive(control, ledger, datetime(2026, 7, 11, 8, 0)) == []


# --- one intake: a file is read and checked once, the jobs after it read the ledger (issue 21) --------


class Counted:
    """How often each file was read (reader.read_workbook) and checked (validate.check_workbook)."""

    def __init__(self):
        self.reads, self.checks = collections.Counter(), collections.Counter()

    def clear(self):
        self.reads.clear()
        self.checks.clear()


@pytest.fixture
def counted(monkeypatch):
    import toolkit.reader

    seen = Counted()
    read, check = toolkit.reader.read_workbook, validation.check_workbook

    def counting_read(path, *args, **kwargs):
        seen.reads[Path(path).name] += 1
        return read(path, *args, **kwargs)

    def counting_check(wb, *args, **kwargs):
        seen.checks[Path(wb.path).name] += 1
        return check(wb, *args, **kwargs)

    monkeypatch.setattr(toolkit.reader, "read_workbook", counting_read)
    monkeypatch.setattr(validation, "read_workbook", counting_read)
    monkeypatch.setattr(validation, "check_workbook", counting_check)
    return seen


def valid_and_invalid(control_path: Path) -> None:
    """Đồng Tháp's valid file (received 05/07) and Vĩnh Long's with an error (10/07)."""
    drop(control_path, "82.xlsx", "82", date(2026, 7, 5))
    drop(control_path, "86.xlsx", "86", date(2026, 7, 10), defects=("missing-value",))


def linked_pair(control_path: Path) -> tuple[Path, Path]:
    """Cần Thơ's 2025-H2 file (received 05/07) and its 2026-H1 file (10/07, with an error) whose register
    links to a proposal of the earlier one only."""
    nop = control_path.parent / "nop"
    earlier = sample_workbook(nop / "92_2025-H2.xlsx", "92", "2025-H2", needs=4, register=2, seed=3)
    later = sample_workbook(
        nop / "92_2026-H1.xlsx",
        "92",
        "2026-H1",
        needs=3,
        register=3,
        seed=4,
        defects=("missing-value",),
        also=({"ma_de_xuat": earlier.rows["needs"][0]["ma_de_xuat"]},),
    )
    for path, day in ((earlier.path, 5), (later.path, 10)):
        stamp = at(date(2026, 7, day)).timestamp()
        os.utime(path, (stamp, stamp))
    return earlier.path, later.path


def archived(control_path: Path, *, counts: int = 1) -> dict[str, int]:
    with Ledger.for_control(control_path) as ledger:
        return {Path(s.archived).name: counts for s in ledger.submissions()}


def fresh(ledger: Ledger, submission, control):
    """What checking the archived copy afresh finds (the province's other proposals counted), as review did."""
    path = ledger.archived_path(submission)
    report = validation.validate(path, control.settings())
    if any(f.rule == "linked-proposal-missing" for f in report.findings):
        report = validation.validate(path, control.settings(), earlier_proposals(ledger, report.province, path))
    return report


def same(a, b) -> bool:
    return (a.findings, a.province, a.period, a.preparer, a.headers, a.path) == (
        b.findings,
        b.province,
        b.period,
        b.preparer,
        b.headers,
        b.path,
    )


def test_status_acknowledge_and_remind_read_and_check_each_file_once_at_intake(tmp_path, counted):
    from toolkit.mail.acknowledge import acknowledge
    from toolkit.mail.remind import remind
    from toolkit.status import status

    with plain_server() as server:
        control_path = make_cluster(tmp_path / "cum", server, provinces=("82", "86", "92"))
        valid_and_invalid(control_path)
        linked_pair(control_path)
        for day in (5, 10, 14, 15):
            for _ in range(2):
                status(control_path, now=at(date(2026, 7, day)))
                acknowledge(control_path, at(date(2026, 7, day)), backoff=0)
                remind(control_path, at(date(2026, 7, day)), backoff=0)
        messages = [parse(m.raw) for m in server.messages]
    later = Path(
        next(
            s.archived
            for s in Ledger.for_control(control_path).submissions()
            if s.period == "2026-H1" and s.province == "92"
        )
    ).name
    assert counted.reads == archived(control_path)  # status received each file, and read it then only
    assert counted.checks == {**archived(control_path), later: 2}  # its links again, with the earlier proposals
    kinds = collections.Counter((m["X-Aidkit-Kind"], m["X-Aidkit-Province"]) for m in messages)
    assert kinds[("acknowledgement", "92")] == 2 and kinds[("acknowledgement", "86")] == 1
    assert kinds[("reminder_before", "86")] == kinds[("reminder_before", "92")] == 3  # 12/07, 14/07, 15/07
    reminders = [m for m in messages if m["X-Aidkit-Kind"] == "reminder_before" and m["X-Aidkit-Province"] == "86"]
    assert all(
        any(name.endswith(".kiem-tra.xlsx") for name in (p.get_filename() or "" for p in m.iter_attachments()))
        for m in reminders
    )  # the findings were there: the annotated copy is attached
    control = load_control(control_path)
    with Ledger.for_control(control_path) as ledger:
        for s in ledger.submissions():
            counted.clear()
            kept = review(ledger, s, control)
            assert counted.reads == {} and counted.checks == {}
            assert same(kept, fresh(ledger, s, control)) and bool(kept.errors) == (s.status == "invalid")
        [linked] = [s for s in ledger.submissions() if Path(s.archived).name == later]
        assert not [f for f in review(ledger, linked, control).findings if f.rule == "linked-proposal-missing"]


def test_a_change_of_the_rules_checks_each_submission_once_again(tmp_path, counted, monkeypatch):
    control_path = make_cluster(tmp_path / "cum", provinces=("82", "86", "92"))
    valid_and_invalid(control_path)
    _, later = linked_pair(control_path)
    control = load_control(control_path)
    with Ledger.for_control(control_path) as ledger:
        receive(control, ledger, at(date(2026, 7, 14)))
        before = {s.id: review(ledger, s, control) for s in ledger.submissions()}
        assert counted.reads == archived(control_path)
        counted.clear()
        monkeypatch.setattr(validation, "rules_version", lambda: "9.9+a-newer-aidkit")
        for _ in range(3):
            after = {s.id: review(ledger, s, control) for s in ledger.submissions()}
        assert counted.reads == archived(control_path)  # once each, and not the earlier file again for its IDs
        assert sum(counted.checks.values()) == len(before) + 1  # the linked file: its links again, in memory
        assert all(same(after[i], before[i]) for i in before)
        assert {ledger.findings_of(i)[1] for i in before} == {validation.rules_key(control.settings())}
        assert validation.rules_key(control.settings()).startswith("9.9+a-newer-aidkit/")


def test_the_rules_key_follows_the_standard_the_checks_and_the_clusters_thresholds():
    from toolkit import schema

    key = validation.rules_key()
    assert key == validation.rules_key(schema.Settings()) and key.startswith(schema.TEMPLATE_VERSION + "+")
    assert validation.rules_key(schema.Settings(approval_days=30)) != key
    from toolkit.rates import Override, Rates

    assert validation.rules_key(schema.Settings(rates=Rates((Override("EUR", date(2026, 1, 1), 1.1),)))) != key


def test_a_link_answered_by_a_later_submission_checks_the_earlier_one_once_again(tmp_path, counted):
    control_path = make_cluster(tmp_path / "cum", provinces=("92",))
    earlier, later = linked_pair(control_path)
    os.rename(earlier, earlier.with_suffix(".later"))  # the linked file comes first, the one it links to after
    control = load_control(control_path)
    with Ledger.for_control(control_path) as ledger:
        [linked] = receive(control, ledger, at(date(2026, 7, 10)))
        assert "linked-proposal-missing" in {f.rule for f in review(ledger, linked, control).findings}
        os.rename(earlier.with_suffix(".later"), earlier)
        receive(control, ledger, at(date(2026, 7, 11)))
        counted.clear()
        assert "linked-proposal-missing" not in {f.rule for f in review(ledger, linked, control).findings}
        assert counted.reads == {Path(linked.archived).name: 1}  # the other file's IDs: kept when it came
        counted.clear()
        review(ledger, linked, control)
        assert counted.reads == {}


def test_a_version_5_ledger_migrates_and_its_submissions_get_findings_on_first_review(tmp_path, counted):
    control_path = make_cluster(tmp_path / "cum", provinces=("86", "92"))
    drop(control_path, "86.xlsx", "86", date(2026, 7, 10), defects=("missing-value",))
    earlier, later = linked_pair(control_path)
    control = load_control(control_path)
    with Ledger.for_control(control_path) as old:  # as aidkit wrote it before the ledger kept findings
        old.conn.execute("PRAGMA user_version = 0")
        for table in ("messages", "submissions", "mailbox_messages", "mailbox_checks"):
            old.conn.execute(f"DROP TABLE {table}")
        old.migrate(MIGRATIONS[:5])
        for path in sorted((control_path.parent / "nop").iterdir()):
            data = path.read_bytes()
            report = validation.validate(path, control.settings())
            _, copy = old.archive(data, path.suffix)
            old.record_submission(
                sha256=sha256_of(data),
                file=path.name,
                received_at=at(date(2026, 7, 12)),
                status="valid" if report.valid else "invalid",
                archived=copy,
                size=len(data),
                province=report.province,
                period=report.period,
                errors=len(report.errors),
                warnings=len(report.warnings),
            )
        assert old.version == 5
    counted.clear()
    with Ledger.for_control(control_path) as ledger:
        assert ledger.version == len(MIGRATIONS) == 6
        submissions = ledger.submissions()
        assert [ledger.findings_of(s.id) for s in submissions] == [None] * 3
        first = [review(ledger, s, control) for s in submissions]
        assert counted.reads == archived(control_path)  # each once: the earlier file's IDs are kept on the way
        counted.clear()
        again = [review(ledger, s, control) for s in submissions]
        assert counted.reads == {} and counted.checks == {}
        for a, b, s in zip(first, again, submissions, strict=True):
            assert same(a, b) and same(a, fresh(ledger, s, control))
        assert all(ledger.findings_of(s.id) is not None for s in submissions) and ledger.check() == "ok"


def test_every_source_the_rules_version_names_exists_so_a_renamed_module_cannot_drop_out():
    root = Path(validation.__file__).parent
    for pattern in validation.RULE_SOURCES:
        assert list(root.glob(pattern)), f"{pattern} matches no file of the installed package"
    assert "checks/cells.py" in {p.relative_to(root).as_posix() for p in root.glob("checks/*.py")}


# --- the merge, the catalogue and the report read the ledger's findings too (issue 21) -------------------


def test_the_merge_the_catalogue_and_the_report_take_the_findings_the_intake_kept(tmp_path, counted):
    from toolkit.catalogue.catalogue import catalogue
    from toolkit.consolidation.consolidate import consolidate
    from toolkit.mail.send_report import send_report
    from toolkit.report import report
    from toolkit.status import status

    with plain_server() as server:
        control_path = make_cluster(tmp_path / "cum", server, provinces=("82", "86", "92"))
        valid_and_invalid(control_path)
        linked_pair(control_path)
        now = at(date(2026, 7, 20))
        status(control_path, now=now)
        inbox = {p.name for p in (control_path.parent / "nop").iterdir()}
        jobs = {
            "consolidate": lambda: consolidate(None, period="2026-H1", control=control_path, workers=1),
            "catalogue": lambda: catalogue(None, control=control_path, workers=1),
            "report": lambda: report(control_path, "2026-H1", now=now, workers=1),
            "send-report": lambda: send_report(control_path, "2026-H1", now, backoff=0, workers=1),
        }
        for name, job in jobs.items():
            counted.clear()
            job()
            assert counted.checks == {}, name  # the ledger judged every file already
            read_here = {n: c for n, c in counted.reads.items() if n in inbox}
            assert read_here == dict.fromkeys(inbox, 1), name  # each file's rows, read once (the report: not twice)
            assert set(counted.reads.values()) == {1}, name
        assert len(server.messages) == 1


def test_the_merge_gives_each_file_the_verdict_the_province_was_told(tmp_path):
    """A register row linking to a proposal of the province's earlier submission is answered when the ledger holds
    that submission, though the merge is given the later file alone: as status and the acknowledgement said."""
    from toolkit.consolidation.consolidate import consolidate
    from toolkit.status import status

    control_path = make_cluster(tmp_path / "cum", provinces=("92",))
    _, later = linked_pair(control_path)
    status(control_path, now=at(date(2026, 7, 20)))
    alone = tmp_path / "chi-tep-sau"
    alone.mkdir()
    shutil.copy2(later, alone / later.name)
    rules = {
        given: {f.rule for f in consolidate(alone, tmp_path / f"{given}.xlsx", control=control).files[0].findings}
        for given, control in (("ledger", control_path), ("none", None))
    }
    assert "linked-proposal-missing" in rules["none"]
    assert rules["ledger"] == rules["none"] - {"linked-proposal-missing"}
    with Ledger.for_control(control_path) as ledger:
        [told] = [s for s in ledger.submissions() if s.period == "2026-H1"]
        kept = review(ledger, told, load_control(control_path))
    assert {f.rule for f in kept.findings} == rules["ledger"]


def test_a_change_of_the_rules_makes_the_merge_check_each_file_once_again_and_keep_it(tmp_path, counted, monkeypatch):
    from toolkit.consolidation.consolidate import consolidate
    from toolkit.status import status

    control_path = make_cluster(tmp_path / "cum", provinces=("82", "86", "92"))
    valid_and_invalid(control_path)
    status(control_path, now=at(date(2026, 7, 20)))
    before = consolidate(None, period="2026-H1", control=control_path, workers=1)
    monkeypatch.setattr(validation, "rules_version", lambda: "9.9+a-newer-aidkit")
    counted.clear()
    after = consolidate(None, period="2026-H1", control=control_path, workers=1)
    assert counted.checks == archived(control_path)  # each archived copy checked once again, and kept
    counted.clear()
    again = consolidate(None, period="2026-H1", control=control_path, workers=1)
    assert counted.checks == {}
    for run in (after, again):
        assert [(f.name, f.findings) for f in run.files] == [(f.name, f.findings) for f in before.files]
