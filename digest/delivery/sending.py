"""Worker side of sending: claim a batch of deliveries, render each variant once, send through
django-anymail, record what the provider said.

Exactly-once rests on the Delivery row, not on the broker: a row is claimed atomically (queued -> sending,
with a lease) and marked sent as soon as the provider accepts the message, so a task delivered twice
finds nothing left to claim. A row whose lease ran out while "sending" is in doubt (its worker died
mid-send): before sending it again we ask the backend whether it already has that Message-ID.
"""

from __future__ import annotations

import logging
import threading
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from anymail.exceptions import AnymailError
from anymail.message import AnymailMessage
from django.conf import settings
from django.core.mail import get_connection
from django.db import DatabaseError, transaction
from django.db.models import F, Q
from django.utils import timezone

from digest.caching import TimedCache, edition_stamp
from digest.delivery import ratelimit, skip_guard
from digest.delivery.email.layouts import Layout, render_variant
from digest.delivery.email.messages import build_message, delivery_message_id
from digest.delivery.email.rendering import RenderedVariant
from digest.delivery.fanout import finish_edition_if_done
from digest.delivery.gate import still_subscribed
from digest.delivery.providers import LookupFailed, MergeProfile, already_sent, merge_profile
from digest.delivery.providers.batching import chunks, send_batch
from digest.delivery.providers.outcomes import SendResult, result_for_recipient, verdict_for
from digest.delivery.recording import BatchOutcome, Recorder, record, record_skipped
from digest.delivery.signals import deliveries_recorded
from digest.models import Delivery, Edition, SiteSettings
from digest.personalization.inputs import CACHES as READER_CACHES
from digest.personalization.inputs import edition_pool, readers_for, unreadable_reason
from digest.personalization.picking import Reader, VariantKey, pick_from, pick_many, variant_key
from subscribers.models import Subscriber

log = logging.getLogger(__name__)


# What the send path reads of a subscriber; loading whole rows cost more than building the message.
SENDING_FIELDS = ("email", "status", "language", "bilingual", "max_papers", "token_version", "follows", "mutes")
# Messages sent one by one go through the gate (gate.py) in groups of at least this many, one short transaction
# each (about 2 ms: 85 µs an email in groups of 25, 250 µs in groups of 8); an unsubscribe may wait for one group.
GATE_GROUP = 25

_variants = TimedCache(size=128)
# Every key starts with the edition's stamp (digest.caching.edition_stamp: id and creation time), never its id alone.
_readers_variant = TimedCache(size=512)  # (edition, language, bilingual, Reader.key()) -> its variant
_picks = TimedCache(size=4096)  # (edition, Reader.key()) -> picks; a batch's are made together
_layouts = TimedCache(size=32)  # (edition, language, bilingual) -> its papers rendered once


def forget_cached_work() -> None:
    """Empties this process's caches of readers' picks, renders and the editions' prepared papers (tests, whose
    database ids come back after a truncation, start from here)."""
    for cache in (_variants, _readers_variant, _picks, _layouts, *READER_CACHES):
        cache.clear()


class _Connections:
    """One email connection (a kept-alive HTTP session for ESP backends) per sending thread, for one batch."""

    def __init__(self) -> None:
        self.local = threading.local()
        self.opened: list = []
        self.lock = threading.Lock()

    def get(self):
        connection = getattr(self.local, "connection", None)
        if connection is None:
            connection = self.local.connection = get_connection()
            connection.open()
            with self.lock:
                self.opened.append(connection)
        return connection

    def discard(self) -> None:
        """Drops this thread's connection after a transport error (an SMTP server that hung up, a broken
        keep-alive): its next message opens a fresh one instead of failing on the dead one."""
        connection = getattr(self.local, "connection", None)
        self.local.connection = None
        if connection is not None:
            try:
                connection.close()
            except OSError:
                pass  # it is already gone; that is why it is being dropped

    def close(self) -> None:
        for opened in self.opened:
            try:
                opened.close()
            except OSError:
                pass


