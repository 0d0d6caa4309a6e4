"""Who may make a reader active: only the reader, by a confirmation that a mail scanner cannot trigger.

An old confirm link does not undo an unsubscribe; a stranger's sign-up does not revive a suppressed or
unsubscribed reader nor touch their preferences; the change-email form is rate-limited; a mail provider
outage at sign-up still shows the normal page and keeps the pending row.
"""

import re

import pytest
from django.test import Client

from subscribers import status
from subscribers.models import Subscriber
from subscribers.tokens import make_token
from tests.conftest import sent_emails
from tests.factories import SubscriberFactory

pytestmark = pytest.mark.django_db


def confirm_path(message) -> str:
    text = message.get_body(("plain",)).get_content()
    return re.search(r"https://papers\.example\.org(/confirm/\S+/)", text).group(1)


def subscribe(client, email_address, **extra):
    data = {"email": email_address, "language": "zh-Hant-TW", "max_papers": 20, "time_zone": "Asia/Taipei",
            "delivery_hour": 9, "topics": ["llm"]} | extra  # fmt: skip
    return client.post("/", data)


# --- Confirmation is a button, and only for a pending reader ----------------------------------------------


def test_get_on_a_confirm_link_shows_a_button_and_confirms_nothing(client):
    subscriber = SubscriberFactory(status="pending", language="en")
    response = client.get(f"/confirm/{make_token(subscriber, 'confirm')}/")
    subscriber.refresh_from_db()
    assert response.status_code == 200 and subscriber.status == "pending"
    assert re.search(r'<form method="post"', response.content.decode())


def test_post_on_a_confirm_link_activates_a_pending_reader(client):
    subscriber = SubscriberFactory(status="pending")
    assert client.post(f"/confirm/{make_token(subscriber, 'confirm')}/").status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == "active"


def test_an_old_confirm_link_does_not_undo_an_unsubscribe(client):
    subscriber = SubscriberFactory(status="pending")
    token = make_token(subscriber, "confirm")
    client.post(f"/confirm/{token}/")
    status.unsubscribe(subscriber)
    response = client.post(f"/confirm/{token}/")
    subscriber.refresh_from_db()
    assert subscriber.status == "unsubscribed"
    assert response.status_code == 400 and "no longer valid" in response.content.decode()


def test_a_confirm_link_does_not_lift_a_suppression(client):
    subscriber = SubscriberFactory(status="pending")
    token = make_token(subscriber, "confirm")
    status.suppress(subscriber, "hard bounce")
    client.post(f"/confirm/{token}/")
    subscriber.refresh_from_db()
    assert subscriber.status == "suppressed"


# --- A stranger's sign-up revives nobody --------------------------------------------------------------------


def test_sign_up_of_a_suppressed_address_mails_nothing_and_changes_nothing(client, topics, outbox_dir):
    SubscriberFactory(email="bounced@example.com", status="suppressed", language="en", max_papers=3)
    assert subscribe(client, "bounced@example.com").status_code == 200
    subscriber = Subscriber.objects.get(email="bounced@example.com")
    assert (subscriber.status, subscriber.language, subscriber.max_papers) == ("suppressed", "en", 3)
    assert sent_emails(outbox_dir) == []


def test_sign_up_of_an_unsubscribed_address_keeps_it_unsubscribed_until_the_reader_confirms(client, topics, outbox_dir):
    SubscriberFactory(email="left@example.com", status="unsubscribed", language="en", max_papers=3)
    subscribe(client, "left@example.com")
    subscriber = Subscriber.objects.get(email="left@example.com")
    assert (subscriber.status, subscriber.language, subscriber.max_papers) == ("unsubscribed", "en", 3)
    (message,) = sent_emails(outbox_dir)
    client.post(confirm_path(message))
    subscriber.refresh_from_db()
    assert (subscriber.status, subscriber.language, subscriber.max_papers) == ("active", "zh-Hant-TW", 20)
    assert [t.slug for t in subscriber.topics.all()] == ["llm"]


