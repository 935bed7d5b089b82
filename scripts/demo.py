"""`make demo`: the whole aidkit routine for Cluster 5 on generated sample data.

Generates the standard workbooks, fills the submissions folder with realistic
provincial files (one invalid, one missing), checks them, merges them, and mails
receipts, reminders and the report through an SMTP server this script starts on
127.0.0.1, and drafts the cluster's Word review report. Every message that arrives is saved as
an .eml file.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import sys
from datetime import datetime
from pathlib import Path

from aiosmtpd.controller import Controller

from toolkit.annotate import annotate
from toolkit.consolidate import consolidate
from toolkit.receipts import acknowledge
from toolkit.reminders import remind
from toolkit.report import report
from toolkit.reporting import send_report
from toolkit.sample import CLUSTER5, sample_control, sample_workbook
from toolkit.status import status
from toolkit.template import template
from toolkit.validate import validate

PERIOD = "2026-H1"  # due 15/07/2026 in the sample schedule
#: The Cấu hình values of the Word report's letterhead and signature (Cà Mau leads the cluster).
LETTERHEAD = {"co_quan_cap_tren": "Ủy ban nhân dân tỉnh Cà Mau",
              "co_quan_ban_hanh": "Liên hiệp các tổ chức hữu nghị tỉnh Cà Mau", "dia_danh": "Cà Mau",
              "ky_hieu_bao_cao": "BC-CTĐ5", "nguoi_ky": "Nguyễn Minh Nam",
              "chuc_vu_nguoi_ky": "TM. Cụm thi đua số 5;Cụm trưởng",
              "noi_nhan": "Liên hiệp các tổ chức hữu nghị Việt Nam;Ban Thi đua - Khen thưởng;"
                          "Các tỉnh, thành phố thành viên Cụm 5"}


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


def received_on(path: Path, day: str) -> None:
    """Give a sample file the modification time it would have had when it was sent in."""
    stamp = datetime.fromisoformat(day).timestamp()
    os.utime(path, (stamp, stamp))


def main(out: Path) -> None:
    if out.exists():
        shutil.rmtree(out)
    templates, cluster, checked, mailbox = (out / "1-mau-bao-cao", out / "2-cum-5", out / "3-kiem-tra",
                                            out / "4-hop-thu")
    for folder in (templates, cluster, checked, mailbox):
        folder.mkdir(parents=True)

    for code in CLUSTER5:
        template(templates / f"{code}_{PERIOD}.xlsx", code, PERIOD)

    box = Mailbox(mailbox)
    port = free_port()
    server = Controller(box, hostname="127.0.0.1", port=port)
    server.start()
    try:
        control = sample_control(cluster / "dieu-hanh-cum-5.xlsx", (PERIOD,),
                                 smtp={"may_chu_smtp": "127.0.0.1", "cong": port, "bao_mat": "Không", **LETTERHEAD})
        inbox = cluster / "nop"
        # The same donor's project registered by two provinces, with titles typed a little differently.
        water = {"nha_tai_tro": "Save the Children", "quoc_gia": "Anh", "gia_tri_usd": 180_000,
                 "tien_te": "USD", "gia_tri_nguyen_te": 180_000}
        shared = {"92": ({**water, "ten_vi": "Cung cấp nước sạch và vệ sinh trường học xã Tân Phú"},),
                  "96": ({**water, "ten_vi": "Cung cấp nước sạch và vệ sinh cho trường học xã Tân Phú"},)}
        arrivals = [  # 91 (An Giang) never sends; Cần Thơ sends twice, the second time fixed
            ("82", "2026-07-05", "bao-cao-82.xlsx", ()),
            ("86", "2026-07-10", "bao-cao-86.xlsx", ("missing-value", "ambiguous-number")),
            ("92", "2026-07-11", "bao-cao-92.xlsx", ("invalid-date",)),
            ("92", "2026-07-13", "bao-cao-92-sua-lai.xlsx", ()),
            ("96", "2026-07-14", "bao-cao-96.xlsx", ()),
        ]
        for code, day, name, defects in arrivals:
            path = sample_workbook(inbox / name, code, PERIOD, seed=2026, defects=defects,
                                   also=shared.get(code, ())).path
            received_on(path, day)

        reports = []
        for path in sorted(inbox.glob("*.xlsx")):
            checks = validate(path)
            reports.append(checks.to_dict())
            annotate(path, checks, checked / f"{path.stem}.kiem-tra.xlsx")
        (checked / "validate.json").write_text(json.dumps(reports, ensure_ascii=False, indent=2), encoding="utf-8")

        receipts = acknowledge(control, "2026-07-14 17:00")
        reminders = remind(control, "2026-07-15 07:00")
        merged = consolidate(None, control=control, period=PERIOD)
        review = report(control, PERIOD, now="2026-07-16 08:00")
        mailed = send_report(control, PERIOD, "2026-07-16 08:00")
        print(status(control, PERIOD, "2026-07-16 08:00").to_text())
    finally:
        server.stop()

    print("\n== aidkit demo: kết quả / results ==")
    print(f"Mẫu báo cáo chuẩn / standard workbooks:   {templates}")
    print(f"Tệp điều hành cụm / control workbook:      {control}")
    print(f"Báo cáo các tỉnh đã nộp / submissions:      {inbox}")
    print(f"Kết quả kiểm tra / validation (+ JSON):     {checked}")
    print(f"Báo cáo tổng hợp / consolidated workbook:   {merged.output}")
    print(f"Thư đã nhận / mail received ({box.count}):          {mailbox}")
    print(f"  xác nhận / receipts: {len(receipts.deliveries)}, nhắc / reminders: {len(reminders.deliveries)}, "
          f"báo cáo / report: {len(mailed.deliveries)}")
    print(f"Báo cáo sơ kết (Word) / review report:    {review.output}")
    print(f"Trùng lặp giữa các tỉnh / cross-province duplicates: {len(merged.duplicates)}; "
          f"nộp lại / resubmissions: {len(merged.resubmissions)}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "demo-output").resolve())
