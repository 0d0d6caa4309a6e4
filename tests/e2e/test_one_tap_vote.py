"""A reader's 👍 is one tap: the vote page submits itself in a browser (a link scanner, running no script, never
votes), and the email's thumbs are finger-sized."""

import pytest

from digest.models import Edition
from subscribers.models import Feedback
from subscribers.tokens import make_token
from tests.e2e.conftest import screenshot
from tests.factories import EditionEntryFactory, PaperFactory, SubscriberFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_one_tap_in_a_browser_records_the_vote(page, live_server):
    subscriber = SubscriberFactory(language="zh-Hant-TW")
    paper = EditionEntryFactory(edition__status=Edition.Status.SENT, paper=PaperFactory()).paper
    page.goto(f"{live_server.url}/feedback/{make_token(subscriber, 'feedback')}/{paper.arxiv_id}/up/")
    page.wait_for_selector("[data-testid=back-to-edition]")
    assert list(Feedback.objects.values_list("subscriber_id", "vote")) == [(subscriber.pk, 1)]
    screenshot(page, "vote-thanks")
