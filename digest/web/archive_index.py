"""The archive index: a page of published editions, each with its paper count and its first papers' titles in the
page's language, read in a fixed number of queries however long the history grows (a count, a page of editions
with their counts, their first entries through one windowed prefetch, and those papers' translations)."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Count, Prefetch, Q, QuerySet

from digest.delivery.email.rendering import paper_count_label
from digest.languages import Language
from digest.models import Edition, EditionEntry
from digest.translation.variants import localize

#: A month of dailies per page.
EDITIONS_PER_PAGE = 30
#: Titles shown under each edition: its first papers, editors' picks first, as the email orders them.
TOP_PAPERS = 3


@dataclass(frozen=True)
class TopPaper:
    arxiv_id: str
    title: str
    #: False: the title is the English original (no translation yet), marked lang="en" on the page.
    translated: bool


@dataclass(frozen=True)
class IndexRow:
    edition: Edition
    count_label: str
    top_papers: list[TopPaper]


def published_editions() -> QuerySet[Edition]:
    """Published editions, newest first, each with its paper count and its first TOP_PAPERS entries."""
    first_entries = (
        EditionEntry.objects.filter(excluded=False)
        .select_related("paper")
        .prefetch_related("paper__translations", "paper__variant_overrides")
        .order_by("-featured", "position", "pk")
    )
    return (
        Edition.objects.filter(status__in=Edition.PUBLISHED)
        .annotate(paper_count=Count("entries", filter=Q(entries__excluded=False)))
        .prefetch_related(Prefetch("entries", queryset=first_entries[:TOP_PAPERS], to_attr="top_entries"))
        .order_by("-date", "kind")
    )


def index_page(number: str | int | None, language: str) -> tuple[Page, list[IndexRow]]:
    """Page `number` of the index (the first for a missing or bad number, the last past the end) and its rows,
    titles in `language`."""
    page = Paginator(published_editions(), EDITIONS_PER_PAGE).get_page(number)
    rows = [
        IndexRow(
            edition,
            paper_count_label(edition.paper_count),
            [_top_paper(entry, language) for entry in edition.top_entries],
        )
        for edition in page.object_list
    ]
    return page, rows


def _top_paper(entry: EditionEntry, language: str) -> TopPaper:
    text = localize(entry.paper, language)
    return TopPaper(entry.paper.arxiv_id, text.title, text.translated or language == Language.EN)
