"""Sending: a Delivery row per edition and subscriber, claimed once, sent once, whatever re-runs."""

import pytest

from digest.delivery.fanout import send_edition
from digest.delivery.sending import claim, send_deliveries
from digest.models import Delivery, Edition
from subscribers.models import Subscriber
from tests.factories import EditionEntryFactory, SubscriberFactory
from tests.fakes.http import Reply
from tests.fakes.postmark import inactive_recipient

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def edition():
    entry = EditionEntryFactory()
    return entry.edition


def test_send_edition_twice_mails_each_subscriber_once(edition, outbox_dir):
    SubscriberFactory.create_batch(3)
    first = send_edition(edition)
    second = send_edition(edition)
    assert len(list(outbox_dir.glob("*.eml"))) == 3
    assert (first.created, second.created, second.queued) == (3, 0, 0)
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}
    edition.refresh_from_db()
    assert edition.status == Edition.Status.SENT and edition.sent_at is not None


def test_unsubscribed_pending_and_suppressed_get_nothing(edition, outbox_dir):
    SubscriberFactory(status=Subscriber.Status.UNSUBSCRIBED)
    SubscriberFactory(status=Subscriber.Status.PENDING)
    SubscriberFactory(status=Subscriber.Status.SUPPRESSED)
    active = SubscriberFactory()
    send_edition(edition)
    assert list(Delivery.objects.values_list("subscriber_id", flat=True)) == [active.pk]
    assert len(list(outbox_dir.glob("*.eml"))) == 1


def test_subscriber_who_unsubscribes_after_queueing_is_skipped(edition, outbox_dir):
    subscriber = SubscriberFactory()
    Delivery.objects.create(edition=edition, subscriber=subscriber)
    Subscriber.objects.filter(pk=subscriber.pk).update(status=Subscriber.Status.UNSUBSCRIBED)
    send_deliveries(list(Delivery.objects.values_list("pk", flat=True)))
    assert Delivery.objects.get().status == "skipped"
    assert not list(outbox_dir.glob("*.eml"))


def test_a_claimed_delivery_cannot_be_claimed_again(edition):
    delivery = Delivery.objects.create(edition=edition, subscriber=SubscriberFactory())
    assert [row.pk for row in claim([delivery.pk])] == [delivery.pk]
    assert claim([delivery.pk]) == []


def test_redelivered_task_sends_nothing_twice(edition, outbox_dir):
    SubscriberFactory.create_batch(2)
    send_edition(edition)
    ids = list(Delivery.objects.values_list("pk", flat=True))
    outcome = send_deliveries(ids)
    assert outcome.sent == 0
    assert len(list(outbox_dir.glob("*.eml"))) == 2


def test_real_anymail_backend_records_the_provider_message_id(edition, postmark):
    SubscriberFactory(email="reader@example.com")
    send_edition(edition)
    delivery = Delivery.objects.get()
    assert postmark.recipients() == ["reader@example.com"]
    assert delivery.status == "sent"
    assert delivery.provider_message_id == postmark.accepted[0]["MessageID"]
    headers = {h["Name"]: h["Value"] for h in postmark.accepted[0]["Headers"]}
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert postmark.accepted[0]["HtmlBody"] and postmark.accepted[0]["TextBody"]


def test_provider_rejecting_one_recipient_fails_that_one_only(edition, postmark):
    SubscriberFactory(email="gone@example.com")
    SubscriberFactory(email="fine@example.com")
    postmark.faults = lambda n, payload: inactive_recipient("gone@example.com") if "gone" in payload["To"] else None
    send_edition(edition)
    statuses = dict(Delivery.objects.values_list("subscriber__email", "status"))
    assert statuses == {"gone@example.com": "failed", "fine@example.com": "sent"}
    assert "refused" in Delivery.objects.get(subscriber__email="gone@example.com").last_error


def test_provider_outage_is_retried_and_each_message_sent_once(edition, postmark, settings):
    SubscriberFactory.create_batch(3)
    postmark.faults = lambda n, payload: Reply(503, {"ErrorCode": 1, "Message": "down"}) if n <= 2 else None
    send_edition(edition)
    assert sorted(postmark.recipients()) == sorted(Subscriber.objects.values_list("email", flat=True))
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}


@pytest.mark.parametrize("status", [401, 403])
def test_a_refused_api_key_fails_no_reader_and_everyone_goes_once_it_is_fixed(edition, postmark, status):
    SubscriberFactory.create_batch(3)
    refused = Reply(status, {"ErrorCode": 10, "Message": "Bad or missing Server API token."})
    postmark.faults = lambda n, payload: refused if n <= 3 else None
    send_edition(edition)
    assert sorted(postmark.recipients()) == sorted(Subscriber.objects.values_list("email", flat=True))
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}


def test_dry_run_counts_per_variant_and_sends_nothing(edition, outbox_dir):
    SubscriberFactory(language="zh-Hant-TW")
    SubscriberFactory(language="zh-Hant-TW")
    SubscriberFactory(language="en", bilingual=False)
    report = send_edition(edition, dry_run=True)
    assert report.queued == 3
    assert report.by_variant == {"zh-Hant-TW, 1 papers": 2, "en, 1 papers": 1}
    assert not Delivery.objects.exists() and not list(outbox_dir.glob("*.eml"))


