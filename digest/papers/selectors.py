"""Read-only queries over papers: which papers a day announced for an edition, and the newest such day."""

from __future__ import annotations

from datetime import date

from django.db.models import Max, QuerySet

from digest.models import Paper

#: Replacements are papers readers have already seen announced; an edition carries first announcements.
EDITION_ANNOUNCE_TYPES = ("new", "cross")


def candidate_papers(on_date: date) -> QuerySet[Paper]:
    return Paper.objects.filter(announced_on=on_date, announce_type__in=EDITION_ANNOUNCE_TYPES)


def latest_announcement_date() -> date | None:
    return candidate_papers_any().aggregate(latest=Max("announced_on"))["latest"]


def candidate_papers_any() -> QuerySet[Paper]:
    return Paper.objects.filter(announce_type__in=EDITION_ANNOUNCE_TYPES)
