"""export.arxiv.org/api/query Atom responses (used for back-fill and for adding a paper by id)."""

from __future__ import annotations

from datetime import UTC, datetime
from time import struct_time

from digest.sources.feed_document import parse_feed
from digest.sources.records import (
    MAX_ABSTRACT_CHARS,
    MAX_TITLE_CHARS,
    PaperRecord,
    ParseResult,
    arxiv_id_of,
    dedupe,
    plain_text,
)


def parse(content: bytes) -> ParseResult:
    document = parse_feed(content)
    result = ParseResult()
    records = []
    for number, entry in enumerate(document.entries, start=1):
        ids = arxiv_id_of(entry.get("id", ""))
        title = plain_text(entry.get("title", ""), limit=MAX_TITLE_CHARS)
        published = entry.get("published_parsed") or entry.get("updated_parsed")
        if isinstance(ids, str):
            result.skipped.append((number, ids))
            continue
        if not title or published is None:
            result.skipped.append((number, f"{ids[0]}: no title or no date"))
            continue
        categories = [tag["term"] for tag in entry.get("tags", []) if tag.get("term")]
        primary = (entry.get("arxiv_primary_category") or {}).get("term", "")
        if primary and primary in categories:
            categories.remove(primary)
        categories = ([primary] if primary else []) + categories
        records.append(
            PaperRecord(
                arxiv_id=ids[0],
                version=ids[1],
                title=title,
                abstract=plain_text(entry.get("summary", ""), limit=MAX_ABSTRACT_CHARS),
                authors=[plain_text(a.get("name", "")) for a in entry.get("authors", []) if a.get("name")],
                categories=categories,
                primary_category=primary,
                announced_on=_utc_date(published),
                announce_type="new",
            )
        )
    result.records = dedupe(records)
    return result


def _utc_date(value: struct_time):
    return datetime(*value[:6], tzinfo=UTC).date()
