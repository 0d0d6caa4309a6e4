"""RSS and Atom feeds of editions per variant, and a page per paper with every translation."""

import xml.etree.ElementTree as ET

import pytest

from digest.models import Edition
from digest.web.feeds import FEED_EDITIONS
from tests.factories import EditionEntryFactory, PaperFactory, TranslationFactory

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def published():
    entry = EditionEntryFactory(edition__status=Edition.Status.SENT, paper__title="Data <script>alert(1)</script>")
    TranslationFactory(paper=entry.paper, title="数据与内存的研究", abstract="我们研究数据与内存的性能问题。")
    return entry


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("zh-Hant-TW", "資料與記憶體的研究"), ("zh-Hant-HK", "數據與內存的研究"), ("zh-Hans", "数据与内存的研究")],
)
def test_an_rss_item_is_one_paper_titled_in_that_variant(client, published, lang, expected):
    response = client.get(f"/archive/feed/{lang}/rss/")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/rss+xml")
    (item,) = ET.fromstring(response.content).iter("item")
    assert item.findtext("title") == expected


def test_an_items_description_is_the_translated_abstract_in_that_variant(client, published):
    (item,) = ET.fromstring(client.get("/archive/feed/zh-Hant-TW/rss/").content).iter("item")
    assert "我們研究資料與記憶體" in item.findtext("description")


def test_an_item_links_to_the_papers_place_in_the_archive(client, published):
    (item,) = ET.fromstring(client.get("/archive/feed/zh-Hant-TW/rss/").content).iter("item")
    assert item.findtext("link").endswith(f"/archive/2025-05-28/?lang=zh-Hant-TW#paper-{published.paper.arxiv_id}")


def test_the_atom_feed_has_one_entry_per_paper_of_published_editions(client, published):
    EditionEntryFactory(edition=published.edition, position=5)
    EditionEntryFactory(edition__date="2025-05-29", edition__status=Edition.Status.DRAFT)
    root = ET.fromstring(client.get("/archive/feed/en/atom/").content)
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 2  # the draft's paper is not published
    assert any("Data" in entry.findtext(f"{ATOM}title") for entry in entries)


def test_the_feed_holds_the_papers_of_the_last_editions_only(client):
    for day in range(1, FEED_EDITIONS + 2):
        EditionEntryFactory(edition__status=Edition.Status.SENT, edition__date=f"2025-05-{day:02d}")
    root = ET.fromstring(client.get("/archive/feed/en/atom/").content)
    links = [entry.find(f"{ATOM}link").get("href") for entry in root.findall(f"{ATOM}entry")]
    assert len(links) == FEED_EDITIONS and not any("/2025-05-01/" in link for link in links)


def test_feed_content_is_escaped(client, published):
    response = client.get("/archive/feed/en/rss/")
    (item,) = ET.fromstring(response.content).iter("item")
    assert "<script>" not in item.findtext("description")  # escaped inside the HTML description


def test_feed_for_an_unknown_language_is_a_404(client, published):
    assert client.get("/archive/feed/klingon/rss/").status_code == 404


def test_archive_pages_advertise_the_feeds(client, published):
    body = client.get("/archive/?lang=zh-Hans").content.decode()
    assert 'href="/archive/feed/zh-Hans/rss/"' in body and 'href="/archive/feed/zh-Hans/atom/"' in body


def test_paper_page_shows_english_and_every_variant(client, published):
    response = client.get(f"/papers/{published.paper.arxiv_id}/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Data &lt;script&gt;alert(1)&lt;/script&gt;" in body and "<script>alert" not in body
    for expected in ("資料與記憶體的研究", "數據與內存的研究", "数据与内存的研究"):
        assert expected in body
    assert 'href="/archive/2025-05-28/?lang=' in body


def test_archive_edition_links_each_paper_to_its_page_and_anchor(client, published):
    body = client.get("/archive/2025-05-28/?lang=en").content.decode()
    arxiv_id = published.paper.arxiv_id
    assert f'id="paper-{arxiv_id}"' in body and f'href="#paper-{arxiv_id}"' in body
    assert f'href="/papers/{arxiv_id}/?lang=en"' in body


def test_papers_of_unpublished_editions_have_no_page(client):
    draft = EditionEntryFactory()
    assert client.get(f"/papers/{draft.paper.arxiv_id}/").status_code == 404
    assert client.get(f"/papers/{PaperFactory().arxiv_id}/").status_code == 404
    assert client.get("/papers/" + "9" * 500 + "/").status_code == 404


def test_an_archive_page_is_rendered_once_then_served_from_the_cache(client, published, django_assert_max_num_queries):
    from django.core.cache import cache

    cache.clear()
    first = client.get("/archive/2025-05-28/?lang=zh-Hans")
    with django_assert_max_num_queries(1):  # only the edition lookup
        second = client.get("/archive/2025-05-28/?lang=zh-Hans")
    assert first.content == second.content and "数据与内存的研究" in second.content.decode()


def test_a_paper_in_a_daily_and_the_weekly_is_one_entry_with_a_tag_uri(client, published):
    EditionEntryFactory(
        edition__status=Edition.Status.SENT,
        edition__date=published.edition.date,
        edition__kind=Edition.Kind.WEEKLY,
        paper=published.paper,
    )
    root = ET.fromstring(client.get("/archive/feed/zh-Hant-TW/atom/").content)
    ids = [entry.find(f"{ATOM}id").text for entry in root.iter(f"{ATOM}entry")]
    assert ids == [f"tag:papers.example.org,2025-05-28:paper/{published.paper.arxiv_id}/zh-Hant-TW"]


def test_a_control_character_stored_before_cleaning_does_not_break_the_feeds(client, published):
    type(published.paper).objects.filter(pk=published.paper.pk).update(title="Bell\x07 and \x1bescape")
    published.note = "note\x0bwith vertical tab"
    published.save()
    for kind in ("rss", "atom"):
        response = client.get(f"/archive/feed/en/{kind}/")
        assert response.status_code == 200
        assert "Bell and escape" in response.content.decode()


def test_the_feed_reads_as_many_queries_for_many_papers_as_for_one(client, published, django_assert_max_num_queries):
    with django_assert_max_num_queries(20) as few:
        client.get("/archive/feed/zh-Hant-TW/rss/")
    for position in range(10):
        entry = EditionEntryFactory(edition=published.edition, position=position, paper__topics=[])
        TranslationFactory(paper=entry.paper)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/archive/feed/zh-Hant-TW/rss/")


def test_the_paper_pages_archive_link_keeps_its_language(client, published):
    body = client.get(f"/papers/{published.paper.arxiv_id}/?lang=zh-Hans").content.decode()
    assert 'href="/archive/?lang=zh-Hans"' in body
