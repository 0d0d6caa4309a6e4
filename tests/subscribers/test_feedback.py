"""👍 / 👎 from the email: signed links, one button (scanners cannot vote), one vote per reader and paper."""

import email
import re
from email import policy

import pytest
from django.test import Client

from digest.delivery.fanout import send_edition
from digest.models import Edition
from subscribers.feedback import feedback_counts, record_feedback
from subscribers.models import Feedback
from subscribers.tokens import make_token
from tests.factories import EditionEntryFactory, PaperFactory, SubscriberFactory

pytestmark = pytest.mark.django_db


def sent_paper(**fields):
    """A paper of an edition that went out: the only papers a reader's vote links can name."""
    return EditionEntryFactory(edition__status=Edition.Status.SENT, paper=PaperFactory(**fields)).paper


def vote_url(subscriber, paper, vote):
    return f"/feedback/{make_token(subscriber, 'feedback')}/{paper.arxiv_id}/{vote}/"


def test_get_shows_one_button_and_records_nothing(client):
    subscriber, paper = SubscriberFactory(language="en"), sent_paper()
    response = client.get(vote_url(subscriber, paper, "up"))
    body = response.content.decode()
    assert response.status_code == 200 and body.count("<button") == 1 and "Useful" in body
    assert not Feedback.objects.exists()


def test_post_records_the_vote(client):
    subscriber, paper = SubscriberFactory(language="en"), sent_paper()
    response = client.post(vote_url(subscriber, paper, "down"))
    assert response.status_code == 200 and "Recorded: not useful." in response.content.decode()
    assert list(Feedback.objects.values_list("subscriber_id", "paper_id", "vote")) == [(subscriber.pk, paper.pk, -1)]


def test_the_last_vote_wins(client):
    subscriber, paper = SubscriberFactory(), sent_paper()
    client.post(vote_url(subscriber, paper, "down"))
    client.post(vote_url(subscriber, paper, "up"))
    assert list(Feedback.objects.values_list("vote", flat=True)) == [1]


def test_voting_needs_the_csrf_token_of_the_button_page():
    subscriber, paper = SubscriberFactory(), sent_paper()
    response = Client(enforce_csrf_checks=True).post(vote_url(subscriber, paper, "up"))
    assert response.status_code == 403 and not Feedback.objects.exists()


def test_a_revoked_feedback_link_cannot_vote(client):
    subscriber, paper = SubscriberFactory(), sent_paper()
    url = vote_url(subscriber, paper, "up")
    subscriber.token_version += 1
    subscriber.save()
    assert client.post(url).status_code == 400 and not Feedback.objects.exists()


def test_old_style_arxiv_ids_with_a_slash_work(client):
    subscriber, paper = SubscriberFactory(), sent_paper(arxiv_id="cs/0501001")
    assert client.post(vote_url(subscriber, paper, "up")).status_code == 200
    assert Feedback.objects.get().paper == paper


@pytest.mark.parametrize(
    "where",
    ["in no edition", "in a draft edition", "taken out of a sent edition"],
)
def test_a_vote_on_a_paper_no_reader_was_sent_is_not_found(client, where):
    subscriber, paper = SubscriberFactory(language="en"), PaperFactory()
    if where == "in a draft edition":
        EditionEntryFactory(paper=paper, edition__status=Edition.Status.DRAFT)
    elif where == "taken out of a sent edition":
        EditionEntryFactory(paper=paper, edition__status=Edition.Status.SENT, excluded=True)
    for method in (client.get, client.post):
        assert method(vote_url(subscriber, paper, "up")).status_code == 404
    assert not Feedback.objects.exists()


def test_feedback_counts_per_paper():
    liked, mixed, untouched = PaperFactory(), PaperFactory(), PaperFactory()
    readers = SubscriberFactory.create_batch(3)
    for reader in readers:
        record_feedback(reader, liked, "up")
    record_feedback(readers[0], mixed, "up")
    record_feedback(readers[1], mixed, "down")
    record_feedback(readers[2], mixed, "down")
    assert feedback_counts([liked.pk, mixed.pk, untouched.pk]) == {
        liked.pk: (3, 0),
        mixed.pk: (1, 2),
        untouched.pk: (0, 0),
    }


def test_each_paper_in_the_email_carries_working_personal_vote_links(
    client, outbox_dir, django_capture_on_commit_callbacks
):
    subscriber = SubscriberFactory(language="en")
    entry = EditionEntryFactory()
    with django_capture_on_commit_callbacks(execute=True):
        send_edition(entry.edition)
    (path,) = outbox_dir.glob("*.eml")
    message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    html = message.get_body(("html",)).get_content()
    text = message.get_body(("plain",)).get_content()
    pattern = rf"https://papers\.example\.org(/feedback/[^/\s\"]+/{re.escape(entry.paper.arxiv_id)}/(up|down)/)"
    assert {m.group(2) for m in re.finditer(pattern, html)} == {"up", "down"}
    assert {m.group(2) for m in re.finditer(pattern, text)} == {"up", "down"}
    down = next(m.group(1) for m in re.finditer(pattern, text) if m.group(2) == "down")
    assert client.post(down).status_code == 200
    assert Feedback.objects.get().subscriber == subscriber


def test_the_thanks_page_leads_back_to_the_edition_in_the_readers_language(client):
    subscriber, paper = SubscriberFactory(language="zh-Hant-HK"), sent_paper()
    edition = paper.edition_entries.get().edition
    body = client.post(vote_url(subscriber, paper, "up")).content.decode()
    assert f'href="/archive/{edition.date:%Y-%m-%d}/?lang=zh-Hant-HK"' in body


def test_the_emails_thumbs_are_44_pixel_tap_targets(outbox_dir, django_capture_on_commit_callbacks):
    SubscriberFactory(language="zh-Hant-TW")
    entry = EditionEntryFactory()
    with django_capture_on_commit_callbacks(execute=True):
        send_edition(entry.edition)
    (path,) = outbox_dir.glob("*.eml")
    html = email.message_from_bytes(path.read_bytes(), policy=policy.default).get_body(("html",)).get_content()
    anchors = [a for a in re.findall(r"<a [^>]*>", html) if 'class="vote"' in a]
    styles = [re.search(r'style="([^"]*)"', a).group(1).replace(" ", "") for a in anchors]
    assert len(styles) == 2
    assert all("height:44px" in style and "min-width:44px" in style for style in styles)
