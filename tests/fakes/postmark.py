"""Postmark's send API (POST /email) and its outbound message search (GET /messages/outbound, with
`metadata_<key>` filters) on loopback, so the real anymail Postmark backend runs unchanged.

`faults` decides, per request, whether to answer with an error instead (429, 503, a 422 rejection...).
Every accepted message is kept, so a test counts what the provider really received.
"""

from __future__ import annotations

import uuid
from urllib.parse import parse_qs, urlsplit

from .http import FakeProvider, Reply, Request


class FakePostmark(FakeProvider):
    def __init__(self, faults=None, latency: float = 0.0) -> None:
        super().__init__(faults, latency)
        self.accepted: list[dict] = []
        self.search_fault: Reply | None = None  # set to make the Messages API fail

    @property
    def api_url(self) -> str:
        return self.server.url + "/"

    def answer(self, request: Request) -> Reply:
        if request.headers.get("X-Postmark-Server-Token") != "test-server-token":
            return Reply(401, {"ErrorCode": 10, "Message": "Request does not contain a valid Server token."})
        if request.method == "GET" and urlsplit(request.path).path == "/messages/outbound":
            return self.search(parse_qs(urlsplit(request.path).query))
        if request.path != "/email":
            return Reply(404, {"ErrorCode": 404, "Message": "not found"})
        payload = request.json()
        fault = self.fault_for(payload)
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

    def search(self, query: dict[str, list[str]]) -> Reply:
        """Outbound message search: count and offset required, one metadata_<key> filter at a time."""
        if self.search_fault is not None:
            return self.search_fault
        try:
            count, offset = int(query["count"][0]), int(query["offset"][0])
        except (KeyError, ValueError):
            return Reply(422, {"ErrorCode": 1, "Message": "count and offset are required"})
        filters = {key.removeprefix("metadata_"): values[0] for key, values in query.items()
                   if key.startswith("metadata_")}  # fmt: skip
        with self._lock:
            found = [m for m in self.accepted if all(m.get("Metadata", {}).get(k) == v for k, v in filters.items())]
        page = found[::-1][offset : offset + count]
        return Reply(200, {
            "TotalCount": len(found),
            "Messages": [{"MessageID": m["MessageID"], "Recipients": [m["To"]], "Metadata": m.get("Metadata", {}),
                          "Status": "Sent"} for m in page],
        })  # fmt: skip

    def recipients(self) -> list[str]:
        return [message["To"] for message in self.accepted]


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
