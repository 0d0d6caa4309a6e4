"""A loopback HTTP server whose answers each test scripts: the real client code runs against it."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self):
        return json.loads(self.body)


@dataclass
class Reply:
    status: int = 200
    body: bytes | str | dict | list = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    #: Seconds between single bytes of the body (a server that drips, each read under any per-read timeout).
    drip: float = 0.0


Handler = Callable[[Request], Reply]


class LoopbackServer:
    """ThreadingHTTPServer on 127.0.0.1 with a random port; `handler` decides each answer."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.requests: list[Request] = []
        self._lock = threading.Lock()
        server = self

        class _RequestHandler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body leave in separate writes; without TCP_NODELAY a keep-alive client waits
            # ~40 ms (delayed ACK) for every response, which would measure the fake, not the client.
            disable_nagle_algorithm = True

            def log_message(self, *args):  # keep test output quiet
                pass

            def _handle(self):
                length = int(self.headers.get("Content-Length") or 0)
                request = Request(self.command, self.path, dict(self.headers.items()), self.rfile.read(length))
                with server._lock:
                    server.requests.append(request)
                reply = server.handler(request)
                if reply.delay:
                    threading.Event().wait(reply.delay)
                body = reply.body
                if isinstance(body, dict | list):
                    body = json.dumps(body, ensure_ascii=False).encode()
                    reply.headers.setdefault("Content-Type", "application/json")
                elif isinstance(body, str):
                    body = body.encode()
                try:
                    self.send_response(reply.status)
                    for key, value in reply.headers.items():
                        self.send_header(key, value)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    if reply.drip:
                        for index in range(len(body)):
                            self.wfile.write(body[index : index + 1])
                            self.wfile.flush()
                            threading.Event().wait(reply.drip)
                    else:
                        self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            do_GET = do_POST = _handle

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _RequestHandler)
        self.httpd.daemon_threads = True
        # shutdown() waits for serve_forever's next poll: at the default 0.5 s that was half a second of every test
        # using a fake server, minutes of the suite.
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> LoopbackServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


Faults = Callable[[int, object], "Reply | None"]


class FakeProvider:
    """What every loopback mail provider shares: a server, scripted faults per attempt, a latency, and the
    count of attempts. Subclasses answer requests in `answer` and call `fault_for` once they have a payload."""

    def __init__(self, faults: Faults | None = None, latency: float = 0.0) -> None:
        self.faults = faults
        self.latency = latency
        self.attempts = 0
        self._lock = threading.Lock()
        self.server = LoopbackServer(self._handle)

    def _handle(self, request: Request) -> Reply:
        if self.latency:
            threading.Event().wait(self.latency)
        return self.answer(request)

    def answer(self, request: Request) -> Reply:
        raise NotImplementedError

    def fault_for(self, payload: object) -> Reply | None:
        with self._lock:
            self.attempts += 1
            attempt = self.attempts
        return self.faults(attempt, payload) if self.faults else None

    def __enter__(self):
        self.server.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self.server.__exit__(*exc)


@dataclass
class Delivered:
    """One reader's message as a merging provider would deliver it, fields merged in."""

    to: str
    subject: str
    text: str
    html: str
    headers: dict[str, str]
    custom_data: dict[str, str]  # what the provider hands back in its webhooks (SendGrid custom_args, Mailgun v:)
    message_id: str  # the id the provider's send answer gave for this reader


class MergingFakeProvider(FakeProvider):
    """A provider that takes many readers per request and merges each one's fields (SendGrid, Mailgun):
    each accepted request becomes one delivered message per reader, kept in `delivered`."""

    def __init__(self, faults: Faults | None = None, latency: float = 0.0) -> None:
        super().__init__(faults, latency)
        self.delivered: list[Delivered] = []
        self.accepted_requests = 0

    def accept(self, messages: list[Delivered]) -> None:
        with self._lock:
            self.delivered.extend(messages)
            self.accepted_requests += 1

    def recipients(self) -> list[str]:
        return [message.to for message in self.delivered]
