"""Which of what a reader follows or mutes a paper matches (the stored form: subscribers.interests)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from digest.personalization.keywords import EMPTY, ChineseText, chinese_match, has_chinese
from subscribers.interests import KINDS, check_stored


@dataclass(frozen=True)
class Interests:
    """One side (follows or mutes) in a hashable, normalized form: part of the key readers share renders by."""

    keywords: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()

    @classmethod
    def from_json(cls, data: object) -> Interests:
        """The stored side (None and {} are nothing). A value that does not fit the stored schema (a row written
        before it was checked, or by hand: ["llm"], {"keywords": [1, 2]}) raises InvalidInterest saying what is
        wrong, never an AttributeError halfway: the send path fails that one reader with the reason, and guessing
        what a broken mute list meant could mail a reader what they muted."""
        stored = check_stored(data)
        return cls(*(tuple(stored[kind]) for kind in KINDS))

    def __bool__(self) -> bool:
        return bool(self.keywords or self.authors or self.categories)

    def match(
        self, title: str, abstract: str, authors: list[str], categories: list[str], chinese: ChineseText = EMPTY
    ) -> str:
        """The first item the paper matches ("" for none): an author by full name, a category exactly, a keyword
        as a whole word or phrase of the title or abstract, all case-insensitive; a keyword in Chinese, of any
        variant, as whole words of the paper's translation (`chinese`, prepared once per pool: keywords.py)."""
        lowered_authors = {a.lower() for a in authors}
        for author in self.authors:
            if author.lower() in lowered_authors:
                return author
        for category in self.categories:
            if category in categories:
                return category
        text = f"{title}\n{abstract}"
        for keyword in self.keywords:
            if chinese_match(keyword, chinese) if has_chinese(keyword) else _keyword_re(keyword).search(text):
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
