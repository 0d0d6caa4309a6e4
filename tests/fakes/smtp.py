"""A real SMTP server on 127.0.0.1 (aiosmtpd), recording each session and message as the server saw it.

Replies can be scripted per recipient (a 550 for a mailbox that does not exist, a 451 "try again later")
so the send path's reading of SMTP answers is tested against the wire protocol, not a mock.
"""

from __future__ import annotations

import email
import email.policy
import socket
import threading
from dataclasses import dataclass, field

from aiosmtpd.controller import Controller


@dataclass
class Received:
    session: int
    mail_from: str
    recipients: list[str]
    data: bytes

    @property
    def message(self) -> email.message.EmailMessage:
        return email.message_from_bytes(self.data, policy=email.policy.default)


@dataclass
class _Handler:
    received: list[Received] = field(default_factory=list)
    #: recipient address -> SMTP reply to its RCPT TO (e.g. "550 5.1.1 no such user").
    rcpt_replies: dict[str, str] = field(default_factory=dict)
    sessions: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        with self.lock:
            self.sessions += 1
            session.number = self.sessions
        session.host_name = hostname
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        reply = self.rcpt_replies.get(address.lower())
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.received.append(
                Received(getattr(session, "number", 0), envelope.mail_from, list(envelope.rcpt_tos), envelope.content)
            )
        return "250 2.0.0 queued"


class FakeSMTPServer:
    def __init__(self) -> None:
        self.handler = _Handler()
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> FakeSMTPServer:
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()

    @property
    def received(self) -> list[Received]:
        return list(self.handler.received)

    @property
    def sessions(self) -> int:
        return self.handler.sessions

    def refuse(self, address: str, reply: str) -> None:
        self.handler.rcpt_replies[address.lower()] = reply

    def recipients(self) -> list[str]:
        return [rcpt for item in self.received for rcpt in item.recipients]

    def configure(self, settings) -> None:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", self.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_TIMEOUT = 10
