"""Recording what each send came to, in few transactions: the hot path's database side.

A status is written right after the provider accepts (or refuses) a message. Sent rows are written in one
statement per flush (one statement per message through Django's query builder cost more than the send
itself); transient failures go back to queued for a retry until DELIVERY_RETRY_HOURS or
DELIVERY_MAX_ATTEMPTS, then fail with the reason.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import connection as db_connection
from django.db import transaction
from django.utils import timezone

from digest.delivery.providers.outcomes import SendResult
from digest.models import Delivery

log = logging.getLogger(__name__)


@dataclass
class BatchOutcome:
    sent: int = 0
    failed: int = 0
    retry: list[int] = field(default_factory=list)
    retry_after: float | None = None



class Recorder:
    """Writes results in small transactions: one commit per RECORD_EVERY messages (or half a second)
    instead of one per message. A worker killed before a flush leaves those rows "sending"; they are in
    doubt and reconciled (see module docstring) rather than blindly sent again."""

    RECORD_EVERY = 25

    def __init__(self, outcome: BatchOutcome) -> None:
        self.outcome = outcome
        self.pending: list[SendResult] = []
        self.last_flush = time.monotonic()

    def add(self, result: SendResult) -> None:
        self.add_many([result])

    def add_many(self, results: list[SendResult]) -> None:
        """A batch request's results arrive together and are recorded together, in one statement."""
        self.pending.extend(results)
        if len(self.pending) >= self.RECORD_EVERY or time.monotonic() - self.last_flush > 0.5:
            self.flush()

    def flush(self) -> None:
        if self.pending:
            with transaction.atomic():
                if db_connection.vendor == "postgresql":
                    # A status lost to a database crash leaves the row "sending", which the sweeper and the
                    # in-doubt check already handle; so no need to wait for the disk on every flush.
                    with db_connection.cursor() as cursor:
                        cursor.execute("SET LOCAL synchronous_commit TO OFF")
                _record_all(self.pending, self.outcome)
        self.pending = []
        self.last_flush = time.monotonic()


_SET_SENT = (
    "UPDATE digest_delivery SET status = 'sent', lease_until = NULL, last_error = '', message_id = %s, "
    "sent_at = %s, provider_message_id = %s, paper_count = %s, language = %s, bilingual = %s "
    "WHERE id = %s AND status = 'sending'"
)
_SET_SENT_PG = (
    "UPDATE digest_delivery AS d SET status = 'sent', lease_until = NULL, last_error = '', message_id = v.mid, "
    "sent_at = %s, provider_message_id = v.pid, paper_count = v.papers::int, language = v.lang, "
    "bilingual = v.bilingual::boolean "
    "FROM (VALUES {rows}) AS v(id, mid, pid, papers, lang, bilingual) "
    "WHERE d.id = v.id::bigint AND d.status = 'sending'"
)


def _record_all(results: list[SendResult], outcome: BatchOutcome) -> None:
    """Records a run of results; sent rows in one statement (the hot path: one statement per message
    through Django's query builder cost more than the send itself)."""
    sent = [r for r in results if r.status == Delivery.Status.SENT]
    if sent:
        now = timezone.now()
        rows = [
            (r.row.pk, r.row.message_id, r.provider_message_id[:300], r.paper_count, r.row.language,
             r.row.bilingual)
            for r in sent
        ]  # fmt: skip
        with db_connection.cursor() as cursor:
            if db_connection.vendor == "postgresql":
                placeholders = ", ".join(["(%s, %s, %s, %s, %s, %s)"] * len(rows))
                cursor.execute(_SET_SENT_PG.format(rows=placeholders), [now, *(v for row in rows for v in row)])
            else:
                cursor.executemany(
                    _SET_SENT,
                    [(mid, now, pid, papers, lang, bilingual, pk) for pk, mid, pid, papers, lang, bilingual in rows],
                )
        outcome.sent += len(sent)
    for result in results:
        if result.status != Delivery.Status.SENT:
            record(result, outcome)


def record_skipped(skipped: list[tuple[Delivery, str]]) -> None:
    """Rows settled without sending (the reader left, or has no paper in this edition): one statement per
    reason rather than one per row, since a topic no paper matched can skip thousands of readers at once."""
    by_reason: dict[str, list[int]] = {}
    for row, reason in skipped:
        by_reason.setdefault(reason, []).append(row.pk)
    for reason, ids in by_reason.items():
        Delivery.objects.filter(pk__in=ids, status=Delivery.Status.SENDING).update(
            status=Delivery.Status.SKIPPED, lease_until=None, last_error=reason
        )


def _give_up_reason(row: Delivery) -> str:
    """Why a transient failure is now final ("" while the delivery may still be retried)."""
    if row.attempts >= settings.DELIVERY_MAX_ATTEMPTS:
        return f"gave up after {row.attempts} attempts"
    if row.created_at < timezone.now() - timedelta(hours=settings.DELIVERY_RETRY_HOURS):
        return f"gave up after {settings.DELIVERY_RETRY_HOURS:g} hours and {row.attempts} attempts"
    return ""


def record(result: SendResult, outcome: BatchOutcome) -> None:
    row = result.row
    if result.status == Delivery.Status.QUEUED:
        if give_up := _give_up_reason(row):
            result = SendResult(row, Delivery.Status.FAILED, error=f"{give_up}: {result.error}")
        else:
            Delivery.objects.filter(pk=row.pk, status=Delivery.Status.SENDING).update(
                status=Delivery.Status.QUEUED, lease_until=None, last_error=result.error
            )
            outcome.retry.append(row.pk)
            if result.retry_after is not None:
                outcome.retry_after = max(outcome.retry_after or 0.0, result.retry_after)
            log.warning(
                "delivery will be retried delivery=%s attempts=%s reason=%s", row.pk, row.attempts, result.error
            )
            return
    fields = {"status": result.status, "lease_until": None, "last_error": result.error, "message_id": row.message_id}
    if result.status == Delivery.Status.SENT:
        outcome.sent += 1
        fields.update(
            sent_at=timezone.now(),
            provider_message_id=result.provider_message_id,
            paper_count=result.paper_count,
            language=row.language,
            bilingual=row.bilingual,
        )
    elif result.status == Delivery.Status.FAILED:
        outcome.failed += 1
    Delivery.objects.filter(pk=row.pk, status=Delivery.Status.SENDING).update(**fields)
