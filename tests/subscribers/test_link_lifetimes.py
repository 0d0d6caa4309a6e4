"""An address change applies on POST and ends every older link; preference links expire, and a fresh one is
mailed to the address on file when the reader asks."""

import datetime
import re

import pytest
import time_machine

from subscribers.models import Subscriber
from subscribers.tokens import make_token
from tests.conftest import sent_emails
from tests.factories import SubscriberFactory

pytestmark = pytest.mark.django_db


def link_in(message) -> str:
    return re.search(r"https://papers\.example\.org(/\S+/)", message.get_body(("plain",)).get_content()).group(1)


def change_link(subscriber, new_email="new@example.com") -> str:
    return f"/email/confirm/{make_token(subscriber, 'email_change', e=new_email)}/"


def test_get_on_an_email_change_link_shows_a_button_and_changes_nothing(client):
    subscriber = SubscriberFactory(email="old@example.com", language="en")
    response = client.get(change_link(subscriber))
    subscriber.refresh_from_db()
    assert response.status_code == 200 and subscriber.email == "old@example.com"
    assert '<form method="post"' in response.content.decode()


def test_post_on_an_email_change_link_changes_the_address(client):
    subscriber = SubscriberFactory(email="old@example.com", language="en")
    assert client.post(change_link(subscriber)).status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.email == "new@example.com"


def test_after_an_address_change_every_older_link_stops_working(client):
    subscriber = SubscriberFactory(email="old@example.com", language="en")
    old_manage = f"/manage/{make_token(subscriber, 'manage')}/"
    other_change = change_link(subscriber, "other@example.com")
    first = change_link(subscriber)
    response = client.post(first)
    assert client.get(old_manage).status_code == 400
    assert client.post(other_change).status_code == 400
    assert client.post(first).status_code == 400
    subscriber.refresh_from_db()
    assert subscriber.email == "new@example.com"
    fresh = re.search(r'href="(/manage/[^"]+/)"', response.content.decode()).group(1)
    assert client.get(fresh).status_code == 200  # the page after the change links to a working centre


def test_a_preference_link_expires(client, settings):
    settings.MANAGE_LINK_MAX_AGE_DAYS = 30
    subscriber = SubscriberFactory(language="en")
    with time_machine.travel(datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=31)):
        old = f"/manage/{make_token(subscriber, 'manage')}/"
    response = client.get(old)
    assert response.status_code == 400 and "expired" in response.content.decode()
    assert "Send me a new link" in response.content.decode()


def test_asking_with_an_expired_link_mails_a_fresh_one_to_the_address_on_file(client, settings, outbox_dir):
    settings.MANAGE_LINK_MAX_AGE_DAYS = 30
    subscriber = SubscriberFactory(email="reader@example.com", language="en")
    with time_machine.travel(datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=31)):
        token = make_token(subscriber, "manage")
    response = client.post(f"/manage/{token}/renew/")
    assert response.status_code == 200
    (message,) = sent_emails(outbox_dir)
    assert message["To"] == "reader@example.com"
    assert client.get(link_in(message)).status_code == 200


def test_a_tampered_or_revoked_link_gets_no_fresh_one(client, outbox_dir):
    subscriber = SubscriberFactory()
    token = make_token(subscriber, "manage")
    Subscriber.objects.filter(pk=subscriber.pk).update(token_version=subscriber.token_version + 1)
    assert client.post(f"/manage/{token}/renew/").status_code == 400
    assert client.post(f"/manage/{token[:-3]}abc/renew/").status_code == 400
    assert sent_emails(outbox_dir) == []


def test_fresh_links_are_rate_limited_per_reader(client, settings, outbox_dir):
    settings.FRESH_LINK_RATE_PER_READER = "2/h"
    subscriber = SubscriberFactory()
    token = make_token(subscriber, "manage")
    codes = [client.post(f"/manage/{token}/renew/").status_code for _ in range(3)]
    assert codes == [200, 200, 429] and len(sent_emails(outbox_dir)) == 2
