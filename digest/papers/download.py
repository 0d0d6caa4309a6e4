"""The one downloader for everything fetched from outside: feeds and arXiv look-ups.

One place holds the timeouts, the size limit, conditional GET and the User-Agent, so a limit fixed here
holds for every download. Failures are FeedError (DownloadError) with a one-line reason.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import httpx
from django.conf import settings

from digest.sources import FeedError

USER_AGENT = "daily-ai-papers/0.1 (+https://github.com/daily-ai-papers)"


class DownloadError(FeedError):
    """A download that failed; `status` is the HTTP status when the server answered, else None."""

    def __init__(self, reason: str, *, status: int | None = None, cause: str = "") -> None:
        super().__init__(reason)
        self.status, self.cause = status, cause


@dataclass(frozen=True)
class Downloaded:
    content: bytes
    etag: str = ""
    last_modified: str = ""


def download(
    url: str,
    *,
    params: dict[str, str] | None = None,
    etag: str = "",
    last_modified: str = "",
    client: httpx.Client | None = None,
) -> Downloaded | None:
    """GETs `url`; None when the server says the document has not changed (304)."""
    headers = {"User-Agent": USER_AGENT}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    own_client = client is None
    client = client or httpx.Client(timeout=settings.FEED_TIMEOUT_SECONDS, follow_redirects=True)
    deadline = time.monotonic() + settings.FEED_DEADLINE_SECONDS
    try:
        with client.stream("GET", url, params=params, headers=headers) as response:
            if response.status_code == 304:
                return None
            if response.status_code != 200:
                raise DownloadError(f"HTTP {response.status_code} from {url}", status=response.status_code)
            return Downloaded(
                _read_limited(response, deadline, url),
                response.headers.get("ETag", ""),
                response.headers.get("Last-Modified", ""),
            )
    except httpx.TimeoutException:
        raise DownloadError(
            f"timed out after {settings.FEED_TIMEOUT_SECONDS:g}s fetching {url}", cause="TimeoutException"
        ) from None
    except httpx.HTTPError as error:
        raise DownloadError(
            f"could not fetch {url}: {error.__class__.__name__}: {error}", cause=error.__class__.__name__
        ) from None
    finally:
        if own_client:
            client.close()


def _read_limited(response: httpx.Response, deadline: float, url: str) -> bytes:
    limit = settings.FEED_MAX_BYTES
    declared = int(response.headers.get("Content-Length") or 0)
    if declared > limit:
        raise DownloadError(f"feed is {declared} bytes, over the {limit}-byte limit", status=200, cause="size")
    chunks, size = [], 0
    for chunk in response.iter_bytes():
        if time.monotonic() > deadline:
            raise DownloadError(
                f"fetching {url} passed the {settings.FEED_DEADLINE_SECONDS:g}s deadline", cause="TimeoutException"
            )
        size += len(chunk)
        if size > limit:
            raise DownloadError(f"feed is over the {limit}-byte limit", status=200, cause="size")
        chunks.append(chunk)
    return b"".join(chunks)
