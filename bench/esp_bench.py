"""Real anymail HTTP backends, from real Celery workers, against loopback servers speaking each provider's
API that answer every request after 50 ms. Prints messages/s per provider.

- postmark: one message per reader (Postmark merges only through templates), SEND_CONCURRENCY requests
  in flight per worker process;
- ses: Amazon SES v2 through anymail and boto3, one SendEmail (raw MIME) per reader, paced to the MaxSendRate the
  loopback account reports (`--ses-rate`, asked once through GetAccount);
- sendgrid, mailgun: batch sending through merge_data, one request per variant chunk
  (digest/delivery/providers/batching.py);
- smtp: Django's SMTP backend, one kept-open session per sending thread, into Postfix's `smtp-sink` (a C
  test server that accepts and discards; Debian's `postfix` package ships it). Its count is the rows the
  workers recorded as sent, each after the server's 250 for DATA.

    .venv/bin/python bench/esp_bench.py --messages 20000                # every provider
    .venv/bin/python bench/esp_bench.py --messages 20000 --esp postmark
    .venv/bin/python bench/esp_bench.py --messages 20000 --esp ses --ses-rate 100
    .venv/bin/python bench/esp_bench.py --messages 20000 --esp smtp --threads 8
"""

from __future__ import annotations

import argparse
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import fresh_database, start_workers, stop_workers


class SmtpSink:
    """Postfix's smtp-sink on a free loopback port, for as long as the `with` lasts."""

    def __init__(self) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> SmtpSink:
        sink = shutil.which("smtp-sink") or "/usr/sbin/smtp-sink"
        if not Path(sink).exists():
            raise SystemExit("smtp-sink not found: apt-get install -y postfix (it ships /usr/sbin/smtp-sink)")
        self.process = subprocess.Popen([sink, "-u", "nobody", f"127.0.0.1:{self.port}", "1024"])
        for _ in range(50):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return self
            except OSError:
                time.sleep(0.1)
        raise SystemExit("smtp-sink did not start")

    def __exit__(self, *exc) -> None:
        if self.process:
            self.process.terminate()
            self.process.wait(timeout=10)


def fake_for(esp: str, latency: float, ses_rate: float = 10000.0):
    """The loopback provider and the environment that points a worker's anymail backend at it."""
    if esp == "smtp":
        sink = SmtpSink()
        return sink, {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(sink.port),
        }
    if esp == "postmark":
        from tests.fakes.postmark import FakePostmark

        fake = FakePostmark(latency=latency)
        return fake, {
            "EMAIL_BACKEND": "anymail.backends.postmark.EmailBackend",
            "ANYMAIL_POSTMARK_SERVER_TOKEN": "test-server-token",
            "ANYMAIL_POSTMARK_API_URL": fake.api_url,
        }
    if esp == "ses":
        from tests.fakes.amazon_ses import FakeSES

        fake = FakeSES(latency=latency, max_send_rate=ses_rate)
        return fake, fake.environment()  # credentials, region and endpoint as environment variables, as in production
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
    fake, provider_env = fake_for(esp, args.latency, args.ses_rate)
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
            # Done when no row is left to send (a reader whose topics have no paper in the edition is skipped).
            while Delivery.objects.filter(status__in=("queued", "sending")).exists() or not Delivery.objects.exists():
                time.sleep(0.1)
                if time.perf_counter() - started > 900:
                    raise SystemExit("did not finish in 15 minutes")
            elapsed = time.perf_counter() - started
        finally:
            stop_workers(procs)
    sent = Delivery.objects.filter(status="sent").count()
    if esp == "smtp":
        received = sent
        mode, requests, latency = "one message per SMTP transaction", "kept-open sessions", "no"
    else:
        received = len(fake.recipients())
        requests = f"{len(fake.server.requests):,} requests"
        mode = "one message per request" if esp in ("postmark", "ses") else "batch sending (merge_data)"
        if esp == "ses":
            mode += f", account MaxSendRate {args.ses_rate:g}/s"
        latency = f"{args.latency * 1000:.0f} ms"
    assert received == sent, (esp, received, sent)
    skipped = args.messages - sent
    print(
        f"{esp:8} {sent:,} messages{f' ({skipped:,} readers with nothing to send)' if skipped else ''}, {mode}, "
        f"{requests}, {latency} latency, "
        f"{args.workers} workers x {args.concurrency} processes x {args.threads} threads: {elapsed:.1f} s, "
        f"{sent / elapsed:,.0f} messages/s",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=20000)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=32, help="SEND_CONCURRENCY per worker process")
    parser.add_argument("--concurrency", type=int, default=1, help="prefork processes per worker")
    parser.add_argument("--esp", choices=["postmark", "sendgrid", "mailgun", "smtp", "ses"], action="append")
    parser.add_argument("--ses-rate", type=float, default=10000.0, help="MaxSendRate the loopback SES account reports")
    args = parser.parse_args()
    fresh_database("bench_esp")

    from bench.send_bench import load_edition, make_subscribers

    load_edition()
    make_subscribers(args.messages)
    for esp in args.esp or ["sendgrid", "mailgun", "postmark", "ses", "smtp"]:
        run(esp, args)


if __name__ == "__main__":
    main()
