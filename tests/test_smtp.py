"""toolkit.mail.smtp against a real aiosmtpd server (see smtp_server.py), with the settings, the password
lookup and the messages it sends (toolkit.mail.settings, toolkit.mail.message).

yagmail is never mocked: every send goes through yagmail.SMTP and a real
socket to 127.0.0.1.  Only ``sleep`` is injected so retries are instant.
"""

from __future__ import annotations

import base64
import email
import email.policy
import logging
import sys
import traceback
from pathlib import Path

import pytest

from smtp_server import (
    PASSWORD,
    USERNAME,
    free_port,
    make_ca,
    plain_server,
    ssl_server,
    starttls_server,
)
from toolkit.mail.errors import (
    AuthenticationFailed,
    HeaderInjection,
    InvalidAddress,
    InvalidMessage,
    InvalidSettings,
    MailError,
    PasswordMissing,
    TlsUnavailable,
    TlsVerificationFailed,
)
from toolkit.mail.message import OutgoingMessage, build_message, write_eml
from toolkit.mail.settings import SmtpSettings, parse_security, resolve_password
from toolkit.mail.smtp import send

SUBJECT = "Nhắc nộp báo cáo kỳ 2026-H1 – Cần Thơ"
ATTACHMENT_NAME = "Báo cáo tổng hợp.xlsx"
ATTACHMENT_BYTES = b"PK\x03\x04" + bytes(range(256)) * 40  # binary, > 10 kB
SENDER = "noreply@lhh-cantho.example.vn"


# ---------------------------------------------------------------------------
# fixtures
# ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def ca(tmp_path_factory):
    return make_ca(tmp_path_factory.mktemp("ca"))


@pytest.fixture
def plain():
    with plain_server() as srv:
        yield srv


@pytest.fixture
def tls(ca):
    with starttls_server(ca) as srv:
        yield srv


@pytest.fixture
def smtps(ca):
    with ssl_server(ca) as srv:
        yield srv


class Sleeps(list):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def sleeps():
    return Sleeps()


def plain_settings(srv, **kw) -> SmtpSettings:
    kw.setdefault("from_addr", SENDER)
    kw.setdefault("sender_name", "LHH các tổ chức hữu nghị Cần Thơ")
    return SmtpSettings(host=srv.host, port=srv.port, security="Không", **kw)


def tls_settings(srv, ca, security="STARTTLS", trusted=True, **kw) -> SmtpSettings:
    kw.setdefault("user", USERNAME)
    return SmtpSettings(host=srv.host, port=srv.port, security=security, cafile=ca.cafile if trusted else None, **kw)


def report(**kw) -> OutgoingMessage:
    kw.setdefault("to", ["chi.lan@example.vn"])
    kw.setdefault("subject", SUBJECT)
    kw.setdefault("text", "Kính gửi chị Lan,\nXin nộp báo cáo trước ngày 15/7.")
    kw.setdefault("attachments", [(ATTACHMENT_NAME, ATTACHMENT_BYTES)])
    return OutgoingMessage(**kw)


def attachments_of(msg) -> list[tuple[str, bytes]]:
    return [(p.get_filename(), p.get_payload(decode=True)) for p in msg.iter_attachments()]


def password_forms(password: str = PASSWORD) -> list[str]:
    pw = password.encode()
    return [
        password,
        base64.b64encode(pw).decode(),
        base64.b64encode(b"\0" + USERNAME.encode() + b"\0" + pw).decode(),
    ]


