"""Claim deliveries, render each variant once, send through django-anymail, record what the provider said.

Exactly-once rests on the Delivery row, not on the broker: a row is created (unique per edition and
subscriber) before anything is sent, claimed atomically (queued -> sending, with a lease), and marked
sent as soon as the provider accepts the message. A task delivered twice finds nothing left to claim.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta
from email.utils import make_msgid
from urllib.parse import quote

from anymail.exceptions import AnymailAPIError, AnymailError, AnymailRecipientsRefused
from anymail.message import AnymailMessage
from django.conf import settings
from django.core.mail import get_connection
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from subscribers.models import Subscriber
from subscribers.tokens import make_token

from .models import Delivery, Edition, SiteSettings
from .personalize import VariantKey, pick_papers, variant_key
from .rendering import RenderedVariant, render_variant
from .selectors import edition_entries

log = logging.getLogger(__name__)


class SendError(Exception):
    """An edition that cannot be sent now (why is in the message)."""


@dataclass
class SendReport:
    edition: str
    created: int = 0
    queued: int = 0
    already_sent: int = 0
    batches: int = 0
    by_variant: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        return (
            f"{self.edition}: {self.created} new deliveries, {self.queued} to send in {self.batches} batches, "
            f"{self.already_sent} already sent"
        )


@dataclass
class BatchOutcome:
    sent: int = 0
    failed: int = 0
    retry: list[int] = field(default_factory=list)
    retry_after: float | None = None


def recipients(edition: Edition):
    """Who gets this edition: active daily subscribers (unsubscribed and suppressed never)."""
    return Subscriber.objects.filter(status=Subscriber.Status.ACTIVE, frequency=Subscriber.Frequency.DAILY).exclude(
        paused_until__gt=timezone.now()  # paused in the preference centre
    )


def create_deliveries(edition: Edition) -> int:
    """One queued row per recipient that has none yet; returns how many were created."""
    existing = Delivery.objects.filter(edition=edition).values("subscriber_id")
    created = 0
    pending = recipients(edition).exclude(pk__in=existing).values_list("pk", flat=True).iterator(chunk_size=2000)
    batch: list[Delivery] = []
    for subscriber_id in pending:
        batch.append(Delivery(edition=edition, subscriber_id=subscriber_id))
        if len(batch) >= 2000:
            created += len(Delivery.objects.bulk_create(batch, ignore_conflicts=True))
            batch = []
    if batch:
        created += len(Delivery.objects.bulk_create(batch, ignore_conflicts=True))
    return created


def sendable_ids(edition: Edition) -> list[int]:
    now = timezone.now()
    return list(
        Delivery.objects.filter(edition=edition)
        .filter(Q(status=Delivery.Status.QUEUED) | Q(status=Delivery.Status.SENDING, lease_until__lt=now))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def send_edition(edition: Edition, *, dry_run: bool = False) -> SendReport:
    """Creates the missing deliveries and enqueues them in short batches once the rows are committed."""
    report = SendReport(edition=str(edition))
    if not edition_entries(edition):
        raise SendError(f"{edition} has no papers; nothing to send")
    check_may_send(edition)
    if dry_run:
        return _dry_run(edition, report)
    from . import tasks  # tasks are thin wrappers over this module

    with transaction.atomic():
        edition = Edition.objects.select_for_update().get(pk=edition.pk)
        report.created = create_deliveries(edition)
        ids = sendable_ids(edition)
        if ids and edition.status != Edition.Status.SENDING:
            edition.status = Edition.Status.SENDING
            edition.save(update_fields=["status"])
        batches = [ids[i : i + settings.SEND_BATCH_SIZE] for i in range(0, len(ids), settings.SEND_BATCH_SIZE)]
        report.queued, report.batches = len(ids), len(batches)
        report.already_sent = edition.deliveries.filter(status=Delivery.Status.SENT).count()
        for batch in batches:
            transaction.on_commit(lambda batch=batch: tasks.send_deliveries.delay(batch))
    if not ids:
        finish_edition_if_done(edition)
    log.info("edition enqueued edition=%s created=%s queued=%s", edition.date, report.created, report.queued)
    return report


def check_may_send(edition: Edition) -> None:
    """The approval gate and the kill switch, checked before anything is queued."""
    site = SiteSettings.current()
    if site.sending_paused:
        raise SendError("sending is paused (site settings kill switch); nothing was queued")
    if site.editions_need_approval and edition.status == Edition.Status.DRAFT:
        raise SendError(f"{edition} is waiting for an editor's approval; it will be sent once approved")


def _dry_run(edition: Edition, report: SendReport) -> SendReport:
    entries = edition_entries(edition)
    done = set(edition.deliveries.filter(status=Delivery.Status.SENT).values_list("subscriber_id", flat=True))
    for subscriber in recipients(edition).prefetch_related("topics").iterator(chunk_size=2000):
        if subscriber.pk in done:
            report.already_sent += 1
            continue
        picks = pick_papers(entries, frozenset(t.slug for t in subscriber.topics.all()), subscriber.max_papers)
        label = f"{subscriber.language}{' +en' if subscriber.bilingual else ''}, {len(picks)} papers"
        report.by_variant[label] = report.by_variant.get(label, 0) + 1
        report.queued += 1
    return report


def claim(delivery_ids: list[int]) -> list[Delivery]:
    """Atomically moves queued (or lease-expired) rows to sending; rows another worker holds are skipped."""
    now = timezone.now()
    with transaction.atomic():
        rows = list(
            Delivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("edition")
            .filter(pk__in=delivery_ids)
            .filter(Q(status=Delivery.Status.QUEUED) | Q(status=Delivery.Status.SENDING, lease_until__lt=now))
        )
        for row in rows:
            row.status = Delivery.Status.SENDING
            row.lease_until = now + timedelta(seconds=settings.DELIVERY_LEASE_SECONDS)
            row.attempts += 1
            row.message_id = row.message_id or make_msgid(domain=_mail_domain())
        Delivery.objects.bulk_update(rows, ["status", "lease_until", "attempts", "message_id"])
    return rows


def send_deliveries(delivery_ids: list[int]) -> BatchOutcome:
    outcome = BatchOutcome()
    rows = claim(delivery_ids)
    if not rows:
        return outcome
    subscribers = {
        s.pk: s for s in Subscriber.objects.filter(pk__in=[r.subscriber_id for r in rows]).prefetch_related("topics")
    }
    variants: dict[VariantKey, RenderedVariant] = {}
    entries_by_edition: dict[int, list] = {}
    connection = get_connection()
    with connection:
        for row in rows:
            subscriber = subscribers[row.subscriber_id]
            if subscriber.status != Subscriber.Status.ACTIVE:
                _finish(row, Delivery.Status.SKIPPED, error=f"subscriber is {subscriber.status}")
                continue
            if row.edition_id not in entries_by_edition:
                entries_by_edition[row.edition_id] = edition_entries(row.edition)
            entries = entries_by_edition[row.edition_id]
            picks = pick_papers(entries, frozenset(t.slug for t in subscriber.topics.all()), subscriber.max_papers)
            if not picks:
                _finish(row, Delivery.Status.SKIPPED, error="no papers in the subscriber's topics today")
                continue
            key = variant_key(row.edition_id, subscriber.language, subscriber.bilingual, picks)
            if key not in variants:
                variants[key] = render_variant(row.edition, subscriber.language, subscriber.bilingual, picks)
            variant = variants[key]
            row.language = subscriber.language  # kept on the row: results are counted per variant
            message = build_message(subscriber, row, variant, connection=connection)
            _send_one(row, message, variant, outcome)
    editions = {row.edition for row in rows}
    for edition in editions:
        finish_edition_if_done(edition)
    return outcome


def _send_one(row: Delivery, message: AnymailMessage, variant: RenderedVariant, outcome: BatchOutcome) -> None:
    try:
        message.send()
    except AnymailRecipientsRefused as error:
        outcome.failed += 1
        _finish(row, Delivery.Status.FAILED, error=f"recipient refused: {error}")
    except AnymailAPIError as error:
        if error.status_code is not None and 400 <= error.status_code < 500 and error.status_code not in (408, 429):
            outcome.failed += 1
            _finish(row, Delivery.Status.FAILED, error=f"provider rejected the message: {error}")
        else:
            _requeue(row, error, outcome)
    except (AnymailError, OSError) as error:
        _requeue(row, error, outcome)
    else:
        status = message.anymail_status
        recipient_status = next(iter(status.recipients.values()), None) if status.recipients else None
        if recipient_status is not None and recipient_status.status in ("rejected", "invalid"):
            outcome.failed += 1
            _finish(row, Delivery.Status.FAILED, error=f"provider status {recipient_status.status}")
            return
        outcome.sent += 1
        _finish(
            row,
            Delivery.Status.SENT,
            provider_message_id=str(status.message_id or ""),
            paper_count=variant.paper_count,
        )


def _requeue(row: Delivery, error: Exception, outcome: BatchOutcome) -> None:
    reason = f"{error.__class__.__name__}: {error}"[:1000]
    if row.attempts >= settings.DELIVERY_MAX_ATTEMPTS:
        outcome.failed += 1
        _finish(row, Delivery.Status.FAILED, error=f"gave up after {row.attempts} attempts: {reason}")
        return
    Delivery.objects.filter(pk=row.pk, status=Delivery.Status.SENDING).update(
        status=Delivery.Status.QUEUED, lease_until=None, last_error=reason
    )
    outcome.retry.append(row.pk)
    retry_after = _retry_after_seconds(error)
    if retry_after is not None:
        outcome.retry_after = max(outcome.retry_after or 0.0, retry_after)
    log.warning("delivery will be retried delivery=%s attempts=%s reason=%s", row.pk, row.attempts, reason)


def _retry_after_seconds(error: Exception) -> float | None:
    """The provider's Retry-After (seconds form), when the error carries its HTTP response."""
    response = getattr(error, "response", None)
    value = getattr(response, "headers", {}).get("Retry-After") if response is not None else None
    try:
        return min(float(value), 600.0) if value is not None else None
    except ValueError:
        return None


