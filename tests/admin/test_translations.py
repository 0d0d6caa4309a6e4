"""Our own admin pages speak the editor's language: a browser asking for zh-Hant-TW gets Taiwan's Traditional
Chinese (OpenCC s2twp phrasing), one asking for zh-Hant-HK Hong Kong's. Needs compiled messages (make test
runs compilemessages)."""

import pytest
from django.urls import reverse

from digest.models import Topic
from tests.admin_users import make_staff
from tests.factories import EditionFactory

pytestmark = pytest.mark.django_db
TAIWAN = "zh-Hant-TW,zh;q=0.9,en;q=0.5"


def test_topic_page_is_in_traditional_chinese_for_an_editor_asking_for_zh_hant_tw(editor_client, topics):
    topic = Topic.objects.get(slug="vision")
    page = editor_client.get(reverse("admin:digest_topic_change", args=[topic.pk]), HTTP_ACCEPT_LANGUAGE=TAIWAN).text
    assert "每行一個正規表示式（不區分大小寫）；空行會被忽略。" in page
    assert "blank lines are ignored" not in page


def test_a_bad_keyword_line_is_reported_in_traditional_chinese(editor_client, topics):
    topic = Topic.objects.get(slug="vision")
    data = {"slug": topic.slug, "name_en": "V", "name_zh": "视觉", "arxiv_categories": "[]", "position": 1}
    response = editor_client.post(
        reverse("admin:digest_topic_change", args=[topic.pk]),
        data | {"keywords": "diffusion\n(unclosed"},
        HTTP_ACCEPT_LANGUAGE=TAIWAN,
    )
    assert "第 2 行：&#x27;(unclosed&#x27; 不是有效的正規表示式" in response.text


def test_results_page_figures_are_in_traditional_chinese_for_zh_hant_tw(editor_client):
    edition = EditionFactory()
    page = editor_client.get(reverse("admin:digest_edition_results", args=[edition.pk]), HTTP_ACCEPT_LANGUAGE=TAIWAN)
    assert "按語言與雙語" in page.text and "下載這些資料（CSV）" in page.text


def test_subscriber_list_uses_hong_kong_wording_for_zh_hk(client):
    # zh-HK is what browsers send for Hong Kong. (A bare "zh-Hant-HK" falls back to zh-tw in Django's
    # negotiation: zh-hant-hk -> zh-hant -> zh -> the first zh-* of LANGUAGES.)
    client.force_login(make_staff("boss", "admin"))
    page = client.get(reverse("admin:subscribers_subscriber_changelist"), HTTP_ACCEPT_LANGUAGE="zh-HK").text
    assert "導入 CSV" in page  # Taiwan would say 匯入


def test_english_stays_english(editor_client, topics):
    topic = Topic.objects.get(slug="vision")
    page = editor_client.get(reverse("admin:digest_topic_change", args=[topic.pk]), HTTP_ACCEPT_LANGUAGE="en").text
    assert "One case-insensitive regular expression per line" in page


def test_djangos_own_admin_text_is_in_traditional_chinese_for_zh_tw(editor_client):
    page = editor_client.get(reverse("admin:digest_topic_changelist"), HTTP_ACCEPT_LANGUAGE=TAIWAN).text
    assert "首頁" in page and "登出" in page
    assert ">Home<" not in page and "Log out" not in page


def test_djangos_own_admin_text_uses_hong_kong_characters_for_zh_hk(editor_client, topics):
    topic = Topic.objects.get(slug="vision")
    url = reverse("admin:digest_topic_change", args=[topic.pk])
    page = editor_client.get(url, HTTP_ACCEPT_LANGUAGE="zh-HK,zh;q=0.9").text
    assert "儲存並繼續編輯" in page
    assert "Save and continue editing" not in page


def test_the_admin_scripts_speak_traditional_chinese_for_zh_tw(editor_client):
    script = editor_client.get("/admin/jsi18n/", HTTP_ACCEPT_LANGUAGE=TAIWAN).text
    assert '"Today": "\\u4eca\\u5929"' in script  # the date widget's "Today", 今天, as the catalogue's JSON
