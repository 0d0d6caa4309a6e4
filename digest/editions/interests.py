"""What a reader follows and mutes (keywords, authors, arXiv categories), and which of it a paper matches.

Stored on Subscriber.follows / Subscriber.mutes as {"keywords": [...], "authors": [...], "categories": [...]};
typed by readers in the preference centre and by operators in the CSV import, both through `parse_list`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

KINDS = ("keywords", "authors", "categories")
#: More would make a preference centre nobody can read, and a variant key nobody shares.
MAX_ITEMS = 30
MAX_ITEM_LENGTH = 100
_CATEGORY_RE = re.compile(r"^[a-z-]+(\.[A-Za-z-]+)?$")
_SEPARATORS_RE = re.compile(r"[;,\n]")


class InvalidInterest(ValueError):
    """A list a reader typed that cannot be kept; the message says which item and why. The message stays lazy
    (with its params) so a form shows it in the page's language, which is chosen after validation."""

    def __init__(self, message, params: dict) -> None:
        super().__init__(message, params)
        self.message, self.params = message, params

    def __str__(self) -> str:
        return str(self.message) % self.params


def parse_list(text: str, kind: str) -> list[str]:
    """Items separated by commas, semicolons or line breaks; blanks and repeats dropped, order kept."""
    items: list[str] = []
    for raw in _SEPARATORS_RE.split(text or ""):
        item = " ".join(raw.split())
        if not item or item.lower() in (i.lower() for i in items):
            continue
        if len(item) > MAX_ITEM_LENGTH or "\x00" in item:
            raise InvalidInterest(_("“%(item)s” is too long."), {"item": item[:30]})
        if kind == "categories" and not _CATEGORY_RE.match(item):
            raise InvalidInterest(_("“%(item)s” is not an arXiv category such as cs.CL."), {"item": item})
        if kind == "keywords" and len(item) < 2:
            raise InvalidInterest(_("“%(item)s” is too short to match anything useful."), {"item": item})
        items.append(item)
    if len(items) > MAX_ITEMS:
        raise InvalidInterest(_("At most %(count)d items."), {"count": MAX_ITEMS})
    return items


def format_list(items: list[str]) -> str:
    return ", ".join(items)


@dataclass(frozen=True)
class Interests:
    """One side (follows or mutes) in a hashable, normalized form: part of the key readers share renders by."""

    keywords: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()

    @classmethod
    def from_json(cls, data: dict | None) -> Interests:
        data = data or {}
        return cls(*(tuple(str(item) for item in data.get(kind) or ()) for kind in KINDS))

    def __bool__(self) -> bool:
        return bool(self.keywords or self.authors or self.categories)

    def match(self, title: str, abstract: str, authors: list[str], categories: list[str]) -> str:
        """The first item the paper matches ("" for none): an author by full name, a category exactly, a keyword
        as a whole word or phrase of the title or abstract, all case-insensitive."""
        lowered_authors = {a.lower() for a in authors}
        for author in self.authors:
            if author.lower() in lowered_authors:
                return author
        for category in self.categories:
            if category in categories:
                return category
        text = f"{title}\n{abstract}"
        for keyword in self.keywords:
            if _keyword_re(keyword).search(text):
                return keyword
        return ""


_KEYWORD_CACHE: dict[str, re.Pattern[str]] = {}


def _keyword_re(keyword: str) -> re.Pattern[str]:
    pattern = _KEYWORD_CACHE.get(keyword)
    if pattern is None:
        pattern = re.compile(r"(?<!\w)" + re.escape(keyword) + r"(?!\w)", re.IGNORECASE)
        if len(_KEYWORD_CACHE) < 10000:
            _KEYWORD_CACHE[keyword] = pattern
    return pattern
