"""The public archive: published editions only, in any variant, with no personal links."""

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
