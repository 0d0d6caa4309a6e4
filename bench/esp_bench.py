"""Real anymail HTTP backends, from real Celery workers, against loopback servers speaking each provider's
API that answer every request after 50 ms. Prints messages/s per provider.

- postmark: one message per reader (Postmark merges only through templates), SEND_CONCURRENCY requests
  in flight per worker process;
- sendgrid, mailgun: batch sending through merge_data, one request per variant chunk (digest/esp_batches.py).

    .venv/bin/python bench/esp_bench.py --messages 20000                # all three
    .venv/bin/python bench/esp_bench.py --messages 20000 --esp postmark
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import fresh_database, start_workers, stop_workers


def fake_for(esp: str, latency: float):
    """The loopback provider and the environment that points a worker's anymail backend at it."""
    if esp == "postmark":
        from tests.fakes.postmark import FakePostmark

        fake = FakePostmark(latency=latency)
        return fake, {
            "EMAIL_BACKEND": "anymail.backends.postmark.EmailBackend",
            "ANYMAIL_POSTMARK_SERVER_TOKEN": "test-server-token",
            "ANYMAIL_POSTMARK_API_URL": fake.api_url,
        }
    if esp == "sendgrid":
        from tests.fakes.sendgrid import API_KEY, FakeSendGrid

        fake = FakeSendGrid(latency=latency)
        return fake, {
            "EMAIL_BACKEND": "anymail.backends.sendgrid.EmailBackend",
            "ANYMAIL_SENDGRID_API_KEY": API_KEY,
            "ANYMAIL_SENDGRID_API_URL": fake.api_url,
        }
    from tests.fakes.mailgun import API_KEY, DOMAIN, FakeMailgun

    fake = FakeMailgun(latency=latency)
    return fake, {
        "EMAIL_BACKEND": "anymail.backends.mailgun.EmailBackend",
        "ANYMAIL_MAILGUN_API_KEY": API_KEY,
        "ANYMAIL_MAILGUN_API_URL": fake.api_url,
        "ANYMAIL_MAILGUN_SENDER_DOMAIN": DOMAIN,
    }


def run(esp: str, args) -> None:
    import redis
    from celery import Celery

    from bench.send_bench import DAY
    from digest.models import Delivery, Edition

    Delivery.objects.all().delete()
    Edition.objects.filter(date=DAY).update(status=Edition.Status.DRAFT, sent_at=None)
    broker = "redis://127.0.0.1:6379/13"
    redis.Redis.from_url(broker).flushdb()
    fake, provider_env = fake_for(esp, args.latency)
    with fake:
        env = provider_env | {
            "CELERY_BROKER_URL": broker,
            "SEND_CONCURRENCY": str(args.threads),
            "SEND_BATCH_SIZE": "250",
        }
        procs = start_workers(env, args.workers, args.concurrency, Path(tempfile.gettempdir()))
        try:
            started = time.perf_counter()
            Celery("bench", broker=broker, set_as_current=False).send_task(
                "digest.tasks.send_edition", args=[DAY.isoformat()]
            )
            while Delivery.objects.filter(status="sent").count() < args.messages:
                time.sleep(0.1)
                if time.perf_counter() - started > 900:
                    raise SystemExit("did not finish in 15 minutes")
            elapsed = time.perf_counter() - started
        finally:
            stop_workers(procs)
        requests = len(fake.server.requests)
    received = len(fake.recipients())
    assert received == args.messages, (esp, received, args.messages)
    mode = "one message per request" if esp == "postmark" else "batch sending (merge_data)"
    print(
        f"{esp:8} {args.messages:,} messages, {mode}, {requests:,} requests, {args.latency * 1000:.0f} ms latency, "
        f"{args.workers} workers x {args.concurrency} processes x {args.threads} threads: {elapsed:.1f} s, "
        f"{args.messages / elapsed:,.0f} messages/s",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=20000)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=32, help="SEND_CONCURRENCY per worker process")
    parser.add_argument("--concurrency", type=int, default=1, help="prefork processes per worker")
    parser.add_argument("--esp", choices=["postmark", "sendgrid", "mailgun"], action="append")
    args = parser.parse_args()
    fresh_database("bench_esp")

    from bench.send_bench import load_edition, make_subscribers

    load_edition()
    make_subscribers(args.messages)
    for esp in args.esp or ["sendgrid", "mailgun", "postmark"]:
        run(esp, args)


if __name__ == "__main__":
    main()
