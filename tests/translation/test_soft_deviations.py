"""A reply with soft deviations is stored, repaired, with its reasons for review; the circuit breaker counts only
papers that got no answer at all."""

from __future__ import annotations

import pytest

from digest.models import GlossaryTerm, Translation
from digest.translation import get_translator
from digest.translation.service import translate_papers
from tests.factories import PaperFactory
from tests.fakes.http import Reply
from tests.translation.conftest import answer_with, content_reply

pytestmark = pytest.mark.django_db

ABSTRACT = "We study how large language models reason, with $\\alpha$-scaling, over many benchmarks and tasks."


def test_a_reply_with_a_glossary_variant_and_unicode_latex_is_stored_repaired_and_flagged(serve):
    serve(
        lambda request: content_reply(
            {"title": "大型语言模型推理", "abstract": "我们研究大型语言模型如何推理，采用 α 缩放，覆盖多个基准与任务。"}
        )
    )
    paper = PaperFactory(title="Reasoning in large language models", abstract=ABSTRACT)
    run = translate_papers([paper], translator=get_translator())
    assert run.done == 1 and run.failed == 0
    stored = Translation.objects.get(paper=paper)
    assert stored.title == "大语言模型推理"
    assert "大型语言模型" not in stored.abstract and "大语言模型" in stored.abstract
    assert stored.review_reasons == [
        "abstract: LaTeX $\\alpha$ written as α",
        "glossary: 大型语言模型 → 大语言模型 (large language model)",
    ]


def test_variants_an_editor_adds_in_the_glossary_are_repaired(serve):
    GlossaryTerm.objects.create(term="benchmark", zh_hans="基准", variants="基准测试\n评测基准")
    serve(
        lambda request: content_reply(
            {"title": "新的评测基准", "abstract": "我们提出新的基准测试，覆盖大量推理任务与模型。"}
        )
    )
    paper = PaperFactory(title="A new benchmark", abstract="We propose a new benchmark covering many reasoning tasks.")
    translate_papers([paper], translator=get_translator())
    stored = Translation.objects.get(paper=paper)
    assert (stored.title, stored.abstract) == ("新的基准", "我们提出新的基准，覆盖大量推理任务与模型。")
    assert stored.review_reasons == ["glossary: 基准测试、评测基准 → 基准 (benchmark)"]


def test_a_clean_reply_is_stored_without_review_reasons(serve):
    serve()
    paper = PaperFactory()
    translate_papers([paper], translator=get_translator())
    assert Translation.objects.get(paper=paper).review_reasons == []


def test_refused_replies_never_trip_the_circuit_breaker(serve, settings):
    settings.TRANSLATOR_MAX_CONSECUTIVE_FAILURES = 2
    serve(answer_with(lambda source, good: {"title": source["title"], "abstract": source["abstract"]}))
    papers = [PaperFactory() for _ in range(5)]
    run = translate_papers(papers, translator=get_translator())
    assert (run.failed, run.deferred, run.stopped) == (5, 0, "")


def test_a_paper_refused_once_then_met_with_503_is_not_counted_as_no_answer(serve, settings):
    settings.TRANSLATOR_MAX_CONSECUTIVE_FAILURES = 2
    settings.TRANSLATOR_MAX_RETRIES = 1
    settings.TRANSLATOR_CONCURRENCY = 1
    calls = []

    def handler(request):
        calls.append(1)
        if len(calls) % 2:
            return content_reply("not json")
        return Reply(503, {"error": {"message": "busy"}})

    serve(handler)
    run = translate_papers([PaperFactory() for _ in range(4)], translator=get_translator())
    assert (run.failed, run.deferred, run.stopped) == (4, 0, "")


def test_papers_that_got_no_answer_do_trip_the_circuit_breaker(serve, settings):
    settings.TRANSLATOR_MAX_CONSECUTIVE_FAILURES = 2
    settings.TRANSLATOR_CONCURRENCY = 1
    serve(lambda request: Reply(503, {"error": {"message": "down"}}))
    run = translate_papers([PaperFactory() for _ in range(5)], translator=get_translator())
    assert run.failed == 2 and run.deferred == 3
    assert run.stopped.startswith("translator unavailable")
