"""The preference centre and what follows unsubscribing: everything a reader manages from an email link."""

import datetime
import re

import pytest
from django.utils import timezone

from digest.delivery.fanout import recipients
from digest.models import Delivery, Edition
from digest.translation.variants import to_variant
from subscribers import preferences, subscription
from subscribers.feedback import record_feedback
from subscribers.models import Subscriber
from subscribers.tokens import make_token
from tests.conftest import sent_emails
from tests.factories import EditionFactory, PaperFactory, SubscriberFactory

pytestmark = pytest.mark.django_db


def manage_url(subscriber) -> str:
    return f"/manage/{make_token(subscriber, 'manage')}/"


def link_in(message) -> str:
    text = message.get_body(("plain",)).get_content()
    return re.search(r"https://papers\.example\.org(/\S+/)", text).group(1)


def post(client, subscriber, **data):
    return client.post(manage_url(subscriber), data)


# --- Pausing ---------------------------------------------------------------------------------------------


def test_pausing_for_n_days_sets_the_date_and_says_so(client):
    subscriber = SubscriberFactory(language="en")
    response = post(client, subscriber, action="pause", days="14")
    subscriber.refresh_from_db()
    expected = timezone.now() + datetime.timedelta(days=14)
    assert abs(subscriber.paused_until - expected) < datetime.timedelta(minutes=1)
    assert f"Paused until {timezone.localtime(subscriber.paused_until):%Y-%m-%d}" in response.content.decode()


def test_paused_subscribers_are_not_recipients_until_the_pause_ends():
    edition = EditionFactory()
    paused = SubscriberFactory(paused_until=timezone.now() + datetime.timedelta(days=3))
    ended = SubscriberFactory(paused_until=timezone.now() - datetime.timedelta(minutes=1))
    never = SubscriberFactory()
    assert set(recipients(edition)) == {ended, never}
    assert paused not in recipients(edition)


def test_resuming_clears_the_pause(client):
    subscriber = SubscriberFactory(paused_until=timezone.now() + datetime.timedelta(days=30))
    post(client, subscriber, action="pause", days="0")
    subscriber.refresh_from_db()
    assert subscriber.paused_until is None and subscriber in recipients(EditionFactory())


def test_an_unknown_pause_length_changes_nothing(client):
    subscriber = SubscriberFactory()
    response = post(client, subscriber, action="pause", days="100000")
    subscriber.refresh_from_db()
    assert response.status_code == 200 and subscriber.paused_until is None


# --- A new address ---------------------------------------------------------------------------------------


def test_new_address_takes_effect_only_when_its_own_link_is_clicked(client, outbox_dir):
    subscriber = SubscriberFactory(email="old@example.com", language="en")
    response = post(client, subscriber, action="email", new_email="New@Example.com")
    assert "We sent a confirmation link to new@example.com" in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.email == "old@example.com"
    (message,) = sent_emails(outbox_dir)
    assert message["To"] == "new@example.com"
    assert client.post(link_in(message)).status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.email == "new@example.com"


def test_new_address_already_subscribed_is_not_taken_over(client, outbox_dir):
    subscriber = SubscriberFactory(email="old@example.com", language="en")
    SubscriberFactory(email="taken@example.com")
    post(client, subscriber, action="email", new_email="taken@example.com")
    (message,) = sent_emails(outbox_dir)
    response = client.post(link_in(message))
    subscriber.refresh_from_db()
    assert response.status_code == 409 and "already subscribed" in response.content.decode()
    assert subscriber.email == "old@example.com"


def test_header_injection_in_the_new_address_sends_nothing(client, outbox_dir):
    subscriber = SubscriberFactory(language="en")
    response = post(client, subscriber, action="email", new_email="x@example.com\r\nBcc: y@example.com")
    assert 'class="errorlist' in response.content.decode()
    assert not sent_emails(outbox_dir)


# --- Sign me out everywhere ------------------------------------------------------------------------------


