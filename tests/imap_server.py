"""A real IMAP server for tests: pymap (in-memory `dict` backend) on 127.0.0.1, started as a process.

Import as ``from imap_server import ...`` (tests/ is on sys.path, like smtp_server).

* :func:`imap_server` starts pymap on a free port (plain, or STARTTLS with a trustme certificate
  when given a :class:`smtp_server.CertAuthority`) and stops it afterwards;
* :meth:`RunningImap.append` puts a message into a mailbox with the INTERNALDATE given (pymap
  keeps it, offset included), as a province's e-mail arriving at that moment;
* :meth:`RunningImap.flags` reads every message's flags back, to show that nothing was changed.

The test side talks to the server with the standard imaplib client; nothing is mocked.
"""

from __future__ import annotations

import contextlib
import imaplib
import shutil
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

HOST = "127.0.0.1"
USER = "nopbaocao.cum5@example.vn"
PASSWORD = "Imap-S3cret-77"


@dataclass
class RunningImap:
    host: str
    port: int
    cafile: Path | None = None

    def client(self) -> imaplib.IMAP4:
        client = imaplib.IMAP4(self.host, self.port, timeout=10)
        if self.cafile:
            client.starttls(ssl.create_default_context(cafile=str(self.cafile)))
        client.login(USER, PASSWORD)
        return client

    def append(self, raw: bytes, when: datetime, mailbox: str = "INBOX", flags: str = "") -> int:
        """APPEND a message received at `when` (timezone-aware); returns its UID."""
        with _session(self) as client:
            if mailbox != "INBOX":
                client.create(mailbox)
            typ, data = client.append(mailbox, f"({flags})" if flags else None, imaplib.Time2Internaldate(when), raw)
            assert typ == "OK", data
            text = data[0].decode()
            return int(text.split("APPENDUID ", 1)[1].split()[1].rstrip("]"))

    def flags(self, mailbox: str = "INBOX") -> dict[int, str]:
        """UID → its flags, as the server keeps them."""
        with _session(self) as client:
            client.select(mailbox, readonly=True)
            _, data = client.uid("FETCH", "1:*", "(FLAGS)")
            out = {}
            for line in data:
                if not line:
                    continue
                text = line.decode()
                uid = int(text.split("UID ", 1)[1].split()[0].rstrip(")"))
                out[uid] = text.split("FLAGS (", 1)[1].split(")", 1)[0]
            return out


@contextlib.contextmanager
def _session(server: RunningImap) -> Iterator[imaplib.IMAP4]:
    client = server.client()
    try:
        yield client
    finally:
        client.logout()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def _pymap() -> str:
    found = Path(sys.executable).parent / "pymap"
    return str(found) if found.exists() else (shutil.which("pymap") or "pymap")


@contextlib.contextmanager
def imap_server(folder: Path, ca=None) -> Iterator[RunningImap]:
    """pymap on a free port; with `ca` (smtp_server.make_ca) it offers STARTTLS with a certificate for 127.0.0.1."""
    port = _free_port()
    args = [_pymap(), "--host", HOST, "--port", str(port)]
    cafile = None
    if ca is not None:
        folder.mkdir(parents=True, exist_ok=True)
        leaf = ca.ca.issue_cert(HOST, "localhost")
        leaf.cert_chain_pems[0].write_to_path(str(folder / "imap-cert.pem"))
        leaf.private_key_pem.write_to_path(str(folder / "imap-key.pem"))
        args += ["--cert", str(folder / "imap-cert.pem"), "--key", str(folder / "imap-key.pem")]
        cafile = ca.cafile
    else:
        args.append("--no-tls")
    args += ["dict", "--demo-user", USER, "--demo-password", PASSWORD]
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection((HOST, port), timeout=0.5).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"pymap did not start: {process.stderr.read().decode()[-2000:]}") from None
                time.sleep(0.05)
        yield RunningImap(HOST, port, cafile)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stderr.close()


def letter(
    sender: str,
    subject: str,
    attachments: list[tuple[str, bytes]] = (),
    *,
    text: str = "Kính gửi văn phòng cụm.",
    when: datetime | None = None,
    headers: dict[str, str] | None = None,
) -> bytes:
    """A province's e-mail as its mail program would write it (Vietnamese names in RFC 2231)."""
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = USER
    msg["Subject"] = subject
    msg["Message-ID"] = make_msgid(domain="example.vn")
    if when is not None:
        msg["Date"] = format_datetime(when)
    for name, value in (headers or {}).items():
        msg[name] = value
    msg.set_content(text)
    for name, data in attachments:
        maintype, subtype = (
            ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            if name.lower().endswith((".xlsx", ".xlsm"))
            else ("application", "octet-stream")
        )
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return msg.as_bytes()
