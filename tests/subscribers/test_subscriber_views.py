"""Sign-up, confirmation, preferences and unsubscribe: signed links, no enumeration, GET never unsubscribes."""

import datetime
import email
import re
from email import policy

import pytest
import time_machine
from django.test import Client

from subscribers.models import Subscriber
from subscribers.tokens import make_token
from tests.factories import PaperFactory, SubscriberFactory

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
    assert client.post(confirm_link(outbox_dir)).status_code == 200
    subscriber = Subscriber.objects.get()
    assert subscriber.status == "active" and [t.slug for t in subscriber.topics.all()] == ["llm"]


@pytest.mark.parametrize("status", ["active", "pending", "unsubscribed", "suppressed"])
def test_response_is_the_same_for_unknown_and_known_addresses(client, topics, outbox_dir, status):
    SubscriberFactory(email="known@example.com", status=status)
    unknown = subscribe(client, "someone-new@example.com")
    known = subscribe(client, "known@example.com")
    assert (unknown.status_code, unknown.content) == (known.status_code, known.content)


def test_resubscribing_an_active_address_changes_nothing_and_mails_nothing(client, topics, outbox_dir):
    SubscriberFactory(email="active@example.com", language="en", max_papers=3)
    subscribe(client, "active@example.com", max_papers=20)
    subscriber = Subscriber.objects.get(email="active@example.com")
    assert (subscriber.status, subscriber.max_papers) == ("active", 3)
    assert not list(outbox_dir.glob("*.eml"))


def test_confirmation_email_is_in_the_chosen_language(client, topics, outbox_dir):
    subscribe(client, language="zh-Hant-HK")
    (path,) = outbox_dir.glob("*.eml")
    message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    assert "鏈接" in message.get_body(("plain",)).get_content()  # Hong Kong wording ("連結" in Taiwan)
    assert "每日精選 AI 論文" in str(message["Subject"])


@pytest.mark.parametrize("website", ["http://spam.example", "w" * 5000])
def test_honeypot_stores_nothing(client, topics, outbox_dir, website):
    response = subscribe(client, website=website)
    assert response.status_code == 200 and not Subscriber.objects.exists()
    assert "Check your inbox" in response.content.decode()  # the bot sees the usual neutral page
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


# --- Signed links: every way a link can be bad is a clear page, never a 500 -----------------------------

BAD_LINK_URLS = [
    "/confirm/{token}/",
    "/manage/{token}/",
    "/unsubscribe/{token}/",
    "/resubscribe/{token}/",
    "/email/confirm/{token}/",
    "/feedback/{token}/2505.30000/up/",
]


@pytest.mark.parametrize("url", BAD_LINK_URLS)
@pytest.mark.parametrize("token", ["x", "not-a-token:at-all", "." + "A" * 5000, "%00", "<script>alert(1)</script>"])
def test_garbage_tokens_are_a_clear_400_on_every_link(client, url, token):
    response = client.get(url.format(token=token))
    assert response.status_code in (400, 404)
    if response.status_code == 400:
        assert "cannot be used" in response.content.decode()
    assert "<script>alert" not in response.content.decode()


@pytest.mark.parametrize(
    ("purpose", "url"),
    [("confirm", "/confirm/{}/"), ("resubscribe", "/resubscribe/{}/"), ("email_change", "/email/confirm/{}/")],
)
def test_expired_links_say_they_expired(client, purpose, url):
    subscriber = SubscriberFactory(status="pending")
    with time_machine.travel(datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=8)):
        token = make_token(subscriber, purpose, e="new@example.com")
    response = client.get(url.format(token))
    assert response.status_code == 400
    assert "expired" in response.content.decode()
    subscriber.refresh_from_db()
    assert (subscriber.status, subscriber.email) == ("pending", subscriber.email)


def test_confirm_link_within_seven_days_still_works(client):
    subscriber = SubscriberFactory(status="pending")
    with time_machine.travel(datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=6)):
        token = make_token(subscriber, "confirm")
    assert client.post(f"/confirm/{token}/").status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == "active"


@pytest.mark.parametrize(
    ("purpose", "url"),
    [
        ("manage", "/confirm/{}/"),
        ("unsubscribe", "/manage/{}/"),
        ("confirm", "/feedback/{}/2505.30000/up/"),
        ("feedback", "/resubscribe/{}/"),
    ],
)
def test_a_link_signed_for_another_purpose_is_refused(client, purpose, url):
    subscriber = SubscriberFactory(status="pending")
    response = client.get(url.format(make_token(subscriber, purpose)))
    assert response.status_code == 400
    subscriber.refresh_from_db()
    assert subscriber.status == "pending"


def test_link_for_a_deleted_subscriber_is_a_clear_page(client):
    subscriber = SubscriberFactory()
    token = make_token(subscriber, "manage")
    subscriber.delete()
    response = client.get(f"/manage/{token}/")
    assert response.status_code == 400 and "no longer valid" in response.content.decode()


# --- Rate limits -----------------------------------------------------------------------------------------


def test_too_many_sign_ups_from_one_ip_get_a_friendly_429(client, topics, outbox_dir, settings):
    settings.SUBSCRIBE_RATE_PER_IP = "2/h"
    assert subscribe(client, "a@example.com").status_code == 200
    assert subscribe(client, "b@example.com").status_code == 200
    response = subscribe(client, "c@example.com")
    assert response.status_code == 429
    assert "Too many requests" in response.content.decode() and response["Retry-After"]
    assert not Subscriber.objects.filter(email="c@example.com").exists()


