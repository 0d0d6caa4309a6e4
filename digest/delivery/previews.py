"""The email exactly as a reader of one variant gets it, for editors: preview and test send.

The same render_variant the send uses, personalized with harmless links (a test reader has no tokens),
so what the editor approves is byte for byte the body readers get, except the three personal links.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from anymail.message import AnymailMessage
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.urls import reverse
from django.utils.translation import gettext_noop

from digest.delivery.email.layouts import render_variant
from digest.editions.selectors import edition_entries
from digest.editor_text import EditorError
from digest.languages import LANGUAGE_CHOICES
from digest.models import Edition
from digest.personalization.picking import pick_papers

log = logging.getLogger(__name__)
LANGUAGES = [code for code, _ in LANGUAGE_CHOICES]


class PreviewError(EditorError):
    """A preview or test send that cannot be made; the message is safe to show."""


@dataclass(frozen=True)
class Preview:
    language: str
    bilingual: bool
    subject: str
    html: str
    text: str
    paper_count: int


def preview_links(edition: Edition, language: str) -> dict[str, str]:
    """Where the personal links point in a preview: the public pages, never a reader's token."""
    site = settings.SITE_URL
    return {
        "MANAGE_URL": site + reverse("subscribers:subscribe"),
        "UNSUBSCRIBE_URL": site + reverse("subscribers:subscribe"),
        # A test or preview has no reader to vote as: the link leads to the clear "link cannot be used" page.
        "FEEDBACK_URL": f"{site}/feedback/preview",
        "ARCHIVE_URL": site + edition.get_absolute_url() + f"?lang={language}",
    }


def preview_variant(
    edition: Edition, language: str, bilingual: bool, topic_slugs: Iterable[str], max_papers: int
) -> Preview:
    """Renders what a subscriber with these preferences would get; PreviewError if they would get nothing."""
    if language not in LANGUAGES:
        raise PreviewError(
            gettext_noop("unknown language %(language)s; one of %(languages)s"),
            language=repr(language),
            languages=", ".join(LANGUAGES),
        )
    if not 1 <= max_papers <= 50:
        raise PreviewError(gettext_noop("papers per email must be between 1 and 50"))
    picks = pick_papers(edition_entries(edition), frozenset(topic_slugs), max_papers)
    if not picks:
        raise PreviewError(
            gettext_noop("no paper of this edition matches these topics: such a reader gets no email today")
        )
    variant = render_variant(edition, language, bilingual, picks)
    html, text = variant.personalize(preview_links(edition, language))
    return Preview(language, bilingual, variant.subject, html, text, variant.paper_count)


def send_test(preview: Preview, to_email: str) -> AnymailMessage:
    """Sends the previewed variant to one address through the configured EMAIL_BACKEND, marked as a test."""
    try:
        validate_email(to_email)
    except ValidationError:
        raise PreviewError(
            gettext_noop("%(address)s is not an email address; set one on your user account to receive tests"),
            address=repr(to_email),
        ) from None
    message = AnymailMessage(
        subject=f"[TEST] {preview.subject}",
        body=preview.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to_email],
        headers={"List-Id": settings.LIST_ID, "X-Test-Send": preview.language},
        tags=["test"],
    )
    message.attach_alternative(preview.html, "text/html")
    message.send()
    log.info("test email sent language=%s bilingual=%s", preview.language, preview.bilingual)
    return message
