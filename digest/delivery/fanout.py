"""From an edition to queued deliveries and short batch tasks.

Rows first, tasks after commit: a Delivery row (unique per edition and subscriber) exists before any task
can see it, and batches are ordered by variant so that a worker renders each variant about once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection as db_connection
from django.db import transaction
from django.db.models import Aggregate, CharField, OuterRef, Q, Subquery
from django.utils import timezone

from digest import jobs
from digest.editions.lifecycle import finish_sending, mark_sending
from digest.editions.selectors import edition_entries
from digest.models import Delivery, Edition, EditionTotals, SiteSettings
from digest.personalization.interests import Interests
from digest.personalization.picking import Reader, pick_papers
from subscribers.interests import InvalidInterest
from subscribers.models import Subscriber

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


def recipients(edition: Edition):
    """Who gets this edition: active subscribers of its frequency (unsubscribed and suppressed never)."""
    frequency = Subscriber.Frequency.WEEKLY if edition.kind == Edition.Kind.WEEKLY else Subscriber.Frequency.DAILY
    return Subscriber.objects.filter(status=Subscriber.Status.ACTIVE, frequency=frequency).exclude(
        paused_until__gt=timezone.now()  # paused in the preference centre
    )


def check_may_send(edition: Edition) -> None:
    """The approval gate and the kill switch, checked before anything is queued."""
    site = SiteSettings.current()
    if site.sending_paused:
        raise SendError("sending is paused (site settings kill switch); nothing was queued")
    if site.editions_need_approval and edition.status == Edition.Status.DRAFT:
        raise SendError(f"{edition} is waiting for an editor's approval; it will be sent once approved")


def create_deliveries(edition: Edition, subscriber_ids=None) -> int:
    """One queued row per recipient that has none yet; returns how many were created.

    One INSERT … SELECT in the database (ON CONFLICT DO NOTHING keeps it safe against a concurrent run):
    for 100k readers, building model instances for bulk_create took longer than sending to many of them.
    """
    if EditionTotals.objects.filter(edition=edition, pruned_at__isnull=False).exists():
        # Its rows were deleted (digest.delivery.retention): nothing tells who already got it any more.
        raise SendError(f"{edition} is past the retention period and its deliveries were deleted; it is not sent again")
    pending = recipients(edition).exclude(pk__in=Delivery.objects.filter(edition=edition).values("subscriber_id"))
    if subscriber_ids is not None:
        pending = pending.filter(pk__in=subscriber_ids)
    select_sql, params = pending.values("pk").query.sql_with_params()
    # select_sql is the ORM's own SQL for `pending`, with its values kept apart in params.
    insert = (
        "INSERT INTO digest_delivery (edition_id, subscriber_id, status, language, paper_count, message_id, "  # noqa: S608
        "provider_message_id, attempts, last_error, created_at) "
        "SELECT %s, s.id, 'queued', '', 0, '', '', 0, '', %s FROM subscribers_subscriber AS s "
        f"WHERE s.id IN ({select_sql}) ON CONFLICT DO NOTHING"
    )
    with transaction.atomic(), db_connection.cursor() as cursor:
        cursor.execute(insert, [edition.pk, timezone.now(), *params])
        return cursor.rowcount


def sendable(edition: Edition, *, stalled_only: bool = False):
    """Rows that may be (re)sent: queued, or claimed by a worker whose lease ran out (it died)."""
    now = timezone.now()
    queued = Q(status=Delivery.Status.QUEUED)
    if stalled_only:
        queued &= Q(created_at__lt=now - timedelta(seconds=settings.DELIVERY_LEASE_SECONDS))
    return Delivery.objects.filter(edition=edition).filter(
        queued | Q(status=Delivery.Status.SENDING, lease_until__lt=now)
    )


class TopicSignature(Aggregate):
    """A subscriber's topic ids joined in order ("3,7,9"), so the database can sort readers of one topic
    set together. Written out because Django 5.2 has a portable string aggregate only for PostgreSQL."""

    function = "STRING_AGG"
    template = "%(function)s(CAST(%(expressions)s AS TEXT), ',' ORDER BY %(expressions)s)"
    output_field = CharField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler, connection, function="GROUP_CONCAT", template="%(function)s(%(expressions)s, ',')",
            **extra_context,
        )  # fmt: skip


def batches_by_variant(rows) -> list[list[int]]:
    """Delivery ids in batches of SEND_BATCH_SIZE, ordered so that readers of one variant (language,
    bilingual, size, topic set) sit together: a task then renders one variant, and a provider that batches
    (digest/delivery/providers/batching.py) gets one request per task. Sorted by the database and streamed, so memory
    grows only with the ids."""
    size = settings.SEND_BATCH_SIZE
    through = Subscriber.topics.through.objects.filter(subscriber_id=OuterRef("subscriber_id"))
    topic_sets = through.order_by().values("subscriber_id").annotate(signature=TopicSignature("topic_id"))
    ordered = (
        rows.annotate(topic_set=Subquery(topic_sets.values("signature")))
        .order_by(
            "subscriber__language", "subscriber__bilingual", "subscriber__max_papers", "topic_set", "subscriber_id"
        )
        .values_list("pk", flat=True)
    )
    batches, batch = [], []
    for pk in ordered.iterator(chunk_size=10000):
        batch.append(pk)
        if len(batch) >= size:
            batches.append(batch)
            batch = []
    if batch:
        batches.append(batch)
    return batches


def enqueue(batches: list[list[int]]) -> None:
    for batch in batches:
        jobs.enqueue_on_commit(jobs.SEND_DELIVERIES, batch)


def send_edition(edition: Edition, *, dry_run: bool = False, subscriber_ids=None) -> SendReport:
    """Creates the missing deliveries (all recipients, or those given) and enqueues them in short batches
    once the rows are committed."""
    report = SendReport(edition=str(edition))
    if not edition_entries(edition):
        raise SendError(f"{edition} has no papers; nothing to send")
    check_may_send(edition)
    if dry_run:
        return _dry_run(edition, report)
    with transaction.atomic():
        edition = Edition.objects.select_for_update().get(pk=edition.pk)
        report.created = create_deliveries(edition, subscriber_ids)
        batches = batches_by_variant(sendable(edition))
        report.queued, report.batches = sum(map(len, batches)), len(batches)
        if batches:
            mark_sending(edition)
        report.already_sent = edition.deliveries.filter(status=Delivery.Status.SENT).count()
        enqueue(batches)
    if not batches:
        finish_edition_if_done(edition)
    log.info("edition enqueued edition=%s created=%s queued=%s", edition.date, report.created, report.queued)
    return report


def _dry_run(edition: Edition, report: SendReport) -> SendReport:
    entries = edition_entries(edition)
    done = set(edition.deliveries.filter(status=Delivery.Status.SENT).values_list("subscriber_id", flat=True))
    for subscriber in recipients(edition).prefetch_related("topics").iterator(chunk_size=2000):
        if subscriber.pk in done:
            report.already_sent += 1
            continue
        try:
            reader = Reader(
                frozenset(t.slug for t in subscriber.topics.all()),
                subscriber.max_papers,
                Interests.from_json(subscriber.follows),
                Interests.from_json(subscriber.mutes),
            )  # the learned model is left out: a dry run counts variants, it does not rank
        except InvalidInterest:  # the send fails this one reader with the reason
            label = "unreadable follows or mutes"
            report.by_variant[label] = report.by_variant.get(label, 0) + 1
            report.queued += 1
            continue
        picks = pick_papers(entries, reader.topic_slugs, reader.max_papers, reader=reader)
        label = f"{subscriber.language}{' +en' if subscriber.bilingual else ''}, {len(picks)} papers"
        report.by_variant[label] = report.by_variant.get(label, 0) + 1
        report.queued += 1
    return report


def due_subscriber_ids(edition: Edition, now: datetime) -> list[int]:
    """Recipients whose local clock has reached their delivery hour on (or after) the edition's date."""
    due = []
    rows = recipients(edition).values_list("pk", "time_zone", "delivery_hour")
    for subscriber_id, time_zone, hour in rows.iterator(chunk_size=5000):
        try:
            local = now.astimezone(ZoneInfo(time_zone))
        except (KeyError, ValueError):
            local = now.astimezone(ZoneInfo(settings.TIME_ZONE))
        if local.date() > edition.date or (local.date() == edition.date and local.hour >= hour):
            due.append(subscriber_id)
    return due


