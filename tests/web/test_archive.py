"""The public archive: published editions only, in any variant, with no personal links."""

from datetime import date

import pytest

from digest.models import Edition
from tests.factories import EditionEntryFactory, TranslationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def published():
    entry = EditionEntryFactory(edition__status=Edition.Status.SENT)
    TranslationFactory(paper=entry.paper, title="数据与内存的研究", abstract="我们研究数据与内存的性能问题。" * 4)
    return entry


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("zh-Hant-TW", "資料與記憶體的研究"), ("zh-Hant-HK", "數據與內存的研究"), ("zh-Hans", "数据与内存的研究")],
)
def test_archive_edition_renders_each_variant(client, published, lang, expected):
    response = client.get(f"/archive/2025-05-28/?lang={lang}")
    assert response.status_code == 200
    assert expected in response.content.decode()
    assert "/unsubscribe/" not in response.content.decode()


def test_archive_edition_in_english_shows_the_original(client, published):
    response = client.get("/archive/2025-05-28/?lang=en")
    assert published.paper.title in response.content.decode()


def test_draft_editions_are_not_public(client):
    EditionEntryFactory()
    assert client.get("/archive/2025-05-28/").status_code == 404


def test_bad_date_is_a_404_not_a_500(client):
    assert client.get("/archive/2025-13-45/").status_code == 404


def test_archive_index_lists_published_editions(client, published):
    response = client.get("/archive/")
    assert "2025-05-28" in response.content.decode()


@pytest.fixture
def monday_daily_and_weekly():
    """A Monday with both a daily and the week's weekly, sharing a paper: how every sent weekly looks."""
    daily = EditionEntryFactory(edition__status=Edition.Status.SENT, edition__date=date(2025, 5, 26))
    weekly = EditionEntryFactory(
        edition__status=Edition.Status.SENT,
        edition__date=date(2025, 5, 26),
        edition__kind=Edition.Kind.WEEKLY,
        paper=daily.paper,
    )
    EditionEntryFactory(edition=weekly.edition, paper__title="Only in the weekly")
    return daily, weekly


def test_a_paper_in_two_published_editions_has_one_page(client, monday_daily_and_weekly):
    daily, _weekly = monday_daily_and_weekly
    response = client.get(f"/papers/{daily.paper.arxiv_id}/?lang=en")
    body = response.content.decode()
    assert response.status_code == 200
    assert 'href="/archive/2025-05-26/?lang=en' in body and 'href="/archive/2025-05-26/weekly/?lang=en' in body


def test_a_monday_with_a_daily_and_a_weekly_serves_each_at_its_own_address(client, monday_daily_and_weekly):
    daily_page = client.get("/archive/2025-05-26/?lang=en")
    weekly_page = client.get("/archive/2025-05-26/weekly/?lang=en")
    assert daily_page.status_code == 200 and weekly_page.status_code == 200
    assert "Only in the weekly" not in daily_page.content.decode()
    assert "Only in the weekly" in weekly_page.content.decode()


def test_the_archive_index_links_the_weekly_to_its_own_page(client, monday_daily_and_weekly):
    body = client.get("/archive/?lang=en").content.decode()
    assert 'href="/archive/2025-05-26/weekly/?lang=en"' in body and 'href="/archive/2025-05-26/?lang=en"' in body


def test_a_weekly_alone_on_its_date_is_reached_from_the_plain_address(client):
    EditionEntryFactory(
        edition__status=Edition.Status.SENT, edition__date=date(2025, 6, 2), edition__kind=Edition.Kind.WEEKLY
    )
    response = client.get("/archive/2025-06-02/?lang=en")
    assert response.status_code == 302 and response["Location"] == "/archive/2025-06-02/weekly/?lang=en"
