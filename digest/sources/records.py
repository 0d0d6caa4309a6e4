"""The normalized shape every parser returns, and the helpers they share."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field, replace
from datetime import date

from digest.hidden_characters import without_hidden_characters

#: arXiv's abstract limit is 1,920 characters; anything far beyond is not an abstract.
MAX_ABSTRACT_CHARS = 6000
MAX_TITLE_CHARS = 500
#: The Paper columns a record must fit (tests check these against digest.models.Paper): a value past them would
#: make PostgreSQL refuse the whole document's transaction.
MAX_ARXIV_ID_CHARS = 32
MAX_CATEGORY_CHARS = 32
MAX_URL_CHARS = 300
MAX_SCORE = 2**31 - 1
MAX_VERSION = 32767
MAX_AUTHORS, MAX_AUTHOR_CHARS, MAX_CATEGORIES = 1000, 300, 50
#: What a parser may raise on an item of unexpected shape; that item is skipped, the others kept.
ITEM_ERRORS = (TypeError, ValueError, AttributeError, KeyError, IndexError, RecursionError)

#: A whole arXiv id as feeds write it: new style (2505.12514) or old style (cs/0112017), an optional version, and
#: optionally the prefix the feed puts before it (the OAI guid, "arXiv:", an abs or pdf link). Matched against the
#: whole value (fullmatch): "2505.05427777" is not 2505.05427 with something after it, it is no id at all.
ARXIV_ID_RE = re.compile(
    r"(?:oai:arxiv\.org:|arxiv:|https?://(?:www\.|export\.)?arxiv\.org/(?:abs|pdf)/)?"
    r"(?P<id>\d{4}\.\d{4,5}|[a-z][a-z\-]*(?:\.[A-Z]{2})?/\d{7})(?:v(?P<version>[1-9]\d{0,4}))?(?:\.pdf)?/?",
    re.IGNORECASE | re.ASCII,  # \d is 0-9 only: full-width or Arabic-Indic digits are no id
)
#: Something that looks like it means an arXiv id (digits.digits, or an old-style archive/number), whole or not.
_ID_LIKE_RE = re.compile(r"\d{4}\.\d|[a-z]/\d{5}", re.IGNORECASE)
#: An id inside an arXiv link (abs, pdf or html page), ending where the path segment ends.
_ID_IN_URL_RE = re.compile(
    r"arxiv\.org/(?:abs|pdf|html)/(?P<id>\d{4}\.\d{4,5}|[a-z][a-z\-]*(?:\.[A-Z]{2})?/\d{7})"
    r"(?:v(?P<version>[1-9]\d{0,4}))?(?:\.pdf)?(?=[/?#]|\Z)",
    re.IGNORECASE | re.ASCII,
)
_TAG_RE = re.compile(r"<[^>]*>")
_SPACE_RE = re.compile(r"\s+")
#: Where a URL copied out of TeX ends: `https://github.com/a/b}{codes}$` is `https://github.com/a/b`.
_URL_END_RE = re.compile(r"[\s{}$\\<>\"'`]")


class FeedError(Exception):
    """A document that cannot be read as the feed it claims to be. Carries the source for the log."""

    def __init__(self, reason: str, *, source: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.source = source

    def __str__(self) -> str:
        return f"{self.source}: {self.reason}" if self.source else self.reason


@dataclass(frozen=True)
class PaperRecord:
    arxiv_id: str
    version: int
    title: str
    abstract: str
    authors: list[str]
    categories: list[str]
    announced_on: date
    announce_type: str = "new"
    primary_category: str = ""
    score: int = 0
    code_url: str = ""
    #: Where the item is in its document (numbered from 1), for reports about it.
    item: int = field(default=0, compare=False)

    @property
    def abs_url(self) -> str:
        # Built from the id, never taken from the feed: a feed's <link> may be anything (javascript:...).
        return f"https://arxiv.org/abs/{self.arxiv_id}"

    @property
    def pdf_url(self) -> str:
        return f"https://arxiv.org/pdf/{self.arxiv_id}"


@dataclass
class ParseResult:
    records: list[PaperRecord] = field(default_factory=list)
    #: (item number, reason) for each item left out; the rest of the document is kept.
    skipped: list[tuple[int, str]] = field(default_factory=list)
    #: The feed says it publishes nothing on these days (arXiv: Saturday, Sunday).
    skip_days: list[str] = field(default_factory=list)


def split_arxiv_id(text: str) -> tuple[str, int] | None:
    """'oai:arXiv.org:2505.12514v2' / 'http://arxiv.org/abs/2505.12514v2' -> ('2505.12514', 2); None unless the
    whole value (spaces around it aside) is one id: '2505.05427777' or '2505.0111…1' are None, never a prefix."""
    match = ARXIV_ID_RE.fullmatch((text or "").strip())
    if not match:
        return None
    return match.group("id"), int(match.group("version") or 1)


def arxiv_id_in_url(url: str) -> str | None:
    """The paper an arXiv link points to ('https://arxiv.org/pdf/2505.12514v2?x=1' -> '2505.12514'), or None."""
    match = _ID_IN_URL_RE.search(url or "")
    return match.group("id") if match else None


def looks_like_arxiv_id(text: str) -> bool:
    """Whether a value seems meant as an arXiv id even if it is not a whole one (what is then reported as a
    malformed id rather than a missing one)."""
    return bool(_ID_LIKE_RE.search(text or ""))


def arxiv_id_of(*candidates: str) -> tuple[str, int] | str:
    """The one id the item's fields name, first field first, or why there is none: a field that means an id but
    does not parse as a whole one, or two fields naming different papers, skip the item (guessing would merge it
    into another paper)."""
    found: tuple[str, int] | None = None
    for candidate in candidates:
        if not candidate or not candidate.strip():
            continue
        ids = split_arxiv_id(candidate)
        if ids is None:
            if looks_like_arxiv_id(candidate):
                return f"malformed arXiv id {candidate.strip()[:60]!r}"
            continue
        if found is not None and ids[0] != found[0]:
            return f"the item names two arXiv ids: {found[0]} and {ids[0]}"
        found = found or ids
    return found if found is not None else "no arXiv id"


def plain_text(value: str, *, is_html: bool = False, limit: int | None = None) -> str:
    """Feed text as plain text: tags dropped (when the feed calls it HTML), entities decoded, space folded.

    The result is still untrusted: templates autoescape it.
    """
    text = without_hidden_characters(value or "")
    if is_html:
        text = without_hidden_characters(html.unescape(_TAG_RE.sub(" ", text)))  # &#7; decodes to a control
    text = _SPACE_RE.sub(" ", text).strip()
    if limit is not None and len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text


def clean_url(url: str) -> str:
    """A feed's URL without the TeX around it (the source's `\\href{URL}{text}` cut after the URL, a closing
    `$`) and without sentence punctuation at its end; "" when what is left is no https URL."""
    url = _URL_END_RE.split(url.strip(), maxsplit=1)[0].rstrip(".,;:")
    if url.endswith(")") and url.count("(") < url.count(")"):
        url = url[:-1]
    return url if url.startswith("https://") and len(url) > len("https://") else ""


def collect(items, to_record, result: ParseResult) -> ParseResult:
    """Turns each item into a record or a skip reason (numbered from 1, as an operator counts items),
    then keeps one record per arXiv id."""
    records = []
    for number, item in enumerate(items, start=1):
        try:
            record_or_reason = fit_to_columns(to_record(item))
            if not isinstance(record_or_reason, str):
                record_or_reason = replace(record_or_reason, item=number)
        except ITEM_ERRORS as error:
            record_or_reason = f"unreadable item ({error.__class__.__name__})"
        if isinstance(record_or_reason, str):
            result.skipped.append((number, record_or_reason))
        else:
            records.append(record_or_reason)
    result.records = dedupe(records)
    return result


def fit_to_columns(record: PaperRecord | str) -> PaperRecord | str:
    """A record cut to what the Paper columns hold: an id that cannot fit is a skip reason; a category is
    truncated, an over-long URL dropped (a cut URL points elsewhere), counts clamped."""
    if isinstance(record, str):
        return record
    if len(record.arxiv_id) > MAX_ARXIV_ID_CHARS:
        return f"arXiv id longer than {MAX_ARXIV_ID_CHARS} characters: {record.arxiv_id[:40]}…"
    return replace(
        record,
        version=min(max(record.version, 1), MAX_VERSION),
        authors=[name[:MAX_AUTHOR_CHARS] for name in record.authors[:MAX_AUTHORS]],
        categories=list(dict.fromkeys(c[:MAX_CATEGORY_CHARS] for c in record.categories[:MAX_CATEGORIES])),
        primary_category=record.primary_category[:MAX_CATEGORY_CHARS],
        score=min(max(record.score, 0), MAX_SCORE),
        code_url=code_url if len(code_url := clean_url(record.code_url)) <= MAX_URL_CHARS else "",
    )


def dedupe(records: list[PaperRecord]) -> list[PaperRecord]:
    """One record per arXiv id within a document: the highest version wins, first position kept."""
    best: dict[str, PaperRecord] = {}
    for record in records:
        current = best.get(record.arxiv_id)
        if current is None or record.version > current.version:
            best[record.arxiv_id] = record
    return list(best.values())
