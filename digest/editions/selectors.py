"""Read-only queries shared by services, commands and views."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db.models import Max, QuerySet

from digest.models import Edition, EditionEntry, Paper

#: Replacements are papers readers have already seen announced; an edition carries first announcements.
EDITION_ANNOUNCE_TYPES = ("new", "cross")


def candidate_papers(on_date: date) -> QuerySet[Paper]:
    return Paper.objects.filter(announced_on=on_date, announce_type__in=EDITION_ANNOUNCE_TYPES)


def latest_announcement_date() -> date | None:
    return candidate_papers_any().aggregate(latest=Max("announced_on"))["latest"]


def candidate_papers_any() -> QuerySet[Paper]:
    return Paper.objects.filter(announce_type__in=EDITION_ANNOUNCE_TYPES)


def edition_entries(edition: Edition) -> list[EditionEntry]:
    """The entries readers get, featured first then by position, with what rendering needs prefetched."""
    return list(
        edition.entries.filter(excluded=False)
        .select_related("paper")
        .prefetch_related("paper__topics", "paper__translations")
        .order_by("-featured", "position", "pk")
    )


def reserve_entries(edition: Edition) -> list[EditionEntry]:
    """The edition's reserve: the day's other translated papers, as unsaved entries after the edition's own, in
    the build's order (digest.editions.personalize says who may get them). A paper editors excluded is an entry
    of the edition, so never in the reserve; a weekly edition has none."""
    limit = settings.EDITION_RESERVE_PAPERS
    if edition.kind != Edition.Kind.DAILY or limit <= 0:
        return []
    papers = (
        candidate_papers(edition.date)
        .exclude(pk__in=edition.entries.values("paper_id"))
        .filter(translations__isnull=False, translations__superseded_at__isnull=True)
        .distinct()
        .prefetch_related("topics", "translations")
        .order_by("-score", "arxiv_id")[:limit]
    )
    start = edition.entries.count()
    return [EditionEntry(edition=edition, paper=paper, position=start + i) for i, paper in enumerate(papers)]
