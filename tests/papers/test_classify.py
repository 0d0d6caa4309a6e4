"""Topics split a day of papers usefully: none holds most of a day, and a paper sits in a few, not all."""

from collections import Counter

import pytest

from digest.models import Paper, Topic
from digest.papers.classify import MAX_TOPICS, classify, matching_topics
from digest.papers.ingest import ingest_document
from tests.conftest import sample
from tests.factories import PaperFactory, TranslationFactory

pytestmark = pytest.mark.django_db

FEEDS = [
    ("arxiv_rss_cs.AI_2025-05-28.xml", "arxiv_rss"),
    ("arxiv_rss_cs.AI_2025-05-29.xml", "arxiv_rss"),
    ("arxiv_rss_cs.CL_2025-05-28.xml", "arxiv_rss"),
    ("arxiv_api_query.xml", "arxiv_api"),
    ("hf_daily_papers_2025-05-28.json", "hf_daily"),
]


@pytest.fixture
def fixture_papers(topics) -> list[Paper]:
    for name, kind in FEEDS:
        ingest_document(sample(name), kind)
    return list(Paper.objects.prefetch_related("topics"))


def test_no_topic_holds_more_than_forty_percent_of_a_days_papers(fixture_papers):
    by_day: dict = {}
    for paper in fixture_papers:
        by_day.setdefault(paper.announced_on, []).append(paper)
    # The API file spreads a few papers over the days their ids came from; a "day" of three papers says nothing.
    days = {day: papers for day, papers in by_day.items() if len(papers) >= 20}
    assert len(days) >= 2
    for day, papers in days.items():
        counts = Counter(topic.slug for paper in papers for topic in paper.topics.all())
        slug, count = counts.most_common(1)[0]
        assert count / len(papers) <= 0.40, f"{slug} holds {count} of {len(papers)} papers on {day}"


def test_most_papers_are_in_one_to_three_topics(fixture_papers):
    sizes = [paper.topics.count() for paper in fixture_papers]
    assert max(sizes) <= MAX_TOPICS
    assert sum(1 <= size <= 3 for size in sizes) / len(sizes) >= 0.9


def test_a_keyword_in_the_title_outweighs_a_passing_mention_in_the_abstract(topics):
    paper = PaperFactory(
        title="Quantized KV cache for faster decoding",
        abstract="We quantize the cache. Our method could also help agents.",
        categories=["cs.CL"],
    )
    assert [t.slug for t in matching_topics(paper, topics.values())] == ["efficiency"]


def test_the_primary_arxiv_category_places_a_paper_without_keywords(topics):
    paper = PaperFactory(title="A method", abstract="We do a thing well.", categories=["cs.RO", "cs.CL"])
    assert [t.slug for t in matching_topics(paper, topics.values())] == ["robotics"]


def test_topics_the_model_named_join_the_rules(topics):
    paper = PaperFactory(title="A method", abstract="We do a thing well.", categories=["cs.CL"])
    TranslationFactory(paper=paper, topics=["safety", "not-a-topic"])
    classify([paper])
    assert set(paper.topics.values_list("slug", flat=True)) == {"safety"}


def test_editor_locked_topics_are_left_alone(topics):
    paper = PaperFactory(title="Robot manipulation", abstract="", categories=["cs.RO"], topics_locked=True)
    paper.topics.set([topics["theory"]])
    classify([paper])
    assert list(paper.topics.values_list("slug", flat=True)) == ["theory"]


def test_seeded_topics_carry_the_new_rules(topics):
    assert Topic.objects.filter(slug__in=["reasoning", "safety", "nlp"]).count() == 3
    assert r"\bLLMs?\b" not in Topic.objects.get(slug="llm").keywords
