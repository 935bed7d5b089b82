"""toolkit.mail.collect against a real IMAP server (pymap on 127.0.0.1) and a real SMTP server (aiosmtpd).

Province e-mails are put into the mailbox with APPEND and the INTERNALDATE they arrived at; the
cluster's control workbook points at both servers.
"""

from __future__ import annotations

import logging
import os
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from cluster import DUE, LEAD, MEMBER_CC, MEMBER_EMAIL, make_cluster, parse
from imap_server import PASSWORD, USER, imap_server, letter
from smtp_server import make_ca, plain_server
from toolkit.clock import local_moment
from toolkit.consolidation.consolidate import consolidate
from toolkit.ledger import Ledger
from toolkit.mail.acknowledge import acknowledge
from toolkit.mail.collect import ASIDE_FOLDER, collect
from toolkit.mail.imap import ImapLoginFailed, ImapTlsFailed, MailboxUnreachable
from toolkit.mail.remind import remind
from toolkit.sample import sample_workbook
from toolkit.status import status

VN = timezone(timedelta(hours=7))
CORPUS = Path(__file__).resolve().parent / "corpus" / "calamine"


@pytest.fixture
def vietnam_time(monkeypatch):
    """The lead's computer is in Vietnam (UTC+7), as the due dates are."""
    monkeypatch.setenv("TZ", "Asia/Ho_Chi_Minh")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def servers(tmp_path, vietnam_time):
    with plain_server() as smtp, imap_server(tmp_path / "imap") as imap:
        yield smtp, imap


def cluster_for(folder: Path, smtp, imap, **settings) -> Path:
    """The Cluster 5 control workbook, its mailbox on `imap` (plain, or STARTTLS when it has a CA)."""
    mailbox = {
        "may_chu_imap": imap.host,
        "cong_imap": imap.port,
        "tai_khoan_nhan": USER,
        "bao_mat_imap": "STARTTLS" if imap.cafile else "Không",
    }
    return make_cluster(folder, smtp, **{**mailbox, **settings})


def workbook(folder: Path, province: str, seed: int = 1, **kw) -> bytes:
    return sample_workbook(
        folder / f"src-{province}-{seed}.xlsx", province, "2026-H1", needs=3, register=3, seed=seed, **kw
    ).path.read_bytes()


def at(day: int, hour: int, month: int = 7) -> datetime:
    return datetime(2026, month, day, hour, 0, tzinfo=VN)


def run(control, now, **kw):
    return collect(control, now, password=PASSWORD, backoff=0, sleep=lambda _: None, **kw)


def test_on_time_and_late_by_the_servers_internaldate_not_by_collection(tmp_path, servers):
    smtp, imap = servers
    control = cluster_for(tmp_path / "cum", smtp, imap)
    on_due_evening = at(15, 22)  # the due date, 22:00 in Vietnam: on time
    imap.append(
        letter(MEMBER_EMAIL["92"], "Báo cáo kỳ 2026-H1 Cần Thơ", [("Bao cao Can Tho.xlsx", workbook(tmp_path, "92"))]),
        on_due_evening,
    )
    imap.append(letter(MEMBER_CC["96"], "Cà Mau nộp báo cáo", [("CaMau.xlsx", workbook(tmp_path, "96"))]), at(17, 9))

    result = run(control, "2026-07-20T07:00")  # collected days after both arrived

    assert [(m.outcome, m.province) for m in result.taken] == [("submitted", "92"), ("submitted", "96")]
    with Ledger.for_control(control) as ledger:
        received = {s.province: s for s in ledger.submissions()}
    assert received["92"].received_at == datetime(2026, 7, 15, 22, 0) == local_moment(on_due_evening)
    assert received["96"].received_at == datetime(2026, 7, 17, 9, 0)
    saved = control.parent / "nop" / "Bao cao Can Tho.xlsx"
    assert saved.read_bytes() == workbook(tmp_path, "92")
    assert datetime.fromtimestamp(saved.stat().st_mtime) == datetime(2026, 7, 15, 22, 0)
    states = {p.code: p.state for p in status(control, "2026-H1", "2026-07-20").periods[0].provinces}
    assert states["92"] == "valid" and states["96"] == "late"
    assert states["82"] == states["86"] == states["91"] == "missing"
    merged = consolidate(None, control=control, period="2026-H1", workers=1)
    assert {e.code: e.status for e in merged.entries if e.file} == {"92": "valid", "96": "late"}