def test_sign_out_everywhere_kills_old_links_and_mails_a_fresh_one(client, outbox_dir):
    subscriber = SubscriberFactory(language="en")
    old_manage, old_unsubscribe = manage_url(subscriber), f"/unsubscribe/{make_token(subscriber, 'unsubscribe')}/"
    response = client.post(old_manage, {"action": "signout"})
    assert response.status_code == 200 and "Signed out everywhere" in response.content.decode()
    assert client.get(old_manage).status_code == 400
    assert client.post(old_unsubscribe).status_code == 400
    (message,) = sent_emails(outbox_dir)
    assert message["To"] == subscriber.email
    assert client.get(link_in(message)).status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == "active"


# --- What the page shows ---------------------------------------------------------------------------------


def test_editions_sent_to_the_reader_link_to_the_archive(client):
    subscriber = SubscriberFactory(language="zh-Hant-HK")
    sent = EditionFactory(date=datetime.date(2025, 5, 27), status=Edition.Status.SENT)
    skipped = EditionFactory(date=datetime.date(2025, 5, 28), status=Edition.Status.SENT)
    Delivery.objects.create(edition=sent, subscriber=subscriber, status="sent", paper_count=7, language="zh-Hant-HK")
    Delivery.objects.create(edition=skipped, subscriber=subscriber, status="skipped")
    body = client.get(manage_url(subscriber)).content.decode()
    assert 'href="/archive/2025-05-27/?lang=zh-Hant-HK"' in body
    assert "2025-05-28" not in body


