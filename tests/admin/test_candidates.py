"""Finding any paper of the day (or recent days) on the edition page: search by title, arXiv id or author,
filter by topic, a page at a time."""

import datetime

import pytest
from django.urls import reverse

from digest.editions.candidates import CandidateSearch, search_candidates
from digest.models import EditionEntry
from tests.factories import EditionEntryFactory, EditionFactory, PaperFactory

pytestmark = pytest.mark.django_db

DAY = datetime.date(2025, 5, 28)


@pytest.fixture
def edition():
    return EditionFactory(date=DAY)


def found(edition, **search) -> list[str]:
    return [paper.arxiv_id for paper in search_candidates(edition, CandidateSearch(**search))]


def page(client, edition, **params) -> str:
    return client.get(reverse("admin:digest_edition_curate", args=[edition.pk]), params).text


def test_search_finds_a_paper_by_words_of_its_title(edition):
    wanted = PaperFactory(title="Sparse Mixture of Experts for Speech")
    PaperFactory(title="Something else entirely")
    assert found(edition, query="mixture of EXPERTS") == [wanted.arxiv_id]


def test_search_finds_a_paper_by_arxiv_id_with_or_without_prefix(edition):
    wanted = PaperFactory(arxiv_id="2505.77777")
    PaperFactory(arxiv_id="2505.11111")
    assert found(edition, query="2505.7777") == found(edition, query="arXiv:2505.77777") == [wanted.arxiv_id]


def test_search_finds_a_paper_by_one_of_its_authors(edition):
    wanted = PaperFactory(authors=["Grace Hopper", "Yann Zhou"])
    PaperFactory()
    assert found(edition, query="yann zhou") == [wanted.arxiv_id]


def test_topic_filter_keeps_only_papers_of_that_topic(edition, topics):
    vision = PaperFactory(topics=[topics["vision"]])
    PaperFactory(topics=[topics["llm"]])
    untagged = PaperFactory()
    assert found(edition, topic="vision") == [vision.arxiv_id]
    assert found(edition, topic="-") == [untagged.arxiv_id]


def test_topic_filter_keeps_the_ranking_by_breadth_of_topics(edition, topics):
    narrow = PaperFactory(arxiv_id="2505.00001", topics=[topics["vision"]])
    broad = PaperFactory(arxiv_id="2505.00002", topics=[topics["vision"], topics["llm"]])
    assert found(edition, topic="vision") == [broad.arxiv_id, narrow.arxiv_id]


def test_recent_days_reach_papers_announced_before_the_edition_but_not_after(edition):
    today = PaperFactory()
    earlier = PaperFactory(announced_on=DAY - datetime.timedelta(days=5))
    PaperFactory(announced_on=DAY - datetime.timedelta(days=9))
    PaperFactory(announced_on=DAY + datetime.timedelta(days=1))
    assert found(edition) == [today.arxiv_id]
    assert found(edition, days=6) == [today.arxiv_id, earlier.arxiv_id]


def test_papers_already_in_the_edition_and_replacements_are_not_candidates(edition):
    EditionEntryFactory(edition=edition, paper=PaperFactory())
    PaperFactory(announce_type="replace")
    candidate = PaperFactory()
    assert found(edition) == [candidate.arxiv_id]


def test_candidates_are_ranked_like_the_daily_build(edition):
    cross = PaperFactory(arxiv_id="2505.00003", announce_type="cross", score=5)
    new = PaperFactory(arxiv_id="2505.00004", score=5)
    popular = PaperFactory(arxiv_id="2505.00005", score=40)
    assert found(edition) == [popular.arxiv_id, new.arxiv_id, cross.arxiv_id]


def test_every_candidate_of_a_big_day_is_reachable_page_by_page(editor_client, edition):
    papers = PaperFactory.create_batch(60)
    shown = set()
    for number in (1, 2, 3):
        text = page(editor_client, edition, page=number)
        shown |= {paper.arxiv_id for paper in papers if f'data-arxiv-id="{paper.arxiv_id}"' in text}
    assert shown == {paper.arxiv_id for paper in papers}
    assert "Page 3 of 3" in text and 'rel="next"' not in text


def test_pager_links_keep_the_search(editor_client, edition):
    PaperFactory.create_batch(30, title="Diffusion models again")
    text = page(editor_client, edition, q="diffusion", days="2")
    assert 'href="?q=diffusion&amp;days=2&amp;page=2#candidates"' in text
    assert "30 matching papers announced in the 3 days up to 2025-05-28" in text


def test_junk_in_the_search_parameters_still_renders_the_page(editor_client, edition):
    PaperFactory()
    text = page(editor_client, edition, page="x", days="9999", topic="no-such-topic")
    assert "0 matching papers announced on 2025-05-28" in text


def test_adding_a_found_paper_returns_to_the_same_search(editor_client, edition):
    paper = PaperFactory(title="Speculative decoding")
    response = editor_client.post(
        reverse("admin:digest_edition_curate", args=[edition.pk]),
        {"action": "add_candidate", "paper": paper.pk, "search": "q=speculative&page=1"},
    )
    entry = EditionEntry.objects.get(edition=edition, paper=paper)
    assert response["Location"].endswith(f"?q=speculative#entry-{entry.pk}")
