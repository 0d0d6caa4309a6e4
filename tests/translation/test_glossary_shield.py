"""The glossary shield uses no in-band markers: any character a feed or an editor writes is converted as text."""

from __future__ import annotations

import pytest

from digest.models import GlossaryTerm
from digest.translation.glossary import active_glossary
from digest.translation.variants import convert_translation, localize
from tests.factories import PaperFactory, TranslationFactory

pytestmark = pytest.mark.django_db

PRIVATE_USE = "\ue000\ue001\ue0009\ue001"


def test_private_use_characters_next_to_a_glossary_term_do_not_break_conversion():
    GlossaryTerm.objects.create(term="dataset", zh_hans="数据集", zh_hant_tw="數據集")
    text = f"公式 $x{PRIVATE_USE}$ 与新的数据集"
    converted = convert_translation(text, "zh-Hant-TW", active_glossary())
    assert converted.endswith("與新的數據集")
    assert PRIVATE_USE in converted  # stored text is shown as stored; ingest is where it is cleaned


def test_marker_lookalike_digits_are_not_taken_for_a_shielded_term():
    GlossaryTerm.objects.create(term="dataset", zh_hans="数据集", zh_hant_tw="數據集")
    converted = convert_translation("\ue0000\ue001 数据集", "zh-Hant-TW", active_glossary())
    assert converted == "\ue0000\ue001 數據集"


def test_verbatim_terms_keep_their_casing_around_other_conversions():
    converted = convert_translation("我们用 LLMs 与 Transformers 处理数据", "zh-Hant-TW", active_glossary())
    assert converted == "我們用 LLMs 與 Transformers 處理資料"


def test_a_translation_with_private_use_characters_localizes_for_every_variant():
    paper = PaperFactory()
    TranslationFactory(paper=paper, title="状态空间模型\ue001\ue000", abstract="\ue0001\ue001 状态空间模型的数据")
    for language in ("zh-Hant-TW", "zh-Hant-HK", "zh-Hans"):
        localized = localize(paper, language)
        assert localized.translated and "模型" in localized.abstract


def test_private_use_characters_in_a_model_reply_never_reach_stored_text(serve):
    """Such a reply is refused (and asked again); whatever is stored holds none of them."""
    from digest.models import Translation, TranslationFailure
    from digest.translation import get_translator
    from digest.translation.service import translate_papers
    from tests.translation.conftest import answer_with

    serve(answer_with(lambda source, good: {**good, "abstract": good["abstract"] + "\ue000\ue0001\ue001"}))
    translate_papers([PaperFactory()], translator=get_translator())
    assert not any("\ue000" in t.abstract for t in Translation.objects.all())
    assert "private-use" in TranslationFailure.objects.get().reason
