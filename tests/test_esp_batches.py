"""Batch sending through anymail's merge_data: one request per variant, and still every reader gets their
own links, their own unsubscribe header and exactly one message."""

import pytest

from digest.fanout import send_edition
from digest.models import Delivery
from subscribers.models import Subscriber
from subscribers.tokens import make_token
from tests.factories import EditionEntryFactory, PaperFactory, SubscriberFactory
from tests.fakes.http import Reply
from tests.fakes.sendgrid import error

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def edition():
    return EditionEntryFactory().edition


def test_one_request_carries_every_reader_of_a_variant(edition, sendgrid):
    SubscriberFactory.create_batch(5)
    send_edition(edition)
    assert sendgrid.accepted_requests == 1
    assert sorted(sendgrid.recipients()) == sorted(Subscriber.objects.values_list("email", flat=True))
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}


def test_each_reader_receives_their_own_links_in_both_parts(edition, sendgrid):
    readers = SubscriberFactory.create_batch(3)
    send_edition(edition)
    by_address = {message.to: message for message in sendgrid.delivered}
    for reader in readers:
        message = by_address[reader.email]
        manage = f"/manage/{make_token(reader, 'manage')}"
        unsubscribe = make_token(reader, "unsubscribe")
        assert manage in message.html and manage in message.text
        assert unsubscribe in message.html and unsubscribe in message.text
        assert "personal.invalid" not in message.html + message.text
        for other in readers:
            if other != reader:
                assert make_token(other, "manage") not in message.html


def test_each_reader_gets_their_own_unsubscribe_header_and_message_id(edition, sendgrid):
    readers = SubscriberFactory.create_batch(2)
    send_edition(edition)
    by_address = {message.to: message for message in sendgrid.delivered}
    for reader in readers:
        headers = by_address[reader.email].headers
        delivery = Delivery.objects.get(subscriber=reader)
        assert make_token(reader, "unsubscribe") in headers["List-Unsubscribe"]
        assert headers["List-Unsubscribe"].count("<") == 2  # https and mailto
        assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert headers["Message-ID"] == delivery.message_id


def test_each_delivery_records_its_own_provider_message_id(edition, sendgrid):
    readers = SubscriberFactory.create_batch(3)
    send_edition(edition)
    by_address = {message.to: message for message in sendgrid.delivered}
    for reader in readers:
        delivery = Delivery.objects.get(subscriber=reader)
        assert delivery.provider_message_id == by_address[reader.email].custom_args["anymail_id"]
        assert by_address[reader.email].custom_args["delivery"] == str(delivery.pk)
    assert len(set(Delivery.objects.values_list("provider_message_id", flat=True))) == 3


def test_readers_of_different_variants_get_separate_requests(edition, sendgrid):
    SubscriberFactory.create_batch(2, language="zh-Hans")
    SubscriberFactory.create_batch(2, language="en")
    send_edition(edition)
    assert sendgrid.accepted_requests == 2
    subjects = {message.to: message.subject for message in sendgrid.delivered}
    assert len(set(subjects.values())) == 2


def test_a_variant_larger_than_the_batch_limit_is_cut(edition, sendgrid, settings):
    settings.SEND_ESP_BATCH_MAX = 4
    SubscriberFactory.create_batch(10)
    send_edition(edition)
    assert sendgrid.accepted_requests == 3
    assert len(sendgrid.recipients()) == len(set(sendgrid.recipients())) == 10


def test_batches_never_exceed_one_second_of_the_rate_limit(edition, sendgrid, settings):
    settings.SEND_RATE_PER_SECOND = 3
    settings.SEND_RATE_LIMIT_REDIS_URL = ""  # the cut alone, without waiting on Redis
    SubscriberFactory.create_batch(7)
    send_edition(edition)
    assert sendgrid.accepted_requests == 3


def test_a_batch_refused_for_one_recipient_is_sent_one_by_one(edition, settings):
    from tests.fakes.sendgrid import API_KEY, FakeSendGrid

    def refuse_blocked(attempt, payload):
        addresses = [to["email"] for p in payload["personalizations"] for to in p["to"]]
        if "blocked@example.com" in addresses:
            return error(400, "The to email does not contain a valid address.", "personalizations.0.to.0.email")
        return None

    with FakeSendGrid(faults=refuse_blocked) as provider:
        settings.EMAIL_BACKEND = "anymail.backends.sendgrid.EmailBackend"
        settings.ANYMAIL = {"SENDGRID_API_KEY": API_KEY, "SENDGRID_API_URL": provider.api_url}
        SubscriberFactory.create_batch(3)
        SubscriberFactory(email="blocked@example.com")
        send_edition(edition)
    statuses = dict(Delivery.objects.values_list("subscriber__email", "status"))
    assert statuses.pop("blocked@example.com") == "failed"
    assert set(statuses.values()) == {"sent"}
    assert sorted(provider.recipients()) == sorted(statuses)
    assert "provider rejected" in Delivery.objects.get(subscriber__email="blocked@example.com").last_error


def test_a_malformed_address_fails_alone_without_a_retry(edition, sendgrid):
    SubscriberFactory.create_batch(2)
    SubscriberFactory(email="broken-address")
    send_edition(edition)
    bad = Delivery.objects.get(subscriber__email="broken-address")
    assert (bad.status, bad.attempts) == ("failed", 1)
    assert "invalid address" in bad.last_error
    assert len(sendgrid.delivered) == 2


def test_a_transient_error_leaves_the_whole_batch_queued_for_retry(edition, settings):
    from digest.sending import send_deliveries
    from tests.fakes.sendgrid import API_KEY, FakeSendGrid

    unavailable = FakeSendGrid(faults=lambda attempt, payload: Reply(503, "", {"Retry-After": "7"}))
    with unavailable:
        settings.EMAIL_BACKEND = "anymail.backends.sendgrid.EmailBackend"
        settings.ANYMAIL = {"SENDGRID_API_KEY": API_KEY, "SENDGRID_API_URL": unavailable.api_url}
        deliveries = [Delivery.objects.create(edition=edition, subscriber=s) for s in SubscriberFactory.create_batch(3)]
        outcome = send_deliveries([d.pk for d in deliveries])
    assert unavailable.attempts == 1 and unavailable.delivered == []
    assert sorted(outcome.retry) == sorted(d.pk for d in deliveries) and outcome.retry_after == 7.0
    assert set(Delivery.objects.values_list("status", flat=True)) == {"queued"}
    assert all("503" in e for e in Delivery.objects.values_list("last_error", flat=True))


def test_a_redelivered_batch_task_sends_nothing_twice(edition, sendgrid):
    from digest.sending import send_deliveries

    SubscriberFactory.create_batch(3)
    send_edition(edition)
    assert send_deliveries(list(Delivery.objects.values_list("pk", flat=True))).sent == 0
    assert len(sendgrid.delivered) == 3


def test_batch_sending_can_be_switched_off(edition, sendgrid, settings):
    settings.SEND_ESP_BATCH = False
    SubscriberFactory.create_batch(3)
    send_edition(edition)
    assert sendgrid.accepted_requests == 3


def test_curly_braces_and_merge_like_text_in_abstracts_reach_readers_untouched(sendgrid):
    paper = PaperFactory(abstract=r"We bound $\frac{{a}}{{b}}$ with -name- and %recipient.x% and {{ manage_url }}.")
    edition = EditionEntryFactory(paper=paper).edition
    SubscriberFactory(language="en")
    send_edition(edition)
    (message,) = sendgrid.delivered
    assert r"\frac{{a}}{{b}}" in message.text and "-name-" in message.text and "{{ manage_url }}" in message.text
