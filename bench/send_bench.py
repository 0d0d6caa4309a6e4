"""Sending benchmark: N subscribers across 64 variants, through real Celery workers on PostgreSQL,
to anymail's test backend. Prints messages/s, the naive way's messages/s (render + premailer per
recipient) for the ratio, and the workers' peak RSS.

With --learned-share F, that share of the readers has a trained relevance model of its own (random weights over
the edition's vocabulary, so every such reader's selection and email are their own): the difference between two
runs is what learning adds at send, per 1,000 emails.

    .venv/bin/python bench/send_bench.py --subscribers 10000 100000 [--learned-share 1.0]
"""

from __future__ import annotations

import argparse
import datetime
import itertools
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import fresh_database, peak_rss_mb, rss_by_process, start_workers, stop_workers

DAY = datetime.date(2025, 5, 28)
LANGUAGES = ["zh-Hant-TW", "zh-Hant-HK", "zh-Hans", "en"]


def load_edition():
    from digest.editions.build import build_edition
    from digest.papers.ingest import ingest_document
    from digest.translation.stored import load_reference_translations

    sample = Path(__file__).resolve().parent.parent / "digest" / "sample_data"
    for name, kind in [("arxiv_rss_cs.AI_2025-05-28.xml", "arxiv_rss"), ("arxiv_rss_cs.CL_2025-05-28.xml", "arxiv_rss"),
                       ("hf_daily_papers_2025-05-28.json", "hf_daily")]:  # fmt: skip
        ingest_document((sample / name).read_bytes(), kind)
    import json

    load_reference_translations(json.loads((sample / "translations_zh-Hans_hf_daily_2025-05-28.json").read_text()))
    return build_edition(DAY, max_papers=30)


def make_subscribers(count: int) -> int:
    """count subscribers over 4 languages x 2 (bilingual) x 8 topic sets = 64 variant groups."""
    from digest.models import Topic
    from subscribers.models import Subscriber

    Subscriber.objects.all().delete()
    slugs = list(Topic.objects.values_list("slug", flat=True))
    topic_sets = [[], slugs[:2], slugs[2:4], slugs[4:6], slugs[6:8], slugs[8:10], slugs[::2], slugs[1::2]]
    groups = list(itertools.product(LANGUAGES, [False, True], range(len(topic_sets))))
    topic_ids = dict(Topic.objects.values_list("slug", "pk"))
    batch = 10_000
    for start in range(0, count, batch):
        rows = [
            Subscriber(email=f"b{i:06d}@example.com", status="active", language=groups[i % 64][0],
                       bilingual=groups[i % 64][1], max_papers=10)
            for i in range(start, min(count, start + batch))
        ]  # fmt: skip
        created = Subscriber.objects.bulk_create(rows)
        through = Subscriber.topics.through
        links = [
            through(subscriber_id=s.pk, topic_id=topic_ids[slug])
            for i, s in zip(range(start, start + len(created)), created, strict=True)
            for slug in topic_sets[groups[i % 64][2]]
        ]
        through.objects.bulk_create(links)
    return len(groups)


def give_models(share: float, seed: int = 7) -> int:
    """A model of its own for `share` of the subscribers: 64 to 128 weights over terms of the edition's papers."""
    import random

    import numpy as np
    from django.utils import timezone

    from digest.papers.selectors import candidate_papers
    from digest.personalization.relevance import LearnedWeights, paper_text, vectorize
    from subscribers.models import ReaderModel, Subscriber

    ReaderModel.objects.all().delete()
    if share <= 0:
        return 0
    texts = [paper_text(p.title, p.abstract) for p in candidate_papers(DAY)]
    columns = np.unique(vectorize(texts).indices)
    rng, now = random.Random(seed), timezone.now()
    ids = list(Subscriber.objects.order_by("pk").values_list("pk", flat=True))
    chosen = ids[:: max(1, round(1 / share))] if share < 1 else ids
    rows = []
    for subscriber_id in chosen:
        indices = sorted(rng.sample(list(columns), min(len(columns), rng.randint(64, 128))))
        weights = [round(rng.gauss(0, 1), 5) for _ in indices]
        model = LearnedWeights(np.array(indices), np.array(weights), -1.0)
        rows.append(ReaderModel(subscriber_id=subscriber_id, weights=model.to_bytes(), intercept=-1.0, votes=20,
                                trained_at=now))  # fmt: skip
    ReaderModel.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def naive_rate(edition, sample: int = 300) -> float:
    """Render + premailer for every recipient, the way a simple newsletter tool does it."""
    from django.core.mail import get_connection

    from digest.delivery.email.layouts import render_variant
    from digest.delivery.email.messages import build_message
    from digest.editions.selectors import edition_entries
    from digest.models import Delivery
    from digest.personalization.picking import pick_papers
    from subscribers.models import Subscriber

    entries = edition_entries(edition)
    connection = get_connection("bench.null_backend.CountingTestBackend")
    subscribers = list(Subscriber.objects.prefetch_related("topics")[:sample])
    started = time.perf_counter()
    for subscriber in subscribers:
        picks = pick_papers(entries, frozenset(t.slug for t in subscriber.topics.all()), subscriber.max_papers)
        variant = render_variant(edition, subscriber.language, subscriber.bilingual, picks)
        delivery = Delivery(edition=edition, subscriber=subscriber, message_id="<naive@example>")
        message = build_message(subscriber, delivery, variant)
        message.connection = connection
        message.send()
    return sample / (time.perf_counter() - started)


