"""toolkit.mail.compose: templates → messages (pure rendering; nothing is sent here)."""

from __future__ import annotations

import html
import re
from datetime import date, datetime

import jinja2
import pytest

from toolkit.findings import ERROR, WARNING, finding
from toolkit.ledger import Submission
from toolkit.mail import compose
from toolkit.mail.message import build_message
from toolkit.mail.settings import SmtpSettings
from toolkit.status import PeriodStatus, ProvinceStatus

CLUSTER = compose.Cluster("Cụm thi đua số 5", "Văn phòng Cụm 5", "truongcum5@example.vn")
CLUSTER_EN = compose.Cluster(
    "Cụm thi đua số 5", "Văn phòng Cụm 5", "truongcum5@example.vn", "Cluster 5 — Mekong Delta", "Cluster 5 Office"
)
SCRIPT = "<script>alert('x')</script>"
SETTINGS = SmtpSettings("smtp.example.vn", 25, "NONE", from_addr="vanphong@example.vn")
DUE = date(2026, 7, 15)


def submission(**kw) -> Submission:
    base = dict(
        id=1,
        sha256="a" * 64,
        file="86/bao-cao.xlsx",
        province="86",
        period="2026-H1",
        received_at=datetime(2026, 7, 10, 9, 30),
        status="invalid",
        errors=2,
        warnings=1,
        sender="nguoi.lap@lhhvinhlong.org.vn",
        archived="x",
        size=1,
    )
    return Submission(**{**base, **kw})


def province(state="invalid", name="Vĩnh Long", **kw) -> ProvinceStatus:
    s = kw.pop("submission", submission() if state == "invalid" else None)
    return ProvinceStatus(
        "86",
        name,
        kw.pop("focal", "Trần Thị Mai"),
        "lhh.vinhlong@example.vn",
        ("vanphong.vinhlong@example.vn",),
        state,
        s,
        1 if s else 0,
        kw.pop("title", ""),
    )


FINDINGS = [
    finding(
        "missing-value",
        ERROR,
        sheet="Nhu cầu tài trợ",
        cell="G4",
        column="dia_ban",
        header="Địa bàn",
        header_en="Location",
    ),
    finding("invalid-date", ERROR, sheet="Dự án PCPNN", cell="U3", value="31/02/2026"),
    finding("title-en-missing", WARNING, sheet="Nhu cầu tài trợ", cell="D5"),
]


