"""Consolidate a cluster's provincial submissions into one workbook (issue #3).

`consolidate()` finds every .xlsx/.xlsm under a folder, reads and checks each once
(the checks of `aidkit validate`; with the control workbook, a file the ledger has received
keeps the findings its intake made), keeps the latest file per province and period,
re-attributes pre-merger province codes by the period's end date, works out each
member's status, and writes the consolidated workbook. It returns a
`ConsolidationResult` that renders as text or JSON.

Nothing here knows about Excel-the-application, the command line or e-mail.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import schema
from ..findings import ERROR, Refusal
from ..folders import Skipped, expand_sources, read_regular
from ..ledger import ARCHIVE_NAME, ledger_path
from ..periods import BadPeriod, Period
from ..provinces import MERGER_DATE, current_province, province
from ..schema import Province
from ..workers import Progress, Runner
from .changes import Change
from .duplicates import merge_parts, search_part
from .result import (
    COUNTED,
    INDEX,
    OTHER_PERIOD,
    REFUSED,
    SOURCE_ROW,
    SUPERSEDED,
    ConsolidationError,
    ConsolidationResult,
    Entry,
    Resubmission,
    SourceFile,
    file_status,
    sum_usd,
)

if TYPE_CHECKING:
    from ..control import Control
    from ..submissions import Judged

# --- one file ---------------------------------------------------------------------------


def process_file(
    path: Path, name: str, received: datetime | None, settings: schema.Settings, judged: Judged | None = None
) -> SourceFile:
    """Read and check one file: a file that cannot be read is a refusal; only a bug raises.

    :param received: when it was received; None: its modification time.
    :param judged: what the ledger's intake found for this content: its findings are taken, not made again
        (unless the file changed since it was hashed).
    """
    from ..reader import read_workbook
    from ..validate import read_and_check

    try:
        data = read_regular(path)
        received = received or datetime.fromtimestamp(path.stat().st_mtime)
    except Refusal as refusal:
        return SourceFile(
            path, name, "", 0, received or datetime.fromtimestamp(0), refusal=(refusal.reason, refusal.detail)
        )
    except OSError as exc:
        return SourceFile(
            path,
            name,
            "",
            0,
            received or datetime.fromtimestamp(0),
            refusal=("file-not-readable", exc.strerror or type(exc).__name__),
        )
    digest, size = hashlib.sha256(data).hexdigest(), len(data)
    source = SourceFile(path, name, digest, size, received)
    try:  # a damaged file is refused by the reader; anything else is a bug and stops the run (--debug shows it)
        if judged is not None and judged.report is not None and judged.sha256 == digest:
            wb, report = read_workbook(path, data), judged.report
        else:
            wb, report = read_and_check(path, settings, data)
    except Refusal as refusal:
        source.refusal = (refusal.reason, refusal.detail)
        return source
    finally:
        del data
    source.findings = report.findings
    source.code, source.period = report.province, report.period
    errors_by_row: dict[tuple[str, int], int] = defaultdict(int)
    for f in report.findings:
        if f.severity == ERROR and f.sheet:
            row = f.row or _row_of(f.cell)
            if row:
                errors_by_row[(f.sheet, row)] += 1
    for key, table in wb.tables.items():
        source.sheets[key] = table.sheet
        source.rows[key] = _rows(table, errors_by_row)
    return source


def _row_of(cell: str) -> int | None:
    digits = "".join(ch for ch in cell or "" if ch.isdigit())
    return int(digits) if digits else None


def _rows(data, errors_by_row) -> list[tuple]:
    """The table's records as tuples in schema column order, values as they will be written."""
    from ..values import text_of

    plan = [(c.key, _BY_KEY.get(c.key) or _OUTPUT.get(c.type)) for c in data.table.columns]
    sheet = data.sheet
    out = []
    for record in data.records:
        cells = record.cells
        values: list[Any] = []
        append = values.append
        for key, convert in plan:
            cell = cells.get(key)
            if cell is None:
                append(None)
                continue
            value = cell.value
            if value is not None:
                append(convert(value) if convert else value)
            else:
                raw = cell.raw  # unusable as its type: kept as found, as text, so nothing disappears
                append(None if raw is None or raw == "" else text_of(raw))
        append(record.row)
        append(errors_by_row.get((sheet, record.row), 0))
        out.append(tuple(values))
    return out


