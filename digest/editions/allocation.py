"""Which of a day's papers make the edition, so that every topic readers chose has enough papers for them.

Most arXiv days carry no community upvotes. Ranked by upvotes alone, such a day's edition was the papers with the
most topics and the lowest ids: a reader of speech or of agents got 4 papers instead of the 10 they asked for while
the day had dozens in their topics. So each topic readers chose first gets a quota: as many papers as its most
demanding reader asks for (their size), scaled down by the topic's share of readers when the quotas together exceed
the edition. Topics are served in turns, largest demand first, each taking its best paper not yet in; a paper counts
for every topic it is filed under, so a paper two topics share serves both. Whatever room is left is filled by the
day's ranking. Within a topic, and for the rest, papers are ranked by real signals: community upvotes where the
source has them, then how strongly the topic's rules point at the paper (digest.papers.classify.topic_score), then
first announcements before cross-lists.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from digest.models import Paper, Topic
from digest.papers.classify import topic_score
from subscribers.models import Subscriber


@dataclass(frozen=True)
class TopicDemand:
    slug: str
    readers: int
    #: Papers the most demanding of those readers asks for.
    wants: int


@dataclass(frozen=True)
class Chosen:
    paper: Paper
    #: The topic whose quota brought the paper in ("" when the day's ranking did).
    for_topic: str = ""


def topic_demand() -> dict[str, TopicDemand]:
    """Active daily readers' topics, with how many readers chose each and the largest size among them."""
    rows = Subscriber.topics.through.objects.filter(
        subscriber__status=Subscriber.Status.ACTIVE, subscriber__frequency=Subscriber.Frequency.DAILY
    ).values_list("topic__slug", "subscriber__max_papers")
    readers: dict[str, int] = defaultdict(int)
    wants: dict[str, int] = defaultdict(int)
    for slug, max_papers in rows.iterator(chunk_size=5000):
        readers[slug] += 1
        wants[slug] = max(wants[slug], max_papers)
    return {slug: TopicDemand(slug, readers[slug], wants[slug]) for slug in readers}


def quotas(demand: dict[str, TopicDemand], available: dict[str, int], budget: int) -> dict[str, int]:
    """Papers each demanded topic should have: its largest reader's size (no more than the day has), scaled by its
    share of readers when all of them do not fit in the edition, never below one while the edition has room."""
    wanted = {slug: min(d.wants, available.get(slug, 0)) for slug, d in demand.items()}
    wanted = {slug: n for slug, n in wanted.items() if n > 0}
    total = sum(wanted.values())
    if total <= budget:
        return wanted
    readers = sum(demand[slug].readers for slug in wanted)
    return {slug: max(1, min(n, round(budget * demand[slug].readers / readers))) for slug, n in wanted.items()}


def choose_papers(papers: Sequence[Paper], budget: int, demand: dict[str, TopicDemand] | None = None) -> list[Chosen]:
    """At most `budget` papers of `papers` (each with its topics prefetched), in the order readers get them."""
    demand = topic_demand() if demand is None else demand
    topics = {topic.slug: topic for topic in Topic.objects.all()}
    filed: dict[int, list[str]] = {paper.pk: [t.slug for t in paper.topics.all()] for paper in papers}
    confidence = {
        (paper.pk, slug): topic_score(paper.title, paper.abstract, list(paper.categories), topics[slug])
        for paper in papers
        for slug in filed[paper.pk]
        if slug in topics
    }

    def rank(paper: Paper, slug: str | None = None) -> tuple:
        strength = confidence.get((paper.pk, slug), 0) if slug else max(
            (confidence.get((paper.pk, s), 0) for s in filed[paper.pk]), default=0
        )
        return (-paper.score, -strength, paper.announce_type != "new", paper.arxiv_id)

    in_topic: dict[str, list[Paper]] = defaultdict(list)
    for paper in papers:
        for slug in filed[paper.pk]:
            in_topic[slug].append(paper)
    for slug, members in in_topic.items():
        members.sort(key=lambda paper, slug=slug: rank(paper, slug))
    quota = quotas(demand, {slug: len(members) for slug, members in in_topic.items()}, budget)
    chosen: dict[int, Chosen] = {}
    served: dict[str, int] = defaultdict(int)
    turn_order = sorted(quota, key=lambda slug: (-demand[slug].readers, slug))
    progress = True
    while len(chosen) < budget and progress:
        progress = False
        for slug in turn_order:
            if len(chosen) >= budget or served[slug] >= quota[slug]:
                continue
            paper = next((p for p in in_topic[slug] if p.pk not in chosen), None)
            if paper is None:
                continue
            chosen[paper.pk] = Chosen(paper, slug)
            for other in filed[paper.pk]:
                served[other] += 1
            progress = True
    for paper in sorted(papers, key=rank):
        if len(chosen) >= budget:
            break
        chosen.setdefault(paper.pk, Chosen(paper))
    return sorted(chosen.values(), key=lambda item: rank(item.paper))
