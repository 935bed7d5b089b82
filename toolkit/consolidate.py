"""Consolidate a cluster's provincial submissions into one workbook (issue #3).

`consolidate()` finds every .xlsx/.xlsm under a folder, reads and checks each once
(the checks of `aidkit validate`), keeps the latest file per province and period,
re-attributes pre-merger province codes by the period's end date, works out each
member's status, and writes the consolidated workbook. It returns a
`ConsolidationResult` that renders as text or JSON.

Nothing here knows about Excel-the-application, the command line or e-mail.
"""

from __future__ import annotations

import hashlib
import math
import os
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from . import schema
from .changes import Change
from .findings import ERROR, WARNING, Finding, Refusal
from .folders import Skipped, expand_sources, read_regular
from .ledger import ARCHIVE_NAME, ledger_path
from .periods import BadPeriod, Period
from .provinces import MERGER_DATE, current_province, province
from .schema import Province
from .workers import Progress, Runner

COUNTED, SUPERSEDED, REFUSED, OTHER_PERIOD = "counted", "superseded", "refused", "other-period"
ROLE_LABEL = {COUNTED: "Được tính / Counted", SUPERSEDED: "Bị thay thế / Superseded",
              REFUSED: "Bị từ chối / Refused", OTHER_PERIOD: "Khác kỳ / Other period"}
NOTES = {
    "merged": ("Sáp nhập 2025: {old} → {new}", "2025 merger: {old} → {new}"),
    "not-member": ("Không thuộc danh sách thành viên cụm", "Not a member of the cluster"),
    "unattributed": ("Không xác định được tỉnh hoặc kỳ báo cáo", "Province or period could not be determined"),
    "superseded": ("{n} tệp nộp trước bị thay thế", "{n} earlier file(s) superseded"),
    "no-due-date": ("Lịch nộp chưa có hạn cho kỳ này", "The schedule has no due date for this period"),
}
INDEX = {t.key: {c.key: i for i, c in enumerate(t.columns)} for t in schema.TABLES}
SOURCE_ROW = -2  # a row tuple ends with the source row number, then the number of errors on that row


class ConsolidationError(Exception):
    """The consolidation cannot run: a missing folder, a bad period, an unusable control or previous workbook."""

    def __init__(self, vi: str, en: str):
        super().__init__(f"{vi} / {en}")
        self.vi, self.en = vi, en


# --- one file ---------------------------------------------------------------------------

@dataclass
class SourceFile:
    """One file found under the source folder: what reading and checking it gave."""

    path: Path
    name: str  # relative to the source folder, with forward slashes
    sha256: str
    size: int
    received: datetime
    refusal: tuple[str, str] | None = None  # (reason, detail) when the file could not be read
    findings: list[Finding] = field(default_factory=list)
    code: str | None = None  # province code as written in Thông tin
    period: str | None = None
    sheets: dict[str, str] = field(default_factory=dict)  # table key → sheet name as found
    rows: dict[str, list[tuple]] = field(default_factory=dict)  # table key → values…, source row, row errors
    # decided later, when all files are known
    role: str = ""
    original: Province | None = None
    current: Province | None = None
    superseded_by: SourceFile | None = None
    status: str = ""

    @property
    def refused(self) -> bool:
        return self.refusal is not None

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == ERROR) + (1 if self.refused else 0)

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity == WARNING)

    @property
    def valid(self) -> bool:
        return self.errors == 0

    @property
    def parsed_period(self) -> Period | None:
        try:
            return Period.parse(self.period) if self.period else None
        except BadPeriod:
            return None

    def as_refusal(self) -> Refusal:
        reason, detail = self.refusal or ("", "")
        return Refusal(self.name, reason, detail)

    def count(self, table: str) -> int:
        return len(self.rows.get(table, ()))


