"""The review flag of a translation accepted with soft deviations: shown on the edition pages with its reasons,
cleared by an editor who read it (or by saving an editor's version)."""

import pytest
from django.urls import reverse

from digest.editions import editor_translations
from digest.models import Translation

pytestmark = pytest.mark.django_db
REASONS = ["glossary: 大型语言模型 → 大语言模型 (large language model)", "abstract: LaTeX $\\alpha$ written as α"]


@pytest.fixture
def flagged(edition):
    entry = edition.entries.order_by("position").first()
    Translation.objects.filter(paper=entry.paper).update(review_reasons=REASONS)
    return entry.paper


def translation_url(edition, paper):
    return reverse("admin:digest_edition_translation", args=[edition.pk, paper.pk])


def test_the_curation_page_flags_the_paper_with_its_reasons(editor_client, edition, flagged):
    text = editor_client.get(reverse("admin:digest_edition_curate", args=[edition.pk])).text
    assert text.count('data-testid="review-flag"') == 1
    assert "2 deviations to review" in text
    assert "大型语言模型 → 大语言模型" in text


def test_the_translation_page_lists_every_reason(editor_client, edition, flagged):
    text = editor_client.get(translation_url(edition, flagged)).text
    assert 'data-testid="review-flag"' in text
    for reason in REASONS:
        assert reason in text


def test_an_editor_clears_the_flag_and_the_text_stays(editor_client, edition, flagged):
    before = Translation.objects.get(paper=flagged)
    response = editor_client.post(translation_url(edition, flagged), {"action": "clear_review"})
    assert response.status_code == 302
    after = Translation.objects.get(paper=flagged)
    assert after.review_reasons == []
    assert (after.title, after.abstract) == (before.title, before.abstract)
    assert 'data-testid="review-flag"' not in editor_client.get(translation_url(edition, flagged)).text


def test_saving_an_editors_version_leaves_no_flag_on_what_readers_get(edition, flagged):
    editor_translations.save_editor_translation(flagged, "编辑的标题", "编辑的摘要。")
    shown = Translation.objects.get(paper=flagged, by_editor=True)
    assert shown.review_reasons == []


def test_the_flag_speaks_the_editors_language(editor_client, edition, flagged):
    url = reverse("admin:digest_edition_curate", args=[edition.pk])
    text = editor_client.get(url, HTTP_ACCEPT_LANGUAGE="zh-Hant-TW,zh;q=0.9").text
    assert "2 處偏差待審閱" in text and "deviations to review" not in text
    page = editor_client.get(translation_url(edition, flagged), HTTP_ACCEPT_LANGUAGE="zh-HK,zh;q=0.9").text
    assert "已審閱：譯文沒有問題" in page
