"""Translation benchmark (prints figures; not a test).

    .venv/bin/python bench/translation_bench.py

1. 200 synthetic papers in a PostgreSQL database of its own (BENCH_DATABASE_URL, default
   postgres://postgres@127.0.0.1:5432/bench_translation; created and migrated if missing), translated through
   the real client against a loopback chat-completions server that answers each request after 1 s, with the
   default TRANSLATOR_CONCURRENCY: wall time (target <= 30 s) and requests made (200); then a second run
   (0 requests).
2. OpenCC for a 30-paper edition in every Chinese variant, cold and cached.
3. Reply validation over the 25 shipped reference translations and over deliberately broken variants.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
BENCH_DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_translation")
os.environ["DATABASE_URL"] = BENCH_DATABASE_URL
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsletter.settings")
PAPERS, REPLY_DELAY, EDITION_SIZE = 200, 1.0, 30


def ensure_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')


def main() -> None:
    ensure_database(BENCH_DATABASE_URL)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)

    from datetime import date

    from digest.models import Paper, Translation, TranslationRequest
    from digest.translation import get_translator
    from digest.translation.service import translate_papers
    from digest.translation.variants import convert, convert_translation, localize
    from tests.fakes.http import LoopbackServer
    from tests.fakes.llm import good_model

    Paper.objects.filter(arxiv_id__startswith="9999.").delete()
    TranslationRequest.objects.filter(paper__isnull=True).delete()
    abstract = (
        "We study how large language models reason over long contexts with a state space model, reaching 85.3% "
        "accuracy with a 7B model at $O(n \\log n)$ cost; code at https://example.org/code. "
    ) * 4
    papers = Paper.objects.bulk_create(
        Paper(
            arxiv_id=f"9999.{n:05d}",
            title=f"Synthetic Paper {n}: Efficient Reasoning with LLMs",
            abstract=abstract + f" Variant {n}.",
            abs_url=f"https://arxiv.org/abs/9999.{n:05d}",
            announced_on=date(2099, 1, 1),
        )
        for n in range(PAPERS)
    )

    def slow_model(request):
        reply = good_model(request)
        reply.delay = REPLY_DELAY
        return reply

    with LoopbackServer(slow_model) as server:
        settings.TRANSLATOR_BASE_URL, settings.TRANSLATOR_MODEL = server.url + "/v1", "bench-model"
        settings.TRANSLATOR_API_KEY = "bench-key"
        print(
            f"translation: {PAPERS} papers, loopback reply after {REPLY_DELAY:.0f} s, "
            f"TRANSLATOR_CONCURRENCY={settings.TRANSLATOR_CONCURRENCY}"
        )
        started = time.perf_counter()
        first = translate_papers(papers, translator=get_translator())
        wall = time.perf_counter() - started
        print(
            f"  first run:  {wall:6.1f} s wall, {len(server.requests)} requests "
            f"({first.done} translated, {first.failed} failed) [target <= 30 s]"
        )
        print(f"              {first.summary()}")
        before = len(server.requests)
        started = time.perf_counter()
        second = translate_papers(papers, translator=get_translator())
        print(
            f"  second run: {time.perf_counter() - started:6.2f} s wall, {len(server.requests) - before} requests "
            f"({second.skipped} already translated)"
        )

    edition = list(
        Paper.objects.filter(arxiv_id__startswith="9999.").prefetch_related("translations").order_by("arxiv_id")
    )[:EDITION_SIZE]
    variants = ("zh-Hant-TW", "zh-Hant-HK", "zh-Hans")
    convert.cache_clear()
    convert_translation.cache_clear()
    print(f"OpenCC: {EDITION_SIZE}-paper edition x {len(variants)} variants (title + abstract)")
    for label in ("cold", "cached"):
        started = time.perf_counter()
        for paper in edition:
            for language in variants:
                localize(paper, language)
        print(f"  {label:6}: {(time.perf_counter() - started) * 1000:8.2f} ms")
    started = time.perf_counter()
    for _ in range(1000):
        for paper in edition:
            localize(paper, "zh-Hant-TW")
    print(f"  1000 readers x {EDITION_SIZE} papers (zh-Hant-TW, cached): {time.perf_counter() - started:.2f} s")
    print(f"  translations stored: {Translation.objects.filter(paper__arxiv_id__startswith='9999.').count()}")

    validation_figures()
    Paper.objects.filter(arxiv_id__startswith="9999.").delete()


def validation_figures() -> None:
    from digest.translation import TranslationError
    from digest.translation.validation import parse_reply
    from tests.fakes.broken import BREAKERS
    from tests.translation.test_validation import GLOSSARY, REFERENCE, reply, source

    def refused(content: str, title: str, abstract: str) -> bool:
        try:
            parse_reply(content, title, abstract, GLOSSARY)
        except TranslationError:
            return True
        return False

    bad_references = sum(
        refused(reply(good["title"], good["abstract"]), *source(arxiv_id)) for arxiv_id, good in REFERENCE.items()
    )
    print(f"validation: reference translations refused {bad_references}/{len(REFERENCE)}")
    total_applied = total_refused = 0
    for name, breaker in BREAKERS.items():
        applied = caught = 0
        for arxiv_id, good in REFERENCE.items():
            title, abstract = source(arxiv_id)
            content = breaker(title, abstract, good)
            if content is not None:
                applied += 1
                caught += refused(content, title, abstract)
        total_applied, total_refused = total_applied + applied, total_refused + caught
        print(f"  broken: {name:28} refused {caught:2}/{applied:2}")
    print(f"  broken replies refused overall: {total_refused}/{total_applied}")


if __name__ == "__main__":
    main()