def process_file(path: Path, name: str, received: datetime | None, settings: schema.Settings) -> SourceFile:
    """Read and check one file; never raises (a file that cannot be read is a refusal).

    :param received: when it was received; None: its modification time.
    """
    from .reader import read_workbook
    from .validate import check_workbook

    try:
        data = read_regular(path)
        received = received or datetime.fromtimestamp(path.stat().st_mtime)
    except Refusal as refusal:
        return SourceFile(path, name, "", 0, received or datetime.fromtimestamp(0),
                          refusal=(refusal.reason, refusal.detail))
    except OSError as exc:
        return SourceFile(path, name, "", 0, received or datetime.fromtimestamp(0),
                          refusal=("file-not-readable", exc.strerror or type(exc).__name__))
    digest, size = hashlib.sha256(data).hexdigest(), len(data)
    del data
    source = SourceFile(path, name, digest, size, received)
    try:
        wb = read_workbook(path)
        report = check_workbook(wb, settings)
    except Refusal as refusal:
        source.refusal = (refusal.reason, refusal.detail)
        return source
    except Exception as exc:  # a damaged file must not stop the cluster's consolidation
        source.refusal = ("unexpected-error", f"{type(exc).__name__}: {exc}")
        return source
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
    from .values import text_of

    plan = [(c.key, _BY_KEY.get(c.key) or _OUTPUT.get(c.type)) for c in data.table.columns]
    sheet = data.sheet
    out = []
    for record in data.records:
        cells = record.cells
        values = []
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
    from .vocabulary import country_name_vi

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


# --- the overview ---------------------------------------------------------------------------

@dataclass
class Entry:
    """One row of the overview: a province (as it was for that period) and a period."""

    period: str | None
    original: Province | None
    current: Province | None
    code_written: str | None = None
    status: str = "missing"
    file: SourceFile | None = None
    superseded: list[SourceFile] = field(default_factory=list)
    member: bool | None = None  # None: no control workbook given
    due: date | None = None
    notes: list[tuple[str, dict]] = field(default_factory=list)
    needs: int = 0
    register: int = 0
    usd_requested: float = 0.0
    usd_approved: float = 0.0
    usd_disbursed: float = 0.0
    usd_disbursed_to_date: float = 0.0

    @property
    def code(self) -> str | None:
        return self.current.code if self.current else self.code_written

    @property
    def original_code(self) -> str | None:
        return self.original.code if self.original else self.code_written

    @property
    def errors(self) -> int:
        return self.file.errors if self.file else 0

    @property
    def warnings(self) -> int:
        return self.file.warnings if self.file else 0

    def note_text(self, language: str = "vi") -> str:
        i = 0 if language == "vi" else 1
        return "; ".join(NOTES[code][i].format(**params) for code, params in self.notes)

    def sort_key(self):
        return (self.period or "", self.code or "~", self.original_code or "~",
                self.file.name if self.file else "")

    def to_dict(self) -> dict[str, Any]:
        f = self.file
        return {
            "period": self.period,
            "province_code": self.code,
            "province_name": self.current.short if self.current else None,
            "original_code": self.original_code,
            "original_name": self.original.short if self.original else None,
            "member": self.member,
            "status": self.status,
            "status_vi": schema.SUBMISSION_STATUSES[self.status],
            "status_en": schema.SUBMISSION_STATUSES_EN[self.status],
            "due_date": self.due.isoformat() if self.due else None,
            "received_at": f.received.isoformat(timespec="seconds") if f else None,
            "file": f.name if f else None,
            "sha256": f.sha256 if f else None,
            "needs": self.needs,
            "register": self.register,
            "usd_requested": round(self.usd_requested, 2),
            "usd_approved": round(self.usd_approved, 2),
            "usd_disbursed": round(self.usd_disbursed, 2),
            "usd_disbursed_to_date": round(self.usd_disbursed_to_date, 2),
            "errors": self.errors,
            "warnings": self.warnings,
            "superseded_files": [s.name for s in self.superseded],
            "notes": [code for code, _ in self.notes],
        }


@dataclass
class Resubmission:
    """An earlier file of a province and period, and how the latest one differs from it."""

    earlier: SourceFile
    latest: SourceFile
    changes: list[Change]


