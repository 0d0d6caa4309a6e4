"""Which of what a reader follows or mutes a paper matches (the stored form: subscribers.interests)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from subscribers.interests import KINDS


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
