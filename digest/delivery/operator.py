"""What an operator does to an edition's sending: look at it, and send the failed deliveries again."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Count

from digest.delivery.fanout import batches_by_variant, enqueue
from digest.editions.lifecycle import mark_sending
from digest.models import Delivery, Edition
from subscribers.models import Subscriber


def retry_failed(edition: Edition) -> int:
    """Puts an edition's failed deliveries back in the queue (operator's decision) and enqueues them."""
    with transaction.atomic():
        failed = Delivery.objects.filter(edition=edition, status=Delivery.Status.FAILED)
        count = failed.update(status=Delivery.Status.QUEUED, attempts=0, lease_until=None)
        if count:
            mark_sending(edition)
            enqueue(batches_by_variant(Delivery.objects.filter(edition=edition, status=Delivery.Status.QUEUED)))
    return count


def sending_status(edition: Edition) -> dict[str, int]:
    """Deliveries per status, and suppressed recipients, for the operator's view of an edition."""
    counts = dict(edition.deliveries.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    status = {s: counts.get(s, 0) for s in Delivery.Status.values}
    status["suppressed"] = edition.deliveries.filter(subscriber__status=Subscriber.Status.SUPPRESSED).count()
    return status
