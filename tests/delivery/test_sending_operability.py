"""Operating the send: approval gate, kill switch, in-doubt rows after a crash, sweeper, status, retry."""

import datetime

import pytest
from django.core.management import call_command

from digest.delivery import fanout, sending
from digest.delivery.fanout import SendError, batches_by_variant, send_edition
from digest.models import Delivery, Edition, SiteSettings
from tests.factories import EditionEntryFactory, SubscriberFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def edition():
    return EditionEntryFactory().edition


def test_draft_edition_waits_for_approval_when_required(edition, outbox_dir):
    SiteSettings.objects.update_or_create(pk=1, defaults={"editions_need_approval": True})
    SubscriberFactory()
    with pytest.raises(SendError, match="waiting for an editor's approval"):
        send_edition(edition)
    Edition.objects.filter(pk=edition.pk).update(status=Edition.Status.APPROVED)
    edition.refresh_from_db()
    send_edition(edition)
    assert len(list(outbox_dir.glob("*.eml"))) == 1


def test_kill_switch_stops_queueing(edition, outbox_dir):
    SiteSettings.objects.update_or_create(pk=1, defaults={"sending_paused": True})
    SubscriberFactory()
    with pytest.raises(SendError, match="paused"):
        send_edition(edition)
    assert not list(outbox_dir.glob("*.eml"))


def test_kill_switch_flipped_mid_send_releases_claimed_rows_untouched(edition, outbox_dir):
    subscriber = SubscriberFactory()
    delivery = Delivery.objects.create(edition=edition, subscriber=subscriber)
    SiteSettings.objects.update_or_create(pk=1, defaults={"sending_paused": True})
    sending.send_deliveries([delivery.pk])
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("queued", 0)
    assert not list(outbox_dir.glob("*.eml"))


def test_in_doubt_row_already_in_the_outbox_is_not_sent_again(edition, outbox_dir):
    subscriber = SubscriberFactory()
    delivery = Delivery.objects.create(edition=edition, subscriber=subscriber)
    (row,) = sending.claim([delivery.pk])
    # The worker wrote the message, then died before recording it:
    from digest.delivery.email.messages import build_message
    from digest.delivery.providers.outbox import OutboxEmailBackend

    variant = sending.variant_for(row, subscriber)
    message = build_message(subscriber, row, variant)
    message.connection = OutboxEmailBackend()
    message.send()
    Delivery.objects.filter(pk=delivery.pk).update(lease_until=datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC))
    outcome = sending.send_deliveries([delivery.pk])
    delivery.refresh_from_db()
    assert delivery.status == "sent" and outcome.sent == 1
    assert len(list(outbox_dir.glob("*.eml"))) == 1


def test_sweeper_resends_rows_a_dead_worker_left_behind(edition, outbox_dir, settings):
    settings.DELIVERY_LEASE_SECONDS = 0
    subscriber = SubscriberFactory()
    delivery = Delivery.objects.create(edition=edition, subscriber=subscriber)
    Edition.objects.filter(pk=edition.pk).update(status=Edition.Status.SENDING)
    sending.claim([delivery.pk])  # claimed, then the worker vanished
    assert fanout.resume_stalled() == 1
    delivery.refresh_from_db()
    assert delivery.status == "sent"
    assert len(list(outbox_dir.glob("*.eml"))) == 1
    assert Edition.objects.get().status == "sent"


def test_batches_keep_each_variant_together(edition, settings, topics):
    settings.SEND_BATCH_SIZE = 2
    for i in range(6):
        SubscriberFactory(language=["en", "zh-Hans"][i % 2], topics=[topics["llm"]] if i % 3 else [])
    fanout.create_deliveries(edition)
    batches = batches_by_variant(Delivery.objects.all())
    language_of = dict(Delivery.objects.values_list("pk", "subscriber__language"))
    sequence = [language_of[pk] for batch in batches for pk in batch]
    runs = [language for i, language in enumerate(sequence) if i == 0 or sequence[i - 1] != language]
    assert sorted(runs) == ["en", "zh-Hans"], sequence  # each variant's readers in one run


def test_sending_status_and_retry_of_failed_deliveries(edition, outbox_dir, capsys):
    subscriber = SubscriberFactory()
    Delivery.objects.create(edition=edition, subscriber=subscriber, status="failed", attempts=5, last_error="422")
    call_command("sending_status", "--date", str(edition.date))
    assert "failed     1" in capsys.readouterr().out
    call_command("retry_deliveries", "--date", str(edition.date))
    assert Delivery.objects.get().status == "sent"
    assert len(list(outbox_dir.glob("*.eml"))) == 1
