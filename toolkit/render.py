"""Plain-text views of reports for terminals and logs, Vietnamese first."""

from __future__ import annotations

from .findings import SEVERITY_VI, Refusal, Report

SEVERITY_MARK = {"error": "✘", "warning": "!", "info": "·"}


def report_text(report: Report | Refusal, show_info: bool = True) -> str:
    """A readable bilingual block for one file."""
    if isinstance(report, Refusal):
        return f"✘ {report.path}\n  {report.vi}\n  {report.en}"
    head = "✔ Hợp lệ / Valid" if report.valid else "✘ Không hợp lệ / Invalid"
    where = ", ".join(x for x in (report.province, report.period) if x)
    lines = [f"{head}: {report.path}" + (f" ({where})" if where else ""),
             f"  {len(report.errors)} lỗi / errors, {len(report.warnings)} cảnh báo / warnings"]
    for f in report.findings:
        if f.severity == "info" and not show_info:
            continue
        place = f"{f.sheet}!{f.cell}" if f.cell else f.sheet or "—"
        lines.append(f"  {SEVERITY_MARK[f.severity]} {SEVERITY_VI[f.severity]:<9} {place:<24} [{f.rule}]")
        lines.append(f"      {f.message_vi}")
        lines.append(f"      {f.message_en}")
        if f.suggestion:
            lines.append(f"      → Gợi ý / Suggestion: {f.suggestion}")
    return "\n".join(lines)
