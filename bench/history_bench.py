"""History benchmark (prints figures; not a test): do the daily paths cost what today's work costs, or what the past
holds? Fills a PostgreSQL database of its own (`bench_history` unless `--database` names another; dropped at the end)
by SQL (generate_series) with editions of M readers each: one delivery per edition and reader, provider events
(opens, clicks, bounces) and votes, then times each daily path through the project's own code at a 5-edition
baseline and again at N editions.

The baseline is the last 5 days (the newest edition is today's, as in a site that started sending 5 days ago); the
history of the N-5 days before them is then filled in below it, and the same paths are timed again with the same
edition as today's. Both databases are vacuumed and analyzed after filling, as autovacuum leaves a table that
only grows.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/newsletter SECRET_KEY=<50+ chars> \
        .venv/bin/python bench/history_bench.py [--editions 30] [--readers 20000] [--repeat 5] [--keep]

The default (30 editions x 20,000 readers: 600k deliveries, 150k events, ~230 MB) runs in well under a minute; a year
at 100k readers is `--editions 250 --readers 100000` (25 M deliveries, ~10 GB of disk).
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import PG, fresh_database, stop_on_signals

DATABASE = "bench_history"
BASELINE = 5
PAPERS_PER_EDITION = 10


def fill(first: int, last: int, readers: int, chunk: int = 10) -> None:
    """Editions `first`..`last` (edition e is dated DAY0 + e days), `chunk` editions a transaction, with progress.
    A chunk whose connection is cut (a server shared with tests that restart PostgreSQL) is filled again, up to
    three times: the year's fill takes minutes, and one cut connection would otherwise lose all of it."""
    from django.db import OperationalError, connection, transaction

    started = time.perf_counter()
    for start in range(first, last + 1, chunk):
        for attempt in range(3):
            try:
                with transaction.atomic():
                    fill_editions(start, min(start + chunk - 1, last), readers)
                break
            except OperationalError as error:
                if attempt == 2:
                    raise
                print(f"  connection cut ({error}), filling editions {start}.. again", file=sys.stderr)
                connection.close()
                time.sleep(10)
        if last - first >= chunk:
            done = min(start + chunk - 1, last) - first + 1
            print(
                f"  filled {done}/{last - first + 1} editions, {time.perf_counter() - started:.0f} s", file=sys.stderr
            )
    with connection.cursor() as cursor:
        for table in ("digest_edition", "digest_paper", "digest_delivery"):
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
    vacuum_analyze()