def test_each_accepted_file_gets_a_receipt_at_the_smtp_server(tmp_path, servers):
    smtp, imap = servers
    control = cluster_for(tmp_path / "cum", smtp, imap)
    imap.append(letter(MEMBER_EMAIL["92"], "Báo cáo", [("ct.xlsx", workbook(tmp_path, "92"))]), at(10, 8))
    imap.append(
        letter(MEMBER_EMAIL["86"], "Báo cáo", [("vl.xlsx", workbook(tmp_path, "86", defects=("missing-value",)))]),
        at(11, 8),
    )
    run(control, "2026-07-12")
    receipts = acknowledge(control, "2026-07-12T07:05", backoff=0, sleep=lambda _: None)
    assert sorted((d.province, d.outcome) for d in receipts.deliveries) == [("86", "sent"), ("92", "sent")]
    arrived = {m.message["X-Aidkit-Province"]: m for m in smtp.messages}
    assert set(arrived) == {"86", "92"}
    assert "Hợp lệ" in arrived["92"].message["Subject"] and "Không hợp lệ" in arrived["86"].message["Subject"]
    assert MEMBER_EMAIL["92"] in arrived["92"].rcpt_tos
    assert "10/07/2026 08:00" in arrived["92"].message.get_body(("plain",)).get_content()


def test_a_non_member_is_never_a_submission_and_is_kept_aside_and_listed(tmp_path, servers):
    smtp, imap = servers
    control = cluster_for(tmp_path / "cum", smtp, imap)
    data = workbook(tmp_path, "92", seed=9)
    imap.append(letter("ai.do@gmail.com", "Gửi báo cáo hộ", [("Can Tho.xlsx", data)]), at(12, 9))

    result = run(control, "2026-07-13")

    [mail] = result.taken
    assert mail.outcome == "not-member" and mail.province == "" and mail.sender == "ai.do@gmail.com"
    [kept] = result.aside
    assert Path(kept).parent == control.parent / "ket-qua" / ASIDE_FOLDER and Path(kept).read_bytes() == data
    assert list((control.parent / "nop").iterdir()) == []
    assert result.received == [] and smtp.messages == []  # no submission, and nobody outside is answered
    assert "ai.do@gmail.com" in result.to_text() and "không phải thành viên" in result.to_text()
    assert status(control, "2026-H1", "2026-07-13").periods[0].provinces[3].state == "missing"
    # the lead's digest (seven days after the due date) lists it
    digest = remind(control, (DUE + timedelta(days=7)).isoformat(), backoff=0, sleep=lambda _: None)
    [escalation] = [d for d in digest.deliveries if d.kind == "escalation"]
    [message] = [m for m in smtp.messages if m.rcpt_tos == [LEAD]]
    assert escalation.outcome == "sent"
    text = message.message.get_body(("plain",)).get_content()
    assert "ai.do@gmail.com" in text and "Can Tho.xlsx" in text and "không phải thành viên" in text


def test_an_attachment_name_never_places_the_file_elsewhere(tmp_path, servers):
    smtp, imap = servers
    control = cluster_for(tmp_path / "cum", smtp, imap)
    imap.append(letter(MEMBER_EMAIL["92"], "Báo cáo", [("../../x.xlsx", workbook(tmp_path, "92"))]), at(10, 8))
    imap.append(letter(MEMBER_EMAIL["96"], "Báo cáo", [("CON.xlsx", workbook(tmp_path, "96"))]), at(10, 9))
    before = sorted(p for p in tmp_path.rglob("*") if p.suffix == ".xlsx" and "src-" not in p.name)

    result = run(control, "2026-07-11")

    inbox = control.parent / "nop"
    assert sorted(p.name for p in inbox.iterdir()) == ["_CON.xlsx", "x.xlsx"]
    assert not (tmp_path / "x.xlsx").exists() and not (control.parent / "x.xlsx").exists()
    after = sorted(
        p
        for p in tmp_path.rglob("*")
        if p.suffix == ".xlsx" and "src-" not in p.name and "aidkit-archive" not in p.parts
    )
    assert set(after) - set(before) == {inbox / "x.xlsx", inbox / "_CON.xlsx"}
    assert [f["name"] for m in result.taken for f in m.files] == ["../../x.xlsx", "CON.xlsx"]


