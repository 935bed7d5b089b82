"""Rendering mail: jinja2 templates → message.OutgoingMessage. Pure: no network, no files written.

Soạn thư từ mẫu jinja2 (tiếng Việt trước, tiếng Anh sau).

Every message kind has three templates in ``templates/`` (shipped as the
package ``toolkit.templates``): ``<kind>.subject.j2``, ``<kind>.html.j2`` and
``<kind>.txt.j2``. HTML templates are autoescaped, because workbook text
(province names, file names, finding values) is untrusted; subjects are
collapsed to one line and stripped of control characters, and
``message.build_message`` refuses any header that would still carry a line
break. Undefined template variables are errors, not blanks.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Any, Iterable, Sequence

from ..clock import vn_date, vn_moment
from ..findings import ERROR, WARNING, Finding
from ..numbers import format_number
from ..provinces import province as find_province
from ..values import is_email
from .message import OutgoingMessage

KINDS = (
    "reminder_before",
    "reminder_after",
    "escalation",
    "acknowledgement",
    "report",
    "collect_reply",
    "collect_alert",
    "call_for_reports",
)
FINDINGS_LISTED = 25  # a message lists at most this many findings of each severity; the attachment has all


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


@dataclass(frozen=True)
class Cluster:
    """Who writes: the cluster's name, the sender's display name, the cluster lead's address; the English
    names (`Tên cụm (tiếng Anh)`, `Tên người gửi (tiếng Anh)`, else the Vietnamese ones); and the moment
    the messages are dated (a run for a given `--now`; None: the moment they are sent)."""

    name: str
    sender_name: str = ""
    lead_email: str = ""
    name_en: str = ""
    sender_name_en: str = ""
    dated: datetime | None = None

    @classmethod
    def from_control(cls, control, dated: datetime | None = None) -> Cluster:
        values = control.values
        sender = str(values.get("ten_nguoi_gui") or "")
        return cls(
            control.cluster,
            sender,
            control.lead_email,
            str(values.get("ten_cum_en") or control.cluster),
            str(values.get("ten_nguoi_gui_en") or sender),
            dated,
        )


@cache
def environment():
    """The jinja2 environment over the packaged templates."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("toolkit.templates", "."),
        autoescape=jinja2.select_autoescape(
            enabled_extensions=("html.j2", "html"), default=False, default_for_string=True
        ),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["vn_date"] = vn_date
    env.filters["vn_moment"] = vn_moment
    env.filters["number"] = number
    env.filters["number_en"] = number_en
    env.filters["en_date"] = en_date
    env.filters["en_moment"] = en_moment
    env.filters["latin"] = latin
    env.filters["count_en"] = count_en
    return env


def number(value: Any, decimals: int = 0) -> str:
    """1234567.5 → 1.234.568 (Vietnamese grouping with dots)."""
    return format_number(value, "vi", decimals)


def number_en(value: Any, decimals: int = 0) -> str:
    """1234567.5 → 1,234,568 (English grouping with commas)."""
    return format_number(value, "en", decimals)


def en_date(day: date | None) -> str:
    """15 July 2026."""
    return "" if day is None else f"{day.day} {day:%B %Y}"


def en_moment(moment: datetime | None) -> str:
    """15 July 2026, 22:30."""
    return "" if moment is None else f"{en_date(moment)}, {moment:%H:%M}"