def _sector_label(code: str) -> str:
    return _SECTORS.get(code, code)


def _country_name(code: str) -> str:
    from ..vocabulary import country_name_vi

    name = _COUNTRIES.get(code)
    if name is None:
        name = _COUNTRIES[code] = country_name_vi(code)
    return name


def _priority(value: Any) -> Any:
    """Mức ưu tiên "1"–"3" as the number it is (the template keeps it as text for its dropdown)."""
    return int(value) if value in schema.PRIORITIES else value


_SECTORS = {s.code: s.vi for s in schema.sectors()}
_COUNTRIES: dict[str, str] = {}
_OUTPUT: dict[str, Callable[[Any], Any]] = {
    schema.DECIMAL: float,
    schema.INTEGER: int,
    schema.SECTOR: _sector_label,
    schema.COUNTRY: _country_name,
}
_BY_KEY: dict[str, Callable[[Any], Any]] = {"uu_tien": _priority}


# --- the whole run ------------------------------------------------------------------------------


def consolidate(
    source: str | os.PathLike | Sequence[str | os.PathLike] | None,
    out: str | os.PathLike | None = None,
    *,
    period: str | None = None,
    control: str | os.PathLike | Control | None = None,
    previous: str | os.PathLike | None = None,
    received: Mapping[Path, datetime] | None = None,
    settings: schema.Settings | None = None,
    workers: int | None = None,
    progress: Progress | None = None,
) -> ConsolidationResult:
    """Consolidate every submission under `source` into the workbook `out`.

    :param source: workbook files and folders (searched recursively); default: the control workbook's inbox.
    :param out: the consolidated workbook to write (default: the control workbook's output folder).
    :param period: only files of this period (``2026-H1``) count; members missing it are listed.
    :param control: the cluster control workbook: members, due dates, approval threshold; with it each
        file's received time is the ledger's (when the ledger knows the file).
    :param previous: a consolidated workbook written earlier by this function, for the `Thay đổi` sheet.
    :param received: when each file was received (absolute path → datetime); default: the ledger's, else
        the file's modification time.
    :param workers: processes reading files in parallel (default: automatic; 1 = in this process).
    :param progress: called as progress(done, total, file name) after each file.
    :raises ConsolidationError: when the run cannot start (bad folder, period, control or previous workbook).
    :raises findings.Refusal: for an output that would replace an input or a person's file.
    :raises folders.NoWorkbooks: when `source` holds no workbook.
    """
    from ..outputs import output_path
    from .workbook import ConsolidatedWriter, read_previous

    wanted = parse_period(period)
    ctrl = open_control(control) if control else None
    given, out = _source_and_output(source, out, ctrl, wanted)
    settings = settings or (ctrl.settings() if ctrl else schema.Settings())
    sources = _sources(given, out, ctrl, [Path(p) for p in (previous, ctrl.path if ctrl else None) if p])
    old = read_previous(previous) if previous else None
    times = {Path(k).resolve(): v for k, v in (received or {}).items()}
    tasks = file_tasks(sources.files, ctrl, settings, times)

    with output_path(out, "consolidated") as tmp, Runner(workers, len(tasks)) as runner:
        files = runner.map(process_file, tasks, attribute, progress, [t[1] for t in tasks])
        files += [skipped_file(s) for s in sources.skipped if s.refused]
        _credit_earlier_proposals(files)
        entries = _classify(files, wanted, ctrl)
        result = ConsolidationResult(
            given[0] if len(given) == 1 else Path(os.path.commonpath(given)),
            out,
            str(wanted) if wanted else None,
            ctrl.cluster if ctrl else None,
            files,
            entries,
            previous=Path(previous) if previous else None,
            skipped=[s for s in sources.skipped if not s.refused],
            approval_days=settings.approval_days,
        )
        duplicates = runner.shared(search_part, merge_parts, candidates(result))  # in the workers, while this writes
        result.resubmissions = _resubmissions(entries)
        if old is None and ctrl is not None and wanted is not None:
            old = _ledger_previous(ctrl, wanted, settings)
        if old is not None:
            result.changes = _changes_since(old, result)
        writer = ConsolidatedWriter(tmp, result)
        try:
            writer.write()
            result.duplicates = duplicates.result()  # searched in the workers while this process wrote
            writer.finish(result.duplicates)
        except BaseException:
            writer.discard()
            raise
    return result


