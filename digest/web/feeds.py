"""RSS and Atom feeds of published papers, one per language variant (/archive/feed/<lang>/rss/, /atom/).

One item per paper (its title, TL;DR and translated abstract in that variant, linked to its place in the archive),
so a feed reader lists papers a reader can skim, star and open, not one 70 KB item per edition. The feed holds the
papers of the last FEED_EDITIONS editions, each paper once (where it first appeared: a weekly repeats its week's
dailies), at most FEED_ITEMS. Feed objects are shared between requests, so the variant travels with each item, not
on the instance.
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

from digest.delivery.email.rendering import paper_item
from digest.hidden_characters import without_hidden_characters
from digest.languages import DJANGO_LANGUAGE, Language
from digest.models import Edition, EditionEntry
from subscribers.sender import site_name

#: A feed reader polling daily still finds a long weekend's editions.
FEED_EDITIONS = 3
FEED_ITEMS = 150


def paper_tag(entry: EditionEntry, language: str) -> str:
    """A tag: URI (RFC 4151) per paper and variant: the same whichever edition the paper is reached through, and
    if the site moves."""
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    paper = entry.paper
    return f"tag:{host},{paper.announced_on:%Y-%m-%d}:paper/{paper.arxiv_id}/{language}"


def feed_entries() -> list[EditionEntry]:
    """The papers of the last FEED_EDITIONS published editions, newest edition first and each in its edition's
    order, a paper once (at its earliest edition of those), at most FEED_ITEMS; five queries in all, however many
    papers (the editions; their entries with papers and editions; the papers' topics, translations and variant
    overrides)."""
    editions = list(Edition.objects.filter(status__in=Edition.PUBLISHED).order_by("-date", "kind")[:FEED_EDITIONS])
    entries = (
        EditionEntry.objects.filter(edition__in=editions, excluded=False)
        .select_related("paper", "edition")
        .prefetch_related("paper__topics", "paper__translations", "paper__variant_overrides")
        .order_by("edition__date", "edition__kind", "-featured", "position", "pk")
    )
    first: dict[int, EditionEntry] = {}
    for entry in entries:
        first.setdefault(entry.paper_id, entry)
    rank = {edition.pk: index for index, edition in enumerate(editions)}
    kept = sorted(first.values(), key=lambda entry: rank[entry.edition_id])  # stable: each edition's order stays
    return kept[:FEED_ITEMS]


@dataclass(frozen=True)
class FeedPaper:
    entry: EditionEntry
    language: str
    item: dict  # paper_item(): the paper as the archive shows it in this variant


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

    def items(self, language: str) -> list[FeedPaper]:
        return [FeedPaper(entry, language, paper_item(entry, language)) for entry in feed_entries()]

    def item_title(self, item: FeedPaper) -> str:
        return without_hidden_characters(item.item["text"].title)

    def item_link(self, item: FeedPaper) -> str:
        """The paper's place on its archive day page."""
        edition_url = item.entry.edition.get_absolute_url()
        return f"{edition_url}?lang={item.language}#paper-{item.entry.paper.arxiv_id}"

    def item_guid(self, item: FeedPaper) -> str:
        return paper_tag(item.entry, item.language)

    item_guid_is_permalink = False

    def item_pubdate(self, item: FeedPaper) -> datetime:
        return item.entry.edition.sent_at or item.entry.edition.created_at

    def item_author_name(self, item: FeedPaper) -> str:
        return without_hidden_characters(item.item["authors"])

    def item_categories(self, item: FeedPaper) -> list[str]:
        return item.item["topics"]

    def item_description(self, item: FeedPaper) -> str:
        context = {"item": item.item, "language": item.language, "is_chinese": item.language != Language.EN}
        html = render_to_string("digest/feed_item.html", context)
        # Rows stored before ingest cleaned text may still hold a control character, which XML 1.0 cannot carry.
        return without_hidden_characters(html)


class EditionsAtomFeed(EditionsRssFeed):
    feed_type = Atom1Feed
    url_name = "digest:feed_atom"

    def subtitle(self, language: str) -> str:
        return self.description(language)
