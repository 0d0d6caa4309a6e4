"""Deliveries and events past the retention period are summarized, then deleted in batches; the edition's results
stay, and a pruned edition is never mailed again (fan-out would otherwise see nobody as already sent)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from digest.delivery.fanout import SendError, send_edition
from digest.delivery.results import edition_figures, edition_results
from digest.delivery.retention import prune_history
from digest.models import Delivery, EditionTotals, EmailEvent
from tests.factories import EditionEntryFactory, EditionFactory, SubscriberFactory

pytestmark = pytest.mark.django_db
NOW = timezone.now()


def _edition(days_ago: int, readers, status="sent"):
    edition = EditionFactory(date=(NOW - datetime.timedelta(days=days_ago)).date(), status="sent", sent_at=NOW)
    EditionEntryFactory(edition=edition)
    for n, reader in enumerate(readers):
        delivery = Delivery.objects.create(
            edition=edition, subscriber=reader, status="failed" if n == 0 else status, language="zh-Hans",
            last_error="550 mailbox full" if n == 0 else "", provider_message_id=f"pm-{edition.pk}-{n}",
        )  # fmt: skip
        if n % 2:
            EmailEvent.objects.create(
                event_id=f"o-{delivery.pk}", event_type="opened", delivery=delivery, raw={"Recipient": "x@y.z"}
            )
    return edition


def _figures(edition):
    figures, results = edition_figures(edition), edition_results(edition)
    return (
        [(r.language, r.bilingual, r.sent, r.failed, r.events["opened"]) for r in figures.rows],
        figures.opens_tracked,
        [(f.status, f.reason, f.count) for f in figures.failure_reasons],
        results.total.sent,
        results.total.opened,
    )


def test_old_deliveries_and_events_are_deleted_in_batches_and_the_results_stay(settings):
    settings.DELIVERY_RETENTION_DAYS = 365
    readers = [SubscriberFactory(status="active") for _ in range(5)]
    old, recent = _edition(400, readers), _edition(10, readers)
    before = _figures(old)
    with CaptureQueriesContext(connection) as queries:
        report = prune_history(now=NOW, batch=2)
    assert (report.editions, report.deliveries, report.events) == (1, 5, 2)
    deletes = [q["sql"] for q in queries.captured_queries if q["sql"].startswith('DELETE FROM "digest_delivery"')]
    assert len(deletes) == 3  # 5 rows, 2 at a time
    assert not Delivery.objects.filter(edition=old).exists() and not EmailEvent.objects.filter(edition=old).exists()
    assert Delivery.objects.filter(edition=recent).count() == 5
    assert _figures(old) == before
    assert before[0][0][2:] == (4, 1, 2)


def test_a_pruned_edition_is_never_sent_again():
    readers = [SubscriberFactory(status="active") for _ in range(3)]
    old = _edition(400, readers)
    prune_history(now=NOW)
    with pytest.raises(SendError, match="retention"):
        send_edition(old)
    assert not Delivery.objects.filter(edition=old).exists()


def test_an_edition_still_sending_is_kept_whole():
    old = _edition(400, [SubscriberFactory(status="active") for _ in range(3)], status="queued")
    assert prune_history(now=NOW).editions == 0
    assert Delivery.objects.filter(edition=old).count() == 3
    assert not EditionTotals.objects.filter(edition=old).exists()


def test_a_run_that_stopped_while_deleting_is_finished_with_the_first_count():
    readers = [SubscriberFactory(status="active") for _ in range(4)]
    old = _edition(400, readers)
    before = _figures(old)
    prune_history(now=NOW)
    totals = EditionTotals.objects.get(edition=old)
    # As if the first run had stopped after one batch: rows are left, the stored figures are the whole ones.
    Delivery.objects.create(edition=old, subscriber=SubscriberFactory(), status="sent")
    assert prune_history(now=NOW).deliveries == 1
    assert EditionTotals.objects.get(edition=old).figures == totals.figures
    assert _figures(old) == before


def test_raw_payloads_of_old_events_are_emptied_sooner(settings):
    settings.EVENT_PAYLOAD_RETENTION_DAYS = 30
    edition = _edition(60, [SubscriberFactory(status="active") for _ in range(2)])
    EmailEvent.objects.update(occurred_at=NOW - datetime.timedelta(days=31))
    assert prune_history(now=NOW).payloads == 1
    assert list(EmailEvent.objects.filter(edition=edition).values_list("raw", flat=True)) == [{}]


def test_events_of_no_delivery_are_deleted_once_as_old_as_deliveries_are_kept(settings):
    settings.DELIVERY_RETENTION_DAYS = 365
    EmailEvent.objects.create(
        event_id="stray-old", event_type="bounced", occurred_at=NOW - datetime.timedelta(days=400)
    )
    recent = EmailEvent.objects.create(
        event_id="stray-new", event_type="bounced", occurred_at=NOW - datetime.timedelta(days=10)
    )
    assert prune_history(now=NOW).events_without_delivery == 1
    assert list(EmailEvent.objects.values_list("pk", flat=True)) == [recent.pk]


def test_payloads_are_emptied_in_batches_each_starting_where_the_last_ended(settings):
    settings.EVENT_PAYLOAD_RETENTION_DAYS = 30
    for n in range(5):
        EmailEvent.objects.create(
            event_id=f"old-{n}", event_type="opened", raw={"n": n}, occurred_at=NOW - datetime.timedelta(days=40 - n)
        )
    kept = EmailEvent.objects.create(event_id="new", event_type="opened", raw={"n": 9}, occurred_at=NOW)
    with CaptureQueriesContext(connection) as queries:
        assert prune_history(now=NOW, batch=2).payloads == 5
    selects = [q["sql"] for q in queries.captured_queries if 'NOT ("digest_emailevent"."raw"' in q["sql"]]
    assert len(selects) == 4 and all('"occurred_at" >=' in sql for sql in selects[1:])  # 2 + 2 + 1, then none
    assert list(EmailEvent.objects.exclude(raw={}).values_list("pk", flat=True)) == [kept.pk]