def every_period(result: ConsolidationResult, control: Control | None) -> ConsolidationResult:
    """The files of a consolidation grouped by every period they are of, as consolidating them with no period
    would (the review's same period a year before and its year so far), without reading them again; nothing is
    written, and no duplicates or changes are searched."""
    files = [dataclasses.replace(f, role="", superseded_by=None, status="") for f in result.files]
    return ConsolidationResult(
        result.source,
        result.output,
        None,
        result.cluster,
        files,
        _classify(files, None, control),
        skipped=result.skipped,
        approval_days=result.approval_days,
    )


def _source_and_output(source, out, ctrl, wanted: Period | None) -> tuple[list[Path], Path]:
    """The files and folders to read and the workbook to write, the control workbook's by default."""
    if source is None or (not isinstance(source, (str, os.PathLike)) and not source):
        if ctrl is None:
            raise ConsolidationError.of("consolidate-no-source")
        source = ctrl.inbox
    given = [Path(source)] if isinstance(source, (str, os.PathLike)) else [Path(p) for p in source]
    for path in given:
        if not path.exists() and not path.is_symlink():
            raise ConsolidationError.of("consolidate-source-missing", file=str(path))
    if out is None:
        if ctrl is None:
            raise ConsolidationError.of("consolidate-no-output")
        from ..outputs import beside

        out = beside(ctrl.outbox / f"tong-hop_{wanted or 'tat-ca'}.xlsx", "consolidated")  # an edited one stays
    return given, Path(out)


def _sources(given: list[Path], out: Path, ctrl, own: list[Path]):
    """The workbooks to read under `given`, once `out` is known not to replace an input.

    :param own: the previous consolidation and the control workbook: inputs, never submissions.
    """
    from ..outputs import check_output, replaceable

    skip = list(own)
    if ctrl is not None:  # the archive, ledger and output folder may sit inside the submissions folder
        skip += [ctrl.outbox, ctrl.path.parent / ARCHIVE_NAME, ledger_path(ctrl.path)]
    inputs = [*own, *(p for p in given if not p.is_dir())]
    if not replaceable(out, "consolidated") and any(_under(out, p) for p in given if p.is_dir()):
        inputs.append(out)  # a province's file in the folder being merged
    check_output(out, "consolidated", (".xlsx",), inputs=inputs)
    found = expand_sources(given, exclude=[*skip, out])  # an earlier output in the folder is not read back
    found.require_workbooks(given)  # an empty folder: one sentence, no empty workbook
    return found


def _credit_earlier_proposals(files: list[SourceFile]) -> None:
    """A register row may name a proposal of the province's earlier submission, when that file is here too."""
    from ..checks.cross import answered_elsewhere

    column = INDEX["needs"]["ma_de_xuat"]
    ids: dict[str, list[tuple[tuple, set[str]]]] = defaultdict(list)
    for f in files:
        if not f.refused and f.code:
            own = {str(row[column]).strip().upper() for row in f.rows.get("needs", ()) if row[column]}
            ids[f.code].append((_submission_order(f), own))
    for f in files:
        if f.refused or not f.code or not any(x.rule == "linked-proposal-missing" for x in f.findings):
            continue
        order = _submission_order(f)
        earlier = set().union(*(own for other, own in ids[f.code] if other < order))
        f.findings = answered_elsewhere(f.findings, earlier)