def vacuum_analyze() -> None:
    """What autovacuum does to a table that only grows (visibility map, statistics), done now so both measurements
    see the same state whatever autovacuum got to."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")


def fill_editions(first: int, last: int, readers: int) -> None:
    """Editions `first`..`last` with their papers, entries, deliveries (2 % failed, the rest sent), events (20 %
    opened, 4 % clicked, 0.5 % bounced) and votes (2 %)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO digest_paper (id, arxiv_id, version, title, abstract, authors, categories, primary_category,
                abs_url, pdf_url, code_url, announced_on, announce_type, score, topics_locked, created_at, updated_at)
            SELECT e * 100 + p, format('2501.%%s', lpad((e * 100 + p)::text, 5, '0')), 1,
                   format('Paper %%s of edition %%s', p, e), repeat('An abstract about language models. ', 20),
                   '["Ada Lovelace"]', '["cs.CL"]', 'cs.CL',
                   format('https://arxiv.org/abs/2501.%%s', lpad((e * 100 + p)::text, 5, '0')), '', '',
                   %(day0)s::date + e, 'new', 0, false, now(), now()
            FROM generate_series(%(first)s, %(last)s) e, generate_series(1, %(papers)s) p
            """,
            {"first": first, "last": last, "papers": PAPERS_PER_EDITION, "day0": DAY0},
        )
        cursor.execute(
            """
            INSERT INTO digest_edition (id, date, status, kind, created_at, sent_at)
            SELECT e, %(day0)s::date + e, 'sent', 'daily', now(), (%(day0)s::date + e)::timestamptz + interval '7 hours'
            FROM generate_series(%(first)s, %(last)s) e
            """,
            {"first": first, "last": last, "day0": DAY0},
        )
        cursor.execute(
            """
            INSERT INTO digest_editionentry (position, featured, excluded, note, edition_id, paper_id)
            SELECT p, p = 1, false, '', e, e * 100 + p
            FROM generate_series(%(first)s, %(last)s) e, generate_series(1, %(papers)s) p
            """,
            {"first": first, "last": last, "papers": PAPERS_PER_EDITION},
        )
        cursor.execute(
            """
            INSERT INTO digest_delivery (id, status, language, bilingual, paper_count, message_id, provider_message_id,
                attempts, last_error, created_at, sent_at, subscriber_id, edition_id)
            SELECT e::bigint * 10000000 + s,
                   CASE WHEN (s + e) %% 50 = 0 THEN 'failed' ELSE 'sent' END,
                   (ARRAY['zh-Hant-TW', 'zh-Hant-HK', 'zh-Hans', 'en'])[1 + s %% 4], s %% 3 = 0, 8,
                   format('<%%s.%%s@digest.example>', e, s), format('pm-%%s-%%s', e, s), 1,
                   CASE WHEN (s + e) %% 50 = 0 THEN '550 mailbox full' ELSE '' END,
                   (%(day0)s::date + e)::timestamptz, (%(day0)s::date + e)::timestamptz + interval '7 hours', s, e
            FROM generate_series(%(first)s, %(last)s) e, generate_series(1, %(readers)s) s
            """,
            {"first": first, "last": last, "readers": readers, "day0": DAY0},
        )
        columns = {c.name for c in connection.introspection.get_table_description(cursor, "digest_emailevent")}
        edition = ", edition_id" if "edition_id" in columns else ""
        for kind, modulo in (("opened", 5), ("clicked", 25), ("bounced", 200)):
            cursor.execute(
                f"""
                INSERT INTO digest_emailevent (event_id, event_type, recipient, provider_message_id, occurred_at,
                    description, raw, delivery_id, url{edition})
                SELECT format('postmark:%%s:%%s:%%s', %(kind)s, e, s), %(kind)s, format('reader%%s@example.com', s),
                       format('pm-%%s-%%s', e, s), (%(day0)s::date + e)::timestamptz + interval '9 hours', '',
                       jsonb_build_object('RecordType', %(kind)s, 'MessageID', format('pm-%%s-%%s', e, s)),
                       e::bigint * 10000000 + s,
                       CASE WHEN %(kind)s = 'clicked'
                            THEN format('https://arxiv.org/abs/2501.%%s', lpad((e * 100 + 1 + s %% 10)::text, 5, '0'))
                            ELSE '' END{", e" if edition else ""}
                FROM generate_series(%(first)s, %(last)s) e, generate_series(1, %(readers)s) s
                WHERE (s * 7 + e) %% %(modulo)s = 0
                """,
                {"first": first, "last": last, "readers": readers, "day0": DAY0, "kind": kind, "modulo": modulo},
            )
        cursor.execute(
            """
            INSERT INTO subscribers_feedback (vote, created_at, updated_at, paper_id, subscriber_id)
            SELECT CASE WHEN s %% 3 = 0 THEN -1 ELSE 1 END, (%(day0)s::date + e)::timestamptz + interval '10 hours',
                   (%(day0)s::date + e)::timestamptz + interval '10 hours', e * 100 + 1 + (s / 50) %% 10, s
            FROM generate_series(%(first)s, %(last)s) e, generate_series(1, %(readers)s) s
            WHERE (s + e) %% 50 = 0
            """,
            {"first": first, "last": last, "readers": readers, "day0": DAY0},
        )


def add_readers(readers: int) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO subscribers_subscriber (id, email, status, language, bilingual, max_papers, frequency,
                time_zone, delivery_hour, token_version, created_at, confirmed_at, suppressed_reason, soft_bounces,
                follows, mutes)
            SELECT s, format('reader%%s@example.com', s), 'active',
                   (ARRAY['zh-Hant-TW', 'zh-Hant-HK', 'zh-Hans', 'en'])[1 + s %% 4], s %% 3 = 0, 8, 'daily',
                   'Asia/Taipei', 7, 1, now(), now(), '', 0, '{}', '{}'
            FROM generate_series(1, %s) s
            """,
            [readers],
        )
        cursor.execute("SELECT setval(pg_get_serial_sequence('subscribers_subscriber', 'id'), %s)", [readers])


def trained_until(last: int) -> None:
    """Every voter's model was trained the night before edition `last`: only that edition's votes are new."""
    from django.db import connection

    with connection.cursor() as cursor:
        columns = {c.name for c in connection.introspection.get_table_description(cursor, "subscribers_readermodel")}
        retrained = ", retrained_at" if "retrained_at" in columns else ""
        cursor.execute("DELETE FROM subscribers_readermodel")
        cursor.execute(
            f"""
            INSERT INTO subscribers_readermodel (subscriber_id, weights, intercept, votes, trained_at{retrained})
            SELECT DISTINCT subscriber_id, ''::bytea, 0, 1, %(night)s{", %(night)s" if retrained else ""}
            FROM subscribers_feedback
            """,
            {"night": datetime.datetime.combine(DAY0 + datetime.timedelta(days=last), datetime.time(), datetime.UTC)},
        )


