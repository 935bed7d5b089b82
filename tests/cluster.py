"""A cluster on disk for ledger and mail tests: control workbook, submissions folder, dated drops.

Import as ``from cluster import ...`` (tests/ is on sys.path, like smtp_server).
"""

from __future__ import annotations

import email
import email.policy
import os
from datetime import date, datetime, time
from pathlib import Path

from toolkit.sample import CLUSTER5, sample_control, sample_workbook

PERIOD = "2026-H1"
DUE = date(2026, 7, 15)  # sample_control: the period's end + 15 days
LEAD = "truongcum5@example.vn"
MEMBER_EMAIL = {
    "82": "lhh.dongthap@example.vn",
    "86": "lhh.vinhlong@example.vn",
    "91": "lhh.angiang@example.vn",
    "92": "lhh.cantho@example.vn",
    "96": "lhh.camau@example.vn",
}
MEMBER_CC = {code: email.replace("lhh.", "vanphong.") for code, email in MEMBER_EMAIL.items()}


def make_cluster(
    folder: Path,
    server=None,
    ca=None,
    *,
    trusted: bool = True,
    provinces=CLUSTER5,
    periods=(PERIOD,),
    targets=(),
    **settings,
) -> Path:
    """A control workbook in `folder` (submissions in folder/nop), pointed at a test SMTP server.

    With `ca`, the server is STARTTLS + AUTH (smtp_server.starttls_server) and, when `trusted`, the CA
    file is named in Cấu hình's "Tệp CA"; without, a plain server without TLS or AUTH.
    """
    from smtp_server import USERNAME

    smtp = {}
    if server is not None:
        smtp = {"may_chu_smtp": server.host, "cong": server.port}
        if ca is not None:
            smtp.update(bao_mat="STARTTLS", tai_khoan_gui=USERNAME)
            if trusted:
                smtp["tep_ca"] = str(ca.cafile)
        else:
            smtp.update(bao_mat="Không", tai_khoan_gui="")
    smtp.update(settings)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "nop").mkdir(exist_ok=True)
    return sample_control(folder / "dieu-hanh.xlsx", tuple(periods), tuple(provinces), smtp=smtp, targets=targets)


def at(day: date, hour: int = 7) -> datetime:
    return datetime.combine(day, time(hour))


def drop(
    control: Path,
    name: str,
    province: str,
    day: date,
    *,
    period: str = PERIOD,
    defects=(),
    seed: int = 1,
    hour: int = 6,
) -> Path:
    """A province's file arriving in the submissions folder on `day` (its mtime set to that day)."""
    path = control.parent / "nop" / name
    sample_workbook(path, province, period, needs=3, register=3, seed=seed, defects=tuple(defects))
    stamp = at(day, hour).timestamp()
    os.utime(path, (stamp, stamp))
    return path


def merge_over(path: Path, sheet: str, ref: str) -> Path:
    """Merge the cell left of `ref` with it, as official forms merge cells (the file's mtime is kept)."""
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter
    from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

    letter, row = coordinate_from_string(ref)
    stat = path.stat()
    book = load_workbook(path)
    book[sheet].merge_cells(f"{get_column_letter(column_index_from_string(letter) - 1)}{row}:{ref}")
    book.save(path)
    os.utime(path, (stat.st_atime, stat.st_mtime))
    return path


def parse(raw: bytes) -> email.message.EmailMessage:
    return email.message_from_bytes(raw, policy=email.policy.default)


def attachments(message) -> list[tuple[str, bytes]]:
    return [(p.get_filename(), p.get_payload(decode=True)) for p in message.iter_attachments()]
