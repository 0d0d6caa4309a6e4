"""Looking a paper up on arXiv by its id, for the papers the feeds missed (an editor's "add by arXiv id")."""

from __future__ import annotations

import re

import httpx
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_noop

from digest.editor_text import EditorError
from digest.models import Paper
from digest.papers.classify import classify
from digest.papers.download import DownloadError, download
from digest.papers.ingest import upsert_paper
from digest.sources import FeedError, parser_for


class ArxivLookupError(EditorError):
    """An id that is not an arXiv id, or a lookup arXiv did not answer; the message is safe to show an editor."""


# New-style (2505.12345, optional version) and old-style (cs/0112017) arXiv identifiers.
# The whole value (fullmatch), ASCII digits only.
ARXIV_ID_RE = re.compile(r"(?:\d{4}\.\d{4,5}|[a-z][a-z.\-]*/\d{7})(?:v\d+)?", re.IGNORECASE | re.ASCII)


def normalize_arxiv_id(text: str) -> str:
    """'arXiv:2505.14970v2', ' 2505.14970 ' -> '2505.14970'; anything else is an ArxivLookupError."""
    value = (text or "").strip()
    value = re.sub(r"^(?:arxiv:|https?://arxiv\.org/(?:abs|pdf)/)", "", value, flags=re.IGNORECASE)
    value = value.removesuffix(".pdf")
    if not ARXIV_ID_RE.fullmatch(value):
        raise ArxivLookupError(
            gettext_noop("%(text)s is not an arXiv id (like 2505.14970)"), text=repr((text or "").strip()[:40])
        )
    return re.sub(r"v\d+$", "", value)


def fetch_arxiv_paper(arxiv_id: str, *, client: httpx.Client | None = None) -> Paper:
    """Looks the id up through the arXiv API (ARXIV_API_URL), stores the paper and classifies it."""
    arxiv_id = normalize_arxiv_id(arxiv_id)
    try:
        got = download(settings.ARXIV_API_URL, params={"id_list": arxiv_id, "max_results": "1"}, client=client)
    except DownloadError as error:
        if error.cause == "size":
            raise ArxivLookupError(gettext_noop("the arXiv API answer is too large")) from None
        if error.status is not None:
            raise ArxivLookupError(
                gettext_noop("the arXiv API answered HTTP %(status)s for %(arxiv_id)s"),
                status=error.status,
                arxiv_id=arxiv_id,
            ) from None
        raise ArxivLookupError(gettext_noop("could not reach the arXiv API: %(error)s"), error=error.cause) from None
    try:
        parsed = parser_for("arxiv_api")(got.content if got else b"")
    except FeedError as error:
        raise ArxivLookupError(
            gettext_noop("the arXiv API answer could not be read: %(reason)s"), reason=error.reason
        ) from None
    record = next((r for r in parsed.records if r.arxiv_id == arxiv_id), None)
    if record is None:
        raise ArxivLookupError(gettext_noop("arXiv has no paper %(arxiv_id)s"), arxiv_id=arxiv_id)
    with transaction.atomic():
        paper, _ = upsert_paper(record)
        classify([paper])
    return paper