def test_no_attachment_gets_one_reply_and_a_resend_is_not_taken_twice(tmp_path, servers):
    smtp, imap = servers
    control = cluster_for(tmp_path / "cum", smtp, imap)
    data = workbook(tmp_path, "92")
    imap.append(letter(MEMBER_EMAIL["92"], "Báo cáo 6 tháng", text="Em gửi báo cáo ạ"), at(10, 8))
    imap.append(letter(MEMBER_EMAIL["92"], "Báo cáo 6 tháng (có tệp)", [("ct.xlsx", data)]), at(10, 9))
    imap.append(letter(MEMBER_CC["92"], "Gửi lại báo cáo", [("ct (1).xlsx", data)]), at(11, 9))

    result = run(control, "2026-07-12")
    again = run(control, "2026-07-13")

    assert [m.outcome for m in result.taken] == ["no-workbook", "submitted", "duplicate"]
    assert len(result.received) == 1 and [f["fate"] for f in result.taken[2].files] == ["duplicate"]
    [reply] = smtp.messages
    assert reply.rcpt_tos == [MEMBER_EMAIL["92"]]
    assert reply.message["Subject"].startswith('Chưa nhận được báo cáo trong thư "Báo cáo 6 tháng"')
    assert reply.message["In-Reply-To"] and reply.message["X-Aidkit-Kind"] == "collect_reply"
    body = reply.message.get_body(("plain",)).get_content()
    assert "thư không có tệp Excel đính kèm" in body and "it has no Excel workbook attached" in body
    assert again.taken == [] and again.deliveries == [] and len(smtp.messages) == 1
    assert sorted(p.name for p in (control.parent / "nop").iterdir()) == ["ct.xlsx"]


def test_zip_encrypted_and_unreadable_workbooks_get_a_reply_each_and_stay_out_of_the_folder(tmp_path, servers):
    smtp, imap = servers
    control = cluster_for(tmp_path / "cum", smtp, imap)
    imap.append(letter(MEMBER_EMAIL["82"], "Báo cáo nén", [("bao-cao.zip", b"PK\x05\x06" + bytes(18))]), at(10, 8))
    imap.append(
        letter(MEMBER_EMAIL["86"], "Báo cáo có mật khẩu", [("vl.xlsx", (CORPUS / "pass_protected.xlsx").read_bytes())]),
        at(10, 9),
    )
    imap.append(letter(MEMBER_EMAIL["91"], "Báo cáo hỏng", [("ag.xlsx", b"this is not a workbook")]), at(10, 10))

    result = run(control, "2026-07-11")

    assert [m.outcome for m in result.taken] == ["zip", "encrypted", "unreadable"]
    assert list((control.parent / "nop").iterdir()) == []
    assert result.received == []
    replies = {m.rcpt_tos[0]: m.message.get_body(("plain",)).get_content() for m in smtp.messages}
    assert set(replies) == {MEMBER_EMAIL["82"], MEMBER_EMAIL["86"], MEMBER_EMAIL["91"]}
    assert "tệp nén" in replies[MEMBER_EMAIL["82"]]
    assert "có mật khẩu" in replies[MEMBER_EMAIL["86"]] and "password-protected" in replies[MEMBER_EMAIL["86"]]
    assert "không đọc được" in replies[MEMBER_EMAIL["91"]]
    assert len(result.aside) == 3  # the lead can still open what arrived
    with Ledger.for_control(control) as ledger:
        assert [m.outcome for m in ledger.mail()] == ["zip", "encrypted", "unreadable"]
        assert ledger.submissions() == []
    assert acknowledge(control, "2026-07-11T08:00").deliveries == []  # nothing for the lead to be told twice