def claim(delivery_ids: list[int]) -> list[Delivery]:
    """Atomically moves queued (or lease-expired) rows to sending; rows another worker holds are skipped."""
    now = timezone.now()
    lease_until = now + timedelta(seconds=settings.DELIVERY_LEASE_SECONDS)
    with transaction.atomic():
        rows = list(
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(pk__in=delivery_ids)
            .filter(Q(status=Delivery.Status.QUEUED) | Q(status=Delivery.Status.SENDING, lease_until__lt=now))
        )
        if rows:
            Delivery.objects.filter(pk__in=[row.pk for row in rows]).update(
                status=Delivery.Status.SENDING, lease_until=lease_until, attempts=F("attempts") + 1
            )
    # One Edition object shared by the batch's rows (select_related would build one per row).
    editions = {edition.pk: edition for edition in Edition.objects.filter(pk__in={row.edition_id for row in rows})}
    for row in rows:
        row.in_doubt = row.status == Delivery.Status.SENDING
        row.status, row.lease_until, row.attempts = Delivery.Status.SENDING, lease_until, row.attempts + 1
        row.edition = editions[row.edition_id]
        row.message_id = row.message_id or delivery_message_id(row)
    return rows


def release(rows: list[Delivery]) -> None:
    """Gives claimed rows back untouched (kill switch): the sweeper sends them once sending resumes."""
    Delivery.objects.filter(pk__in=[r.pk for r in rows], status=Delivery.Status.SENDING).update(
        status=Delivery.Status.QUEUED, lease_until=None, attempts=F("attempts") - 1
    )


def still_leased(delivery_ids: list[int]) -> tuple[list[int], float]:
    """Of these rows, those still claimed ("sending") under a lease that has not run out, and the seconds until the
    last of those leases ends. After a batch lost its database mid-send, its claimed rows are in doubt and can only
    be taken again (and looked up at the provider) once their lease has run out."""
    now = timezone.now()
    leased = dict(
        Delivery.objects.filter(pk__in=delivery_ids, status=Delivery.Status.SENDING, lease_until__gte=now).values_list(
            "pk", "lease_until"
        )
    )
    wait = max(((until - now).total_seconds() for until in leased.values()), default=0.0)
    return sorted(leased), wait


def send_deliveries(delivery_ids: list[int]) -> BatchOutcome:
    outcome = BatchOutcome()
    rows = claim(delivery_ids)
    if not rows:
        return outcome
    if SiteSettings.current().sending_paused:
        release(rows)
        log.warning("sending paused; released deliveries count=%s", len(rows))
        return outcome
    connections = _Connections()
    prepared = _prepare(rows, connections, outcome)
    workers = max(1, min(settings.SEND_CONCURRENCY, len(prepared)))
    recorder = Recorder(outcome)
    profile = merge_profile()
    try:
        if profile is not None:
            _send_in_batches(connections, prepared, recorder, profile)
        else:
            _send_one_by_one(connections, prepared, workers, recorder)
    finally:
        recorder.flush()
        connections.close()
    deliveries_recorded.send(None, sent=outcome.sent, failed=outcome.failed, retry=len(outcome.retry))
    for edition in {row.edition for row in rows}:
        finish_edition_if_done(edition)
    return outcome


def _prepare(rows: list[Delivery], connections: _Connections, outcome: BatchOutcome) -> list[
    tuple[Delivery, Subscriber, RenderedVariant]
]:  # fmt: skip
    """The rows to send now, each with its reader and variant; the others are settled here: readers who
    left, rows whose workers keep dying, in-doubt rows the provider already has, readers with no papers."""
    subscriber_ids = [r.subscriber_id for r in rows]
    by_id = {s.pk: s for s in Subscriber.objects.filter(pk__in=subscriber_ids).only(*SENDING_FIELDS)}
    unreadable: dict[int, str] = {}
    readers = readers_for(list(by_id.values()), unreadable=unreadable)
    _pick_ahead(rows, readers)
    prepared: list[tuple[Delivery, Subscriber, RenderedVariant]] = []
    skipped: list[tuple[Delivery, str]] = []
    unpicked: list[skip_guard.Unpicked] = []
    for row in rows:
        subscriber = by_id[row.subscriber_id]
        if subscriber.status != Subscriber.Status.ACTIVE:
            skipped.append((row, f"subscriber is {subscriber.status}"))
            continue
        if row.in_doubt and row.attempts > settings.DELIVERY_MAX_ATTEMPTS:  # its workers keep dying
            record(SendResult(row, Delivery.Status.FAILED, error=f"abandoned after {row.attempts} attempts"), outcome)
            continue
        if row.in_doubt:
            try:
                found = already_sent(connections.get(), row)
            except LookupFailed as error:
                record(SendResult(row, Delivery.Status.QUEUED, error=str(error)), outcome)
                continue
            if found:
                record(SendResult(row, Delivery.Status.SENT, provider_message_id=found), outcome)
                log.warning("in-doubt delivery was already sent delivery=%s", row.pk)
                continue
        if subscriber.pk in unreadable:
            _fail_reader(row, unreadable[subscriber.pk], outcome)
            continue
        if problem := _unmailable(subscriber.email):  # would break the message of the whole batch, or go nowhere
            _fail_reader(row, f"the stored address cannot be mailed: {problem}", outcome)
            continue
        try:
            variant = variant_for(row, subscriber, readers[subscriber.pk])
        except DatabaseError:
            raise  # the database, not this reader: the whole batch is retried
        except Exception as error:  # this reader's picks or email: it fails alone, the batch goes on
            _fail_reader(row, unreadable_reason(error), outcome)
            continue
        if variant is None:
            unpicked.append((row, subscriber, readers[subscriber.pk]))
            continue
        row.language, row.bilingual = subscriber.language, subscriber.bilingual  # results count per variant
        prepared.append((row, subscriber, variant))
    prepared += _settle_unpicked(unpicked, len(prepared) + len(unpicked), skipped, outcome)
    record_skipped(skipped)
    return prepared