def latin(text: str) -> str:
    """A Vietnamese place name as English writes it: no diacritics, spaces kept (Vĩnh Long → Vinh Long)."""
    decomposed = unicodedata.normalize("NFD", str(text).replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def count_en(n: int, word: str) -> str:
    """2, "error" → "2 errors"; 1 → "1 error"; 0 → "no errors"."""
    return f"{'no' if n == 0 else n} {word}{'' if n == 1 else 's'}"


def salutation(title: str, person: str, code: str, name: str, day: date | None) -> tuple[str, str]:
    """Who a message is addressed to, (Vietnamese, English): "Ông Nguyễn Văn Khoa" / "Mr Nguyễn Văn Khoa"
    when the members sheet gives the focal person's Danh xưng, else the office's full name."""
    found = find_province(code, day or date.today()) if code else None
    where = (found.name[0].lower() + found.name[1:]) if found else f"tỉnh {name}".strip()
    office = f"Liên hiệp các tổ chức hữu nghị {where}"
    word = unicodedata.normalize("NFC", title or "").strip().lower()
    if person and word in ("ông", "bà"):
        return f"{word.capitalize()} {person}, {office}", f"{'Mr' if word == 'ông' else 'Ms'} {person}"
    kind = "City" if where.startswith("thành phố") else "Province"
    short = latin(found.short if found else name)
    return office, f"colleagues of the Union of Friendship Organizations of {short} {kind}"


QUIET_RULES = frozenset({"header-not-first-row"})  # an office's own form above the header is fine: not in mail


def single_line(text: str) -> str:
    """Collapse every kind of line break and whitespace run to one space; drop control characters."""
    text = "".join(" " if unicodedata.category(c) in ("Cc", "Zl", "Zp") else c for c in text)
    return " ".join(text.split())


def fill_templates(kind: str, context: dict[str, Any]) -> Rendered:
    """The subject, text and HTML of message kind `kind`, from its three jinja2 templates."""
    if kind not in KINDS:
        raise ValueError(f"unknown message kind {kind!r}; known: {', '.join(KINDS)}")
    env = environment()
    return Rendered(
        single_line(env.get_template(f"{kind}.subject.j2").render(context)),
        env.get_template(f"{kind}.txt.j2").render(context),
        env.get_template(f"{kind}.html.j2").render(context),
    )


def recipients(*groups: Iterable[str] | str | None) -> tuple[list[str], list[str]]:
    """Usable addresses in order, without duplicates (case-insensitive), and the unusable ones.

    Workbook addresses are untrusted: anything that is not a plain ``name@domain.tld`` is set aside
    (and reported by the caller) rather than handed to the SMTP module.
    """
    kept: list[str] = []
    dropped: list[str] = []
    seen: set[str] = set()
    for group in groups:
        if not group:
            continue
        for raw in [group] if isinstance(group, str) else group:
            address = str(raw or "").strip()
            if not address:
                continue
            if not is_email(address):
                dropped.append(address)
            elif address.lower() not in seen:
                seen.add(address.lower())
                kept.append(address)
    return kept, dropped


def compose(
    kind: str,
    context: dict[str, Any],
    to: list[str],
    cc: Sequence[str] = (),
    attachments: Sequence[tuple[str, bytes]] = (),
    *,
    period: str = "",
    province: str = "",
) -> OutgoingMessage:
    """Render a kind and wrap it as a message (with Auto-Submitted and X-Aidkit-* headers)."""
    rendered = fill_templates(kind, context)
    headers = {"Auto-Submitted": "auto-generated", "X-Aidkit-Kind": kind}
    if period:
        headers["X-Aidkit-Period"] = single_line(period)
    if province:
        headers["X-Aidkit-Province"] = single_line(province)
    cluster = context.get("cluster")
    return OutgoingMessage(
        to=list(to),
        cc=[a for a in cc if a.lower() not in {t.lower() for t in to}],
        subject=rendered.subject,
        text=rendered.text,
        html=rendered.html,
        attachments=list(attachments),
        headers=headers,
        dated=cluster.dated if isinstance(cluster, Cluster) else None,
    )


def finding_items(
    findings: Iterable[Finding], severity: str = ERROR, limit: int = FINDINGS_LISTED
) -> tuple[list[dict[str, str]], int]:
    """The findings of one severity as template items (at most `limit`), and how many were left out."""
    chosen = [f for f in findings if f.severity == severity]
    items = []
    for f in chosen[:limit]:
        where = " › ".join(x for x in (f.sheet, f.cell) if x)
        items.append(
            {
                "where": where,
                "rule": f.rule,
                "message_vi": f.message_vi,
                "message_en": f.message_en,
                "suggestion": f.suggestion or "",
            }
        )
    return items, max(0, len(chosen) - limit)


# --- the messages -------------------------------------------------------------------------


def reminder_message(
    kind: str,
    cluster: Cluster,
    period: str,
    due: date,
    today: date,
    province,
    *,
    findings: Sequence[Finding] = (),
    attachment: tuple[str, bytes] | None = None,
) -> OutgoingMessage:
    """A reminder to one province (kind reminder_before, on and before the due date, or reminder_after).

    :param province: a status.ProvinceStatus whose state is missing or invalid.
    """
    errors, more = finding_items(findings, ERROR)
    s = province.submission
    to, _ = recipients(province.email)
    cc, _ = recipients(province.cc, s.sender if s is not None and province.state == "invalid" else None)
    context = {
        "cluster": cluster,
        "period": period,
        "due": due,
        "today": today,
        "days_left": (due - today).days,
        "days_late": (today - due).days,
        "province": province,
        "greeting": salutation(province.title, province.focal, province.code, province.name, due),
        "submission": s,
        "errors": errors,
        "errors_more": more,
        "attached": attachment[0] if attachment else None,
    }
    return compose(
        kind,
        context,
        to or cc[:1],
        cc if to else cc[1:],
        [attachment] if attachment else [],
        period=period,
        province=province.code,
    )


KIND_WORDS = {
    "reminder_before": ("thư nhắc nộp", "reminder"),
    "reminder_after": ("thư nhắc quá hạn", "overdue reminder"),
    "escalation": ("thư tổng hợp cho trưởng cụm", "digest to the cluster lead"),
    "acknowledgement": ("xác nhận đã nhận", "receipt"),
    "report": ("báo cáo tổng hợp", "consolidated report"),
    "collect_reply": ("thư trả lời bài nộp", "reply to a submission"),
    "collect_alert": ("thư báo không đọc được hộp thư", "mailbox alert"),
    "call_for_reports": ("thư đề nghị báo cáo", "call for reports"),
}


def escalation_message(cluster: Cluster, period_status, unknown=(), aside=()) -> OutgoingMessage:
    """The digest to the cluster lead: who is still missing or invalid for a period.

    :param unknown: ledger.MessageRecord of this period whose sending was cut off (shown as "unknown").
    :param aside: ledger.MailRecord of mail from non-members that `collect` kept aside.
    """
    context = {
        "cluster": cluster,
        "period": period_status.period,
        "due": period_status.due,
        "today": period_status.today,
        "days_late": -period_status.days_to_due,
        "outstanding": period_status.outstanding,
        "provinces": period_status.provinces,
        "counts": period_status.counts(),
        "unknown": list(unknown),
        "kinds": KIND_WORDS,
        "aside": list(aside),
    }
    to, _ = recipients(cluster.lead_email)
    return compose("escalation", context, to, period=period_status.period)


def acknowledgement_message(
    cluster: Cluster,
    submission,
    *,
    state: str | None,
    province_name: str,
    due: date | None,
    findings: Sequence[Finding] = (),
    to: list[str],
    cc: Sequence[str] = (),
    refusal: tuple[str, str] | None = None,
    attachment: tuple[str, bytes] | None = None,
    preparer: str | None = None,
    focal: str = "",
    title: str = "",
) -> OutgoingMessage:
    """The receipt for one submission.

    :param state: valid | late | invalid (None when the file could not be read)
    :param refusal: (Vietnamese, English) reason when the file could not be read
    :param preparer: the Info sheet's Người lập, who the receipt greets by `title` when they are the
        member's `focal` person (else the office is greeted)
    """
    from .. import schema
    from ..text import fold

    person = preparer or focal
    known = title if person and fold(person) == fold(focal or "") else ""
    quiet = sum(1 for f in findings if f.rule in QUIET_RULES and f.severity == WARNING)
    findings = [f for f in findings if f.rule not in QUIET_RULES]
    errors, errors_more = finding_items(findings, ERROR)
    warnings, warnings_more = finding_items(findings, WARNING, limit=10)
    context = {
        "cluster": cluster,
        "submission": submission,
        "state": state,
        "greeting": salutation(known, person, submission.province or "", province_name, due),
        "warnings_count": max(0, (submission.warnings or 0) - quiet),
        "word": schema.SUBMISSION_STATUSES.get(state or "", ""),
        "word_en": schema.SUBMISSION_STATUSES_EN.get(state or "", ""),
        "province_name": province_name,
        "preparer": preparer or "",
        "due": due,
        "errors": errors,
        "errors_more": errors_more,
        "warnings": warnings,
        "warnings_more": warnings_more,
        "refusal": refusal,
        "attached": attachment[0] if attachment else None,
    }
    return compose(
        "acknowledgement",
        context,
        to,
        cc,
        [attachment] if attachment else [],
        period=submission.period or "",
        province=submission.province or "",
    )


def report_message(
    cluster: Cluster,
    period: str,
    due: date | None,
    rows: list[dict[str, Any]],
    totals: dict[str, Any],
    to: list[str],
    *,
    cc: Sequence[str] = (),
    attachments: Sequence[tuple[str, bytes]] = (),
    notes: Sequence[tuple[str, str]] = (),
    draft: bool = False,
) -> OutgoingMessage:
    """The consolidated report: one line per province (four columns, for a phone), the cluster's figures,
    the workbook and the review.

    :param rows: one dict per province, keyed like `send_report.overview` (name, status_vi, status_en,
        state, usd_open_needs, usd_approved; a figure is "—" when the province sent nothing)
    :param totals: the cluster's figures, keyed the same way (status_vi, status_en: how many are valid)
    :param attachments: (file name, content) of each attached file, named in the text
    :param notes: extra (Vietnamese, English) lines, e.g. provinces left out of the consolidation
    :param draft: the review report is the unedited draft: the subject says "Dự thảo" (the body says so in a note)
    """
    context = {
        "cluster": cluster,
        "period": period,
        "due": due,
        "rows": rows,
        "totals": totals,
        "draft": draft,
        "notes": list(notes),
        "attached": ", ".join(name for name, _ in attachments),
    }
    return compose("report", context, to, cc, list(attachments), period=period)


def collect_reply_message(
    cluster: Cluster,
    mail,
    province_name: str,
    reasons: Sequence[tuple[str, str]] = (),
    focal: str = "",
    title: str = "",
) -> OutgoingMessage:
    """The one reply to a member's e-mail that brought no usable workbook (threaded under it).

    :param mail: a ledger.MailRecord whose outcome is no-workbook, zip, encrypted, unreadable or too-large.
    :param reasons: (Vietnamese, English) of why each attached workbook could not be read.
    :param focal: the member's focal person and `title` (Danh xưng), who the reply greets.
    """
    greeting = salutation(title, focal, mail.province or "", province_name, mail.received_at.date())
    context = {
        "cluster": cluster,
        "mail": mail,
        "province_name": province_name,
        "reasons": list(reasons),
        "greeting": greeting,
    }
    message = compose("collect_reply", context, [mail.sender], province=mail.province)
    reference = single_line(mail.message_id)
    if reference.startswith("<") and reference.endswith(">") and len(reference) < 500:
        message.headers.update({"In-Reply-To": reference, "References": reference})
    return message


def collect_alert_message(cluster: Cluster, mailbox: str, since, error_vi: str, error_en: str) -> OutgoingMessage:
    """To the cluster lead, once per outage: the submissions mailbox cannot be read (since when, and why)."""
    context = {"cluster": cluster, "mailbox": mailbox, "since": since, "error_vi": error_vi, "error_en": error_en}
    to, _ = recipients(cluster.lead_email)
    return compose("collect_alert", context, to)
