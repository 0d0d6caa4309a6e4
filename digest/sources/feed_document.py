"""feedparser with the checks every XML feed kind shares."""

from __future__ import annotations

import feedparser

from digest.sources.records import FeedError

# A server that answers with an HTML error page, a cut-off download or a hostile DTD gives a
# "bozo" document. Only a wrong charset declaration is harmless: feedparser recovers the text.
_HARMLESS_BOZO = (feedparser.CharacterEncodingOverride,)


def parse_feed(content: bytes) -> feedparser.FeedParserDict:
    document = feedparser.parse(content, sanitize_html=True, resolve_relative_uris=False)
    problem = document.get("bozo_exception") if document.get("bozo") else None
    if problem is not None and not isinstance(problem, _HARMLESS_BOZO):
        if not document.get("version") and not document.entries:
            raise FeedError(f"not an RSS or Atom feed ({_describe(problem)})")
        raise FeedError(f"feed is not well-formed: {_describe(problem)}; nothing from it was stored")
    if not document.get("version"):
        raise FeedError("not an RSS or Atom feed (no feed element found)")
    return document


def _describe(problem: BaseException) -> str:
    text = str(problem) or problem.__class__.__name__
    return text.splitlines()[0][:200]
