"""Personal links are filled where our template put them, never by search-and-replace over feed content."""

import pytest

from digest.delivery.email.layouts import render_variant
from digest.delivery.email.messages import build_message
from digest.editions.selectors import edition_entries
from digest.models import Delivery
from digest.personalization.picking import pick_papers
from tests.factories import EditionEntryFactory, SubscriberFactory

pytestmark = pytest.mark.django_db

LOOKALIKES = "https://personal.invalid/UNSUBSCRIBE_URL https://personal.invalid/MANAGE_URL"


def test_feed_text_that_spells_our_placeholders_stays_as_written():
    entry = EditionEntryFactory(paper__title=f"Lookalike {LOOKALIKES}", paper__abstract=f"See {LOOKALIKES}.")
    subscriber = SubscriberFactory(language="en")
    variant = render_variant(entry.edition, "en", False, pick_papers(edition_entries(entry.edition), frozenset(), 10))
    delivery = Delivery.objects.create(edition=entry.edition, subscriber=subscriber)
    message = build_message(subscriber, delivery, variant)
    html = message.alternatives[0][0]
    for body in (message.body, html):
        assert "https://personal.invalid/UNSUBSCRIBE_URL" in body  # the paper's own text, untouched
        assert body.count("/unsubscribe/") == 1  # the reader's link appears once: in our footer
    assert "personal.invalid/" not in html.replace(LOOKALIKES, "")
