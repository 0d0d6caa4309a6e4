"""Build the day's edition: enough papers for every topic readers chose, then the day's ranking, capped."""

from __future__ import annotations

import logging
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_noop

from digest.editions.allocation import choose_papers
from digest.editor_text import EditorError
from digest.models import Edition, EditionEntry
from digest.papers.selectors import candidate_papers

log = logging.getLogger(__name__)


class EditionError(EditorError):
    """Why no edition was built (no papers that day, or the edition is already out); shown to editors in
    their language, logged and printed by commands in English."""


def build_edition(on_date: date, *, max_papers: int | None = None) -> Edition:
    """Creates the edition for on_date, or tops up a draft with papers that arrived since.

    Editors' choices (featured, order, exclusions, notes) on an existing draft are kept; an approved or
    sent edition is frozen and returned as it is.
    """
    max_papers = max_papers or settings.EDITION_MAX_PAPERS
    existing = Edition.objects.filter(date=on_date, kind=Edition.Kind.DAILY).first()
    if existing is not None and existing.status != Edition.Status.DRAFT:
        return existing
    # Each topic readers chose gets enough papers for them, then the day's ranking fills the rest (allocation.py).
    papers = [
        chosen.paper for chosen in choose_papers(list(candidate_papers(on_date).prefetch_related("topics")), max_papers)
    ]
    if not papers and existing is None:
        if on_date.weekday() >= 5:
            raise EditionError(
                gettext_noop(
                    "no papers announced on %(date)s, a %(weekday)s (arXiv announces nothing on Saturdays and "
                    "Sundays); no edition built"
                ),
                date=f"{on_date:%Y-%m-%d}",
                weekday=WEEKDAYS[on_date.weekday()],
            )
        raise EditionError(
            gettext_noop("no papers announced on %(date)s, a %(weekday)s; no edition built"),
            date=f"{on_date:%Y-%m-%d}",
            weekday=WEEKDAYS[on_date.weekday()],
        )
    with transaction.atomic():
        edition, created = Edition.objects.select_for_update().get_or_create(date=on_date, kind=Edition.Kind.DAILY)
        present = set(edition.entries.values_list("paper_id", flat=True))
        next_position = len(present)
        new_entries = []
        for paper in papers:
            if next_position >= max_papers:
                break
            if paper.pk in present:
                continue
            new_entries.append(EditionEntry(edition=edition, paper=paper, position=next_position))
            next_position += 1
        EditionEntry.objects.bulk_create(new_entries)
    log.info("edition built date=%s created=%s added=%s", on_date, created, len(new_entries))
    return edition


def build_weekly_edition(monday: date, *, max_papers: int | None = None) -> Edition:
    """The week's top papers for weekly readers, dated the Monday it goes out: every paper of the past
    seven days' daily editions, editors' picks first, then by community upvotes."""
    if monday.weekday() != 0:
        raise EditionError(
            gettext_noop("a weekly edition is dated a Monday; %(date)s is a %(weekday)s"),
            date=f"{monday:%Y-%m-%d}",
            weekday=WEEKDAYS[monday.weekday()],
        )
    max_papers = max_papers or settings.EDITION_MAX_PAPERS
    existing = Edition.objects.filter(date=monday, kind=Edition.Kind.WEEKLY).first()
    if existing is not None:
        return existing
    week = EditionEntry.objects.filter(
        edition__kind=Edition.Kind.DAILY,
        edition__date__gte=monday - timedelta(days=7),
        edition__date__lt=monday,
        excluded=False,
    ).select_related("paper")
    best: dict[int, tuple[bool, int]] = {}
    for entry in week:
        rank = (entry.featured, entry.paper.score)
        best[entry.paper_id] = max(best.get(entry.paper_id, rank), rank)
    if not best:
        raise EditionError(
            gettext_noop("no daily editions in the week before %(date)s; no weekly edition built"),
            date=f"{monday:%Y-%m-%d}",
        )
    ranked = sorted(best, key=lambda paper_id: (not best[paper_id][0], -best[paper_id][1], paper_id))[:max_papers]
    with transaction.atomic():
        edition = Edition.objects.create(date=monday, kind=Edition.Kind.WEEKLY)
        EditionEntry.objects.bulk_create(
            EditionEntry(edition=edition, paper_id=paper_id, position=i, featured=best[paper_id][0])
            for i, paper_id in enumerate(ranked)
        )
    return edition