def test_flags_are_never_changed_and_a_second_run_takes_nothing(tmp_path, servers):
    smtp, imap = servers
    control = cluster_for(tmp_path / "cum", smtp, imap)
    imap.append(letter(MEMBER_EMAIL["92"], "Báo cáo", [("ct.xlsx", workbook(tmp_path, "92"))]), at(10, 8))
    imap.append(
        letter(MEMBER_EMAIL["96"], "Báo cáo", [("cm.xlsx", workbook(tmp_path, "96"))]),
        at(10, 9),
        flags="\\Seen \\Flagged",
    )  # the lead already read this one
    imap.append(letter(MEMBER_EMAIL["86"], "Không có tệp"), at(10, 10))
    before = imap.flags()
    assert before == {101: "", 102: "\\Flagged \\Seen", 103: ""}

    first = run(control, "2026-07-11")
    second = run(control, "2026-07-11T09:00")

    assert len(first.taken) == 3 and second.taken == [] and second.received == []
    assert imap.flags() == before
    with Ledger.for_control(control) as ledger:
        assert [(m.uid, m.outcome) for m in ledger.mail()] == [
            (101, "submitted"),
            (102, "submitted"),
            (103, "no-workbook"),
        ]


def test_a_new_uidvalidity_takes_nothing_twice(tmp_path, vietnam_time):
    """The server renumbers its messages (a restored mailbox): same content, new UIDVALIDITY."""
    with plain_server() as smtp:
        mails = [
            (letter(MEMBER_EMAIL["92"], "Báo cáo", [("ct.xlsx", workbook(tmp_path, "92"))]), at(10, 8)),
            (letter(MEMBER_EMAIL["86"], "Không có tệp"), at(10, 9)),
        ]
        with imap_server(tmp_path / "a") as imap:
            control = cluster_for(tmp_path / "cum", smtp, imap)
            for raw, when in mails:
                imap.append(raw, when)
            first = run(control, "2026-07-11")
        with imap_server(tmp_path / "b") as imap:  # a new store: new UIDVALIDITY, same messages
            control = cluster_for(tmp_path / "cum", smtp, imap)
            imap.append(
                b"From: " + MEMBER_EMAIL["96"].encode() + b"\r\nSubject: moi\r\n\r\nkhong co tep\r\n", at(10, 7)
            )
            for raw, when in mails:
                imap.append(raw, when)
            second = run(control, "2026-07-11T10:00")
    assert [m.outcome for m in first.taken] == ["submitted", "no-workbook"]
    assert [m.outcome for m in second.taken] == ["no-workbook", "duplicate", "duplicate"]
    assert second.taken[0].uidvalidity != first.taken[0].uidvalidity
    assert second.received == []
    assert sorted(m.rcpt_tos[0] for m in smtp.messages) == sorted([MEMBER_EMAIL["86"], MEMBER_EMAIL["96"]])


def test_a_message_that_arrives_after_the_moment_acted_for_waits(tmp_path, servers):
    smtp, imap = servers
    control = cluster_for(tmp_path / "cum", smtp, imap)
    imap.append(letter(MEMBER_EMAIL["92"], "Báo cáo", [("ct.xlsx", workbook(tmp_path, "92"))]), at(10, 8))
    imap.append(letter(MEMBER_EMAIL["96"], "Báo cáo", [("cm.xlsx", workbook(tmp_path, "96"))]), at(12, 8))
    assert [m.uid for m in run(control, "2026-07-11").taken] == [101]
    assert [m.uid for m in run(control, "2026-07-13").taken] == [102]


def test_a_dry_run_saves_records_and_sends_nothing(tmp_path, servers):
    smtp, imap = servers
    control = cluster_for(tmp_path / "cum", smtp, imap)
    imap.append(letter(MEMBER_EMAIL["92"], "Báo cáo", [("ct.xlsx", workbook(tmp_path, "92"))]), at(10, 8))
    imap.append(letter(MEMBER_EMAIL["86"], "Không có tệp"), at(10, 9))
    imap.append(letter("la@example.com", "?", [("x.xlsx", workbook(tmp_path, "82"))]), at(10, 10))

    dry = run(control, "2026-07-11", dry_run=True)

    assert [m.outcome for m in dry.taken] == ["submitted", "no-workbook", "not-member"]
    assert list((control.parent / "nop").iterdir()) == [] and not (control.parent / "ket-qua" / ASIDE_FOLDER).exists()
    [reply] = dry.deliveries
    assert reply.outcome == "dry-run" and Path(reply.eml).is_file() and smtp.messages == []
    with Ledger.for_control(control) as ledger:
        assert ledger.mail() == [] and ledger.submissions() == [] and ledger.messages() == []
    assert [m.outcome for m in run(control, "2026-07-11").taken] == ["submitted", "no-workbook", "not-member"]


