"""Editors see readers' 👍/👎: per paper and per edition in the admin, and as an order for the edition page."""

import pytest
from django.urls import reverse

from digest.models import EditionEntry
from subscribers.feedback import record_feedback
from tests.admin_users import make_staff
from tests.factories import EditionEntryFactory, EditionFactory, SubscriberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client):
    client.force_login(make_staff("boss", "admin"))
    return client


@pytest.fixture
def voted():
    """Three papers in edition order; the last is the readers' favourite, the first the least liked."""
    edition = EditionFactory()
    first, middle, last = (EditionEntryFactory(edition=edition, position=n) for n in range(3))
    readers = [SubscriberFactory() for _ in range(3)]
    for reader in readers:
        record_feedback(reader, last.paper, "up")
    record_feedback(readers[0], first.paper, "down")
    record_feedback(readers[1], middle.paper, "up")
    return edition, first, middle, last


def test_the_paper_list_shows_each_papers_votes(editor, voted):
    page = editor.get(reverse("admin:digest_paper_changelist")).content.decode()
    assert "👍 3 · 👎 0" in page and "👍 0 · 👎 1" in page and "👍 1 · 👎 0" in page


def test_the_edition_list_shows_the_editions_votes(editor, voted):
    EditionFactory(date="2025-05-29")  # no votes: a zero, not a missing cell, and no multiplied counts
    page = editor.get(reverse("admin:digest_edition_changelist")).content.decode()
    assert "👍 4 · 👎 1" in page and "👍 0 · 👎 0" in page


def test_the_edition_page_shows_votes_per_paper_and_in_total(editor, voted):
    edition, *_ = voted
    page = editor.get(reverse("admin:digest_edition_curate", args=[edition.pk])).content.decode()
    assert page.count('data-testid="votes"') == 3
    assert "👍 4 · 👎 1" in page


def test_ordering_by_what_readers_liked_puts_net_favourites_first(editor, voted):
    edition, first, middle, last = voted
    editor.post(reverse("admin:digest_edition_curate", args=[edition.pk]), {"action": "order_by_liked"})
    order = list(EditionEntry.objects.filter(edition=edition).order_by("position").values_list("pk", flat=True))
    assert order == [last.pk, middle.pk, first.pk]
