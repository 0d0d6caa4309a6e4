"""Provider webhooks (Postmark's format, through anymail) -> EmailEvent rows, suppression, unsubscribes."""

import base64
import json

import pytest

from digest.delivery.fanout import send_edition
from digest.models import Delivery, EmailEvent
from subscribers.models import Subscriber
from tests.factories import EditionEntryFactory, SubscriberFactory

pytestmark = pytest.mark.django_db(transaction=True)
URL = "/webhooks/postmark/tracking/"


@pytest.fixture(autouse=True)
def webhook_secret(settings):
    settings.ANYMAIL = {**settings.ANYMAIL, "WEBHOOK_SECRET": "hook:s3cret"}


def auth(credentials="hook:s3cret"):
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(credentials.encode()).decode()}


def post(client, payload, **headers):
    return client.post(URL, json.dumps(payload), content_type="application/json", **headers)


def bounce(email, *, kind="HardBounce", event_id=42, message_id="pm-1"):
    return {
        "RecordType": "Bounce", "ID": event_id, "Type": kind, "TypeCode": 1, "MessageID": message_id,
        "Email": email, "BouncedAt": "2025-05-28T08:00:00Z", "Description": "The server was unable to deliver",
        "Details": "smtp;550 5.1.1 user unknown", "Metadata": {},
    }  # fmt: skip


def test_signed_bounce_is_stored_and_suppresses_the_subscriber(client):
    subscriber = SubscriberFactory(email="gone@example.com")
    response = post(client, bounce("gone@example.com"), **auth())
    subscriber.refresh_from_db()
    assert response.status_code == 200
    assert EmailEvent.objects.get().event_type == "bounced"
    assert subscriber.status == Subscriber.Status.SUPPRESSED and "hard bounce" in subscriber.suppressed_reason


def test_a_bounce_naming_the_unicode_form_of_an_idn_address_suppresses_its_reader(client):
    subscriber = SubscriberFactory(email="gone@xn--bcher-kva.example")  # stored with its domain in punycode
    post(client, bounce("Gone@Bücher.example"), **auth())
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.SUPPRESSED


def test_missing_credentials_get_a_401_challenge(client):
    response = post(client, bounce("a@example.com"))
    assert response.status_code == 401 and "Basic" in response["WWW-Authenticate"]
    assert not EmailEvent.objects.exists()


def test_wrong_credentials_are_refused_with_403(client):
    SubscriberFactory(email="a@example.com")
    response = post(client, bounce("a@example.com"), **auth("hook:guess"))
    assert response.status_code == 403
    assert not EmailEvent.objects.exists()
    assert Subscriber.objects.get().status == "active"


def test_replayed_event_changes_nothing(client):
    SubscriberFactory(email="a@example.com")
    post(client, bounce("a@example.com", kind="SoftBounce"), **auth())
    post(client, bounce("a@example.com", kind="SoftBounce"), **auth())
    assert EmailEvent.objects.count() == 1
    assert Subscriber.objects.get().soft_bounces == 1


def test_soft_bounces_suppress_after_the_threshold(client, settings):
    settings.SOFT_BOUNCES_BEFORE_SUPPRESSION = 3
    SubscriberFactory(email="full@example.com")
    for event_id in (1, 2):
        post(client, bounce("full@example.com", kind="SoftBounce", event_id=event_id), **auth())
    assert Subscriber.objects.get().status == "active"
    post(client, bounce("full@example.com", kind="SoftBounce", event_id=3), **auth())
    assert Subscriber.objects.get().status == "suppressed"


def test_complaint_suppresses(client):
    SubscriberFactory(email="angry@example.com")
    payload = {"RecordType": "SpamComplaint", "ID": 7, "Type": "SpamComplaint", "MessageID": "pm-2",
               "Email": "angry@example.com", "BouncedAt": "2025-05-28T08:00:00Z", "Metadata": {}}  # fmt: skip
    post(client, payload, **auth())
    assert Subscriber.objects.get().status == "suppressed"


