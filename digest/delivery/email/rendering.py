"""What a digest email is made of: its per-paper context (shared with the web archive and reader view), the
"why you got this" line, the paper count, and the rendered variant with its per-recipient placeholders.

digest.delivery.email.layouts renders an edition's papers once per language and puts each reader's email together
from the pieces; only the placeholders below are replaced per recipient.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache

from django.utils.html import escape
from django.utils.translation import gettext, ngettext

from digest.languages import Language
from digest.models import Edition, EditionEntry, Topic
from digest.personalization.keywords import keyword_in_variant
from digest.personalization.picking import Pick
from digest.translation.variants import localize, to_variant
from subscribers.sender import site_name

# Per-recipient placeholders: plain ASCII that neither autoescaping nor premailer alters. Each rendering has its
# own random marker in them, made after the content was fixed, so feed or editor text cannot spell one: the
# personal links go exactly where the template put them, never where a paper's abstract wrote the same words.
PLACEHOLDERS = ("MANAGE_URL", "UNSUBSCRIBE_URL", "ARCHIVE_URL", "FEEDBACK_URL")
#: About how long a short-form excerpt is, in English characters (a Chinese character counts two).
SHORT_FORM_CHARACTERS = 240


def placeholder(name: str, marker: str) -> str:
    return f"https://personal.invalid/{marker}/{name}"


@dataclass(frozen=True)
class RenderedVariant:
    """A selection's email with its per-recipient placeholders: the bodies are kept cut at them (even positions
    text, odd positions the placeholder's name), so per recipient the parts are joined with their links, one pass
    over a body of tens of kilobytes instead of one scan per placeholder."""

    subject: str
    html_parts: tuple[str, ...]
    text_parts: tuple[str, ...]
    paper_count: int
    language: str = ""
    marker: str = ""

    @cached_property
    def html(self) -> str:
        """The HTML with the placeholders written out (batch sending puts the provider's merge fields there)."""
        return with_placeholders(self.html_parts, self.marker)

    @cached_property
    def text(self) -> str:
        return with_placeholders(self.text_parts, self.marker)

    def personalize(self, links: dict[str, str]) -> tuple[str, str]:
        return _fill(self.html_parts, links), _fill(self.text_parts, links)


def split_at_placeholders(text: str, marker: str) -> list[str]:
    """`text` cut at the placeholders of `marker`: even positions text, odd positions the placeholders' names."""
    names = {placeholder(name, marker): name for name in PLACEHOLDERS}
    parts = _placeholder_pattern(marker).split(text)
    parts[1::2] = [names[part] for part in parts[1::2]]
    return parts


@lru_cache(maxsize=64)
def _placeholder_pattern(marker: str) -> re.Pattern[str]:
    return re.compile("(" + "|".join(re.escape(placeholder(name, marker)) for name in PLACEHOLDERS) + ")")


def with_placeholders(parts: tuple[str, ...], marker: str) -> str:
    """Parts cut at the placeholders (split_at_placeholders) joined again, each placeholder written out."""
    return _fill(parts, {name: placeholder(name, marker) for name in PLACEHOLDERS})


def _fill(parts: tuple[str, ...], links: dict[str, str]) -> str:
    return "".join(links[part] if i % 2 else part for i, part in enumerate(parts))


def topic_label(topic: Topic, language: str) -> str:
    return topic.name_en if language == Language.EN else to_variant(topic.name_zh, language)


def paper_item(entry: EditionEntry, language: str) -> dict:
    """One paper as the digest templates show it, before anything about the reader who gets it."""
    paper = entry.paper
    return {
        "entry": entry,
        "paper": paper,
        "text": localize(paper, language),
        "topics": [topic_label(t, language) for t in paper.topics.all()],
        "featured": entry.featured,
        "note": to_variant(entry.note, language) if entry.note else "",
        "authors": _authors(paper.authors),
    }


def why_line(pick: Pick, language: str) -> tuple[str, str]:
    """ "Why you got this" as HTML and as plain text, in the active interface language (the reader's): the
    strongest signal that picked the paper. A followed item is the reader's own text, escaped for the HTML; a
    Chinese keyword in the reader's variant (蒸馏 typed by a Taiwan reader reads 蒸餾)."""
    if pick.entry.featured:
        line = gettext("Why you got this: chosen by our editors.")
        return line, line
    if pick.followed:
        reason = keyword_in_variant(pick.followed, language)
    elif pick.liked:
        line = gettext("Why you got this: similar to papers you liked.")
        return line, line
    elif pick.matched_topic:
        topic = next((t for t in pick.entry.paper.topics.all() if t.slug == pick.matched_topic), None)
        reason = topic_label(topic, language) if topic else ""
    else:
        reason = ""
    if not reason:
        return "", ""
    line = gettext("Why you got this: you follow %(topic)s.")
    return line % {"topic": escape(reason)}, line % {"topic": reason}


def paper_count_label(count: int) -> str:
    return ngettext("%(count)s paper", "%(count)s papers", count) % {"count": count}


def variant_context(edition: Edition, language: str, bilingual: bool, picks: list[Pick]) -> dict:
    """What the web archive, feed and reader-view templates show of a selection."""
    return digest_context(edition, language, bilingual, [paper_item(pick.entry, language) for pick in picks])


def digest_context(edition: Edition, language: str, bilingual: bool, papers: list[dict]) -> dict:
    """The context every digest template shares, around its papers (paper_item each)."""
    return {
        "edition": edition,
        "language": language,
        "is_chinese": language != Language.EN,
        "bilingual": bilingual and language != Language.EN,
        "papers": papers,
        "site_name": site_name(language),
        "html_lang": language,
    }


def _authors(names: list[str], shown: int = 5) -> str:
    if len(names) <= shown:
        return ", ".join(names)
    return ", ".join(names[:shown]) + f" … (+{len(names) - shown})"