def test_a_re_opt_in_link_is_void_once_the_reader_unsubscribes_again(client, topics, outbox_dir):
    SubscriberFactory(email="left@example.com", status="unsubscribed")
    subscribe(client, "left@example.com")
    (message,) = sent_emails(outbox_dir)
    client.post(confirm_path(message))
    subscriber = Subscriber.objects.get()
    assert subscriber.status == "active"
    status.unsubscribe(subscriber)
    client.post(confirm_path(message))
    subscriber.refresh_from_db()
    assert subscriber.status == "unsubscribed"


def test_csv_import_neither_reactivates_an_unsubscribed_reader_nor_a_suppressed_one(topics, tmp_path):
    from subscribers.subscription import import_subscribers

    SubscriberFactory(email="left@example.com", status="unsubscribed")
    SubscriberFactory(email="bounced@example.com", status="suppressed")
    path = tmp_path / "readers.csv"
    path.write_text(
        "email,language,topics,bilingual,max_papers\nleft@example.com,en,,,\nbounced@example.com,en,,,\n"
        "new@example.com,en,,,\n"
    )
    report = import_subscribers(path)
    states = dict(Subscriber.objects.values_list("email", "status"))
    assert states == {
        "left@example.com": "unsubscribed",
        "bounced@example.com": "suppressed",
        "new@example.com": "active",
    }
    assert [line for line, _ in report.errors] == [2, 3]
    assert "unsubscribed" in report.errors[0][1]


# --- Change of address is rate-limited ---------------------------------------------------------------------


def change_email(client, subscriber, new_email):
    return client.post(f"/manage/{make_token(subscriber, 'manage')}/", {"action": "email", "new_email": new_email})


def test_change_email_is_rate_limited_per_reader(client, outbox_dir, settings):
    settings.EMAIL_CHANGE_RATE_PER_READER = "2/h"
    subscriber = SubscriberFactory(language="en")
    codes = [change_email(client, subscriber, f"new{n}@example.com").status_code for n in range(3)]
    assert codes == [200, 200, 429]
    assert len(sent_emails(outbox_dir)) == 2


def test_change_email_is_rate_limited_per_target_across_readers(outbox_dir, settings):
    settings.SUBSCRIBE_RATE_PER_ADDRESS = "2/h"
    readers = SubscriberFactory.create_batch(3, language="en")
    codes = [
        change_email(Client(REMOTE_ADDR=f"203.0.113.{n}"), reader, "victim@example.com").status_code
        for n, reader in enumerate(readers)
    ]
    assert codes == [200, 200, 429]
    assert len(sent_emails(outbox_dir)) == 2


# --- The mail provider is down at sign-up ------------------------------------------------------------------


class DownBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("provider down")


def test_sign_up_while_the_provider_is_down_shows_the_normal_page_and_keeps_the_row(client, topics, settings):
    settings.EMAIL_BACKEND = "tests.subscribers.test_opt_in_rules.DownBackend"
    response = subscribe(client, "new@example.com", language="en")
    assert response.status_code == 200 and "Check your inbox" in response.content.decode()
    assert Subscriber.objects.get(email="new@example.com").status == "pending"


def test_a_failed_confirmation_is_retried_by_the_worker(topics, settings, monkeypatch):
    from celery.exceptions import Retry

    from subscribers import tasks

    settings.EMAIL_BACKEND = "tests.subscribers.test_opt_in_rules.DownBackend"
    subscriber = SubscriberFactory(status="pending")
    retried = []

    def retry(**kwargs):
        retried.append(kwargs)
        raise Retry()

    monkeypatch.setattr(tasks.send_confirmation, "retry", retry)
    tasks.send_confirmation.push_request(retries=0, is_eager=False)
    try:
        with pytest.raises(Retry):
            tasks.send_confirmation.run(subscriber.pk)
    finally:
        tasks.send_confirmation.pop_request()
    assert retried and retried[0]["countdown"] > 0
