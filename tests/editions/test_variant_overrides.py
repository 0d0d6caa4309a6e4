"""An editor's own Taiwan or Hong Kong text of a paper (a variant override): what the readers of that variant get,
only while it fits the Simplified text it was written for, and never a change under a frozen edition."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from digest.editions import variant_overrides
from digest.editions.editor_translations import discard_editor_translation, retranslate, save_editor_translation
from digest.editions.errors import CurationError
from digest.editions.lifecycle import EditionFrozen
from digest.editions.selectors import edition_entries
from digest.models import Edition, VariantOverride, VariantPhrase
from digest.translation.stored import store_translation
from digest.translation.translators import TranslatedText
from digest.translation.variants import localize, to_variant
from tests.factories import EditionEntryFactory, EditionFactory, TranslationFactory

pytestmark = pytest.mark.django_db
TW, HK, HANS = "zh-Hant-TW", "zh-Hant-HK", "zh-Hans"
TW_TITLE = "大型語言模型的擴展定律（編輯版）"
TW_ABSTRACT = "我們研究大型語言模型在多個基準上的推理能力。"


@pytest.fixture
def paper():
    entry = EditionEntryFactory(edition=EditionFactory())
    TranslationFactory(paper=entry.paper, tldr="一句话总结")
    return entry.paper


def override(paper, language=TW, title=TW_TITLE, abstract=TW_ABSTRACT, tldr=""):
    return variant_overrides.save_variant_override(paper, language, title, abstract, tldr)


def test_taiwan_readers_get_the_taiwan_override(paper):
    override(paper)
    text = localize(paper, TW)
    assert (text.title, text.abstract) == (TW_TITLE, TW_ABSTRACT)
    assert text.translated


def test_a_taiwan_override_leaves_hong_kong_and_simplified_readers_the_converted_text(paper):
    translation = paper.current_translation()
    override(paper)
    assert localize(paper, HK).title == to_variant(translation.title, HK)
    assert localize(paper, HANS).title == translation.title
    assert localize(paper, "en").title == paper.title


def test_an_override_without_a_summary_keeps_the_converted_summary(paper):
    override(paper)
    assert localize(paper, TW).tldr == to_variant("一句话总结", TW)


def test_an_overrides_own_summary_replaces_the_converted_one(paper):
    override(paper, tldr="編輯寫的一句話")
    assert localize(paper, TW).tldr == "編輯寫的一句話"


def test_a_new_model_translation_makes_the_override_stale(paper):
    override(paper)
    store_translation(paper, TranslatedText("新的标题", "新的摘要"), model="other-model", prompt_version="v2")
    assert localize(paper, TW).title == to_variant("新的标题", TW)


def test_a_new_simplified_text_from_the_editor_makes_the_override_stale(paper):
    override(paper)
    save_editor_translation(paper, "编辑的标题", "编辑的摘要")
    assert localize(paper, TW).title == to_variant("编辑的标题", TW)


def test_editing_the_editors_simplified_text_again_makes_the_override_stale(paper):
    save_editor_translation(paper, "编辑的标题", "编辑的摘要")
    override(paper)
    save_editor_translation(paper, "编辑又改的标题", "编辑的摘要")  # the same row, a new text
    assert localize(paper, TW).title == to_variant("编辑又改的标题", TW)


def test_a_retranslation_that_lands_makes_the_override_stale(paper, translator_settings):
    override(paper)
    retranslate(paper)
    assert localize(paper, TW).title == to_variant(paper.current_translation().title, TW)
    assert localize(paper, TW).title != TW_TITLE


def test_an_override_fits_again_when_the_text_it_was_written_for_comes_back(paper):
    override(paper)
    save_editor_translation(paper, "编辑的标题", "编辑的摘要")
    discard_editor_translation(paper)
    assert localize(paper, TW).title == TW_TITLE


def test_writing_the_override_again_fits_it_to_the_current_text(paper):
    override(paper)
    save_editor_translation(paper, "编辑的标题", "编辑的摘要")
    override(paper, title="改寫後的標題")
    assert VariantOverride.objects.get(paper=paper, language=TW).fits(paper.current_translation())
    assert localize(paper, TW).title == "改寫後的標題"


def test_removing_the_override_gives_the_converted_text_back(paper):
    override(paper)
    assert variant_overrides.remove_variant_override(paper, TW) == 1
    assert localize(paper, TW).title == to_variant(paper.current_translation().title, TW)


@pytest.mark.parametrize("status", [Edition.Status.APPROVED, Edition.Status.SENDING])
def test_a_frozen_edition_refuses_an_override(paper, status):
    EditionEntryFactory(edition=EditionFactory(kind=Edition.Kind.WEEKLY, status=status), paper=paper)
    with pytest.raises(EditionFrozen):
        override(paper)
    assert not VariantOverride.objects.exists()


def test_a_frozen_edition_refuses_to_remove_an_override(paper):
    override(paper)
    EditionEntryFactory(edition=EditionFactory(kind=Edition.Kind.WEEKLY, status=Edition.Status.APPROVED), paper=paper)
    with pytest.raises(EditionFrozen):
        variant_overrides.remove_variant_override(paper, TW)
    assert VariantOverride.objects.count() == 1


def test_an_override_of_an_untranslated_paper_is_refused():
    paper = EditionEntryFactory(edition=EditionFactory()).paper
    with pytest.raises(CurationError, match="no Chinese translation yet"):
        override(paper)


@pytest.mark.parametrize("language", [HANS, "en", "zh-Hant"])
def test_only_taiwan_and_hong_kong_can_be_overridden(paper, language):
    with pytest.raises(CurationError, match="not a variant an editor can write"):
        override(paper, language=language)


def test_an_override_loses_hidden_characters_and_surrounding_space(paper):
    saved = override(paper, title=" 標題\ue000\x07 ", abstract="摘要\ufdd0")
    assert (saved.title, saved.abstract) == ("標題", "摘要")


def test_an_override_too_long_is_refused_not_cut(paper):
    with pytest.raises(CurationError, match="at most 10000"):
        override(paper, abstract="字" * (VariantOverride.ABSTRACT_MAX + 1))
    assert not VariantOverride.objects.exists()


def test_an_override_needs_a_title_and_an_abstract(paper):
    with pytest.raises(CurationError, match="both a title and an abstract"):
        override(paper, abstract=" ")


def test_an_editions_overrides_are_read_in_one_query_not_one_per_paper(paper):
    edition = paper.edition_entries.get().edition
    for _ in range(3):
        other = EditionEntryFactory(edition=edition).paper
        TranslationFactory(paper=other)
        override(other)
        override(other, language=HK)
    with CaptureQueriesContext(connection) as queries:
        for entry in edition_entries(edition):
            for language in (TW, HK, HANS):
                localize(entry.paper, language)
    assert len([q for q in queries.captured_queries if "variantoverride" in q["sql"]]) == 1


def test_a_phrase_added_from_one_paper_converts_every_paper(paper):
    other = TranslationFactory(abstract="这个模型的推理能力有限。").paper
    assert "推論能力" not in localize(other, TW).abstract
    variant_overrides.add_variant_phrase(paper, TW, "推理能力", "推論能力")
    assert VariantPhrase.objects.get(zh_hans="推理能力").zh_hant_tw == "推論能力"
    assert "推論能力" in localize(other, TW).abstract
    assert "推論能力" not in localize(other, HK).abstract


def test_a_phrase_keeps_the_other_variants_form(paper):
    VariantPhrase.objects.create(zh_hans="大型语言模型", zh_hant_hk="大型語言模型（港）", enabled=False)
    phrase = variant_overrides.add_variant_phrase(paper, TW, "大型语言模型", "大型語言模型（台）")
    assert (phrase.zh_hant_tw, phrase.zh_hant_hk, phrase.enabled) == ("大型語言模型（台）", "大型語言模型（港）", True)


def test_a_phrase_not_in_the_papers_simplified_text_is_refused(paper):
    with pytest.raises(CurationError, match="does not occur in the Simplified text"):
        variant_overrides.add_variant_phrase(paper, TW, "語言模型", "語言模型")
    assert not VariantPhrase.objects.exists()


def test_a_frozen_edition_refuses_a_phrase_from_its_paper(paper):
    EditionEntryFactory(edition=EditionFactory(kind=Edition.Kind.WEEKLY, status=Edition.Status.SENDING), paper=paper)
    with pytest.raises(EditionFrozen):
        variant_overrides.add_variant_phrase(paper, TW, "大型语言模型", "大型語言模型")
    assert not VariantPhrase.objects.exists()