def run(count: int, workers: int, concurrency: int, learned_share: float = 0.0) -> dict:
    from digest.models import Delivery, Edition

    variants = make_subscribers(count)
    learned = give_models(learned_share)
    Delivery.objects.all().delete()
    Edition.objects.filter(date=DAY).update(status="draft")
    broker = "redis://127.0.0.1:6379/14"
    import redis

    redis.Redis.from_url(broker).flushdb()
    env = {
        "CELERY_BROKER_URL": broker,
        "EMAIL_BACKEND": "bench.null_backend.CountingTestBackend",
        "SEND_CONCURRENCY": "1",
        "MALLOC_ARENA_MAX": os.environ.get("MALLOC_ARENA_MAX", "2"),
        "SEND_BATCH_SIZE": os.environ.get("SEND_BATCH_SIZE", "500"),
    }
    procs = start_workers(env, workers, concurrency, Path(tempfile.gettempdir()))
    from celery import Celery

    producer = Celery("bench", broker=broker, set_as_current=False)
    try:
        started = time.perf_counter()
        producer.send_task("digest.tasks.send_edition", args=[DAY.isoformat()])
        # Done when no row is left to send (a reader whose topics have no paper in the edition is skipped).
        while Delivery.objects.filter(status__in=("queued", "sending")).exists() or not Delivery.objects.exists():
            time.sleep(0.5)
            if time.perf_counter() - started > 1800:
                raise SystemExit("benchmark did not finish in 30 minutes")
        elapsed = time.perf_counter() - started
        rss = peak_rss_mb(procs)
        print("  per process peak RSS MB:", {pid: round(mb) for pid, mb in rss_by_process(procs).items()})
    finally:
        stop_workers(procs)
    sent = Delivery.objects.filter(status="sent").count()
    return {"subscribers": count, "variants": variants, "seconds": elapsed, "rate": sent / elapsed, "rss_mb": rss,
            "learned": learned, "sent": sent}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--subscribers", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--workers", type=int, default=1, help="worker processes (each with --concurrency)")
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--learned-share", type=float, default=0.0, help="share of readers with a model of their own")
    args = parser.parse_args()
    fresh_database("bench_send")
    edition = load_edition()
    naive = None
    for count in args.subscribers:
        result = run(count, args.workers, args.concurrency, args.learned_share)
        if naive is None:
            naive = naive_rate(edition)
            print(f"naive (render + premailer per recipient, 1 process): {naive:,.1f} messages/s")
        print(
            f"{result['subscribers']:>7,} subscribers, {result['variants']} variant groups: "
            f"{result['seconds']:.1f} s, {result['rate']:,.0f} messages/s "
            f"({result['rate'] / naive:.0f}x naive; {result['rate'] / (args.workers * args.concurrency) / naive:.0f}x "
            f"per process), worker peak RSS {result['rss_mb']:.0f} MB"
        )
        print(f"  {result['sent']:,} sent; {result['learned']:,} readers with a model of their own; "
              f"{1000 / result['rate'] * 1000:.0f} ms per 1,000 emails")  # fmt: skip


if __name__ == "__main__":
    main()