def _settle_unpicked(unpicked: list[skip_guard.Unpicked], picked: int, skipped: list, outcome: BatchOutcome) -> list[
    tuple[Delivery, Subscriber, RenderedVariant]
]:  # fmt: skip
    """Readers the picks gave nothing: skipped when the edition's own papers explain it (skip_guard). For the others
    this process's view of the edition is doubted: its cached work is dropped and they are picked again from the
    database; those still without papers are judged by skip_guard (retried, or the send stopped and alerted)."""
    sure, doubted = skip_guard.split(unpicked)
    skipped.extend((row, skip_guard.NO_PAPERS) for row, _subscriber, _reader in sure)
    if not doubted:
        return []
    log.warning("readers without papers the edition does not explain; picking again count=%s", len(doubted))
    forget_cached_work()
    prepared, unexplained = [], []
    for row, subscriber, reader in doubted:
        variant = variant_for(row, subscriber, reader)
        if variant is None:
            unexplained.append((row, subscriber, reader))
            continue
        row.language, row.bilingual = subscriber.language, subscriber.bilingual
        prepared.append((row, subscriber, variant))
    if unexplained:
        verdict = skip_guard.judge(unexplained, picked)
        for row, _subscriber, _reader in unexplained:
            if verdict.retry_reason:
                record(SendResult(row, Delivery.Status.QUEUED, error=verdict.retry_reason), outcome)
            else:
                skipped.append((row, skip_guard.NO_PAPERS))
    return prepared


def _unmailable(address: str) -> str:
    """Why a stored address (written past every check: raw SQL, an old row) can make no message, or "". A line
    break in it makes Django refuse the To header (BadHeaderError) while the batch's messages are built, and an
    empty one was "sent" to nobody; any other malformed address is that reader's failure already (anymail's
    invalid address)."""
    if not address or not address.strip():
        return "it is empty"
    if any(ord(c) < 32 or ord(c) == 127 for c in address):
        return "it holds a control character or a line break"
    return ""


def _fail_reader(row: Delivery, reason: str, outcome: BatchOutcome) -> None:
    log.error("delivery failed while preparing its reader delivery=%s subscriber=%s reason=%s", row.pk,
              row.subscriber_id, reason)  # fmt: skip
    record(SendResult(row, Delivery.Status.FAILED, error=reason), outcome)


def _pick_ahead(rows: list[Delivery], readers: dict[int, Reader]) -> None:
    """The batch's picks, made together per edition and pool (one sparse product scores every reader's model), and
    cached for the renders that follow."""
    groups: dict[tuple[int, bool], dict[tuple, Reader]] = defaultdict(dict)
    editions = {row.edition_id: row.edition for row in rows}
    for row in rows:
        reader = readers.get(row.subscriber_id)
        if reader is not None:
            groups[(row.edition_id, reader.personal)][reader.key()] = reader
    for (edition_id, _personal), by_key in groups.items():
        group = list(by_key.values())
        pool = edition_pool(editions[edition_id], group[0])
        try:
            picked = pick_many(pool, group)
        except DatabaseError:
            raise
        except Exception:  # one reader's data: each is picked alone in _prepare, where only that one fails
            log.exception("picking a batch together failed; picking its readers one by one edition=%s", edition_id)
            continue
        for reader, picks in zip(group, picked, strict=True):
            _picks.put((edition_stamp(editions[edition_id]), reader.key()), picks)


