"""How each way a provider or a reply can fail ends: retried as specified, then recorded, the paper left in
English, nothing half-stored. The real client runs against a loopback chat-completions server."""

from __future__ import annotations

import json
import logging
import socket
import time

import pytest

from digest.models import Translation, TranslationFailure, TranslationRequest
from digest.papers.latex import latex_to_unicode
from digest.translation import get_translator
from digest.translation.service import translate_papers
from digest.translation.translators import MAX_REPLY_BYTES
from digest.translation.variants import localize
from tests.factories import PaperFactory
from tests.fakes.http import Reply
from tests.translation.conftest import answer_with, content_reply, scripted

pytestmark = pytest.mark.django_db

LATEX_ABSTRACT = (
    "We bound the regret by $O(\\sqrt{T})$ and show that \\(\\epsilon\\)-greedy exploration suffices for "
    "large language models on reasoning benchmarks, improving accuracy across many tasks and settings."
)


def assert_left_in_english(paper, reason_part: str) -> None:
    """The paper has no translation, its failure says why, and readers get the English text with the mark."""
    assert not Translation.objects.filter(paper=paper).exists()
    failure = TranslationFailure.objects.get(paper=paper)
    assert reason_part in failure.reason
    text = localize(paper, "zh-Hant-TW")
    assert text.translated is False and text.abstract == latex_to_unicode(paper.abstract)


def test_429_waits_for_retry_after_then_succeeds(serve):
    arrivals: list[float] = []

    def too_many(request):
        arrivals.append(time.monotonic())
        return Reply(429, {"error": {"message": "rate limited"}}, {"Retry-After": "1"})

    server = serve(scripted(too_many))
    paper = PaperFactory()
    run = translate_papers([paper], translator=get_translator())
    assert run.done == 1 and len(server.requests) == 2
    assert time.monotonic() - arrivals[0] >= 1.0  # waited Retry-After, not the 0.01 s backoff
    statuses = list(TranslationRequest.objects.order_by("created_at", "id").values_list("status", "http_status"))
    assert statuses == [("failed", 429), ("ok", 200)]


def test_503_retry_after_as_an_http_date_is_honoured(serve):
    from email.utils import formatdate

    def unavailable(request):
        return Reply(503, "down", {"Retry-After": formatdate(time.time() + 2, usegmt=True)})

    server = serve(scripted(unavailable))
    started = time.monotonic()
    run = translate_papers([PaperFactory()], translator=get_translator())
    assert run.done == 1 and len(server.requests) == 2
    assert time.monotonic() - started >= 1.0


def test_500_is_retried_with_backoff_and_the_retry_succeeds(serve):
    server = serve(scripted(Reply(500, "oops")))
    run = translate_papers([PaperFactory()], translator=get_translator())
    assert run.done == 1 and run.failed == 0 and len(server.requests) == 2
    # A server error is not the model's fault: the retry carries no "rejected" feedback.
    assert len(server.requests[1].json()["messages"]) == 2


def test_persistent_500_leaves_the_paper_in_english_after_all_attempts(serve):
    server = serve(lambda request: Reply(500, "oops"))
    paper = PaperFactory()
    run = translate_papers([paper], translator=get_translator())
    assert run.failed == 1 and len(server.requests) == 3  # TRANSLATOR_MAX_RETRIES=2
    assert_left_in_english(paper, "HTTP 500")
    assert TranslationRequest.objects.filter(paper=paper, status="failed").count() == 3


def test_401_is_not_retried(serve):
    server = serve(lambda request: Reply(401, {"error": {"message": "bad key"}}))
    paper = PaperFactory()
    run = translate_papers([paper], translator=get_translator())
    assert run.failed == 1 and len(server.requests) == 1
    assert_left_in_english(paper, "HTTP 401")


def test_timeout_is_retried_then_recorded(serve, settings):
    server = serve(lambda request: Reply(200, "{}", delay=2.0))
    settings.TRANSLATOR_TIMEOUT_SECONDS = 0.2
    settings.TRANSLATOR_MAX_RETRIES = 1
    paper = PaperFactory()
    started = time.monotonic()
    run = translate_papers([paper], translator=get_translator())
    assert run.failed == 1 and len(server.requests) == 2
    assert time.monotonic() - started < 1.5
    assert_left_in_english(paper, "timed out")


def test_connection_refused_leaves_the_paper_in_english(settings):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.TRANSLATOR_BASE_URL, settings.TRANSLATOR_MODEL = f"http://127.0.0.1:{port}/v1", "m"
    settings.TRANSLATOR_BACKOFF_SECONDS, settings.TRANSLATOR_MAX_RETRIES = 0.01, 1
    paper = PaperFactory()
    run = translate_papers([paper], translator=get_translator())
    assert run.failed == 1 and run.requests == 2
    assert_left_in_english(paper, "cannot reach the translator")


def test_malformed_json_is_retried_with_the_reason_then_recorded(serve):
    server = serve(lambda request: content_reply('{"title": "标题", "abstract": '))
    paper = PaperFactory()
    run = translate_papers([paper], translator=get_translator())
    assert run.failed == 1 and len(server.requests) == 3
    assert "not JSON" in server.requests[1].json()["messages"][-1]["content"]
    assert_left_in_english(paper, "not JSON")


