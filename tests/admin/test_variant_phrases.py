"""Editors extend the AI-domain phrase table in the admin: the next render of any Taiwan or Hong Kong text uses
it, with no re-translation (the variants are made at render time from the stored Simplified text)."""

import pytest
from django.urls import reverse

from digest.models import Translation, TranslationRequest, VariantPhrase
from digest.translation.phrases import active_phrases
from digest.translation.variants import localize, to_variant
from tests.factories import TranslationFactory

pytestmark = pytest.mark.django_db
ADD = reverse("admin:digest_variantphrase_add")


def add_phrase(client, **fields):
    data = {"zh_hans": "", "zh_hant_tw": "", "zh_hant_hk": "", "enabled": "on", "notes": ""} | fields
    return client.post(ADD, data)


def test_an_editor_adds_a_phrase_and_the_next_render_uses_it_without_retranslating(editor_client):
    translation = TranslationFactory(abstract="我们提出一种新的提示注入攻击方法，并评估多个模型。")
    before = localize(translation.paper, "zh-Hant-TW").abstract
    assert "提示注入" in before
    response = add_phrase(editor_client, zh_hans="提示注入", zh_hant_tw="提示詞注入", zh_hant_hk="提示注入")
    assert response.status_code == 302
    after = localize(translation.paper, "zh-Hant-TW")
    assert "提示詞注入攻擊" in after.abstract
    assert localize(translation.paper, "zh-Hant-HK").abstract.startswith("我們提出一種新的提示注入攻擊")
    assert Translation.objects.count() == 1 and not TranslationRequest.objects.exists()


def test_an_editors_row_replaces_the_shipped_one_and_an_empty_form_keeps_the_shipped_form(editor_client):
    assert to_variant("鲁棒性", "zh-Hant-TW") == "穩健性"
    add_phrase(editor_client, zh_hans="鲁棒性", zh_hant_tw="強健性")
    assert to_variant("鲁棒性", "zh-Hant-TW") == "強健性"
    assert to_variant("鲁棒性", "zh-Hant-HK") == "穩健性"


def test_editing_and_deleting_a_phrase_take_effect_at_once(editor_client):
    phrase = VariantPhrase.objects.create(zh_hans="提示注入", zh_hant_tw="提示詞注入")
    assert to_variant("提示注入", "zh-Hant-TW") == "提示詞注入"
    change = reverse("admin:digest_variantphrase_change", args=[phrase.pk])
    editor_client.post(change, {"zh_hans": "提示注入", "zh_hant_tw": "提示語注入", "zh_hant_hk": "", "enabled": "on"})
    assert to_variant("提示注入", "zh-Hant-TW") == "提示語注入"
    editor_client.post(reverse("admin:digest_variantphrase_delete", args=[phrase.pk]), {"post": "yes"})
    assert to_variant("提示注入", "zh-Hant-TW") == "提示注入"


def test_a_disabled_phrase_is_not_applied():
    VariantPhrase.objects.create(zh_hans="提示注入", zh_hant_tw="提示詞注入", enabled=False)
    assert "提示注入" not in {p.zh_hans for p in active_phrases().phrases}


def test_a_phrase_without_any_variant_form_is_refused_with_a_reason(editor_client):
    response = add_phrase(editor_client, zh_hans="提示注入")
    assert response.status_code == 200
    assert "Give the Taiwan form, the Hong Kong form, or both." in response.text
    assert not VariantPhrase.objects.exists()


def test_the_list_shows_the_shipped_forms_next_to_the_editors(editor_client):
    VariantPhrase.objects.create(zh_hans="鲁棒性", zh_hant_tw="強健性")
    page = editor_client.get(reverse("admin:digest_variantphrase_changelist")).text
    assert "強健性" in page and "穩健性 / 穩健性" in page