def _finish(
    row: Delivery, status: str, *, error: str = "", provider_message_id: str = "", paper_count: int = 0
) -> None:
    fields = {"status": status, "lease_until": None, "last_error": error}
    if status == Delivery.Status.SENT:
        fields.update(sent_at=timezone.now(), provider_message_id=provider_message_id, paper_count=paper_count)
        fields["language"] = row.language
    Delivery.objects.filter(pk=row.pk, status=Delivery.Status.SENDING).update(**fields)


def finish_edition_if_done(edition: Edition) -> None:
    open_rows = edition.deliveries.filter(status__in=[Delivery.Status.QUEUED, Delivery.Status.SENDING])
    if not open_rows.exists():
        Edition.objects.filter(pk=edition.pk, status=Edition.Status.SENDING).update(
            status=Edition.Status.SENT, sent_at=timezone.now()
        )


def subscriber_links(subscriber: Subscriber, edition: Edition) -> dict[str, str]:
    site = settings.SITE_URL
    return {
        "MANAGE_URL": site + reverse("subscribers:manage", args=[make_token(subscriber, "manage")]),
        "UNSUBSCRIBE_URL": site + reverse("subscribers:unsubscribe", args=[make_token(subscriber, "unsubscribe")]),
        "FEEDBACK_URL": f"{site}/feedback/{make_token(subscriber, 'feedback')}",  # + /<arxiv id>/up/ or /down/
        "ARCHIVE_URL": site
        + reverse("digest:archive_edition", args=[edition.date.isoformat()])
        + f"?lang={subscriber.language}",
    }


def build_message(
    subscriber: Subscriber, delivery: Delivery, variant: RenderedVariant, *, connection=None
) -> AnymailMessage:
    links = subscriber_links(subscriber, delivery.edition)
    html, text = variant.personalize(links)
    token = links["UNSUBSCRIBE_URL"].rstrip("/").rsplit("/", 1)[-1]
    mailto = f"mailto:{settings.UNSUBSCRIBE_MAILTO}?subject={quote('unsubscribe ' + token)}"
    message = AnymailMessage(
        subject=variant.subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[subscriber.email],
        headers={
            "List-Unsubscribe": f"<{links['UNSUBSCRIBE_URL']}>, <{mailto}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "List-Id": settings.LIST_ID,
            "Message-ID": delivery.message_id or make_msgid(domain=_mail_domain()),
        },
        metadata={"delivery": str(delivery.pk), "edition": delivery.edition.date.isoformat()},
        tags=["digest"],
        connection=connection,
    )
    message.attach_alternative(html, "text/html")
    return message


def _mail_domain() -> str:
    return settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(" >")
