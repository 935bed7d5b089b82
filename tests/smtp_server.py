"""A real SMTP server for tests (aiosmtpd on 127.0.0.1, a free port).

Import it from a test module as ``from smtp_server import ...`` (pytest's
default "prepend" import mode puts ``tests/`` on ``sys.path`` because the
folder has no ``__init__.py``).

Three context managers, each yielding a :class:`RunningServer`:

* :func:`plain_server` -- no TLS, no AUTH;
* :func:`starttls_server` -- STARTTLS required, AUTH (PLAIN/LOGIN) required
  with :data:`USERNAME` / :data:`PASSWORD`, certificate from a trustme CA;
* :func:`ssl_server` -- implicit TLS (SMTPS) with the same certificate, AUTH
  required.

Both TLS servers need a :class:`CertAuthority` (see :func:`make_ca`); its
``cafile`` is the CA certificate written to a file, ready to be passed to a
client as ``cafile``.

Every accepted message is recorded in ``server.handler.messages`` as a
:class:`Received` (envelope + ``EmailMessage`` parsed with
``email.policy.default``).  Failures can be scripted on the handler:

* ``handler.fail_next("DATA", "451 4.3.0 Try again later", times=1)`` --
  answer a transient error once at MAIL, RCPT or DATA;
* ``handler.refuse_recipient("x@example.com")`` -- answer ``550`` for that
  recipient at RCPT, every time (a permanent error).
"""

from __future__ import annotations

import asyncio
import contextlib
import email
import email.policy
import ssl
import threading
import warnings
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Iterator

import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

HOST = "127.0.0.1"
USERNAME = "lhh-cantho@example.vn"
PASSWORD = "S3cret-pass!42"  # smtplib can only send ASCII passwords

__all__ = [
    "HOST",
    "USERNAME",
    "PASSWORD",
    "Received",
    "RecordingHandler",
    "RunningServer",
    "CertAuthority",
    "make_ca",
    "plain_server",
    "starttls_server",
    "ssl_server",
    "free_port",
]


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage
    raw: bytes
    authenticated: bool | None = None


@dataclass
class RecordingHandler:
    """aiosmtpd handler that records messages and can fail on request."""

    messages: list[Received] = field(default_factory=list)
    auth_attempts: list[tuple[str, str]] = field(default_factory=list)  # (mechanism, login)
    _fail: dict[str, list[str]] = field(default_factory=dict)
    _refuse: dict[str, str] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    # -- scripting -------------------------------------------------------
    def fail_next(self, stage: str, response: str = "451 4.3.0 Try again later", times: int = 1) -> None:
        stage = stage.upper()
        if stage not in {"MAIL", "RCPT", "DATA"}:
            raise ValueError(stage)
        with self._lock:
            self._fail.setdefault(stage, []).extend([response] * times)

    def refuse_recipient(self, address: str, response: str = "550 5.1.1 Mailbox unavailable") -> None:
        with self._lock:
            self._refuse[address.lower()] = response

    def _scripted(self, stage: str) -> str | None:
        with self._lock:
            queue = self._fail.get(stage)
            if queue:
                return queue.pop(0)
        return None

    # -- aiosmtpd hooks -------------------------------------------------
    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        failure = self._scripted("MAIL")
        if failure:
            return failure
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        refused = self._refuse.get(address.lower())
        if refused:
            return refused
        failure = self._scripted("RCPT")
        if failure:
            return failure
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        failure = self._scripted("DATA")
        if failure:
            return failure
        raw = envelope.original_content or b""
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        with self._lock:
            self.messages.append(
                Received(
                    mail_from=envelope.mail_from,
                    rcpt_tos=list(envelope.rcpt_tos),
                    message=parsed,
                    raw=raw,
                    authenticated=session.authenticated,
                )
            )
        return "250 2.0.0 Message accepted for delivery"

    # -- AUTH -------------------------------------------------------------
    def authenticator(self, server, session, envelope, mechanism, auth_data):
        if not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)
        login = auth_data.login.decode("utf-8", "replace")
        self.auth_attempts.append((mechanism, login))
        ok = auth_data.login == USERNAME.encode("utf-8") and auth_data.password == PASSWORD.encode("utf-8")
        return AuthResult(success=ok, handled=False)


class _FreePortController(Controller):
    """Binds port 0 and reads the real port back (no free-port race)."""

    def factory(self):
        # aiosmtpd warns about AUTH without STARTTLS even on an implicit-TLS
        # socket (see ssl_server); that warning is noise here.
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", "Requiring AUTH while not requiring TLS")
            return super().factory()

    def _create_server(self):
        create = super()._create_server()

        async def bind():
            srv = await create
            self.port = srv.sockets[0].getsockname()[1]
            return srv

        return bind()


@dataclass
class RunningServer:
    host: str
    port: int
    handler: RecordingHandler
    controller: Controller

    @property
    def messages(self) -> list[Received]:
        return self.handler.messages


@dataclass
class CertAuthority:
    ca: trustme.CA
    cafile: Path
    server_context: ssl.SSLContext


def make_ca(folder: Path) -> CertAuthority:
    """A fresh trustme CA, its certificate written to ``folder/ca.pem``, and a
    server SSL context with a leaf certificate for 127.0.0.1 and localhost."""
    ca = trustme.CA(organization_name="aidkit test CA")
    leaf = ca.issue_cert(HOST, "localhost")
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    leaf.configure_cert(ctx)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    cafile = folder / "ca.pem"
    ca.cert_pem.write_to_path(str(cafile))
    return CertAuthority(ca=ca, cafile=cafile, server_context=ctx)


@contextlib.contextmanager
def _running(handler: RecordingHandler | None = None, **kwargs) -> Iterator[RunningServer]:
    handler = handler or RecordingHandler()
    controller = _FreePortController(
        handler,
        hostname=HOST,
        port=0,
        server_hostname="smtp.test",
        ready_timeout=10,
        **kwargs,
    )
    controller.start()
    try:
        yield RunningServer(HOST, controller.port, handler, controller)
    finally:
        controller.stop()


def plain_server(handler: RecordingHandler | None = None):
    """No TLS, no AUTH (``auth_require_tls`` keeps AUTH unadvertised)."""
    return _running(handler)


def starttls_server(ca: CertAuthority, handler: RecordingHandler | None = None):
    """STARTTLS required before anything else; AUTH PLAIN/LOGIN required."""
    handler = handler or RecordingHandler()
    return _running(
        handler,
        tls_context=ca.server_context,
        require_starttls=True,
        auth_required=True,
        auth_require_tls=True,
        authenticator=handler.authenticator,
    )


def ssl_server(ca: CertAuthority, handler: RecordingHandler | None = None):
    """Implicit TLS (SMTPS, like port 465); AUTH PLAIN/LOGIN required."""
    handler = handler or RecordingHandler()
    return _running(
        handler,
        ssl_context=ca.server_context,
        auth_required=True,
        # aiosmtpd only counts STARTTLS as "TLS"; the implicit-TLS socket
        # is encrypted from the first byte, so AUTH may be advertised.
        auth_require_tls=False,
        authenticator=handler.authenticator,
    )


def free_port() -> int:
    """A port on 127.0.0.1 with (probably) nobody listening: for
    connection-refused tests."""
    import socket

    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class Stalling(RecordingHandler):
    """Accepts everything but takes its time over DATA (long enough to be killed in the middle)."""

    def __init__(self, stall: float):
        super().__init__()
        self.stall, self.data_started = stall, False

    async def handle_DATA(self, server, session, envelope):
        self.data_started = True
        await asyncio.sleep(self.stall)
        return await super().handle_DATA(server, session, envelope)