def test_a_body_that_is_not_a_chat_completion_is_refused(serve):
    serve(lambda request: Reply(200, "<html>gateway page</html>", {"Content-Type": "text/html"}))
    paper = PaperFactory()
    translate_papers([paper], translator=get_translator())
    assert_left_in_english(paper, "not a chat-completions response")


def test_dropped_latex_is_refused(serve):
    serve(answer_with(lambda source, good: {"title": good["title"], "abstract": "我们证明了遗憾界。" * 12}))
    paper = PaperFactory(abstract=LATEX_ABSTRACT)
    run = translate_papers([paper], translator=get_translator())
    assert run.failed == 1
    assert_left_in_english(paper, "dropped the LaTeX span")


def test_dropped_latex_then_a_good_retry_is_stored(serve):
    server = serve(scripted(answer_with(lambda source, good: {"title": good["title"], "abstract": "遗憾界。" * 40})))
    paper = PaperFactory(abstract=LATEX_ABSTRACT)
    run = translate_papers([paper], translator=get_translator())
    assert run.done == 1 and len(server.requests) == 2
    assert "$O(\\sqrt{T})$" in Translation.objects.get(paper=paper).abstract


def test_over_long_reply_is_refused(serve):
    serve(answer_with(lambda source, good: {"title": good["title"], "abstract": good["abstract"] * 10}))
    paper = PaperFactory()
    translate_papers([paper], translator=get_translator())
    assert_left_in_english(paper, "too long")


def test_reply_larger_than_the_limit_is_refused_unread(serve):
    huge = "模" * (MAX_REPLY_BYTES // 2)
    serve(lambda request: content_reply({"title": "标题", "abstract": huge}))
    paper = PaperFactory()
    translate_papers([paper], translator=get_translator())
    assert_left_in_english(paper, "larger than")


def test_reply_carrying_a_script_tag_is_refused(serve):
    serve(answer_with(lambda source, good: {**good, "abstract": good["abstract"] + "<script>alert(1)</script>"}))
    paper = PaperFactory()
    translate_papers([paper], translator=get_translator())
    assert_left_in_english(paper, "HTML or Markdown")


def test_refused_replies_still_count_their_tokens(serve):
    serve(
        scripted(
            lambda request: content_reply("not json", prompt_tokens=100, completion_tokens=10),
            lambda request: content_reply("still not json", prompt_tokens=120, completion_tokens=12),
        )
    )
    run = translate_papers([PaperFactory()], translator=get_translator())
    assert run.done == 1 and run.requests == 3
    assert (run.prompt_tokens, run.completion_tokens) == (100 + 120 + 900, 10 + 12 + 700)
    rows = TranslationRequest.objects.order_by("created_at", "id")
    assert [r.status for r in rows] == ["failed", "failed", "ok"]
    assert sum(r.prompt_tokens for r in rows) == run.prompt_tokens


def test_failure_stores_no_translation_but_every_request(serve):
    serve(lambda request: content_reply("not json", prompt_tokens=50, completion_tokens=5))
    paper = PaperFactory()
    translate_papers([paper], translator=get_translator())
    assert Translation.objects.count() == 0
    assert TranslationFailure.objects.filter(paper=paper).count() == 1
    assert TranslationRequest.objects.filter(paper=paper, status="failed", prompt_tokens=50).count() == 3


def test_a_crashing_translator_costs_one_paper_not_the_run(serve, monkeypatch):
    serve()
    translator = get_translator()
    first, second = PaperFactory(score=2), PaperFactory(score=1)
    real = translator.translate

    def flaky(title, abstract, **kwargs):
        if title == first.title:
            raise RuntimeError("bug")
        return real(title, abstract, **kwargs)

    monkeypatch.setattr(translator, "translate", flaky)
    run = translate_papers([first, second], translator=translator)
    assert (run.done, run.failed) == (1, 1)
    assert "RuntimeError" in TranslationFailure.objects.get(paper=first).reason


def test_the_api_key_is_sent_but_never_logged(serve, caplog):
    server = serve(lambda request: Reply(500, "oops"))
    caplog.set_level(logging.DEBUG)
    translate_papers([PaperFactory()], translator=get_translator())
    assert server.requests[0].headers["Authorization"] == "Bearer test-key"
    assert "test-key" not in caplog.text


def test_a_paper_whose_storing_fails_leaves_no_request_record_behind(serve, monkeypatch):
    from digest.translation import execution

    serve()
    paper = PaperFactory()

    def broken_store(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(execution, "store_translation", broken_store)
    with pytest.raises(RuntimeError):
        translate_papers([paper], translator=get_translator())
    # The request rows were written in the same transaction as the translation, so they went with it.
    assert not TranslationRequest.objects.filter(paper=paper).exists()
    assert not Translation.objects.filter(paper=paper).exists()


@pytest.mark.parametrize("huge", [10**40, "1e999", 2**31])
def test_huge_usage_token_counts_are_clamped_and_the_translation_kept(serve, huge):
    from tests.factories import PaperFactory
    from tests.fakes.http import Reply
    from tests.fakes.llm import good_model

    def huge_usage(request):
        reply = good_model(request)
        body = json.dumps(reply.body).replace('"prompt_tokens": 900', f'"prompt_tokens": {str(huge).strip(chr(34))}')
        return Reply(200, body.encode(), headers={"Content-Type": "application/json"})

    serve(huge_usage)
    run = translate_papers([PaperFactory()], translator=get_translator())
    assert run.failed == 0
    assert Translation.objects.get().prompt_tokens == 2**31 - 1
