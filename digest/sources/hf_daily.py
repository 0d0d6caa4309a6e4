"""huggingface.co/api/daily_papers?date=YYYY-MM-DD: a JSON array of community-picked papers with upvotes."""

from __future__ import annotations

import json
from datetime import date

from digest.sources.records import (
    MAX_ABSTRACT_CHARS,
    MAX_TITLE_CHARS,
    FeedError,
    PaperRecord,
    ParseResult,
    arxiv_id_of,
    collect,
    plain_text,
)


def parse(content: bytes) -> ParseResult:
    try:
        document = json.loads(content)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise FeedError(f"not valid JSON: {error}") from None
    except RecursionError:
        raise FeedError("JSON nested too deeply to read") from None
    if not isinstance(document, list):
        detail = document.get("error") if isinstance(document, dict) else None
        raise FeedError(
            "expected a JSON array of daily papers" + (f"; the server said: {str(detail)[:200]}" if detail else "")
        )
    return collect(document, _record, ParseResult())


def _record(element: object) -> PaperRecord | str:
    if not isinstance(element, dict) or not isinstance(element.get("paper"), dict):
        return "element has no paper object"
    paper = element["paper"]
    if paper.get("id") is None:
        return "no arXiv id"
    if not isinstance(paper["id"], str):  # a JSON number loses digits (2505.05430 reads 2505.0543)
        return f"arXiv id is not a text: {str(paper['id'])[:40]!r}"
    ids = arxiv_id_of(paper["id"])
    if isinstance(ids, str):
        return ids
    title = plain_text(str(paper.get("title") or element.get("title") or ""), limit=MAX_TITLE_CHARS)
    if not title:
        return f"{ids[0]}: no title"
    announced = _iso_date(paper.get("submittedOnDailyAt")) or _iso_date(element.get("publishedAt"))
    if announced is None:
        return f"{ids[0]}: no date"
    listed = paper.get("authors")
    listed = listed if isinstance(listed, list) else []  # null or a string: the paper is kept without authors
    authors = [plain_text(str(a["name"])) for a in listed if isinstance(a, dict) and isinstance(a.get("name"), str)]
    code_url = str(paper.get("githubRepo") or "")
    upvotes = paper.get("upvotes", 0)
    return PaperRecord(
        arxiv_id=ids[0],
        version=1,
        title=title,
        abstract=plain_text(str(paper.get("summary") or element.get("summary") or ""), limit=MAX_ABSTRACT_CHARS),
        authors=list(dict.fromkeys(authors)),
        categories=[],
        announced_on=announced,
        announce_type="new",
        score=upvotes if isinstance(upvotes, int) and upvotes >= 0 else 0,
        code_url=code_url if code_url.startswith("https://") else "",
    )


def _iso_date(value: object) -> date | None:
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None
