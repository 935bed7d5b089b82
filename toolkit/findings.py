"""The finding and the per-file report: the product, rendered many ways."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from . import sentences as messages
from .errors import AidkitError

ERROR, WARNING, INFO = "error", "warning", "info"
SEVERITY_RANK = {ERROR: 0, WARNING: 1, INFO: 2}
#: Severity words people read; not "Thông tin" for info: that is the Info sheet's name.
SEVERITY_VI = {ERROR: "Lỗi", WARNING: "Cảnh báo", INFO: "Lưu ý"}
SEVERITY_MARK = {ERROR: "✘", WARNING: "!", INFO: "·"}


@dataclass(frozen=True)
class Finding:
    """One thing a person should look at, pointing to a sheet and cell where there is one."""

    rule: str
    severity: str
    sheet: str = ""
    cell: str = ""
    row: int | None = None
    column: str = ""  # the column key (or Info field key)
    value: Any = None
    params: tuple[tuple[str, Any], ...] = ()
    suggestion: str = ""

    @property
    def message_vi(self) -> str:
        return messages.render(self.rule, "vi", self._context())

    @property
    def message_en(self) -> str:
        return messages.render(self.rule, "en", self._context())

    def _context(self) -> dict[str, Any]:
        return {"value": display(self.value), "sheet": self.sheet, "cell": self.cell, **dict(self.params)}

    def to_dict(self) -> dict[str, Any]:
        return {
            "severity": self.severity,
            "rule": self.rule,
            "sheet": self.sheet,
            "cell": self.cell,
            "row": self.row,
            "column": self.column,
            "value": display(self.value),
            "message_vi": self.message_vi,
            "message_en": self.message_en,
            "suggestion": self.suggestion,
        }

    def to_row(self, headers: dict[tuple[str, str], str] | None = None) -> list[Any]:
        """The row written to a Findings sheet; the column as its header reads in the file (`headers`)."""
        column = (
            (headers or {}).get((self.sheet, self.column)) or header_of(self.column, self.sheet) if self.column else ""
        )
        return [
            SEVERITY_VI[self.severity],
            self.rule,
            self.sheet,
            self.cell,
            column,
            display(self.value),
            self.message_vi,
            self.message_en,
            self.suggestion,
        ]


FINDING_HEADERS = (
    ("Mức độ", "Severity"),
    ("Mã quy tắc", "Rule"),
    ("Trang tính", "Sheet"),
    ("Ô", "Cell"),
    ("Cột", "Column"),
    ("Giá trị", "Value"),
    ("Nội dung (tiếng Việt)", "Message (Vietnamese)"),
    ("Nội dung (tiếng Anh)", "Message (English)"),
    ("Gợi ý", "Suggestion"),
)
#: Column widths of a Findings sheet: every header reads whole; the messages wrap.
FINDING_WIDTHS = (20, 26, 20, 10, 28, 24, 70, 70, 28)
WRAPPED_COLUMNS = (6, 7, 8, 9)  # 1-based: the value, both messages and the suggestion


def header_of(key: str, sheet: str = "") -> str:
    """The standard's Vietnamese header (or Info label) of a column key, in the table of `sheet` first."""
    from . import schema

    for table in sorted(schema.TABLES, key=lambda t: sheet not in (t.sheet.vi, t.sheet.en)):
        for column in table.columns:
            if column.key == key:
                return column.vi
    field_ = schema.INFO_BY_KEY.get(key)
    return field_.vi if field_ else key


def finding(rule: str, severity: str, *, suggestion: str = "", **where_and_params: Any) -> Finding:
    """Build a Finding; keyword arguments that are not location fields become message params."""
    location = {
        k: where_and_params.pop(k) for k in ("sheet", "cell", "row", "column", "value") if k in where_and_params
    }
    return Finding(rule, severity, params=tuple(sorted(where_and_params.items())), suggestion=suggestion, **location)