@dataclass
class ConsolidationResult:
    """Everything the consolidated workbook shows, as data."""

    source: Path
    output: Path
    period: str | None
    cluster: str | None
    files: list[SourceFile]
    entries: list[Entry]
    duplicates: list = field(default_factory=list)  # duplicates.DuplicatePair over `register_rows()`
    changes: list[Change] | None = None  # against --previous
    previous: Path | None = None
    resubmissions: list[Resubmission] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)  # files in the folders that are no workbook
    approval_days: int = schema.Settings.approval_days  # the lead-time threshold of the checks

    @property
    def counted(self) -> list[SourceFile]:
        """The files whose rows are merged, in output order."""
        return [e.file for e in self.entries if e.file is not None]

    def rows(self, table: str) -> Iterable[tuple[SourceFile, tuple]]:
        """(file, row) for every merged row of a table, in output order."""
        for f in self.counted:
            for row in f.rows.get(table, ()):
                yield f, row

    @property
    def refused(self) -> list[SourceFile]:
        return [f for f in self.files if f.refused]

    @property
    def clean(self) -> bool:
        """No refused file and no counted file with errors."""
        return not self.refused and all(f.valid for f in self.counted)

    def totals(self) -> list[dict[str, Any]]:
        """Cluster totals per period."""
        out = []
        periods = sorted({e.period for e in self.entries if e.period})
        for p in periods:
            entries = [e for e in self.entries if e.period == p]
            statuses = {k: sum(1 for e in entries if e.status == k) for k in schema.SUBMISSION_STATUSES}
            out.append({
                "period": p,
                "provinces": len(entries),
                **statuses,
                "needs": sum(e.needs for e in entries),
                "register": sum(e.register for e in entries),
                "usd_requested": round(sum(e.usd_requested for e in entries), 2),
                "usd_approved": round(sum(e.usd_approved for e in entries), 2),
                "usd_disbursed": round(sum(e.usd_disbursed for e in entries), 2),
                "usd_disbursed_to_date": round(sum(e.usd_disbursed_to_date for e in entries), 2),
                "errors": sum(e.errors for e in entries),
                "warnings": sum(e.warnings for e in entries),
            })
        return out

    def to_dict(self) -> dict[str, Any]:
        from .changes import summary

        return {
            "output": str(self.output),
            "source": str(self.source),
            "period": self.period,
            "cluster": self.cluster,
            "clean": self.clean,
            "provinces": [e.to_dict() for e in self.entries],
            "totals": self.totals(),
            "files": [_file_dict(f) for f in self.files],
            "refused": [f.as_refusal().to_dict() | {"sha256": f.sha256} for f in self.refused],
            "skipped": [s.as_refusal().to_dict() for s in self.skipped],
            "duplicates": len(self.duplicates),
            "resubmissions": [{"earlier": r.earlier.name, "latest": r.latest.name, **summary(r.changes)}
                              for r in self.resubmissions],
            "changes": None if self.changes is None else {"previous": str(self.previous), **summary(self.changes)},
        }

    def to_text(self) -> str:
        """A short bilingual summary for a terminal, Vietnamese first."""
        from .changes import summary

        counted = len(self.counted)
        superseded = sum(1 for f in self.files if f.role == SUPERSEDED)
        lines = [f"Tổng hợp / Consolidated: {self.output}",
                 f"  {len(self.files)} tệp / files: {counted} được tính / counted, {superseded} bị thay thế / "
                 f"superseded, {len(self.refused)} bị từ chối / refused"]
        if self.entries:
            lines.append("")
            lines.append(f"  {'Kỳ':<8} {'Tỉnh / Province':<34} {'Trạng thái / Status':<22} {'NEEDS':>6} "
                         f"{'REG.':>6} {'USD đề nghị':>14} {'USD phê duyệt':>14} {'Lỗi':>5} {'C.báo':>5}")
        for e in self.entries:
            who = f"{e.code or '??'} {e.current.short if e.current else ''}"
            if e.original and e.current and e.original != e.current:
                who += f" ← {e.original.code} {e.original.short}"
            status = f"{schema.SUBMISSION_STATUSES[e.status]} / {schema.SUBMISSION_STATUSES_EN[e.status]}"
            if e.file is None:
                lines.append(f"  {e.period or '?':<8} {who:<34} {status:<22} {'—':>6}")
                continue
            lines.append(f"  {e.period or '?':<8} {who:<34} {status:<22} {e.needs:>6} {e.register:>6} "
                         f"{e.usd_requested:>14,.0f} {e.usd_approved:>14,.0f} {e.errors:>5} {e.warnings:>5}")
        for t in self.totals():
            valid = f"{t['valid'] + t['late']}/{t['provinces']} hợp lệ / valid"
            lines.append(f"  {t['period']:<8} {'Tổng cụm / Cluster total':<34} {valid:<22} {t['needs']:>6} "
                         f"{t['register']:>6} {t['usd_requested']:>14,.0f} {t['usd_approved']:>14,.0f}")
        for f in self.refused:
            r = f.as_refusal()
            lines += ["", f"✘ {f.name}", f"  {r.message_vi}", f"  {r.message_en}"]
        for s in self.skipped:
            r = s.as_refusal()
            lines += ["", f"· {s.name}", f"  {r.message_vi}", f"  {r.message_en}"]
        lines.append("")
        lines.append(f"Trùng lặp có thể / possible duplicates: {len(self.duplicates)}")
        for r in self.resubmissions:
            s = summary(r.changes)
            lines.append(f"Nộp lại / resubmitted: {r.latest.name} thay / replaces {r.earlier.name}: "
                         f"+{s['added']} −{s['removed']} ~{s['changed']}")
        if self.changes is not None:
            s = summary(self.changes)
            lines.append(f"Thay đổi so với lần trước / changes since the previous consolidation: "
                         f"+{s['added']} mới/new, −{s['removed']} xóa/removed, ~{s['changed']} sửa/changed")
        return "\n".join(lines)


