"""A reader's status has one owner: this module. Every change of Subscriber.status goes through here.

Sign-up, the one-click links, the provider's tracking events, the admin's actions and the CSV import all
move a reader between pending, active, unsubscribed and suppressed; with one owner the rules hold whichever
door the change came in by:

- only the reader makes themself active: a confirmation of a pending sign-up, or a signed link of their own
  after an unsubscribe (resubscribe, preference centre, a re-opt-in confirmation);
- an unsubscribe stands against a stranger's sign-up and a CSV import;
- a suppression (bounce, complaint) stands against everything but an admin lifting it.
"""

from __future__ import annotations

import logging

from django.db.models import F
from django.utils import timezone

from subscribers.models import Subscriber

log = logging.getLogger(__name__)
Status = Subscriber.Status


def mark_pending(subscriber: Subscriber) -> bool:
    """A sign-up waiting for its confirmation: only a new or still pending reader (never an active,
    unsubscribed or suppressed one). The caller saves the row."""
    if subscriber.pk is not None and subscriber.status != Status.PENDING:
        return False
    subscriber.status = Status.PENDING
    return True


def confirm(subscriber: Subscriber) -> bool:
    """The reader proved the mailbox for a pending sign-up (double opt-in): active. Nothing else changes:
    an old confirm link must not undo an unsubscribe or a suppression. Returns whether it changed."""
    if subscriber.status != Status.PENDING:
        return False
    _activate_opted_in(subscriber)
    return True


def reactivate(subscriber: Subscriber) -> bool:
    """An unsubscribed reader opts in again with a signed link sent to their own mailbox after the unsubscribe
    (resubscribe, the preference centre, a re-opt-in confirmation). A suppression stands."""
    if subscriber.status != Status.UNSUBSCRIBED:
        return False
    _activate_opted_in(subscriber)
    log.info("reactivated subscriber=%s", subscriber.pk)
    return True


def _activate_opted_in(subscriber: Subscriber) -> None:
    """The reader's own opt-in (a confirmation or a re-opt-in) counts as a fresh confirmation."""
    subscriber.status = Status.ACTIVE
    subscriber.confirmed_at = timezone.now()
    subscriber.unsubscribed_at = None
    subscriber.save(update_fields=["status", "confirmed_at", "unsubscribed_at"])


def activate_imported(subscriber: Subscriber) -> bool:
    """A CSV import vouches for consent: a new or pending reader becomes active. Whoever unsubscribed or was
    suppressed stays so (the caller reports the row). The caller saves the row."""
    if subscriber.pk is not None and subscriber.status not in (Status.PENDING, Status.ACTIVE):
        return False
    if subscriber.status != Status.ACTIVE or subscriber.confirmed_at is None:
        subscriber.confirmed_at = timezone.now()
    subscriber.status = Status.ACTIVE
    return True


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
    """Never mail this address again (hard bounce, complaint, an admin's decision) until an admin lifts it."""
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