def visible(markup: str) -> str:
    """The text a reader sees in an HTML body: tags removed, entities (&#34; for ") decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


def test_every_kind_has_its_three_templates_in_the_package():
    env = compose.environment()
    names = set(env.list_templates())
    for kind in compose.KINDS:
        assert {f"{kind}.subject.j2", f"{kind}.html.j2", f"{kind}.txt.j2"} <= names
    assert env.autoescape("reminder_before.html.j2") is True
    assert env.autoescape("reminder_before.txt.j2") is False
    assert env.autoescape("reminder_before.subject.j2") is False


def test_reminder_lists_errors_vietnamese_first_then_english():
    message = compose.reminder_message(
        "reminder_before",
        CLUSTER,
        "2026-H1",
        DUE,
        date(2026, 7, 12),
        province(),
        findings=FINDINGS,
        attachment=("bao-cao.kiem-tra.xlsx", b"PK"),
    )
    assert message.subject == (
        "Báo cáo kỳ 2026-H1 của Vĩnh Long chưa hợp lệ – hạn 15/07/2026 / 2026-H1 report has errors – due 15 July 2026"
    )
    assert message.to == ["lhh.vinhlong@example.vn"]
    assert message.cc == ["vanphong.vinhlong@example.vn", "nguoi.lap@lhhvinhlong.org.vn"]
    assert message.attachments == [("bao-cao.kiem-tra.xlsx", b"PK")]
    assert message.headers["X-Aidkit-Kind"] == "reminder_before"
    assert message.headers["Auto-Submitted"] == "auto-generated"
    for body in (message.text, visible(message.html)):
        vi = body.index('Ô bắt buộc "Địa bàn" đang trống.')
        en = body.index('Required cell "Location" is empty.')
        assert body.index("Kính gửi") < vi < body.index("Dear ") < en
        assert "Còn 3 ngày" in body and "due in 3 days, on 15 July 2026" in body
        assert "Nhu cầu tài trợ › G4" in body
        assert "bao-cao.kiem-tra.xlsx" in body
        assert "title-en-missing" not in body  # a reminder lists errors only


def test_missing_province_reminder_on_the_due_date_and_after():
    today = compose.reminder_message("reminder_before", CLUSTER, "2026-H1", DUE, DUE, province("missing"))
    assert today.subject == (
        "Nhắc nộp báo cáo kỳ 2026-H1 – Vĩnh Long – hạn nộp hôm nay / Reminder: 2026-H1 report due today"
    )
    assert "Hôm nay (15/07/2026) là hạn nộp" in today.text and today.attachments == []
    assert "trước hạn" not in today.text and "gửi trong hôm nay" in today.text  # the due day is today
    assert "before the due date" not in today.text and "send it today" in today.text
    assert today.cc == ["vanphong.vinhlong@example.vn"]
    late = compose.reminder_message("reminder_after", CLUSTER, "2026-H1", DUE, date(2026, 7, 18), province("missing"))
    assert late.subject == (
        "Quá hạn nộp báo cáo kỳ 2026-H1 – Vĩnh Long (quá hạn 3 ngày) / Overdue: 2026-H1 report (3 days late)"
    )
    assert "quá hạn nộp 3 ngày" in late.text and "3 days overdue" in late.text


def test_workbook_text_is_escaped_in_html():
    evil = province(name=SCRIPT, focal=f"<b>{SCRIPT}</b>", submission=submission(file=f"{SCRIPT}.xlsx"))
    bad = [finding("invalid-choice", ERROR, sheet="Dự án PCPNN", cell="Y2", value=SCRIPT, choices=SCRIPT)]
    messages = [
        compose.reminder_message("reminder_after", CLUSTER, "2026-H1", DUE, date(2026, 7, 16), evil, findings=bad),
        compose.escalation_message(CLUSTER, PeriodStatus("2026-H1", DUE, date(2026, 7, 22), [evil])),
        compose.acknowledgement_message(
            CLUSTER,
            submission(file=f"{SCRIPT}.xlsx"),
            state="invalid",
            province_name=SCRIPT,
            due=DUE,
            findings=bad,
            to=["a@example.vn"],
        ),
        compose.report_message(
            CLUSTER, "2026-H1", DUE, [{**ROW, "name": SCRIPT}], TOTALS, ["a@example.vn"], notes=[(SCRIPT, SCRIPT)]
        ),
    ]
    for message in messages:
        assert "<script>" not in message.html
        assert "&lt;script&gt;" in message.html
        assert "<script>" in message.text  # plain text is not HTML: shown as typed


def test_subjects_are_single_line_whatever_the_workbook_says():
    injected = province("missing", name="Vĩnh Long\r\nBcc: evil@attacker.example\u2028X: 1")
    message = compose.reminder_message(
        "reminder_before", compose.Cluster("Cụm 5\n"), "2026-H1", DUE, date(2026, 7, 8), injected
    )
    assert "\n" not in message.subject and "\r" not in message.subject and "\u2028" not in message.subject
    assert "Vĩnh Long Bcc: evil@attacker.example X: 1" in message.subject
    built = build_message(message, SETTINGS)  # the SMTP module accepts it: nothing left to inject
    assert built["Bcc"] is None and built["X"] is None


def test_single_line():
    assert compose.single_line("  Báo cáo\r\n kỳ\t2026-H1\u2029\x07 \n") == "Báo cáo kỳ 2026-H1"


def test_escalation_digest_lists_outstanding_provinces_only():
    statuses = [
        province("missing", name="An Giang"),
        province("invalid", name="Cà Mau"),
        ProvinceStatus("92", "Cần Thơ", "", "lhh.cantho@example.vn", (), "valid"),
    ]
    message = compose.escalation_message(CLUSTER, PeriodStatus("2026-H1", DUE, date(2026, 7, 22), statuses))
    assert message.to == ["truongcum5@example.vn"] and message.cc == []
    assert message.subject.startswith("Kỳ 2026-H1: 2 tỉnh chưa nộp hoặc chưa hợp lệ sau 7 ngày quá hạn")
    assert "An Giang: Chưa nộp" in message.text and "Cà Mau: Không hợp lệ" in message.text
    assert "Cần Thơ:" not in message.text
    assert "1 Hợp lệ, 0 Nộp muộn, 1 Không hợp lệ, 1 Chưa nộp" in message.text


def test_acknowledgement_of_a_valid_late_file_and_of_an_unreadable_one():
    late = compose.acknowledgement_message(
        CLUSTER,
        submission(status="valid", errors=0, warnings=1),
        state="late",
        province_name="Vĩnh Long",
        due=DUE,
        findings=FINDINGS[2:],
        to=["nguoi.lap@lhhvinhlong.org.vn"],
        cc=["lhh.vinhlong@example.vn"],
    )
    assert late.subject == "Đã nhận báo cáo kỳ 2026-H1 – Vĩnh Long: Nộp muộn / Received: 2026-H1 report – Late"
    assert "nhận sau hạn nộp" in late.text and "arrived after the due date" in late.text
    assert "Cảnh báo (nên xem lại" in late.text
    refused = compose.acknowledgement_message(
        CLUSTER,
        submission(status="refused", province=None, period=None),
        state=None,
        province_name="",
        due=None,
        to=["truongcum5@example.vn"],
        refusal=("Tệp hỏng.", "File damaged."),
    )
    assert refused.subject == "Không đọc được tệp bao-cao.xlsx / File bao-cao.xlsx could not be read"
    assert "Tệp hỏng." in refused.text and "File damaged." in refused.text


ROW = {
    "code": "92",
    "name": "Cần Thơ",
    "status_vi": "Hợp lệ",
    "status_en": "Valid",
    "state": "valid",
    "open_needs": 12,
    "usd_open_needs": 3790440,
    "approved": 3,
    "usd_approved": 1234567.5,
    "usd_disbursed": 10,
    "mean_days": 10.5,
    "errors": 0,
}
MISSING = {
    "code": "91",
    "name": "An Giang",
    "status_vi": "Chưa nộp",
    "status_en": "Missing",
    "state": "missing",
    **{
        k: "—"
        for k in ("open_needs", "usd_open_needs", "approved", "usd_approved", "usd_disbursed", "mean_days", "errors")
    },
}
TOTALS = {**ROW, "status_vi": "1/2 tỉnh hợp lệ, 1 tỉnh đã nộp", "status_en": "1 of 2 provinces valid, 1 submitted"}


def _cells(markup: str) -> list[list[str]]:
    return [
        [visible(c).strip() for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", r, re.S)]
        for r in re.findall(r"<tr[^>]*>(.*?)</tr>", markup, re.S)
    ]


def test_report_is_one_line_per_province_in_each_language_and_number_style():
    message = compose.report_message(
        CLUSTER_EN,
        "2026-H1",
        DUE,
        [ROW, MISSING],
        TOTALS,
        ["truongcum5@example.vn"],
        cc=["lhh.camau@example.vn"],
        attachments=[("tong-hop.xlsx", b"PK")],
    )
    assert message.subject.startswith("Báo cáo tổng hợp viện trợ PCPNN kỳ 2026-H1")
    vi, en = message.html.split('<div lang="en"')
    for block in (vi, en):
        rows = _cells(block)
        assert all(len(r) <= 4 for r in rows)  # a phone's width: at most four columns
        assert len(rows) == 4  # header, one line per province, the cluster
    assert ["Cần Thơ", "Hợp lệ", "3.790.440", "1.234.568"] in _cells(vi)
    assert ["An Giang", "Chưa nộp", "—", "—"] in _cells(vi)
    assert ["Can Tho", "Valid", "3,790,440", "1,234,568"] in _cells(en)
    assert "Hợp lệ / Valid" not in message.html and "Valid" not in vi and "Hợp lệ" not in en
    assert "Cluster 5 — Mekong Delta" in en and "Cluster 5 — Mekong Delta" not in vi
    assert "1/2 tỉnh hợp lệ" in vi and "1 of 2 provinces valid" in en and "10,5 ngày" in vi and "10.5 days" in en
    text = message.text
    assert "  - Cần Thơ: Hợp lệ · đang vận động 3.790.440 USD · phê duyệt trong kỳ 1.234.568 USD" in text
    assert "  - An Giang: Chưa nộp\n" in text and "  - Can Tho: Valid · seeking funding 3,790,440 USD" in text
    assert "Mã:" not in text and "; Tỉnh:" not in text  # lines a person reads, not a field dump
    assert message.attachments == [("tong-hop.xlsx", b"PK")]
    for body in (message.text, message.html):
        assert "aidkit" not in body  # the provinces do not know the tool's name


def test_salutation_from_the_form_of_address_or_the_office():
    ong = province("missing", focal="Nguyễn Văn Khoa", title="Ông")
    message = compose.reminder_message("reminder_before", CLUSTER, "2026-H1", DUE, date(2026, 7, 8), ong)
    assert "Kính gửi: Ông Nguyễn Văn Khoa, Liên hiệp các tổ chức hữu nghị tỉnh Vĩnh Long" in message.text
    assert "Dear Mr Nguyễn Văn Khoa," in message.text
    nobody = compose.reminder_message(
        "reminder_before", CLUSTER, "2026-H1", DUE, date(2026, 7, 8), province("missing", focal="Dương Quốc Nhung")
    )
    assert "Kính gửi: Liên hiệp các tổ chức hữu nghị tỉnh Vĩnh Long\n" in nobody.text  # no Ông/Bà: the office
    assert "Dương Quốc Nhung" not in nobody.text.split("\n")[0]
    assert "Dear colleagues of the Union of Friendship Organizations of Vinh Long Province," in nobody.text
    assert compose.salutation("Bà", "Trần Thị Mai", "92", "Cần Thơ", DUE) == (
        "Bà Trần Thị Mai, Liên hiệp các tổ chức hữu nghị thành phố Cần Thơ",
        "Ms Trần Thị Mai",
    )


def test_receipt_says_nothing_of_an_official_form_above_the_header():
    form = finding("header-not-first-row", WARNING, sheet="Nhu cầu tài trợ", cell="A5", header_row=5)
    receipt = compose.acknowledgement_message(
        CLUSTER,
        submission(status="valid", errors=0, warnings=2),
        state="valid",
        province_name="Vĩnh Long",
        due=DUE,
        findings=[form, FINDINGS[2]],
        to=["a@example.vn"],
        preparer="Trần Thị Mai",
        focal="Trần Thị Mai",
        title="Bà",
    )
    assert "A5" not in receipt.text and "dòng 5" not in receipt.text and "row 5" not in receipt.text
    assert "0 lỗi, 1 cảnh báo" in receipt.text and "Checks: no errors, 1 warning." in receipt.text
    assert "Kính gửi: Bà Trần Thị Mai," in receipt.text


def test_messages_are_dated_when_the_run_says():
    moment = datetime(2026, 7, 15, 7, 0)
    cluster = compose.Cluster("Cụm 5", dated=moment)
    message = compose.reminder_message("reminder_before", cluster, "2026-H1", DUE, DUE, province("missing"))
    assert build_message(message, SETTINGS)["Date"].datetime.replace(tzinfo=None) == moment


def test_recipients_keep_valid_addresses_once():
    kept, dropped = compose.recipients(
        "A@example.vn", ["a@example.vn", "b@example.vn; c@example.vn", ""], None, "x@y.vn\r\nBcc: evil@attacker.example"
    )
    assert kept == ["A@example.vn"]
    assert dropped == ["b@example.vn; c@example.vn", "x@y.vn\r\nBcc: evil@attacker.example"]


def test_undefined_template_variables_are_errors():
    with pytest.raises(jinja2.UndefinedError):
        compose.fill_templates("escalation", {"cluster": CLUSTER})
    with pytest.raises(ValueError):
        compose.fill_templates("newsletter", {})


def test_number_filter():
    assert compose.number(1234567.5) == "1.234.568"
    assert compose.number(1234.5, 2) == "1.234,50"
    assert compose.number(None) == "" and compose.number("n/a") == "n/a"


def _round_trip(subject: str) -> str:
    import email
    import email.policy

    from toolkit.mail.message import OutgoingMessage

    raw = build_message(OutgoingMessage(to=["a@example.vn"], subject=subject, text="x"), SETTINGS).as_bytes()
    assert raw.isascii() and all(len(line) <= 78 for line in raw.split(b"\r\n\r\n")[0].split(b"\r\n"))
    return email.message_from_bytes(raw, policy=email.policy.default)["Subject"]


def test_vietnamese_subjects_arrive_intact_for_every_province_and_kind():
    """The stdlib folder used to drop the space at an encoded-word boundary ("chưahợp lệ")."""
    from toolkit.schema import merger

    names = sorted({r.new.short for r in merger()} | {r.old.short for r in merger()})
    for name in names:
        for state in ("missing", "invalid"):
            for kind, today in (
                ("reminder_before", date(2026, 7, 8)),
                ("reminder_before", DUE),
                ("reminder_after", date(2026, 7, 22)),
            ):
                message = compose.reminder_message(kind, CLUSTER, "2026-H1", DUE, today, province(state, name=name))
                assert _round_trip(message.subject) == message.subject
    assert _round_trip(
        "Báo cáo kỳ 2026-H1 của Cà Mau chưa hợp lệ – hạn 15/07/2026 / 2026-H1 report has errors – due 15/07/2026"
    ).startswith("Báo cáo kỳ 2026-H1 của Cà Mau chưa hợp lệ")
    assert _round_trip("Plain =?utf-8?q?not_decoded?= text") == "Plain =?utf-8?q?not_decoded?= text"
    assert _round_trip("Short ASCII subject") == "Short ASCII subject"
