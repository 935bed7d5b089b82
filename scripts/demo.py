"""`make demo`: the whole aidkit routine for Cluster 5 on generated sample data.

Generates the standard workbooks, e-mails realistic provincial files into a mailbox
this script starts on 127.0.0.1 (pymap, IMAP; one invalid, one fixed and sent again, one
sent twice, one missing, a mail without its attachment, a sender who is not a member),
collects them with `aidkit collect`, checks them, merges them, mails receipts, reminders
and the report through an SMTP server it also starts on 127.0.0.1, drafts the cluster's Word
review report and publishes the open funding needs (web page and bulletin), then opens 2026-H2: each
member's call for reports with its workbook prefilled from its own latest accepted file (`open-period`,
a dry run, the real run, and a second run that sends nothing). Every message that arrives there is
saved as an .eml file. The lead's computer is taken to be in Vietnam (TZ=Asia/Ho_Chi_Minh).
"""

from __future__ import annotations

import imaplib
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

from aiosmtpd.controller import Controller

from toolkit.annotate import annotate
from toolkit.catalogue.catalogue import catalogue
from toolkit.consolidation.consolidate import consolidate
from toolkit.mail.acknowledge import acknowledge
from toolkit.mail.collect import collect
from toolkit.mail.open_period import open_period
from toolkit.mail.remind import remind
from toolkit.mail.send_report import send_report
from toolkit.report import report
from toolkit.sample import CLUSTER5, sample_control, sample_targets, sample_workbook
from toolkit.status import status
from toolkit.template import template
from toolkit.validate import validate

PERIOD = "2026-H1"  # due 15/07/2026 in the sample schedule
NEXT = "2026-H2"  # opened on 15/12/2026 with open-period (due 15/01/2027)
VN = timezone(timedelta(hours=7))
MAILBOX_USER, MAILBOX_PASSWORD = "nopbaocao.cum5@example.vn", "demo-imap-password"
#: The Cấu hình values of the Word report's letterhead and signature (Cà Mau leads the cluster).
LETTERHEAD = {
    "co_quan_cap_tren": "Ủy ban nhân dân tỉnh Cà Mau",
    "co_quan_ban_hanh": "Liên hiệp các tổ chức hữu nghị tỉnh Cà Mau",
    "dia_danh": "Cà Mau",
    "ky_hieu_bao_cao": "BC-LHH",
    "nguoi_ky": "Nguyễn Minh Nam",
    "chuc_vu_nguoi_ky": "TM. Liên hiệp các tổ chức hữu nghị tỉnh Cà Mau;Chủ tịch",
    "noi_nhan": "Liên hiệp các tổ chức hữu nghị Việt Nam;Ban Thi đua - Khen thưởng;"
    "Các tỉnh, thành phố thành viên Cụm 5",
}


class Mailbox:
    """An aiosmtpd handler that saves every message it receives as an .eml file."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        to = envelope.rcpt_tos[0].split("@")[0]
        (self.folder / f"{self.count:03d}-{to}.eml").write_bytes(envelope.original_content)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def mailbox_server():
    """pymap (in-memory IMAP) on 127.0.0.1: the cluster's mailbox. Yields its port."""
    port = free_port()
    pymap = Path(sys.executable).parent / "pymap"
    process = subprocess.Popen(
        [
            str(pymap if pymap.exists() else "pymap"),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--no-tls",
            "dict",
            "--demo-user",
            MAILBOX_USER,
            "--demo-password",
            MAILBOX_PASSWORD,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.05)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)


def mail_in(port: int, sender: str, subject: str, when: datetime, files: list[Path] = ()) -> None:
    """A province's e-mail arriving in the cluster's mailbox at `when` (its INTERNALDATE)."""
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = sender, MAILBOX_USER, subject
    msg["Message-ID"] = make_msgid(domain="example.vn")
    msg.set_content("Kính gửi Văn phòng Cụm 5, xin gửi báo cáo kỳ 2026-H1.")
    for path in files:
        msg.add_attachment(
            path.read_bytes(),
            maintype="application",
            subtype="vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            filename=path.name,
        )
    client = imaplib.IMAP4("127.0.0.1", port)
    client.login(MAILBOX_USER, MAILBOX_PASSWORD)
    client.append("INBOX", None, imaplib.Time2Internaldate(when), msg.as_bytes())
    client.logout()


