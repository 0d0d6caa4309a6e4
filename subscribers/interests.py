"""What a reader follows and mutes (keywords, authors, arXiv categories) as typed and as stored.

Stored on Subscriber.follows / Subscriber.mutes as {"keywords": [...], "authors": [...], "categories": [...]};
typed by readers in the preference centre and by operators in the CSV import, both through `parse_list`.
Which of it a paper matches is digest.personalization.interests.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

KINDS = ("keywords", "authors", "categories")
#: More would make a preference centre nobody can read, and a variant key nobody shares.
MAX_ITEMS = 30
MAX_ITEM_LENGTH = 100
_CATEGORY_RE = re.compile(r"^[a-z-]+(\.[A-Za-z-]+)?$")
_SEPARATORS_RE = re.compile(r"[;,\n]")
#: What separates items as readers type them: also the full-width comma, semicolon and enumeration comma a
#: Chinese keyboard gives (蒸餾，檢索、程式碼).
_TYPED_SEPARATORS_RE = re.compile(r"[;,\n，；、]")
_CJK_END_RE = re.compile("[\u3400-\u9fff\uf900-\ufaff]$")


class InvalidInterest(ValueError):
    """A list a reader typed that cannot be kept; the message says which item and why. The message stays lazy
    (with its params) so a form shows it in the page's language, which is chosen after validation."""

    def __init__(self, message, params: dict) -> None:
        super().__init__(message, params)
        self.message, self.params = message, params

    def __str__(self) -> str:
        return str(self.message) % self.params


def parse_list(text: str, kind: str) -> list[str]:
    """Items separated by commas, semicolons (half- or full-width), 、 or line breaks; blanks and repeats dropped,
    order kept."""
    items: list[str] = []
    for raw in _TYPED_SEPARATORS_RE.split(text or ""):
        item = " ".join(raw.split())
        if not item or item.lower() in (i.lower() for i in items):
            continue
        _check_item(item, kind)
        items.append(item)
    if len(items) > MAX_ITEMS:
        raise InvalidInterest(_("At most %(count)d items."), {"count": MAX_ITEMS})
    return items


def _check_item(item: str, kind: str) -> None:
    if len(item) > MAX_ITEM_LENGTH or "\x00" in item:
        raise InvalidInterest(_("“%(item)s” is too long."), {"item": item[:30]})
    if kind == "categories" and not _CATEGORY_RE.match(item):
        raise InvalidInterest(_("“%(item)s” is not an arXiv category such as cs.CL."), {"item": item[:30]})
    if kind == "keywords" and len(item) < 2:
        raise InvalidInterest(_("“%(item)s” is too short to match anything useful."), {"item": item})


def check_stored(value: object) -> dict[str, list[str]]:
    """The one schema of a stored side (follows or mutes), whoever writes it (admin, import, preference centre, a
    script): a JSON object whose keys are among KINDS, each a list of at most MAX_ITEMS distinct items that
    parse_list would keep as they are. Returns the value with every kind present; raises InvalidInterest saying
    what is wrong. None (JSON null) and {} mean nothing followed."""
    if value is None:
        value = {}
    if not isinstance(value, dict):
        raise InvalidInterest(
            _('Expected an object such as {"keywords": ["llm"]}, not %(type)s.'), {"type": _json_type(value)}
        )
    unknown = sorted(str(key) for key in value if key not in KINDS)
    if unknown:
        raise InvalidInterest(
            _("Unknown kind “%(kind)s” (keywords, authors or categories)."), {"kind": unknown[0][:30]}
        )
    stored: dict[str, list[str]] = {}
    for kind in KINDS:
        items = value.get(kind)
        items = [] if items is None else items
        if not isinstance(items, list):
            raise InvalidInterest(
                _("%(kind)s: expected a list of texts, not %(type)s."), {"kind": kind, "type": _json_type(items)}
            )
        for item in items:
            if not isinstance(item, str):
                raise InvalidInterest(
                    _("%(kind)s: every item is a text, not %(type)s."), {"kind": kind, "type": _json_type(item)}
                )
            if item != " ".join(item.split()) or not item or _SEPARATORS_RE.search(item):
                raise InvalidInterest(_("%(kind)s: “%(item)s” is not one item."), {"kind": kind, "item": item[:30]})
            _check_item(item, kind)
        if len({item.lower() for item in items}) != len(items):
            raise InvalidInterest(_("%(kind)s: an item is repeated."), {"kind": kind})
        if len(items) > MAX_ITEMS:
            raise InvalidInterest(_("At most %(count)d items."), {"count": MAX_ITEMS})
        stored[kind] = list(items)
    return stored


def validate_stored(value: object) -> None:
    """check_stored as a model-field validator: the admin, model forms and full_clean() refuse what it refuses."""
    try:
        check_stored(value)
    except InvalidInterest as error:
        raise ValidationError(error.message, code="invalid_interests", params=error.params) from None


def readable_items(value: object, kind: str) -> list[str]:
    """What a page can show of a stored side that may not fit the schema (a row written before it was checked, or
    by hand): the kind's text items, anything else left out. Never raises."""
    items = value.get(kind) if isinstance(value, dict) else None
    return [item for item in items if isinstance(item, str)] if isinstance(items, list) else []


def _json_type(value: object):
    if isinstance(value, dict):
        return _("an object")
    if isinstance(value, list):
        return _("a list")
    if isinstance(value, str):
        return _("a text")
    if isinstance(value, bool):
        return _("true or false")
    if isinstance(value, int | float):
        return _("a number")
    return _("null")


def format_list(items: list[str]) -> str:
    """Items as the preference centre shows them: "，" after a Chinese item (蒸餾，程式碼), ", " after any other;
    parse_list reads both."""
    if not items:
        return ""
    parts = [f"{item}{'，' if _CJK_END_RE.search(item) else ', '}" for item in items[:-1]]
    return "".join(parts) + items[-1]
