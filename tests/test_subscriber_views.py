"""Sign-up, confirmation, preferences and unsubscribe: signed links, no enumeration, GET never unsubscribes."""

import re

import pytest
from django.test import Client

from subscribers.models import Subscriber
from subscribers.tokens import make_token
from tests.factories import SubscriberFactory

pytestmark = pytest.mark.django_db


def confirm_link(outbox_dir) -> str:
    (path,) = outbox_dir.glob("*.eml")
    return re.search(r"https://papers\.example\.org(/confirm/[^\s\"<]+/)", path.read_text()).group(1)


def subscribe(client, email="new@example.com", **extra):
    data = {"email": email, "language": "zh-Hant-TW", "max_papers": 10, "time_zone": "Asia/Taipei",
            "delivery_hour": 7, "topics": ["llm"]} | extra  # fmt: skip
    return client.post("/", data)


def test_subscribe_then_confirm_activates(client, topics, outbox_dir):
    response = subscribe(client)
    assert response.status_code == 200
    assert Subscriber.objects.get().status == "pending"
    assert client.get(confirm_link(outbox_dir)).status_code == 200
    subscriber = Subscriber.objects.get()
    assert subscriber.status == "active" and [t.slug for t in subscriber.topics.all()] == ["llm"]


def test_response_is_the_same_for_new_and_active_addresses(client, topics, outbox_dir):
    SubscriberFactory(email="active@example.com")
    new = subscribe(client, "someone-new@example.com")
    active = subscribe(client, "active@example.com")
    assert (new.status_code, new.content) == (active.status_code, active.content)
    assert Subscriber.objects.get(email="active@example.com").status == "active"


def test_honeypot_stores_nothing(client, topics, outbox_dir):
    response = subscribe(client, website="http://spam.example")
    assert response.status_code == 200 and not Subscriber.objects.exists()
    assert not list(outbox_dir.glob("*.eml"))


def test_header_injection_in_email_is_a_validation_error(client, topics, outbox_dir):
    response = subscribe(client, "victim@example.com\r\nBcc: all@example.com")
    assert response.status_code == 200 and not Subscriber.objects.exists()


def test_tampered_link_shows_a_clear_page_not_a_500(client):
    subscriber = SubscriberFactory()
    token = make_token(subscriber, "unsubscribe")
    response = client.get(f"/unsubscribe/{token[:-2]}xx/")
    assert response.status_code == 400
    assert "cannot be used" in response.content.decode()


def test_a_manage_link_does_not_work_as_an_unsubscribe_link(client):
    subscriber = SubscriberFactory()
    response = client.post(f"/unsubscribe/{make_token(subscriber, 'manage')}/")
    assert response.status_code == 400
    subscriber.refresh_from_db()
    assert subscriber.status == "active"


def test_rotated_token_version_kills_old_links(client):
    subscriber = SubscriberFactory()
    token = make_token(subscriber, "manage")
    Subscriber.objects.filter(pk=subscriber.pk).update(token_version=2)
    assert client.get(f"/manage/{token}/").status_code == 400


def test_get_on_the_unsubscribe_link_never_unsubscribes(client):
    subscriber = SubscriberFactory(language="en")
    response = client.get(f"/unsubscribe/{make_token(subscriber, 'unsubscribe')}/")
    subscriber.refresh_from_db()
    assert response.status_code == 200 and "<form" in response.content.decode()
    assert subscriber.status == "active"


def test_one_click_post_unsubscribes_without_csrf_or_cookies():
    subscriber = SubscriberFactory()
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        f"/unsubscribe/{make_token(subscriber, 'unsubscribe')}/",
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    subscriber.refresh_from_db()
    assert response.status_code == 200
    assert subscriber.status == "unsubscribed"


def test_preferences_are_saved(client, topics):
    subscriber = SubscriberFactory(language="zh-Hant-TW")
    url = f"/manage/{make_token(subscriber, 'manage')}/"
    response = client.post(
        url,
        {"language": "zh-Hant-HK", "max_papers": 5, "time_zone": "Asia/Hong_Kong", "delivery_hour": 8,
         "topics": ["vision", "robotics"], "bilingual": "on"},
    )  # fmt: skip
    subscriber.refresh_from_db()
    assert response.status_code == 200
    assert (subscriber.language, subscriber.max_papers, subscriber.bilingual) == ("zh-Hant-HK", 5, True)
    assert {t.slug for t in subscriber.topics.all()} == {"vision", "robotics"}
