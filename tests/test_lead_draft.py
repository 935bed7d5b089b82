"""The lead's draft (issue 17 item 2, issue 18 item 5): an edited report is kept, attached as left, labelled.

`aidkit report` writes bao-cao_{period}.docx; the lead edits it in Word. A second report writes the
new draft beside it and says so; send-report attaches the report as the lead left it, never writes it
again, and calls it "dự thảo" only while nobody has edited it; a dry run writes nothing but .eml files.
"""

from __future__ import annotations

import email
import email.policy
import io
from datetime import date
from pathlib import Path

from click.testing import CliRunner
from docx import Document

from cluster import attachments, drop, make_cluster
from smtp_server import plain_server
from toolkit.cli import cli

LEADS_WORDS = "Ý kiến của trưởng cụm: đề nghị biểu dương Cần Thơ."


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def cluster(folder: Path, server=None) -> Path:
    control = make_cluster(folder, server, provinces=("86", "92"))
    drop(control, "ct.xlsx", "92", date(2026, 7, 10))
    drop(control, "vl.xlsx", "86", date(2026, 7, 12))
    return control


def lead_edits(path: Path) -> bytes:
    doc = Document(str(path))
    doc.add_paragraph(LEADS_WORDS)
    doc.save(str(path))
    return path.read_bytes()


def texts(data: bytes) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)


def files_under(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*") if p.is_file()}


def test_a_second_report_writes_beside_the_edited_one_and_says_so(tmp_path):
    control = cluster(tmp_path)
    outbox = control.parent / "ket-qua"
    first = invoke("report", "--control", control, "-k", "2026-H1", "--now", "2026-07-20")
    assert first.exit_code == 0, first.output
    draft = outbox / "bao-cao_2026-H1.docx"
    again = invoke("report", "--control", control, "-k", "2026-H1", "--now", "2026-07-21")
    assert again.exit_code == 0 and not (outbox / "bao-cao_2026-H1_2.docx").exists()  # unedited: replaced
    edited = lead_edits(draft)
    third = invoke("report", "--control", control, "-k", "2026-H1", "--now", "2026-07-22")
    assert third.exit_code == 0, third.output
    assert draft.read_bytes() == edited
    beside = outbox / "bao-cao_2026-H1_2.docx"
    assert LEADS_WORDS not in texts(beside.read_bytes())
    assert "bao-cao_2026-H1.docx đã được sửa nên được giữ nguyên" in third.output
    assert "bao-cao_2026-H1.docx was edited, so it is kept as it is" in third.output
    assert "bao-cao_2026-H1_2.docx" in third.output
    fourth = invoke("report", "--control", control, "-k", "2026-H1", "--now", "2026-07-23")
    assert fourth.exit_code == 0 and not (outbox / "bao-cao_2026-H1_3.docx").exists()  # _2 is aidkit's: replaced
    assert draft.read_bytes() == edited


def test_send_report_attaches_the_report_as_the_lead_left_it(tmp_path):
    with plain_server() as server:
        control = cluster(tmp_path, server)
        assert invoke("report", "--control", control, "-k", "2026-H1", "--now", "2026-07-20").exit_code == 0
        report = control.parent / "ket-qua" / "bao-cao_2026-H1.docx"
        edited = lead_edits(report)
        drop(control, "ct2.xlsx", "92", date(2026, 7, 21), seed=7)  # new figures: the report is not redrafted
        sent = invoke("send-report", "--control", control, "-k", "2026-H1", "--now", "2026-07-22")
        assert sent.exit_code == 0, sent.output
        forced = invoke("send-report", "--control", control, "-k", "2026-H1", "--now", "2026-07-22", "--force")
        assert forced.exit_code == 0, forced.output
        dry = invoke(
            "send-report", "--control", control, "-k", "2026-H1", "--now", "2026-07-23", "--force", "--dry-run"
        )
        assert dry.exit_code == 0, dry.output
    assert report.read_bytes() == edited
    [eml] = (control.parent / "ket-qua" / "outbox").glob("*.eml")
    for message in [m.message for m in server.messages] + [
        email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    ]:
        [review] = [data for name, data in attachments(message) if name == "bao-cao_2026-H1.docx"]
        assert review == edited  # the lead's words, byte for byte
        assert "Dự thảo" not in message["Subject"] and "dự thảo" not in message.get_body(("plain",)).get_content()


def test_an_unedited_draft_is_called_a_draft_in_subject_and_body(tmp_path):
    with plain_server() as server:
        control = cluster(tmp_path, server)
        assert invoke("send-report", "--control", control, "-k", "2026-H1", "--now", "2026-07-20").exit_code == 0
    [got] = server.messages
    assert got.message["Subject"].startswith("[Dự thảo / Draft] ")
    text = got.message.get_body(("plain",)).get_content()
    html = got.message.get_body(("html",)).get_content()
    for body in (text, html):
        assert "bản dự thảo" in body and "has not edited or approved it yet" in body
    [review] = [data for name, data in attachments(got.message) if name == "bao-cao_2026-H1.docx"]
    assert review == (control.parent / "ket-qua" / "bao-cao_2026-H1.docx").read_bytes()


def test_a_dry_run_writes_nothing_but_eml_files(tmp_path):
    control = cluster(tmp_path)
    outbox = control.parent / "ket-qua"
    before = files_under(outbox) if outbox.exists() else set()
    result = invoke("send-report", "--control", control, "-k", "2026-H1", "--now", "2026-07-20", "--dry-run")
    assert result.exit_code == 0, result.output
    new = files_under(outbox) - before
    assert new and all(p.suffix == ".eml" for p in new), new
    [eml] = new
    message = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    names = [name for name, _ in attachments(message)]
    assert names == ["tong-hop_2026-H1.xlsx", "bao-cao_2026-H1.docx"]  # drafted for the message only
    assert message["Subject"].startswith("[Dự thảo / Draft] ")