def main(out: Path) -> None:
    if hasattr(time, "tzset"):  # the cluster lead's computer is in Vietnam, as the due dates are
        os.environ["TZ"] = "Asia/Ho_Chi_Minh"
        time.tzset()
    if out.exists():
        shutil.rmtree(out)
    templates, cluster, checked, mailbox, sent = (
        out / "1-mau-bao-cao",
        out / "2-cum-5",
        out / "3-kiem-tra",
        out / "4-hop-thu",
        out / "0-thu-cac-tinh-gui",
    )
    for folder in (templates, cluster, checked, mailbox, sent):
        folder.mkdir(parents=True)

    for code in CLUSTER5:
        template(templates / f"{code}_{PERIOD}.xlsx", code, PERIOD)

    box = Mailbox(mailbox)
    port = free_port()
    server = Controller(box, hostname="127.0.0.1", port=port)
    server.start()
    os.environ["AIDKIT_IMAP_PASSWORD"] = MAILBOX_PASSWORD  # as the lead sets it (or keeps it in the keyring)
    try:
        with mailbox_server() as imap_port:
            control = sample_control(
                cluster / "dieu-hanh-cum-5.xlsx",
                (PERIOD, NEXT),
                smtp={
                    "may_chu_smtp": "127.0.0.1",
                    "cong": port,
                    "bao_mat": "Không",
                    "may_chu_imap": "127.0.0.1",
                    "cong_imap": imap_port,
                    "bao_mat_imap": "Không",
                    "tai_khoan_nhan": MAILBOX_USER,
                    **LETTERHEAD,
                },
                targets=sample_targets(CLUSTER5, 2026),
            )
            inbox = cluster / "nop"
            # Last year's same period, already in the submissions folder: the report compares with it.
            for code in ("82", "86", "92", "96"):
                last = sample_workbook(inbox / f"bao-cao-{code}_2025-H1.xlsx", code, "2025-H1", seed=2025).path
                stamp = datetime(2025, 7, 12, 9, 0, tzinfo=VN).timestamp()
                os.utime(last, (stamp, stamp))
            # The same donor's project registered by two provinces, with titles typed a little differently.
            water = {
                "nha_tai_tro": "Save the Children",
                "quoc_gia": "Anh",
                "gia_tri_usd": 180_000,
                "tien_te": "USD",
                "gia_tri_nguyen_te": 180_000,
            }
            shared = {
                "92": ({**water, "ten_vi": "Cung cấp nước sạch và vệ sinh trường học xã Tân Phú"},),
                "96": ({**water, "ten_vi": "Cung cấp nước sạch và vệ sinh cho trường học xã Tân Phú"},),
            }

            # 82 (Đồng Tháp) sends its table as an official form: a title block above the header and a
            # "Tổng cộng" row of sums below it; both are read right (header found, totals row not counted).
            def workbook(code, name, defects=()):
                formal = code == "82"
                return sample_workbook(
                    sent / name,
                    code,
                    PERIOD,
                    seed=2026,
                    defects=defects,
                    also=shared.get(code, ()),
                    title_block=formal,
                    totals_row=formal,
                ).path

            lhh = {
                "82": "lhh.dongthap@example.vn",
                "86": "lhh.vinhlong@example.vn",
                "91": "lhh.angiang@example.vn",
                "92": "lhh.cantho@example.vn",
                "96": "lhh.camau@example.vn",
            }
            b82 = workbook("82", "bao-cao-82.xlsx")
            arrivals = [  # (sender, subject, received by the server, attachments)
                (lhh["82"], "Đồng Tháp gửi báo cáo 2026-H1", datetime(2026, 7, 5, 9, 12, tzinfo=VN), [b82]),
                (
                    lhh["86"],
                    "Vĩnh Long - báo cáo",
                    datetime(2026, 7, 10, 15, 40, tzinfo=VN),
                    [workbook("86", "bao-cao-86.xlsx", ("missing-value", "ambiguous-number"))],
                ),
                (
                    lhh["92"],
                    "Cần Thơ nộp báo cáo",
                    datetime(2026, 7, 11, 10, 5, tzinfo=VN),
                    [workbook("92", "bao-cao-92.xlsx", ("invalid-date",))],
                ),
                (lhh["82"], "Gửi lại báo cáo cho chắc", datetime(2026, 7, 12, 8, 0, tzinfo=VN), [b82]),
                (
                    lhh["92"],
                    "Cần Thơ gửi lại bản đã sửa",
                    datetime(2026, 7, 13, 16, 20, tzinfo=VN),
                    [workbook("92", "bao-cao-92-sua-lai.xlsx")],
                ),
                (lhh["91"], "An Giang gửi báo cáo", datetime(2026, 7, 14, 11, 0, tzinfo=VN), []),  # forgot the file
                (
                    "nguoi.la@gmail.com",
                    "Bao cao",
                    datetime(2026, 7, 14, 13, 0, tzinfo=VN),
                    [workbook("92", "bang-tinh-la.xlsx")],
                ),
            ]
            for sender, subject, when, files in arrivals:
                mail_in(imap_port, sender, subject, when, files)
            collected = [collect(control, "2026-07-14 17:00")]
            receipts = acknowledge(control, "2026-07-14 17:00")
            reminders = remind(control, "2026-07-15 07:00")
            # Cà Mau e-mails on the evening of the due date; the job collects it the next morning: on time.
            mail_in(
                imap_port,
                lhh["96"],
                "Cà Mau nộp báo cáo",
                datetime(2026, 7, 15, 22, 30, tzinfo=VN),
                [workbook("96", "bao-cao-96.xlsx")],
            )
            collected.append(collect(control, "2026-07-16 07:00"))
            receipts.deliveries += acknowledge(control, "2026-07-16 07:00").deliveries
            collected.append(collect(control, "2026-07-16 07:30"))  # a second run takes nothing again

        reports = []
        for path in sorted(inbox.glob("*.xlsx")):
            checks = validate(path)
            reports.append(checks.to_dict())
            annotate(path, checks, checked / f"{path.stem}.kiem-tra.xlsx")
        (checked / "validate.json").write_text(json.dumps(reports, ensure_ascii=False, indent=2), encoding="utf-8")

        merged = consolidate(None, control=control, period=PERIOD)
        published = catalogue(None, control=control, period=PERIOD)
        review = report(control, PERIOD, now="2026-07-16 08:00")
        mailed = send_report(control, PERIOD, "2026-07-16 08:00")
        opened = [
            open_period(control, NEXT, "2026-12-15 08:00", dry_run=True),
            open_period(control, NEXT, "2026-12-15 08:00"),
            open_period(control, NEXT, "2026-12-16 08:00"),
        ]
        for run in collected:
            print(run.to_text(), end="\n\n")
        print(status(control, PERIOD, "2026-07-16 08:00").to_text())
    finally:
        server.stop()

    print("\n== aidkit demo: kết quả / results ==")
    print(f"Mẫu báo cáo chuẩn / standard workbooks:   {templates}")
    print(f"Tệp các tỉnh gửi qua email / e-mailed:     {sent}")
    print(f"Tệp điều hành cụm / control workbook:      {control}")
    print(f"Bài nộp nhận từ hộp thư / collected:        {inbox}")
    print(f"Để riêng (không phải thành viên) / aside:   {control.parent / 'ket-qua' / 'de-rieng'}")
    print(f"Kết quả kiểm tra / validation (+ JSON):     {checked}")
    print(f"Báo cáo tổng hợp / consolidated workbook:   {merged.output}")
    print(f"Danh mục kêu gọi tài trợ / catalogue:       {published.page}")
    print(
        f"  {len(published.needs)} nhu cầu / open needs; bản tin / bulletins: {published.bulletin}, "
        f"{published.bulletin_en.name}; Excel: {published.workbook.name}"
    )
    print(f"Thư đã nhận / mail received ({box.count}):          {mailbox}")
    print(
        f"  xác nhận / receipts: {len(receipts.deliveries)}, nhắc / reminders: {len(reminders.deliveries)}, "
        f"trả lời / replies: {sum(len(r.deliveries) for r in collected)}, báo cáo / report: {len(mailed.deliveries)}"
    )
    print(f"Báo cáo sơ kết (Word) / review report:    {review.output}")
    dry, real, again = opened
    print(
        f"Mở kỳ {NEXT} / period opened: chạy thử / dry run {dry.count('dry-run')} .eml, "
        f"gửi / sent {real.count('sent')}, lần chạy thứ hai / second run: gửi / sent {again.count('sent')}, "
        f"bỏ qua / skipped {again.count('skipped')}; mẫu điền sẵn / prefilled: "
        f"{control.parent / 'ket-qua' / 'mo-ky' / NEXT}"
    )
    saved, cautious = typing_saved(control, control.parent / "ket-qua" / "mo-ky" / NEXT)
    print(
        f"  Ô tỉnh không phải gõ lại / cells a province no longer types in {NEXT}: {saved:.0%} "
        f"({cautious:.0%} nếu gõ lại mọi ô cần cập nhật / if every field to update is retyped)"
    )
    print(
        f"Trùng lặp giữa các tỉnh / cross-province duplicates: {merged.duplicate_groups()} nhóm / groups; "
        f"nộp lại / resubmissions: {len(merged.resubmissions)}"
    )
    formal = next(f for f in merged.files if f.name == "bao-cao-82.xlsx")
    seen = [f for f in formal.findings if f.rule in ("header-not-first-row", "totals-row")]
    print(
        f"Mẫu công văn của tỉnh 82 / province 82's official form: {formal.count('needs')} đề xuất / proposals, "
        f"{formal.count('register')} khoản / aid items đọc được / read; "
        + "; ".join(f"{f.sheet} {f.cell}: {f.rule}" for f in seen)
    )


