"""Topics split real days usefully, not only our fixtures: five complete announcement days (2,515 papers) of the five
arXiv categories the seeded sources fetch, cs.AI, cs.CL, cs.LG, cs.CV and cs.RO (tests/fixtures/real_days/ORIGIN.md).
The fixture feeds hold no cs.LG or cs.CV day; a real day is a fifth cs.LG and a fifth cs.CV."""

import gzip
import json
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

from digest.models import Topic
from digest.papers.classify import matching_topics

pytestmark = pytest.mark.django_db
REAL_DAYS = Path(__file__).resolve().parent.parent / "fixtures" / "real_days" / "papers.jsonl.gz"


@dataclass(frozen=True)
class ListedPaper:
    title: str
    abstract: str
    categories: tuple[str, ...]
    day: str


@cache
def filed() -> tuple[tuple[ListedPaper, tuple[str, ...]], ...]:
    """Every real paper with the slugs of the seeded topics it is filed under (classified once per test run; each
    test asks for the `topics` fixture, which seeds the defaults again after transactional tests truncated them)."""
    topics = list(Topic.objects.order_by("position"))
    with gzip.open(REAL_DAYS, "rt", encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle]
    papers = [ListedPaper(r["title"], r["abstract"], tuple(r["categories"]), r["day"]) for r in rows]
    return tuple((paper, tuple(t.slug for t in matching_topics(paper, topics))) for paper in papers)


def test_no_topic_holds_more_than_forty_percent_of_a_real_day(topics):
    by_day: dict[str, list[tuple[str, ...]]] = defaultdict(list)
    for paper, slugs in filed():
        by_day[paper.day].append(slugs)
    assert len(by_day) == 5
    for day, papers in by_day.items():
        slug, count = Counter(slug for slugs in papers for slug in slugs).most_common(1)[0]
        assert count / len(papers) <= 0.40, f"{slug} holds {count} of {len(papers)} papers on {day}"


def test_nine_in_ten_real_papers_are_in_one_to_three_topics(topics):
    """A paper in no topic reaches only readers who chose none (or follow it): it is lost to everyone else."""
    sizes = Counter(len(slugs) for _, slugs in filed())
    unfiled = [paper for paper, slugs in filed() if not slugs]
    assert sum(count for size, count in sizes.items() if 1 <= size <= 3) / len(filed()) >= 0.9, (
        f"{len(unfiled)} papers in no topic, by primary category: "
        f"{Counter(paper.categories[0] for paper in unfiled).most_common(5)}"
    )


def test_a_machine_learning_paper_without_other_words_is_filed_by_its_category(topics):
    paper = ListedPaper("Connected subspaces", "We study points.", ("cs.LG", "stat.ML"), "")
    assert [t.slug for t in matching_topics(paper, Topic.objects.order_by("position"))] == ["ml"]
