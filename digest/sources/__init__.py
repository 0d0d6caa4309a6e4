"""Feed parsers: one module per feed kind, each turning a document into plain PaperRecords.

Parsers never touch the database; `digest.papers.ingest` stores what they return.
"""

from __future__ import annotations

from collections.abc import Callable

from digest.sources.records import FeedError, PaperRecord, ParseResult

__all__ = ["FeedError", "PaperRecord", "ParseResult", "parser_for"]


def parser_for(kind: str) -> Callable[[bytes], ParseResult]:
    from digest.sources import arxiv_api, arxiv_rss, hf_daily

    parsers = {"arxiv_rss": arxiv_rss.parse, "arxiv_api": arxiv_api.parse, "hf_daily": hf_daily.parse}
    try:
        return parsers[kind]
    except KeyError:
        raise FeedError(f"unknown feed kind {kind!r}; expected one of {', '.join(parsers)}") from None
