"""A reader's status has one owner: this module. Every change of Subscriber.status goes through here.

Sign-up, the one-click links, the provider's tracking events, the admin's actions and the CSV import all
move a reader between pending, active, unsubscribed and suppressed; with one owner the rules (who may
reactivate a suppressed address, what an unsubscribe clears) hold whichever door the change came in by.
"""

from __future__ import annotations

import logging

from django.db.models import F
from django.utils import timezone

from subscribers.models import Subscriber

log = logging.getLogger(__name__)
Status = Subscriber.Status


def confirm(subscriber: Subscriber) -> None:
    """The reader proved the mailbox (double opt-in, or a signed resubscribe link): active."""
    if subscriber.status in (Status.PENDING, Status.UNSUBSCRIBED):
        subscriber.status = Status.ACTIVE
        subscriber.confirmed_at = timezone.now()
        subscriber.unsubscribed_at = None
        subscriber.save(update_fields=["status", "confirmed_at", "unsubscribed_at"])


def unsubscribe(subscriber: Subscriber) -> None:
    """The reader asked to stop (our link, a mailto reply): unsubscribed, whatever they were."""
    if subscriber.status != Status.UNSUBSCRIBED:
        subscriber.status = Status.UNSUBSCRIBED
        subscriber.unsubscribed_at = timezone.now()
        subscriber.save(update_fields=["status", "unsubscribed_at"])
        log.info("unsubscribed subscriber=%s", subscriber.pk)


def unsubscribe_reported_by_provider(subscriber: Subscriber) -> None:
    """The provider's own unsubscribe link was used: only an active reader changes (a suppression stands)."""
    updated = Subscriber.objects.filter(pk=subscriber.pk, status=Status.ACTIVE).update(
        status=Status.UNSUBSCRIBED, unsubscribed_at=timezone.now()
    )
    if updated:
        log.info("unsubscribed by the provider subscriber=%s", subscriber.pk)


def suppress(subscriber: Subscriber, reason: str) -> None:
    """Never mail this address again (hard bounce, complaint, an admin's decision) until it opts in again."""
    Subscriber.objects.filter(pk=subscriber.pk).update(status=Status.SUPPRESSED, suppressed_reason=reason[:300])
    subscriber.status, subscriber.suppressed_reason = Status.SUPPRESSED, reason[:300]
    log.warning("suppressed subscriber=%s reason=%s", subscriber.pk, reason)


def count_soft_bounce(subscriber: Subscriber) -> int:
    """One more soft bounce; returns the reader's count so far."""
    Subscriber.objects.filter(pk=subscriber.pk).update(soft_bounces=F("soft_bounces") + 1)
    subscriber.refresh_from_db(fields=["soft_bounces"])
    return subscriber.soft_bounces


def unsuppress(subscriber: Subscriber) -> bool:
    """An admin lifts a suppression (the address works again): active, bounce count reset."""
    if subscriber.status != Status.SUPPRESSED:
        return False
    subscriber.status = Status.ACTIVE
    subscriber.suppressed_reason = ""
    subscriber.soft_bounces = 0
    subscriber.save(update_fields=["status", "suppressed_reason", "soft_bounces"])
    return True
