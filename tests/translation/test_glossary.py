"""The editors' glossary: seeded, given to the model for the terms a paper uses, checked in replies, and
shielded from OpenCC so each variant shows the fixed rendering."""

from __future__ import annotations

import pytest

from digest.models import GlossaryTerm, TranslationFailure
from digest.translation import get_translator
from digest.translation.glossary import Term, active_glossary, prompt_glossary
from digest.translation.service import translate_papers
from digest.translation.variants import convert, convert_translation, localize
from tests.factories import PaperFactory, TranslationFactory
from tests.translation.conftest import answer_with

pytestmark = pytest.mark.django_db


def system_prompt(request) -> str:
    return request.json()["messages"][0]["content"]


def test_migration_seeds_a_starting_glossary():
    seeded = {term.term: term for term in GlossaryTerm.objects.all()}
    assert {"LLM", "GPU", "CLIP", "Transformer", "token", "state space model"} <= set(seeded)
    assert seeded["LLM"].keep_verbatim and seeded["state space model"].zh_hans == "状态空间模型"


def test_prompt_lists_only_the_terms_the_paper_uses(serve):
    server = serve()
    paper = PaperFactory(
        title="A State Space Model for Long Context",
        abstract="We train LLMs with a selective state space model and compare with CLIPScore baselines.",
    )
    translate_papers([paper], translator=get_translator())
    glossary = system_prompt(server.requests[0]).partition("Glossary")[2]
    assert glossary.splitlines()[1:] == ["- LLM → keep as LLM", "- state space model → 状态空间模型"]


def test_prompt_has_no_glossary_section_when_no_term_occurs():
    assert prompt_glossary(active_glossary(), "On Birds", "We count birds in parks.") == ""


def test_a_reply_that_drops_a_verbatim_term_is_refused_with_the_reason(serve, settings):
    server = serve(answer_with(lambda source, good: {**good, "abstract": good["abstract"].replace("LLM", "大模型")}))
    settings.TRANSLATOR_MAX_RETRIES = 1
    paper = PaperFactory(abstract="We evaluate LLM agents on many long-horizon planning benchmarks and tasks.")
    run = translate_papers([paper], translator=get_translator())
    assert run.failed == 1
    assert "lost the names kept verbatim by the glossary: LLM" in TranslationFailure.objects.get().reason
    assert "LLM" in server.requests[1].json()["messages"][-1]["content"]


def test_fixed_taiwan_rendering_survives_s2twp():
    GlossaryTerm.objects.create(term="dataset", zh_hans="数据集", zh_hant_tw="數據集")
    text = "我们发布了一个新的数据集，并分析数据质量。"
    assert "資料集" in convert(text, "zh-Hant-TW")  # what OpenCC alone would write
    converted = convert_translation(text, "zh-Hant-TW", active_glossary())
    assert "數據集" in converted and "資料集" not in converted
    assert "分析資料" in converted  # the rest is still Taiwan phrasing


def test_fixed_hong_kong_rendering_survives_s2hk():
    GlossaryTerm.objects.create(term="video", zh_hans="视频", zh_hant_hk="影片")
    converted = convert_translation("我们研究视频理解。", "zh-Hant-HK", active_glossary())
    assert converted == "我們研究影片理解。"


def test_verbatim_terms_come_through_every_variant_unchanged():
    glossary = (Term("Transformer", keep_verbatim=True), Term("token", keep_verbatim=True))
    text = "基于 Transformer 的模型每个 token 的内存开销。"
    for language in ("zh-Hant-TW", "zh-Hant-HK", "zh-Hans"):
        converted = convert_translation(text, language, glossary)
        assert "Transformer" in converted and "token" in converted


def test_seeded_taiwan_rendering_is_what_taiwan_readers_see():
    translation = TranslationFactory(abstract="我们评估了多个大语言模型在数学推理上的表现。")
    tw = localize(translation.paper, "zh-Hant-TW").abstract
    hk = localize(translation.paper, "zh-Hant-HK").abstract
    # Hong Kong has no fixed glossary rendering: the phrase table's (大型語言模型, as Hong Kong universities write).
    assert "大型語言模型" in tw and "大型語言模型" in hk and "大語言模型" not in hk


def test_a_glossary_edit_in_the_admin_applies_without_a_restart():
    translation = TranslationFactory(abstract="我们发布了一个新的数据集。" * 3)
    assert "資料集" in localize(translation.paper, "zh-Hant-TW").abstract
    GlossaryTerm.objects.create(term="dataset", zh_hans="数据集", zh_hant_tw="數據集")
    assert "數據集" in localize(translation.paper, "zh-Hant-TW").abstract


def test_disabled_terms_are_ignored():
    GlossaryTerm.objects.filter(term="large language model").update(enabled=False)
    assert all(term.term != "large language model" for term in active_glossary())


def test_placeholders_never_leak_into_the_text():
    glossary = (Term("state space model", zh_hans="状态空间模型", zh_hant_tw="狀態空間模型"),)
    converted = convert_translation("状态空间模型和状态空间模型的数据", "zh-Hant-TW", glossary)
    assert converted == "狀態空間模型和狀態空間模型的資料"
    assert not any("\ue000" <= ch <= "\uf8ff" for ch in converted)
