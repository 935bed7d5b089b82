"""remind and acknowledge on a simulated calendar, against a real STARTTLS + AUTH server on 127.0.0.1.

The calendar (period 2026-H1, due 15/07/2026, reminders 7/3/1 days before and on the due date,
1/3/7 days after, escalation to the cluster lead 7 days after), one job run at 07:00 every day
from 01/07 to 31/07, and a second run straight after it that must send nothing:

    05/07  82 Đồng Tháp sends a valid file
    10/07  86 Vĩnh Long sends a file with an error
    13/07  92 Cần Thơ sends a valid file (it had been reminded on 08/07 and 12/07)
    14/07  96 Cà Mau sends a file with an error, and never fixes it
    16/07  86 Vĩnh Long saves a fixed file over its first one (valid, one day late)
           91 An Giang never sends anything
"""

from __future__ import annotations

import base64
import json
import logging
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook

from cluster import LEAD, MEMBER_CC, MEMBER_EMAIL, PERIOD, at, attachments, drop, make_cluster
from smtp_server import PASSWORD, USERNAME, make_ca, plain_server, starttls_server
from toolkit.ledger import Ledger
from toolkit.mail.acknowledge import acknowledge
from toolkit.mail.errors import PasswordMissing, TlsVerificationFailed
from toolkit.mail.remind import remind, reminder_kinds
from toolkit.status import status


def d(day: int) -> date:
    return date(2026, 7, day)


DROPS = {  # day → (file name, province, defects)
    d(5): [("82_DongThap_2026-H1.xlsx", "82", ())],
    d(10): [("VinhLong.xlsx", "86", ("missing-value",))],
    d(13): [("bao cao Can Tho.xlsx", "92", ())],
    d(14): [("96.xlsx", "96", ("missing-value",))],
    d(16): [("VinhLong.xlsx", "86", ())],
}

EXPECTED = sorted(
    [
        (d(5), "acknowledgement", "82"),
        (d(10), "acknowledgement", "86"),
        (d(13), "acknowledgement", "92"),
        (d(14), "acknowledgement", "96"),
        (d(16), "acknowledgement", "86"),
    ]
    + [(d(8), "reminder_before", p) for p in ("86", "91", "92", "96")]
    + [(d(12), "reminder_before", p) for p in ("86", "91", "92", "96")]
    + [(d(14), "reminder_before", p) for p in ("86", "91", "96")]
    + [(d(15), "reminder_before", p) for p in ("86", "91", "96")]
    + [(day, "reminder_after", p) for day in (d(16), d(18), d(22)) for p in ("91", "96")]
    + [(d(22), "escalation", "")]
)


@dataclass
class Arrived:
    day: date
    kind: str
    province: str
    rcpt: list[str]
    message: object
    raw: bytes

    @property
    def key(self):
        return (self.day, self.kind, self.province)


@dataclass
class Run:
    control: Path
    arrived: list[Arrived] = field(default_factory=list)
    results: dict = field(default_factory=dict)  # (day, run) → [acknowledge result, remind result]
    logs: list[str] = field(default_factory=list)


class Collect(logging.Handler):
    def __init__(self, into: list[str]):
        super().__init__(logging.DEBUG)
        self.into = into

    def emit(self, record):
        if not record.name.startswith("mail.log"):  # aiosmtpd: the test server's own log
            self.into.append(self.format(record))


@pytest.fixture(scope="module")
def ca(tmp_path_factory):
    return make_ca(tmp_path_factory.mktemp("ca"))


@pytest.fixture(scope="module")
def july(tmp_path_factory, ca):
    """Run the daily job (acknowledge, then remind) twice a day through July 2026."""
    folder = tmp_path_factory.mktemp("cum5")
    root = logging.getLogger()
    handler = Collect([])
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        with pytest.MonkeyPatch.context() as mp, starttls_server(ca) as server:
            mp.setenv("AIDKIT_SMTP_PASSWORD", PASSWORD)
            run = Run(make_cluster(folder, server, ca))
            day = d(1)
            while day <= d(31):
                for name, province, defects in DROPS.get(day, []):
                    drop(run.control, name, province, day, defects=defects)
                for attempt in (1, 2):
                    before = len(server.messages)
                    run.results[day, attempt] = [
                        acknowledge(run.control, at(day), backoff=0),
                        remind(run.control, at(day), backoff=0),
                    ]
                    for got in server.messages[before:]:
                        m = got.message
                        run.arrived.append(
                            Arrived(day, m["X-Aidkit-Kind"], m["X-Aidkit-Province"] or "", got.rcpt_tos, m, got.raw)
                        )
                    assert all(got.authenticated for got in server.messages)
                day += timedelta(days=1)
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
    run.logs = handler.into
    return run