def test_too_many_sign_ups_for_one_address_are_refused_whatever_the_ip(topics, outbox_dir, settings):
    settings.SUBSCRIBE_RATE_PER_ADDRESS = "2/h"
    addresses = ["victim@example.com", "Victim@Example.com", "victim@example.com"]
    statuses = [subscribe(Client(REMOTE_ADDR=f"203.0.113.{n}"), a).status_code for n, a in enumerate(addresses)]
    assert statuses == [200, 200, 429]
    assert len(list(outbox_dir.glob("*.eml"))) == 2


def test_rate_limited_invalid_posts_are_a_429_not_a_500(client, topics, settings):
    settings.SUBSCRIBE_RATE_PER_IP = "1/h"
    client.post("/", {"email": "not an address"})
    assert client.post("/", {"email": "not an address"}).status_code == 429


def test_reading_the_subscribe_page_is_not_rate_limited(client, topics, settings):
    settings.SUBSCRIBE_RATE_PER_IP = "1/h"
    assert [client.get("/").status_code for _ in range(3)] == [200, 200, 200]


# --- CSRF and hostile input --------------------------------------------------------------------------------


def test_subscribe_form_requires_csrf(topics):
    client = Client(enforce_csrf_checks=True)
    response = subscribe(client)
    assert response.status_code == 403 and not Subscriber.objects.exists()


def test_subscribe_form_carries_a_csrf_token(client, topics):
    assert "csrfmiddlewaretoken" in client.get("/").content.decode()


def test_preference_form_requires_csrf(topics):
    subscriber = SubscriberFactory(max_papers=10)
    client = Client(enforce_csrf_checks=True)
    response = client.post(f"/manage/{make_token(subscriber, 'manage')}/", {"action": "pause", "days": "7"})
    subscriber.refresh_from_db()
    assert response.status_code == 403 and subscriber.paused_until is None


@pytest.mark.parametrize(
    "fields",
    [
        {"email": "a" * 250 + "@example.com"},
        {"email": "<script>alert(1)</script>@example.com"},
        {"email": "名字@example.com"},
        {"email": "x@example.com\nBcc: y@example.com"},
        {"email": "x@example.com", "topics": ["llm", "no-such-topic"]},
        {"email": "x@example.com", "topics": ["llm\x00"]},
        {"email": "x@example.com", "topics": ["t" * 10000]},
        {"email": "x@example.com", "max_papers": "10" * 40},
        {"email": "x@example.com", "max_papers": "-1"},
        {"email": "x@example.com", "language": "klingon"},
        {"email": "x@example.com", "time_zone": "Mars/Olympus_Mons"},
        {"email": "x@example.com", "delivery_hour": "25"},
    ],
)
def test_hostile_sign_up_input_is_a_validation_error_and_stores_nothing(client, topics, outbox_dir, fields):
    response = subscribe(client, **fields)
    body = response.content.decode()
    assert response.status_code == 200
    assert 'class="errorlist' in body
    assert "<script>alert" not in body
    assert not Subscriber.objects.exists() and not list(outbox_dir.glob("*.eml"))


def test_unicode_domain_address_is_accepted(client, topics, outbox_dir):
    assert subscribe(client, "reader@例子.测试").status_code == 200
    assert Subscriber.objects.get().status == "pending"


def test_hostile_preferences_change_nothing(client, topics):
    subscriber = SubscriberFactory(language="zh-Hant-TW", max_papers=10, topics=[topics["llm"]])
    response = client.post(
        f"/manage/{make_token(subscriber, 'manage')}/",
        {"action": "preferences", "language": "en", "max_papers": 5, "time_zone": "Asia/Taipei",
         "delivery_hour": 7, "topics": ["vision", "<script>"]},
    )  # fmt: skip
    subscriber.refresh_from_db()
    assert response.status_code == 200 and "<script>" not in response.content.decode()
    assert (subscriber.language, subscriber.max_papers) == ("zh-Hant-TW", 10)
    assert [t.slug for t in subscriber.topics.all()] == ["llm"]


def test_unknown_paper_in_a_feedback_link_is_a_404_page(client):
    subscriber = SubscriberFactory()
    PaperFactory(arxiv_id="2505.00001")
    response = client.get(f"/feedback/{make_token(subscriber, 'feedback')}/9999.99999/up/")
    assert response.status_code == 404


def test_an_english_reader_is_never_signed_up_bilingual(client, topics):
    subscribe(client, language="en", bilingual="on")
    assert Subscriber.objects.get().bilingual is False


def test_a_chinese_reader_may_ask_for_the_english_original(client, topics):
    subscribe(client, language="zh-Hant-HK", bilingual="on")
    assert Subscriber.objects.get().bilingual is True


@pytest.mark.parametrize(("lang", "heading"), [("zh-Hant-HK", "訂閲"), ("zh-Hans", "订阅")])
def test_the_sign_up_page_follows_the_archive_pages_language(client, topics, lang, heading):
    body = client.get(f"/?lang={lang}", HTTP_ACCEPT_LANGUAGE="zh-TW").content.decode()
    assert f'<html lang="{lang}">' in body and f"<h1>{heading}</h1>" in body
    assert re.search(rf'<option value="{lang}" selected>', body)


def test_an_unknown_lang_leaves_the_sign_up_page_in_the_browsers_language(client, topics):
    body = client.get("/?lang=xx", HTTP_ACCEPT_LANGUAGE="zh-TW").content.decode()
    assert '<html lang="zh-Hant-TW">' in body
