"""aidkit collect (CliRunner on toolkit.cli.cli) against pymap and aiosmtpd on 127.0.0.1."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

from click.testing import CliRunner

from cluster import MEMBER_EMAIL, make_cluster
from imap_server import PASSWORD, USER, imap_server, letter
from smtp_server import free_port, make_ca, plain_server
from toolkit.cli import cli
from toolkit.sample import sample_workbook

VN = timezone(timedelta(hours=7))


def invoke(*args, password=PASSWORD):
    env = {"AIDKIT_IMAP_PASSWORD": password} if password else {}
    return CliRunner().invoke(cli, [str(a) for a in args], env=env)


def mailbox(imap, **more):
    return {"may_chu_imap": imap.host, "cong_imap": imap.port, "tai_khoan_nhan": USER, "bao_mat_imap": "Không", **more}


def test_collect_prints_what_became_of_each_message(tmp_path):
    data = sample_workbook(tmp_path / "92.xlsx", "92", "2026-H1", needs=3, register=3).path.read_bytes()
    with plain_server() as smtp, imap_server(tmp_path / "imap") as imap:
        control = make_cluster(tmp_path / "cum", smtp, **mailbox(imap))
        imap.append(
            letter(MEMBER_EMAIL["92"], "Báo cáo", [("Cần Thơ.xlsx", data)]), datetime(2026, 7, 10, 8, tzinfo=VN)
        )
        imap.append(letter("ai.do@gmail.com", "?", [("x.xlsx", data)]), datetime(2026, 7, 10, 9, tzinfo=VN))
        imap.append(letter(MEMBER_EMAIL["96"], "Quên tệp"), datetime(2026, 7, 10, 10, tzinfo=VN))
        text = invoke("collect", "--control", control, "--now", "2026-07-11", "--dry-run")
        done = invoke("collect", "--control", control, "--now", "2026-07-11", "--format", "json")
        again = invoke("collect", "--control", control, "--now", "2026-07-11T08:00")
    assert text.exit_code == 0, text.output
    lines = text.output.splitlines()
    assert lines[0] == (
        f"aidkit collect · 11/07/2026 00:00 · {USER} · 127.0.0.1 · INBOX · "
        "chạy thử: không lưu, không ghi sổ, không gửi / dry run: nothing saved, recorded or sent"
    )
    assert "UID 101" in lines[1] and "nhận là bài nộp / taken as a submission" in lines[1]
    assert "người gửi không phải thành viên: để riêng / sender is not a member: set aside" in text.output
    assert "không có tệp Excel / no workbook attached" in text.output
    assert done.exit_code == 0, done.output
    data_out = json.loads(done.output)
    assert [m["outcome"] for m in data_out["mail"]] == ["submitted", "not-member", "no-workbook"]
    assert [s["province"] for s in data_out["received"]] == ["92"]
    assert len(data_out["aside"]) == 1 and [m["outcome"] for m in data_out["messages"]] == ["sent"]
    assert again.exit_code == 0 and "Không có thư mới / no new mail." in again.output


def test_an_unreachable_mailbox_is_one_bilingual_message_and_exit_2(tmp_path):
    control = make_cluster(
        tmp_path,
        None,
        may_chu_imap="127.0.0.1",
        cong_imap=free_port(),
        tai_khoan_nhan=USER,
        bao_mat_imap="Không",
        may_chu_smtp="",
    )  # no mail either: the job log is all there is
    result = invoke("collect", "--control", control)
    assert result.exit_code == 2
    vi, en = result.output.strip().splitlines()
    assert vi.startswith("Không kết nối được máy chủ IMAP 127.0.0.1:") and en.startswith("Cannot reach the IMAP")


def test_an_untrusted_certificate_and_a_wrong_password_are_explained_without_the_password(tmp_path):
    ca = make_ca(tmp_path / "ca")
    with imap_server(tmp_path / "imap", ca) as imap:
        untrusted = make_cluster(tmp_path / "a", None, **mailbox(imap, bao_mat_imap="STARTTLS", may_chu_smtp=""))
        trusted = make_cluster(
            tmp_path / "b", None, **mailbox(imap, bao_mat_imap="STARTTLS", tep_ca=str(ca.cafile), may_chu_smtp="")
        )
        refused = invoke("collect", "--control", untrusted)
        wrong = invoke("collect", "--control", trusted, password="Sai-mat-khau-9")
        missing = invoke("collect", "--control", trusted, password=None)
    assert refused.exit_code == 2 and "Tệp CA" in refused.output and "certificate" in refused.output
    assert wrong.exit_code == 2 and "từ chối đăng nhập" in wrong.output and "Sai-mat-khau-9" not in wrong.output
    assert missing.exit_code == 2 and "AIDKIT_IMAP_PASSWORD" in missing.output


def test_a_control_workbook_without_a_mailbox_says_what_to_fill_in(tmp_path):
    result = invoke("collect", "--control", make_cluster(tmp_path))
    assert result.exit_code == 2
    assert "Máy chủ IMAP" in result.output and "Receiving account" in result.output
