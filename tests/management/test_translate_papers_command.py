"""`translate_papers [--date] [--limit N] [--retranslate] [--force] [--dry-run]` as an operator uses it."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from digest.models import Translation
from tests.factories import PaperFactory, TranslationFactory

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("translate_papers", "--date", "2025-05-28", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def three_papers():
    return [PaperFactory(score=n) for n in range(3)]


def test_summary_reports_papers_tokens_and_estimated_cost(serve, settings, three_papers):
    serve()
    settings.TRANSLATOR_PRICE_PROMPT_PER_MTOK, settings.TRANSLATOR_PRICE_COMPLETION_PER_MTOK = 0.27, 1.10
    out = run()
    # 3 × 900 prompt tokens, 3 × 700 completion tokens; (2700 × 0.27 + 2100 × 1.10) / 1M = 0.003039
    assert out.startswith("3 translated, 0 failed, 0 already translated, 0 left for the next run; 3 requests")
    assert "tokens: 2700 prompt + 2100 completion, estimated cost: 0.0030 USD" in out


def test_summary_says_when_prices_are_not_set(serve, three_papers):
    serve()
    assert "estimated cost: unknown (set TRANSLATOR_PRICE_PROMPT_PER_MTOK" in run()


def test_dry_run_lists_what_would_be_sent_and_sends_nothing(serve, three_papers):
    server = serve()
    TranslationFactory(paper=three_papers[0])
    out = run("--dry-run")
    assert out.startswith("dry run: would translate 2 with loopback-model")
    assert three_papers[2].arxiv_id in out and three_papers[0].arxiv_id not in out
    assert len(server.requests) == 0 and Translation.objects.count() == 1


def test_limit_leaves_the_rest_for_the_next_run(serve, three_papers):
    server = serve()
    assert run("--limit", "1").startswith("1 translated, 0 failed, 0 already translated, 2 left for the next run")
    assert run().startswith("2 translated, 0 failed, 1 already translated")
    assert len(server.requests) == 3


def test_progress_bar_counts_the_papers(serve, three_papers, capsys):
    serve()
    run()
    assert "3/3" in capsys.readouterr().err


def test_edited_translation_survives_retranslate_unless_forced(serve, three_papers):
    server = serve()
    for paper in three_papers:
        TranslationFactory(paper=paper, model="loopback-model", prompt_version="v0")
    edited = TranslationFactory(paper=three_papers[0], title="编辑的标题", by_editor=True, model="editor")
    assert run("--retranslate").startswith("2 translated, 0 failed, 1 already translated")
    assert len(server.requests) == 2
    edited.refresh_from_db()
    assert edited.superseded_at is None
    assert run("--force").startswith("3 translated")
    edited.refresh_from_db()
    assert edited.superseded_at is not None


def test_negative_limit_is_refused_with_a_reason(serve):
    serve()
    with pytest.raises(CommandError, match="--limit"):
        run("--limit", "-1")
