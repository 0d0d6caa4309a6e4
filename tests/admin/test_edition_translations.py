"""The edition pages (curation, preview, results) speak the editor's language, like the rest of our admin:
Taiwan's Traditional Chinese for zh-Hant-TW, Hong Kong's wording for zh-HK, English otherwise. What is
stored (the admin log, failure reasons) stays English whatever the editor reads. Needs compiled messages."""

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse
from django.utils import translation

from digest.editions import editor_translations
from digest.models import TranslationFailure
from tests.admin_users import make_staff

pytestmark = pytest.mark.django_db
TAIWAN = "zh-Hant-TW,zh;q=0.9,en;q=0.5"
HONG_KONG = "zh-HK,zh;q=0.9"


def page(client, name, edition, language):
    url = reverse(f"admin:digest_edition_{name}", args=[edition.pk])
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.text


def test_curation_page_is_in_traditional_chinese_for_zh_hant_tw(editor_client, edition):
    text = page(editor_client, "curate", edition, TAIWAN)
    for chinese in (
        "查詢要加入的論文", "儲存按語", "★ 設為精選", "編輯譯文", "本期共 3 篇可寄給讀者。", "草稿", "首頁"
    ):  # fmt: skip
        assert chinese in text
    for english in (
        "Find a paper to add",
        "Save note",
        "Feature<",
        "Edit translation",
        "papers for readers",
        ">draft<",
    ):
        assert english not in text


def test_preview_page_is_in_traditional_chinese_for_zh_hant_tw(editor_client, edition):
    text = page(editor_client, "preview", edition, TAIWAN)
    for chinese in (
        "顯示這個版本",
        "純文字部分",
        "桌面版（640 px）",
        "讀者關注的主題（不選則為全部主題）",
        "預覽與測試",
    ):
        assert chinese in text
    for english in (
        "Show this variant",
        "Plain-text part",
        "Desktop (640 px)",
        "Topics the reader follows",
        "Preview &amp; test",
    ):
        assert english not in text


def test_results_page_is_in_traditional_chinese_for_zh_hant_tw(editor_client, edition):
    text = page(editor_client, "results", edition, TAIWAN)
    for chinese in ("按版本", "點選最多的論文", "收件人", "尚未寄出任何郵件。", "沒有點選記錄。"):
        assert chinese in text
    for english in (
        "By variant",
        "Most clicked papers",
        "Nothing sent yet.",
        "No clicks recorded.",
        "Readers who clicked",
    ):
        assert english not in text


def test_edition_pages_use_hong_kong_wording_for_zh_hk(editor_client, edition):
    # Where OpenCC's Hong Kong phrasing differs from Taiwan's (查找/查詢, 保存/儲存, 發送/傳送, 點擊/點選).
    curate = page(editor_client, "curate", edition, HONG_KONG)
    assert "查找要加入的論文" in curate and "保存按語" in curate
    assert "查詢要加入的論文" not in curate and "儲存按語" not in curate
    preview = page(editor_client, "preview", edition, HONG_KONG)
    assert "發送測試郵件到" in preview and "傳送測試郵件到" not in preview
    results = page(editor_client, "results", edition, HONG_KONG)
    assert "點擊最多的論文" in results and "點選最多的論文" not in results


@pytest.mark.parametrize(
    ("name", "english"),
    [
        ("curate", ["Find a paper to add", "Save note", "3 papers for readers.", "Approve edition"]),
        ("preview", ["Show this variant", "Plain-text part", "Send a test to"]),
        ("results", ["By variant", "Most clicked papers", "Readers who clicked"]),
    ],
)
def test_edition_pages_stay_english_for_english(editor_client, edition, name, english):
    text = page(editor_client, name, edition, "en")
    for words in english:
        assert words in text
    for chinese in ("查詢要加入的論文", "查找要加入的论文", "顯示這個版本", "按版本", "预览与测试", "預覽與測試"):
        assert chinese not in text


def test_a_curation_message_is_shown_in_chinese_but_logged_in_english(editor_client, edition):
    entry = edition.entries.order_by("position").last()
    response = editor_client.post(
        reverse("admin:digest_edition_curate", args=[edition.pk]),
        {"action": "feature", "entry": entry.pk},
        HTTP_ACCEPT_LANGUAGE=TAIWAN,
        follow=True,
    )
    assert f"已將 {entry.paper.arxiv_id} 設為編輯精選" in response.text
    assert LogEntry.objects.filter(change_message=f"Featured {entry.paper.arxiv_id}").exists()


def test_a_refused_change_is_explained_in_chinese(editor_client, edition):
    response = editor_client.post(
        reverse("admin:digest_edition_curate", args=[edition.pk]),
        {"action": "add", "arxiv_id": "not-an-id"},
        HTTP_ACCEPT_LANGUAGE=TAIWAN,
        follow=True,
    )
    assert "&#x27;not-an-id&#x27; 不是 arXiv 編號（例如 2505.14970）" in response.text
    assert "is not an arXiv id" not in response.text


def test_approval_messages_are_in_chinese_and_the_log_in_english(client, edition):
    client.force_login(make_staff("boss", "admin"))
    response = client.post(
        reverse("admin:digest_edition_approval", args=[edition.pk]),
        {"action": "approve", "confirmed": "1"},
        HTTP_ACCEPT_LANGUAGE=TAIWAN,
        follow=True,
    )
    assert f"已批准 {edition.date:%Y-%m-%d} 期" in response.text
    assert LogEntry.objects.filter(change_message__startswith=f"Approved Edition {edition.date:%Y-%m-%d}").exists()


def test_a_stored_failure_reason_stays_english_while_an_editor_reads_chinese(settings, edition):
    # A queued re-translation run inside a Chinese request (in-process tasks) still records English.
    settings.TRANSLATOR_BASE_URL = ""
    paper = edition.entries.first().paper
    with translation.override("zh-tw"):
        editor_translations.run_requested_retranslation(paper.pk)
    reason = TranslationFailure.objects.get(paper=paper).reason
    assert reason.startswith("re-translation not done: no translator is configured")


def test_topics_are_named_in_the_editors_language(editor_client, edition, topics):
    edition.entries.first().paper.topics.set([topics["vision"]])
    taiwan = page(editor_client, "curate", edition, TAIWAN)
    english = page(editor_client, "curate", edition, "en")
    assert topics["vision"].name_en in english and topics["vision"].name_en not in taiwan
    assert "電腦視覺" in taiwan and "計算機視覺" not in taiwan  # the phrase table's Taiwan form, as readers see it