def typing_saved(control: Path, prefilled: Path) -> tuple[float, float]:
    """The share of a 2026-H2 workbook's cells that come prefilled, over the cluster's members.

    The 2026-H2 workbook is taken to report again every row carried from the member's accepted 2026-H1
    file, plus as many new rows as 2026-H1 had rows that did not carry (finished, revoked, funded or
    withdrawn: a steady state), each with 2026-H1's mean number of filled cells per row; Info counts
    the preparer and e-mail (the other Info fields are prefilled in every template). The second figure
    counts every filled field a province is asked to update (schema.UPDATED_EACH_PERIOD) as retyped.
    """
    from toolkit import schema
    from toolkit.ledger import Ledger
    from toolkit.reader import read_workbook

    carried = to_update = new = 0.0
    with Ledger.for_control(control) as ledger:
        for path in sorted(prefilled.glob("*.xlsx")):
            code = path.name.split("_")[0]
            accepted = ledger.latest_accepted(code, NEXT)
            before = read_workbook(ledger.archived_path(accepted)).tables if accepted else {}
            after = read_workbook(path).tables
            for table in schema.TABLES:
                rows = after[table.key].records
                carried += sum(len(r.cells) for r in rows)
                to_update += sum(k in schema.UPDATED_EACH_PERIOD[table.key] for r in rows for k in r.cells)
                old = before[table.key].records if table.key in before else []
                if old:
                    new += (len(old) - len(rows)) * sum(len(r.cells) for r in old) / len(old)
            carried += 2 if accepted else 0  # Người lập, Email
    total = carried + new
    return carried / total, (carried - to_update) / total


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "demo-output").resolve())