def arrived(july, kind=None, province=None, day=None) -> list[Arrived]:
    return [
        a
        for a in july.arrived
        if (kind is None or a.kind == kind)
        and (province is None or a.province == province)
        and (day is None or a.day == day)
    ]


def test_exactly_the_expected_messages_arrive(july):
    assert sorted(a.key for a in july.arrived) == EXPECTED
    assert len(july.arrived) == 26


def test_a_second_run_on_the_same_day_sends_nothing(july):
    for (day, attempt), results in july.results.items():
        if attempt == 2:
            assert all(r.outcome == "skipped" for result in results for r in result.deliveries), day
            assert all(not result.received for result in results)
    first_runs = sum(r.count("sent") for (day, attempt), rs in july.results.items() if attempt == 1 for r in rs)
    assert first_runs == 26


def test_reminders_go_to_the_province_and_its_copies(july):
    for a in arrived(july, "reminder_after", "91"):
        assert a.rcpt == [MEMBER_EMAIL["91"], MEMBER_CC["91"]]
        assert str(a.message["To"]) == MEMBER_EMAIL["91"]
    [first] = arrived(july, "reminder_after", "91", d(16))
    assert first.message["Date"].datetime.replace(tzinfo=None) == at(d(16))  # dated the day the run acts for
    assert first.message["Subject"] == (
        "Quá hạn nộp báo cáo kỳ 2026-H1 – An Giang (quá hạn 1 ngày) / Overdue: 2026-H1 report (1 day late)"
    )
    [due_day] = arrived(july, "reminder_before", "91", d(15))
    assert due_day.message["Subject"] == (
        "Nhắc nộp báo cáo kỳ 2026-H1 – An Giang – hạn nộp hôm nay / Reminder: 2026-H1 report due today"
    )
    [week_before] = arrived(july, "reminder_before", "92", d(8))
    assert week_before.message["Subject"] == (
        "Nhắc nộp báo cáo kỳ 2026-H1 – Cần Thơ – hạn 15/07/2026 / Reminder: 2026-H1 report due 15 July 2026"
    )
    assert "Còn 7 ngày nữa" in week_before.message.get_body(("plain",)).get_content()


def test_an_invalid_province_gets_its_errors_and_its_annotated_workbook(july):
    reminders = arrived(july, "reminder_before", "86")
    assert [a.day for a in reminders] == [d(8), d(12), d(14), d(15)]
    assert attachments(reminders[0].message) == []  # 08/07: nothing received yet
    with Ledger.for_control(july.control) as ledger:
        first = ledger.submissions(PERIOD, "86")[0]
    annotated = july.control.parent / "ket-qua" / "kiem-tra" / f"VinhLong.{first.sha256[:8]}.kiem-tra.xlsx"
    expected = annotated.read_bytes()
    for a in reminders[1:] + arrived(july, "acknowledgement", "86", d(10)):
        assert attachments(a.message) == [("VinhLong.kiem-tra.xlsx", expected)]
        sender = first.sender
        assert sender in a.rcpt
        text = a.message.get_body(("plain",)).get_content()
        assert 'Ô bắt buộc "Địa bàn" đang trống.' in text and 'Required cell "Location" is empty.' in text
    [invalid] = arrived(july, "reminder_before", "86", d(12))
    assert invalid.message["Subject"] == (
        "Báo cáo kỳ 2026-H1 của Vĩnh Long chưa hợp lệ – hạn 15/07/2026 / 2026-H1 report has errors – due 15 July 2026"
    )
    # ...and the attachment really is the annotated workbook of that file
    book = load_workbook(annotated)
    findings = book["Phát hiện"]
    rules = [row[1] for row in findings.iter_rows(min_row=2, values_only=True)]
    assert rules == ["missing-value"]
    sheet, cell = [row[2:4] for row in findings.iter_rows(min_row=2, values_only=True)][0]
    assert book[sheet][cell].fill.start_color.rgb.endswith("FFC7CE")
    assert book[sheet][cell].comment is not None


