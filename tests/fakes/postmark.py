"""Postmark's send API (POST /email) on loopback, so the real anymail Postmark backend runs unchanged.

`faults` decides, per request, whether to answer with an error instead (429, 503, a 422 rejection...).
Every accepted message is kept, so a test counts what the provider really received.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable

from .http import LoopbackServer, Reply, Request


class FakePostmark:
    def __init__(self, faults: Callable[[int, dict], Reply | None] | None = None) -> None:
        self.faults = faults
        self.accepted: list[dict] = []
        self.attempts = 0
        self._lock = threading.Lock()
        self.server = LoopbackServer(self.handle)

    @property
    def api_url(self) -> str:
        return self.server.url + "/"

    def handle(self, request: Request) -> Reply:
        if request.headers.get("X-Postmark-Server-Token") != "test-server-token":
            return Reply(401, {"ErrorCode": 10, "Message": "Request does not contain a valid Server token."})
        if request.path != "/email":
            return Reply(404, {"ErrorCode": 404, "Message": "not found"})
        payload = request.json()
        with self._lock:
            self.attempts += 1
            attempt = self.attempts
        fault = self.faults(attempt, payload) if self.faults else None
        if fault is not None:
            return fault
        message_id = str(uuid.uuid4())
        with self._lock:
            self.accepted.append(payload | {"MessageID": message_id})
        return Reply(
            200,
            {
                "To": payload["To"],
                "SubmittedAt": "2025-05-28T07:00:00.0000000-04:00",
                "MessageID": message_id,
                "ErrorCode": 0,
                "Message": "OK",
            },
        )

    def recipients(self) -> list[str]:
        return [message["To"] for message in self.accepted]

    def __enter__(self) -> FakePostmark:
        self.server.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self.server.__exit__(*exc)


def inactive_recipient(address: str) -> Reply:
    return Reply(
        422,
        {
            "ErrorCode": 406,
            "Message": "You tried to send to a recipient that has been marked as inactive.\n"
            f"Found inactive addresses: {address}.\n"
            "Inactive recipients are ones that have generated a hard bounce or a spam complaint. ",
        },
    )
