"""The archive index tells editions apart: each with its paper count and first titles in the page's language, a
month a page, in the same few queries however many editions the archive holds."""

import datetime
import re

import pytest
from django.core.cache import cache

from digest.models import Edition
from digest.web.archive_index import EDITIONS_PER_PAGE
from tests.factories import EditionEntryFactory, EditionFactory, TranslationFactory

pytestmark = pytest.mark.django_db


def published_edition(day: datetime.date, papers: int = 4) -> Edition:
    edition = EditionFactory(date=day, status=Edition.Status.SENT)
    for position in range(papers):
        entry = EditionEntryFactory(edition=edition, position=position, paper__title=f"Paper {day} #{position}")
        TranslationFactory(paper=entry.paper, title=f"数据研究 {day} 第{position}篇")
    return edition


def test_each_edition_shows_its_paper_count(client):
    edition = published_edition(datetime.date(2025, 5, 28), papers=4)
    EditionEntryFactory(edition=edition, position=9, excluded=True)
    body = client.get("/archive/?lang=zh-Hant-TW").content.decode()
    assert '<span class="count">4 篇</span>' in body


def test_each_edition_shows_its_first_three_titles_in_the_pages_language(client):
    published_edition(datetime.date(2025, 5, 28), papers=4)
    body = client.get("/archive/?lang=zh-Hant-TW").content.decode()
    titles = re.findall(r'#paper-[^"]+">([^<]+)</a>', body)
    assert titles == ["資料研究 2025-05-28 第0篇", "資料研究 2025-05-28 第1篇", "資料研究 2025-05-28 第2篇"]


def test_a_title_links_to_the_papers_place_on_the_day_page(client):
    edition = published_edition(datetime.date(2025, 5, 28), papers=1)
    arxiv_id = edition.entries.get().paper.arxiv_id
    body = client.get("/archive/?lang=zh-Hans").content.decode()
    assert f'href="/archive/2025-05-28/?lang=zh-Hans#paper-{arxiv_id}"' in body


def test_the_index_reads_as_many_queries_for_forty_editions_as_for_two(client, django_assert_max_num_queries):
    start = datetime.date(2025, 1, 1)
    for day in range(2):
        published_edition(start + datetime.timedelta(days=day))
    with django_assert_max_num_queries(20) as few:
        client.get("/archive/?lang=zh-Hant-TW")
    for day in range(2, 40):
        published_edition(start + datetime.timedelta(days=day))
    cache.clear()
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/archive/?lang=zh-Hant-TW")


def test_the_index_shows_a_month_a_page_and_links_the_older_ones(client):
    start = datetime.date(2025, 1, 1)
    for day in range(EDITIONS_PER_PAGE + 2):
        published_edition(start + datetime.timedelta(days=day), papers=1)
    first = client.get("/archive/?lang=zh-Hant-TW").content.decode()
    assert first.count('class="card"') == EDITIONS_PER_PAGE
    assert 'rel="next" href="?lang=zh-Hant-TW&amp;page=2"' in first
    second = client.get("/archive/?lang=zh-Hant-TW&page=2").content.decode()
    assert second.count('class="card"') == 2 and "2025-01-01" in second
    assert 'rel="prev" href="?lang=zh-Hant-TW&amp;page=1"' in second


def test_a_bad_page_number_shows_the_first_page(client):
    published_edition(datetime.date(2025, 5, 28), papers=1)
    response = client.get("/archive/?page=abc")
    assert response.status_code == 200 and "2025-05-28" in response.content.decode()


def test_a_title_not_translated_yet_says_so(client):
    edition = EditionFactory(status=Edition.Status.SENT)
    EditionEntryFactory(edition=edition, paper__title="Seeing Through Video")
    body = client.get("/archive/?lang=zh-Hant-TW").content.decode()
    assert 'lang="en">Seeing Through Video</a> <span class="help remark">（尚未翻譯）</span>' in body


@pytest.mark.parametrize("number", ["999999", "0", "²", "0001"])
def test_a_page_number_that_is_not_an_existing_page_keeps_no_copy_of_its_own_in_the_cache(client, number):
    """Any number a visitor makes up would otherwise be one more cached page (up to a million per language)."""
    published_edition(datetime.date(2025, 5, 28), papers=1)
    cache.clear()
    assert client.get(f"/archive/?lang=zh-Hans&page={number}").status_code == 200
    assert cache.get(f"archive-index:zh-Hans:{number}") is None


def test_the_first_page_is_cached_once_under_its_own_number(client):
    published_edition(datetime.date(2025, 5, 28), papers=1)
    cache.clear()
    client.get("/archive/?lang=zh-Hans&page=1")
    assert cache.get("archive-index:zh-Hans:1") is not None