def _file_dict(f: SourceFile) -> dict[str, Any]:
    return {
        "file": f.name,
        "sha256": f.sha256,
        "size": f.size,
        "received_at": f.received.isoformat(timespec="seconds"),
        "role": f.role,
        "original_code": f.original.code if f.original else f.code,
        "province_code": f.current.code if f.current else None,
        "period": f.period,
        "status": f.status or None,
        "superseded_by": f.superseded_by.name if f.superseded_by else None,
        "errors": f.errors,
        "warnings": f.warnings,
        "needs": f.count("needs"),
        "register": f.count("register"),
        "refusal": f.refusal[0] if f.refusal else None,
    }


# --- the whole run ------------------------------------------------------------------------------



def consolidate(source: str | os.PathLike | Sequence[str | os.PathLike] | None, out: str | os.PathLike | None = None,
                *, period: str | None = None, control: str | os.PathLike | None = None,
                previous: str | os.PathLike | None = None,
                received: Mapping[Path, datetime] | None = None,
                settings: schema.Settings | None = None, workers: int | None = None,
                progress: Progress | None = None) -> ConsolidationResult:
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
    :raises findings.Refusal: for an output that would replace an input or a file aidkit did not write.
    """
    from .atomic import atomic_path
    from .consolidated_workbook import ConsolidatedWriter, read_previous
    from .outputs import check_output, written_by_aidkit

    wanted = parse_period(period)
    ctrl = open_control(control) if control else None
    if source is None or (not isinstance(source, (str, os.PathLike)) and not source):
        if ctrl is None:
            raise ConsolidationError("Cần thư mục nộp báo cáo hoặc tệp điều hành (--control).",
                                     "A submissions folder or a control workbook (--control) is needed.")
        source = ctrl.inbox
    given = [Path(source)] if isinstance(source, (str, os.PathLike)) else [Path(p) for p in source]
    for path in given:
        if not path.exists() and not path.is_symlink():
            raise ConsolidationError(f"Không tìm thấy thư mục hoặc tệp {path}.",
                                     f"Folder or file {path} was not found.")
    if out is None:
        if ctrl is None:
            raise ConsolidationError("Cần tên tệp kết quả (-o).", "An output file (-o) is needed.")
        out = ctrl.outbox / f"tong-hop_{wanted or 'tat-ca'}.xlsx"
    out = Path(out)
    settings = settings or (ctrl.settings() if ctrl else schema.Settings())

    skip = [Path(p) for p in (previous, control) if p]
    if ctrl is not None:  # the archive, ledger and output folder may sit inside the submissions folder
        skip += [ctrl.outbox, ctrl.path.parent / ARCHIVE_NAME, ledger_path(ctrl.path)]
    inputs = [*(Path(p) for p in (previous, control) if p), *(p for p in given if not p.is_dir())]
    if out.exists() and written_by_aidkit(out) != "consolidated" and any(_under(out, p) for p in given if p.is_dir()):
        inputs.append(out)  # a province's file in the folder being merged
    check_output(out, "consolidated", (".xlsx",), inputs=inputs)
    sources = expand_sources(given, exclude=[*skip, out])  # an earlier output in the folder is not read back
    old = read_previous(previous) if previous else None
    times = {Path(k).resolve(): v for k, v in (received or {}).items()}
    tasks = [(p, name, times.get(p.resolve()), settings) for p, name in sources.files]

    def due(f: SourceFile) -> date | None:
        parsed = f.parsed_period
        deadline = ctrl.deadline(parsed) if ctrl is not None and parsed is not None else None
        return deadline.due if deadline else None

    with atomic_path(out) as tmp, Runner(workers, len(tasks)) as runner:
        files = runner.map(process_file, tasks, attribute, progress, [t[1] for t in tasks])
        if ctrl is not None:
            _ledger_times(ctrl, [f for f in files if f.path.resolve() not in times])
        files += [skipped_file(s) for s in sources.skipped if s.refused]
        _credit_earlier_proposals(files)
        entries = _classify(files, wanted, ctrl)
        result = ConsolidationResult(given[0] if len(given) == 1 else Path(os.path.commonpath(given)), out,
                                     str(wanted) if wanted else None, ctrl.cluster if ctrl else None,
                                     files, entries, previous=Path(previous) if previous else None,
                                     skipped=[s for s in sources.skipped if not s.refused],
                                     approval_days=settings.approval_days)
        duplicates = runner.duplicates(candidates(result))  # in the workers, while this process writes
        result.resubmissions = _resubmissions(entries)
        if old is not None:
            result.changes = _changes_since(old, result)
        writer = ConsolidatedWriter(tmp, lambda f: file_status(f, due(f)))
        try:
            writer.finish(result, duplicates)
        except BaseException:
            writer.discard()
            raise
    return result


def _credit_earlier_proposals(files: list[SourceFile]) -> None:
    """A register row may name a proposal of the province's earlier submission, when that file is here too."""
    from .checks.cross import answered_elsewhere

    column = INDEX["needs"]["ma_de_xuat"]
    ids: dict[str, list[tuple[datetime, str, set[str]]]] = defaultdict(list)
    for f in files:
        if not f.refused and f.code:
            own = {str(row[column]).strip().upper() for row in f.rows.get("needs", ()) if row[column]}
            ids[f.code].append((f.received, f.name, own))
    for f in files:
        if f.refused or not f.code or not any(x.rule == "linked-proposal-missing" for x in f.findings):
            continue
        earlier = set().union(*(own for received, name, own in ids[f.code] if (received, name) < (f.received, f.name)))
        f.findings = answered_elsewhere(f.findings, earlier)



