"""Exactly once under faults, with real worker processes on the real PostgreSQL: a worker SIGKILLed
mid-send (Redis and RabbitMQ brokers), the broker itself restarted mid-send, and a flaky provider."""

from __future__ import annotations

import datetime
import email
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from digest.models import Delivery, Edition, EditionEntry
from subscribers.models import Subscriber
from tests.factories import PaperFactory
from tests.fakes.http import Reply
from tests.fakes.postmark import FakePostmark, inactive_recipient
from tests.workers import TEST_REDIS_URL, Worker, broker_client, database_url_for_workers, flush_redis, wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
DAY = datetime.date(2025, 5, 28)


def make_edition_and_readers(count: int) -> Edition:
    edition = Edition.objects.create(date=DAY)
    EditionEntry.objects.create(edition=edition, paper=PaperFactory(), position=0)
    languages = ["zh-Hant-TW", "zh-Hant-HK", "zh-Hans", "en"]
    Subscriber.objects.bulk_create(
        Subscriber(email=f"r{i:05d}@example.com", status="active", language=languages[i % 4]) for i in range(count)
    )
    return edition


def worker_env(broker_url: str, outbox_dir, **extra) -> dict[str, str]:
    return {
        "DATABASE_URL": database_url_for_workers(),
        "CELERY_BROKER_URL": broker_url,
        "EMAIL_OUTBOX_DIR": str(outbox_dir),
        "SEND_BATCH_SIZE": "50",
        "DELIVERY_LEASE_SECONDS": "4",
        "SEND_RETRY_BASE_SECONDS": "1",
        "SEND_CONCURRENCY": "1",
        **extra,
    }


def sent_count() -> int:
    return Delivery.objects.filter(status=Delivery.Status.SENT).count()


def outbox_recipients(outbox_dir) -> Counter:
    return Counter(email.message_from_bytes(p.read_bytes())["To"] for p in outbox_dir.glob("*.eml"))


