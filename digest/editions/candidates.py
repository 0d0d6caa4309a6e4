"""Finding a paper to add to an edition: search the day's (and recent days') candidates by title, arXiv id
or author, filter by topic, a page at a time.

A day brings a few hundred papers, more than a page shows: any of them must be findable without knowing its id.
Search parameters come from the query string and junk in them
is ignored rather than refused: the page always renders.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import timedelta

from django.core.paginator import Page, Paginator
from django.db.models import Case, Count, IntegerField, Q, QuerySet, TextField, Value, When
from django.db.models.functions import Cast
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from digest.models import Edition, Paper
from digest.papers.selectors import candidate_papers_any

#: Candidates per page on the edition page.
PER_PAGE = 25
#: How far back an editor may look, in days before the edition's date (0: that day only).
DAY_CHOICES = [(0, _("this day")), (2, _("last 3 days")), (6, _("last 7 days")), (29, _("last 30 days"))]
#: The topic filter's value for papers the rules put in no topic.
NO_TOPIC = "-"
MAX_QUERY_CHARS = 200
_ARXIV_PREFIX_RE = re.compile(r"^(?:arxiv:|https?://arxiv\.org/(?:abs|pdf)/)", re.IGNORECASE)


def _int(value: object, default: int) -> int:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return default


@dataclass(frozen=True)
class CandidateSearch:
    query: str = ""
    topic: str = ""
    days: int = 0
    page: int = 1

    @classmethod
    def from_params(cls, params: Mapping[str, str]) -> CandidateSearch:
        days = _int(params.get("days"), 0)
        return cls(
            query=" ".join(str(params.get("q", "")).split())[:MAX_QUERY_CHARS],
            topic=str(params.get("topic", ""))[:50],
            days=days if days in dict(DAY_CHOICES) else 0,
            page=max(1, _int(params.get("page"), 1)),
        )

    @property
    def active(self) -> bool:
        """Whether the editor narrowed the list (the page then says how many matched)."""
        return bool(self.query or self.topic or self.days)

    def as_query(self, **changes: object) -> str:
        """The query string for this search (defaults left out), e.g. for the pager's links."""
        search = replace(self, **changes)
        params = [("q", search.query), ("topic", search.topic), ("days", search.days or ""), ("page", search.page)]
        return urlencode([(key, value) for key, value in params if value and (key, value) != ("page", 1)])


def search_candidates(edition: Edition, search: CandidateSearch) -> QuerySet[Paper]:
    """Papers announced on the edition's day (or the days before it) that are not in it yet, matching the
    search, in the order build_edition ranks them: newest day first, then community upvotes, new before
    cross-lists, breadth of topics."""
    since = edition.date - timedelta(days=search.days)
    papers = candidate_papers_any().filter(announced_on__range=(since, edition.date))
    papers = papers.exclude(pk__in=edition.entries.values("paper_id"))
    if search.query:
        text = _ARXIV_PREFIX_RE.sub("", search.query)
        papers = papers.annotate(authors_text=Cast("authors", TextField())).filter(
            Q(title__icontains=text) | Q(arxiv_id__istartswith=text) | Q(authors_text__icontains=text)
        )
    if search.topic == NO_TOPIC:
        papers = papers.filter(topics=None)
    elif search.topic:
        # A subquery, not a join: joining topics here would make the topic count below count only this one.
        tagged = Paper.topics.through.objects.filter(topic__slug=search.topic).values("paper_id")
        papers = papers.filter(pk__in=tagged)
    return papers.annotate(
        topic_count=Count("topics", distinct=True),
        is_new=Case(When(announce_type="new", then=Value(1)), default=Value(0), output_field=IntegerField()),
    ).order_by("-announced_on", "-score", "-is_new", "-topic_count", "arxiv_id")


def candidate_page(edition: Edition, search: CandidateSearch, per_page: int = PER_PAGE) -> Page:
    """One page of matching candidates; a page past the end gives the last one."""
    paginator = Paginator(search_candidates(edition, search).prefetch_related("topics"), per_page)
    return paginator.get_page(search.page)
