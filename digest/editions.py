"""Build the day's edition: featured first, then ranked by community upvotes, capped."""

from __future__ import annotations

import logging
from datetime import date

from django.conf import settings
from django.db import transaction
from django.db.models import Count

from .models import Edition, EditionEntry
from .selectors import candidate_papers

log = logging.getLogger(__name__)


class EditionError(Exception):
    """Why no edition was built (no papers that day, or the edition is already out)."""


def build_edition(on_date: date, *, max_papers: int | None = None) -> Edition:
    """Creates the edition for on_date, or tops up a draft with papers that arrived since.

    Editors' choices (featured, order, exclusions, notes) on an existing draft are kept; an approved or
    sent edition is frozen and returned as it is.
    """
    max_papers = max_papers or settings.EDITION_MAX_PAPERS
    existing = Edition.objects.filter(date=on_date).first()
    if existing is not None and existing.status != Edition.Status.DRAFT:
        return existing
    papers = list(candidate_papers(on_date).annotate(topic_count=Count("topics")))
    # Community upvotes first, then new before cross-lists, then breadth of topics, then id (stable).
    papers.sort(key=lambda p: (-p.score, p.announce_type != "new", -p.topic_count, p.arxiv_id))
    if not papers and existing is None:
        weekday = on_date.strftime("%A")
        why = " (arXiv announces nothing on Saturdays and Sundays)" if on_date.weekday() >= 5 else ""
        raise EditionError(f"no papers announced on {on_date:%Y-%m-%d}, a {weekday}{why}; no edition built")
    with transaction.atomic():
        edition, created = Edition.objects.select_for_update().get_or_create(date=on_date)
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
