"""An edition serves every topic readers chose: on a day without upvotes, a topic's readers get as many papers as
they asked for when the day has them, not whatever the most-filed papers leave over."""

from __future__ import annotations

import datetime

import pytest

from digest.editions.allocation import TopicDemand, choose_papers, quotas
from digest.editions.build import build_edition
from digest.editions.selectors import edition_entries
from digest.models import EditionEntry
from digest.personalization.picking import pick_papers
from tests.factories import PaperFactory, SubscriberFactory

pytestmark = pytest.mark.django_db
DAY = datetime.date(2025, 5, 28)


@pytest.fixture
def busy_day(topics):
    """60 papers filed under LLM, reasoning and agents (three topics each), 12 speech papers, no upvotes."""
    many = [topics["llm"], topics["reasoning"], topics["agents"]]
    broad = [PaperFactory(arxiv_id=f"2505.1{i:04d}", topics=many) for i in range(60)]
    speech = [PaperFactory(arxiv_id=f"2505.2{i:04d}", topics=[topics["speech-audio"]]) for i in range(12)]
    return broad, speech


def test_a_speech_reader_gets_the_ten_papers_they_asked_for_on_a_day_without_upvotes(busy_day, topics, settings):
    settings.EDITION_MAX_PAPERS = 40
    _, speech = busy_day
    reader = SubscriberFactory(max_papers=10)
    reader.topics.set([topics["speech-audio"]])
    SubscriberFactory.create_batch(3, max_papers=10)  # readers of every topic

    edition = build_edition(DAY)

    in_edition = set(EditionEntry.objects.filter(edition=edition).values_list("paper_id", flat=True))
    assert len(in_edition & {paper.pk for paper in speech}) >= 10
    picks = pick_papers(edition_entries(edition), frozenset({"speech-audio"}), 10)
    assert len(picks) == 10


def test_without_demand_the_days_ranking_fills_the_edition(busy_day):
    broad, speech = busy_day
    chosen = choose_papers([*broad, *speech], 40, demand={})
    assert len(chosen) == 40 and all(item.for_topic == "" for item in chosen)


def test_upvotes_still_lead_within_a_topic(topics):
    low = PaperFactory(arxiv_id="2505.00001", topics=[topics["speech-audio"]])
    high = PaperFactory(arxiv_id="2505.00002", topics=[topics["speech-audio"]], score=80)
    chosen = choose_papers([low, high], 1, demand={"speech-audio": TopicDemand("speech-audio", 1, 1)})
    assert [item.paper for item in chosen] == [high]


def test_a_paper_two_topics_share_counts_for_both(topics):
    both = PaperFactory(arxiv_id="2505.00010", topics=[topics["speech-audio"], topics["agents"]])
    only_agents = PaperFactory(arxiv_id="2505.00011", topics=[topics["agents"]])
    demand = {"speech-audio": TopicDemand("speech-audio", 5, 1), "agents": TopicDemand("agents", 3, 1)}
    chosen = choose_papers([only_agents, both], 1, demand=demand)
    assert [item.paper for item in chosen] == [both]


def test_quotas_are_scaled_by_readers_when_they_do_not_fit():
    demand = {"llm": TopicDemand("llm", 90, 20), "speech-audio": TopicDemand("speech-audio", 10, 20)}
    assert quotas(demand, {"llm": 100, "speech-audio": 100}, 20) == {"llm": 18, "speech-audio": 2}


def test_quotas_never_ask_more_than_the_day_has():
    assert quotas({"speech-audio": TopicDemand("speech-audio", 5, 10)}, {"speech-audio": 3}, 40) == {"speech-audio": 3}