def test_a_province_that_submits_a_valid_file_stops_being_reminded(july):
    assert [a.day for a in arrived(july, province="92") if a.kind.startswith("reminder")] == [d(8), d(12)]
    assert [a.day for a in arrived(july, province="86") if a.kind.startswith("reminder")] == [d(8), d(12), d(14), d(15)]
    assert arrived(july, province="82", kind="reminder_before") == []  # valid before the first reminder


def test_the_escalation_digest_arrives_once_and_lists_who_is_outstanding(july):
    [digest] = arrived(july, "escalation")
    assert digest.day == d(22) and digest.rcpt == [LEAD]
    assert digest.message["Subject"] == (
        "Kỳ 2026-H1: 2 tỉnh chưa nộp hoặc chưa hợp lệ sau 7 ngày quá hạn / "
        "2026-H1: 2 provinces still missing or invalid"
    )
    text = digest.message.get_body(("plain",)).get_content()
    assert "91 An Giang: Chưa nộp" in text and "96 Cà Mau: Không hợp lệ" in text
    for other in ("Vĩnh Long", "Cần Thơ", "Đồng Tháp"):
        assert other not in text
    assert "2 Hợp lệ, 1 Nộp muộn, 1 Không hợp lệ, 1 Chưa nộp" in text


def test_receipts_say_valid_late_or_invalid(july):
    subjects = {(a.day, a.province): a.message["Subject"] for a in arrived(july, "acknowledgement")}
    assert subjects[d(5), "82"] == "Đã nhận báo cáo kỳ 2026-H1 – Đồng Tháp: Hợp lệ / Received: 2026-H1 report – Valid"
    assert subjects[d(10), "86"].endswith("Vĩnh Long: Không hợp lệ / Received: 2026-H1 report – Invalid")
    assert subjects[d(16), "86"].endswith("Vĩnh Long: Nộp muộn / Received: 2026-H1 report – Late")
    [receipt] = arrived(july, "acknowledgement", "82")
    with Ledger.for_control(july.control) as ledger:
        sender = ledger.submissions(PERIOD, "82")[0].sender
    assert receipt.rcpt == [sender, MEMBER_EMAIL["82"]]
    assert attachments(receipt.message) == []


def test_the_ledger_records_every_message_once(july):
    with Ledger.for_control(july.control) as ledger:
        records = ledger.messages()
        assert ledger.check() == "ok"
    assert len(records) == 26 and {m.outcome for m in records} == {"sent"}
    assert sorted((m.day, m.kind, m.province) for m in records) == EXPECTED
    assert {m.message_id for m in records} == {a.message["Message-ID"] for a in july.arrived}
    # every subject arrives exactly as rendered (Vietnamese included), e.g. "Cà Mau chưa hợp lệ"
    rendered = {m.message_id: m.subject for m in records}
    for a in july.arrived:
        assert a.message["Subject"] == rendered[a.message["Message-ID"]]
    [camau] = arrived(july, "reminder_before", "96", d(14))
    assert camau.message["Subject"] == (
        "Báo cáo kỳ 2026-H1 của Cà Mau chưa hợp lệ – hạn 15/07/2026 / 2026-H1 report has errors – due 15 July 2026"
    )
    archived = list((july.control.parent / "aidkit-archive").rglob("*.xlsx"))
    assert len(archived) == 5  # both versions of Vĩnh Long's file are kept


def test_final_status(july):
    result = status(july.control, now=at(d(31)))
    [period] = result.periods
    assert {p.code: p.word for p in period.provinces} == {
        "82": "Hợp lệ",
        "86": "Nộp muộn",
        "91": "Chưa nộp",
        "92": "Hợp lệ",
        "96": "Không hợp lệ",
    }


def test_no_password_in_logs_the_ledger_or_results(july):
    forms = [
        PASSWORD,
        base64.b64encode(PASSWORD.encode()).decode(),
        base64.b64encode(b"\0" + USERNAME.encode() + b"\0" + PASSWORD.encode()).decode(),
    ]
    assert any("sent" in line for line in july.logs)  # there are logs...
    logs = "\n".join(july.logs)
    results = json.dumps([r.to_dict() for rs in july.results.values() for r in rs], ensure_ascii=False)
    folder = july.control.parent
    stored = b"".join(p.read_bytes() for p in folder.glob("aidkit-ledger.sqlite*"))
    assert stored  # ...and a ledger
    for form in forms:
        assert form not in logs and form not in results
        assert form.encode() not in stored
        for a in july.arrived:
            assert form.encode() not in a.raw


