"""Batch sending through anymail's merge_data (SendGrid and Mailgun, each a loopback server speaking its
API): one request per variant, and still every reader gets their own links, their own unsubscribe header
and exactly one message."""

import re

import pytest

from digest.delivery.fanout import send_edition
from digest.delivery.sending import send_deliveries
from digest.models import Delivery
from digest.papers.latex import latex_to_unicode
from subscribers.models import Subscriber
from subscribers.tokens import read_token
from tests.factories import EditionEntryFactory, PaperFactory, SubscriberFactory
from tests.fakes.http import Reply

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def edition():
    return EditionEntryFactory().edition


def received(provider) -> dict:
    return {message.to: message for message in provider.delivered}


LINK = {"manage": r"/manage/([\w:-]+)/", "unsubscribe": r"/unsubscribe/([\w:-]+)/", "feedback": r"/feedback/([\w:-]+)"}


def readers_linked(text: str, purpose: str) -> set[int]:
    """Whose signed `purpose` links a text carries. Tokens hold a timestamp, so a test compares what they
    say, not their bytes."""
    return {read_token(token, purpose)[0].pk for token in re.findall(LINK[purpose], text)}


def test_one_request_carries_every_reader_of_a_variant(edition, batch_provider):
    SubscriberFactory.create_batch(5)
    send_edition(edition)
    assert batch_provider.accepted_requests == 1
    assert sorted(batch_provider.recipients()) == sorted(Subscriber.objects.values_list("email", flat=True))
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}


def test_each_reader_receives_their_own_links_in_both_parts(edition, batch_provider):
    readers = SubscriberFactory.create_batch(3)
    send_edition(edition)
    for reader in readers:
        message = received(batch_provider)[reader.email]
        for purpose in ("manage", "unsubscribe", "feedback"):
            assert readers_linked(message.html, purpose) == readers_linked(message.text, purpose) == {reader.pk}
        assert "personal.invalid" not in message.html + message.text and "%recipient" not in message.html


def test_each_reader_gets_their_own_unsubscribe_header_and_message_id(edition, batch_provider):
    readers = SubscriberFactory.create_batch(2)
    send_edition(edition)
    for reader in readers:
        headers = {name.lower(): value for name, value in received(batch_provider)[reader.email].headers.items()}
        delivery = Delivery.objects.get(subscriber=reader)
        assert readers_linked(headers["list-unsubscribe"], "unsubscribe") == {reader.pk}
        assert headers["list-unsubscribe"].count("<") == 2  # https and mailto
        assert headers["list-unsubscribe-post"] == "List-Unsubscribe=One-Click"
        assert headers["message-id"] == delivery.message_id


def test_each_delivery_records_the_provider_id_and_carries_its_own_id_for_webhooks(edition, batch_provider):
    readers = SubscriberFactory.create_batch(3)
    send_edition(edition)
    for reader in readers:
        delivery = Delivery.objects.get(subscriber=reader)
        message = received(batch_provider)[reader.email]
        assert delivery.provider_message_id == message.message_id != ""
        assert message.custom_data["delivery"] == str(delivery.pk)  # how tracking events find the delivery


def test_readers_of_different_variants_get_separate_requests(edition, batch_provider):
    SubscriberFactory.create_batch(2, language="zh-Hans")
    SubscriberFactory.create_batch(2, language="en")
    send_edition(edition)
    assert batch_provider.accepted_requests == 2
    subjects = {message.to: message.subject for message in batch_provider.delivered}
    assert len(set(subjects.values())) == 2


def test_a_variant_larger_than_the_batch_limit_is_cut(edition, batch_provider, settings):
    settings.SEND_ESP_BATCH_MAX = 4
    SubscriberFactory.create_batch(10)
    send_edition(edition)
    assert batch_provider.accepted_requests == 3
    assert len(batch_provider.recipients()) == len(set(batch_provider.recipients())) == 10


def test_batches_never_exceed_one_second_of_the_rate_limit(edition, batch_provider, settings):
    settings.SEND_RATE_PER_SECOND = 3
    settings.SEND_RATE_LIMIT_REDIS_URL = ""  # the cut alone, without waiting on Redis
    SubscriberFactory.create_batch(7)
    send_edition(edition)
    assert batch_provider.accepted_requests == 3


def test_a_batch_refused_for_one_recipient_is_sent_one_by_one(edition, batch_provider_kind, settings):
    def refuse_blocked(attempt, payload):
        if "blocked@example.com" in batch_provider_kind.addresses_in(payload):
            return batch_provider_kind.refusal("The to email does not contain a valid address.")
        return None

    with batch_provider_kind(faults=refuse_blocked) as provider:
        provider.configure(settings)
        SubscriberFactory.create_batch(3)
        SubscriberFactory(email="blocked@example.com")
        send_edition(edition)
    statuses = dict(Delivery.objects.values_list("subscriber__email", "status"))
    assert statuses.pop("blocked@example.com") == "failed"
    assert set(statuses.values()) == {"sent"}
    assert sorted(provider.recipients()) == sorted(statuses)
    assert "provider rejected" in Delivery.objects.get(subscriber__email="blocked@example.com").last_error


def test_a_malformed_address_fails_alone_without_a_retry(edition, batch_provider):
    SubscriberFactory.create_batch(2)
    SubscriberFactory(email="broken-address")
    send_edition(edition)
    bad = Delivery.objects.get(subscriber__email="broken-address")
    assert (bad.status, bad.attempts) == ("failed", 1)
    assert "invalid address" in bad.last_error
    assert len(batch_provider.delivered) == 2


def test_a_transient_error_leaves_the_whole_batch_queued_for_retry(edition, batch_provider_kind, settings):
    with batch_provider_kind(faults=lambda attempt, payload: Reply(503, "", {"Retry-After": "7"})) as provider:
        provider.configure(settings)
        deliveries = [Delivery.objects.create(edition=edition, subscriber=s) for s in SubscriberFactory.create_batch(3)]
        outcome = send_deliveries([d.pk for d in deliveries])
    assert provider.attempts == 1 and provider.delivered == []
    assert sorted(outcome.retry) == sorted(d.pk for d in deliveries) and outcome.retry_after == 7.0
    assert set(Delivery.objects.values_list("status", flat=True)) == {"queued"}
    assert all("503" in e for e in Delivery.objects.values_list("last_error", flat=True))


def test_a_redelivered_batch_task_sends_nothing_twice(edition, batch_provider):
    SubscriberFactory.create_batch(3)
    send_edition(edition)
    assert send_deliveries(list(Delivery.objects.values_list("pk", flat=True))).sent == 0
    assert len(batch_provider.delivered) == 3


def test_batch_sending_can_be_switched_off(edition, batch_provider, settings):
    settings.SEND_ESP_BATCH = False
    SubscriberFactory.create_batch(3)
    send_edition(edition)
    assert batch_provider.accepted_requests == 3


def test_merge_like_text_in_an_abstract_reaches_readers_untouched(batch_provider):
    abstract = r"We bound $\frac{{a}}{{b}}$ with -name- and {{ manage_url }} and 100% recall."
    edition = EditionEntryFactory(paper=PaperFactory(abstract=abstract)).edition
    SubscriberFactory(language="en")
    send_edition(edition)
    (message,) = batch_provider.delivered
    assert latex_to_unicode(abstract) in message.text  # the LaTeX reads as text; the braces stay as they are
