"""The translation page, per Traditional variant: the editor writes that variant's text (an override, shown as
such, removable, shown as stale once the Simplified text changed) or adds a phrase for every paper; in the
editor's language, refused while the edition is frozen. Needs compiled messages."""

import re

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission
from django.urls import reverse

from digest.editions import variant_overrides
from digest.editions.editor_translations import save_editor_translation
from digest.models import Edition, VariantOverride, VariantPhrase
from digest.translation.variants import localize
from tests.admin_users import make_staff
from tests.factories import EditionEntryFactory, EditionFactory, TranslationFactory

pytestmark = pytest.mark.django_db
TAIWAN = "zh-Hant-TW,zh;q=0.9,en;q=0.5"
HONG_KONG = "zh-HK,zh;q=0.9"
TW_TITLE = "大型語言模型的擴展定律"
TW_ABSTRACT = "我們研究大型語言模型在多個基準上的推理能力。"


@pytest.fixture
def entry():
    entry = EditionEntryFactory(edition=EditionFactory())
    TranslationFactory(paper=entry.paper)
    return entry


def url(entry) -> str:
    return reverse("admin:digest_edition_translation", args=[entry.edition_id, entry.paper_id])


def post(client, entry, language=TAIWAN, **data):
    return client.post(url(entry), data, HTTP_ACCEPT_LANGUAGE=language, follow=True)


def save_tw(client, entry, **fields):
    data = {"action": "save_override", "variant": "zh-Hant-TW", "title": TW_TITLE, "abstract": TW_ABSTRACT} | fields
    return post(client, entry, **data)


def column(page: str, code: str) -> str:
    """The variant's column of the page."""
    return re.search(rf'<section class="column converted" data-variant="{code}">(.*?)</section>', page, re.S).group(1)


def test_an_editor_saves_a_taiwan_override_from_the_page(editor_client, entry):
    response = save_tw(editor_client, entry)
    override = VariantOverride.objects.get(paper=entry.paper)
    assert (override.language, override.title, override.created_by.username) == ("zh-Hant-TW", TW_TITLE, "mei")
    assert f"已儲存 {entry.paper.arxiv_id} 的台灣覆寫版本" in response.text
    assert LogEntry.objects.filter(change_message=f"Saved the Taiwan override of {entry.paper.arxiv_id}").exists()


def test_the_page_shows_the_override_as_what_taiwan_readers_get(editor_client, entry):
    save_tw(editor_client, entry)
    page = editor_client.get(url(entry), HTTP_ACCEPT_LANGUAGE=TAIWAN).text
    taiwan, hong_kong = column(page, "zh-Hant-TW"), column(page, "zh-Hant-HK")
    assert 'data-testid="override-state"' in taiwan and "覆寫版本：這個版本的讀者收到編輯撰寫的文字" in taiwan
    assert f'<h3 class="t-title" lang="zh-Hant-TW">{TW_TITLE}</h3>' in taiwan
    assert 'data-testid="remove-override-zh-Hant-TW"' in taiwan
    assert 'data-testid="override-state"' not in hong_kong


def test_removing_the_override_gives_taiwan_readers_the_converted_text_again(editor_client, entry):
    save_tw(editor_client, entry)
    response = post(editor_client, entry, action="remove_override", variant="zh-Hant-TW")
    assert not VariantOverride.objects.exists()
    assert "讀者改為收到轉換後的文字" in response.text
    assert localize(entry.paper, "zh-Hant-TW").title != TW_TITLE


def test_an_override_written_for_an_earlier_simplified_text_is_shown_as_stale(editor_client, entry):
    save_tw(editor_client, entry)
    save_editor_translation(entry.paper, "编辑的新标题", "编辑的新摘要")
    taiwan = column(editor_client.get(url(entry), HTTP_ACCEPT_LANGUAGE=TAIWAN).text, "zh-Hant-TW")
    assert 'data-testid="override-stale"' in taiwan
    assert 'data-testid="override-state"' not in taiwan
    assert TW_TITLE in taiwan  # in the form, to rewrite for the new text
    assert 'data-testid="remove-override-zh-Hant-TW"' in taiwan


def test_a_frozen_edition_refuses_an_override_with_a_reason(editor_client, entry):
    EditionEntryFactory(
        edition=EditionFactory(kind=Edition.Kind.WEEKLY, status=Edition.Status.APPROVED), paper=entry.paper
    )
    response = save_tw(editor_client, entry)
    assert not VariantOverride.objects.exists()
    assert "un-approve" not in response.text and "撤銷批准" in response.text
    assert 'data-testid="override-form-zh-Hant-TW"' not in response.text
    assert 'data-testid="phrase-form-zh-Hant-TW"' not in response.text


def test_add_as_a_phrase_creates_a_variant_phrase_for_that_variant(editor_client, entry):
    response = post(
        editor_client, entry, action="add_phrase", variant="zh-Hant-HK", zh_hans="推理能力", form="推論能力"
    )
    phrase = VariantPhrase.objects.get()
    assert (phrase.zh_hans, phrase.zh_hant_hk, phrase.zh_hant_tw) == ("推理能力", "推論能力", "")
    assert "已為所有論文加入詞語 推理能力 → 推論能力（香港）" in response.text
    assert "推論能力" in localize(TranslationFactory(abstract="模型的推理能力。").paper, "zh-Hant-HK").abstract


