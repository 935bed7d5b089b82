"""Delivery through the ledger against a real SMTP server: a fault costs one message's retries, a run keeps
to its time (issue 9's bounded fault time)."""

from __future__ import annotations

from datetime import date

from cluster import LEAD, PERIOD
from smtp_server import Stalling, free_port, plain_server
from toolkit.ledger import Ledger
from toolkit.mail.message import OutgoingMessage
from toolkit.mail.postman import Postman
from toolkit.mail.settings import SmtpSettings


def d(day: int) -> date:
    return date(2026, 7, day)


def message(n: int) -> OutgoingMessage:
    return OutgoingMessage(to=[f"p{n}@example.vn"], subject=f"Nhắc {n}", text="…")


def test_a_server_that_is_down_costs_one_message_of_retries_not_one_per_province(tmp_path):
    waits: list[float] = []
    settings = SmtpSettings("127.0.0.1", free_port(), "NONE", from_addr=LEAD)
    with Ledger(tmp_path / "l.sqlite") as ledger:
        postman = Postman(ledger, settings, retries=3, backoff=2.0, sleep=waits.append)
        results = [
            postman.deliver(message(n), kind="reminder_after", period=PERIOD, province=f"{n:02d}", day=d(16))
            for n in range(34)
        ]
        assert waits == [2.0, 4.0, 8.0]  # the first message's retries only
        assert [r.outcome for r in results] == ["failed"] * 34
        assert [r.attempts for r in results[1:]] == [0] * 33 and "next run" in results[1].error
        assert {m.outcome for m in ledger.messages()} == {"failed"}  # recorded; the next run may claim them
        assert ledger.claim("reminder_after", PERIOD, "05", d(16)) is not None


def test_a_stalling_server_costs_the_timeouts_of_one_message_only(tmp_path):
    handler = Stalling(stall=5)
    with plain_server(handler) as server, Ledger(tmp_path / "l.sqlite") as ledger:
        settings = SmtpSettings(server.host, server.port, "NONE", from_addr=LEAD, timeout=0.5)
        postman = Postman(ledger, settings, retries=1, backoff=0, sleep=lambda s: None)
        results = [
            postman.deliver(message(n), kind="reminder_after", period=PERIOD, province=f"{n:02d}", day=d(16))
            for n in range(10)
        ]
    # two timeouts of the first message, then nothing tried (bench/RESULTS.md has the times)
    assert [r.attempts for r in results] == [2] + [0] * 9
    assert [r.outcome for r in results] == ["failed"] * 10 and handler.messages == []


def test_a_run_stops_sending_when_its_time_is_up(tmp_path):
    with plain_server() as server, Ledger(tmp_path / "l.sqlite") as ledger:
        settings = SmtpSettings(server.host, server.port, "NONE", from_addr=LEAD)
        postman = Postman(ledger, settings, budget=0)
        result = postman.deliver(message(1), kind="reminder_after", period=PERIOD, province="01", day=d(16))
        assert result.outcome == "failed" and "time is up" in result.error and server.messages == []
