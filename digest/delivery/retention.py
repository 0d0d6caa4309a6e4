"""Old deliveries and events are summarized, then deleted: the tables hold DELIVERY_RETENTION_DAYS of history, not
every edition ever sent, and raw webhook payloads (addresses, provider details) go after EVENT_PAYLOAD_RETENTION_DAYS.

Nightly (digest.tasks.prune_history), in batches of RETENTION_BATCH rows, each its own short transaction: no lock
is held for long, and a run that stops halfway is finished by the next. Events that belong to no delivery (a
provider's event for a message we never sent, or one that arrived after its edition was pruned) carry no edition
and are deleted once they are DELIVERY_RETENTION_DAYS old, like the rest.

Exactly-once: fan-out creates a delivery for every recipient who has no row for the edition yet
(digest.delivery.fanout.create_deliveries), so deleting an edition's rows would make a re-run mail everyone again.
Before any row goes, the edition's totals are stored with `pruned_at` set, under the same row lock on the edition
that send_edition takes; create_deliveries refuses an edition with `pruned_at`, so a pruned edition is never sent
again, whoever asks.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import asdict, dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from digest.delivery.results import PENDING, count_edition, failure_reasons, most_clicked_papers
from digest.delivery.results_chart import count_figures
from digest.models import Delivery, Edition, EditionTotals, EmailEvent

log = logging.getLogger(__name__)


@dataclass
class PruneReport:
    editions: int = 0
    deliveries: int = 0
    events: int = 0
    payloads: int = 0
    events_without_delivery: int = 0


def prune_history(*, now: datetime.datetime | None = None, batch: int | None = None) -> PruneReport:
    now = now or timezone.now()
    batch = batch or settings.RETENTION_BATCH
    report = PruneReport()
    report.payloads = clear_payloads(now - datetime.timedelta(days=settings.EVENT_PAYLOAD_RETENTION_DAYS), batch)
    cutoff = (now - datetime.timedelta(days=settings.DELIVERY_RETENTION_DAYS)).date()
    report.events_without_delivery = delete_events_without_delivery(
        now - datetime.timedelta(days=settings.DELIVERY_RETENTION_DAYS), batch
    )
    old = Edition.objects.filter(date__lt=cutoff).filter(Exists(Delivery.objects.filter(edition=OuterRef("pk"))))
    for edition in old.order_by("date"):
        if not summarize(edition, now):
            continue
        report.editions += 1
        deliveries, events = delete_rows(edition, batch)
        report.deliveries += deliveries
        report.events += events
    log.info("history pruned %s", " ".join(f"{k}={v}" for k, v in asdict(report).items()))
    return report


def summarize(edition: Edition, now: datetime.datetime) -> bool:
    """Stores the edition's figures and marks it pruned; False (nothing done) while any of it is still to send."""
    with transaction.atomic():
        edition = Edition.objects.select_for_update().get(pk=edition.pk)
        totals = EditionTotals.objects.filter(edition=edition).first()
        if totals is not None and totals.pruned_at is not None:
            return True  # counted by an earlier run that stopped while deleting: its figures are the whole ones
        if Delivery.objects.filter(edition=edition, status__in=PENDING).exists():
            return False
        rows, arrived = count_edition(edition)
        figures = {
            "rows": [asdict(row) for row in rows],
            "arrived": sorted(arrived),
            "reasons": [asdict(reason) for reason in failure_reasons(edition)],
            "clicks": [
                {"arxiv_id": item.paper.arxiv_id if item.paper else "", "url": item.url, "clicks": item.clicks,
                 "readers": item.readers}
                for item in most_clicked_papers(edition)
            ],
        }  # fmt: skip
        EditionTotals.objects.update_or_create(
            edition=edition,
            defaults={
                **count_figures([edition.pk])[edition.pk],
                "figures": figures,
                "counted_at": now,
                "pruned_at": now,
            },
        )
    return True


def delete_rows(edition: Edition, batch: int) -> tuple[int, int]:
    """The edition's events, then its deliveries, `batch` at a time."""
    deliveries = events = 0
    while True:
        with transaction.atomic():
            ids = list(EmailEvent.objects.filter(edition=edition).values_list("pk", flat=True)[:batch])
            if not ids:
                break
            events += EmailEvent.objects.filter(pk__in=ids).delete()[0]
    while True:
        with transaction.atomic():
            ids = list(Delivery.objects.filter(edition=edition).values_list("pk", flat=True)[:batch])
            if not ids:
                break
            deleted = Delivery.objects.filter(pk__in=ids).delete()[1]  # an event left without edition loses its link
            deliveries += deleted.get(Delivery._meta.label, 0)
    return deliveries, events


def delete_events_without_delivery(before: datetime.datetime, batch: int) -> int:
    """Events older than `before` that belong to no delivery (and so to no edition that delete_rows would reach)."""
    deleted = 0
    old = EmailEvent.objects.filter(edition__isnull=True, delivery__isnull=True, occurred_at__lt=before)
    while True:
        with transaction.atomic():
            ids = list(old.values_list("pk", flat=True)[:batch])
            if not ids:
                return deleted
            deleted += EmailEvent.objects.filter(pk__in=ids).delete()[0]


def clear_payloads(before: datetime.datetime, batch: int) -> int:
    """Raw webhook payloads of events older than `before` are emptied (the event's type, time and link stay).

    The events still holding a payload are read in time order through a partial index of their own
    (emailevent_payload_age_idx: only events whose payload is not yet emptied), each batch starting at the time the
    last one ended: a night's work follows the events that turned old since the last run, not every event kept."""
    cleared = 0
    since = None
    while True:
        rows = EmailEvent.objects.filter(occurred_at__lt=before).exclude(raw={})
        if since is not None:
            rows = rows.filter(occurred_at__gte=since)
        with transaction.atomic():
            page = list(rows.order_by("occurred_at").values_list("pk", "occurred_at")[:batch])
            if not page:
                return cleared
            cleared += EmailEvent.objects.filter(pk__in=[pk for pk, _ in page]).update(raw={})
        since = page[-1][1]
