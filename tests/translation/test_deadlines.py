"""A reply must finish: each request has an overall deadline however slowly the server keeps sending, and the
day's translate step a time limit past which no paper is started (the rest wait for the next run)."""

from __future__ import annotations

import time

import pytest

from digest.models import Translation, TranslationFailure
from digest.translation import get_translator
from digest.translation.service import translate_papers
from digest.translation.translators import OpenAICompatibleTranslator
from tests.factories import PaperFactory
from tests.fakes.llm import good_model
from tests.fakes.llm_servers import DrippingSocketServer, dripping

pytestmark = pytest.mark.django_db


def test_a_server_dripping_one_byte_every_half_second_is_cut_at_the_request_deadline(serve, settings):
    serve(dripping(0.5))
    settings.TRANSLATOR_TIMEOUT_SECONDS = 2.0  # every byte arrives well within it
    settings.TRANSLATOR_REQUEST_DEADLINE_SECONDS = 1.5
    settings.TRANSLATOR_MAX_RETRIES = 0
    paper = PaperFactory()
    started = time.monotonic()
    run = translate_papers([paper], translator=get_translator())
    elapsed = time.monotonic() - started
    assert run.failed == 1 and 1.5 <= elapsed < 2.5
    assert "1.5s deadline" in TranslationFailure.objects.get(paper=paper).reason


def test_a_server_dripping_even_its_headers_is_cut_at_the_request_deadline(settings):
    with DrippingSocketServer(0.5) as server:
        settings.TRANSLATOR_BASE_URL, settings.TRANSLATOR_MODEL = server.url, "loopback-model"
        settings.TRANSLATOR_TIMEOUT_SECONDS = 2.0
        settings.TRANSLATOR_REQUEST_DEADLINE_SECONDS = 1.5
        settings.TRANSLATOR_MAX_RETRIES = 0
        paper = PaperFactory()
        started = time.monotonic()
        run = translate_papers([paper], translator=get_translator())
        elapsed = time.monotonic() - started
    assert run.failed == 1 and server.connections == 1
    assert 1.5 <= elapsed < 2.5
    assert "1.5s deadline" in TranslationFailure.objects.get(paper=paper).reason


def test_without_a_request_deadline_a_reply_gets_twice_the_read_timeout():
    assert OpenAICompatibleTranslator("http://127.0.0.1:9/v1", "", "m", timeout=30.0).request_deadline == 60.0


def test_past_the_runs_time_limit_no_paper_is_started_and_the_rest_wait(serve, settings):
    def slow(request):
        reply = good_model(request)
        reply.delay = 0.6
        return reply

    serve(slow)
    settings.TRANSLATOR_CONCURRENCY = 1
    settings.TRANSLATOR_RUN_DEADLINE_SECONDS = 1.0
    papers = [PaperFactory(score=10 - n) for n in range(5)]
    started = time.monotonic()
    run = translate_papers(papers, translator=get_translator())
    elapsed = time.monotonic() - started
    # Paper 1 is stored at 0.6 s; paper 2, started before the limit, is cut at it; three wait for the next run.
    assert (run.done, run.failed, run.deferred) == (1, 1, 3)
    assert run.stopped == "time limit of 1s reached" and "left for the next run" in run.summary()
    assert elapsed < 1.5
    assert Translation.objects.filter(paper=papers[0]).exists()
    assert "time limit" in TranslationFailure.objects.get(paper=papers[1]).reason


def test_no_time_limit_when_it_is_zero(serve, settings):
    serve()
    settings.TRANSLATOR_RUN_DEADLINE_SECONDS = 0
    run = translate_papers([PaperFactory() for _ in range(3)], translator=get_translator())
    assert (run.done, run.deferred, run.stopped) == (3, 0, "")
