"""Templates -> HTML (CSS inlined by premailer) and plain text, once per variant; personal links last.

A variant is everything two subscribers can share (edition, language, bilingual, picks). Per recipient
only the placeholders below are replaced, so premailer runs once per variant, not once per reader.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import premailer
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from .languages import DJANGO_LANGUAGE, Language
from .models import Edition, Topic
from .personalize import Pick
from .translation.variants import convert, localize

log = logging.getLogger(__name__)

# Per-recipient placeholders: plain ASCII that neither autoescaping nor premailer alters.
PLACEHOLDERS = ("MANAGE_URL", "UNSUBSCRIBE_URL", "ARCHIVE_URL", "FEEDBACK_URL")


def placeholder(name: str) -> str:
    return f"https://personal.invalid/{name}"


@dataclass(frozen=True)
class RenderedVariant:
    subject: str
    html: str
    text: str
    paper_count: int

    def personalize(self, links: dict[str, str]) -> tuple[str, str]:
        html, text = self.html, self.text
        for name in PLACEHOLDERS:
            html = html.replace(placeholder(name), links[name])
            text = text.replace(placeholder(name), links[name])
        return html, text


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
    context.update(
        manage_url=placeholder("MANAGE_URL"),
        unsubscribe_url=placeholder("UNSUBSCRIBE_URL"),
        archive_url=placeholder("ARCHIVE_URL"),
        feedback_url=placeholder("FEEDBACK_URL"),
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
    return RenderedVariant(subject=" ".join(subject.split()), html=inlined, text=text, paper_count=len(picks))


def _authors(names: list[str], shown: int = 5) -> str:
    if len(names) <= shown:
        return ", ".join(names)
    return ", ".join(names[:shown]) + f" … (+{len(names) - shown})"