def test_reminder_days():
    from toolkit.control import Deadline
    from toolkit.periods import Period

    deadline = Deadline(Period.parse(PERIOD), d(15), (7, 3, 1), (1, 3, 7), (7,))
    calendar = {day: reminder_kinds(deadline, d(day)) for day in range(1, 32)}
    assert {day: kinds for day, kinds in calendar.items() if kinds} == {
        8: ["reminder_before"],
        12: ["reminder_before"],
        14: ["reminder_before"],
        15: ["reminder_before"],
        16: ["reminder_after"],
        18: ["reminder_after"],
        22: ["reminder_after", "escalation"],
    }


# --- failures -------------------------------------------------------------------------------------


def test_an_untrusted_certificate_is_refused_and_nothing_is_sent(tmp_path, ca, monkeypatch):
    monkeypatch.setenv("AIDKIT_SMTP_PASSWORD", PASSWORD)
    with starttls_server(ca) as server:
        control = make_cluster(tmp_path, server, ca, trusted=False, provinces=("91", "92"))
        with pytest.raises(TlsVerificationFailed) as err:
            remind(control, at(d(16)), backoff=0)
        assert server.messages == [] and server.handler.auth_attempts == []
        assert "cafile" in str(err.value) and PASSWORD not in str(err.value)
        with Ledger.for_control(control) as ledger:
            assert [m.outcome for m in ledger.messages()] == ["failed"]  # may be retried
        make_cluster(tmp_path, server, ca, trusted=True, provinces=("91", "92"))  # the lead adds Tệp CA
        result = remind(control, at(d(16)), backoff=0)
        assert [r.outcome for r in result.deliveries] == ["sent", "sent"]
        assert sorted(m.message["X-Aidkit-Province"] for m in server.messages) == ["91", "92"]


def test_dry_run_writes_eml_files_and_sends_or_records_nothing(tmp_path, ca, monkeypatch):
    monkeypatch.delenv("AIDKIT_SMTP_PASSWORD", raising=False)  # a dry run needs no password
    with starttls_server(ca) as server:
        control = make_cluster(tmp_path, server, ca, provinces=("91", "92"))
        drop(control, "92.xlsx", "92", d(10), defects=("missing-value",))
        result = remind(control, at(d(12)), dry_run=True)
        assert [r.outcome for r in result.deliveries] == ["dry-run", "dry-run"]
        assert server.messages == []
        outbox = control.parent / "ket-qua" / "outbox"
        assert sorted(p.name for p in outbox.iterdir()) == [
            "2026-07-12_reminder_before_2026-H1_91.eml",
            "2026-07-12_reminder_before_2026-H1_92.eml",
        ]
        from cluster import parse

        eml = parse((outbox / "2026-07-12_reminder_before_2026-H1_92.eml").read_bytes())
        assert eml["Subject"].startswith("Báo cáo kỳ 2026-H1 của Cần Thơ chưa hợp lệ")
        assert [name for name, _ in attachments(eml)] == ["92.kiem-tra.xlsx"]
        with Ledger.for_control(control) as ledger:
            assert ledger.messages() == []
            assert len(ledger.submissions()) == 1  # receiving still happens


def test_transient_failures_are_retried_and_recorded(tmp_path, ca, monkeypatch):
    monkeypatch.setenv("AIDKIT_SMTP_PASSWORD", PASSWORD)
    waits = []
    with starttls_server(ca) as server:
        control = make_cluster(tmp_path, server, ca, provinces=("91",))
        server.handler.fail_next("DATA", "451 4.3.0 Try again later", times=1)
        [delivery] = remind(control, at(d(16)), backoff=0.5, sleep=waits.append).deliveries
        assert (delivery.outcome, delivery.attempts) == ("sent", 2) and waits == [0.5]
        with Ledger.for_control(control) as ledger:
            [record] = ledger.messages()
        assert (record.outcome, record.attempts, record.message_id) == ("sent", 2, delivery.message_id)

        server.handler.fail_next("DATA", "451 4.3.0 Try again later", times=3)  # = 1 + retries
        [gave_up] = remind(control, at(d(18)), retries=2, backoff=0, sleep=waits.append).deliveries
        assert gave_up.outcome == "failed" and "451" in gave_up.error
        [retried] = remind(control, at(d(18)), backoff=0).deliveries  # a later run the same day
        assert retried.outcome == "sent"
        assert [m.message["X-Aidkit-Kind"] for m in server.messages] == ["reminder_after"] * 2


