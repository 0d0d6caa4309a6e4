"""Thin Celery tasks for the subscribers app (queued by name through digest.jobs)."""

from __future__ import annotations

import logging
import smtplib

from anymail.exceptions import AnymailError
from celery import shared_task

from subscribers import subscription
from subscribers.models import Subscriber

log = logging.getLogger(__name__)

#: What a mail backend raises when the provider is down or refuses for now.
MAIL_ERRORS = (AnymailError, smtplib.SMTPException, OSError)
CONFIRMATION_MAX_RETRIES = 8


@shared_task(bind=True, acks_late=True, max_retries=CONFIRMATION_MAX_RETRIES)
def send_confirmation(self, subscriber_id: int, extra: dict | None = None) -> bool:
    """Mails one confirmation; a provider failure is retried with backoff (1, 2, 4 … 60 minutes), an address no
    mail can go to is not retried at all. In-process
    runs (no broker) have no queue to retry from: the failure is logged and the reader can sign up again."""
    subscriber = Subscriber.objects.filter(pk=subscriber_id).first()
    if subscriber is None:
        if self.request.is_eager or self.request.retries >= self.max_retries:
            return False
        raise self.retry(countdown=30)  # queued before the sign-up's row was visible to this worker
    try:
        return subscription.send_confirmation(subscriber, extra)
    except subscription.UndeliverableAddress:
        # A permanent failure: no retry can make the address deliverable.
        log.error("confirmation not sent subscriber=%s error=undeliverable address", subscriber_id)
        return False
    except MAIL_ERRORS as error:
        if self.request.is_eager or self.request.retries >= self.max_retries:
            log.error("confirmation not sent subscriber=%s error=%s: %s", subscriber_id, type(error).__name__, error)
            return False
        log.warning("confirmation failed, will retry subscriber=%s error=%s", subscriber_id, type(error).__name__)
        raise self.retry(exc=error, countdown=min(60 * 2**self.request.retries, 3600)) from None


@shared_task(acks_late=True)
def import_subscribers(import_id: int) -> str | None:
    """Runs one uploaded CSV import (subscribers.importing.run_import); the row holds the report."""
    from subscribers.importing import run_import

    job = run_import(import_id)
    return job.status if job else None
