"""What a consolidation found, as data: the files read, the overview entries, and the aggregations
the consolidated workbook, the figures and the catalogue show.

Kết quả tổng hợp: các tệp đã đọc, các dòng tổng quan và số liệu gộp.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from .. import schema
from ..errors import AidkitError
from ..findings import ERROR, WARNING, Finding, Refusal
from ..folders import Skipped
from ..periods import BadPeriod, Period
from ..schema import Province, submission_status
from .changes import Change
from .duplicates import fold as donor_key  # cached: donors repeat

COUNTED, SUPERSEDED, REFUSED, OTHER_PERIOD = "counted", "superseded", "refused", "other-period"
ROLE_LABEL = {
    COUNTED: "Được tính / Counted",
    SUPERSEDED: "Bị thay thế / Superseded",
    REFUSED: "Bị từ chối / Refused",
    OTHER_PERIOD: "Khác kỳ / Other period",
}
NOTES = {
    "merged": ("Sáp nhập 2025: {old} → {new}", "2025 merger: {old} → {new}"),
    "not-member": ("Không thuộc danh sách thành viên cụm", "Not a member of the cluster"),
    "unattributed": ("Không xác định được tỉnh hoặc kỳ báo cáo", "Province or period could not be determined"),
    "superseded": ("{n} tệp nộp trước bị thay thế", "{n} earlier file(s) superseded"),
    "no-due-date": ("Lịch nộp chưa có hạn cho kỳ này", "The schedule has no due date for this period"),
}
INDEX = {t.key: {c.key: i for i, c in enumerate(t.columns)} for t in schema.TABLES}
#: A row tuple of SourceFile.rows holds the values in schema column order, then these two:
SOURCE_ROW = -2  # the row number in the source sheet
ROW_ERRORS = -1  # the number of errors found on that row
UNKNOWN_SECTOR = "(chưa rõ / unknown)"
#: The blocks of the by-sector pivot: register rows, approved USD, needs rows, requested USD.
PIVOT_KEYS = ("approved_usd", "register_count", "requested_usd", "needs_count")


class ConsolidationError(AidkitError):
    """The consolidation cannot run: a missing folder, a bad period, an unusable control or previous workbook."""


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
        return (self.period or "", self.code or "~", self.original_code or "~", self.file.name if self.file else "")

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
    duplicates: list = field(default_factory=list)  # duplicates.DuplicateMember over `register_rows()`
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

    def duplicate_groups(self) -> int:
        """How many groups of possible duplicates there are."""
        return len({m.group for m in self.duplicates})

    def totals(self) -> list[dict[str, Any]]:
        """Cluster totals per period."""
        out = []
        periods = sorted({e.period for e in self.entries if e.period})
        for p in periods:
            entries = [e for e in self.entries if e.period == p]
            statuses = {k: sum(1 for e in entries if e.status == k) for k in schema.SUBMISSION_STATUSES}
            out.append(
                {
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
                }
            )
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
            "duplicates": self.duplicate_groups(),
            "duplicate_rows": len(self.duplicates),
            "resubmissions": [
                {"earlier": r.earlier.name, "latest": r.latest.name, **summary(r.changes)} for r in self.resubmissions
            ],
            "changes": None if self.changes is None else {"previous": str(self.previous), **summary(self.changes)},
        }

    def to_text(self) -> str:
        """A short bilingual summary for a terminal, Vietnamese first."""
        from .changes import summary

        counted = len(self.counted)
        superseded = sum(1 for f in self.files if f.role == SUPERSEDED)
        lines = [
            f"Tổng hợp / Consolidated: {self.output}",
            f"  {len(self.files)} tệp / files: {counted} được tính / counted, {superseded} bị thay thế / "
            f"superseded, {len(self.refused)} bị từ chối / refused",
        ]
        if self.entries:
            lines.append("")
            lines.append(
                f"  {'Kỳ':<8} {'Tỉnh / Province':<34} {'Trạng thái / Status':<22} {'N.cầu':>6} "
                f"{'Dự án':>6} {'USD đề nghị':>14} {'USD phê duyệt':>14} {'Lỗi':>5} {'C.báo':>5}"
            )
            lines.append(
                f"  {'Period':<8} {'':<34} {'':<22} {'needs':>6} {'proj.':>6} {'USD requested':>14} "
                f"{'USD approved':>14} {'err.':>5} {'warn.':>5}"
            )
        for e in self.entries:
            who = f"{e.code or '??'} {e.current.short if e.current else ''}"
            if e.original and e.current and e.original != e.current:
                who += f" ← {e.original.code} {e.original.short}"
            status = f"{schema.SUBMISSION_STATUSES[e.status]} / {schema.SUBMISSION_STATUSES_EN[e.status]}"
            if e.file is None:
                lines.append(f"  {e.period or '?':<8} {who:<34} {status:<22} {'—':>6}")
                continue
            lines.append(
                f"  {e.period or '?':<8} {who:<34} {status:<22} {e.needs:>6} {e.register:>6} "
                f"{_usd(e.usd_requested):>14} {_usd(e.usd_approved):>14} {e.errors:>5} {e.warnings:>5}"
            )
        for t in self.totals():
            valid = f"{t['valid'] + t['late']}/{t['provinces']} hợp lệ / valid"
            lines.append(
                f"  {t['period']:<8} {'Tổng cụm / Cluster total':<34} {valid:<22} {t['needs']:>6} "
                f"{t['register']:>6} {_usd(t['usd_requested']):>14} {_usd(t['usd_approved']):>14}"
            )
        for f in self.refused:
            why = f.as_refusal()
            lines += ["", f"✘ {f.name}", f"  {why.vi}", f"  {why.en}"]
        for skipped in self.skipped:
            why = skipped.as_refusal()
            lines += ["", f"· {skipped.name}", f"  {why.vi}", f"  {why.en}"]
        lines.append("")
        lines.append(
            f"Trùng lặp có thể / possible duplicates: {self.duplicate_groups()} nhóm / groups, "
            f"{len(self.duplicates)} dòng / rows"
        )
        for r in self.resubmissions:
            s = summary(r.changes)
            lines.append(
                f"Nộp lại / resubmitted: {r.latest.name} thay / replaces {r.earlier.name}: "
                f"+{s['added']} −{s['removed']} ~{s['changed']}"
            )
        if self.changes is not None:
            s = summary(self.changes)
            lines.append(
                f"Thay đổi so với lần trước / changes since the previous consolidation: "
                f"+{s['added']} mới/new, −{s['removed']} xóa/removed, ~{s['changed']} sửa/changed"
            )
            carried = [s.get(k, 0) for k in ("carried-updated", "carried-unchanged", "carried-gone")]
            if any(carried):
                lines.append(
                    f"Dòng chuyển tiếp từ kỳ trước / carried rows: {carried[0]} đã cập nhật/updated, "
                    f"{carried[1]} để nguyên/left as they were (nên hỏi lại/worth a question), "
                    f"{carried[2]} biến mất/gone without being finished"
                )
        return "\n".join(lines)


def _usd(amount: float) -> str:
    """Whole US dollars as the Vietnamese headings read them: 3.790.440."""
    from ..numbers import format_number

    return format_number(round(amount), "vi")


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


def file_status(f: SourceFile, due: date | None) -> str:
    """Không hợp lệ (errors), Nộp muộn (valid, received after the due date) or Hợp lệ, as a status key."""
    return submission_status("valid" if f.valid else "invalid", f.received, due)


def sum_usd(values: Iterable[Any]) -> float:
    """The sum of the numbers among `values` (text kept as found is left out), to the cent."""
    return round(math.fsum(v for v in values if type(v) is float or type(v) is int), 2)


def register_rows(result: ConsolidationResult) -> list[tuple[SourceFile, tuple]]:
    """The merged REGISTER rows, in output order (what duplicate pairs index)."""
    return list(result.rows("register"))


# --- aggregations ---------------------------------------------------------------------------------------


def _province_key(f: SourceFile) -> tuple[str, str]:
    if f.current is not None:
        return f.current.code, f"{f.current.code} {f.current.short}"
    return f"?{f.code or ''}", f"? {f.code or f.name}"


def sector_pivots(result: ConsolidationResult):
    """Per period: (period, [(province key, label)], [sector labels], {block: {(sector, province): value}})."""
    known = [s.vi for s in schema.sectors()]
    known_set = set(known)
    n, r = INDEX["needs"], INDEX["register"]
    by_period: dict[str, list[SourceFile]] = defaultdict(list)
    for f in result.counted:
        by_period[f.period or "?"].append(f)
    out = []
    for period in sorted(by_period):
        files = by_period[period]
        provinces = sorted({_province_key(f) for f in files})
        blocks: dict[str, dict] = {key: defaultdict(float) for key in PIVOT_KEYS}
        seen = set()
        for f in files:
            code = _province_key(f)[0]
            for row in f.rows.get("register", ()):
                sector = row[r["linh_vuc"]] if row[r["linh_vuc"]] in known_set else UNKNOWN_SECTOR
                seen.add(sector)
                blocks["register_count"][(sector, code)] += 1
                usd = row[r["gia_tri_usd"]]
                if row[r["trang_thai"]] in schema.APPROVED_STATUSES and type(usd) is float:
                    blocks["approved_usd"][(sector, code)] += usd
            for row in f.rows.get("needs", ()):
                sector = row[n["linh_vuc"]] if row[n["linh_vuc"]] in known_set else UNKNOWN_SECTOR
                seen.add(sector)
                blocks["needs_count"][(sector, code)] += 1
                usd = row[n["de_nghi_tai_tro_usd"]]
                if type(usd) is float:
                    blocks["requested_usd"][(sector, code)] += usd
        sectors = known + ([UNKNOWN_SECTOR] if UNKNOWN_SECTOR in seen else [])
        out.append((period, provinces, sectors, blocks))
    return out


def donor_rows(result: ConsolidationResult) -> list[tuple]:
    """One row per (period, donor): projects, USD, approved USD, provinces, country."""
    r = INDEX["register"]
    groups: dict[tuple[str, str], dict] = {}
    for f, row in result.rows("register"):
        donor = row[r["nha_tai_tro"]]
        if not isinstance(donor, str) or not donor:
            continue
        key = (f.period or "", donor_key(donor))
        g = groups.get(key)
        if g is None:
            g = groups[key] = {
                "names": Counter(),
                "countries": Counter(),
                "n": 0,
                "usd": 0.0,
                "approved": 0.0,
                "provinces": set(),
            }
        g["names"][donor] += 1
        if row[r["quoc_gia"]]:
            g["countries"][row[r["quoc_gia"]]] += 1
        g["n"] += 1
        usd = row[r["gia_tri_usd"]]
        if type(usd) is float:
            g["usd"] += usd
            if row[r["trang_thai"]] in schema.APPROVED_STATUSES:
                g["approved"] += usd
        g["provinces"].add(_province_key(f)[1])
    out = []
    for (period, _), g in groups.items():
        name = max(g["names"].items(), key=lambda kv: kv[1])[0]  # most used; a tie goes to the first seen
        countries = sorted(g["countries"].items(), key=lambda kv: (-kv[1], str(kv[0])))
        out.append(
            (
                period or None,
                name,
                "; ".join(str(c) for c, _ in countries) or None,
                g["n"],
                round(g["usd"], 2),
                round(g["approved"], 2),
                len(g["provinces"]),
                "; ".join(sorted(g["provinces"])),
            )
        )
    out.sort(key=lambda t: (t[0] or "", -t[4], t[1]))
    return out
