"""The real anymail Postmark backend, from real Celery workers, against a loopback Postmark that answers
every request after 50 ms. Prints messages/s.

    .venv/bin/python bench/esp_bench.py --messages 5000
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import fresh_database, start_workers, stop_workers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=32, help="SEND_CONCURRENCY per worker process")
    parser.add_argument("--concurrency", type=int, default=1, help="prefork processes per worker")
    args = parser.parse_args()
    fresh_database("bench_esp")

    from bench.send_bench import DAY, load_edition, make_subscribers
    from digest.models import Delivery
    from tests.fakes.postmark import FakePostmark

    load_edition()
    make_subscribers(args.messages)
    postmark = FakePostmark(lambda attempt, payload: None)
    accept = postmark.handle

    def slow(request):
        time.sleep(args.latency)
        return accept(request)

    postmark.server.handler = slow
    broker = "redis://127.0.0.1:6379/13"
    import redis

    redis.Redis.from_url(broker).flushdb()
    with postmark:
        env = {
            "CELERY_BROKER_URL": broker,
            "EMAIL_BACKEND": "anymail.backends.postmark.EmailBackend",
            "ANYMAIL_POSTMARK_SERVER_TOKEN": "test-server-token",
            "ANYMAIL_POSTMARK_API_URL": postmark.api_url,
            "SEND_CONCURRENCY": str(args.threads),
            "SEND_BATCH_SIZE": "250",
        }
        procs = start_workers(env, args.workers, args.concurrency, Path(tempfile.gettempdir()))
        from celery import Celery

        try:
            started = time.perf_counter()
            Celery("bench", broker=broker, set_as_current=False).send_task(
                "digest.tasks.send_edition", args=[DAY.isoformat()]
            )
            while Delivery.objects.filter(status="sent").count() < args.messages:
                time.sleep(0.25)
                if time.perf_counter() - started > 900:
                    raise SystemExit("did not finish in 15 minutes")
            elapsed = time.perf_counter() - started
        finally:
            stop_workers(procs)
    assert len(postmark.accepted) == args.messages, (len(postmark.accepted), args.messages)
    print(
        f"{args.messages:,} messages through anymail's Postmark backend, {args.latency * 1000:.0f} ms provider "
        f"latency, {args.workers} workers x {args.concurrency} processes x {args.threads} threads: {elapsed:.1f} s, "
        f"{args.messages / elapsed:,.0f} messages/s"
    )


if __name__ == "__main__":
    main()