def _submission_order(f: SourceFile) -> tuple:
    """Which of a province's submissions came first: the period decides, then (one period) the time received."""
    period = f.parsed_period
    return (period.end if period else date.min, period is not None and period.half is None, f.received, f.name)


def _under(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True


def file_tasks(
    files: list[tuple[Path, str]], ctrl, settings: schema.Settings, received: Mapping[Path, datetime] | None = None
) -> list[tuple]:
    """The arguments of `process_file` for each (path, name): with the control workbook, what the ledger's intake
    judged of each file it received (the same content): its received time (status uses the same) and findings.

    :param received: received times given by the caller (resolved path → datetime), which come first.
    """
    from ..submissions import judged_files

    judged = judged_files(ctrl, [p for p, _ in files]) if ctrl is not None else {}
    given = received or {}
    tasks = []
    for path, name in files:
        known = judged.get(path)
        when = given.get(path.resolve()) or (known.received if known else None)
        tasks.append((path, name, when, settings, known))
    return tasks


def skipped_file(s: Skipped) -> SourceFile:
    """A file that was not read (a FIFO, a link out of the folder, too large) as a refused source file."""
    try:
        seen = datetime.fromtimestamp(os.lstat(s.path).st_mtime).replace(microsecond=0)
    except OSError:
        seen = datetime.now().replace(microsecond=0)
    return SourceFile(s.path, s.name, "", 0, seen, refusal=(s.reason, s.detail))


def parse_period(text: str | None) -> Period | None:
    """The period of a --period option (None when not given).

    :raises ConsolidationError: when it is not of the form 2026-H1, 2026-H2 or 2026.
    """
    if not text:
        return None
    try:
        return Period.parse(text)
    except BadPeriod as exc:
        raise ConsolidationError(exc.vi, exc.en) from None


def open_control(path):
    """The control workbook, read (or as given, already loaded); :raises ConsolidationError: when it is unusable."""
    from ..control import load_control

    try:
        return load_control(path)
    except Refusal as refusal:
        raise ConsolidationError(refusal.vi, refusal.en) from None


def attribute(f: SourceFile) -> None:
    """Set the province a file's code meant for its period, and the province that is now."""
    parsed = f.parsed_period
    if not f.refused and parsed is not None and f.code:
        f.original = province(f.code, parsed.end)
        f.current = current_province(f.code, parsed.end) if f.original else None


def _classify(files: list[SourceFile], wanted: Period | None, ctrl) -> list[Entry]:
    """Decide each file's role, the latest file per province and period, and the overview entries."""
    groups: dict[tuple, list[SourceFile]] = defaultdict(list)
    loose: list[SourceFile] = []
    for f in files:
        if f.refused:
            f.role = REFUSED
            continue
        parsed = f.parsed_period
        if wanted is not None and parsed is not None and parsed != wanted:
            f.role = OTHER_PERIOD
            continue
        attribute(f)
        if f.original is None or parsed is None:
            loose.append(f)  # never supersedes or is superseded: nobody knows whose it is
        else:
            groups[(f.original.code, str(parsed))].append(f)

    entries: dict[tuple, Entry] = {}
    for (code, period_text), group in groups.items():
        group.sort(key=lambda f: (f.received, f.name))
        latest = group[-1]
        for f in group[:-1]:
            f.role, f.superseded_by = SUPERSEDED, latest
        latest.role = COUNTED
        entries[(code, period_text)] = Entry(
            period_text, latest.original, latest.current, file=latest, superseded=group[:-1]
        )
    extra = []
    for f in loose:
        f.role = COUNTED
        extra.append(Entry(f.period, f.original, f.current, code_written=f.code, file=f, notes=[("unattributed", {})]))

    periods = {wanted} if wanted else {Period.parse(p) for _, p in entries}
    if ctrl is not None:
        for p in periods:
            for expected in _expected(ctrl, p):
                key = (expected.code, str(p))
                if key in entries:
                    entries[key].member = True
                else:
                    entries[key] = Entry(str(p), expected, current_province(expected.code, p.end), member=True)
        for e in entries.values():
            if e.member is None:
                e.member = False
                e.notes.append(("not-member", {}))
    for e in list(entries.values()) + extra:
        _fill(e, ctrl)
    return sorted(list(entries.values()) + extra, key=Entry.sort_key)


def _expected(ctrl, p: Period) -> list[Province]:
    """The provinces (as they were during period p) expected to submit: the members active at its end."""
    out: dict[str, Province] = {}
    for m in ctrl.members_on(p.end):
        if m.end is not None and m.end < MERGER_DATE:  # a member that left before the merger: an old code
            own = province(m.code, m.end)
            if own is not None and p.end < MERGER_DATE:
                out[own.code] = own
            continue
        now = province(m.code, max(p.end, MERGER_DATE))
        if now is None:
            continue
        if p.end >= MERGER_DATE:
            out[now.code] = now
        else:  # before the merger the member was several provinces, each submitting its own workbook
            for row in schema.merger():
                if row.new.code == now.code:
                    out[row.old.code] = row.old
    return [out[c] for c in sorted(out)]


def _fill(e: Entry, ctrl) -> None:
    """Status, notes and totals of one overview entry."""
    parsed = Period.parse(e.period) if e.period else None
    if ctrl is not None and parsed is not None:
        deadline = ctrl.deadline(parsed)
        e.due = deadline.due if deadline else None
    if e.original and e.current and e.original != e.current:
        e.notes.insert(
            0,
            ("merged", {"old": f"{e.original.code} {e.original.short}", "new": f"{e.current.code} {e.current.short}"}),
        )
    f = e.file
    if f is None:
        e.status = "missing"
        return
    if e.superseded:
        e.notes.append(("superseded", {"n": len(e.superseded)}))
    e.status = file_status(f, e.due)
    if ctrl is not None and parsed is not None and e.due is None:
        e.notes.append(("no-due-date", {}))
    f.status = e.status
    for earlier in e.superseded:
        earlier.status = file_status(earlier, e.due)
    needs, register = f.rows.get("needs", ()), f.rows.get("register", ())
    n, r = INDEX["needs"], INDEX["register"]
    e.needs, e.register = len(needs), len(register)
    e.usd_requested = sum_usd(row[n["de_nghi_tai_tro_usd"]] for row in needs)
    status, usd = r["trang_thai"], r["gia_tri_usd"]
    e.usd_approved = sum_usd(row[usd] for row in register if row[status] in schema.APPROVED_STATUSES)
    e.usd_disbursed = sum_usd(row[r["giai_ngan_ky_usd"]] for row in register)
    e.usd_disbursed_to_date = sum_usd(row[r["giai_ngan_luy_ke_usd"]] for row in register)


# --- resubmissions, duplicates, changes ------------------------------------------------------------


def as_mapping(table: schema.Table, f: SourceFile, row: tuple) -> dict[str, Any]:
    """A merged row as a mapping by column key, with its provenance (for diffs)."""
    record = {c.key: row[i] for i, c in enumerate(table.columns)}
    record.update(
        ma_tinh_hien_hanh=f.current.code if f.current else f.code,
        ky_bao_cao=f.period,
        tep_nguon=f.name,
        dong_nguon=row[SOURCE_ROW],
        _scope=(f.original.code if f.original else f.code, f.period),
    )
    return record


def _resubmissions(entries: list[Entry]) -> list[Resubmission]:
    from .changes import diff_rows

    out = []
    for e in entries:
        latest = e.file
        if latest is None:  # a member that did not submit supersedes nothing
            continue
        for earlier in e.superseded:
            changes = []
            for table in schema.TABLES:
                old = [as_mapping(table, earlier, row) for row in earlier.rows.get(table.key, ())]
                new = [as_mapping(table, latest, row) for row in latest.rows.get(table.key, ())]
                changes += diff_rows(table, old, new)
            out.append(Resubmission(earlier, latest, changes))
    return out


def candidates(result: ConsolidationResult) -> list:
    """What the duplicate search needs of each merged REGISTER row, in output order."""
    from .duplicates import Candidate

    r = INDEX["register"]
    donor, title, decision, decided = r["nha_tai_tro"], r["ten_vi"], r["so_qd"], r["ngay_qd"]
    out = []
    for f, row in result.rows("register"):
        out.append(
            Candidate(
                province=f.original.code if f.original else (f.code or f.name),
                period=f.period or "",
                donor=_text(row[donor]),
                title=_text(row[title]),
                decision=_text(row[decision]),
                decision_date=row[decided] if type(row[decided]) is date else None,
            )
        )
    return out


def _text(value) -> str | None:
    return value if isinstance(value, str) and value else None


def _changes_since(old: dict[str, list[dict]], result: ConsolidationResult) -> list[Change]:
    """The Thay đổi sheet: a province whose rows here are of a later period than its old ones is followed
    row by row (changes.continuity); any other is compared as versions of the same rows (changes.diff_rows)."""
    from .changes import continuity, diff_rows

    changes = []
    for table in schema.TABLES:
        new = [as_mapping(table, f, row) for f, row in result.rows(table.key)]
        before = old.get(table.key, [])
        later = _later_provinces(before, new)
        changes += diff_rows(
            table, [r for r in before if _province_of(r) not in later], [r for r in new if _province_of(r) not in later]
        )
        for code in sorted(later):
            changes += continuity(
                table, [r for r in before if _province_of(r) == code], [r for r in new if _province_of(r) == code]
            )
    return changes


def _province_of(row: dict) -> str:
    code = row.get("ma_tinh_hien_hanh")
    if isinstance(code, float) and code.is_integer():
        code = int(code)
    return str(code).strip().zfill(2) if code not in (None, "") else ""


def _later_provinces(old: list[dict], new: list[dict]) -> set[str]:
    """Provinces every new row of which is of a period after every old row of theirs."""

    def periods(rows) -> dict[str, list[Period]]:
        out: dict[str, list[Period]] = defaultdict(list)
        for r in rows:
            try:
                out[_province_of(r)].append(Period.parse(str(r.get("ky_bao_cao") or "")))
            except BadPeriod:
                continue
        return out

    before, after = periods(old), periods(new)
    return {
        code
        for code, found in after.items()
        if code in before and max(p.end for p in before[code]) < min(p.start for p in found)
    }


def _ledger_previous(ctrl, wanted: Period, settings: schema.Settings) -> dict[str, list[dict]] | None:
    """The rows of each member's latest accepted submission of an earlier period, as the ledger knows them
    (None when it knows none): the merge's continuity without --previous."""
    from ..ledger import Ledger

    where = ledger_path(ctrl.path)
    if not where.exists():
        return None
    old: dict[str, list[dict]] = {t.key: [] for t in schema.TABLES}
    found = False
    with Ledger(where) as ledger:
        for code in sorted({m.code for m in ctrl.members}):
            s = ledger.latest_accepted(code, str(wanted))
            f = _archived_file(ledger, s, ctrl, settings) if s else None
            if f is None or f.refused:
                continue
            attribute(f)
            found = True
            for table in schema.TABLES:
                old[table.key] += [as_mapping(table, f, row) for row in f.rows.get(table.key, ())]
    return old if found else None


def _archived_file(ledger, submission, ctrl, settings: schema.Settings) -> SourceFile:
    """A submission's archived copy, read, with the findings the ledger keeps for it."""
    from ..submissions import judged

    path = ledger.archived_path(submission)
    return process_file(path, submission.name, submission.received_at, settings, judged(ledger, submission, ctrl))