def test_too_large_a_message_is_not_downloaded_and_gets_a_reply(tmp_path, servers, monkeypatch):
    import toolkit.mail.collect

    smtp, imap = servers
    control = cluster_for(tmp_path / "cum", smtp, imap)
    data = workbook(tmp_path, "92")
    imap.append(letter(MEMBER_EMAIL["92"], "Báo cáo rất lớn", [("ct.xlsx", data)]), at(10, 8))
    monkeypatch.setattr(toolkit.mail.collect, "MAX_MESSAGE_BYTES", len(data) // 2)  # the cap, judged by RFC822.SIZE
    result = run(control, "2026-07-11")
    [mail] = result.taken
    assert mail.outcome == "too-large" and mail.files == () and result.received == []
    [reply] = smtp.messages
    assert "quá lớn" in reply.message.get_body(("plain",)).get_content()


def test_an_auto_reply_from_a_member_is_never_answered(tmp_path, servers):
    smtp, imap = servers
    control = cluster_for(tmp_path / "cum", smtp, imap)
    imap.append(
        letter(MEMBER_EMAIL["92"], "Vắng mặt / Out of office", headers={"Auto-Submitted": "auto-replied"}), at(10, 8)
    )
    [mail] = run(control, "2026-07-11").taken
    assert mail.outcome == "automatic" and smtp.messages == []


def test_starttls_with_a_trusted_certificate(tmp_path, vietnam_time):
    ca = make_ca(tmp_path / "ca")
    with plain_server() as smtp, imap_server(tmp_path / "imap", ca) as imap:
        control = cluster_for(tmp_path / "cum", smtp, imap, tep_ca=str(ca.cafile))
        imap.append(letter(MEMBER_EMAIL["92"], "Báo cáo", [("ct.xlsx", workbook(tmp_path, "92"))]), at(10, 8))
        result = run(control, "2026-07-11")
    assert [m.outcome for m in result.taken] == ["submitted"]


def test_starttls_with_an_untrusted_certificate_reads_nothing(tmp_path, vietnam_time):
    ca = make_ca(tmp_path / "ca")
    with plain_server() as smtp, imap_server(tmp_path / "imap", ca) as imap:
        control = cluster_for(tmp_path / "cum", smtp, imap)  # no Tệp CA: the throwaway CA is not trusted
        imap.append(letter(MEMBER_EMAIL["92"], "Báo cáo", [("ct.xlsx", workbook(tmp_path, "92"))]), at(10, 8))
        with pytest.raises(ImapTlsFailed) as err:
            run(control, "2026-07-11")
        before = imap.flags()
    assert "Tệp CA" in err.value.vi and "certificate" in err.value.en
    assert before == {101: ""}
    assert list((control.parent / "nop").iterdir()) == []


def test_a_wrong_password_is_explained_and_never_shown(tmp_path, servers, caplog):
    smtp, imap = servers
    control = cluster_for(tmp_path / "cum", smtp, imap)
    caplog.set_level(logging.DEBUG)
    with pytest.raises(ImapLoginFailed) as err:
        collect(control, "2026-07-11", password="wrong-Pa55word")
    assert USER in err.value.vi and "wrong-Pa55word" not in str(err.value)
    assert "b'" not in err.value.vi + err.value.en  # the server's text, decoded
    assert err.value.en.endswith("): [AUTHENTICATIONFAILED] Invalid authentication credentials.")
    assert "wrong-Pa55word" not in caplog.text
    [alert] = smtp.messages  # the lead is told, without the password either
    assert b"wrong-Pa55word" not in alert.raw
    assert "từ chối đăng nhập" in alert.message.get_body(("plain",)).get_content()
    assert b"wrong-Pa55word" not in (control.parent / "aidkit-ledger.sqlite").read_bytes()


def test_the_password_comes_from_the_environment(tmp_path, servers, monkeypatch):
    smtp, imap = servers
    control = cluster_for(tmp_path / "cum", smtp, imap)
    imap.append(letter(MEMBER_EMAIL["92"], "Báo cáo", [("ct.xlsx", workbook(tmp_path, "92"))]), at(10, 8))
    monkeypatch.setenv("AIDKIT_IMAP_PASSWORD", PASSWORD)
    assert [m.outcome for m in collect(control, "2026-07-11").taken] == ["submitted"]


def test_an_unreachable_mailbox_is_one_clear_error_and_the_lead_is_told_once_per_outage(tmp_path, vietnam_time):
    from smtp_server import free_port

    with plain_server() as smtp:
        control = make_cluster(
            tmp_path / "cum",
            smtp,
            may_chu_imap="127.0.0.1",
            cong_imap=free_port(),
            tai_khoan_nhan=USER,
            bao_mat_imap="Không",
        )
        with pytest.raises(MailboxUnreachable) as err:
            run(control, "2026-07-11T07:00")
        with pytest.raises(MailboxUnreachable):
            run(control, "2026-07-12T07:00")  # still down the next day: no second alert
        alerts = [m for m in smtp.messages if m.message["X-Aidkit-Kind"] == "collect_alert"]
        with imap_server(tmp_path / "imap") as imap:  # it works again ...
            control = cluster_for(tmp_path / "cum", smtp, imap)
            assert run(control, "2026-07-13T07:00").taken == []
        with pytest.raises(MailboxUnreachable):  # ... and fails again: a new outage, a new alert
            run(control, "2026-07-14T07:00")
        later = [m for m in smtp.messages if m.message["X-Aidkit-Kind"] == "collect_alert"]
    assert "127.0.0.1" in err.value.vi and "Cannot reach" in err.value.en
    [alert] = alerts
    assert alert.rcpt_tos == [LEAD]
    body = alert.message.get_body(("plain",)).get_content()
    assert "Từ 11/07/2026 07:00" in body and "Không kết nối được máy chủ IMAP 127.0.0.1" in body
    assert len(later) == 2 and "14/07/2026 07:00" in later[1].message.get_body(("plain",)).get_content()
    assert os.environ.get("AIDKIT_IMAP_PASSWORD") is None


def test_a_mailbox_folder_with_a_vietnamese_name(tmp_path, servers):
    smtp, imap = servers
    control = cluster_for(tmp_path / "cum", smtp, imap, hop_thu_nhan="Báo cáo tỉnh")
    from toolkit.mail.imap import mailbox_name

    imap.append(
        letter(MEMBER_EMAIL["92"], "Báo cáo", [("ct.xlsx", workbook(tmp_path, "92"))]),
        at(10, 8),
        mailbox=mailbox_name("Báo cáo tỉnh"),
    )
    imap.append(letter(MEMBER_EMAIL["96"], "Báo cáo", [("cm.xlsx", workbook(tmp_path, "96"))]), at(10, 9))
    assert [m.province for m in run(control, "2026-07-11").taken] == ["92"]  # INBOX is not this mailbox


def test_receipts_arrive_for_every_collected_file_and_parse(tmp_path, servers):
    smtp, imap = servers
    control = cluster_for(tmp_path / "cum", smtp, imap)
    for n, code in enumerate(("82", "92", "96")):
        imap.append(
            letter(MEMBER_EMAIL[code], f"Báo cáo {code}", [(f"{code}.xlsx", workbook(tmp_path, code))]), at(10, 8 + n)
        )
    run(control, "2026-07-11")
    acknowledge(control, "2026-07-11T08:00", backoff=0, sleep=lambda _: None)
    assert sorted(parse(m.raw)["X-Aidkit-Province"] for m in smtp.messages) == ["82", "92", "96"]


def stranger(header: str, subject: str = "Xin tài trợ") -> bytes:
    """A stranger's message with one hostile header (issue 17); its part has an attachment."""
    return (
        f"From: la@example.com\r\nTo: {USER}\r\nSubject: {subject}\r\nMIME-Version: 1.0\r\n"
        f'Content-Type: multipart/mixed; boundary="b"\r\n{header}\r\n\r\n'
        "--b\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=a.xlsx\r\n"
        "\r\nPK\r\n--b--\r\n"
    ).encode("utf-8", "surrogateescape")


def test_a_poison_message_is_set_aside_once_named_in_the_digest_and_never_blocks_the_others(tmp_path, servers):
    # pymap itself cannot store 600 nested comments in the top Content-Type nor parse a 585 KB Subject in
    # under 20 s, so the mailbox holds their cousins: the same comments in a part's Content-Disposition,
    # the same 20,000 encoded words in Auto-Submitted (tests/test_attachments.py reads the originals).
    smtp, imap = servers
    control = cluster_for(tmp_path / "cum", smtp, imap)
    nested = stranger("X-Note: -").replace(b"attachment;", b"attachment " + b"(" * 600 + b")" * 600 + b";")
    words = " ".join(f"=?utf-8?q?t=E1=BB=AB_{n:05d}?=" for n in range(20_000))
    huge = stranger(f"Auto-Submitted: {words}")
    broken = stranger("X-Note: -").replace(b'boundary="b"', b"boundary=b;  \t\xff*")  # IndexError in CPython
    for n, raw in enumerate((nested, huge, broken)):
        imap.append(raw, at(10, 8 + n))
    imap.append(letter(MEMBER_EMAIL["92"], "Báo cáo", [("ct.xlsx", workbook(tmp_path, "92"))]), at(10, 12))

    result = run(control, "2026-07-11")
    again = run(control, "2026-07-12")

    assert [m.outcome for m in result.taken] == ["not-member", "not-member", "unparsed", "submitted"]
    assert [[f["name"] for f in m.files] for m in result.taken[:2]] == [["a.xlsx"], ["a.xlsx"]]
    poison = result.taken[2]
    assert poison.sender == "la@example.com"
    [kept] = [f["kept"] for f in poison.files]
    assert Path(kept).parent.name == ASIDE_FOLDER and Path(kept).read_bytes() == broken
    assert "thư không đọc được" in result.to_text() and "cannot be read" in result.to_text()
    assert again.taken == [] and len(result.received) == 1
    digest = remind(control, (DUE + timedelta(days=7)).isoformat(), backoff=0, sleep=lambda _: None)
    assert [d.outcome for d in digest.deliveries if d.kind == "escalation"] == ["sent"]
    [message] = [m for m in smtp.messages if m.rcpt_tos == [LEAD]]
    assert Path(kept).name.endswith("thu-khong-doc-duoc.eml")
    assert "thu-khong-doc-duoc.eml" in message.message.get_body(("plain",)).get_content()


def test_a_member_whose_message_was_cut_short_is_told_so(tmp_path, servers):
    smtp, imap = servers
    control = cluster_for(tmp_path / "cum", smtp, imap)
    files = [(f"anh-{n}.jpg", b"\xff\xd8\xff") for n in range(300)]
    files[250] = ("ct.xlsx", workbook(tmp_path, "92"))
    imap.append(letter(MEMBER_EMAIL["92"], "Báo cáo kèm ảnh", files), at(10, 8))

    [mail] = run(control, "2026-07-11").taken

    assert mail.outcome == "cut-short"
    [reply] = smtp.messages
    body = reply.message.get_body(("plain",)).get_content()
    assert "thư bị cắt bớt" in body and "was cut short" in body and "không có tệp Excel" not in body


def test_a_strangers_two_attachments_of_one_name_are_both_kept(tmp_path, servers):
    smtp, imap = servers
    control = cluster_for(tmp_path / "cum", smtp, imap)
    imap.append(
        letter("la@example.com", "Hai bản", [("bao-cao.xlsx", b"PK first"), ("bao-cao.xlsx", b"PK second")]), at(10, 8)
    )
    result = run(control, "2026-07-11")
    assert sorted(Path(k).read_bytes() for k in result.aside) == [b"PK first", b"PK second"]