def test_provider_side_unsubscribe_is_honoured(client):
    SubscriberFactory(email="bye@example.com")
    payload = {"RecordType": "SubscriptionChange", "MessageID": "pm-3", "Recipient": "bye@example.com",
               "SuppressSending": True, "SuppressionReason": "ManualSuppression",
               "ChangedAt": "2025-05-28T08:00:00Z", "Metadata": {}}  # fmt: skip
    post(client, payload, **auth())
    assert Subscriber.objects.get().status == "unsubscribed"


def test_open_and_click_events_link_to_the_delivery(client, postmark):
    subscriber = SubscriberFactory(email="reader@example.com")
    edition = EditionEntryFactory().edition
    send_edition(edition)
    delivery = Delivery.objects.get(subscriber=subscriber)
    click = {"RecordType": "Click", "MessageID": delivery.provider_message_id, "Recipient": "reader@example.com",
             "OriginalLink": "https://arxiv.org/abs/2505.12514", "ReceivedAt": "2025-05-28T09:00:00Z",
             "Metadata": {"delivery": str(delivery.pk)}}  # fmt: skip
    post(client, click, **auth())
    event = EmailEvent.objects.get()
    assert (event.event_type, event.delivery, event.url) == ("clicked", delivery, "https://arxiv.org/abs/2505.12514")
    assert Subscriber.objects.get().status == "active"


def test_bounced_address_is_left_out_of_the_next_edition(client, outbox_dir):
    SubscriberFactory(email="gone@example.com")
    SubscriberFactory(email="fine@example.com")
    post(client, bounce("gone@example.com"), **auth())
    send_edition(EditionEntryFactory().edition)
    assert list(Delivery.objects.values_list("subscriber__email", flat=True)) == ["fine@example.com"]


def test_without_a_webhook_secret_every_event_is_refused_with_403_and_logged_once(
    client, settings, caplog, monkeypatch
):
    monkeypatch.setattr("digest.delivery.webhooks._warned_unconfigured", False)
    settings.ANYMAIL = {k: v for k, v in settings.ANYMAIL.items() if k != "WEBHOOK_SECRET"}
    SubscriberFactory(email="victim@example.com")
    first = post(client, bounce("victim@example.com"))
    second = post(client, bounce("victim@example.com", event_id=43))
    assert (first.status_code, second.status_code) == (403, 403)
    assert not EmailEvent.objects.exists() and Subscriber.objects.get().status == "active"
    assert sum("ANYMAIL_WEBHOOK_SECRET" in record.getMessage() for record in caplog.records) == 1


def test_anymails_own_webhook_urls_are_not_reachable_around_the_check(client, settings):
    settings.ANYMAIL = {k: v for k, v in settings.ANYMAIL.items() if k != "WEBHOOK_SECRET"}
    SubscriberFactory(email="victim@example.com")
    response = post_to(client, "/anymail/postmark/tracking/", bounce("victim@example.com"))
    assert response.status_code in (403, 404)
    assert Subscriber.objects.get().status == "active"


def post_to(client, url, payload, **headers):
    return client.post(url, json.dumps(payload), content_type="application/json", **headers)


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[]",
        b"\xff\xfe\x00",
        b'{"RecordType": "Bounce", "Email": 5, "BouncedAt": 7, "Type": ["x"], "ID": {}}',
        b'{"RecordType": "Click", "OriginalLink": 3, "ReceivedAt": "yesterday", "Recipient": []}',
        b'"just a string"',
    ],
)
def test_an_authenticated_malformed_body_is_a_400_and_changes_nothing(client, body):
    SubscriberFactory(email="a@example.com")
    response = client.post(URL, body, content_type="application/json", **auth())
    assert response.status_code == 400
    assert not EmailEvent.objects.exists() and Subscriber.objects.get().status == "active"


def test_mailgun_without_a_signing_key_is_refused_not_a_500(client, settings):
    settings.ANYMAIL = {k: v for k, v in settings.ANYMAIL.items() if "MAILGUN" not in k}
    body = json.dumps({"signature": {"timestamp": "1", "token": "t", "signature": "s"}, "event-data": {}})
    response = client.post("/webhooks/mailgun/tracking/", body, content_type="application/json", **auth())
    assert response.status_code in (400, 403)