def _under(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True


def _ledger_times(ctrl, files: list[SourceFile]) -> None:
    """Give each file the received time the ledger recorded for its content (status uses the same)."""
    from .ledger import Ledger

    where = ledger_path(ctrl.path)
    if not where.exists():
        return
    with Ledger(where) as ledger:
        for f in files:
            known = ledger.known(f.sha256) if f.sha256 else None
            if known is not None:
                f.received = known.received_at


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
    except BadPeriod:
        raise ConsolidationError(f"Kỳ báo cáo \"{text}\" không đúng dạng 2026-H1, 2026-H2 hoặc 2026.",
                                 f"Period \"{text}\" is not of the form 2026-H1, 2026-H2 or 2026.") from None


def open_control(path):
    """The control workbook, read; :raises ConsolidationError: when it is unusable."""
    from .control import read_or_explain

    try:
        return read_or_explain(path)
    except Refusal as refusal:
        raise ConsolidationError(refusal.message_vi, refusal.message_en) from None


def attribute(f: SourceFile) -> None:
    """Set the province a file's code meant for its period, and the province that is now."""
    parsed = f.parsed_period
    if not f.refused and parsed is not None and f.code:
        f.original = province(f.code, parsed.end)
        f.current = current_province(f.code, parsed.end) if f.original else None


def file_status(f: SourceFile, due: date | None) -> str:
    """Không hợp lệ (errors), Nộp muộn (valid, received after the due date) or Hợp lệ, as a status key."""
    from .status import submission_status

    return submission_status("valid" if f.valid else "invalid", f.received, due)


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
        entries[(code, period_text)] = Entry(period_text, latest.original, latest.current, file=latest,
                                             superseded=group[:-1])
    extra = []
    for f in loose:
        f.role = COUNTED
        extra.append(Entry(f.period, f.original, f.current, code_written=f.code, file=f,
                           notes=[("unattributed", {})]))

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
        e.notes.insert(0, ("merged", {"old": f"{e.original.code} {e.original.short}",
                                      "new": f"{e.current.code} {e.current.short}"}))
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


def sum_usd(values: Iterable[Any]) -> float:
    """The sum of the numbers among `values` (text kept as found is left out), to the cent."""
    return round(math.fsum(v for v in values if type(v) is float or type(v) is int), 2)


# --- resubmissions, duplicates, changes ------------------------------------------------------------

def as_mapping(table: schema.Table, f: SourceFile, row: tuple) -> dict[str, Any]:
    """A merged row as a mapping by column key, with its provenance (for diffs)."""
    record = {c.key: row[i] for i, c in enumerate(table.columns)}
    record.update(ma_tinh_hien_hanh=f.current.code if f.current else f.code, ky_bao_cao=f.period,
                  tep_nguon=f.name, dong_nguon=row[SOURCE_ROW],
                  _scope=(f.original.code if f.original else f.code, f.period))
    return record


def _resubmissions(entries: list[Entry]) -> list[Resubmission]:
    from .changes import diff_rows

    out = []
    for e in entries:
        for earlier in e.superseded:
            changes = []
            for table in schema.TABLES:
                old = [as_mapping(table, earlier, row) for row in earlier.rows.get(table.key, ())]
                new = [as_mapping(table, e.file, row) for row in e.file.rows.get(table.key, ())]
                changes += diff_rows(table, old, new)
            out.append(Resubmission(earlier, e.file, changes))
    return out


def register_rows(result: ConsolidationResult) -> list[tuple[SourceFile, tuple]]:
    """The merged REGISTER rows, in output order (what duplicate pairs index)."""
    return list(result.rows("register"))


def candidates(result: ConsolidationResult) -> list:
    """What the duplicate search needs of each merged REGISTER row, in output order."""
    from .duplicates import Candidate

    r = INDEX["register"]
    donor, title, decision, decided = r["nha_tai_tro"], r["ten_vi"], r["so_qd"], r["ngay_qd"]
    out = []
    for f, row in result.rows("register"):
        out.append(Candidate(
            province=f.original.code if f.original else (f.code or f.name), period=f.period or "",
            donor=_text(row[donor]), title=_text(row[title]), decision=_text(row[decision]),
            decision_date=row[decided] if type(row[decided]) is date else None))
    return out


def _text(value) -> str | None:
    return value if isinstance(value, str) and value else None


def _changes_since(old: dict[str, list[dict]], result: ConsolidationResult) -> list[Change]:
    from .changes import diff_rows

    changes = []
    for table in schema.TABLES:
        new = [as_mapping(table, f, row) for f, row in result.rows(table.key)]
        changes += diff_rows(table, old.get(table.key, []), new)
    return changes
