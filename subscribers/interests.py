"""What a reader follows and mutes (keywords, authors, arXiv categories) as typed and as stored.

Stored on Subscriber.follows / Subscriber.mutes as {"keywords": [...], "authors": [...], "categories": [...]};
typed by readers in the preference centre and by operators in the CSV import, both through `parse_list`.
Which of it a paper matches is digest.personalization.interests.
"""

from __future__ import annotations

import re

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