def _send_one_by_one(connections: _Connections, prepared: list, workers: int, recorder: Recorder) -> None:
    """One message per request, in small groups: each group's rate allowance is taken first, then the group is
    sent through the gate (gate.py: its readers locked and still subscribed), over `workers` threads. A group is
    2 messages per thread (at least GATE_GROUP): small, because an unsubscribe of one of its readers waits for
    it, but not so small that the gate's transactions cost more than the sends. Messages are built here, in this
    thread (building them in the sending threads makes those fight over the GIL), a group at a time (a batch of
    finished messages, tens of kilobytes each, would make memory grow with SEND_BATCH_SIZE)."""
    size = max(GATE_GROUP, 2 * workers)
    rate = ratelimit.send_rate()
    if rate:
        size = min(size, rate)  # a group's allowance is taken at once
    pool = ThreadPoolExecutor(max_workers=workers) if workers > 1 else None
    try:
        for start in range(0, len(prepared), size):
            group = prepared[start : start + size]
            ratelimit.wait_for_slot(len(group))
            with still_subscribed(group) as (kept, left):
                messages = [(row, build_message(subscriber, row, variant), variant.paper_count)
                            for row, subscriber, variant in kept]  # fmt: skip
                if pool is None:
                    results = [_send(connections, *message) for message in messages]
                else:
                    results = list(pool.map(lambda message: _send(connections, *message), messages))
            record_skipped(left)
            recorder.add_many(results)
    finally:
        if pool is not None:
            pool.shutdown()


def _send_in_batches(connections: _Connections, prepared: list, recorder: Recorder, profile: MergeProfile) -> None:
    """One request per variant chunk, each through the gate (gate.py); a chunk the provider refuses as a whole
    goes out one by one. The usual task holds one variant, so one request."""
    for variant, recipients in chunks(prepared, profile):
        ratelimit.wait_for_slot(len(recipients))
        with still_subscribed(recipients) as (kept, left):
            results = send_batch(connections.get(), variant, kept, profile) if kept else []
            if results is None:
                results = [
                    _send(connections, row, build_message(subscriber, row, variant), variant.paper_count)
                    for row, subscriber in kept
                ]
        record_skipped(left)
        recorder.add_many(results)


def variant_for(row: Delivery, subscriber: Subscriber, reader: Reader | None = None) -> RenderedVariant | None:
    if reader is None:
        reader = readers_for([subscriber])[subscriber.pk]
    if reader.learned is not None:  # nobody else has this reader's key: kept, it would only crowd shared renders out
        return _pick_and_render(row, subscriber, reader)
    readers = (edition_stamp(row.edition), subscriber.language, subscriber.bilingual, reader.key())
    return _readers_variant.get_or_make(readers, lambda: _pick_and_render(row, subscriber, reader))


def _pick_and_render(row: Delivery, subscriber: Subscriber, reader: Reader) -> RenderedVariant | None:
    """Readers with different topics, follows or models can still share a variant (same picks): keyed by the
    picks. The picks are usually made already, for the whole batch (_pick_ahead); the email is put together from
    the edition's layout."""
    pool = edition_pool(row.edition, reader)
    stamp = edition_stamp(row.edition)
    picks = _picks.get_or_make((stamp, reader.key()), lambda: pick_from(pool, reader))
    if not picks:
        return None
    language, bilingual = subscriber.language, subscriber.bilingual
    layout = _layouts.get_or_make((stamp, language, bilingual), lambda: Layout(row.edition, language, bilingual))
    layout.ensure_pool(pool.entries)  # the whole pool in one rendering, the first time
    key: VariantKey = variant_key(row.edition_id, language, bilingual, picks)
    if reader.learned is not None:
        # A model's selection is nearly always the reader's own: it takes a shared render that happens to match,
        # but is not kept (a batch of them would push out the renders that cold-start readers share, and hold
        # ~100 KB each for nothing).
        return _variants.get((stamp, key)) or render_variant(row.edition, language, bilingual, picks, layout=layout)
    return _variants.get_or_make(
        (stamp, key), lambda: render_variant(row.edition, language, bilingual, picks, layout=layout)
    )


def _send(connections: _Connections, row: Delivery, message: AnymailMessage, paper_count: int) -> SendResult:
    """Runs in a sending thread: network only, no database (the caller took the rate allowance)."""
    try:
        message.connection = connections.get()  # an SMTP backend connects here: a refusal is a transient error
        message.send()
    except (AnymailError, OSError) as error:
        verdict = verdict_for(error)
        if not verdict.permanent and isinstance(error, OSError):
            connections.discard()
        return verdict.result(row)
    status = message.anymail_status
    recipient = next(iter(status.recipients.values()), None) if status.recipients else None
    return result_for_recipient(row, recipient, str(status.message_id or ""), paper_count)