def test_page_speaks_the_readers_language_with_topic_names_converted(client, topics):
    subscriber = SubscriberFactory(language="zh-Hant-TW")
    body = client.get(manage_url(subscriber), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "你的訂閱偏好" in body and 'lang="zh-Hant-TW"' in body
    llm = topics["llm"]
    assert to_variant(llm.name_zh, "zh-Hant-TW") in body
    assert to_variant(llm.description_zh, "zh-Hant-TW") in body


def test_fewer_of_these_suggests_the_topic_of_papers_voted_down(client, topics):
    subscriber = SubscriberFactory(language="en", topics=[topics["llm"], topics["vision"]])
    for _ in range(2):
        record_feedback(subscriber, PaperFactory(topics=[topics["vision"]]), "down")
    record_feedback(subscriber, PaperFactory(topics=[topics["llm"]]), "up")
    body = client.get(manage_url(subscriber)).content.decode()
    assert "Fewer of these?" in body
    assert f"You marked 2 papers in {topics['vision'].name_en} as not useful" in body
    assert f"in {topics['llm'].name_en} as not useful" not in body


def test_no_fewer_of_these_hint_without_votes_down(client, topics):
    subscriber = SubscriberFactory(language="en")
    assert "Fewer of these?" not in client.get(manage_url(subscriber)).content.decode()


# --- After unsubscribing ---------------------------------------------------------------------------------


def unsubscribe(client, subscriber):
    return client.post(f"/unsubscribe/{make_token(subscriber, 'unsubscribe')}/")


def test_after_unsubscribing_one_click_subscribes_again(client):
    subscriber = SubscriberFactory(language="en")
    body = unsubscribe(client, subscriber).content.decode()
    resubscribe = re.search(r'action="(/resubscribe/[^"]+/)"', body).group(1)
    assert client.get(resubscribe).status_code == 200  # GET only shows the button
    subscriber.refresh_from_db()
    assert subscriber.status == "unsubscribed"
    assert "You are subscribed" in client.post(resubscribe).content.decode()
    subscriber.refresh_from_db()
    assert subscriber.status == "active" and subscriber.unsubscribed_at is None


def test_after_unsubscribing_reducing_topics_instead_subscribes_again(client, topics):
    subscriber = SubscriberFactory(language="en", topics=[topics["llm"], topics["vision"]])
    body = unsubscribe(client, subscriber).content.decode()
    manage = re.search(r'href="(/manage/[^"]+/)"', body).group(1)
    assert "You are unsubscribed. Saving" in client.get(manage).content.decode()
    client.post(manage, {"action": "preferences", "language": "en", "max_papers": 3, "time_zone": "Asia/Taipei",
                         "delivery_hour": 7, "topics": ["llm"]})  # fmt: skip
    subscriber.refresh_from_db()
    assert subscriber.status == "active" and [t.slug for t in subscriber.topics.all()] == ["llm"]


def test_a_suppressed_address_is_not_revived_by_the_resubscribe_link(client):
    subscriber = SubscriberFactory(status=Subscriber.Status.SUPPRESSED, language="en")
    response = client.post(f"/resubscribe/{make_token(subscriber, 'resubscribe')}/")
    subscriber.refresh_from_db()
    assert subscriber.status == "suppressed" and "Please subscribe again" in response.content.decode()


def test_unsubscribed_address_gets_nothing_until_it_confirms_again(client, topics, outbox_dir):
    gone = SubscriberFactory(email="gone@example.com", status=Subscriber.Status.UNSUBSCRIBED)
    edition = EditionFactory()
    subscription.request_subscription("gone@example.com", language="en", topics=[], max_papers=5)
    assert gone not in recipients(edition)  # still unsubscribed
    (message,) = sent_emails(outbox_dir)
    client.get(link_in(message))
    assert gone not in recipients(edition)  # a GET (a mail scanner) confirms nothing
    client.post(link_in(message))
    assert gone in recipients(edition)


# --- mailto: unsubscribe -----------------------------------------------------------------------------------


def test_unsubscribe_by_token_unsubscribes():
    subscriber = SubscriberFactory()
    subscription.unsubscribe_by_token(make_token(subscriber, "unsubscribe"))
    subscriber.refresh_from_db()
    assert subscriber.status == "unsubscribed"


def test_unsubscribe_by_token_refuses_a_manage_token():
    subscriber = SubscriberFactory()
    with pytest.raises(subscription.InvalidToken):
        subscription.unsubscribe_by_token(make_token(subscriber, "manage"))
    subscriber.refresh_from_db()
    assert subscriber.status == "active"


def test_the_mailto_in_a_real_email_unsubscribes_through_the_inbound_command(
    topics, outbox_dir, django_capture_on_commit_callbacks
):
    """The List-Unsubscribe mailto of a sent digest, replied to ("Re: unsubscribe <token>") and piped to
    the management command as an inbound-mail hook would."""
    import io
    import sys
    from urllib.parse import unquote

    from django.core.management import call_command

    from digest.delivery.fanout import send_edition
    from tests.factories import EditionEntryFactory

    subscriber = SubscriberFactory()
    with django_capture_on_commit_callbacks(execute=True):
        send_edition(EditionEntryFactory().edition)
    (message,) = sent_emails(outbox_dir)
    subject = unquote(re.search(r"<mailto:[^?]+\?subject=([^>]+)>", message["List-Unsubscribe"]).group(1))
    raw = f"From: {subscriber.email}\r\nTo: unsubscribe@example.org\r\nSubject: Re: {subject}\r\n\r\n\r\n"
    stdin = sys.stdin
    sys.stdin = io.TextIOWrapper(io.BytesIO(raw.encode()))
    try:
        call_command("unsubscribe_by_mail")
    finally:
        sys.stdin = stdin
    subscriber.refresh_from_db()
    assert subscriber.status == "unsubscribed"


def test_the_inbound_command_fails_with_a_reason_on_a_bad_token():
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="invalid"):
        call_command("unsubscribe_by_mail", token="forged")


def test_preferences_service_saves_all_or_nothing(topics):
    subscriber = SubscriberFactory(max_papers=10, topics=[topics["llm"]])
    with pytest.raises(ValueError):
        preferences.update_preferences(
            subscriber, language="en", bilingual=True, topics=["not a topic"], max_papers=3,
            time_zone="UTC", delivery_hour=8,
        )  # fmt: skip
    subscriber.refresh_from_db()
    assert (subscriber.language, subscriber.max_papers) == ("zh-Hant-TW", 10)
