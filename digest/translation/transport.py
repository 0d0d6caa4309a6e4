"""Reading a model server's HTTP answer: the body within a size limit and an overall deadline, Retry-After, and
the token counts of its usage block."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx

#: A reply larger than this is refused unread: an abstract's translation is a few kilobytes.
MAX_REPLY_BYTES = 256 * 1024


class PastDeadline(Exception):
    """The server was still sending when the request's deadline passed."""


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