# ---------------------------------------------------------------------------
# delivery
# ---------------------------------------------------------------------------
def test_plain_send_vietnamese_subject_and_attachment(plain, sleeps):
    result = send(plain_settings(plain), None, report(cc=["anh.minh@example.vn"]), sleep=sleeps)

    assert result.outcome == "sent" and result.ok
    assert result.attempts == 1 and result.refused == {} and result.error == ""
    assert sleeps == []
    [got] = plain.messages
    assert got.mail_from == SENDER
    assert got.rcpt_tos == ["chi.lan@example.vn", "anh.minh@example.vn"]
    m = got.message
    assert m["Subject"] == SUBJECT
    assert m["From"].addresses[0].display_name == "LHH các tổ chức hữu nghị Cần Thơ"
    assert m["Message-ID"] == result.message_id
    assert result.message_id.startswith("<") and result.message_id.endswith(">")
    assert attachments_of(m) == [(ATTACHMENT_NAME, ATTACHMENT_BYTES)]
    # (bodies travel with CRLF line ends; a mail client shows them as lines)
    assert m.get_body(("plain",)).get_content().replace("\r\n", "\n").rstrip("\n") == (
        "Kính gửi chị Lan,\nXin nộp báo cáo trước ngày 15/7."
    )
    # Headers and bodies are 7-bit on the wire (RFC 2047 / RFC 2231 / QP).
    assert got.raw.isascii()


def test_text_and_html_alternatives_and_path_attachment(plain, tmp_path):
    f = tmp_path / "Danh sách dự án.csv"
    f.write_bytes("Mã,Tên\nP01,Nước sạch\n".encode("utf-8"))
    send(plain_settings(plain), None, report(html="<p>Kính gửi <b>chị Lan</b></p>", attachments=[f]))
    m = plain.messages[0].message
    assert m.get_body(("html",)).get_content().strip() == "<p>Kính gửi <b>chị Lan</b></p>"
    assert m.get_body(("plain",)).get_content().startswith("Kính gửi chị Lan")
    assert attachments_of(m) == [("Danh sách dự án.csv", f.read_bytes())]


def test_starttls_with_auth_and_trusted_ca(tls, ca):
    result = send(tls_settings(tls, ca), PASSWORD, report())
    assert result.outcome == "sent"
    [got] = tls.messages
    assert got.authenticated is True
    assert tls.handler.auth_attempts == [("PLAIN", USERNAME)]
    assert got.message["Subject"] == SUBJECT
    assert attachments_of(got.message) == [(ATTACHMENT_NAME, ATTACHMENT_BYTES)]


def test_ssl_mode(smtps, ca):
    result = send(tls_settings(smtps, ca, security="SSL"), PASSWORD, report())
    assert result.outcome == "sent"
    [got] = smtps.messages
    assert got.authenticated is True
    assert got.message["Subject"] == SUBJECT


@pytest.mark.parametrize("security", ["STARTTLS", "SSL"])
def test_untrusted_certificate_is_refused_and_nothing_arrives(ca, security, sleeps):
    server = starttls_server if security == "STARTTLS" else ssl_server
    with server(ca) as srv:
        with pytest.raises(TlsVerificationFailed) as err:
            send(tls_settings(srv, ca, security=security, trusted=False), PASSWORD, report(), sleep=sleeps)
        assert srv.messages == []
        assert srv.handler.auth_attempts == []  # the password never left
    assert sleeps == []  # not retried: it would fail the same way
    assert "cafile" in str(err.value)
    assert PASSWORD not in str(err.value)


def test_starttls_required_but_not_offered_is_not_downgraded(plain):
    settings = SmtpSettings(plain.host, plain.port, "STARTTLS", user=USERNAME)
    with pytest.raises(TlsUnavailable):
        send(settings, PASSWORD, report())
    assert plain.messages == []


def test_wrong_password_gives_clear_error_without_password(tls, ca, sleeps):
    wrong = "Wr0ng-Passw0rd-xyz"
    with pytest.raises(AuthenticationFailed) as err:
        send(tls_settings(tls, ca), wrong, report(), sleep=sleeps)
    text = "".join(traceback.format_exception(err.value))
    for form in password_forms(wrong):
        assert form not in text
    assert "535" in str(err.value)
    assert "mật khẩu" in str(err.value) and "password" in str(err.value)
    assert str(err.value).index("mật khẩu") < str(err.value).index("password")
    assert tls.messages == [] and sleeps == []


def test_non_ascii_password_error_does_not_quote_it(tls, ca):
    secret = "Mật-khẩu-bí-mật"
    with pytest.raises(AuthenticationFailed) as err:
        send(tls_settings(tls, ca), secret, report())
    text = "".join(traceback.format_exception(err.value))
    assert secret not in text
    # smtplib's own UnicodeEncodeError would quote a character and its position
    assert "\\u1ead" not in text and "ordinal" not in text and "position" not in text
    assert tls.messages == []


