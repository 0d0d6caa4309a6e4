"""Readers who leave during a send: N readers sending through 2 real Celery workers (anymail's test backend, noting
who was mailed and when: bench/null_backend.py SendLogBackend) while a bounded load generator on 127.0.0.1 posts
RFC 8058 one-click unsubscribes to a real gunicorn of the project, for readers not yet sent: in turn one whose
delivery a worker has claimed (the race) and one still queued.

Prints: readers mailed after their unsubscribe was answered (must be 0), readers mailed twice (0), the other readers
mailed exactly once, the unsubscribe's latency (p50, p99, max; the target is p99 < 200 ms) and the send's rate.

    .venv/bin/python bench/unsubscribe_during_send_bench.py --subscribers 100000 --unsubscribes 2000

The database is a fresh `bench_unsubscribe`; the broker Redis db 5 unless BENCH_REDIS_URL says otherwise.
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import BASE_DIR, fresh_database, start_workers, stop_workers

GUNICORN = BASE_DIR / ".venv" / "bin" / "gunicorn"
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/5")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_web(database_url: str, port: int, log: Path) -> subprocess.Popen:
    """gunicorn with 2 workers, as deployed (DEBUG off), its connections kept for a minute."""
    env = {**os.environ, "DATABASE_URL": f"{database_url}?conn_max_age=60", "LOG_LEVEL": "ERROR"}
    env.pop("CELERY_BROKER_URL", None)
    server = subprocess.Popen(
        [GUNICORN, "newsletter.wsgi", "-w", "2", "-b", f"127.0.0.1:{port}", "--log-level", "warning"],
        cwd=BASE_DIR, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2):
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit(f"gunicorn did not answer within 30 s: {log.read_text(errors='replace')[-2000:]}")


def post_one_click(url: str) -> tuple[float, float, int]:
    """(seconds it took, time.time() when the answer was read, HTTP status)."""
    request = urllib.request.Request(url, data=b"List-Unsubscribe=One-Click", method="POST")
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    return time.perf_counter() - started, time.time(), status


class Readers:
    """Who may be unsubscribed next: readers not yet sent, taken in turn from the rows a worker has claimed and
    from those still queued (a random sample), never the same reader twice."""

    def __init__(self, edition) -> None:
        from subscribers.models import Subscriber

        self.edition = edition
        self.by_id = {pk: (email, version) for pk, email, version in
                      Subscriber.objects.values_list("pk", "email", "token_version")}  # fmt: skip
        self.ids = list(self.by_id)
        self.taken: set[int] = set()
        self.claimed: set[int] = set()  # taken while a worker held their delivery
        self.rng = random.Random(8058)

    def next(self, count: int) -> list[int]:
        from digest.models import Delivery

        rows = Delivery.objects.filter(edition=self.edition)
        claimed = [pk for pk in rows.filter(status="sending").values_list("subscriber_id", flat=True)[:200]
                   if pk not in self.taken]  # fmt: skip
        sample = [pk for pk in self.rng.sample(self.ids, min(len(self.ids), 20 * count)) if pk not in self.taken]
        queued = list(rows.filter(status="queued", subscriber_id__in=sample).values_list("subscriber_id", flat=True))
        picked = self.rng.sample(claimed, min(len(claimed), (count + 1) // 2))
        self.claimed.update(picked)
        picked += queued[: count - len(picked)]
        self.taken.update(picked)
        return picked

    def url(self, base: str, subscriber_id: int) -> str:
        from django.urls import reverse

        from subscribers.models import Subscriber
        from subscribers.tokens import make_token

        _, version = self.by_id[subscriber_id]
        token = make_token(Subscriber(pk=subscriber_id, token_version=version), "unsubscribe", e=self.edition.pk)
        return base + reverse("subscribers:unsubscribe", args=[token])


def read_send_log(prefix: Path) -> dict[str, list[float]]:
    sent: dict[str, list[float]] = defaultdict(list)
    for path in prefix.parent.glob(prefix.name + ".*"):
        for line in path.read_text().splitlines():
            began, recipient = line.split("\t")
            sent[recipient].append(float(began))
    return sent


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def run(count: int, wanted: int, clients: int, per_second: float) -> bool:
    from bench.send_bench import DAY, load_edition, make_subscribers
    from digest.models import Delivery

    work = Path(tempfile.mkdtemp(prefix="unsubscribe-bench-"))
    edition = load_edition()
    make_subscribers(count)
    Delivery.objects.all().delete()
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    web = start_web(os.environ["DATABASE_URL"], port, work / "gunicorn.log")
    send_log = work / "sent"
    env = {"CELERY_BROKER_URL": REDIS_URL, "EMAIL_BACKEND": "bench.null_backend.SendLogBackend",
           "BENCH_SEND_LOG": str(send_log), "SEND_CONCURRENCY": "1", "SEND_BATCH_SIZE": "200",
           "MALLOC_ARENA_MAX": "2"}  # fmt: skip
    workers = start_workers(env, 2, 1, work)
    readers = Readers(edition)
    answered: dict[str, float] = {}
    latencies: list[float] = []
    claimed_latencies: list[float] = []
    queued_latencies: list[float] = []
    errors = 0
    from celery import Celery

    try:
        Celery("bench", broker=REDIS_URL, set_as_current=False).send_task(
            "digest.tasks.send_edition", args=[DAY.isoformat()]
        )
        started = time.time()
        while not Delivery.objects.filter(status="sending").exists():
            time.sleep(0.01)
            if time.time() - started > 120:
                raise SystemExit(f"no batch claimed in 120 s; worker logs in {work}")
        with ThreadPoolExecutor(max_workers=clients) as pool:
            while len(answered) < wanted:
                round_started = time.monotonic()
                targets = readers.next(min(2 * clients, wanted - len(answered)))
                if not targets:
                    if not Delivery.objects.filter(status__in=["queued", "sending"]).exists():
                        break
                    continue
                urls = [readers.url(base, pk) for pk in targets]
                for pk, (seconds, at, status) in zip(targets, pool.map(post_one_click, urls), strict=True):
                    latencies.append(seconds)
                    (claimed_latencies if pk in readers.claimed else queued_latencies).append(seconds)
                    errors += status != 200
                    answered[readers.by_id[pk][0]] = at
                # Bounded: no more than per_second posts a second, never more than `clients` at once.
                time.sleep(max(0.0, len(targets) / per_second - (time.monotonic() - round_started)))
        posted_until = time.time()
        while Delivery.objects.filter(status__in=["queued", "sending"]).exists():
            time.sleep(0.2)
            if time.time() - started > 900:
                raise SystemExit(f"the send did not finish in 15 minutes; worker logs in {work}")
        finished = time.time()
    finally:
        stop_workers(workers)
        web.terminate()
        web.wait(timeout=30)
    sent = read_send_log(send_log)
    statuses = defaultdict(int)
    for status, reason in Delivery.objects.values_list("status", "last_error"):
        statuses[(status, reason if status == "skipped" else "")] += 1
    no_papers = set(Delivery.objects.filter(status="skipped").exclude(subscriber__email__in=answered)
                    .values_list("subscriber__email", flat=True))  # fmt: skip
    mailed_after = [a for a, times in sent.items() if a in answered and max(times) >= answered[a]]
    mailed_before = [a for a in answered if a in sent and a not in mailed_after]
    twice = [a for a, times in sent.items() if len(times) > 1]
    others = set(readers.by_id[pk][0] for pk in readers.ids) - set(answered) - no_papers
    others_once = sum(1 for a in others if len(sent.get(a, ())) == 1)
    rows_sent = statuses.get(("sent", ""), 0)
    print(f"{count:,} readers, 2 workers (1 process each, SEND_BATCH_SIZE 200), gunicorn 2 workers on {base}")
    seconds = finished - started
    print(f"  send: {seconds:.1f} s, {rows_sent / seconds:,.0f} messages/s; unsubscribes posted from {clients} "
          f"clients at <= {per_second:g}/s in its first {posted_until - started:.1f} s")  # fmt: skip
    print(f"  unsubscribed during the send: {len(answered):,} ({errors} non-200 answers); mailed after their answer: "
          f"{len(mailed_after)}; mailed before it (their message was already on its way): {len(mailed_before)}; "
          f"skipped: {statuses.get(('skipped', 'subscriber is unsubscribed'), 0):,}")  # fmt: skip
    print(f"  every other reader once: {others_once:,} of {len(others):,} (plus {len(no_papers):,} with no paper in "
          f"their topics, skipped); mailed twice: {len(twice)}; rows sent {rows_sent:,} = messages "
          f"{sum(len(t) for t in sent.values()):,}")  # fmt: skip
    p50, p99 = percentile(latencies, 0.50) * 1000, percentile(latencies, 0.99) * 1000
    print(f"  one-click unsubscribe latency: p50 {p50:.0f} ms, p99 {p99:.0f} ms, max {max(latencies) * 1000:.0f} ms "
          f"over {len(latencies):,} POSTs (target p99 < 200 ms)")  # fmt: skip
    for kind, values in (("delivery held by a worker", claimed_latencies), ("delivery still queued", queued_latencies)):
        print(f"    {kind}: p50 {percentile(values, 0.5) * 1000:.0f} ms, p99 {percentile(values, 0.99) * 1000:.0f} ms "
              f"({len(values):,} POSTs)")  # fmt: skip
    print(f"    load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores at the end")
    ok = (not mailed_after and not twice and others_once == len(others) and errors == 0 and p99 < 200
          and len(answered) == wanted and rows_sent == sum(len(t) for t in sent.values()))  # fmt: skip
    print("  OK" if ok else f"  FAILED (logs in {work})")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument("--unsubscribes", type=int, help="default: 2 %% of the readers")
    parser.add_argument("--clients", type=int, default=2, help="unsubscribes in flight (gunicorn: 2 workers)")
    parser.add_argument("--per-second", type=float, default=40.0, help="most unsubscribes posted a second")
    args = parser.parse_args()
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))  # the web and the tokens made here share it
    os.environ.update({"DEBUG": "false", "ALLOWED_HOSTS": "127.0.0.1", "SITE_URL": "http://127.0.0.1"})
    fresh_database("bench_unsubscribe")
    wanted = args.unsubscribes if args.unsubscribes is not None else max(1, args.subscribers // 50)
    return 0 if run(args.subscribers, wanted, args.clients, args.per_second) else 1


if __name__ == "__main__":
    sys.exit(main())
