"""The reader's "forget what you learned" button, and whether there is anything learned to forget.

Training itself is digest.personalization.training (nightly, in bulk); this module only writes the reset that
training respects.
"""

from __future__ import annotations

import logging

from django.utils import timezone

from subscribers.models import ReaderModel, Subscriber

log = logging.getLogger(__name__)


def reset_learning(subscriber: Subscriber) -> None:
    """Forgets what the votes so far taught: the email goes back to topics, follows and upvotes until new votes
    are learned from. The votes stay (editors count them)."""
    ReaderModel.objects.update_or_create(
        subscriber=subscriber,
        defaults={"weights": b"", "intercept": 0.0, "votes": 0, "trained_at": None, "reset_at": timezone.now()},
    )
    log.info("learning reset subscriber=%s", subscriber.pk)


def has_learned(subscriber: Subscriber) -> bool:
    return ReaderModel.objects.filter(subscriber=subscriber, trained_at__isnull=False).exists()