def drive_until_all_sent(producer, total: int, timeout: float) -> None:
    """Plays beat's part: the sweeper every two seconds until every delivery is sent."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if sent_count() == total:
            return
        producer.send_task("digest.tasks.resume_stalled")
        time.sleep(2)
    statuses = Counter(Delivery.objects.values_list("status", flat=True))
    raise AssertionError(f"not all sent in {timeout}s: {statuses}")


def assert_exactly_once(outbox_dir, total: int) -> None:
    recipients = outbox_recipients(outbox_dir)
    assert len(recipients) == total, "every subscriber got a message"
    assert set(recipients.values()) == {1}, f"duplicates: {[r for r, n in recipients.items() if n > 1][:5]}"
    assert Counter(Delivery.objects.values_list("status", flat=True)) == {"sent": total}


def kill_one_worker_mid_send(broker_url: str, outbox_dir, tmp_path, total: int = 2000) -> None:
    make_edition_and_readers(total)
    env = worker_env(broker_url, outbox_dir)
    sigkill_one_of_two_workers_mid_send(env, broker_url, tmp_path, total)
    assert_exactly_once(outbox_dir, total)


def sigkill_one_of_two_workers_mid_send(env: dict[str, str], broker_url: str, tmp_path, total: int) -> None:
    """Two workers send the edition; a quarter in, one is SIGKILLed and a fresh one started; the sweeper
    runs (beat's part) until every delivery is sent."""
    workers = [Worker(env, tmp_path / f"worker{i}.log", concurrency=1).start() for i in range(2)]
    producer = broker_client(broker_url)
    try:
        producer.send_task("digest.tasks.send_edition", args=[DAY.isoformat()])
        wait_until(lambda: sent_count() >= total // 4, timeout=120, message="a quarter sent")
        workers[0].kill(signal.SIGKILL)
        killed_at = sent_count()
        workers[0] = Worker(env, tmp_path / "worker0-restarted.log", concurrency=1).start()
        drive_until_all_sent(producer, total, timeout=240)
    finally:
        for worker in workers:
            worker.stop()
    assert killed_at < total, "the kill happened mid-send"


def test_sigkill_of_a_worker_mid_send_on_redis_loses_and_doubles_nothing(outbox_dir, tmp_path):
    flush_redis()
    kill_one_worker_mid_send(TEST_REDIS_URL, outbox_dir, tmp_path)


@pytest.fixture
def rabbitmq_url() -> Iterator[str]:
    """TEST_RABBITMQ_URL when given; else a vhost of this run's own, made with rabbitmqctl and removed after,
    so purging its queues never touches another run's (or production's) default vhost."""
    given = os.environ.get("TEST_RABBITMQ_URL")
    if given:
        yield given
        return
    try:
        socket.create_connection(("127.0.0.1", 5672), timeout=2).close()
    except OSError:
        pytest.fail("RabbitMQ is not running on 127.0.0.1:5672 (start it: rabbitmq-server -detached)")
    if shutil.which("rabbitmqctl") is None:
        pytest.fail("set TEST_RABBITMQ_URL, or install rabbitmqctl so the test can make a vhost of its own")
    vhost = f"newsletter-test-{uuid.uuid4().hex[:12]}"
    ctl = ["rabbitmqctl", "-q"]
    subprocess.run([*ctl, "add_vhost", vhost], check=True, capture_output=True, timeout=60)
    try:
        grant = [*ctl, "set_permissions", "-p", vhost, "guest", ".*", ".*", ".*"]
        subprocess.run(grant, check=True, capture_output=True, timeout=60)
        yield f"amqp://guest:guest@127.0.0.1:5672/{vhost}"
    finally:
        subprocess.run([*ctl, "delete_vhost", vhost], capture_output=True, timeout=60)


def test_sigkill_of_a_worker_mid_send_on_rabbitmq_loses_and_doubles_nothing(rabbitmq_url, outbox_dir, tmp_path):
    broker_client(rabbitmq_url).control.purge()  # only this run's vhost (or the URL it was given)
    kill_one_worker_mid_send(rabbitmq_url, outbox_dir, tmp_path)


@pytest.fixture
def own_redis(tmp_path):
    """A redis-server of this test's own, on a free port, that the test can stop and start."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [shutil.which("redis-server") or "redis-server", "--port", str(port), "--bind", "127.0.0.1",
               "--save", "", "--appendonly", "no", "--dir", str(tmp_path)]  # fmt: skip
    state = {"process": None}

    def start():
        state["process"] = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until(lambda: _pingable(port), timeout=10, interval=0.1, message="redis up")

    def stop():
        if state["process"] and state["process"].poll() is None:
            state["process"].kill()
            state["process"].wait()

    start()
    yield {"url": f"redis://127.0.0.1:{port}/0", "start": start, "stop": stop}
    stop()


def _pingable(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def test_broker_restart_mid_send_loses_and_doubles_nothing(outbox_dir, tmp_path, own_redis):
    total = 2000
    make_edition_and_readers(total)
    env = worker_env(own_redis["url"], outbox_dir)
    workers = [Worker(env, tmp_path / f"worker{i}.log", concurrency=1).start() for i in range(2)]
    try:
        broker_client(own_redis["url"]).send_task("digest.tasks.send_edition", args=[DAY.isoformat()])
        wait_until(lambda: sent_count() >= total // 4, timeout=120, message="a quarter sent")
        own_redis["stop"]()  # every queued task in the broker is gone with it
        stopped_at = sent_count()
        time.sleep(2)
        own_redis["start"]()
        drive_until_all_sent(broker_client(own_redis["url"]), total, timeout=240)
    finally:
        for worker in workers:
            worker.stop()
    assert stopped_at < total
    assert_exactly_once(outbox_dir, total)


def random_faults(seed: int, refused: str, addresses_of, refusal: Reply, error_body):
    """20 % of requests answered 429/503 with Retry-After, 5 % too slow for the client's 1 s timeout, and
    every request carrying `refused` refused for good."""
    rng, lock = random.Random(seed), threading.Lock()

    def faults(attempt: int, payload) -> Reply | None:
        if refused in addresses_of(payload):
            return refusal
        with lock:
            roll = rng.random()
        if roll < 0.10:
            return Reply(429, error_body(429, "Rate limit exceeded"), {"Retry-After": "1"})
        if roll < 0.20:
            return Reply(503, error_body(503, "Service unavailable"), {"Retry-After": "1"})
        if roll < 0.25:
            return Reply(500, error_body(500, "slow"), delay=3)
        return None

    return faults


def settle_on_two_workers(tmp_path, total: int, **provider_env: str) -> None:
    """Sends the edition from two real workers until every delivery is sent or failed."""
    env = worker_env(
        TEST_REDIS_URL,
        tmp_path / "unused-outbox",
        ANYMAIL_REQUESTS_TIMEOUT="1",
        SEND_CONCURRENCY="4",
        DELIVERY_MAX_ATTEMPTS="12",
        **provider_env,
    )
    flush_redis()
    workers = [Worker(env, tmp_path / f"worker{i}.log", concurrency=1).start() for i in range(2)]
    try:
        broker_client().send_task("digest.tasks.send_edition", args=[DAY.isoformat()])
        wait_until(
            lambda: Delivery.objects.filter(status__in=["sent", "failed"]).count() == total,
            timeout=240,
            message="every delivery settled",
        )
    finally:
        for worker in workers:
            worker.stop()


def assert_all_but_the_refused_sent_once(total: int, accepted: Counter, refused: str) -> None:
    assert Counter(Delivery.objects.values_list("status", flat=True)) == {"sent": total - 1, "failed": 1}
    assert Delivery.objects.get(status="failed").subscriber.email == refused
    assert set(Subscriber.objects.exclude(email=refused).values_list("email", flat=True)) == set(accepted)


def test_flaky_provider_delivers_everyone_once_by_our_records(tmp_path):
    """Postmark, one message per request; one address refused with 422: everyone else is delivered and
    each Delivery row sent exactly once (240 readers: about 60 faulty requests, of every kind)."""
    total, refused = 240, "r00007@example.com"
    make_edition_and_readers(total)
    faults = random_faults(7, refused, lambda payload: [payload["To"]], inactive_recipient(refused),
                           lambda status, message: {"ErrorCode": status, "Message": message})  # fmt: skip
    with FakePostmark(faults) as postmark:
        settle_on_two_workers(
            tmp_path,
            total,
            EMAIL_BACKEND="anymail.backends.postmark.EmailBackend",
            ANYMAIL_POSTMARK_SERVER_TOKEN="test-server-token",
            ANYMAIL_POSTMARK_API_URL=postmark.api_url,
        )
    accepted = Counter(postmark.recipients())
    assert_all_but_the_refused_sent_once(total, accepted, refused)
    sent_ids = list(Delivery.objects.filter(status="sent").values_list("provider_message_id", flat=True))
    assert len(set(sent_ids)) == total - 1, "one provider message id recorded per delivery"
    print(f"provider attempts={postmark.attempts} accepted={sum(accepted.values())} "
          f"provider-side duplicates after client timeouts={sum(n - 1 for n in accepted.values())}")  # fmt: skip


def test_flaky_batching_provider_delivers_everyone_once_by_our_records(tmp_path):
    """The same faults against a provider that takes 50 readers per request (SendGrid through merge_data):
    a 429/503 or a timeout puts the whole request back for retry, a request refused over one address is
    sent again one by one, and still every reader is delivered once."""
    from tests.fakes.sendgrid import API_KEY, FakeSendGrid

    total, refused = 400, "r00007@example.com"
    make_edition_and_readers(total)
    refusal = FakeSendGrid.refusal("The to email does not contain a valid address.")
    faults = random_faults(11, refused, FakeSendGrid.addresses_in, refusal,
                           lambda status, message: {"errors": [{"message": message}]})  # fmt: skip
    with FakeSendGrid(faults) as sendgrid:
        settle_on_two_workers(
            tmp_path,
            total,
            EMAIL_BACKEND="anymail.backends.sendgrid.EmailBackend",
            ANYMAIL_SENDGRID_API_KEY=API_KEY,
            ANYMAIL_SENDGRID_API_URL=sendgrid.api_url,
        )
    accepted = Counter(sendgrid.recipients())
    assert_all_but_the_refused_sent_once(total, accepted, refused)
    assert set(accepted.values()) == {1}, "the provider received each reader once"
    assert sendgrid.accepted_requests < total // 4, "readers travelled in batches"
    sizes = Counter(len(FakeSendGrid.addresses_in(r.json())) for r in sendgrid.server.requests)
    print(f"provider attempts={sendgrid.attempts} accepted requests={sendgrid.accepted_requests} "
          f"readers={sum(accepted.values())} request sizes={dict(sizes)}")  # fmt: skip


def test_sigkill_mid_send_to_postmark_mails_nobody_twice(tmp_path):
    """The in-doubt rows a killed worker leaves are looked up in Postmark's Messages API by their delivery
    id before any second attempt: the provider itself receives every reader exactly once."""
    total = 1000
    make_edition_and_readers(total)
    broker_url = TEST_REDIS_URL
    with FakePostmark(latency=0.01) as postmark:
        env = worker_env(
            broker_url,
            tmp_path / "unused-outbox",
            EMAIL_BACKEND="anymail.backends.postmark.EmailBackend",
            ANYMAIL_POSTMARK_SERVER_TOKEN="test-server-token",
            ANYMAIL_POSTMARK_API_URL=postmark.api_url,
            SEND_CONCURRENCY="4",
        )
        flush_redis()
        sigkill_one_of_two_workers_mid_send(env, broker_url, tmp_path, total)
    accepted = Counter(postmark.recipients())
    assert len(accepted) == total and set(accepted.values()) == {1}, "the provider received each reader once"
    assert Counter(Delivery.objects.values_list("status", flat=True)) == {"sent": total}
    lookups = sum(1 for r in postmark.server.requests if r.method == "GET")
    print(f"in-doubt lookups in Postmark's Messages API: {lookups}")


def left_to_the_sweeper(log: Path) -> int:
    """Rows the sending tasks gave up on so far (each batch logs its own count)."""
    return sum(int(n) for n in re.findall(rb"deliveries left to the sweeper count=(\d+)", log.read_bytes()))


def test_an_outage_outlasting_the_task_retries_loses_nobody(tmp_path):
    """The provider answers 503 until the sending task has used all its retries: the rows stay queued (no
    failed delivery, no failed task), and once the provider is back the sweeper sends each reader once."""
    total = 60
    make_edition_and_readers(total)
    down = threading.Event()
    down.set()
    postmark = FakePostmark(lambda attempt, payload: Reply(503, {"ErrorCode": 503}) if down.is_set() else None)
    with postmark:
        env = worker_env(
            TEST_REDIS_URL,
            tmp_path / "unused-outbox",
            EMAIL_BACKEND="anymail.backends.postmark.EmailBackend",
            ANYMAIL_POSTMARK_SERVER_TOKEN="test-server-token",
            ANYMAIL_POSTMARK_API_URL=postmark.api_url,
            SEND_RETRY_BASE_SECONDS="0.02",
            SEND_CONCURRENCY="4",
        )
        flush_redis()
        worker = Worker(env, tmp_path / "worker.log", concurrency=1).start()
        producer = broker_client()
        try:
            producer.send_task("digest.tasks.send_edition", args=[DAY.isoformat()])
            wait_until(lambda: left_to_the_sweeper(tmp_path / "worker.log") == total, timeout=120,
                       message="every sending task ran out of retries")  # fmt: skip
            assert set(Delivery.objects.values_list("status", flat=True)) == {"queued"}
            down.clear()
            drive_until_all_sent(producer, total, timeout=120)
        finally:
            worker.stop()
    log = (tmp_path / "worker.log").read_text(errors="replace")
    assert "MaxRetriesExceeded" not in log
    accepted = Counter(postmark.recipients())
    assert len(accepted) == total and set(accepted.values()) == {1}