def send_due(now: datetime | None = None) -> list[SendReport]:
    """Every 15 minutes: the newest editions go to the readers whose local morning has come.

    Idempotent by the Delivery rows, so a DST change or a late beat never mails anyone twice.
    """
    now = now or timezone.now()
    reports = []
    newest = []
    for kind, days in ((Edition.Kind.DAILY, 2), (Edition.Kind.WEEKLY, 7)):
        edition = Edition.objects.filter(kind=kind, date__gte=(now - timedelta(days=days)).date()).first()
        if edition is not None:
            newest.append(edition)
    for edition in newest:
        due = due_subscriber_ids(edition, now)
        if not due:
            continue
        try:
            reports.append(send_edition(edition, subscriber_ids=due))
        except SendError as error:
            log.warning("scheduled send waits edition=%s reason=%s", edition.date, error)
    return reports


def send_scheduled(edition: Edition) -> SendReport:
    """The unattended send of a ready edition (the daily run, an approval): to everyone now, or with
    SEND_AT_LOCAL_HOUR to the readers whose local hour has come, the 15-minute beat taking the rest."""
    if not settings.SEND_AT_LOCAL_HOUR:
        return send_edition(edition)
    reports = send_due()
    return next((r for r in reports if r.edition == str(edition)), SendReport(edition=str(edition)))


def resume_stalled() -> int:
    """Re-enqueues rows a dead worker or a lost broker message left behind; returns how many."""
    if SiteSettings.current().sending_paused:
        return 0
    total = 0
    for edition in Edition.objects.filter(status=Edition.Status.SENDING):
        with transaction.atomic():
            batches = batches_by_variant(sendable(edition, stalled_only=True))
            enqueue(batches)
        total += sum(map(len, batches))
        if not batches:
            finish_edition_if_done(edition)
    if total:
        log.warning("re-enqueued stalled deliveries count=%s", total)
    return total


def finish_edition_if_done(edition: Edition) -> None:
    open_rows = edition.deliveries.filter(status__in=[Delivery.Status.QUEUED, Delivery.Status.SENDING])
    if not open_rows.exists():
        finish_sending(edition)
