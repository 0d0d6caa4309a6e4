"""Topic rules: a paper's topics are the few that fit it best, not every topic a word of it touches.

A topic scores a paper by where its rules hit: the primary arXiv category (3), another listed category (1), a
keyword pattern in the title (2) or in the abstract (1 per distinct pattern). A topic needs MIN_SCORE to count and
a paper keeps its best MAX_TOPICS (or, when none reaches it, its one best guess): one stray "agent" in an
abstract no longer puts a paper into Agents, so each topic holds a useful slice of a day. The model may name
topics too (Translation.topics, from its JSON reply); they count as strong evidence. Editors override per paper
(Paper.topics_locked) and edit the rules in the admin.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import lru_cache

import re2

from digest.models import Paper, Topic
from digest.papers.topic_patterns import compile_keyword

log = logging.getLogger(__name__)

MIN_SCORE = 2
MAX_TOPICS = 3
PRIMARY_CATEGORY, OTHER_CATEGORY, IN_TITLE, IN_ABSTRACT, NAMED_BY_MODEL = 3, 1, 2, 1, 3


@lru_cache(maxsize=512)
def _compiled(pattern: str):
    """RE2 (no backtracking, see digest.papers.topic_patterns); a stored pattern RE2 cannot run is skipped."""
    try:
        return compile_keyword(pattern)
    except re2.error:
        log.warning("topic keyword is not a pattern RE2 can run pattern=%r", pattern)
        return None


def topic_score(title: str, abstract: str, categories: list[str], topic: Topic, named_by_model: bool = False) -> int:
    """How strongly the topic's rules (and the model, when it named the topic) point at this paper."""
    score = NAMED_BY_MODEL if named_by_model else 0
    if categories and categories[0] in topic.arxiv_categories:
        score += PRIMARY_CATEGORY
    elif set(categories[1:]).intersection(topic.arxiv_categories):
        score += OTHER_CATEGORY
    for pattern in topic.keywords:
        compiled = _compiled(pattern)
        if compiled is None:
            continue
        if compiled.search(title):
            score += IN_TITLE
        elif compiled.search(abstract):
            score += IN_ABSTRACT
    return score


def matching_topics(paper: Paper, topics: Iterable[Topic], model_topics: Iterable[str] = ()) -> list[Topic]:
    """The paper's best topics (at most MAX_TOPICS, each scoring at least MIN_SCORE), best first."""
    named = set(model_topics)
    scored = [
        (topic_score(paper.title, paper.abstract, list(paper.categories), topic, topic.slug in named), index, topic)
        for index, topic in enumerate(topics)
    ]
    ranked = sorted((item for item in scored if item[0] > 0), key=lambda item: (-item[0], item[1]))
    kept = [item for item in ranked if item[0] >= MIN_SCORE] or ranked[:1]  # a weak best guess beats no topic
    return [topic for _, _, topic in kept[:MAX_TOPICS]]


def classify(papers: Iterable[Paper], topics: list[Topic] | None = None) -> int:
    """Sets the topics of every paper the editors have not locked; returns how many were classified."""
    topics = list(Topic.objects.all()) if topics is None else topics
    count = 0
    for paper in papers:
        if paper.topics_locked:
            continue
        translation = paper.current_translation()
        model_topics = translation.topics if translation is not None else ()
        paper.topics.set(matching_topics(paper, topics, model_topics))
        count += 1
    return count