def test_password_never_in_logs_results_or_errors(tls, ca, caplog, sleeps):
    caplog.set_level(logging.DEBUG)
    ok = send(tls_settings(tls, ca), PASSWORD, report(), sleep=sleeps)
    with pytest.raises(AuthenticationFailed) as err:
        send(tls_settings(tls, ca), PASSWORD + "-typo", report(), sleep=sleeps)
    tls.handler.fail_next("DATA", "451 4.3.0 Busy", times=9)
    failed = send(tls_settings(tls, ca), PASSWORD, report(), retries=1, sleep=sleeps)
    assert failed.outcome == "failed"

    # Client-side records only: "mail.log" is aiosmtpd, i.e. the test server.
    client_logs = "\n".join(r.getMessage() for r in caplog.records if not r.name.startswith("mail.log"))
    assert "retrying" in client_logs  # the logs are there...
    everything = "\n".join(
        [
            client_logs,
            str(ok),
            str(failed),
            str(err.value),
            repr(err.value),
            "".join(traceback.format_exception(err.value)),
        ]
    )
    for form in password_forms(PASSWORD) + password_forms(PASSWORD + "-typo"):
        assert form not in everything  # ...but no password in any form


def test_password_missing(tls, ca):
    settings = tls_settings(tls, ca)
    with pytest.raises(PasswordMissing) as err:
        send(settings, None, report())
    assert "AIDKIT_SMTP_PASSWORD" in str(err.value)
    assert tls.handler.auth_attempts == [] and tls.messages == []


def test_yagmail_never_consults_keyring(tls, ca, plain, monkeypatch):
    keyring = pytest.importorskip("keyring")

    def forbidden(*args, **kwargs):
        raise AssertionError("keyring must not be used while sending")

    monkeypatch.setattr(keyring, "get_password", forbidden)
    assert send(tls_settings(tls, ca), PASSWORD, report()).outcome == "sent"
    assert send(plain_settings(plain), None, report()).outcome == "sent"


def test_login_name_without_at_sign_is_sent_verbatim(tls, ca):
    # yagmail would turn "lhh-cantho" into "lhh-cantho@gmail.com".
    settings = tls_settings(tls, ca, user="lhh-cantho", from_addr=SENDER)
    with pytest.raises(AuthenticationFailed):
        send(settings, PASSWORD, report())
    assert tls.handler.auth_attempts  # smtplib tries PLAIN, then LOGIN
    assert {login for _, login in tls.handler.auth_attempts} == {"lhh-cantho"}


# ---------------------------------------------------------------------------
# path magic and header injection
# ---------------------------------------------------------------------------
def test_body_equal_to_existing_path_is_not_attached(plain, tmp_path):
    secret = tmp_path / "luong-nhan-vien.txt"
    secret.write_text("BÍ MẬT: bảng lương", encoding="utf-8")
    path_text = str(secret)
    assert Path(path_text).is_file()

    send(plain_settings(plain), None, report(text=path_text, html=path_text, attachments=[]))

    [got] = plain.messages
    m = got.message
    assert list(m.iter_attachments()) == []
    assert m.get_body(("plain",)).get_content().strip() == path_text
    assert m.get_body(("html",)).get_content().strip() == path_text
    raw = got.raw.decode("ascii")
    assert "bảng lương" not in m.as_string()
    assert base64.b64encode(secret.read_bytes()).decode()[:16] not in raw


