"""Reading a model server's HTTP answer: the body within a size limit and an overall deadline, Retry-After, and
the token counts of its usage block.

httpx has timeouts per read, not per request: a server that sends one byte every half second, headers included,
is never "timed out". `Watchdog` gives a request a hard deadline through httpx's public trace extension: when the
connection is made it learns the socket, and if the request is still running at the deadline it shuts the socket
down, which ends any read in progress at once. It needs a new connection per request (the translator's client
keeps none alive: a connection costs milliseconds beside a reply of seconds); `read_limited` also checks the
deadline between the chunks of the body.
"""

from __future__ import annotations

import socket
import threading
import time
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx

#: A reply larger than this is refused unread: an abstract's translation is a few kilobytes.
MAX_REPLY_BYTES = 256 * 1024


class PastDeadline(Exception):
    """The server was still sending when the request's deadline passed."""


class Watchdog:
    """Shuts a request's connection down at `deadline` (a time.monotonic() value); pass `trace` as the request's
    "trace" extension and use the watchdog as a context manager around the request."""

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline
        self.fired = False
        self._timer: threading.Timer | None = None

    def trace(self, event: str, info: dict) -> None:
        if event != "connection.connect_tcp.complete" or self._timer is not None:
            return
        stream = info.get("return_value")
        sock = stream.get_extra_info("socket") if stream is not None else None
        if isinstance(sock, socket.socket):
            self._timer = threading.Timer(max(0.0, self.deadline - time.monotonic()), self._shut, args=(sock,))
            self._timer.daemon = True
            self._timer.start()

    def _shut(self, sock: socket.socket) -> None:
        self.fired = True
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:  # already closed: the request ended on its own
            pass

    def __enter__(self) -> Watchdog:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._timer is not None:
            self._timer.cancel()


def read_limited(response: httpx.Response, deadline: float) -> bytes | None:
    """The body, or None past MAX_REPLY_BYTES (the rest is not read); PastDeadline once `deadline` (a
    time.monotonic() value) passes, however steadily the bytes keep coming."""
    chunks, size = [], 0
    for chunk in response.iter_bytes():
        if time.monotonic() > deadline:
            raise PastDeadline
        size += len(chunk)
        if size > MAX_REPLY_BYTES:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


#: The token columns are 32-bit; a provider's count past that (or infinite) is nonsense, kept at the ceiling.
MAX_TOKENS = 2**31 - 1


def token_count(usage: dict, key: str) -> int:
    try:
        return min(max(0, int(usage.get(key) or 0)), MAX_TOKENS)
    except (TypeError, ValueError, OverflowError):
        return MAX_TOKENS if usage.get(key) == float("inf") else 0


def retry_after_seconds(response: httpx.Response) -> float | None:
    """Retry-After in seconds, given as seconds or as an HTTP date (RFC 9110)."""
    value = response.headers.get("Retry-After", "").strip()
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())
