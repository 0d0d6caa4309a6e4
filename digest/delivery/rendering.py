"""Templates -> HTML (CSS inlined by premailer) and plain text, once per variant; personal links last.

A variant is everything two subscribers can share (edition, language, bilingual, picks). Per recipient
only the placeholders below are replaced, so premailer runs once per variant, not once per reader.
"""

from __future__ import annotations

import logging
import re
import secrets
from dataclasses import dataclass, field

import premailer
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from digest.editions.personalize import Pick
from digest.languages import DJANGO_LANGUAGE, Language
from digest.models import Edition, Topic
from digest.translation.variants import convert, localize

log = logging.getLogger(__name__)

# Per-recipient placeholders: plain ASCII that neither autoescaping nor premailer alters. Each rendering has its
# own random marker in them, made after the content was fixed, so feed or editor text cannot spell one: the
# personal links go exactly where the template put them, never where a paper's abstract wrote the same words.
PLACEHOLDERS = ("MANAGE_URL", "UNSUBSCRIBE_URL", "ARCHIVE_URL", "FEEDBACK_URL")


def placeholder(name: str, marker: str) -> str:
    return f"https://personal.invalid/{marker}/{name}"


@dataclass(frozen=True)
class RenderedVariant:
    subject: str
    html: str
    text: str
    paper_count: int
    marker: str = ""
    _html_parts: list[str] = field(init=False, repr=False, compare=False)
    _text_parts: list[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Split once at this rendering's placeholders; per recipient the parts are joined with their links, one
        # pass over a body of tens of kilobytes instead of one scan per placeholder.
        names = {placeholder(name, self.marker): name for name in PLACEHOLDERS}
        pattern = re.compile("(" + "|".join(re.escape(text) for text in names) + ")")
        html_parts, text_parts = pattern.split(self.html), pattern.split(self.text)
        for parts in (html_parts, text_parts):
            parts[1::2] = [names[part] for part in parts[1::2]]  # odd positions: the placeholders, by name
        object.__setattr__(self, "_html_parts", html_parts)
        object.__setattr__(self, "_text_parts", text_parts)

    def personalize(self, links: dict[str, str]) -> tuple[str, str]:
        return _fill(self._html_parts, links), _fill(self._text_parts, links)


def _fill(parts: list[str], links: dict[str, str]) -> str:
    # re.split with a group: odd positions are the placeholders (stored as their names).
    return "".join(links[part] if i % 2 else part for i, part in enumerate(parts))


def topic_label(topic: Topic, language: str) -> str:
    return topic.name_en if language == Language.EN else convert(topic.name_zh, language)


def variant_context(edition: Edition, language: str, bilingual: bool, picks: list[Pick]) -> dict:
    """Everything a digest template needs; shared by the email and the public archive page."""
    papers = []
    for pick in picks:
        paper = pick.entry.paper
        topics = list(paper.topics.all())
        matched = next((t for t in topics if t.slug == pick.matched_topic), None)
        papers.append(
            {
                "entry": pick.entry,
                "paper": paper,
                "text": localize(paper, language),
                "topics": [topic_label(t, language) for t in topics],
                "matched_topic": topic_label(matched, language) if matched else "",
                "featured": pick.entry.featured,
                "note": convert(pick.entry.note, language) if pick.entry.note else "",
                "authors": _authors(paper.authors),
            }
        )
    return {
        "edition": edition,
        "language": language,
        "is_chinese": language != Language.EN,
        "bilingual": bilingual and language != Language.EN,
        "papers": papers,
        "site_name": site_name(language),
        "html_lang": language,
    }


def site_name(language: str) -> str:
    return "Daily AI Papers" if language == Language.EN else convert(settings.SITE_NAME, language)


def render_variant(edition: Edition, language: str, bilingual: bool, picks: list[Pick]) -> RenderedVariant:
    context = variant_context(edition, language, bilingual, picks)
    marker = secrets.token_hex(12)
    context.update(
        manage_url=placeholder("MANAGE_URL", marker),
        unsubscribe_url=placeholder("UNSUBSCRIBE_URL", marker),
        archive_url=placeholder("ARCHIVE_URL", marker),
        feedback_url=placeholder("FEEDBACK_URL", marker),
    )
    with translation.override(DJANGO_LANGUAGE.get(language, "en")):
        subject = render_to_string("email/digest_subject.txt", context).strip()
        html = render_to_string("email/digest.html", context)
        text = render_to_string("email/digest.txt", context)
    inlined = premailer.transform(
        html,
        keep_style_tags=True,  # media queries for mobile cannot be inlined
        strip_important=False,
        cssutils_logging_level=logging.CRITICAL,
        disable_validation=True,
        allow_network=False,
    )
    return RenderedVariant(
        subject=" ".join(subject.split()), html=inlined, text=text, paper_count=len(picks), marker=marker
    )


def _authors(names: list[str], shown: int = 5) -> str:
    if len(names) <= shown:
        return ", ".join(names)
    return ", ".join(names[:shown]) + f" … (+{len(names) - shown})"