def test_string_attachment_is_refused(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text("x")
    settings = SmtpSettings("127.0.0.1", 25, "NONE", from_addr=SENDER)
    with pytest.raises(InvalidMessage):
        build_message(report(attachments=[str(f)]), settings)


@pytest.mark.parametrize(
    "bad, exc",
    [
        ({"subject": "Báo cáo\r\nBcc: evil@attacker.example"}, HeaderInjection),
        ({"subject": "Báo cáo\nX-Injected: 1"}, HeaderInjection),
        ({"subject": "Báo cáo\u2028Bcc: evil@attacker.example"}, HeaderInjection),
        ({"to": ["chi.lan@example.vn\r\nBcc: evil@attacker.example"]}, HeaderInjection),
        ({"cc": ["a@example.vn\nb@example.vn"]}, HeaderInjection),
        ({"to": ["chi.lan@example.vn, evil@attacker.example"]}, InvalidAddress),
        ({"to": ["chi.lan@example.vn>, <evil@attacker.example"]}, InvalidAddress),
        ({"to": ["không-phải-địa-chỉ"]}, InvalidAddress),
        ({"to": ["a@b"]}, InvalidAddress),
        ({"to": []}, InvalidMessage),
        ({"headers": {"X-Ref": "1\r\nBcc: evil@attacker.example"}}, HeaderInjection),
        ({"headers": {"Bcc": "evil@attacker.example"}}, InvalidMessage),
        ({"headers": {"X Bad: name": "1"}}, HeaderInjection),
        ({"attachments": [("a\r\nb.txt", b"x")]}, HeaderInjection),
    ],
)
def test_header_injection_and_bad_addresses_rejected(plain, bad, exc):
    with pytest.raises(exc) as err:
        send(plain_settings(plain), None, report(**bad))
    assert isinstance(err.value, MailError) and isinstance(err.value, ValueError)
    assert plain.messages == []


def test_subject_trailing_newline_from_template_is_trimmed(plain):
    send(plain_settings(plain), None, report(subject=SUBJECT + "\n"))
    assert plain.messages[0].message["Subject"] == SUBJECT


def test_display_names_are_accepted(plain):
    send(
        plain_settings(plain),
        None,
        report(to=["Nguyễn Thị Lan <chi.lan@example.vn>", '"Trần, Minh" <minh@example.vn>']),
    )
    [got] = plain.messages
    assert got.rcpt_tos == ["chi.lan@example.vn", "minh@example.vn"]
    names = [a.display_name for a in got.message["To"].addresses]
    assert names == ["Nguyễn Thị Lan", "Trần, Minh"]


# ---------------------------------------------------------------------------
# retries and refusals
# ---------------------------------------------------------------------------
def test_transient_4xx_then_success(plain, sleeps):
    plain.handler.fail_next("DATA", "451 4.3.0 Try again later", times=1)
    result = send(plain_settings(plain), None, report(), retries=3, backoff=1.0, sleep=sleeps)
    assert result.outcome == "sent" and result.ok
    assert result.attempts == 2
    assert sleeps == [1.0]
    assert len(plain.messages) == 1


def test_transient_failures_exhausted_use_exponential_backoff(plain, sleeps):
    plain.handler.fail_next("MAIL", "421 4.7.0 Too many connections", times=10)
    result = send(plain_settings(plain), None, report(), retries=3, backoff=0.5, sleep=sleeps)
    assert result.outcome == "failed"
    assert result.attempts == 4
    assert sleeps == [0.5, 1.0, 2.0]
    assert result.refused == {"chi.lan@example.vn": (0, result.error)}
    assert "421" in result.error
    assert plain.messages == []


def test_connection_refused_is_retried_then_reported(sleeps):
    settings = SmtpSettings("127.0.0.1", free_port(), "NONE", from_addr=SENDER, timeout=5)
    result = send(settings, None, report(), retries=2, sleep=sleeps)
    assert result.outcome == "failed" and result.attempts == 3
    assert sleeps == [1.0, 2.0]
    assert "connect" in result.error


def test_permanent_data_error_is_not_retried(plain, sleeps):
    plain.handler.fail_next("DATA", "554 5.6.0 Message rejected")
    result = send(plain_settings(plain), None, report(), sleep=sleeps)
    assert result.outcome == "failed" and result.attempts == 1 and sleeps == []
    assert result.refused["chi.lan@example.vn"][0] == 554
    assert "554" in result.error


def test_one_recipient_5xx_others_still_delivered(plain, sleeps):
    plain.handler.refuse_recipient("khong-ton-tai@example.vn")
    msg = report(to=["chi.lan@example.vn", "khong-ton-tai@example.vn"], cc=["anh.minh@example.vn"])
    result = send(plain_settings(plain), None, msg, sleep=sleeps)

    assert result.outcome == "sent" and not result.ok
    assert result.attempts == 1 and sleeps == []
    assert set(result.refused) == {"khong-ton-tai@example.vn"}
    code, text = result.refused["khong-ton-tai@example.vn"]
    assert code == 550 and "5.1.1" in text
    assert result.accepted == ("chi.lan@example.vn", "anh.minh@example.vn")
    [got] = plain.messages
    assert got.rcpt_tos == ["chi.lan@example.vn", "anh.minh@example.vn"]
    # The header still names everybody the sender meant to write to.
    assert "khong-ton-tai@example.vn" in str(got.message["To"])


def test_all_recipients_5xx_is_failed(plain, sleeps):
    plain.handler.refuse_recipient("chi.lan@example.vn")
    result = send(plain_settings(plain), None, report(), sleep=sleeps)
    assert result.outcome == "failed" and result.attempts == 1 and sleeps == []
    assert result.refused["chi.lan@example.vn"][0] == 550
    assert plain.messages == []


def test_rcpt_4xx_is_retried_for_that_recipient_only(plain, sleeps):
    plain.handler.fail_next("RCPT", "450 4.2.1 Mailbox busy", times=1)
    msg = report(to=["chi.lan@example.vn", "anh.minh@example.vn"])
    result = send(plain_settings(plain), None, msg, sleep=sleeps)
    assert result.ok and result.attempts == 2 and sleeps == [1.0]
    assert sorted(result.accepted) == ["anh.minh@example.vn", "chi.lan@example.vn"]
    # Two transactions, nobody got the message twice.
    assert [m.rcpt_tos for m in plain.messages] == [["anh.minh@example.vn"], ["chi.lan@example.vn"]]
    ids = {m.message["Message-ID"] for m in plain.messages}
    assert ids == {result.message_id}


# ---------------------------------------------------------------------------
# password lookup
# ---------------------------------------------------------------------------
SETTINGS_WITH_USER = SmtpSettings("smtp.example.vn", 587, "STARTTLS", user=USERNAME)


@pytest.fixture
def keyring_calls(monkeypatch):
    keyring = pytest.importorskip("keyring")
    calls = []

    def get_password(service, username):
        calls.append((service, username))
        return "from-keyring"

    monkeypatch.setattr(keyring, "get_password", get_password)
    return calls


def test_resolve_password_env_first(keyring_calls):
    env = {"AIDKIT_SMTP_PASSWORD": "from-env"}
    assert resolve_password(SETTINGS_WITH_USER, environ=env) == "from-env"
    assert keyring_calls == []


def test_resolve_password_keyring_service_and_user(keyring_calls):
    assert resolve_password(SETTINGS_WITH_USER, environ={"AIDKIT_SMTP_PASSWORD": ""}) == "from-keyring"
    assert keyring_calls == [("aidkit", USERNAME)]


def test_resolve_password_no_user_is_none(keyring_calls):
    settings = SmtpSettings("smtp.example.vn", 25, "NONE", from_addr=SENDER)
    assert resolve_password(settings, environ={"AIDKIT_SMTP_PASSWORD": "x"}) is None
    assert keyring_calls == []


def test_resolve_password_keyring_not_installed(monkeypatch):
    monkeypatch.setitem(sys.modules, "keyring", None)  # import keyring -> ImportError
    assert resolve_password(SETTINGS_WITH_USER, environ={}) is None


def test_resolve_password_keyring_without_backend(monkeypatch):
    keyring = pytest.importorskip("keyring")
    from keyring.backends import fail

    monkeypatch.setattr(keyring, "get_password", fail.Keyring().get_password)
    with pytest.raises(keyring.errors.NoKeyringError):  # the real failure...
        keyring.get_password("aidkit", USERNAME)
    assert resolve_password(SETTINGS_WITH_USER, environ={}) is None  # ...tolerated


def test_resolve_password_nothing_stored(monkeypatch):
    keyring = pytest.importorskip("keyring")
    monkeypatch.setattr(keyring, "get_password", lambda service, user: None)
    assert resolve_password(SETTINGS_WITH_USER, environ={}) is None


# ---------------------------------------------------------------------------
# settings
# ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text, mode",
    [
        ("STARTTLS", "STARTTLS"),
        ("starttls", "STARTTLS"),
        (" Start TLS ", "STARTTLS"),
        ("SSL", "SSL"),
        ("SSL/TLS", "SSL"),
        ("smtps", "SSL"),
        ("Không", "NONE"),
        ("KHÔNG", "NONE"),
        ("khong", "NONE"),
        ("None", "NONE"),
        ("Kho\u0302\u0301ng", "NONE"),  # decomposed (NFD) Vietnamese from some sources
    ],
)
def test_parse_security(text, mode):
    assert parse_security(text) == mode
    assert SmtpSettings.parse_security(text) == mode
    assert SmtpSettings("h.example.vn", 25, text).security == mode


