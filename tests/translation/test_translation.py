"""Translation through the OpenAI-compatible protocol against a loopback server; OpenCC variants."""

import json

import pytest

from digest.models import Paper, Translation, TranslationFailure
from digest.papers.ingest import ingest_document
from digest.translation import TranslationError, get_translator
from digest.translation.prompt import PROMPT_VERSION
from digest.translation.service import translate_papers
from digest.translation.variants import convert, localize
from tests.conftest import sample
from tests.factories import PaperFactory, TranslationFactory
from tests.fakes.http import LoopbackServer, Reply
from tests.fakes.llm import completion, good_model

pytestmark = pytest.mark.django_db


def test_request_follows_the_documented_protocol(translator_settings):
    paper = PaperFactory(title="Attention Is All You Need", abstract="We propose the Transformer. " * 10)
    translate_papers([paper], translator=get_translator())
    (request,) = translator_settings.requests
    body = request.json()
    assert request.path == "/v1/chat/completions"
    assert request.headers["Authorization"] == "Bearer test-key"
    assert body["model"] == "loopback-model"
    assert body["response_format"] == {"type": "json_object"}
    user = json.loads(next(m["content"] for m in body["messages"] if m["role"] == "user"))
    assert user == {"title": paper.title, "abstract": paper.abstract}


def test_translation_is_stored_once_with_provenance_and_tokens(translator_settings, topics):
    ingest_document(sample("hf_daily_papers_2025-05-28.json"), "hf_daily")
    run = translate_papers(translator=get_translator())
    translation = Translation.objects.get(paper__arxiv_id="2505.03335")
    assert run.done == 25 and run.failed == 0
    assert translation.title.startswith("Absolute Zero")
    assert translation.model == "loopback-model" and translation.prompt_version == PROMPT_VERSION
    assert translation.source_hash == translation.paper.source_hash
    assert translation.prompt_tokens == 900 and translation.completion_tokens == 700


def test_second_run_makes_no_request(translator_settings, topics):
    ingest_document(sample("hf_daily_papers_2025-05-28.json"), "hf_daily")
    translate_papers(translator=get_translator())
    requests_after_first = len(translator_settings.requests)
    run = translate_papers(translator=get_translator())
    assert len(translator_settings.requests) == requests_after_first == 25
    assert run.skipped == 25 and run.done == 0


def test_changed_abstract_in_a_new_version_is_translated_again_once(translator_settings, topics):
    ingest_document(sample("arxiv_rss_cs.AI_2025-05-28.xml"), "arxiv_rss")
    paper = Paper.objects.get(arxiv_id="2505.14827")
    translate_papers([paper], translator=get_translator())
    paper.abstract += " In version 2 we add experiments on 7 more tasks."
    paper.version = 2
    paper.save()
    translate_papers([paper], translator=get_translator())
    translate_papers([paper], translator=get_translator())
    assert len(translator_settings.requests) == 2
    assert Translation.objects.filter(paper=paper).count() == 2


def test_english_echo_is_refused_and_recorded(settings):
    def echo(request):
        source = json.loads(json.loads(request.body)["messages"][1]["content"])
        return Reply(200, completion(json.dumps(source)))

    with LoopbackServer(echo) as server:
        settings.TRANSLATOR_BASE_URL, settings.TRANSLATOR_MODEL = server.url, "echo"
        settings.TRANSLATOR_MAX_RETRIES = 1
        paper = PaperFactory()
        run = translate_papers([paper], translator=get_translator())
    assert run.failed == 1 and not Translation.objects.exists()
    assert "echoed" in TranslationFailure.objects.get().reason
    assert len(server.requests) == 2  # retried once, with the reason in the prompt
    assert "rejected" in server.requests[1].json()["messages"][-1]["content"]


def test_provider_outage_leaves_the_paper_in_english(settings):
    with LoopbackServer(lambda request: Reply(503, {"error": "overloaded"}, {"Retry-After": "0"})) as server:
        settings.TRANSLATOR_BASE_URL, settings.TRANSLATOR_MODEL = server.url, "down"
        paper = PaperFactory()
        run = translate_papers([paper], translator=get_translator())
    assert run.failed == 1
    text = localize(paper, "zh-Hant-TW")
    assert text.translated is False and text.title == paper.title


def test_translator_error_is_raised_for_a_bad_reply():
    with LoopbackServer(lambda request: Reply(200, completion("not json at all"))) as server:
        from digest.translation.translators import OpenAICompatibleTranslator

        translator = OpenAICompatibleTranslator(server.url, "", "m", max_retries=0)
        with pytest.raises(TranslationError, match="not JSON"):
            translator.translate("A title", "An abstract")


def test_no_translator_configured_means_none(settings):
    settings.TRANSLATOR_BASE_URL = ""
    assert get_translator() is None


def test_taiwan_variant_uses_taiwan_phrasing():
    assert convert("数据与内存的性能", "zh-Hant-TW") == "資料與記憶體的效能"


def test_hong_kong_variant_is_traditional_without_taiwan_phrasing():
    assert convert("数据与内存的性能", "zh-Hant-HK") == "數據與內存的性能"


def test_simplified_variant_is_the_stored_text_and_english_is_the_original():
    translation = TranslationFactory()
    paper = translation.paper
    assert localize(paper, "zh-Hans").abstract == translation.abstract
    assert localize(paper, "en").abstract == paper.abstract


def test_editor_translation_wins_over_the_model():
    translation = TranslationFactory()
    TranslationFactory(paper=translation.paper, title="编辑修订的标题", by_editor=True, model="editor")
    assert localize(translation.paper, "zh-Hans").title == "编辑修订的标题"


def test_good_model_fake_answers_reference_text():
    # Guards the fake itself: it must return the shipped reference for a known title.
    from tests.fakes.http import Request

    body = {
        "messages": [
            {"role": "system", "content": "x"},
            {
                "role": "user",
                "content": json.dumps(
                    {"title": "Absolute Zero: Reinforced Self-play Reasoning with Zero Data", "abstract": "x"}
                ),
            },
        ]
    }
    reply = good_model(Request("POST", "/v1/chat/completions", {}, json.dumps(body).encode()))
    assert "零数据" in json.loads(reply.body["choices"][0]["message"]["content"])["title"]
