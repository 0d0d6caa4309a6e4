"""Sending through Django's SMTP backend to a real SMTP server on 127.0.0.1: what a self-hoster's Postfix
or a provider's relay receives, and how the send path reads the server's answers."""

import pytest

from digest.delivery.fanout import send_edition
from digest.delivery.providers import for_backend
from digest.delivery.sending import send_deliveries
from digest.models import Delivery
from tests.factories import EditionEntryFactory, SubscriberFactory
from tests.fakes.smtp import FakeSMTPServer

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def smtp(settings):
    with FakeSMTPServer() as server:
        server.configure(settings)
        settings.SEND_CONCURRENCY = 2
        yield server


@pytest.fixture
def edition():
    return EditionEntryFactory().edition


def test_each_reader_receives_one_message_with_their_own_headers(smtp, edition):
    readers = SubscriberFactory.create_batch(5)

    send_edition(edition)

    assert sorted(smtp.recipients()) == sorted(reader.email for reader in readers)
    messages = {item.recipients[0]: item.message for item in smtp.received}
    for reader in readers:
        delivery = Delivery.objects.get(subscriber=reader)
        message = messages[reader.email]
        assert delivery.status == Delivery.Status.SENT
        assert message["Message-ID"].strip("<>") == delivery.message_id.strip("<>")
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert "https://" in message["List-Unsubscribe"]
    assert len({message["List-Unsubscribe"] for message in messages.values()}) == len(readers)


def test_both_parts_arrive_and_chinese_text_is_not_quoted_printable_mangled(smtp, edition):
    SubscriberFactory(language="zh-Hant-TW")

    send_edition(edition)

    (item,) = smtp.received
    kinds = {part.get_content_type() for part in item.message.walk()}
    assert {"text/plain", "text/html"} <= kinds
    html = next(part for part in item.message.walk() if part.get_content_type() == "text/html")
    assert "</html>" in html.get_content()


def test_one_session_per_sending_thread_serves_the_whole_batch(smtp, edition):
    SubscriberFactory.create_batch(12)

    send_edition(edition)

    assert len(smtp.received) == 12
    assert smtp.sessions <= 2  # SEND_CONCURRENCY threads, each keeping its session open


def test_a_mailbox_the_server_refuses_fails_for_good_and_the_others_are_sent(smtp, edition):
    good = SubscriberFactory.create_batch(3)
    missing = SubscriberFactory(email="nobody@example.org")
    smtp.refuse(missing.email, "550 5.1.1 <nobody@example.org>: no such user")

    send_edition(edition)

    refused = Delivery.objects.get(subscriber=missing)
    assert refused.status == Delivery.Status.FAILED
    assert "550" in refused.last_error
    assert sorted(smtp.recipients()) == sorted(reader.email for reader in good)


def test_a_temporary_refusal_leaves_the_reader_queued_for_a_retry(smtp, edition):
    reader = SubscriberFactory(email="busy@example.org")
    smtp.refuse(reader.email, "451 4.3.0 try again later")
    Delivery.objects.create(edition=edition, subscriber=reader)

    outcome = send_deliveries(list(Delivery.objects.values_list("pk", flat=True)))

    assert Delivery.objects.get().status == Delivery.Status.QUEUED
    assert outcome.retry == [Delivery.objects.get().pk]
    assert smtp.received == []


def test_a_redelivered_task_sends_nobody_twice(smtp, edition):
    SubscriberFactory.create_batch(3)
    send_edition(edition)
    ids = list(Delivery.objects.values_list("pk", flat=True))

    send_deliveries(ids)

    assert len(smtp.received) == 3


def test_a_server_that_is_down_leaves_every_reader_queued(settings, edition):
    readers = SubscriberFactory.create_batch(2)
    with FakeSMTPServer() as server:
        server.configure(settings)  # and the server stops: its port now refuses connections
    ids = [Delivery.objects.create(edition=edition, subscriber=reader).pk for reader in readers]

    outcome = send_deliveries(ids)

    assert sorted(outcome.retry) == sorted(ids)
    assert set(Delivery.objects.values_list("status", flat=True)) == {Delivery.Status.QUEUED}


def test_smtp_says_it_can_neither_batch_nor_be_asked_about_a_message():
    provider = for_backend("django.core.mail.backends.smtp.EmailBackend")
    assert provider.name == "smtp"
    assert not provider.can_batch and not provider.can_look_up
    assert "at-least-once" in provider.exactly_once