def test_a_phrase_the_paper_does_not_use_is_refused_in_the_editors_language(editor_client, entry):
    response = post(editor_client, entry, action="add_phrase", variant="zh-Hant-TW", zh_hans="鲁棒性", form="穩健性")
    assert not VariantPhrase.objects.exists()
    assert f"{entry.paper.arxiv_id} 的簡體譯文中沒有「鲁棒性」" in response.text


def test_an_override_of_an_unknown_variant_is_refused(editor_client, entry):
    response = save_tw(editor_client, entry, variant="zh-Hans")
    assert not VariantOverride.objects.exists()
    assert "不是編輯可以撰寫的版本" in response.text


def test_a_viewer_cannot_write_an_override(client, entry):
    viewer = make_staff("viewer", None)
    viewer.user_permissions.add(Permission.objects.get(codename="view_edition"))
    client.force_login(viewer)
    response = client.post(
        url(entry), {"action": "save_override", "variant": "zh-Hant-TW", "title": "x", "abstract": "y"}
    )
    assert response.status_code == 403
    assert not VariantOverride.objects.exists()


def test_an_override_is_shown_escaped(editor_client, entry):
    save_tw(editor_client, entry, title="<script>alert(1)</script>標題")
    page = editor_client.get(url(entry)).text
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;標題" in page


NEW_PARTS_ENGLISH = (
    "Write this variant's text yourself",
    "Save as this variant's override",
    "Add as a phrase for every paper",
    "Simplified phrase",
    "This variant's form",
    "One-sentence summary",
    "Or fix a word for every paper",
    "Remove the override",
    "override: readers",
    "The converted text",
    "written by",
)


def test_the_variant_columns_are_in_traditional_chinese_for_zh_tw(editor_client, entry):
    save_tw(editor_client, entry)
    page = editor_client.get(url(entry), HTTP_ACCEPT_LANGUAGE=TAIWAN).text
    columns = column(page, "zh-Hant-TW") + column(page, "zh-Hant-HK")
    for chinese in (
        "儲存為這個版本的覆寫版本",
        "加入為所有論文適用的詞語",
        "簡體詞語",
        "這個版本的寫法",
        "移除覆寫版本",
    ):
        assert chinese in columns
    for english in NEW_PARTS_ENGLISH:
        assert english not in columns


def test_the_variant_columns_use_hong_kong_wording_for_zh_hk(editor_client, entry):
    save_tw(editor_client, entry)
    page = editor_client.get(url(entry), HTTP_ACCEPT_LANGUAGE=HONG_KONG).text
    assert "保存為這個版本的覆蓋版本" in page and "轉換後的文本" in page
    assert "儲存為這個版本的覆寫版本" not in page
    for english in NEW_PARTS_ENGLISH:
        assert english not in page


def test_the_variant_columns_stay_english_for_english(editor_client, entry):
    page = editor_client.get(url(entry), HTTP_ACCEPT_LANGUAGE="en").text
    assert "Save as this variant's override" in page and "Add as a phrase for every paper" in page


def test_the_phrase_tables_own_form_is_labelled_in_chinese(editor_client):
    page = editor_client.get(reverse("admin:digest_variantphrase_add"), HTTP_ACCEPT_LANGUAGE=TAIWAN).text
    for chinese in ("簡體詞語", "台灣寫法", "香港寫法", "詞語對照"):
        assert chinese in page
    for english in ("Simplified phrase", "Taiwan form", "Hong Kong form", "variant phrase"):
        assert english not in page


def test_editors_may_write_overrides(entry):
    editor = make_staff("lin", "editor")
    assert editor.has_perms(["digest.add_variantoverride", "digest.delete_variantoverride"])


def test_the_service_and_the_page_agree_on_what_readers_get(editor_client, entry):
    variant_overrides.save_variant_override(entry.paper, "zh-Hant-HK", "香港標題", "香港摘要")
    hong_kong = column(editor_client.get(url(entry)).text, "zh-Hant-HK")
    assert localize(entry.paper, "zh-Hant-HK").title == "香港標題"
    assert '<h3 class="t-title" lang="zh-Hant-HK">香港標題</h3>' in hong_kong


def test_the_edition_page_marks_the_variant_with_an_override_and_shows_its_title(editor_client, entry):
    save_tw(editor_client, entry)
    curate = reverse("admin:digest_edition_curate", args=[entry.edition_id])
    page = editor_client.get(curate, HTTP_ACCEPT_LANGUAGE=TAIWAN).text
    assert page.count('data-testid="variant-override"') == 1
    assert 'title="zh-Hant-TW: 編輯的覆寫版本">台✎</span>' in page
    assert f'lang="zh-tw">{TW_TITLE}</div>' in page


def test_the_edition_page_drops_the_mark_once_the_override_is_stale(editor_client, entry):
    save_tw(editor_client, entry)
    save_editor_translation(entry.paper, "编辑的新标题", "编辑的新摘要")
    page = editor_client.get(reverse("admin:digest_edition_curate", args=[entry.edition_id])).text
    assert 'data-testid="variant-override"' not in page
