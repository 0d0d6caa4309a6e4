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

from digest.delivery.budget import excerpt, fit_to_budget
from digest.delivery.encoding import wrap_text
from digest.editions.personalize import Pick, variant_key
from digest.editions.reader_views import reader_view_for, reader_view_url
from digest.languages import DJANGO_LANGUAGE, Language
from digest.models import Edition, Topic
from digest.translation.variants import localize, to_variant

log = logging.getLogger(__name__)

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
    subject: str
    html: str
    text: str
    paper_count: int
    language: str = ""
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
    return topic.name_en if language == Language.EN else to_variant(topic.name_zh, language)


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
                "followed": pick.followed,
                "liked": pick.liked,
                "featured": pick.entry.featured,
                "note": to_variant(pick.entry.note, language) if pick.entry.note else "",
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
    return "Daily AI Papers" if language == Language.EN else to_variant(settings.SITE_NAME, language)


def render_variant(edition: Edition, language: str, bilingual: bool, picks: list[Pick]) -> RenderedVariant:
    """Subject, HTML (CSS inlined, held to the size budget, folded for 8bit) and plain text (wrapped)."""
    context = variant_context(edition, language, bilingual, picks)
    short_limit = SHORT_FORM_CHARACTERS // (1 if language == Language.EN else 2)
    for item in context["papers"]:
        item["excerpt"] = excerpt(item["text"].abstract, short_limit)
    view = reader_view_for(edition, variant_key(edition.pk, language, bilingual, picks))
    marker = secrets.token_hex(12)
    context.update(
        manage_url=placeholder("MANAGE_URL", marker),
        unsubscribe_url=placeholder("UNSUBSCRIBE_URL", marker),
        archive_url=placeholder("ARCHIVE_URL", marker),
        feedback_url=placeholder("FEEDBACK_URL", marker),
        view_url=reader_view_url(view),
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
    fitted, full = fit_to_budget(inlined, [placeholder(name, marker) for name in PLACEHOLDERS])
    if full < len(picks):
        log.info("email over budget: short form from paper %s of %s edition=%s language=%s bilingual=%s",
                 full + 1, len(picks), edition.pk, language, bilingual)  # fmt: skip
    return RenderedVariant(
        subject=" ".join(subject.split()),
        html=fitted,
        text=wrap_text(text),
        paper_count=len(picks),
        language=language,
        marker=marker,
    )


def _authors(names: list[str], shown: int = 5) -> str:
    if len(names) <= shown:
        return ", ".join(names)
    return ", ".join(names[:shown]) + f" … (+{len(names) - shown})"
