"""Readers who leave while an edition is being sent, with real worker processes on the real PostgreSQL: a reader
whose one-click unsubscribe has been answered is never mailed after it, whether their delivery was still queued
or already claimed by a worker; every other reader is mailed exactly once."""

from __future__ import annotations

import email
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from functools import partial

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from digest.models import Delivery
from subscribers.models import Subscriber
from subscribers.tokens import make_token
from tests.delivery.test_worker_faults import DAY, make_edition_and_readers, worker_env
from tests.workers import TEST_REDIS_URL, Worker, broker_client, flush_redis, wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def outbox_send_times(outbox_dir) -> dict[str, list[datetime]]:
    """When each message was handed to the outbox (its file name starts with the UTC time of the send), by address."""
    sent = defaultdict(list)
    for path in outbox_dir.glob("*.eml"):
        stamp = datetime.strptime(path.name.split("-", 1)[0], "%Y%m%dT%H%M%S%f").replace(tzinfo=UTC)
        sent[email.message_from_bytes(path.read_bytes())["To"]].append(stamp)
    return sent


def post_unsubscribe(edition, subscriber) -> datetime:
    """One RFC 8058 one-click POST, as a mail client makes it; returns when its answer came back."""
    try:
        token = make_token(subscriber, "unsubscribe", e=edition.pk)
        response = Client().post(reverse("subscribers:unsubscribe", args=[token]), {"List-Unsubscribe": "One-Click"})
        assert response.status_code == 200
        return datetime.now(UTC)
    finally:
        connection.close()  # this thread's own


def unsubscribe_while_sending(edition, wanted: int, timeout: float) -> dict[str, datetime]:
    """Posts one-click unsubscribes for readers not yet sent, from 8 threads: half for readers whose delivery
    a worker has claimed, half for readers still queued. Returns when each answer came back, by address."""
    readers = {s.pk: s for s in Subscriber.objects.all()}
    answered: dict[str, datetime] = {}
    deadline = time.monotonic() + timeout
    with ThreadPoolExecutor(max_workers=8) as pool:
        while len(answered) < wanted and time.monotonic() < deadline:
            targets = []
            for status in (Delivery.Status.SENDING, Delivery.Status.QUEUED):
                open_rows = Delivery.objects.filter(edition=edition, status=status, subscriber__status="active")
                targets += list(open_rows.order_by("?").values_list("subscriber_id", flat=True)[:4])
            targets = targets[: wanted - len(answered)]
            if not targets and not Delivery.objects.filter(status__in=["queued", "sending"]).exists():
                break
            subscribers = [readers[pk] for pk in targets]
            for subscriber, at in zip(subscribers, pool.map(partial(post_unsubscribe, edition), subscribers)):
                answered[subscriber.email] = at
    return answered


def test_a_reader_who_unsubscribes_during_a_send_is_not_mailed_after_it(outbox_dir, tmp_path):
    total, leaving = 600, 60
    edition = make_edition_and_readers(total)
    flush_redis()
    # A provider's rate (80 a second between both workers) keeps the send going while the readers leave.
    env = worker_env(TEST_REDIS_URL, outbox_dir, SEND_RATE_PER_SECOND="80")
    workers = [Worker(env, tmp_path / f"worker{i}.log", concurrency=1).start() for i in range(2)]
    try:
        broker_client().send_task("digest.tasks.send_edition", args=[DAY.isoformat()])
        wait_until(lambda: Delivery.objects.filter(status="sending").exists(), timeout=60, interval=0.01,
                   message="a worker to claim a batch")  # fmt: skip
        answered = unsubscribe_while_sending(edition, leaving, timeout=120)
        wait_until(lambda: not Delivery.objects.filter(status__in=["queued", "sending"]).exists(), timeout=120,
                   message="every delivery settled")  # fmt: skip
    finally:
        for worker in workers:
            worker.stop()
    assert len(answered) == leaving, "the unsubscribes were posted during the send"
    sent = outbox_send_times(outbox_dir)
    mailed_after = {address: times for address, times in sent.items() if address in answered
                    and any(at >= answered[address] for at in times)}  # fmt: skip
    assert not mailed_after, f"{len(mailed_after)} readers mailed after their unsubscribe was answered"
    assert all(len(times) == 1 for times in sent.values()), "nobody is mailed twice"
    stayed = set(Subscriber.objects.exclude(email__in=answered).values_list("email", flat=True))
    assert stayed <= set(sent), "every reader who stayed is mailed"
    skipped = set(Delivery.objects.filter(status="skipped").values_list("subscriber__email", flat=True))
    assert skipped == set(answered) - set(sent), "a reader who left before their message is settled as skipped"
    reasons = set(Delivery.objects.filter(status="skipped").values_list("last_error", flat=True))
    assert reasons == {"subscriber is unsubscribed"}
    assert Delivery.objects.filter(status="sent").count() == len(sent)
    print(f"unsubscribed during the send: {leaving}; mailed before their answer: {len(set(answered) & set(sent))}; "
          f"skipped: {len(skipped)}")  # fmt: skip
