"""The daily run against a provider that refuses or garbles a quarter of its replies (429, 500, broken JSON, the
English echoed back): the run never stops for it, and every paper of the day is translated within three runs."""

import itertools
import json
import logging
import threading

import pytest
from django.core.management import call_command

from digest.models import SiteSettings, Source, TranslationRequest
from digest.papers.selectors import candidate_papers, latest_announcement_date
from tests.conftest import sample
from tests.fakes.http import LoopbackServer, Reply
from tests.fakes.llm import completion, good_model, source_of

pytestmark = pytest.mark.django_db(transaction=True)


def flaky_model():
    """Every fourth request fails, the four ways in turn; the others answer like a good model."""
    counter, lock = itertools.count(), threading.Lock()
    faults = [
        lambda request: Reply(429, {"error": {"message": "slow down"}}, headers={"Retry-After": "0"}),
        lambda request: Reply(500, {"error": {"message": "internal error"}}),
        lambda request: Reply(200, completion('{"title": "半截的回', completion_tokens=5)),
        lambda request: Reply(200, completion(json.dumps(source_of(request)))),
    ]

    def handler(request):
        with lock:
            n = next(counter)
        if n % 4 == 3:
            return faults[(n // 4) % 4](request)
        return good_model(request)

    return handler


@pytest.fixture
def flaky_day(topics, settings):
    files = {"/rss/cs.AI": "arxiv_rss_cs.AI_2025-05-28.xml", "/api/daily_papers": "hf_daily_papers_2025-05-28.json"}
    with (
        LoopbackServer(lambda r: Reply(200, sample(files[r.path])) if r.path in files else Reply(404)) as feeds,
        LoopbackServer(flaky_model()) as llm,
    ):
        Source.objects.all().delete()
        Source.objects.create(slug="ai", name="cs.AI", kind="arxiv_rss", url=feeds.url + "/rss/cs.AI")
        Source.objects.create(slug="hf", name="HF", kind="hf_daily", url=feeds.url + "/api/daily_papers")
        settings.TRANSLATOR_BASE_URL = llm.url + "/v1"
        settings.TRANSLATOR_MODEL = "loopback-model"
        settings.TRANSLATOR_API_KEY = "test-key"
        settings.TRANSLATOR_BACKOFF_SECONDS = 0.01
        settings.TRANSLATOR_MAX_RETRIES = 1  # stricter than the default 2: a paper fails more often per run
        # The editor approves in the morning: the edition waits, so each run may translate what is left.
        SiteSettings.objects.update_or_create(pk=1, defaults={"editions_need_approval": True})
        yield llm


def untranslated() -> list[str]:
    day = latest_announcement_date()
    return [paper.arxiv_id for paper in candidate_papers(day) if paper.current_translation() is None]


def test_every_paper_is_translated_within_three_runs_and_the_run_never_stops(flaky_day, caplog):
    left = []
    with caplog.at_level(logging.WARNING):
        for _ in range(3):
            call_command("run_daily")
            left.append(len(untranslated()))
    assert left[-1] == 0, f"papers still in English after each run: {left}"
    assert "translator looks down" not in caplog.text
    failed = TranslationRequest.objects.filter(status=TranslationRequest.Status.FAILED)
    reasons = " | ".join(failed.values_list("reason", flat=True))
    for kind in ("HTTP 429", "HTTP 500", "not JSON", "echoed back"):
        assert kind in reasons
    assert len(candidate_papers(latest_announcement_date())) >= 20
