"""rss.arxiv.org (2024+ format): one item per paper with `Announce Type: new|cross|replace|replace-cross`."""

from __future__ import annotations

import re
from datetime import date
from email.utils import parsedate_to_datetime

from digest.sources.feed_document import parse_feed
from digest.sources.records import (
    MAX_ABSTRACT_CHARS,
    MAX_TITLE_CHARS,
    PaperRecord,
    ParseResult,
    arxiv_id_of,
    collect,
    plain_text,
)

ANNOUNCE_TYPES = {"new", "cross", "replace", "replace-cross"}
_DESCRIPTION_RE = re.compile(
    r"^\s*arXiv:(?P<id>\S+)\s+Announce Type:\s*(?P<type>[\w-]+)\s*Abstract:\s*(?P<abstract>.*)$", re.DOTALL
)


def parse(content: bytes) -> ParseResult:
    document = parse_feed(content)
    channel_date = _date_of(document.feed.get("published")) or _date_of(document.feed.get("updated"))
    return collect(
        document.entries, lambda entry: _record(entry, channel_date), ParseResult(skip_days=_skip_days(content))
    )


def _record(entry: dict, channel_date: date | None) -> PaperRecord | str:
    description = plain_text(entry.get("summary", ""), is_html=True)
    parsed = _DESCRIPTION_RE.match(description)
    ids = arxiv_id_of(entry.get("id", ""), parsed.group("id") if parsed else "", entry.get("link", ""))
    if isinstance(ids, str):
        return "no arXiv id in guid, description or link" if ids == "no arXiv id" else ids
    title = plain_text(entry.get("title", ""), limit=MAX_TITLE_CHARS)
    if not title:
        return f"{ids[0]}: no title"
    announced_on = _date_of(entry.get("published")) or channel_date
    if announced_on is None:
        return f"{ids[0]}: no announcement date"
    announce_type = (entry.get("arxiv_announce_type") or (parsed.group("type") if parsed else "new")).lower()
    if announce_type not in ANNOUNCE_TYPES:
        return f"{ids[0]}: unknown announce type {announce_type!r}"
    abstract = parsed.group("abstract") if parsed else description
    categories = [tag["term"] for tag in entry.get("tags", []) if tag.get("term")]
    return PaperRecord(
        arxiv_id=ids[0],
        version=ids[1],
        title=title,
        abstract=plain_text(abstract, limit=MAX_ABSTRACT_CHARS),
        authors=_authors(entry.get("author", "")),
        categories=categories,
        primary_category=categories[0] if categories else "",
        announced_on=announced_on,
        announce_type=announce_type,
    )


def _authors(creator: str) -> list[str]:
    # arXiv's dc:creator is one comma-separated string ("A, B, C").
    return [name.strip() for name in plain_text(creator).split(",") if name.strip()]


def _date_of(rfc822: str | None) -> date | None:
    """The calendar date as arXiv wrote it (its own offset), not shifted to UTC."""
    if not rfc822:
        return None
    try:
        return parsedate_to_datetime(rfc822).date()
    except (TypeError, ValueError):
        return None


def _skip_days(content: bytes) -> list[str]:
    return re.findall(r"<day>\s*(\w+)\s*</day>", content.decode("utf-8", "replace"))
