"""Celery tasks: thin wrappers over the services, passing plain values (dates as ISO strings)."""

from __future__ import annotations

import logging
import time
from datetime import date

from celery import chain, shared_task
from django import db
from django.conf import settings
from django.db import InterfaceError, OperationalError

from digest import daily
from digest.delivery import fanout, sending
from digest.editions import editor_translations
from digest.setup_checks import beat_ticked

log = logging.getLogger(__name__)
EAGER_RETRY_ROUNDS = 5
# The database away (a restart, a failover): a task that only builds or queues (idempotent by the edition's draft and
# the Delivery rows) is tried again with backoff (1, 2, 4 ... s, at most 5 minutes apart) instead of failing for good.
DATABASE_AWAY = {"autoretry_for": (OperationalError, InterfaceError), "retry_backoff": True,
                 "retry_backoff_max": 300, "max_retries": 8}  # fmt: skip


@shared_task
def fetch_papers(source_slug: str | None = None) -> str | None:
    """Returns the edition date to build next (ISO), or None when nothing new was announced."""
    report = daily.fetch_enabled_sources(source_slug)
    for error in report.errors:
        log.error("fetch error: %s", error)
    next_date = daily.edition_date_to_build()
    return next_date.isoformat() if next_date else None


@shared_task
def translate_papers(edition_date: str | None) -> str | None:
    if edition_date:
        daily.translate_day(date.fromisoformat(edition_date))
    return edition_date


@shared_task
def retranslate_paper(paper_id: int) -> bool:
    """An editor's re-translation (queued by editor_translations.request_retranslation); True when stored."""
    return editor_translations.run_requested_retranslation(paper_id) is not None


@shared_task(**DATABASE_AWAY)
def build_and_send(edition_date: str | None) -> dict | None:
    if not edition_date:
        log.info("nothing new to send")
        return None
    report = daily.build_and_send(date.fromisoformat(edition_date))
    return {"queued": report.queued, "batches": report.batches} if report else None


@shared_task(bind=True, acks_late=True, max_retries=8)
def send_deliveries(self, delivery_ids: list[int], after_database_error: bool = False) -> dict:
    try:
        outcome = sending.send_deliveries(delivery_ids)
    except (OperationalError, InterfaceError) as error:
        # The database went away mid-batch (a restart, a failover): this process's connections are dropped and
        # the batch tried again shortly, instead of its rows waiting for the sweeper.
        if self.request.is_eager:
            raise
        db.connections.close_all()
        log.warning("database unavailable; batch retried count=%s reason=%s", len(delivery_ids), error)
        raise self.retry(kwargs={"after_database_error": True}, countdown=_backoff(self), exc=error) from error
    if after_database_error and not outcome.retry:
        # What the lost attempt had claimed is in doubt: taken again (and looked up) once its lease runs out.
        leased, wait = sending.still_leased(delivery_ids)
        if leased and self.request.retries < self.max_retries:
            raise self.retry(args=[leased], kwargs={"after_database_error": True}, countdown=wait + 1)
    sent, failed = outcome.sent, outcome.failed
    if outcome.retry and self.request.is_eager:
        # In-process runs (no broker) have nobody to retry later, so go round here, a few times: rows
        # still failing stay queued, and the next run (or `retry_deliveries`) sends them.
        for round_number in range(EAGER_RETRY_ROUNDS):
            time.sleep(min(outcome.retry_after or 0.5 * 2**round_number, 5.0))
            outcome = sending.send_deliveries(outcome.retry)
            sent, failed = sent + outcome.sent, failed + outcome.failed
            if not outcome.retry:
                break
    elif outcome.retry and self.request.retries >= self.max_retries:
        # The rows stay queued: the resume_stalled sweeper re-enqueues them every few minutes until the
        # provider is back or DELIVERY_RETRY_HOURS runs out. No error: nothing is lost.
        log.warning("deliveries left to the sweeper count=%s", len(outcome.retry))
    elif outcome.retry:
        # Only the transient failures go round again; the rows themselves guard against doubles.
        raise self.retry(args=[outcome.retry], countdown=outcome.retry_after or _backoff(self))
    return {"sent": sent, "failed": failed}


def _backoff(task) -> float:
    return min(300, settings.SEND_RETRY_BASE_SECONDS * 2**task.request.retries)


@shared_task
def run_daily() -> None:
    """fetch -> translate -> build -> send, each a task of its own on the workers."""
    chain(fetch_papers.si(), *after_fetch()).delay()


def after_fetch(*edition_date: str | None) -> list:
    """The day's steps after the fetch as chained task signatures. Given the date (the run_daily command fetches
    in its own process, to say whether the fetch worked), the first step takes it instead of the fetch's result."""
    first = translate_papers.si(*edition_date) if edition_date else translate_papers.s()
    return [first, build_and_send.s()]


@shared_task
def send_due() -> int:
    return sum(report.queued for report in fanout.send_due())


@shared_task
def resume_stalled() -> int:
    """Beat's most frequent task: also the tick check_setup reads to know beat is running."""
    beat_ticked()
    return fanout.resume_stalled()


@shared_task(**DATABASE_AWAY)
def send_edition(edition_date: str) -> dict:
    """Sends an edition to everyone (the operator's `send_edition`, or a benchmark) on the workers."""
    from digest.models import Edition

    edition = Edition.objects.get(date=date.fromisoformat(edition_date), kind=Edition.Kind.DAILY)
    report = fanout.send_edition(edition)
    return {"queued": report.queued, "batches": report.batches}


@shared_task(**DATABASE_AWAY)
def build_weekly() -> str | None:
    """Mondays: the week's top papers for weekly readers."""
    from django.utils import timezone

    edition = daily.build_and_send_weekly(timezone.localdate())
    return edition.date.isoformat() if edition else None


@shared_task
def forget_lost_retranslations() -> int:
    return editor_translations.forget_lost_retranslations()


@shared_task
def prune_history() -> dict[str, int]:
    """Nightly: deliveries and events past DELIVERY_RETENTION_DAYS summarized then deleted in batches, old raw
    webhook payloads emptied (digest.delivery.retention)."""
    from dataclasses import asdict

    from digest.delivery.retention import prune_history as prune

    return asdict(prune())


@shared_task
def retrain_readers() -> dict[str, int]:
    """Nightly, an hour before the daily run: every voter's relevance model in one bulk pass (never per request)."""
    from digest.personalization.training import retrain_readers as retrain

    report = retrain()
    return {"readers": report.readers, "trained": report.trained, "cold": report.cold}
