"""A server that refuses JSON mode or a token limit with a 400 is asked again without it, once, and that is
remembered per server and model for the process; a reply cut off at the token limit is refused and asked again
once with twice the limit. Loopback servers answer as OpenAI, LM Studio and vLLM do (tests/fakes/llm_servers.py)."""

from __future__ import annotations

import pytest

from digest.models import Translation, TranslationFailure, TranslationRequest
from digest.translation import get_translator
from digest.translation.service import translate_papers
from digest.translation.translators import OpenAICompatibleTranslator
from tests.factories import PaperFactory
from tests.fakes import llm_servers
from tests.fakes.http import Reply

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("style", ["openai", "lmstudio"])
def test_a_400_naming_response_format_is_retried_without_it_and_the_paper_stored(serve, style):
    server = llm_servers.no_json_mode(style)
    serve(server)
    paper = PaperFactory()
    translator = get_translator()
    assert translator.json_mode == "used"
    run = translate_papers([paper], translator=translator)
    assert (run.done, run.failed) == (1, 0)
    assert ["response_format" in payload for payload in server.payloads] == [True, False]
    assert translator.json_mode == "dropped"
    assert Translation.objects.filter(paper=paper).exists()
    statuses = list(TranslationRequest.objects.order_by("created_at", "id").values_list("status", "http_status"))
    assert statuses == [("failed", 400), ("ok", 200)]


def test_no_json_mode_is_remembered_for_later_papers_and_new_translator_objects(serve, settings):
    settings.TRANSLATOR_CONCURRENCY = 1
    server = llm_servers.no_json_mode()
    serve(server)
    run = translate_papers([PaperFactory(), PaperFactory()], translator=get_translator())
    assert run.done == 2
    assert ["response_format" in payload for payload in server.payloads] == [True, False, False]
    assert get_translator().json_mode == "dropped"


def test_no_json_mode_is_remembered_per_model_not_per_server(serve, settings):
    serve(llm_servers.no_json_mode())
    translate_papers([PaperFactory()], translator=get_translator())
    other = OpenAICompatibleTranslator(settings.TRANSLATOR_BASE_URL, "", "another-model")
    assert (get_translator().json_mode, other.json_mode) == ("dropped", "used")


def test_a_server_refusing_the_request_even_without_json_mode_fails_the_paper_without_looping(serve):
    server = serve(lambda request: Reply(400, llm_servers.OPENAI_NO_JSON_MODE))
    paper = PaperFactory()
    run = translate_papers([paper], translator=get_translator())
    assert run.failed == 1 and len(server.requests) == 2
    assert "HTTP 400" in TranslationFailure.objects.get(paper=paper).reason


def test_a_400_about_something_else_is_not_retried(serve):
    error = {"error": {"message": "messages: too many", "type": "invalid_request_error", "param": "messages"}}
    server = serve(lambda request: Reply(400, error))
    translator = get_translator()
    run = translate_papers([PaperFactory()], translator=translator)
    assert run.failed == 1 and len(server.requests) == 1
    assert translator.json_mode == "used"


def test_every_request_carries_a_token_limit(serve, settings):
    settings.TRANSLATOR_MAX_REPLY_TOKENS = 3000
    server = serve()
    translate_papers([PaperFactory()], translator=get_translator())
    assert server.requests[0].json()["max_tokens"] == 3000


def test_a_reply_cut_off_at_the_token_limit_is_refused_then_asked_again_with_twice_the_limit(serve, settings):
    server = llm_servers.TruncatingServer(needs=1500)
    serve(server)
    settings.TRANSLATOR_MAX_REPLY_TOKENS = 1000
    settings.TRANSLATOR_MAX_RETRIES = 0  # the larger limit is asked for all the same
    paper = PaperFactory()
    run = translate_papers([paper], translator=get_translator())
    assert (run.done, server.limits) == (1, [1000, 2000])
    first = TranslationRequest.objects.order_by("created_at", "id").first()
    assert first.status == "failed" and "cut off" in first.reason
    assert Translation.objects.get(paper=paper).completion_tokens == 700


def test_a_reply_still_cut_off_after_the_larger_limit_is_refused_as_truncated(serve, settings):
    server = llm_servers.TruncatingServer(needs=10_000)
    serve(server)
    settings.TRANSLATOR_MAX_REPLY_TOKENS = 1000
    settings.TRANSLATOR_MAX_RETRIES = 1
    paper = PaperFactory()
    run = translate_papers([paper], translator=get_translator())
    assert run.failed == 1 and server.limits == [1000, 2000, 2000]  # doubled once, then the ordinary retry
    assert "finish_reason length" in TranslationFailure.objects.get(paper=paper).reason


def test_openai_reasoning_models_get_max_completion_tokens_instead(serve, settings):
    settings.TRANSLATOR_MAX_REPLY_TOKENS = 4000
    server = llm_servers.openai_reasoning_model()
    serve(server)
    run = translate_papers([PaperFactory()], translator=get_translator())
    assert run.done == 1
    assert [(p.get("max_tokens"), p.get("max_completion_tokens")) for p in server.payloads] == [
        (4000, None),
        (None, 4000),
    ]


def test_a_limit_the_models_context_cannot_hold_is_dropped_for_that_server(serve, settings):
    settings.TRANSLATOR_CONCURRENCY = 1
    server = llm_servers.small_context_vllm(context=4096)
    serve(server)
    run = translate_papers([PaperFactory(), PaperFactory()], translator=get_translator())
    assert run.done == 2
    assert ["max_tokens" in payload for payload in server.payloads] == [True, False, False]
