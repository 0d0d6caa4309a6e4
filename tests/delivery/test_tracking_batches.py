"""Tracking events for readers who were sent in a batch (Mailgun: one provider id per request): each event
still finds its own delivery and reader, through the delivery id the message carried."""

import base64
import datetime
import hashlib
import hmac
import json

import pytest

from digest.delivery.fanout import send_edition
from digest.models import Delivery, EmailEvent
from subscribers.models import Subscriber
from tests.factories import EditionEntryFactory, SubscriberFactory
from tests.fakes.mailgun import FakeMailgun

pytestmark = pytest.mark.django_db(transaction=True)
SIGNING_KEY = "mailgun-signing-key"


@pytest.fixture
def batch_sent(settings):
    """Three readers sent in one Mailgun request; returns them and what Mailgun delivered to each."""
    edition = EditionEntryFactory().edition
    readers = SubscriberFactory.create_batch(3)
    with FakeMailgun() as mailgun:
        mailgun.configure(settings)
        send_edition(edition)
    settings.ANYMAIL = {**settings.ANYMAIL, "WEBHOOK_SECRET": "hook:s3cret", "MAILGUN_WEBHOOK_SIGNING_KEY": SIGNING_KEY}
    assert mailgun.accepted_requests == 1
    return readers, {message.to: message for message in mailgun.delivered}


def mailgun_event(event: str, recipient: str, message, *, severity: str = "permanent", token: str = "t1",
                  user_variables: bool = True) -> dict:  # fmt: skip
    timestamp = "1748419200"
    signature = hmac.new(SIGNING_KEY.encode(), (timestamp + token).encode(), hashlib.sha256).hexdigest()
    data = {
        "event": event, "severity": severity, "recipient": recipient, "id": f"ev-{token}",
        "timestamp": 1748419200.0, "reason": "bounce", "message": {"headers": {"message-id": message.message_id}},
        "delivery-status": {"code": 550, "message": "5.1.1 user unknown", "description": "mailbox does not exist"},
    }  # fmt: skip
    if user_variables:
        data["user-variables"] = message.custom_data
    return {"signature": {"timestamp": timestamp, "token": token, "signature": signature}, "event-data": data}


def post(client, payload):
    credentials = base64.b64encode(b"hook:s3cret").decode()
    return client.post("/webhooks/mailgun/tracking/", json.dumps(payload), content_type="application/json",
                       HTTP_AUTHORIZATION=f"Basic {credentials}")  # fmt: skip


def test_a_hard_bounce_suppresses_only_the_reader_it_names(client, batch_sent):
    readers, received = batch_sent
    gone = readers[1]
    response = post(client, mailgun_event("failed", gone.email, received[gone.email]))
    assert response.status_code == 200
    event = EmailEvent.objects.get()
    assert (event.event_type, event.delivery) == ("bounced", Delivery.objects.get(subscriber=gone))
    statuses = dict(Subscriber.objects.values_list("email", "status"))
    assert statuses.pop(gone.email) == "suppressed" and set(statuses.values()) == {"active"}


def test_an_event_without_metadata_finds_its_reader_by_provider_id_and_address(client, batch_sent):
    readers, received = batch_sent
    reader = readers[2]
    post(client, mailgun_event("failed", reader.email, received[reader.email], user_variables=False))
    assert EmailEvent.objects.get().delivery == Delivery.objects.get(subscriber=reader)


def test_a_temporary_failure_counts_a_soft_bounce_without_suppressing(client, batch_sent):
    readers, received = batch_sent
    reader = readers[0]
    post(client, mailgun_event("failed", reader.email, received[reader.email], severity="temporary"))
    reader.refresh_from_db()
    assert (reader.status, reader.soft_bounces) == ("active", 1)


def test_a_forged_mailgun_signature_is_refused(client, batch_sent):
    readers, received = batch_sent
    payload = mailgun_event("failed", readers[0].email, received[readers[0].email])
    payload["signature"]["signature"] = "0" * 64
    assert post(client, payload).status_code == 400
    assert not EmailEvent.objects.exists()
    assert Subscriber.objects.get(pk=readers[0].pk).status == "active"


def test_the_suppressed_reader_is_left_out_of_the_next_edition(client, batch_sent, settings):
    readers, received = batch_sent
    gone = readers[0]
    post(client, mailgun_event("failed", gone.email, received[gone.email]))
    tomorrow = EditionEntryFactory(edition__date=datetime.date(2025, 5, 29)).edition
    with FakeMailgun() as mailgun:
        mailgun.configure(settings)
        send_edition(tomorrow)
    assert sorted(mailgun.recipients()) == sorted(r.email for r in readers[1:])
