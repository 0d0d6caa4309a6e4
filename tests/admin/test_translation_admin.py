"""The translation admin as a superuser sees it: glossary editing, monthly usage with an estimated cost,
failures with their (escaped) reasons."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

import digest.admin.translations  # noqa: F401  (registers the models; digest/admin/__init__.py imports it too)
from digest.models import GlossaryTerm, TranslationFailure, TranslationRequest
from tests.factories import PaperFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client, django_user_model):
    user = django_user_model.objects.create_superuser("editor", "editor@example.com", "pw-editor-123")
    client.force_login(user)
    return client


def test_editor_adds_a_glossary_term(editor):
    response = editor.post(
        "/admin/digest/glossaryterm/add/",
        {"term": "mixture of experts", "zh_hans": "混合专家", "zh_hant_tw": "混合專家", "enabled": "on"},
    )
    assert response.status_code == 302
    assert GlossaryTerm.objects.get(term="mixture of experts").zh_hant_tw == "混合專家"


def test_a_term_needs_a_rendering_or_verbatim(editor):
    response = editor.post("/admin/digest/glossaryterm/add/", {"term": "agent", "enabled": "on"})
    assert response.status_code == 200 and "keep verbatim" in response.content.decode()
    assert not GlossaryTerm.objects.filter(term="agent").exists()


def test_glossary_list_shows_the_seeded_terms(editor):
    html = editor.get("/admin/digest/glossaryterm/").content.decode()
    assert "state space model" in html and "狀態空間模型" in html


def test_usage_page_shows_this_months_totals_with_the_estimated_cost(editor, settings):
    settings.TRANSLATOR_PRICE_PROMPT_PER_MTOK, settings.TRANSLATOR_PRICE_COMPLETION_PER_MTOK = 1.0, 2.0
    paper = PaperFactory()
    for status, prompt, completion in (("ok", 900, 700), ("ok", 900, 700), ("failed", 1000, 50)):
        TranslationRequest.objects.create(
            paper=paper,
            model="m",
            prompt_version="v2",
            status=status,
            prompt_tokens=prompt,
            completion_tokens=completion,
        )
    long_ago = timezone.now() - timedelta(days=70)
    TranslationRequest.objects.create(
        paper=paper, model="m", prompt_version="v2", status="ok", prompt_tokens=5, created_at=long_ago
    )
    response = editor.get("/admin/digest/translationrequest/")
    assert response.status_code == 200
    this_month = response.context["month_totals"][0]
    assert (this_month.requests, this_month.ok, this_month.failed) == (3, 2, 1)
    assert (this_month.prompt_tokens, this_month.completion_tokens) == (2800, 1450)
    # (2800 × 1.0 + 1450 × 2.0) / 1M
    assert "0.0057 USD" in response.content.decode()


def test_usage_records_cannot_be_added_or_edited(editor):
    assert editor.get("/admin/digest/translationrequest/add/").status_code == 403


def test_failure_list_shows_the_reason_escaped(editor):
    TranslationFailure.objects.create(paper=PaperFactory(), model="m", reason="reply had <script>alert(1)</script>")
    html = editor.get("/admin/digest/translationfailure/").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)" not in html
