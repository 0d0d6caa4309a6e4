"""The AI-domain phrase table (digest/translation/phrases/ai_terms.tsv), every entry both ways, for Taiwan and
Hong Kong: the Simplified phrase in a sentence comes out in the entry's form, and the entry's form itself
comes through conversion unchanged (an already-converted text is not converted twice into something else)."""

from __future__ import annotations

import pytest

from digest.translation.phrases import PhraseTable, convert_quotes, shipped_phrases
from digest.translation.variants import convert, convert_translation

TABLE = PhraseTable(shipped_phrases())
ENTRIES = [(p, language) for p in shipped_phrases() for language in ("zh-Hant-TW", "zh-Hant-HK")]


def entry_id(value) -> str:
    return value if isinstance(value, str) else value.zh_hans


def test_the_table_covers_at_least_300_terms_and_the_known_traps():
    kinds = [p.kind for p in shipped_phrases()]
    assert kinds.count("term") >= 300
    assert {"推导出", "在线段上", "并发请求", "回调", "这些文件", "我们支持这一观点", "鲁棒优化"} <= {
        p.zh_hans for p in shipped_phrases()
    }


@pytest.mark.parametrize(("phrase", "language"), ENTRIES, ids=entry_id)
def test_the_simplified_phrase_reads_in_the_variant_form(phrase, language):
    expected = phrase.form(language)
    assert convert_translation(phrase.zh_hans, language, (), TABLE) == expected
    assert convert_translation(f"（{phrase.zh_hans}）。", language, (), TABLE) == f"（{expected}）。"


@pytest.mark.parametrize(("phrase", "language"), ENTRIES, ids=entry_id)
def test_the_variant_form_survives_conversion_unchanged(phrase, language):
    form = phrase.form(language)
    assert convert_translation(form, language, (), TABLE) == form
    assert convert_translation(f"（{form}）。", language, (), TABLE) == f"（{form}）。"


def test_opencc_alone_is_not_idempotent_on_taiwan_text_which_is_why_forms_are_shielded():
    note = "編輯按語：損失函數定義在線段上。"  # an editor's note written in Taiwan Chinese
    assert convert(note, "zh-Hant-TW") == "編輯按語：損失函式定義線上段上。"
    assert convert_translation(note, "zh-Hant-TW", (), TABLE) == note


@pytest.mark.parametrize(
    ("simplified", "opencc_alone", "ours"),
    [
        ("由此推导出上界", "由此推匯出上界", "由此推導出上界"),
        ("点在线段上", "點線上段上", "點在線段上"),
        ("处理并发请求", "處理併發請求", "處理並行請求"),
        ("注册回调", "註冊回撥", "註冊回呼"),
        ("这些文件", "這些檔案", "這些文件"),
        ("我们支持这一观点", "我們支援這一觀點", "我們支持這一觀點"),
        ("鲁棒优化", "魯棒最佳化", "穩健最佳化"),
    ],
)
def test_the_issue_examples_are_fixed_for_taiwan(simplified, opencc_alone, ours):
    assert convert(simplified, "zh-Hant-TW") == opencc_alone
    assert convert_translation(simplified, "zh-Hant-TW", (), TABLE) == ours


def test_hong_kong_keeps_its_own_wording_and_the_bing_fix():
    assert convert("处理并发请求", "zh-Hant-HK") == "處理併發請求"
    assert convert_translation("处理并发请求", "zh-Hant-HK", (), TABLE) == "處理並發請求"
    assert convert_translation("数据集与神经网络", "zh-Hant-HK", (), TABLE) == "數據集與神經網絡"


@pytest.mark.parametrize("language", ["zh-Hant-TW", "zh-Hant-HK"])
def test_taiwan_and_hong_kong_get_corner_brackets_for_quotes(language):
    assert convert_translation("我们称之为“协同”与‘内层’。", language, (), TABLE) == "我們稱之為「協同」與『內層』。"


def test_simplified_readers_keep_their_quotes_and_apostrophes_stay():
    assert convert_translation("我们称之为“协同”。", "zh-Hans", (), TABLE) == "我们称之为“协同”。"
    assert convert_quotes("Bayes’ rule 与 don’t") == "Bayes’ rule 与 don’t"


@pytest.mark.parametrize(("locale_dir", "language"), [("zh_TW", "zh-Hant-TW"), ("zh_HK", "zh-Hant-HK")])
def test_the_interface_strings_use_no_form_the_watch_list_rules_out(locale_dir, language):
    """The interface, the phrase table and the audit speak with one voice."""
    import polib
    from django.conf import settings

    from digest.translation.phrases import watch_list

    catalog = polib.pofile(str(settings.BASE_DIR / "locale" / locale_dir / "LC_MESSAGES" / "django.po"))
    forms = [w.form for w in watch_list() if w.language == language]
    found = [
        (form, entry.msgid)
        for entry in catalog
        for text in [entry.msgstr, *entry.msgstr_plural.values()]
        for form in forms
        if form in text
    ]
    assert found == []


@pytest.mark.parametrize("language", ["zh-Hant-TW", "zh-Hant-HK"])
def test_text_that_spells_a_placeholder_converts_like_any_other_text(language):
    """Private-use characters are dropped from stored text now, but rows stored before may hold them; the
    phrase table must not read them as its own bookkeeping (an out-of-range index stopped every email)."""
    table = PhraseTable(shipped_phrases())
    text = "由此推导出\ue0029\ue003 与 \ue0020\ue003"
    converted = table.apply(text, language, convert)
    assert "\ue0029\ue003" in converted and "\ue0020\ue003" in converted
    assert "推導出" in converted
