"""What is (re)translated and when: the cache key, new prompt versions and models, editors' edits, the
per-run budget and a provider that is down."""

from __future__ import annotations

import logging
from datetime import date

import pytest

from digest import daily
from digest.models import Paper, Translation, TranslationFailure
from digest.translation import get_translator
from digest.translation.service import translate_papers
from digest.translation.translators import OpenAICompatibleTranslator
from digest.translation.variants import localize
from tests.factories import PaperFactory, TranslationFactory
from tests.fakes.http import Reply
from tests.fakes.llm import good_model

pytestmark = pytest.mark.django_db


def fresh(paper: Paper) -> Paper:
    return Paper.objects.prefetch_related("translations").get(pk=paper.pk)


def translator_with(model: str | None = None, prompt_version: str | None = None) -> OpenAICompatibleTranslator:
    translator = get_translator()
    if model:
        translator.model = model
    if prompt_version:
        translator.prompt_version = prompt_version
    return translator


@pytest.fixture
def old_translation(serve):
    """A paper translated under an older prompt version, with the loopback translator configured."""
    server = serve()
    paper = PaperFactory()
    translation = TranslationFactory(paper=paper, model="loopback-model", prompt_version="v0", title="旧的标题")
    return server, paper, translation


def test_a_new_prompt_version_is_not_sent_by_a_plain_run(old_translation):
    server, paper, _ = old_translation
    run = translate_papers([paper], translator=get_translator())
    assert run.skipped == 1 and len(server.requests) == 0


def test_retranslate_sends_a_paper_made_with_an_older_prompt_version_once(old_translation):
    server, paper, _ = old_translation
    translate_papers([paper], translator=get_translator(), retranslate=True)
    translate_papers([paper], translator=get_translator(), retranslate=True)
    assert len(server.requests) == 1
    assert fresh(paper).current_translation().prompt_version == get_translator().prompt_version


def test_retranslate_sends_a_paper_made_by_another_model(serve):
    server = serve()
    paper = PaperFactory()
    translate_papers([paper], translator=translator_with(model="model-a"), retranslate=True)
    translate_papers([paper], translator=translator_with(model="model-b"), retranslate=True)
    translate_papers([paper], translator=translator_with(model="model-b"), retranslate=True)
    assert len(server.requests) == 2
    assert fresh(paper).current_translation().model == "model-b"


def test_the_old_translation_keeps_showing_until_the_new_one_succeeds(old_translation):
    server, paper, _ = old_translation
    server.handler = lambda request: Reply(503, "down", {"Retry-After": "0"})
    run = translate_papers([paper], translator=get_translator(), retranslate=True)
    assert run.failed == 1
    assert localize(fresh(paper), "zh-Hans").title == "旧的标题"
    server.handler = good_model
    translate_papers([paper], translator=get_translator(), retranslate=True)
    assert localize(fresh(paper), "zh-Hans").title != "旧的标题"


def test_a_translation_of_an_older_abstract_is_not_shown(serve):
    paper = PaperFactory()
    TranslationFactory(paper=paper, title="第一版的标题")
    paper.abstract += " Version 2 adds experiments."
    paper.save()
    assert localize(fresh(paper), "zh-Hans").translated is False


@pytest.fixture
def edited(serve):
    server = serve()
    paper = PaperFactory()
    TranslationFactory(paper=paper, model="loopback-model", prompt_version="v0")
    editor = TranslationFactory(
        paper=paper, title="编辑改过的标题", by_editor=True, model="editor", prompt_version="editor"
    )
    return server, paper, editor


def test_editor_translation_survives_retranslate(edited):
    server, paper, _ = edited
    run = translate_papers([paper], translator=get_translator(), retranslate=True)
    assert run.skipped == 1 and len(server.requests) == 0
    assert localize(fresh(paper), "zh-Hans").title == "编辑改过的标题"


def test_force_replaces_the_editor_translation_and_keeps_it_superseded(edited):
    server, paper, editor = edited
    run = translate_papers([paper], translator=get_translator(), force=True)
    assert run.done == 1 and len(server.requests) == 1
    shown = fresh(paper).current_translation()
    assert shown.model == "loopback-model" and not shown.by_editor
    editor.refresh_from_db()
    assert editor.superseded_at is not None  # kept for the record, no longer shown