@pytest.mark.parametrize("text", ["TLS", "", "yes", None])
def test_parse_security_rejects_unknown(text):
    with pytest.raises(InvalidSettings):
        parse_security(text)


def test_settings_coerce_excel_port_and_reject_bad_values():
    assert SmtpSettings("smtp.example.vn", 587.0).port == 587
    with pytest.raises(InvalidSettings):
        SmtpSettings("smtp.example.vn", 70000)
    with pytest.raises(InvalidSettings):
        SmtpSettings("smtp.exa\r\nmple.vn", 25)
    with pytest.raises(HeaderInjection):
        SmtpSettings("smtp.example.vn", 25, sender_name="LHH\r\nBcc: x@y.vn")


def test_missing_cafile_is_a_settings_error(tmp_path, plain):
    settings = SmtpSettings(plain.host, plain.port, "STARTTLS", from_addr=SENDER, cafile=tmp_path / "missing.pem")
    with pytest.raises(InvalidSettings):
        send(settings, None, report())


# ---------------------------------------------------------------------------
# .eml
# ---------------------------------------------------------------------------
def test_write_eml_matches_what_is_sent(plain, tmp_path):
    msg = report(
        cc=["anh.minh@example.vn"],
        html="<p>Kính gửi</p>",
        attachments=[(ATTACHMENT_NAME, ATTACHMENT_BYTES), ("ghi chú.txt", b"a\n")],
    )
    settings = plain_settings(plain)
    out = tmp_path / "dry-run"

    path = write_eml(msg, settings, out, "Cần Thơ - 2026-H1")
    assert path == out / "Cần Thơ - 2026-H1.eml"
    assert sorted(p.name for p in out.iterdir()) == [path.name]  # no temp left

    eml = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    send(settings, None, msg)
    sent = plain.messages[0].message

    for m in (eml, sent):
        assert m["Subject"] == SUBJECT
        assert attachments_of(m) == [(ATTACHMENT_NAME, ATTACHMENT_BYTES), ("ghi chú.txt", b"a\n")]
        assert m["Message-ID"]
    assert [p.get_content_type() for p in eml.walk()] == [p.get_content_type() for p in sent.walk()]
    for header in ("From", "To", "Cc"):
        assert str(eml[header]) == str(sent[header])


def test_write_eml_replaces_atomically_and_rejects_paths(tmp_path):
    settings = SmtpSettings("smtp.example.vn", 25, "NONE", from_addr=SENDER)
    first = write_eml(report(subject="một"), settings, tmp_path, "x.eml")
    second = write_eml(report(subject="hai"), settings, tmp_path, "x.eml")
    assert first == second
    parsed = email.message_from_bytes(second.read_bytes(), policy=email.policy.default)
    assert parsed["Subject"] == "hai"
    assert [p.name for p in tmp_path.iterdir()] == ["x.eml"]
    for bad in ("../evil", "a/b", ""):
        with pytest.raises(InvalidMessage):
            write_eml(report(), settings, tmp_path, bad)
