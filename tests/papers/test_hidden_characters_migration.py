"""The data migration that removes hidden characters (controls, private use) from text stored before the rule:
papers, translations and editors' notes come out clean, and each paper keeps its translation and each variant
override stays current."""

import importlib

import pytest

from digest.models import EditionEntry, Paper, Translation, VariantOverride
from digest.models.translations import text_hash
from tests.factories import EditionEntryFactory, PaperFactory, TranslationFactory

pytestmark = pytest.mark.django_db
migration = importlib.import_module("digest.migrations.0019_strip_hidden_characters")
PRIVATE = "\ue000"  # private use: a box or nothing, depending on the reader's font
SUPPLEMENTARY_PRIVATE = "\U000f0001"


def run_migration():
    return migration.strip_hidden_characters(Paper, Translation, EditionEntry, VariantOverride)


def stored_before_the_rule(model, pk, **fields):
    model.objects.filter(pk=pk).update(**fields)  # as an older version stored it, past today's input checks


def test_paper_text_and_authors_lose_hidden_characters_and_keep_their_translation(monkeypatch):
    monkeypatch.setattr(migration, "BATCH", 2)  # several batches
    papers = PaperFactory.create_batch(3)
    paper = papers[1]
    stored_before_the_rule(
        Paper, paper.pk, title=f"Scaling{PRIVATE} Laws", abstract=f"We study\x07 models.{SUPPLEMENTARY_PRIVATE}",
        authors=[f"Ada{PRIVATE} Lovelace", "Alan Turing"],
    )  # fmt: skip
    paper.refresh_from_db()
    translation = TranslationFactory(paper=paper)  # made from the text as stored, hidden characters and all
    assert run_migration()["papers"] == 1
    paper = Paper.objects.get(pk=paper.pk)
    assert (paper.title, paper.abstract, paper.authors) == (
        "Scaling Laws", "We study models.", ["Ada Lovelace", "Alan Turing"],
    )  # fmt: skip
    assert paper.current_translation() == translation  # still the paper's translation, not English again


def test_translation_text_loses_hidden_characters_and_its_variant_override_stays_current():
    translation = TranslationFactory()
    hidden = {"title": f"大型{PRIVATE}语言模型", "abstract": f"我们研究{PRIVATE}模型。", "tldr": "一句\x1b话"}
    stored_before_the_rule(Translation, translation.pk, **hidden)
    translation.refresh_from_db()
    override = VariantOverride.objects.create(
        paper=translation.paper, language="zh-Hant-TW", title="大型語言模型", abstract="我們研究模型。",
        made_from=translation.text_hash(),
    )  # fmt: skip
    assert run_migration()["translations"] == 1
    translation.refresh_from_db()
    assert (translation.title, translation.abstract, translation.tldr) == ("大型语言模型", "我们研究模型。", "一句话")
    override.refresh_from_db()
    assert override.made_from == text_hash("大型语言模型", "我们研究模型。", "一句话")


def test_editor_notes_lose_hidden_characters():
    entry = EditionEntryFactory()
    stored_before_the_rule(EditionEntry, entry.pk, note=f"必读{PRIVATE}：新方法\x7f")
    assert run_migration()["notes"] == 1
    entry.refresh_from_db()
    assert entry.note == "必读：新方法"


def test_clean_rows_are_left_alone():
    TranslationFactory()
    EditionEntryFactory(note="必读")
    assert run_migration() == {"papers": 0, "translations": 0, "notes": 0}
