"""RSS and Atom feeds of published editions, one per language variant (/archive/feed/<lang>/rss/, /atom/).

Each item carries the edition's papers in that variant (the archive page's content, no personal links).
Feed objects are shared between requests, so the variant travels with each item, not on the instance.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext

from digest.delivery.email.rendering import variant_context
from digest.editions.selectors import edition_entries
from digest.hidden_characters import without_hidden_characters
from digest.languages import DJANGO_LANGUAGE
from digest.models import Edition
from digest.personalization.picking import pick_papers
from subscribers.sender import site_name

FEED_ITEMS = 30


def edition_tag(edition: Edition, language: str) -> str:
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"tag:{host},{edition.date:%Y-%m-%d}:edition/{edition.date:%Y-%m-%d}/{edition.kind}/{language}"


@dataclass(frozen=True)
class FeedEdition:
    edition: Edition
    language: str


class EditionsRssFeed(Feed):
    url_name = "digest:feed_rss"

    def __call__(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        language = kwargs.get("language", "")
        if language not in DJANGO_LANGUAGE:
            raise Http404("no such language")
        with translation.override(DJANGO_LANGUAGE[language]):  # also the feed's <language>
            return super().__call__(request, *args, **kwargs)

    def get_object(self, request: HttpRequest, language: str) -> str:
        return language

    def title(self, language: str) -> str:
        return site_name(language)

    def link(self, language: str) -> str:
        return reverse("digest:archive_index") + f"?lang={language}"

    def feed_url(self, language: str) -> str:
        return reverse(self.url_name, args=[language])

    def description(self, language: str) -> str:
        return gettext("Every weekday morning, the AI papers worth your time, translated into your own script.")

    def items(self, language: str) -> list[FeedEdition]:
        editions = Edition.objects.filter(status__in=Edition.PUBLISHED).order_by("-date")[:FEED_ITEMS]
        return [FeedEdition(edition, language) for edition in editions]

    def item_title(self, item: FeedEdition) -> str:
        weekly = f" · {gettext('Weekly')}" if item.edition.kind == Edition.Kind.WEEKLY else ""
        return f"{site_name(item.language)} · {item.edition.date:%Y-%m-%d}{weekly}"

    def item_link(self, item: FeedEdition) -> str:
        return item.edition.get_absolute_url() + f"?lang={item.language}"

    def item_guid(self, item: FeedEdition) -> str:
        """A tag: URI (RFC 4151): Atom ids must be URIs, and this one stays the same if the site moves."""
        return edition_tag(item.edition, item.language)

    item_guid_is_permalink = False

    def item_pubdate(self, item: FeedEdition) -> datetime:
        return item.edition.sent_at or item.edition.created_at

    def item_description(self, item: FeedEdition) -> str:
        entries = edition_entries(item.edition)
        picks = pick_papers(entries, frozenset(), len(entries))
        html = render_to_string("digest/feed_item.html", variant_context(item.edition, item.language, False, picks))
        # Rows stored before ingest cleaned text may still hold a control character, which XML 1.0 cannot carry.
        return without_hidden_characters(html)


class EditionsAtomFeed(EditionsRssFeed):
    feed_type = Atom1Feed
    url_name = "digest:feed_atom"

    def subtitle(self, language: str) -> str:
        return self.description(language)
