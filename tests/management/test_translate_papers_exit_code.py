"""`translate_papers` exit code: non-zero only when every paper it tried failed (a scheduler sees only that)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.factories import PaperFactory, TranslationFactory
from tests.fakes.http import Reply, Request
from tests.fakes.llm import good_model
from tests.translation.conftest import content_reply, scripted

pytestmark = pytest.mark.django_db


def run() -> str:
    out = StringIO()
    call_command("translate_papers", "--date", "2025-05-28", stdout=out, verbosity=0)
    return out.getvalue()


def unauthorized(request: Request) -> Reply:
    return Reply(401, {"error": {"message": "Incorrect API key provided", "code": "invalid_api_key"}})


def test_every_paper_failing_exits_non_zero_with_the_last_reason(serve):
    serve(unauthorized)
    PaperFactory.create_batch(2)
    with pytest.raises(CommandError) as raised:
        run()
    message = str(raised.value)
    assert "every paper tried failed (2)" in message and "HTTP 401" in message
    assert "\n" not in message


def test_every_reply_refused_exits_non_zero(serve, settings):
    serve(lambda request: content_reply("I cannot translate this."))
    settings.TRANSLATOR_MAX_RETRIES = 0
    PaperFactory()
    with pytest.raises(CommandError, match="every paper tried failed"):
        run()


def test_the_summary_is_still_printed_before_the_failure(serve, capsys):
    serve(unauthorized)
    PaperFactory()
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("translate_papers", "--date", "2025-05-28", stdout=out, verbosity=0)
    assert out.getvalue().startswith("0 translated, 1 failed")


def test_partial_success_exits_zero(serve, settings):
    serve(scripted(content_reply("not json at all")))
    settings.TRANSLATOR_MAX_RETRIES, settings.TRANSLATOR_CONCURRENCY = 0, 1
    PaperFactory.create_batch(2)
    assert run().startswith("1 translated, 1 failed")


def test_nothing_to_translate_exits_zero(serve):
    server = serve(good_model)
    paper = PaperFactory()
    TranslationFactory(paper=paper)
    assert run().startswith("0 translated, 0 failed, 1 already translated")
    assert server.requests == []