def timed(run, repeat: int) -> float:
    """The median of `repeat` runs after one warm-up, in seconds."""
    run()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def measure(last: int, client, repeat: int) -> dict[str, float]:
    """Each daily path, with edition `last` as today's: the median of `repeat` runs each."""
    from anymail.signals import AnymailTrackingEvent

    from digest.delivery.tracking import record_event
    from digest.personalization import training

    def get(url: str):
        def run():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        return run

    def webhook():
        # An event without our metadata (a provider that drops it, a forwarded bounce): found by provider id.
        event = AnymailTrackingEvent(
            event_type="opened",
            message_id=f"pm-{last}-17",
            recipient="reader17@example.com",
            event_id=uuid.uuid4().hex,
            esp_event={},
        )
        assert record_event(event, "postmark").delivery_id == last * 10000000 + 17

    def voters():
        if hasattr(training, "readers_to_retrain"):
            return training.readers_to_retrain()
        from subscribers.models import Feedback, Subscriber

        rows = Feedback.objects.filter(subscriber__status=Subscriber.Status.ACTIVE)
        return sorted(set(rows.values_list("subscriber_id", flat=True)))

    trained_until(last)
    paths = {
        "admin edition list": get("/admin/digest/edition/"),
        "Delivery admin search by provider id": get(f"/admin/digest/delivery/?q=pm-{last}-42"),
        "tracking webhook without metadata": webhook,
        "edition results page": get(f"/admin/digest/edition/{last}/results/"),
        "Delivery admin list": get("/admin/digest/delivery/"),
        "EmailEvent admin list": get("/admin/digest/emailevent/"),
        "nightly retrain, voter query": voters,
    }
    return {name: timed(run, repeat) for name, run in paths.items()}


def table_size() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        return cursor.fetchone()[0]


def counts() -> str:
    from digest.models import Delivery, EmailEvent
    from subscribers.models import Feedback

    return (
        f"{Delivery.objects.count():,} deliveries, {EmailEvent.objects.count():,} events, "
        f"{Feedback.objects.count():,} votes, {table_size()}"
    )


def main() -> None:
    global DAY0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--editions", type=int, default=30)
    parser.add_argument("--readers", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=5, help="runs per path after a warm-up; the median is printed")
    parser.add_argument("--database", default=DATABASE, help=f"the bench's own database (default {DATABASE})")
    parser.add_argument("--keep", action="store_true", help="leave the database for EXPLAIN (drop it yourself)")
    args = parser.parse_args()
    if args.editions <= BASELINE:
        parser.error(f"--editions must be more than the {BASELINE}-edition baseline")
    if not args.database.startswith("bench_"):
        parser.error("--database must start with bench_ (it is dropped and created again)")

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsletter.settings")
    stop_on_signals()  # a kill still drops the database (the `finally` below)
    started = time.perf_counter()
    fresh_database(args.database)
    try:
        from django.contrib.auth import get_user_model
        from django.test import Client
        from django.test.utils import setup_test_environment

        setup_test_environment()  # the test client's ALLOWED_HOSTS and template signals, as in the tests
        DAY0 = datetime.date.today() - datetime.timedelta(days=args.editions)
        add_readers(args.readers)
        admin = get_user_model().objects.create_superuser("bench", "bench@example.com", "x")
        client = Client()
        client.force_login(admin)

        today = args.editions
        fill(today - BASELINE + 1, today, args.readers)
        base_counts = counts()
        baseline = measure(today, client, args.repeat)
        fill_started = time.perf_counter()
        fill(1, today - BASELINE, args.readers)
        filled = time.perf_counter() - fill_started
        full_counts = counts()
        full = measure(today, client, args.repeat)

        print(f"\nhistory bench: {args.readers:,} readers; baseline the last {BASELINE} editions ({base_counts}),")
        print(f"  then {args.editions} editions ({full_counts}; history filled in {filled:.0f} s);")
        print(f"  each figure the median of {args.repeat} runs after a warm-up\n")
        width = max(len(name) for name in baseline)
        print(f"| {'path'.ljust(width)} | {BASELINE} editions | {args.editions} editions | ratio |")
        print(f"|{'-' * (width + 2)}|-----------|------------|-------|")
        for name, before in baseline.items():
            after = full[name]
            print(f"| {name.ljust(width)} | {before:7.3f} s | {after:8.3f} s | {after / before:4.1f}x |")
        print(f"\ntotal {time.perf_counter() - started:.0f} s")
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            subprocess.run(
                ["psql", f"{PG}/postgres", "-q", "-c", f"DROP DATABASE IF EXISTS {args.database} WITH (FORCE)"],
                check=False,
                capture_output=True,
            )


DAY0 = None

if __name__ == "__main__":
    main()
