"""An archive day page a reader can find their way through: a contents list by topic with anchors to each topic's
section, a topic filter that works without JavaScript, and a way to subscribe."""

import re

import pytest

from digest.models import Edition
from tests.factories import EditionEntryFactory, EditionFactory, TranslationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def edition(topics):
    """Five papers: a featured one, two in vision (one also in speech), one in speech, one with no topic."""
    edition = EditionFactory(status=Edition.Status.SENT)
    rows = [
        ("picked", [topics["vision"]], True),
        ("vision first", [topics["vision"]], False),
        ("speech only", [topics["speech-audio"]], False),
        ("vision and speech", [topics["vision"], topics["speech-audio"]], False),
        ("no topic", [], False),
    ]
    for position, (title, paper_topics, featured) in enumerate(rows):
        entry = EditionEntryFactory(
            edition=edition, position=position, featured=featured, paper__title=title, paper__topics=paper_topics
        )
        TranslationFactory(paper=entry.paper, title=f"计算机{title}")
    return edition


def sections_of(body: str) -> dict[str, list[str]]:
    """Each section's id and the English titles of its papers, in page order."""
    found = {}
    for match in re.finditer(r'<section id="([^"]+)".*?</section>', body, re.S):
        found[match.group(1)] = re.findall(r'class="original-title" lang="en">([^<]+)<', match.group(0))
    return found


def contents_of(body: str) -> str:
    return re.search(r'<nav class="contents.*?</nav>', body, re.S).group(0)


def test_the_contents_list_links_each_topics_section(client, edition):
    body = client.get("/archive/2025-05-28/?lang=zh-Hant-TW").content.decode()
    anchors = re.findall(r'<li><a href="#([^"]+)">', contents_of(body))
    assert anchors == ["editors-picks", "topic-vision", "topic-speech-audio", "other-papers"]
    assert list(sections_of(body)) == anchors


def test_papers_are_grouped_under_their_first_topic_in_the_editions_order(client, edition):
    body = client.get("/archive/2025-05-28/?lang=zh-Hant-TW").content.decode()
    assert sections_of(body) == {
        "editors-picks": ["picked"],
        "topic-vision": ["vision first", "vision and speech"],
        "topic-speech-audio": ["speech only"],
        "other-papers": ["no topic"],
    }


@pytest.mark.parametrize(
    ("lang", "name"),
    [("zh-Hant-TW", "電腦視覺"), ("zh-Hant-HK", "計算機視覺"), ("zh-Hans", "计算机视觉"), ("en", "Computer vision")],
)
def test_topic_names_in_the_contents_are_in_the_pages_language(client, edition, lang, name):
    body = client.get(f"/archive/2025-05-28/?lang={lang}").content.decode()
    assert f'<a href="#topic-vision">{name}</a>' in contents_of(body)


def test_the_contents_offer_each_topic_alone(client, edition):
    contents = contents_of(client.get("/archive/2025-05-28/?lang=zh-Hans").content.decode())
    assert 'href="?lang=zh-Hans&amp;topic=vision"' in contents
    assert 'href="?lang=zh-Hans&amp;topic=speech-audio"' in contents


def test_the_topic_filter_shows_every_paper_of_that_topic_and_no_other(client, edition):
    body = client.get("/archive/2025-05-28/?lang=zh-Hant-TW&topic=speech-audio").content.decode()
    assert sections_of(body) == {"topic-speech-audio": ["speech only", "vision and speech"]}
    assert 'href="?lang=zh-Hant-TW"' in body  # the way back to every topic


def test_the_language_switch_keeps_the_topic(client, edition):
    body = client.get("/archive/2025-05-28/?lang=zh-Hant-TW&topic=vision").content.decode()
    assert 'href="?lang=zh-Hant-HK&amp;topic=vision"' in body


def test_a_topic_the_edition_does_not_have_is_a_404(client, edition):
    assert client.get("/archive/2025-05-28/?topic=robotics").status_code == 404
    assert client.get("/archive/2025-05-28/?topic=" + "x" * 500).status_code == 404


@pytest.mark.parametrize("topic", ["robotics", "no-such-topic"])
def test_a_topic_not_on_the_page_is_turned_away_before_the_page_is_built(
    client, edition, topic, django_assert_max_num_queries
):
    """Any slug-shaped ?topic= would otherwise build and convert the whole edition, uncached, on every request."""
    with django_assert_max_num_queries(2):  # the edition, and whether one of its papers carries the topic
        assert client.get(f"/archive/2025-05-28/?topic={topic}").status_code == 404


def test_the_day_page_has_a_subscribe_button_to_the_sign_up_page_in_its_language(client, edition):
    body = client.get("/archive/2025-05-28/?lang=zh-Hant-HK").content.decode()
    assert '<a class="button" href="/?lang=zh-Hant-HK">訂閲</a>' in body


def test_the_date_is_one_unbreakable_piece_of_the_heading(client, edition):
    body = client.get("/archive/2025-05-28/?lang=zh-Hant-TW").content.decode()
    assert '<span class="keep"><time datetime="2025-05-28">2025-05-28</time></span>' in body


def test_the_headers_archive_link_keeps_the_pages_language(client, edition):
    body = client.get("/archive/2025-05-28/?lang=zh-Hant-HK").content.decode()
    assert '<a href="/archive/?lang=zh-Hant-HK">往期存檔</a>' in body
