"""Topic rules: a paper belongs to every topic whose arXiv categories or keyword patterns match it.

Editors override per paper (Paper.topics_locked) and edit the rules in the admin.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import lru_cache

import re2

from digest.models import Paper, Topic
from digest.papers.topic_patterns import compile_keyword

log = logging.getLogger(__name__)


@lru_cache(maxsize=512)
def _compiled(pattern: str):
    """RE2 (no backtracking, see digest.papers.topic_patterns); a stored pattern RE2 cannot run is skipped."""
    try:
        return compile_keyword(pattern)
    except re2.error:
        log.warning("topic keyword is not a pattern RE2 can run pattern=%r", pattern)
        return None


def matching_topics(paper: Paper, topics: Iterable[Topic]) -> list[Topic]:
    text = f"{paper.title}\n{paper.abstract}"
    categories = set(paper.categories)
    matched = []
    for topic in topics:
        if categories.intersection(topic.arxiv_categories) or any(
            (compiled := _compiled(pattern)) is not None and compiled.search(text) for pattern in topic.keywords
        ):
            matched.append(topic)
    return matched


def classify(papers: Iterable[Paper], topics: list[Topic] | None = None) -> int:
    """Sets the topics of every paper the editors have not locked; returns how many were classified."""
    topics = list(Topic.objects.all()) if topics is None else topics
    count = 0
    for paper in papers:
        if paper.topics_locked:
            continue
        paper.topics.set(matching_topics(paper, topics))
        count += 1
    return count