def display(value: Any) -> Any:
    """A JSON-friendly form of a value as found."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


@dataclass(eq=False)
class Refusal(AidkitError):
    """A file that could not be read as a workbook at all (or an output that must not be written)."""

    path: str
    reason: str  # a rule code of sentences.py, e.g. "file-password-protected"
    detail: str = ""
    detail_en: str = ""  # the detail in English, when it is a sentence (else `detail` serves both)

    # vi and en are computed from the reason: AidkitError.__init__, their only writer, is not called by this dataclass
    @property
    def vi(self) -> str:  # type: ignore[override]
        return messages.render(self.reason, "vi", {"file": self.path, "detail": self.detail})

    @property
    def en(self) -> str:  # type: ignore[override]
        return messages.render(self.reason, "en", {"file": self.path, "detail": self.detail_en or self.detail})

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.path, "refused": True, "reason": self.reason, "message_vi": self.vi, "message_en": self.en}

    def __str__(self) -> str:
        return f"{self.vi} / {self.en}"

    def to_text(self) -> str:
        """A readable bilingual block for a terminal, as Report.to_text."""
        return f"✘ {self.path}\n  {self.vi}\n  {self.en}"


@dataclass
class Report:
    """Everything found in one workbook, in a stable order."""

    path: str
    findings: list[Finding] = field(default_factory=list)
    province: str | None = None
    period: str | None = None
    headers: dict[tuple[str, str], str] = field(default_factory=dict)  # (sheet, column key) → header as found
    preparer: str | None = None  # Người lập of the Info sheet

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == WARNING]

    @property
    def valid(self) -> bool:
        return not self.errors

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.path,
            "valid": self.valid,
            "province": self.province,
            "period": self.period,
            "findings": [f.to_dict() for f in self.findings],
        }

    def to_text(self, show_info: bool = True) -> str:
        """A readable bilingual block for a terminal or a log, Vietnamese first."""
        head = "✔ Hợp lệ / Valid" if self.valid else "✘ Không hợp lệ / Invalid"
        where = ", ".join(x for x in (self.province, self.period) if x)
        lines = [
            f"{head}: {self.path}" + (f" ({where})" if where else ""),
            f"  {len(self.errors)} lỗi / errors, {len(self.warnings)} cảnh báo / warnings",
        ]
        for f in self.findings:
            if f.severity == INFO and not show_info:
                continue
            place = f"{f.sheet}!{f.cell}" if f.cell else f.sheet or "—"
            lines.append(f"  {SEVERITY_MARK[f.severity]} {SEVERITY_VI[f.severity]:<9} {place:<24} [{f.rule}]")
            lines.append(f"      {f.message_vi}")
            lines.append(f"      {f.message_en}")
            if f.suggestion:
                lines.append(f"      → Gợi ý / Suggestion: {f.suggestion}")
        return "\n".join(lines)

    def flatten(self) -> list[tuple[str, str, str]]:
        """(rule, sheet, cell) triples, handy for comparisons."""
        return [(f.rule, f.sheet, f.cell) for f in self.findings]

    def to_record(self) -> dict[str, Any]:
        """Everything found, as JSON-ready data the ledger keeps; `from_record` rebuilds the same Report.

        Each finding keeps its rule, severity, place, value and params as found (typed: a date stays a
        date, a Decimal a Decimal), so its Vietnamese and English sentences are rendered from them as
        for a fresh check. The file's path is not kept: the archived copy may move with its ledger.
        """
        return {
            "province": self.province,
            "period": self.period,
            "preparer": self.preparer,
            "headers": [[sheet, key, header] for (sheet, key), header in self.headers.items()],
            "findings": [
                {
                    "rule": f.rule,
                    "severity": f.severity,
                    "sheet": f.sheet,
                    "cell": f.cell,
                    "row": f.row,
                    "column": f.column,
                    "value": _stored(f.value),
                    "params": [[k, _stored(v)] for k, v in f.params],
                    "suggestion": f.suggestion,
                }
                for f in self.findings
            ],
        }

    @classmethod
    def from_record(cls, record: dict[str, Any], path: str) -> Report:
        """The Report `to_record` kept, for the file at `path`."""
        findings = [
            Finding(
                f["rule"],
                f["severity"],
                f["sheet"],
                f["cell"],
                f["row"],
                f["column"],
                _restored(f["value"]),
                tuple((k, _restored(v)) for k, v in f["params"]),
                f["suggestion"],
            )
            for f in record["findings"]
        ]
        return cls(
            path,
            findings,
            province=record["province"],
            period=record["period"],
            headers={(sheet, key): header for sheet, key, header in record["headers"]},
            preparer=record["preparer"],
        )


#: Values JSON has no word for, kept as {"$": type, "v": text}; tuples and dicts too, so nothing is confused.
# name → (type, to JSON, from JSON)
_TYPED: dict[str, tuple[type, Callable[[Any], Any], Callable[[Any], Any]]] = {
    "datetime": (datetime, datetime.isoformat, datetime.fromisoformat),
    "date": (date, date.isoformat, date.fromisoformat),
    "time": (time, time.isoformat, time.fromisoformat),
    "timedelta": (timedelta, lambda t: [t.days, t.seconds, t.microseconds], lambda v: timedelta(*v)),
    "decimal": (Decimal, str, Decimal),
}


def _stored(value: Any) -> Any:
    """A finding's value or param as JSON-ready data that `_restored` turns back into an equal value."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, list):
        return [_stored(v) for v in value]
    if isinstance(value, tuple):
        return {"$": "tuple", "v": [_stored(v) for v in value]}
    if isinstance(value, dict):
        return {"$": "dict", "v": [[_stored(k), _stored(v)] for k, v in value.items()]}
    for name, (kind, out, _) in _TYPED.items():  # datetime before date: a datetime is a date
        if type(value) is kind:
            return {"$": name, "v": out(value)}
    raise TypeError(f"a finding's value of type {type(value).__name__} cannot be kept in the ledger")


def _restored(value: Any) -> Any:
    if isinstance(value, list):
        return [_restored(v) for v in value]
    if not isinstance(value, dict):
        return value
    if value["$"] == "tuple":
        return tuple(_restored(v) for v in value["v"])
    if value["$"] == "dict":
        return {_restored(k): _restored(v) for k, v in value["v"]}
    return _TYPED[value["$"]][2](value["v"])