def test_force_twice_overwrites_its_own_translation_in_place(serve):
    server = serve()
    paper = PaperFactory()
    translate_papers([paper], translator=get_translator())
    translate_papers([paper], translator=get_translator(), force=True)
    assert len(server.requests) == 2 and Translation.objects.filter(paper=paper).count() == 1


def test_a_failed_force_leaves_the_editor_translation_shown(edited):
    server, paper, editor = edited
    server.handler = lambda request: Reply(503, "down", {"Retry-After": "0"})
    translate_papers([paper], translator=get_translator(), force=True)
    editor.refresh_from_db()
    assert editor.superseded_at is None
    assert localize(fresh(paper), "zh-Hans").title == "编辑改过的标题"


def test_paper_budget_defers_the_rest_with_a_log_line(serve, settings, caplog):
    server = serve()
    settings.TRANSLATOR_MAX_PAPERS_PER_RUN = 3
    papers = [PaperFactory(score=score) for score in range(5)]
    with caplog.at_level(logging.WARNING, logger="digest.translation.service"):
        run = translate_papers(papers, translator=get_translator())
    assert (run.done, run.deferred) == (3, 2) and len(server.requests) == 3
    assert "budget reached budget=papers max=3 deferred=2" in caplog.text
    # The best-ranked papers go first; the rest are translated by the next run.
    assert set(Translation.objects.values_list("paper__score", flat=True)) == {4, 3, 2}
    run = translate_papers(papers, translator=get_translator())
    assert (run.done, run.skipped, run.deferred) == (2, 3, 0)


def test_token_budget_stops_handing_out_papers(serve, settings, caplog):
    server = serve()  # 900 + 700 tokens per reply
    settings.TRANSLATOR_MAX_TOKENS_PER_RUN, settings.TRANSLATOR_CONCURRENCY = 3000, 1
    papers = [PaperFactory() for _ in range(5)]
    with caplog.at_level(logging.WARNING, logger="digest.translation.service"):
        run = translate_papers(papers, translator=get_translator())
    assert (run.done, run.deferred) == (2, 3) and len(server.requests) == 2
    assert "budget reached budget=tokens max=3000 used=3200" in caplog.text
    assert "token budget" in run.summary()


def test_a_provider_that_is_down_is_given_up_after_several_papers(serve, settings):
    server = serve(lambda request: Reply(503, "down", {"Retry-After": "0"}))
    settings.TRANSLATOR_CONCURRENCY, settings.TRANSLATOR_MAX_CONSECUTIVE_FAILURES = 1, 3
    papers = [PaperFactory() for _ in range(10)]
    run = translate_papers(papers, translator=get_translator())
    assert (run.failed, run.deferred) == (3, 7) and len(server.requests) == 9
    assert "translator unavailable" in run.summary()
    assert TranslationFailure.objects.count() == 3
    assert all(localize(p, "zh-Hant-TW").translated is False for p in papers)


def test_concurrent_requests_stay_within_the_setting(serve, settings):
    import threading

    lock, active, peak = threading.Lock(), [0], [0]

    def slow(request):
        with lock:
            active[0] += 1
            peak[0] = max(peak[0], active[0])
        reply = good_model(request)
        threading.Event().wait(0.2)
        with lock:
            active[0] -= 1
        return reply

    serve(slow)
    settings.TRANSLATOR_CONCURRENCY = 3
    run = translate_papers([PaperFactory() for _ in range(9)], translator=get_translator())
    assert run.done == 9 and peak[0] == 3


def test_the_day_is_sent_when_translation_blows_up(settings, monkeypatch):
    settings.TRANSLATOR_BASE_URL, settings.TRANSLATOR_MODEL = "http://127.0.0.1:9/v1", "m"

    def explode(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(daily, "translate_papers", explode)
    assert daily.translate_day(date(2025, 5, 28)) is None  # logged, not raised: the chain goes on to send
