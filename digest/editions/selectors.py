"""Read-only queries over editions: the entries readers get, and the day's reserve."""

from __future__ import annotations

from django.conf import settings

from digest.models import Edition, EditionEntry
from digest.papers.selectors import candidate_papers


def edition_entries(edition: Edition) -> list[EditionEntry]:
    """The entries readers get, featured first then by position, with what rendering needs prefetched."""
    return list(
        edition.entries.filter(excluded=False)
        .select_related("paper")
        .prefetch_related("paper__topics", "paper__translations", "paper__variant_overrides")
        .order_by("-featured", "position", "pk")
    )


def reserve_entries(edition: Edition) -> list[EditionEntry]:
    """The edition's reserve: the day's other translated papers, as unsaved entries after the edition's own, in
    the build's order (digest.personalization.picking says who may get them). A paper editors excluded is an entry
    of the edition, so never in the reserve; a weekly edition has none."""
    limit = settings.EDITION_RESERVE_PAPERS
    if edition.kind != Edition.Kind.DAILY or limit <= 0:
        return []
    papers = (
        candidate_papers(edition.date)
        .exclude(pk__in=edition.entries.values("paper_id"))
        .filter(translations__isnull=False, translations__superseded_at__isnull=True)
        .distinct()
        .prefetch_related("topics", "translations", "variant_overrides")
        .order_by("-score", "arxiv_id")[:limit]
    )
    start = edition.entries.count()
    return [EditionEntry(edition=edition, paper=paper, position=start + i) for i, paper in enumerate(papers)]