def test_a_refused_recipient_does_not_stop_the_others(tmp_path, ca, monkeypatch):
    monkeypatch.setenv("AIDKIT_SMTP_PASSWORD", PASSWORD)
    with starttls_server(ca) as server:
        control = make_cluster(tmp_path, server, ca, provinces=("86", "91", "92"))
        server.handler.refuse_recipient(MEMBER_EMAIL["91"])  # 91's main address bounces…
        server.handler.refuse_recipient(MEMBER_EMAIL["86"])  # …and both of 86's
        server.handler.refuse_recipient(MEMBER_CC["86"])
        result = remind(control, at(d(16)), backoff=0)
        assert {r.province: r.outcome for r in result.deliveries} == {"86": "refused", "91": "partial", "92": "sent"}
        assert result.failed
        got = {m.message["X-Aidkit-Province"]: m.rcpt_tos for m in server.messages}
        assert got == {"91": [MEMBER_CC["91"]], "92": [MEMBER_EMAIL["92"], MEMBER_CC["92"]]}
        with Ledger.for_control(control) as ledger:
            outcomes = {m.province: (m.outcome, m.error) for m in ledger.messages()}
        assert outcomes["86"][0] == "refused" and "550" in outcomes["86"][1]
        assert outcomes["91"][0] == "partial" and MEMBER_EMAIL["91"] in outcomes["91"][1]
        assert remind(control, at(d(16)), backoff=0).count("sent", "partial", "refused", "failed") == 0


def test_a_missing_password_stops_before_anything_is_claimed(tmp_path, ca, monkeypatch):
    import keyring

    monkeypatch.delenv("AIDKIT_SMTP_PASSWORD", raising=False)
    monkeypatch.setattr(keyring, "get_password", lambda service, user: None)
    with starttls_server(ca) as server:
        control = make_cluster(tmp_path, server, ca, provinces=("91",))
        with pytest.raises(PasswordMissing):
            remind(control, at(d(16)))
        with Ledger.for_control(control) as ledger:
            assert ledger.messages() == []


def test_a_wrong_password_never_reaches_the_ledger_or_the_logs(tmp_path, ca, monkeypatch, caplog):
    from toolkit.mail.errors import AuthenticationFailed

    caplog.set_level(logging.DEBUG)
    wrong = "Wr0ng-but-secret-42"
    monkeypatch.setenv("AIDKIT_SMTP_PASSWORD", wrong)
    with starttls_server(ca) as server:
        control = make_cluster(tmp_path, server, ca, provinces=("91",))
        with pytest.raises(AuthenticationFailed) as err:
            remind(control, at(d(16)), backoff=0)
    with Ledger.for_control(control) as ledger:
        [record] = ledger.messages()
    assert record.outcome == "failed" and "535" in record.error
    logs = "\n".join(r.getMessage() for r in caplog.records if not r.name.startswith("mail.log"))
    stored = b"".join(p.read_bytes() for p in tmp_path.glob("aidkit-ledger.sqlite*"))
    for form in (
        wrong,
        base64.b64encode(wrong.encode()).decode(),
        base64.b64encode(b"\0" + USERNAME.encode() + b"\0" + wrong.encode()).decode(),
    ):
        assert form not in logs and form not in str(err.value) and form not in record.error
        assert form.encode() not in stored


def test_plain_relay_without_account_sends_from_the_lead(tmp_path):
    with plain_server() as server:
        control = make_cluster(tmp_path, server, provinces=("91",))
        [delivery] = remind(control, at(d(16))).deliveries
        assert delivery.outcome == "sent"
        [got] = server.messages
        assert got.mail_from == LEAD and got.message["From"].addresses[0].display_name == "Văn phòng Cụm 5"