def test_batches_hold_readers_of_one_topic_set_together(edition, topics, settings):
    settings.SEND_BATCH_SIZE = 2
    from digest.delivery.fanout import batches_by_variant, create_deliveries, sendable

    llm, vision = topics["llm"], topics["vision"]
    for index in range(8):  # ids interleave the two topic sets
        SubscriberFactory(topics=[llm] if index % 2 else [vision])
    create_deliveries(edition)
    batches = batches_by_variant(sendable(edition))
    topic_of = dict(Delivery.objects.values_list("pk", "subscriber__topics__slug"))
    assert [len({topic_of[pk] for pk in batch}) for batch in batches] == [1, 1, 1, 1]


def in_doubt_delivery(edition) -> Delivery:
    """A row whose worker died mid-send: still "sending", its lease run out."""
    from datetime import timedelta

    from django.utils import timezone

    return Delivery.objects.create(
        edition=edition,
        subscriber=SubscriberFactory(email="reader@example.com"),
        status=Delivery.Status.SENDING,
        lease_until=timezone.now() - timedelta(seconds=1),
        attempts=1,
    )


def test_an_in_doubt_delivery_postmark_already_has_is_recorded_not_sent_again(edition, postmark):
    delivery = in_doubt_delivery(edition)
    metadata = {"delivery": str(delivery.pk)}
    postmark.accepted.append({"To": "reader@example.com", "MessageID": "pm-1", "Metadata": metadata})
    outcome = send_deliveries([delivery.pk])
    delivery.refresh_from_db()
    assert (outcome.sent, delivery.status, delivery.provider_message_id) == (1, "sent", "pm-1")
    assert len(postmark.accepted) == 1
    assert "metadata_delivery" in postmark.server.requests[-1].path


def test_an_in_doubt_delivery_postmark_never_got_is_sent_once(edition, postmark):
    delivery = in_doubt_delivery(edition)
    send_deliveries([delivery.pk])
    delivery.refresh_from_db()
    assert delivery.status == "sent"
    assert postmark.recipients() == ["reader@example.com"]


def test_an_in_doubt_delivery_waits_when_postmark_cannot_be_asked(edition, postmark):
    postmark.search_fault = Reply(500, {"ErrorCode": 500, "Message": "Internal Server Error"})
    delivery = in_doubt_delivery(edition)
    outcome = send_deliveries([delivery.pk])
    delivery.refresh_from_db()
    assert (delivery.status, outcome.retry) == ("queued", [delivery.pk])
    assert "could not ask Postmark" in delivery.last_error
    assert postmark.accepted == []


def test_a_long_provider_outage_leaves_deliveries_queued_then_each_is_sent_once(edition, settings):
    from tests.fakes.postmark import FakePostmark

    down = {"yes": True}
    outage = FakePostmark(faults=lambda attempt, payload: Reply(503, {"ErrorCode": 503}) if down["yes"] else None)
    with outage:
        settings.EMAIL_BACKEND = "anymail.backends.postmark.EmailBackend"
        settings.ANYMAIL = {"POSTMARK_SERVER_TOKEN": "test-server-token", "POSTMARK_API_URL": outage.api_url}
        ids = [Delivery.objects.create(edition=edition, subscriber=s).pk for s in SubscriberFactory.create_batch(3)]
        for _ in range(8):  # more rounds than a handful of retries would allow
            send_deliveries(ids)
        assert set(Delivery.objects.values_list("status", flat=True)) == {"queued"}
        down["yes"] = False
        send_deliveries(ids)
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}
    assert sorted(outage.recipients()) == sorted(Delivery.objects.values_list("subscriber__email", flat=True))


def test_a_delivery_still_failing_after_the_retry_horizon_fails_with_the_reason(edition, settings, time_machine):
    from tests.fakes.postmark import FakePostmark

    settings.DELIVERY_RETRY_HOURS = 12
    time_machine.move_to("2025-05-28 07:00 +08:00")
    delivery = Delivery.objects.create(edition=edition, subscriber=SubscriberFactory())
    with FakePostmark(faults=lambda attempt, payload: Reply(503, {"ErrorCode": 503})) as outage:
        settings.EMAIL_BACKEND = "anymail.backends.postmark.EmailBackend"
        settings.ANYMAIL = {"POSTMARK_SERVER_TOKEN": "test-server-token", "POSTMARK_API_URL": outage.api_url}
        send_deliveries([delivery.pk])
        assert Delivery.objects.get().status == "queued"
        time_machine.move_to("2025-05-28 19:01 +08:00")
        send_deliveries([delivery.pk])
    delivery.refresh_from_db()
    assert delivery.status == "failed"
    assert delivery.last_error.startswith("gave up after 12 hours and 2 attempts") and "503" in delivery.last_error


def test_a_row_whose_workers_keep_dying_is_abandoned_not_sent(edition, postmark, settings):
    settings.DELIVERY_MAX_ATTEMPTS = 3
    delivery = in_doubt_delivery(edition)
    Delivery.objects.filter(pk=delivery.pk).update(attempts=3)
    send_deliveries([delivery.pk])
    delivery.refresh_from_db()
    assert (delivery.status, delivery.last_error) == ("failed", "abandoned after 4 attempts")
    assert postmark.accepted == []


def test_the_variant_a_reader_was_sent_is_recorded_on_the_delivery(edition):
    SubscriberFactory(language="zh-Hant-HK", bilingual=True)
    send_edition(edition)
    assert Delivery.objects.values_list("language", "bilingual").get() == ("zh-Hant-HK", True)
